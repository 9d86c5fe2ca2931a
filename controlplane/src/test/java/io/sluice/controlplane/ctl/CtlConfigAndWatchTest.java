package io.sluice.controlplane.ctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import io.sluice.controlplane.SluiceMain;
import io.sluice.controlplane.api.ApiTestDaemon;
import io.sluice.controlplane.api.v1.ApplyConfigResponse;
import io.sluice.controlplane.api.v1.ChangeKind;
import io.sluice.controlplane.api.v1.Event;
import io.sluice.controlplane.api.v1.GetConfigResponse;
import io.sluice.controlplane.config.ApiSection;

import static io.sluice.controlplane.ctl.CtlRun.ctl;
import static io.sluice.controlplane.ctl.CtlRun.ctlWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sluice ctl get}, {@code apply} and {@code watch}, and how a command reaches the daemon:
 * an unreachable address, the bearer token (missing, from a file, from the environment), mutual
 * TLS with certificates made by openssl for the test, and {@code ctl} as a subcommand of
 * {@code sluice}. In-process, against a real dataplane and a real API server.
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtlConfigAndWatchTest
{
    private static final String TOKEN = "0123456789abcdef-ctl-test-token";

    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;
    private String server;

    @BeforeAll
    void startDataplane() throws Exception
    {
        daemon = ApiTestDaemon.start(directory, "net_ring81");
    }

    @AfterAll
    void stopDataplane()
    {
        daemon.close();
    }

    @BeforeEach
    void resetModel() throws Exception
    {
        reset(daemon.plaintext());
    }

    private void reset(final ApiSection api) throws IOException
    {
        daemon.reset(api);
        server = daemon.server().tcp() ? daemon.server().listening() : null;
    }

    private CtlRun succeeded(final String... args)
    {
        final String[] withServer = new String[args.length + 2];
        withServer[0] = "--server";
        withServer[1] = server;
        System.arraycopy(args, 0, withServer, 2, args.length);
        final CtlRun run = ctl(withServer);
        assertEquals(0, run.exit(), run.toString());
        assertEquals("", run.err(), run.toString());
        return run;
    }

    private long generation()
    {
        return daemon.dataplane().snapshot().generation();
    }

    @Test
    void shouldPrintTheRunningConfigurationThatApplyTakesBackWithoutAChange() throws Exception
    {
        final long before = generation();

        final CtlRun get = succeeded("get");
        assertEquals(daemon.model().configYaml(), get.out(), "exactly the daemon's text");
        final Path file = Files.writeString(directory.resolve("running.yaml"), get.out());
        final CtlRun apply = succeeded("apply", "-f", file.toString());

        assertEquals("no change; generation " + before + " stays in force\n", apply.out());
        assertEquals(before, generation());
        final GetConfigResponse json = parsed(succeeded("get", "--json").out(), GetConfigResponse.newBuilder()).build();
        assertEquals(get.out(), json.getYaml());
        assertEquals(before, json.getGeneration());
    }

    @Test
    void shouldShowTheDiffOfADryRunAndChangeNothingThenApplyIt() throws Exception
    {
        final long before = generation();
        final String running = daemon.model().configYaml();
        final Path file = Files.writeString(directory.resolve("edited.yaml"), running.replace(
            "- { address: \"203.0.113.12\", weight: 2 }",
            "- { address: \"203.0.113.12\", weight: 5 }\n      - { address: \"203.0.113.13\", weight: 1 }"));

        final CtlRun dry = succeeded("apply", "-f", file.toString(), "--dry-run");

        assertEquals("""
            ~ backend 203.0.113.12 of 192.0.2.10:80/tcp: weight 2 -> 5
            + backend 203.0.113.13 of 192.0.2.10:80/tcp: weight 1
            dry run: 2 changes, nothing applied; generation %d stays in force
            """.formatted(before), dry.out());
        assertEquals(before, generation(), "a dry run applies nothing");
        assertEquals(running, daemon.model().configYaml(), "a dry run changes nothing");

        final CtlRun applied = succeeded("apply", "-f", file.toString());
        assertEquals("""
            ~ backend 203.0.113.12 of 192.0.2.10:80/tcp: weight 2 -> 5
            + backend 203.0.113.13 of 192.0.2.10:80/tcp: weight 1
            applied 2 changes: generation %d
            """.formatted(before + 1), applied.out());
        assertEquals(before + 1, generation());
        assertEquals(3, daemon.dataplane().snapshot().serviceAt(0).backendCount());

        final Path removal = Files.writeString(directory.resolve("removal.yaml"), running);
        final ApplyConfigResponse json = parsed(succeeded("--json", "apply", "--dry-run", "-f", removal.toString()).out(),
            ApplyConfigResponse.newBuilder()).build();
        assertFalse(json.getApplied());
        assertEquals(2, json.getChangesCount(), json.toString());
        assertEquals(ChangeKind.CHANGE_KIND_REMOVED, json.getChanges(0).getKind());
        assertEquals("backend 203.0.113.13 of 192.0.2.10:80/tcp", json.getChanges(0).getSubject());
        assertEquals(ChangeKind.CHANGE_KIND_CHANGED, json.getChanges(1).getKind());
        assertEquals("weight 5 -> 2", json.getChanges(1).getDetail());
        assertEquals(before + 1, json.getGeneration());
    }

    @Test
    void shouldPrintEveryProblemOfABadFileAndApplyNothing() throws Exception
    {
        final long before = generation();
        final Path file = Files.writeString(directory.resolve("bad.yaml"), daemon.model().configYaml()
            .replace("weight: 2 }", "weight: -2 }").replace("mode: dsr", "mode: masquerade"));

        final CtlRun bad = ctl("--server", server, "apply", "-f", file.toString());
        final CtlRun missing = ctl("--server", server, "apply", "-f", directory.resolve("absent.yaml").toString());

        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().startsWith("sluice ctl: INVALID_ARGUMENT: 2 problem(s) in the configuration; nothing was applied:\n" +
            "bad.yaml:"), bad.err());
        assertTrue(bad.err().contains(": services[0].mode: 'masquerade' is not valid: one of dsr, ipip, gue, nat, fullnat"), bad.err());
        assertEquals(2, missing.exit(), missing.toString());
        assertEquals("sluice ctl: -f '" + directory.resolve("absent.yaml") + "': cannot read it (no such file)\n", missing.err());
        assertEquals(before, generation());
    }

    @Test
    void shouldWatchTheGenerationAnotherCommandApplies() throws Exception
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine watch = CtlCommand.commandLine(new CtlCommand(name -> null));
        watch.setOut(new PrintWriter(out, true));
        watch.setErr(new PrintWriter(err, true));
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
            () -> watch.execute("--server", server, "watch", "--kind", "generation", "--count", "1"));
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (daemon.model().events().subscribers() == 0)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "the watch never subscribed: " + err);
            Thread.sleep(10);
        }

        final CtlRun change = succeeded("set-weight", "192.0.2.10:80", "203.0.113.11", "3");

        assertEquals(0, exit.get(30, TimeUnit.SECONDS), err.toString());
        assertEquals("", err.toString());
        final String line = out.toString();
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} #\\d+ generation " + generation() +
            " applied \\(api\\): changed backend 203\\.0\\.113\\.11 of 192\\.0\\.2\\.10:80/tcp: weight 1 -> 3\n"), line);
        assertEquals("generation " + generation() + ": changed backend 203.0.113.11 of 192.0.2.10:80/tcp: weight 1 -> 3\n",
            change.out());
    }

    @Test
    void shouldWatchAsOneJsonObjectPerLine() throws Exception
    {
        final StringWriter out = new StringWriter();
        final CommandLine watch = CtlCommand.commandLine(new CtlCommand(name -> null));
        watch.setOut(new PrintWriter(out, true));
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
            () -> watch.execute("--server", server, "watch", "--json", "--count", "2"));
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (daemon.model().events().subscribers() == 0)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "the watch never subscribed");
            Thread.sleep(10);
        }

        succeeded("drain", "192.0.2.10:80", "203.0.113.11");
        succeeded("add-backend", "192.0.2.10:80", "203.0.113.14");

        assertEquals(0, exit.get(30, TimeUnit.SECONDS));
        final String[] lines = out.toString().split("\n");
        assertEquals(2, lines.length, out.toString());
        final Event drained = parsed(lines[0], Event.newBuilder()).build();
        final Event added = parsed(lines[1], Event.newBuilder()).build();
        assertEquals("changed backend 203.0.113.11 of 192.0.2.10:80/tcp: weight 1 -> 0", drained.getGenerationApplied().getChange());
        assertEquals("added backend 203.0.113.14 of 192.0.2.10:80/tcp: weight 1", added.getGenerationApplied().getChange());
        assertEquals(generation(), added.getGenerationApplied().getGeneration());
        assertEquals(drained.getSequence() + 1, added.getSequence());
    }

    @Test
    void shouldNameTheAddressAndTheApiSectionWhenNothingListens() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }

        final CtlRun unreachable = ctl("--server", "127.0.0.1:" + port, "list");
        final CtlRun fromEnvironment = ctlWith(Map.of(CtlCommand.SERVER_VARIABLE, "127.0.0.1:" + port), "ha");

        assertEquals(1, unreachable.exit(), unreachable.toString());
        assertEquals("", unreachable.out());
        final String[] lines = unreachable.err().split("\n");
        assertEquals(2, lines.length, unreachable.err());
        assertTrue(lines[0].startsWith("sluice ctl: cannot connect to the daemon's API at 127.0.0.1:" + port + ": "), lines[0]);
        assertTrue(lines[0].contains("Connection refused"), lines[0]);
        assertEquals("sluice ctl: is the daemon running, with an api: section in its configuration (api: {} serves the socket " +
            "/run/sluice/sluice.sock)? Give its socket with --server unix:PATH (api.socket), or its TCP address with --server " +
            "HOST:PORT (api.listen), or set SLUICE_SERVER.", lines[1]);
        assertEquals(1, fromEnvironment.exit(), fromEnvironment.toString());
        assertTrue(fromEnvironment.err().startsWith("sluice ctl: cannot connect to the daemon's API at 127.0.0.1:" + port + ": "),
            "SLUICE_SERVER is the address: " + fromEnvironment.err());
    }

    @Test
    void shouldReachTheDaemonThroughItsSocketGivenAsUnixPathAPathOrTheEnvironment() throws Exception
    {
        reset(daemon.socketOnly(null));
        final Path socket = daemon.socketPath();

        final CtlRun prefixed = ctl("--server", "unix:" + socket, "ha");
        final CtlRun path = ctl("--server", socket.toString(), "list");
        final CtlRun fromEnvironment = ctlWith(Map.of(CtlCommand.SERVER_VARIABLE, "unix:" + socket), "ha");
        final CtlRun tls = ctl("--server", "unix:" + socket, "--tls", "ha");

        assertEquals(0, prefixed.exit(), prefixed.toString());
        assertTrue(prefixed.out().startsWith("role         standalone\n"), prefixed.out());
        assertEquals(0, path.exit(), path.toString());
        assertTrue(path.out().contains("192.0.2.10:80/tcp"), path.out());
        assertEquals(0, fromEnvironment.exit(), fromEnvironment.toString());
        assertEquals(2, tls.exit(), tls.toString());
        assertTrue(tls.err().startsWith("--tls, --ca, --cert and --key are for a TCP server (--server HOST:PORT); the socket unix:" +
            socket + " is plaintext"), tls.err());
    }

    @Test
    void shouldCallTheDaemonsDefaultSocketWhenNoServerIsGiven() throws Exception
    {
        assertEquals("unix:" + ApiSection.DEFAULT_SOCKET, CtlCommand.DEFAULT_SERVER);
        Assumptions.assumeFalse(Files.exists(Path.of(ApiSection.DEFAULT_SOCKET)), "a daemon serves the default socket here");

        final CtlRun none = ctl("ha");
        final CtlRun absent = ctl("--server", "unix:" + directory.resolve("absent.sock"), "ha");

        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.err().startsWith("sluice ctl: cannot connect to the daemon's API at unix:/run/sluice/sluice.sock: No " +
            "such file or directory\n"), none.err());
        assertEquals(1, absent.exit(), absent.toString());
        assertTrue(absent.err().startsWith("sluice ctl: cannot connect to the daemon's API at unix:" +
            directory.resolve("absent.sock") + ": "), absent.err());
        assertTrue(absent.err().contains("--server unix:PATH (api.socket)"), absent.err());
    }

    @Test
    void shouldSayATokenIsMissingAndSendItFromAFileOrTheEnvironment() throws Exception
    {
        reset(daemon.tcp(TOKEN, null, null, null));
        final Path tokenFile = Files.writeString(directory.resolve("token"), TOKEN + "\n");

        final CtlRun none = ctl("--server", server, "ha");
        final CtlRun wrong = ctl("--server", server, "--token", TOKEN + "x", "ha");
        final CtlRun fromFile = ctl("--server", server, "--token-file", tokenFile.toString(), "ha");
        final CtlRun fromEnvironment = ctlWith(Map.of(CtlCommand.SERVER_VARIABLE, server, CtlCommand.TOKEN_VARIABLE, TOKEN), "ha");

        assertEquals(1, none.exit(), none.toString());
        assertEquals("sluice ctl: UNAUTHENTICATED: this daemon's API needs a bearer token: send the metadata 'authorization: " +
            "Bearer <token>' with the token of api.token or api.tokenFile in its configuration\n" +
            "sluice ctl: the daemon wants a bearer token: give it with --token-file FILE, --token TOKEN or SLUICE_TOKEN\n",
            none.err());
        assertEquals(1, wrong.exit(), wrong.toString());
        assertEquals("sluice ctl: UNAUTHENTICATED: the bearer token is not this daemon's (api.token or api.tokenFile in its " +
            "configuration)\nsluice ctl: check the token against the daemon's api.token or api.tokenFile\n", wrong.err());
        assertFalse(wrong.err().contains(TOKEN), "the token is never echoed");
        assertEquals(0, fromFile.exit(), fromFile.toString());
        assertTrue(fromFile.out().startsWith("role         standalone\n"), fromFile.out());
        assertEquals(0, fromEnvironment.exit(), fromEnvironment.toString());
        assertTrue(fromEnvironment.out().startsWith("role         standalone\n"), fromEnvironment.out());
    }

    @Test
    void shouldCallOverMutualTlsAndHintAtTlsWhenCalledInPlaintext() throws Exception
    {
        selfSigned("server");
        selfSigned("client");
        reset(daemon.tcp(null, directory.resolve("server.pem"), directory.resolve("server.key"),
            directory.resolve("client.pem")));

        final CtlRun mutual = ctl("--server", server, "--ca", directory.resolve("server.pem").toString(), "--cert",
            directory.resolve("client.pem").toString(), "--key", directory.resolve("client.key").toString(), "ha");
        final CtlRun plaintext = ctl("--server", server, "ha");
        final CtlRun halfMutual = ctl("--server", server, "--tls", "--cert", directory.resolve("client.pem").toString(), "ha");
        final CtlRun notPem = ctl("--server", server, "--ca", directory.resolve("client.key").toString(), "ha");
        final CtlRun absent = ctl("--server", server, "--ca", directory.resolve("absent.pem").toString(), "ha");

        assertEquals(0, mutual.exit(), mutual.toString());
        assertTrue(mutual.out().startsWith("role         standalone\n"), mutual.out());
        assertEquals(1, plaintext.exit(), plaintext.toString());
        final String[] plaintextLines = plaintext.err().split("\n");
        assertEquals(2, plaintextLines.length, plaintext.err());
        assertTrue(plaintextLines[0].startsWith("sluice ctl: UNAVAILABLE: "), "the transport's words vary: " + plaintextLines[0]);
        assertEquals("sluice ctl: the daemon's API may use TLS (api.tls in its configuration): give --tls --ca FILE",
            plaintextLines[1]);
        assertEquals(2, halfMutual.exit(), halfMutual.toString());
        assertTrue(halfMutual.err().startsWith("mutual TLS needs both --cert and --key"), halfMutual.err());
        assertEquals(2, notPem.exit(), notPem.toString());
        assertTrue(notPem.err().startsWith("sluice ctl: cannot set up TLS with --ca, --cert and --key: Unable to create " +
            "SslContext"), notPem.err());
        assertEquals(1, notPem.err().lines().count(), notPem.err());
        assertEquals(2, absent.exit(), absent.toString());
        assertEquals("sluice ctl: --ca " + directory.resolve("absent.pem") + ": cannot read it\n", absent.err());

        reset(daemon.plaintext());
        final CtlRun tlsToPlaintext = ctl("--server", server, "--tls", "--ca", directory.resolve("server.pem").toString(), "ha");
        assertEquals(1, tlsToPlaintext.exit(), tlsToPlaintext.toString());
        final String[] lines = tlsToPlaintext.err().split("\n");
        assertEquals(2, lines.length, tlsToPlaintext.err());
        assertTrue(lines[0].startsWith("sluice ctl: UNAVAILABLE: io exception (not an SSL/TLS record: "), lines[0]);
        assertEquals("sluice ctl: the daemon's API is plaintext (no api.tls in its configuration): leave out --tls and --ca",
            lines[1]);
    }

    @Test
    void shouldRunAsTheCtlSubcommandOfSluice()
    {
        final StringWriter out = new StringWriter();
        final CommandLine sluice = SluiceMain.commandLine("ctl");
        sluice.setOut(new PrintWriter(out, true));
        sluice.setErr(new PrintWriter(new StringWriter(), true));

        assertEquals(0, sluice.execute("ctl", "--server", server, "list", "-s", "192.0.2.10:80/tcp"));
        assertTrue(out.toString().startsWith("SERVICE "), out.toString());
        assertTrue(out.toString().contains("\n192.0.2.10:80/tcp  dsr "), out.toString());
    }

    private void selfSigned(final String name) throws IOException, InterruptedException
    {
        final Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=" + name, "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", directory.resolve(name + ".key").toString(), "-out",
            directory.resolve(name + ".pem").toString()).redirectErrorStream(true).start();
        final String output = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), "openssl: " + output);
    }

    private static <B extends Message.Builder> B parsed(final String json, final B builder) throws InvalidProtocolBufferException
    {
        JsonFormat.parser().merge(json, builder);
        return builder;
    }
}
