package io.sluice.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import io.sluice.controlplane.ctl.CtlCommand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control plane of the real daemon in the lab, driven the way an operator drives it: the gRPC
 * API through {@code sluice ctl} and a generic reflection client, health checks against the lab's
 * real backend servers (stopped and started again), and the Prometheus endpoint. The daemon serves
 * its API on its default root-only socket, which {@code sluice ctl} finds without {@code --server},
 * and its metrics on 127.0.0.1 of the LB's namespace; health checks leave through the LB host's
 * kernel interface {@code sl-lb-mgmt}.
 * <p>
 * {@code sluice ctl watch} and some {@code sluice ctl} calls run as processes of their own in the
 * LB's namespace ({@code java -jar sluice.jar ctl ...}: the jar, its exit codes and its output as
 * an operator sees them); the many calls of the RPC battery and the reflection client run in the
 * test's JVM against the same socket (a path, reachable from any network namespace), which saves a
 * JVM start per call and checks the same text and exit codes.
 */
@Tag("lab")
@Tag("dpdk")
class LbControlSystemTest
{
    private static final String API = "unix:///run/sluice/sluice.sock";
    private static final String METRICS = "http://127.0.0.1:9301/metrics";
    private static final String SERVICE = "192.0.2.10:80/tcp";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(20);
    private static final int CONNECTIONS = 90;
    private static final int PARALLEL = 10;
    private static final Pattern DOWN_EVENT = Pattern.compile("\"newState\":\\s*\"HEALTH_STATE_DOWN\"");
    private static final Pattern UP_EVENT = Pattern.compile("\"newState\":\\s*\"HEALTH_STATE_UP\"");

    private static final LbConfig.Service WEB = LbConfig.Service.of("192.0.2.10", "dsr", 1, 1, 1).withOptions("""
            healthCheck: { kind: http, path: /, expectStatus: 200, interval: 200ms, timeout: 150ms, rise: 2, fall: 2 }
        """);

    @RegisterExtension
    static final LabLoadBalancer LB = new LabLoadBalancer(LbConfig.of(WEB).withSections("""
        api: {}
        metrics: { listen: "127.0.0.1:9301" }
        """));

    private static final LabBackend BE1 = LabTopology.BACKENDS.get(0);
    private static final LabBackend BE2 = LabTopology.BACKENDS.get(1);

    @BeforeEach
    void startFromTheBaseConfiguration() throws IOException
    {
        SharedLab.startStoppedBackends(LB.lab());
        LB.restoreBase();
        final Poll.Outcome<String> allUp = Poll.until(HEALTH_TIMEOUT, () -> ctl("list"), text -> !text.contains("down"));
        assertTrue(allUp.met(), "every backend up before the test: " + allUp.describe());
    }

    @Test
    void shouldListTheServicesOfTheApiWhenAGenericClientAsksThroughReflection() throws InterruptedException
    {
        final List<String> names = ReflectionList.list(API);
        final String services = String.join("\n", names);

        assertTrue(names.contains("sluice.v1.LoadBalancer"), services);
        assertTrue(names.contains("grpc.health.v1.Health"), services);
        assertTrue(names.contains("grpc.reflection.v1.ServerReflection"), services);
    }

