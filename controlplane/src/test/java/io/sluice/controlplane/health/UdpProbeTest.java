package io.sluice.controlplane.health;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.controlplane.health.LoopbackBackends.IPV4;
import static io.sluice.controlplane.health.LoopbackBackends.IPV6;
import static io.sluice.controlplane.health.TcpConnectProbeTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class UdpProbeTest
{
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();
    private static final HealthPolicy PING_PONG = HealthPolicy.udp(bytes("ping"), bytes("pong"));

    private final UdpProbe probe = new UdpProbe(THREADS);

    @AfterAll
    static void closeThreads()
    {
        THREADS.close();
    }

    @Test
    void shouldSucceedWhenReplyStartsWithExpectedBytesOnIpv4() throws Exception
    {
        assertPongAnswered(IPV4);
    }

    @Test
    void shouldSucceedWhenReplyStartsWithExpectedBytesOnIpv6() throws Exception
    {
        assertPongAnswered(IPV6);
    }

    @Test
    void shouldFailWithPortUnreachableWhenNoServerOnIpv4() throws Exception
    {
        assertPortUnreachable(IPV4);
    }

    @Test
    void shouldFailWithPortUnreachableWhenNoServerOnIpv6() throws Exception
    {
        assertPortUnreachable(IPV6);
    }

    @Test
    void shouldFailWhenReplyDoesNotStartWithExpectedBytes() throws Exception
    {
        try (LoopbackBackends.UdpBackend backend = new LoopbackBackends.UdpBackend(IPV4, (request) -> bytes("pang!")))
        {
            final ProbeResult result = await(probe.probe(backend.address(), PING_PONG));
            assertFalse(result.success());
            assertEquals("reply did not start with the expected bytes", result.reason());
        }
    }

    @Test
    void shouldFailWhenReplyIsShorterThanExpectedBytes() throws Exception
    {
        try (LoopbackBackends.UdpBackend backend = new LoopbackBackends.UdpBackend(IPV4, (request) -> bytes("po")))
        {
            assertEquals("reply did not start with the expected bytes",
                await(probe.probe(backend.address(), PING_PONG)).reason());
        }
    }

    @Test
    void shouldAcceptAnyReplyWhenNoBytesAreExpected() throws Exception
    {
        try (LoopbackBackends.UdpBackend backend = new LoopbackBackends.UdpBackend(IPV4, (request) -> bytes("x")))
        {
            final ProbeResult result = await(probe.probe(backend.address(), HealthPolicy.udp(bytes("ping"), null)));
            assertTrue(result.success());
            assertEquals("reply of 1 bytes", result.reason());
        }
    }

    @Test
    void shouldTimeOutWhenServerNeverReplies() throws Exception
    {
        try (DatagramChannel silent = DatagramChannel.open())
        {
            silent.bind(new InetSocketAddress(IPV4, 0));
            final HealthPolicy policy = PING_PONG.withTiming(Duration.ofSeconds(1), Duration.ofMillis(150));
            final ProbeResult result = await(probe.probe((InetSocketAddress)silent.getLocalAddress(), policy));
            assertFalse(result.success());
            assertEquals("timeout after 150 ms", result.reason());
        }
    }

    private void assertPongAnswered(final InetAddress address) throws Exception
    {
        try (LoopbackBackends.UdpBackend backend =
            new LoopbackBackends.UdpBackend(address, (request) -> concat(bytes("pong:"), request)))
        {
            final ProbeResult result = await(probe.probe(backend.address(), PING_PONG));
            assertEquals("reply of 9 bytes", result.reason());
            assertTrue(result.success());
            assertTrue(result.latencyNs() > 0);
        }
    }

    private void assertPortUnreachable(final InetAddress address) throws Exception
    {
        final int port = LoopbackBackends.closedUdpPort(address);
        final ProbeResult result = await(probe.probe(new InetSocketAddress(address, port), PING_PONG));
        assertFalse(result.success());
        assertEquals("port unreachable (ICMP)", result.reason());
    }

    private static byte[] concat(final byte[] first, final byte[] second)
    {
        final byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
