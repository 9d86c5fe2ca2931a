package io.sluice.controlplane.health;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.controlplane.health.LoopbackBackends.IPV4;
import static io.sluice.controlplane.health.LoopbackBackends.IPV6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class TcpConnectProbeTest
{
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();
    private static final HealthPolicy TCP = HealthPolicy.defaults(HealthCheckKind.TCP);
    private final TcpConnectProbe probe = new TcpConnectProbe(THREADS);

    @AfterAll
    static void closeThreads()
    {
        THREADS.close();
    }

    @Test
    void shouldSucceedWhenBackendListensOnIpv4() throws Exception
    {
        assertConnected(IPV4);
    }

    @Test
    void shouldSucceedWhenBackendListensOnIpv6() throws Exception
    {
        assertConnected(IPV6);
    }

    @Test
    void shouldFailWithConnectRefusedWhenNothingListensOnIpv4() throws Exception
    {
        assertRefused(IPV4);
    }

    @Test
    void shouldFailWithConnectRefusedWhenNothingListensOnIpv6() throws Exception
    {
        assertRefused(IPV6);
    }

    private void assertConnected(final InetAddress address) throws Exception
    {
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(address, 0));
            final ProbeResult result = await(probe.probe((InetSocketAddress)server.getLocalAddress(), TCP));
            assertEquals("connected", result.reason());
            assertTrue(result.success());
            assertTrue(result.latencyNs() > 0);
            assertTrue(server.accept().isConnected());
        }
    }

    private void assertRefused(final InetAddress address) throws Exception
    {
        final int port = LoopbackBackends.closedTcpPort(address);
        final ProbeResult result = await(probe.probe(new InetSocketAddress(address, port), TCP));
        assertFalse(result.success());
        assertEquals("connect refused", result.reason());
    }

    static ProbeResult await(final CompletableFuture<ProbeResult> result) throws Exception
    {
        return result.get(LoopbackBackends.AWAIT_SECONDS, TimeUnit.SECONDS);
    }
}
