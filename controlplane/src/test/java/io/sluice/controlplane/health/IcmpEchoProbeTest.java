package io.sluice.controlplane.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.controlplane.health.LoopbackBackends.IPV4;
import static io.sluice.controlplane.health.LoopbackBackends.IPV6;
import static io.sluice.controlplane.health.TcpConnectProbeTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ICMP echo through {@code InetAddress.isReachable}. These tests need root (or CAP_NET_RAW), as the
 * daemon has: they check that the JDK really sends ICMP echo then, not its TCP port 7 fallback.
 */
@Timeout(60)
class IcmpEchoProbeTest
{
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();
    private static final HealthPolicy ICMP =
        HealthPolicy.defaults(HealthCheckKind.ICMP).withTiming(Duration.ofSeconds(1), Duration.ofMillis(300));

    private final IcmpEchoProbe probe = new IcmpEchoProbe(THREADS);

    @BeforeAll
    static void requireRoot()
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "ICMP echo needs root or CAP_NET_RAW");
    }

    @AfterAll
    static void closeThreads()
    {
        THREADS.close();
    }

    @Test
    void shouldOpenRawIcmpSocketsWhenRunningAsRoot()
    {
        assertTrue(RawSockets.canOpenIcmp(false));
        assertTrue(RawSockets.canOpenIcmp(true));
    }

    @Test
    void shouldGetEchoReplyWhenPingingIpv4Loopback() throws Exception
    {
        final ProbeResult result = await(probe.probe(new InetSocketAddress(IPV4, 0), ICMP));
        assertEquals("echo reply", result.reason());
        assertTrue(result.success());
        assertTrue(result.latencyNs() > 0);
    }

    @Test
    void shouldGetEchoReplyWhenPingingIpv6Loopback() throws Exception
    {
        final ProbeResult result = await(probe.probe(new InetSocketAddress(IPV6, 0), ICMP));
        assertEquals("echo reply", result.reason());
        assertTrue(result.success());
    }

    @Test
    void shouldUseIcmpNotTcpPort7WhenTheJdkChecksReachability() throws Exception
    {
        final InetAddress address = InetAddress.getByName("127.0.0.77");
        try (ServerSocket echoPort = bindOrSkip(address))
        {
            final ProbeResult result = await(probe.probe(new InetSocketAddress(address, 0), ICMP));
            assertEquals("echo reply", result.reason());
            echoPort.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, echoPort::accept,
                "isReachable connected to TCP port 7: it fell back from ICMP");
        }
    }

    @Test
    void shouldFailWhenNobodyAnswersAtADocumentationAddress() throws Exception
    {
        assertNoReply(InetAddress.getByName("198.51.100.1"));
        assertNoReply(InetAddress.getByName("2001:db8::1"));
    }

    @Test
    void shouldFailWithReasonWhenRawSocketsAreNotAllowed() throws Exception
    {
        final IcmpEchoProbe unprivileged = new IcmpEchoProbe(THREADS, (address) -> false);
        final ProbeResult result = await(unprivileged.probe(new InetSocketAddress(IPV4, 0), ICMP));
        assertFalse(result.success());
        assertEquals(IcmpEchoProbe.NO_RAW_SOCKET, result.reason());
    }

    private void assertNoReply(final InetAddress address) throws Exception
    {
        final ProbeResult result = await(probe.probe(new InetSocketAddress(address, 0), ICMP));
        assertFalse(result.success(), address + " answered");
        assertTrue(result.reason().equals("no echo reply within 300 ms") || result.reason().contains("unreachable"),
            result.reason());
    }

    private static ServerSocket bindOrSkip(final InetAddress address)
    {
        try
        {
            return new ServerSocket(7, 1, address);
        }
        catch (final IOException ex)
        {
            assumeTrue(false, "cannot listen on " + address + ":7 to watch for the TCP fallback: " + ex);
            return null;
        }
    }
}
