package io.sluice.controlplane.health;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.controlplane.health.BackendHealth.DOWN;
import static io.sluice.controlplane.health.BackendHealth.UNKNOWN;
import static io.sluice.controlplane.health.BackendHealth.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checker's scheduling, state and event logic, driven by scripted probes: the sequence of
 * events is asserted, never timings.
 */
@Timeout(60)
class HealthCheckerTest
{
    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Duration TIMEOUT = Duration.ofMillis(10);
    private static final HealthPolicy TCP =
        HealthPolicy.defaults(HealthCheckKind.TCP).withTiming(INTERVAL, TIMEOUT);
    private static final HealthPolicy HTTP =
        HealthPolicy.defaults(HealthCheckKind.HTTP).withTiming(INTERVAL, TIMEOUT);
    private static final HealthTarget WEB_1 = target("web", "10.0.0.1");
    private static final HealthTarget WEB_2 = target("web", "10.0.0.2");
    private static final HealthTarget DNS_1 = target("dns", "10.0.1.1");

    private final RecordedEvents events = new RecordedEvents();
    private HealthChecker checker;

    @AfterEach
    void close()
    {
        if (checker != null)
        {
            checker.close();
        }
    }

    @Test
    void shouldReportEveryRiseAndFallTransitionInOrderWhenResultsArrive() throws Exception
    {
        checker = checker(Map.of(HealthCheckKind.TCP, ScriptedProbe.of("SSFFSFFFSSSSSFFF")));
        checker.addTarget(WEB_1, TCP.withCounts(2, 3));

        assertEquals(1002L, events.expect(WEB_1, UNKNOWN, UP, "check 2").latencyNs());
        assertEquals(5L, events.expect(WEB_1, UP, DOWN, "check 8").latencyNs());
        events.expect(WEB_1, DOWN, UP, "check 10");
        events.expect(WEB_1, UP, DOWN, "check 16");
        assertEquals(DOWN, checker.status(WEB_1).orElseThrow().state());
    }

    @Test
    void shouldAverageOnlySuccessfulLatenciesWhenChecksComeIn() throws Exception
    {
        final CompletableFuture<ProbeResult> first = new CompletableFuture<>();
        final ScriptedProbe probe = ScriptedProbe.of(List.of(
            (check) -> first, ScriptedProbe.success(1000), ScriptedProbe.success(2000), ScriptedProbe.failure(),
            ScriptedProbe.success(4000), (check) -> new CompletableFuture<>()));
        checker = checker(Map.of(HealthCheckKind.TCP, probe));
        checker.addTarget(WEB_1, TCP);

        probe.awaitChecks(1);
        assertEquals(HealthChecker.NO_LATENCY, checker.latencyNs(WEB_1));
        assertEquals(TargetCheck.NO_CHECK_YET, checker.status(WEB_1).orElseThrow().lastReason());
        first.complete(ProbeResult.failure(7, "held"));
        probe.awaitChecks(6);

        final double average = 0.3 * 4000 + 0.7 * (0.3 * 2000 + 0.7 * 1000);
        assertEquals(Math.round(average), checker.latencyNs(WEB_1));
        assertEquals(2110L, checker.latencyNs(WEB_1));
        assertEquals("check 5", checker.status(WEB_1).orElseThrow().lastReason());
    }

    @Test
    void shouldTurnEveryProbeMisbehaviourIntoAFailureWhenProbesThrowFailReturnNothingOrHang() throws Exception
    {
        final ScriptedProbe throwing = ScriptedProbe.always((check) ->
        {
            throw new IllegalStateException("thrown");
        });
        final Map<HealthCheckKind, HealthProbe> probes = Map.of(
            HealthCheckKind.TCP, throwing,
            HealthCheckKind.HTTP, ScriptedProbe.always((check) -> CompletableFuture.failedFuture(new IllegalStateException("failed"))),
            HealthCheckKind.UDP, ScriptedProbe.always((check) -> null),
            HealthCheckKind.HTTPS, ScriptedProbe.always((check) -> new CompletableFuture<>()));
        checker = checker(probes);
        checker.addTarget(target("tcp", "10.0.0.1"), TCP.withCounts(1, 1));
        checker.addTarget(target("http", "10.0.0.1"), HTTP.withCounts(1, 1));
        checker.addTarget(target("udp", "10.0.0.1"),
            HealthPolicy.udp(new byte[]{ 1 }, null).withTiming(INTERVAL, TIMEOUT).withCounts(1, 1));
        checker.addTarget(target("https", "10.0.0.1"),
            HealthPolicy.defaults(HealthCheckKind.HTTPS).withTiming(INTERVAL, TIMEOUT).withCounts(1, 1));

        final Map<String, String> reasons = new HashMap<>();
        for (int i = 0; i < 4; i++)
        {
            final RecordedEvents.Event event = events.next();
            assertEquals(UNKNOWN + " -> " + DOWN, event.from() + " -> " + event.to());
            reasons.put(event.target().service(), event.reason());
        }
        assertEquals(Map.of(
            "tcp", "probe error IllegalStateException: thrown",
            "http", "probe error IllegalStateException: failed",
            "udp", "probe gave no result",
            "https", "timeout after 10 ms"), reasons);
        throwing.awaitChecks(3);
    }

