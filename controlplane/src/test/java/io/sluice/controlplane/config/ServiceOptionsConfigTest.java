package io.sluice.controlplane.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The service keys of issue 4 (scheduler, flags, quorum, sorry, healthCheck) and the {@code api:}
 * and {@code metrics:} sections: read, defaulted, refused with the loader's messages, and written
 * back by {@link ConfigWriter} into text that loads into an equal configuration.
 */
class ServiceOptionsConfigTest
{
    private static final Path FILE = Path.of("/etc/sluice/lab.yaml");
    private static final String HEAD = """
        dataplane:
          device: net_null0
          workers: 1
        network:
          addresses: [203.0.113.2]
          tunnel: { sources: [203.0.113.2] }
        services:
        """;

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
    void shouldReadSchedulerFlagsQuorumSorryAndHealthCheckWhenGiven() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, HEAD + """
              - vip: 192.0.2.10
                port: 53
                protocol: udp
                mode: ipip
                scheduler: least-conn
                flags: [reset-on-down, ops]
                quorum: 2
                sorry: 203.0.113.99
                healthCheck: { kind: udp, port: 5353, send: "ping", expect: "hex:706f", interval: 500ms, timeout: 200ms, rise: 1, fall: 4 }
                backends:
                  - { address: 203.0.113.11 }
                  - { address: 203.0.113.12, weight: 0 }
            """);

        final ServiceSection service = config.services().getFirst();
        assertEquals(Scheduler.LEAST_CONN, service.scheduler());
        assertEquals(Set.of(ServiceFlag.RESET_ON_DOWN, ServiceFlag.OPS), service.flags());
        assertEquals(2, service.quorum());
        assertEquals(IpAddress.parse("203.0.113.99"), service.sorry());
        final HealthPolicy check = service.healthCheck();
        assertEquals(HealthCheckKind.UDP, check.kind());
        assertEquals(5353, check.port());
        assertArrayEquals("ping".getBytes(), check.udpSend());
        assertArrayEquals("po".getBytes(), check.udpExpect());
        assertEquals(Duration.ofMillis(500), check.interval());
        assertEquals(Duration.ofMillis(200), check.timeout());
        assertEquals(1, check.rise());
        assertEquals(4, check.fall());
        assertEquals(3, service.toSpec().backends().size(), "the sorry backend is in the configured spec");
        assertEquals(0, service.toSpec().backends().get(2).weight(), "with weight 0 while it is not needed");
    }

    @Test
    void shouldDefaultToWeightedMaglevQuorumOneAndNoChecksWhenTheKeysAreAbsent() throws Exception
    {
        final ServiceSection service = ConfigLoader.parse(FILE, HEAD + """
              - { vip: 192.0.2.10, port: 80, mode: dsr, backends: [] }
            """).services().getFirst();

        assertEquals(Scheduler.WEIGHTED_MAGLEV, service.scheduler());
        assertEquals(Set.of(), service.flags());
        assertEquals(1, service.quorum());
        assertNull(service.sorry());
        assertEquals(ServiceSection.NO_HEALTH_CHECK, service.healthCheck());
    }

    @Test
    void shouldReportEveryBadOptionWithItsPositionWhenTheServiceKeysAreInvalid()
    {
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:11:16: services[0].scheduler: 'fastest' is not valid: one of maglev, weighted-maglev, " +
                "source-hash, least-conn, weighted-round-robin, least-response-time",
            "/etc/sluice/lab.yaml:12:13: services[0].flags[0]: 'ops' is not valid: a flag of a UDP service (ops schedules each " +
                "datagram alone)",
            "/etc/sluice/lab.yaml:12:18: services[0].flags[1]: 'sticky' is not valid: one of reset-on-down, ops",
            "/etc/sluice/lab.yaml:13:13: services[0].quorum: '-1' is not valid: an integer 0..16384 (backends taking new flows " +
                "for the service to be up)",
            "/etc/sluice/lab.yaml:14:12: services[0].sorry: '203.0.113.11' is not valid: an address that is not one of the " +
                "service's backends (the sorry backend serves when they cannot)",
            "/etc/sluice/lab.yaml:15:37: services[0].healthCheck.path: '/x' is not valid: omitted: only http and https checks have it",
            "/etc/sluice/lab.yaml:15:64: services[0].healthCheck.timeout: '3s' is not valid: a duration below the interval (2s)"),
            problems(HEAD + """
              - vip: 192.0.2.10
                port: 80
                mode: dsr
                scheduler: fastest
                flags: [ops, sticky]
                quorum: -1
                sorry: 203.0.113.11
                healthCheck: { kind: tcp, path: /x, interval: 2s, timeout: 3s }
                backends: [ { address: 203.0.113.11 } ]
            """));
    }

    @Test
    void shouldRefuseAUdpCheckWithoutPayloadAndASorryBackendOfTheWrongFamily()
    {
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:12:18: services[0].healthCheck.send: is missing: the datagram a UDP check sends, " +
                ServiceOptionsReader.PAYLOAD_FORM),
            problems(HEAD + """
              - vip: 192.0.2.10
                port: 53
                protocol: udp
                mode: dsr
                healthCheck: { kind: udp }
                backends: []
            """));
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:11:12: services[0].sorry: '2001:db8::99' is not valid: DSR needs backends of the VIP's address " +
                "family, 2001:db8:0:0:0:0:0:99 is not (use GUE to mix IPv4 and IPv6)"),
            problems(HEAD + """
              - vip: 192.0.2.10
                port: 80
                mode: dsr
                sorry: 2001:db8::99
                backends: []
            """));
    }

    @Test
    void shouldReadTheApiSectionAndRefuseATokenThatIsTooShort() throws Exception
    {
        final Path tokenFile = Files.writeString(directory.resolve("token"), "0123456789abcdef0123\n");
        final SluiceConfig config = ConfigLoader.parse(directory.resolve("sluice.yaml"), HEAD + "  []\n" +
            "api: { listen: \"[::1]:0\", tokenFile: token }\n");

        assertEquals(new ApiSection(Path.of(ApiSection.DEFAULT_SOCKET), null, "::1", 0, null, null, null, "0123456789abcdef0123",
            tokenFile, false), config.api());
        assertEquals("[::1]:0", config.api().listen());
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:9:16: api.listen: 'localhost:80' is not valid: ADDRESS:PORT with an IP address literal and a " +
                "port 0..65535, e.g. 127.0.0.1:50051 or [::1]:50051",
            "/etc/sluice/lab.yaml:9:39: api.token: 'short' is not valid: at least 16 visible ASCII characters, no spaces " +
                "(e.g. from: openssl rand -hex 32)",
            "/etc/sluice/lab.yaml:9:51: api.tls.key: is missing: a readable PEM file: the server's PKCS#8 private key",
            "/etc/sluice/lab.yaml:9:59: api.tls.cert: 'missing.pem' is not valid: a readable PEM file: the server's certificate chain"),
            problems(HEAD + "  []\napi: { listen: \"localhost:80\", token: short, tls: { cert: missing.pem } }\n"));
    }

    @Test
    void shouldReadTheMetricsSectionWithItsDefaultAndWithoutIt() throws Exception
    {
        final SluiceConfig none = ConfigLoader.parse(FILE, HEAD + "  []\n");
        final SluiceConfig defaults = ConfigLoader.parse(FILE, HEAD + "  []\nmetrics: {}\n");
        final SluiceConfig v6 = ConfigLoader.parse(FILE, HEAD + "  []\nmetrics: { listen: \"[::1]:0\" }\n");

        assertNull(none.metrics());
        assertEquals(new MetricsSection("127.0.0.1", 9301), defaults.metrics());
        assertEquals(new MetricsSection("::1", 0), v6.metrics());
        assertEquals("[::1]:0", v6.metrics().listen());
        assertEquals("127.0.0.1:9301", defaults.metrics().socketAddress().getAddress().getHostAddress() + ":" +
            defaults.metrics().socketAddress().getPort());
    }

    @Test
    void shouldRefuseAMetricsSectionThatIsNotAListenAddress()
    {
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:9:20: metrics.listen: 'localhost:9301' is not valid: ADDRESS:PORT with an IP address literal " +
                "and a port 0..65535, e.g. 127.0.0.1:9301 or [::1]:9301",
            "/etc/sluice/lab.yaml:9:38: metrics.path: 'path' is not valid: a key of metrics: listen"),
            problems(HEAD + "  []\nmetrics: { listen: \"localhost:9301\", path: /metrics }\n"));
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:9:20: metrics.listen: '127.0.0.1:70000' is not valid: ADDRESS:PORT with an IP address literal " +
                "and a port 0..65535, e.g. 127.0.0.1:9301 or [::1]:9301"),
            problems(HEAD + "  []\nmetrics: { listen: 127.0.0.1:70000 }\n"));
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:9:20: metrics.listen: '::1:9301' is not valid: ADDRESS:PORT with an IP address literal " +
                "and a port 0..65535, e.g. 127.0.0.1:9301 or [::1]:9301"),
            problems(HEAD + "  []\nmetrics: { listen: \"::1:9301\" }\n"));
        assertEquals(List.of("/etc/sluice/lab.yaml:9:10: metrics: 'on' is not valid: a mapping of listen"),
            problems(HEAD + "  []\nmetrics: on\n"));
    }

    @Test
    void shouldLoadWhatTheWriterWritesIntoAnEqualConfiguration() throws Exception
    {
        Files.writeString(directory.resolve("cert.pem"), "not read by the loader");
        Files.writeString(directory.resolve("key.pem"), "not read by the loader");
        final SluiceConfig config = ConfigLoader.parse(directory.resolve("sluice.yaml"), """
            dataplane:
              device: "net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap"
              cores: [1, 2]
              eal: ["--log-level=notice", "quote\\"d"]
              mac: 02:00:00:00:00:01
              flowTable: { capacity: 16384, minEvictionIdle: 0s }
            network:
              addresses: [203.0.113.2, 2001:db8:113::2]
              gateway: { ipv6: 2001:db8:113::1 }
              tunnel: { sources: [203.0.113.2, 2001:db8:113::2], guePort: 7000 }
              neighbours: [ { address: 203.0.113.11, mac: "02:00:00:00:01:11" } ]
            timeouts: { tcpIdle: 600s, udpIdle: 1m }
            services:
              - vip: 192.0.2.10
                port: 80
                mode: gue
                scheduler: weighted-maglev
                flags: [reset-on-down]
                quorum: 2
                sorry: 2001:db8::99
                maglevSize: 251
                timeouts: { tcpIdle: 1500ms }
                healthCheck: { kind: https, path: "/health z", host: "web.example", expectStatus: 204, interval: 3s }
                backends:
                  - { address: 203.0.113.11, weight: 3 }
                  - { address: 2001:db8::12, weight: 0 }
              - vip: 2001:db8::10
                port: 53
                protocol: udp
                mode: gue
                flags: [ops]
                healthCheck: { kind: udp, send: "hex:00ff0a", expect: "ok" }
                backends: []
              - { vip: 192.0.2.11, port: 22, mode: dsr, healthCheck: { kind: icmp }, backends: [ { address: 203.0.113.11 } ] }
            stats:
              file: lab.stats
            api:
              listen: 127.0.0.1:50051
              tls: { cert: cert.pem, key: key.pem, clientCa: cert.pem }
              token: "0123456789abcdef-not-written"
            metrics:
              listen: "[::1]:9301"
            """.replace("\"/health z\"", "/health"));

        final String written = ConfigWriter.write(config, List.of("a header"));
        final SluiceConfig reread = ConfigLoader.parse(directory.resolve("sluice.yaml"),
            written.replace("  # token:", "  token: \"0123456789abcdef-not-written\"\n  # token:"));

        assertEquals(config, reread, written);
        assertEquals(new MetricsSection("::1", 9301), reread.metrics());
        assertEquals(new MetricsSection("127.0.0.1", 9301), ConfigLoader.parse(FILE, ConfigWriter.write(
            ConfigLoader.parse(FILE, HEAD + "  []\nmetrics: {}\n"), List.of())).metrics(), "metrics: {} written back");
        assertEquals(-1, written.indexOf("0123456789abcdef-not-written"), "the inline token is never written:\n" + written);
        assertEquals(0, written.indexOf("# a header\n"), written);
    }
}
