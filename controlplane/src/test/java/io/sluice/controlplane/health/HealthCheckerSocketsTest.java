package io.sluice.controlplane.health;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.controlplane.health.BackendHealth.DOWN;
import static io.sluice.controlplane.health.BackendHealth.UNKNOWN;
import static io.sluice.controlplane.health.BackendHealth.UP;
import static io.sluice.controlplane.health.LoopbackBackends.IPV4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checker with its real probes against real backends on loopback. Intervals are short, but
 * only the sequence of events is asserted, never how long it took.
 */
@Timeout(90)
class HealthCheckerSocketsTest
{
    private static final Duration INTERVAL = Duration.ofMillis(600);
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final RecordedEvents events = new RecordedEvents();

    @Test
    void shouldGoDownThenUpWhenTcpBackendStopsAndRestarts() throws Exception
    {
        final HealthPolicy policy = HealthPolicy.defaults(HealthCheckKind.TCP).withTiming(INTERVAL, TIMEOUT);
        try (HealthChecker checker = new HealthChecker(events))
        {
            ServerSocketChannel backend = listen(0);
            final int port = ((InetSocketAddress)backend.getLocalAddress()).getPort();
            final HealthTarget target = new HealthTarget("tcp", IPV4, port);
            checker.addTarget(target, policy);
            events.expect(target, UNKNOWN, UP, "connected");

            backend.close();
            events.expect(target, UP, DOWN, "connect refused");

            backend = listen(port);
            events.expect(target, DOWN, UP, "connected");
            assertTrue(checker.latencyNs(target) > 0);
            backend.close();
        }
    }

    @Test
    void shouldFollowHttpStatusWhenBackendTurnsUnhealthyAndBack() throws Exception
    {
        final HealthPolicy policy = HealthPolicy.defaults(HealthCheckKind.HTTP).withTiming(INTERVAL, TIMEOUT);
        try (HealthChecker checker = new HealthChecker(events);
            LoopbackBackends.HttpBackend backend = new LoopbackBackends.HttpBackend(IPV4, null))
        {
            final HealthTarget target = new HealthTarget("web", IPV4, backend.address().getPort());
            checker.addTarget(target, policy);
            events.expect(target, UNKNOWN, UP, "HTTP 200");

            backend.status(503);
            events.expect(target, UP, DOWN, "HTTP 503, expected 200");

            backend.status(200);
            events.expect(target, DOWN, UP, "HTTP 200");
            assertEquals(UP, checker.status(target).orElseThrow().state());
        }
    }

    @Test
    void shouldInterruptChecksInFlightWhenClosed() throws Exception
    {
        final HealthPolicy slow = HealthPolicy.defaults(HealthCheckKind.HTTP)
            .withTiming(Duration.ofSeconds(50), Duration.ofSeconds(40));
        try (LoopbackBackends.SilentTcpServer backend = new LoopbackBackends.SilentTcpServer())
        {
            final HealthChecker checker = new HealthChecker(events, Map.of(), (intervalNs) -> 0L);
            final List<Socket> checks = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                checker.addTarget(new HealthTarget("svc" + i, IPV4, backend.address().getPort()), slow);
            }
            for (int i = 0; i < 3; i++)
            {
                final Socket check = backend.nextConnection();
                assertNotNull(check, "check " + i + " never connected");
                checks.add(check);
            }

            checker.close();

            for (final Socket check : checks)
            {
                assertTrue(LoopbackBackends.peerClosed(check), "a check was still connected after close");
            }
            assertTrue(checker.statuses().isEmpty());
        }
    }

    private static ServerSocketChannel listen(final int port) throws Exception
    {
        final ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(IPV4, port));
        return server;
    }
}