    @Test
    void shouldTakeAStoppedBackendOutAndBringItBackWhenItsServerReturns() throws Exception
    {
        final Process watch = startWatch();
        try
        {
            final LabBackend be3 = LabTopology.BACKENDS.get(2);
            final Poll.Outcome<String> subscribed = Poll.until(TIMEOUT, () ->
            {
                ctl("set-weight", SERVICE, be3.ipv4(), "2");
                ctl("set-weight", SERVICE, be3.ipv4(), "1");
                return watchOutput(watch);
            }, text -> text.contains("\"generation\""));
            assertTrue(subscribed.met(), "the watch runs (it saw a change made after it started): " + subscribed.describe());
            LB.lab().stopBackends(BE2);
            final Poll.Outcome<Map<String, Integer>> avoided = Poll.until(HEALTH_TIMEOUT, LbControlSystemTest::spread,
                spread -> spread.get(BE2.name()) == null && spread.values().stream().mapToInt(Integer::intValue).sum() == CONNECTIONS);
            assertTrue(avoided.met(), "no connection to the stopped be2, all answered: " + avoided.describe());
            assertEquals("0", metric("sluice_backend_health", BE2.ipv4(), "up"), "metrics: be2 not up");
            assertEquals("1", metric("sluice_backend_health", BE2.ipv4(), "down"), "metrics: be2 down");

            LB.lab().startBackends(BE2);
            final Poll.Outcome<Map<String, Integer>> back = Poll.until(HEALTH_TIMEOUT, LbControlSystemTest::spread,
                spread -> spread.getOrDefault(BE2.name(), 0) > 0 && spread.size() == LabTopology.BACKEND_COUNT);
            assertTrue(back.met(), "be2 answers again: " + back.describe());
            assertEquals("1", metric("sluice_backend_health", BE2.ipv4(), "up"), "metrics: be2 up");

            final Poll.Outcome<String> events = Poll.until(TIMEOUT, () -> watchOutput(watch),
                text -> DOWN_EVENT.matcher(text).find() && UP_EVENT.matcher(text).find());
            assertTrue(events.met(), "the watch saw be2 go down and come back up: " + events.describe());
            final String text = events.value();
            final Matcher down = DOWN_EVENT.matcher(text);
            final Matcher up = UP_EVENT.matcher(text);
            assertTrue(down.find() && up.find() && down.start() < up.start(), "down before up: " + text);
            assertTrue(text.contains(BE2.ipv4()), text);
        }
        finally
        {
            watch.destroy();
        }
    }

    @Test
    void shouldKeepTheEstablishedConnectionsOfABackendDrainedThroughTheApiAndSendItNoNewOnes() throws Exception
    {
        final List<LabHttpConnection> held = new ArrayList<>();
        try
        {
            for (int i = 0; i < 30; i++)
            {
                final LabHttpConnection connection = LabHttpConnection.open(LabTopology.CLIENT_NAMESPACE, "192.0.2.10", 80, TIMEOUT);
                if (BE1.name().equals(connection.get("/first").header("X-Backend")))
                {
                    held.add(connection);
                }
                else
                {
                    connection.close();
                }
            }
            assertFalse(held.isEmpty(), "some of 30 connections landed on be1");

            final String drained = ctl("drain", SERVICE, BE1.ipv4());
            assertTrue(drained.contains("generation"), drained);

            final Map<String, Integer> after = spread();
            assertEquals(null, after.get(BE1.name()), "no new connection to the drained be1: " + after);
            for (final LabHttpConnection connection : held)
            {
                final LabHttpConnection.Response response = connection.get("/after-drain");
                assertEquals(200, response.status());
                assertEquals(BE1.name(), response.header("X-Backend"), "an established connection stays on be1");
            }
            assertTrue(ctl("list").contains("0"), "the list shows the drained weight");
        }
        finally
        {
            for (final LabHttpConnection connection : held)
            {
                connection.close();
            }
            ctl("set-weight", SERVICE, BE1.ipv4(), "1");
        }
    }

    @Test
    void shouldServeMetricsWhoseCountersFollowTheTraffic() throws Exception
    {
        final long before = (long)Double.parseDouble(metric("sluice_service_packets_total", null, null));

        final Map<String, Integer> spread = spread();

        assertEquals(CONNECTIONS, spread.values().stream().mapToInt(Integer::intValue).sum(), "all answered: " + spread);
        final Poll.Outcome<Long> after = Poll.until(TIMEOUT,
            () -> (long)Double.parseDouble(metric("sluice_service_packets_total", null, null)),
            packets -> packets >= before + 3L * CONNECTIONS);
        assertTrue(after.met(), "at least SYN, ACK and request per connection counted: " + before + " -> " + after.describe());
        assertEquals("1", metric("sluice_backend_health", BE1.ipv4(), "up"));
        final long active = Long.parseLong(metric("sluice_service_active_flows", null, null));
        assertTrue(active >= CONNECTIONS, "the flows of the " + CONNECTIONS + " connections are in the flow table: " + active);
    }

