package io.sluice.controlplane.health;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeRunnerTest
{
    private static final HealthPolicy TCP = HealthPolicy.defaults(HealthCheckKind.TCP);

    @Test
    void shouldNameEachFailureShortlyWhenGivenItsException()
    {
        assertEquals("timeout after 1000 ms", ProbeRunner.reason(new SocketTimeoutException("Read timed out"), 1000));
        assertEquals("connect refused", ProbeRunner.reason(new ConnectException("Connection refused"), 1000));
        assertEquals("connect failed: Network is unreachable",
            ProbeRunner.reason(new ConnectException("Network is unreachable"), 1000));
        assertEquals("port unreachable (ICMP)", ProbeRunner.reason(new PortUnreachableException(), 1000));
        assertEquals("no route to host", ProbeRunner.reason(new NoRouteToHostException("No route"), 1000));
        assertEquals("check cancelled", ProbeRunner.reason(new ClosedByInterruptException(), 1000));
        assertEquals("check cancelled", ProbeRunner.reason(new InterruptedException(), 1000));
        assertEquals("TLS failed: bad record", ProbeRunner.reason(new SSLHandshakeException("bad record"), 1000));
        assertEquals("connection closed early", ProbeRunner.reason(new EOFException("connection closed early"), 1000));
        assertEquals("IOException: disk on fire", ProbeRunner.reason(new IOException("disk on fire"), 1000));
        assertEquals("probe error IllegalStateException: boom", ProbeRunner.reason(new IllegalStateException("boom"), 1000));
        assertEquals("probe error NullPointerException: NullPointerException",
            ProbeRunner.reason(new NullPointerException(), 1000));
    }

    @Test
    void shouldTurnAnExceptionIntoAFailureWhenTheCheckThrows()
    {
        final ProbeResult result = ProbeRunner.runNow(TCP, (deadlineNs) ->
        {
            throw new IllegalStateException("boom");
        });
        assertFalse(result.success());
        assertEquals("probe error IllegalStateException: boom", result.reason());
    }

    @Test
    void shouldMeasureLatencyWhenTheCheckSucceeds()
    {
        final ProbeResult result = ProbeRunner.runNow(TCP, (deadlineNs) -> ProbeResult.success(0, "fine"));
        assertTrue(result.success());
        assertEquals("fine", result.reason());
        assertTrue(result.latencyNs() > 0);
    }

    @Test
    void shouldFailWhenTheCheckGivesNoResult()
    {
        assertEquals("probe gave no result", ProbeRunner.runNow(TCP, (deadlineNs) -> null).reason());
    }

    @Test
    void shouldFailAtOnceWhenTheExecutorRefusesTheCheck() throws Exception
    {
        final ProbeResult result = ProbeRunner.runAsync((task) ->
        {
            throw new RejectedExecutionException("shut down");
        }, TCP, (deadlineNs) -> ProbeResult.success(0, "fine")).getNow(null);
        assertEquals("health checker closed", result.reason());
    }

    @Test
    void shouldGiveRemainingTimeUntilTheDeadlinePasses() throws Exception
    {
        assertTrue(ProbeRunner.remainingMs(System.nanoTime() + 5_000_000_000L) > 4000);
        assertEquals(1, ProbeRunner.remainingMs(System.nanoTime() + 1000L));
        assertThrows(SocketTimeoutException.class, () -> ProbeRunner.remainingMs(System.nanoTime() - 1));
    }
}