    @Test
    void shouldRestartWithTheNewProbeAndKeepStateWhenPolicyChanges() throws Exception
    {
        final ScriptedProbe tcp = ScriptedProbe.of("F");
        final ScriptedProbe http = ScriptedProbe.of("S");
        checker = checker(Map.of(HealthCheckKind.TCP, tcp, HealthCheckKind.HTTP, http));
        checker.addTarget(WEB_1, TCP.withCounts(1, 1));
        events.expect(WEB_1, UNKNOWN, DOWN, "check 1");

        assertEquals(1, checker.updatePolicy("web", HTTP.withCounts(2, 1)));
        events.expect(WEB_1, DOWN, UP, "check 2");
        assertEquals(HTTP.withCounts(2, 1), checker.status(WEB_1).orElseThrow().policy());
        assertEquals(0, checker.updatePolicy("web", HTTP.withCounts(2, 1)));
        assertEquals(0, checker.updatePolicy("nothing", HTTP));

        assertEquals(1, checker.updatePolicy("web", HealthPolicy.defaults(HealthCheckKind.NONE)));
        events.expect(WEB_1, UP, UNKNOWN, HealthChecker.CHECKS_DISABLED);
        final HealthStatus disabled = checker.status(WEB_1).orElseThrow();
        assertEquals(UNKNOWN, disabled.state());
        assertEquals(HealthChecker.NO_LATENCY, disabled.latencyEwmaNs());
        assertEquals(HealthChecker.CHECKS_DISABLED, disabled.lastReason());
    }

    @Test
    void shouldRestartEveryTargetOfTheServiceWhenAddingOneWithAnotherPolicy() throws Exception
    {
        final ScriptedProbe tcp = ScriptedProbe.of("F");
        checker = checker(Map.of(HealthCheckKind.TCP, tcp, HealthCheckKind.HTTP, ScriptedProbe.of("S")));
        checker.addTarget(WEB_1, TCP.withCounts(1, 1));
        events.expect(WEB_1, UNKNOWN, DOWN, "check 1");

        checker.addTarget(WEB_2, HTTP.withCounts(1, 1));

        final List<String> ups = List.of(events.next().toString(), events.next().toString());
        assertTrue(ups.stream().allMatch((event) -> event.contains("to=UP")), ups.toString());
        assertEquals(HTTP.withCounts(1, 1), checker.status(WEB_1).orElseThrow().policy());
        assertEquals(UP, checker.status(WEB_1).orElseThrow().state());
        assertEquals(UP, checker.status(WEB_2).orElseThrow().state());
    }

    @Test
    void shouldDropTheResultInFlightAndStopCheckingWhenTargetIsRemoved() throws Exception
    {
        final CompletableFuture<ProbeResult> inFlight = new CompletableFuture<>();
        final ScriptedProbe tcp = ScriptedProbe.always((check) -> inFlight);
        checker = checker(Map.of(HealthCheckKind.TCP, tcp, HealthCheckKind.HTTP, ScriptedProbe.of("F")));
        checker.addTarget(WEB_1, TCP.withCounts(1, 1));
        tcp.awaitChecks(1);

        assertTrue(checker.removeTarget(WEB_1));
        assertFalse(checker.removeTarget(WEB_1));
        assertTrue(checker.status(WEB_1).isEmpty());
        inFlight.complete(ProbeResult.failure(5, "late result"));
        checker.addTarget(DNS_1, HTTP.withCounts(1, 1));

        events.expect(DNS_1, UNKNOWN, DOWN, "check 1");
        assertEquals(1, tcp.checks());
        assertEquals(List.of(DNS_1), checker.statuses().stream().map(HealthStatus::target).toList());
    }

    @Test
    void shouldRemoveEveryTargetWhenServiceIsRemoved()
    {
        checker = checker(Map.of(HealthCheckKind.TCP, ScriptedProbe.of("S")));
        checker.addTarget(WEB_1, TCP);
        checker.addTarget(WEB_2, TCP);
        checker.addTarget(DNS_1, TCP);

        assertEquals(2, checker.removeService("web"));
        assertEquals(0, checker.removeService("web"));
        assertEquals(List.of(DNS_1), checker.statuses().stream().map(HealthStatus::target).toList());
    }