    @Test
    void shouldAnswerEveryRpcAndRefuseBadInputWithoutChangingStateWhenDrivenThroughCtl() throws Exception
    {
        final String scratch = "192.0.2.12:80";
        try
        {
            assertContains(ctl("add-service", scratch, "--mode", "dsr"), "added service 192.0.2.12:80/tcp");
            assertContains(ctl("update-service", scratch, "--scheduler", "weighted-round-robin"),
                "scheduler weighted-maglev -> weighted-round-robin");
            assertContains(ctl("add-backend", scratch, BE1.ipv4(), "--weight", "2"), "added backend " + BE1.ipv4());
            assertContains(ctl("set-weight", scratch, BE1.ipv4(), "3"), "weight 2 -> 3");
            assertContains(ctl("drain", scratch, BE1.ipv4()), "weight 3 -> 0");
            assertContains(ctl("health", scratch, "--kind", "tcp", "--interval", "1s", "--timeout", "500ms"), "healthCheck");
            assertContains(ctl("list", "-s", scratch), "192.0.2.12:80/tcp");
            assertContains(ctl("stats", "-s", scratch), "192.0.2.12:80/tcp");
            assertContains(ctl("lookup", "198.51.100.2:40000", scratch), "service      192.0.2.12:80/tcp");
            assertContains(ctlProcess("ha"), "standalone");

            final String running = ctl("get");
            assertContains(running, "192.0.2.12");
            final Path file = Files.createTempFile("sluice-running", ".yaml");
            Files.writeString(file, running);
            assertContains(ctl("apply", "-f", file.toString(), "--dry-run"), "no change");
            assertContains(ctl("apply", "-f", file.toString()), "no change");
            Files.writeString(file, running.replace("port: 80\n    protocol: tcp\n    mode: dsr\n    scheduler: weighted-round-robin",
                "port: 80\n    protocol: tcp\n    mode: dsr\n    scheduler: least-conn"));
            assertContains(ctl("apply", "-f", file.toString(), "--dry-run"), "dry run");
            assertEquals(running, ctl("get"), "a dry run changes nothing");

            assertRefusedByProcess("ALREADY_EXISTS", "add-service", SERVICE, "--mode", "dsr");
            assertRefused("NOT_FOUND", "update-service", "192.0.2.99:80", "--quorum", "2");
            assertRefused("NOT_FOUND", "remove-service", "192.0.2.99:80");
            assertRefused("NOT_FOUND", "add-backend", "192.0.2.99:80", BE1.ipv4());
            assertRefused("NOT_FOUND", "remove-backend", scratch, "203.0.113.99");
            assertRefused("NOT_FOUND", "drain", scratch, "203.0.113.99");
            assertRefused("INVALID_ARGUMENT", "set-weight", scratch, BE1.ipv4(), "70000");
            assertRefused("INVALID_ARGUMENT", "health", scratch, "--kind", "tcp", "--interval", "1s", "--timeout", "2s");
            assertRefused("INVALID_ARGUMENT", "lookup", "[2001:db8:c::2]:40000", scratch);
            assertRefused("ALREADY_EXISTS", "add-backend", scratch, BE1.ipv4());
            Files.writeString(file, "services: [ { vip: 192.0.2.12, port: 80, mode: nat } ]\n");
            assertRefused("INVALID_ARGUMENT", "apply", "-f", file.toString());
            assertEquals(running, ctl("get"), "no refused call changed anything");

            assertContains(ctl("remove-backend", scratch, BE1.ipv4()), "removed backend " + BE1.ipv4());
            assertContains(ctl("remove-service", scratch), "removed service 192.0.2.12:80/tcp");
            assertFalse(ctl("list").contains("192.0.2.12"), "the scratch service is gone");
        }
        finally
        {
            if (ctl("list").contains("192.0.2.12"))
            {
                ctl("remove-service", scratch);
            }
        }
    }

    private static void assertContains(final String text, final String part)
    {
        assertTrue(text.contains(part), "expected '" + part + "' in:\n" + text);
    }

