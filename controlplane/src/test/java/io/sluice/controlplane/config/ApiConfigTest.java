package io.sluice.controlplane.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the {@code api:} section serves the API: the root-only socket by default, a TCP listener only
 * when asked, and never a TCP listener that authenticates nobody unless {@code insecure: true} says
 * so; the socket's path and group checked before a daemon starts.
 */
class ApiConfigTest
{
    private static final Path FILE = Path.of("/etc/sluice/lab.yaml");
    private static final String HEAD = """
        dataplane:
          device: net_null0
          workers: 1
        services: []
        """;
    private static final String TOKEN = "0123456789abcdef0123";

    @TempDir
    Path directory;

    private static List<String> problems(final String yaml)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigLoader.parse(FILE, yaml));
        final List<String> lines = new ArrayList<>();
        for (final ConfigProblem problem : ex.problems())
        {
            lines.add(problem.toString());
        }
        return lines;
    }

    @Test
    void shouldServeOnlyTheDefaultSocketWhenTheSectionIsEmpty() throws Exception
    {
        final ApiSection api = ConfigLoader.parse(FILE, HEAD + "api: {}\n").api();

        assertEquals(Path.of("/run/sluice/sluice.sock"), api.socket());
        assertNull(api.socketGroup());
        assertFalse(api.tcp(), "no TCP listener unless api.listen is given");
        assertNull(api.listen());
        assertEquals(Path.of("/etc/sluice/run/lb.sock"), ConfigLoader.parse(FILE, HEAD + "api: { socket: run/lb.sock }\n").api().socket(),
            "relative to the configuration file");
    }

    @Test
    void shouldRefuseATcpListenerThatAuthenticatesNoCallerUnlessInsecureIsSet() throws Exception
    {
        final String expected = "/etc/sluice/lab.yaml:5:16: api.listen: the TCP listener on '0.0.0.0:50051' authenticates no " +
            "caller: anybody who reaches it could change the load balancer. Give api.token or api.tokenFile, or mutual TLS " +
            "(api.tls with clientCa); the socket (api.socket) needs neither. To serve it without authentication anyway, set " +
            "api.insecure: true (the daemon logs a WARNING)";

        assertEquals(List.of(expected), problems(HEAD + "api: { listen: 0.0.0.0:50051 }\n"));
        assertEquals(1, problems(HEAD + "api: { listen: 127.0.0.1:50051 }\n").size(), "loopback is reachable by every local user");
        assertEquals(1, problems(HEAD + "api: { listen: \"[::]:50051\", insecure: false }\n").size());
        final ApiSection insecure = ConfigLoader.parse(FILE, HEAD + "api: { listen: 0.0.0.0:50051, insecure: true }\n").api();
        assertTrue(insecure.tcp());
        assertTrue(insecure.insecure());
        assertFalse(insecure.authenticated());
    }

    @Test
    void shouldAcceptATcpListenerWithATokenOrClientCertificates() throws Exception
    {
        final Path pem = Files.writeString(directory.resolve("ca.pem"), "not checked by the loader\n");
        final Path file = directory.resolve("sluice.yaml");

        final ApiSection token = ConfigLoader.parse(file, HEAD + "api: { listen: 0.0.0.0:50051, token: " + TOKEN + " }\n").api();
        final ApiSection mutual = ConfigLoader.parse(file, HEAD + "api: { listen: 0.0.0.0:50051, tls: { cert: " + pem + ", key: " +
            pem + ", clientCa: " + pem + " } }\n").api();

        assertEquals("0.0.0.0:50051", token.listen());
        assertTrue(token.authenticated());
        assertTrue(mutual.authenticated());
        assertEquals(1, problems(HEAD + "api: { listen: 0.0.0.0:50051, tls: { cert: " + pem + ", key: " + pem + " } }\n").size(),
            "TLS without client certificates authenticates the server only");
    }

    @Test
    void shouldRefuseTheTokenTlsAndInsecureWithoutATcpListener()
    {
        assertEquals(List.of("/etc/sluice/lab.yaml:5:15: api.token: '" + TOKEN + "' is not valid: given only with api.listen (the " +
            "token and TLS protect the TCP listener; the socket is guarded by its file permissions)"),
            problems(HEAD + "api: { token: " + TOKEN + " }\n"));
        assertEquals(1, problems(HEAD + "api: { insecure: true }\n").size());
    }

    @Test
    void shouldRefuseASocketPathThatDoesNotFitAndAGroupThatDoesNotExist()
    {
        final String longPath = "/run/" + "s".repeat(110) + ".sock";

        assertEquals(List.of("/etc/sluice/lab.yaml:5:16: api.socket: '" + longPath.substring(0, 64) + "... (120 characters)' is not valid: an absolute path (or one " +
            "relative to the configuration file) of at most 107 bytes, e.g. /run/sluice/sluice.sock"),
            problems(HEAD + "api: { socket: " + longPath + " }\n"));
        assertEquals(List.of("/etc/sluice/lab.yaml:5:21: api.socketGroup: 'no-such-group-here' is not valid: the name of a group " +
            "of this host (getent group NAME)"), problems(HEAD + "api: { socketGroup: no-such-group-here }\n"));
    }

    @Test
    void shouldLetAppliedTextKeepAListenerWhoseInlineTokenGetConfigLeftOut() throws Exception
    {
        final SluiceConfig running = ConfigLoader.parse(FILE, HEAD + "api: { listen: 0.0.0.0:50051, token: " + TOKEN + " }\n");
        final String written = ConfigWriter.write(running, List.of());

        final SluiceConfig applied = ConfigLoader.parse("apply", Path.of("/etc/sluice"), written);

        assertTrue(written.contains("  socket: \"/run/sluice/sluice.sock\"\n  listen: \"0.0.0.0:50051\"\n"), written);
        assertNull(applied.api().token());
        assertEquals(running.api().withToken(null, null), applied.api());
    }
}
