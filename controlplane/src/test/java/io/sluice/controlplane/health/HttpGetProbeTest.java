package io.sluice.controlplane.health;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.sluice.controlplane.health.LoopbackBackends.IPV4;
import static io.sluice.controlplane.health.LoopbackBackends.IPV6;
import static io.sluice.controlplane.health.TcpConnectProbeTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class HttpGetProbeTest
{
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();
    private static final HealthPolicy HTTP = HealthPolicy.defaults(HealthCheckKind.HTTP);
    private static final HealthPolicy HTTPS = HealthPolicy.defaults(HealthCheckKind.HTTPS);

    private final HttpGetProbe http = HttpGetProbe.http(THREADS);
    private final HttpGetProbe https = HttpGetProbe.https(THREADS);

    @TempDir
    Path keyDirectory;

    @AfterAll
    static void closeThreads()
    {
        THREADS.close();
    }

    @Test
    void shouldSucceedAndSendAddressAsHostWhenBackendAnswers200() throws Exception
    {
        try (LoopbackBackends.HttpBackend backend = new LoopbackBackends.HttpBackend(IPV4, null))
        {
            final ProbeResult result = await(http.probe(backend.address(), HTTP));
            assertEquals("HTTP 200", result.reason());
            assertTrue(result.success());
            assertTrue(result.latencyNs() > 0);
            assertEquals("127.0.0.1:" + backend.address().getPort(), backend.nextHost());
        }
    }

    @Test
    void shouldFailWhenBackendAnswers503() throws Exception
    {
        try (LoopbackBackends.HttpBackend backend = new LoopbackBackends.HttpBackend(IPV4, null))
        {
            backend.status(503);
            final ProbeResult result = await(http.probe(backend.address(), HTTP));
            assertFalse(result.success());
            assertEquals("HTTP 503, expected 200", result.reason());
        }
    }

    @Test
    void shouldFailWhenStatusIsNotTheExpectedOne() throws Exception
    {
        try (LoopbackBackends.HttpBackend backend = new LoopbackBackends.HttpBackend(IPV4, null))
        {
            final ProbeResult result = await(http.probe(backend.address(), HTTP.withHttp("/", null, 204)));
            assertFalse(result.success());
            assertEquals("HTTP 200, expected 204", result.reason());
        }
    }

    @Test
    void shouldSucceedWhenTheExpectedStatusIsAnErrorAndBackendAnswersIt() throws Exception
    {
        try (LoopbackBackends.HttpBackend backend = new LoopbackBackends.HttpBackend(IPV4, null))
        {
            backend.status(503);
            final ProbeResult result = await(http.probe(backend.address(), HTTP.withHttp("/", null, 503)));
            assertTrue(result.success());
            assertEquals("HTTP 503", result.reason());
        }
    }

    @Test
    void shouldNotFollowRedirectWhenBackendAnswers302() throws Exception
    {
        try (LoopbackBackends.HttpBackend backend = new LoopbackBackends.HttpBackend(IPV4, null))
        {
            backend.status(302);
            final ProbeResult result = await(http.probe(backend.address(), HTTP));
            assertEquals("HTTP 302, expected 200", result.reason());
            assertEquals("127.0.0.1:" + backend.address().getPort(), backend.nextHost());
            assertNull(backend.hostsNow());
        }
    }

    @Test
    void shouldSendPolicyHostWhenPolicyNamesOne() throws Exception
    {
        try (LoopbackBackends.HttpBackend backend = new LoopbackBackends.HttpBackend(IPV4, null))
        {
            final ProbeResult result = await(http.probe(backend.address(), HTTP.withHttp("/health", "www.example.test", 200)));
            assertTrue(result.success());
            assertEquals("www.example.test", backend.nextHost());
        }
    }

    @Test
    void shouldCheckIpv6BackendWithBracketedHostWhenPolicyNamesNone() throws Exception
    {
        try (LoopbackBackends.HttpBackend backend = new LoopbackBackends.HttpBackend(IPV6, null))
        {
            final ProbeResult result = await(http.probe(backend.address(), HTTP));
            assertTrue(result.success());
            assertEquals("[::1]:" + backend.address().getPort(), backend.nextHost());
        }
    }

    @Test
    void shouldTimeOutWhenBackendNeverAnswers() throws Exception
    {
        try (LoopbackBackends.SilentTcpServer backend = new LoopbackBackends.SilentTcpServer())
        {
            final HealthPolicy policy = HTTP.withTiming(Duration.ofSeconds(2), Duration.ofMillis(200));
            final ProbeResult result = await(http.probe(backend.address(), policy));
            assertFalse(result.success());
            assertEquals("timeout after 200 ms", result.reason());
            assertTrue(result.latencyNs() >= TimeUnit.MILLISECONDS.toNanos(200), "latency " + result.latencyNs());
        }
    }

    @Test
    void shouldFailWithConnectRefusedWhenNothingListens() throws Exception
    {
        final InetSocketAddress address = new InetSocketAddress(IPV4, LoopbackBackends.closedTcpPort(IPV4));
        assertEquals("connect refused", await(http.probe(address, HTTP)).reason());
    }

    @Test
    void shouldFailWhenBackendAnswersSomethingElseThanHttp() throws Exception
    {
        assertEquals("not an HTTP status line: 'SSH-2.0-OpenSSH_9.6'",
            await(http.probe(oneShotServer("SSH-2.0-OpenSSH_9.6\r\n"), HTTP)).reason());
    }

    @Test
    void shouldFailWhenBackendClosesBeforeTheStatusLine() throws Exception
    {
        assertEquals("connection closed before the HTTP status line",
            await(http.probe(oneShotServer(""), HTTP)).reason());
    }

    @Test
    void shouldSucceedOverTlsWhenCertificateIsSelfSignedForAnotherName() throws Exception
    {
        final SSLContext tls = LoopbackBackends.selfSignedServerTls(keyDirectory);
        try (LoopbackBackends.HttpBackend backend = new LoopbackBackends.HttpBackend(IPV4, tls))
        {
            final ProbeResult result = await(https.probe(backend.address(), HTTPS.withHttp("/", "www.example.test", 200)));
            assertEquals("HTTP 200", result.reason());
            assertTrue(result.success());
            assertEquals("www.example.test", backend.nextHost());

            backend.status(503);
            assertEquals("HTTP 503, expected 200", await(https.probe(backend.address(), HTTPS)).reason());
            assertEquals("127.0.0.1:" + backend.address().getPort(), backend.nextHost());
        }
    }

    @Test
    void shouldFailWithTlsReasonWhenBackendSpeaksPlainHttp() throws Exception
    {
        final InetSocketAddress plain = oneShotServer("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        final ProbeResult result = await(https.probe(plain, HTTPS));
        assertFalse(result.success());
        assertTrue(result.reason().startsWith("TLS failed: "), result.reason());
    }

    @Test
    void shouldParseStatusWhenLineIsHttp1()
    {
        assertEquals(200, HttpGetProbe.parseStatus("HTTP/1.1 200 OK"));
        assertEquals(503, HttpGetProbe.parseStatus("HTTP/1.0 503 Service Unavailable"));
        assertEquals(204, HttpGetProbe.parseStatus("HTTP/1.1 204"));
        assertEquals(-1, HttpGetProbe.parseStatus("HTTP/1.1 2000 OK"));
        assertEquals(-1, HttpGetProbe.parseStatus("HTTP/1.1 20"));
        assertEquals(-1, HttpGetProbe.parseStatus("HTTP/1.1 abc"));
        assertEquals(-1, HttpGetProbe.parseStatus("HTTP/1.1 099 Low"));
        assertEquals(-1, HttpGetProbe.parseStatus("ICY 200 OK"));
        assertEquals(-1, HttpGetProbe.parseStatus(""));
    }

    @Test
    void shouldLeaveDefaultPortOutWhenBuildingHostHeader()
    {
        assertEquals("127.0.0.1", HttpGetProbe.hostHeader(new InetSocketAddress(IPV4, 80), 80));
        assertEquals("127.0.0.1:443", HttpGetProbe.hostHeader(new InetSocketAddress(IPV4, 443), 80));
        assertEquals("[::1]", HttpGetProbe.hostHeader(new InetSocketAddress(IPV6, 443), 443));
        assertEquals("[::1]:8443", HttpGetProbe.hostHeader(new InetSocketAddress(IPV6, 8443), 443));
    }

    /**
     * A server that accepts one connection, reads the request, writes {@code reply} and closes.
     */
    private static InetSocketAddress oneShotServer(final String reply) throws Exception
    {
        final ServerSocket server = new ServerSocket(0, 1, IPV4);
        Thread.ofPlatform().daemon().start(() ->
        {
            try (server; Socket socket = server.accept())
            {
                socket.getInputStream().read(new byte[4096]);
                final OutputStream out = socket.getOutputStream();
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            catch (final Exception ex)
            {
                return;
            }
        });
        return new InetSocketAddress(IPV4, server.getLocalPort());
    }
}