    @Test
    void shouldListTargetsInOrderWithoutCheckingWhenChecksAreDisabled()
    {
        final ScriptedProbe tcp = ScriptedProbe.of("S");
        checker = checker(Map.of(HealthCheckKind.TCP, tcp));
        final HealthPolicy none = HealthPolicy.defaults(HealthCheckKind.NONE);
        checker.addTarget(WEB_1, none);
        checker.addTarget(WEB_2, none);

        final List<HealthStatus> statuses = checker.statuses();
        assertEquals(List.of(
            new HealthStatus(WEB_1, UNKNOWN, HealthChecker.NO_LATENCY, HealthChecker.CHECKS_DISABLED, none),
            new HealthStatus(WEB_2, UNKNOWN, HealthChecker.NO_LATENCY, HealthChecker.CHECKS_DISABLED, none)), statuses);
        assertEquals(0, tcp.checks());
    }

    @Test
    void shouldRefuseAndChangeNothingWhenACheckWouldHaveNoPort()
    {
        checker = checker(Map.of(HealthCheckKind.TCP, ScriptedProbe.of("S")));
        final HealthTarget portless = new HealthTarget("any", WEB_1.address(), 0);
        final IllegalArgumentException refused =
            assertThrows(IllegalArgumentException.class, () -> checker.addTarget(portless, TCP));
        assertEquals("a TCP check of any 10.0.0.1:0 needs a port: the policy's port and the service's port are both 0",
            refused.getMessage());
        assertTrue(checker.statuses().isEmpty());

        checker.addTarget(portless, HealthPolicy.defaults(HealthCheckKind.ICMP));
        assertThrows(IllegalArgumentException.class, () -> checker.updatePolicy("any", TCP));
        assertEquals(HealthCheckKind.ICMP, checker.status(portless).orElseThrow().policy().kind());
        assertEquals(1, checker.updatePolicy("any", TCP.withPort(80)));
    }

    @Test
    void shouldKeepDeliveringWhenTheListenerThrows() throws Exception
    {
        final AtomicInteger calls = new AtomicInteger();
        checker = new HealthChecker((target, from, to, reason, latencyNs) ->
        {
            if (calls.getAndIncrement() == 0)
            {
                throw new IllegalStateException("listener bug");
            }
            events.onTransition(target, from, to, reason, latencyNs);
        }, Map.of(HealthCheckKind.TCP, ScriptedProbe.of("SFS")), (intervalNs) -> 0L);
        checker.addTarget(WEB_1, TCP.withCounts(1, 1));

        events.expect(WEB_1, UP, DOWN, "check 2");
        events.expect(WEB_1, DOWN, UP, "check 3");
    }

    @Test
    void shouldRefuseChangesWhenClosed()
    {
        checker = checker(Map.of(HealthCheckKind.TCP, ScriptedProbe.of("S")));
        checker.addTarget(WEB_1, TCP);
        checker.close();
        checker.close();

        assertTrue(checker.isClosed());
        assertTrue(checker.statuses().isEmpty());
        assertEquals("the health checker is closed",
            assertThrows(IllegalStateException.class, () -> checker.addTarget(WEB_2, TCP)).getMessage());
        assertThrows(IllegalStateException.class, () -> checker.updatePolicy("web", HTTP));
    }

    @Test
    void shouldRefuseNullArgumentsWhenAddingTargets()
    {
        checker = checker(Map.of());
        assertThrows(IllegalArgumentException.class, () -> checker.addTarget(null, TCP));
        assertThrows(IllegalArgumentException.class, () -> checker.addTarget(WEB_1, null));
        assertThrows(IllegalArgumentException.class, () -> new HealthChecker(null));
        assertThrows(IllegalArgumentException.class, () -> new HealthTarget(" ", WEB_1.address(), 80));
        assertThrows(IllegalArgumentException.class, () -> new HealthTarget("web", null, 80));
        assertThrows(IllegalArgumentException.class, () -> new HealthTarget("web", WEB_1.address(), 65_536));
    }

    @Test
    void shouldPrintTargetsWithShortAddressesWhenShownInEvents() throws Exception
    {
        assertEquals("web 10.0.0.1:80", WEB_1.toString());
        assertEquals("web [2001:db8::5]:443",
            new HealthTarget("web", InetAddress.getByName("2001:db8:0:0:0:0:0:5"), 443).toString());
    }

    private HealthChecker checker(final Map<HealthCheckKind, HealthProbe> probes)
    {
        return new HealthChecker(events, probes, (intervalNs) -> 0L);
    }

    private static HealthTarget target(final String service, final String address)
    {
        try
        {
            return new HealthTarget(service, InetAddress.getByName(address), 80);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }
}