    private static void assertRefused(final String status, final String... arguments)
    {
        try
        {
            final String output = ctl(arguments);
            throw new AssertionError("sluice ctl " + String.join(" ", arguments) + " was not refused: " + output);
        }
        catch (final IllegalStateException ex)
        {
            assertContains(ex.getMessage(), "exited with 1");
            assertContains(ex.getMessage(), "sluice ctl: " + status + ":");
        }
    }

    private static void assertRefusedByProcess(final String status, final String... arguments)
    {
        try
        {
            final String output = ctlProcess(arguments);
            throw new AssertionError("sluice ctl " + String.join(" ", arguments) + " was not refused: " + output);
        }
        catch (final IllegalStateException ex)
        {
            assertContains(ex.getMessage(), "exited with 1");
            assertContains(ex.getMessage(), "sluice ctl: " + status + ":");
        }
    }

    /** {@link #CONNECTIONS} new connections to the VIP: answers per backend name. */
    private static Map<String, Integer> spread() throws Exception
    {
        final VipClient.Batch batch = VipClient.concurrently(WEB.vipAddress(), WEB.port(), CONNECTIONS, PARALLEL, TIMEOUT);
        return new HashMap<>(batch.perBackend());
    }

    /**
     * Runs {@code sluice ctl}'s command line in this JVM against the daemon's default socket, with no
     * environment variables; returns its output.
     *
     * @throws IllegalStateException when it exits with another code than 0, quoting the code and its output.
     */
    private static String ctl(final String... arguments)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine command = CtlCommand.commandLine(new CtlCommand(variable -> null));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        final int exit = command.execute(arguments);
        if (exit != 0)
        {
            throw new IllegalStateException("sluice ctl " + String.join(" ", arguments) + " exited with " + exit + ":\n" + out + err);
        }
        return out.toString();
    }

    /** Runs {@code sluice ctl} as a process in the LB's namespace against the daemon's default socket; returns its output. */
    private static String ctlProcess(final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of(javaCommand()));
        command.addAll(List.of("-jar", jar().toString(), "ctl"));
        command.addAll(List.of(arguments));
        return Commands.inNamespace(LabTopology.LB_NAMESPACE, command.toArray(new String[0]));
    }

    private static Process startWatch() throws IOException
    {
        final Path output = Files.createTempFile("sluice-watch", ".jsonl");
        final List<String> command = new ArrayList<>(Commands.namespaced(LabTopology.LB_NAMESPACE, javaCommand()));
        command.addAll(List.of("-jar", jar().toString(), "ctl", "--json", "watch"));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        WATCH_OUTPUT.put(process, output);
        return process;
    }

    private static final Map<Process, Path> WATCH_OUTPUT = new HashMap<>();

    private static String watchOutput(final Process watch) throws IOException
    {
        return Files.readString(WATCH_OUTPUT.get(watch), StandardCharsets.UTF_8);
    }

    /**
     * One sample of the metrics endpoint, fetched in the LB's namespace: the value of the series
     * of a metric for service 192.0.2.10:80, optionally one backend and health state.
     */
    private static String metric(final String name, final String backend, final String state)
    {
        final String text = Commands.inNamespace(LabTopology.LB_NAMESPACE, "curl", "-sf", "--max-time", "5", METRICS);
        final Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        final Matcher matcher = line.matcher(text);
        while (matcher.find())
        {
            final String labels = matcher.group(1);
            if (labels.contains("vip=\"192.0.2.10\"") && labels.contains("port=\"80\"") &&
                (backend == null || labels.contains("backend=\"" + backend + "\"")) &&
                (state == null || labels.contains("state=\"" + state + "\"")))
            {
                final double value = Double.parseDouble(matcher.group(2));
                return value == Math.rint(value) ? Long.toString((long)value) : matcher.group(2);
            }
        }
        throw new AssertionError("no series " + name + " for 192.0.2.10:80 backend " + backend + " state " + state + " in:\n" + text);
    }

    private static Path jar()
    {
        return LabDaemon.jar(LB.lab());
    }

    /** {@code java} of this JVM with the flags {@code ./sluice ctl} uses for a short call (C1 only, the serial collector, no perf data). */
    private static String[] javaCommand()
    {
        return new String[] {Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"};
    }
}
