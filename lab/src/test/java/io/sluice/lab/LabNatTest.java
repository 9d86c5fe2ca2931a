package io.sluice.lab;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.NAT_HTTP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code nat} mode with real TCP: the daemon serves an IPv4 and an IPv6 VIP on port 80 by
 * destination NAT to the backends' port 8080; the backends hold no VIP and run nothing special,
 * only their replies are routed through the LB ({@code lab.sh nat-route}, which the test's
 * {@link LabLoadBalancer} sets up for a NAT service). Every backend serves, each sees the client's
 * own address, 10 MB go each way byte for byte, and with a smaller MTU on the router's path to the
 * client the router's fragmentation-needed (packet too big) reaches the backend through the LB's
 * ICMP translation and the download still completes.
 */
@Tag("lab")
@Tag("dpdk")
class LabNatTest
{
    private static final LbConfig.Service NAT_IPV4 = LbConfig.Service.of("192.0.2.11", "nat", 1, 1, 1)
        .withOptions("    backendPort: " + NAT_HTTP_PORT + "\n");
    private static final LbConfig.Service NAT_IPV6 = LbConfig.Service.of("2001:db8:100::11", "nat", 1, 1, 1)
        .withOptions("    backendPort: " + NAT_HTTP_PORT + "\n");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(60);
    private static final long TEN_MEGABYTES = 10_000_000;
    private static final int REQUESTS = 30;

    @RegisterExtension
    static final LabLoadBalancer LB = new LabLoadBalancer(LbConfig.of(NAT_IPV4, NAT_IPV6));

    @AfterEach
    void restoreTheLab()
    {
        LB.lab().pmtuOff();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldServeFromEveryBackendWithTheClientsAddressWhenTranslating(final boolean ipv6) throws Exception
    {
        final LbConfig.Service service = ipv6 ? NAT_IPV6 : NAT_IPV4;
        final String client = ipv6 ? "[" + LabTopology.CLIENT_IPV6 + "]" : LabTopology.CLIENT_IPV4;
        final LbStats before = LB.stats();
        final Map<String, Integer> answers = new HashMap<>();
        final LabBackend be1 = LabTopology.BACKENDS.get(0);
        final String be1Address = ipv6 ? be1.ipv6() : be1.ipv4();
        try (PacketCapture capture = PacketCapture.start(be1.namespace(), be1.interfaceName(),
            "tcp and dst host " + be1Address + " and dst port " + NAT_HTTP_PORT))
        {
            for (int i = 0; i < REQUESTS; i++)
            {
                final VipClient.Answer answer = NetworkNamespace.call(CLIENT_NAMESPACE,
                    () -> VipClient.request(InetAddress.ofLiteral(service.vip()), service.port(), TIMEOUT));
                answers.merge(answer.backend(), 1, Integer::sum);
                assertEquals(client + ":" + answer.localPort(), answer.client(), "the backend saw the client's own address and port");
            }
            assertNotNull(capture.awaitLine(Pattern.compile(Pattern.quote(be1Address + "." + NAT_HTTP_PORT + ": ")), TIMEOUT),
                "be1 was reached on its backend port " + NAT_HTTP_PORT + ", not the VIP's 80: " + capture.text());
        }
        assertEquals(LabTopology.BACKEND_COUNT, answers.size(), "every backend served: " + answers);
        final LbStats after = LB.stats();
        assertTrue(after.total(WorkerCounter.NAT_REPLIES) - before.total(WorkerCounter.NAT_REPLIES) >= 2L * REQUESTS,
            "the replies came back through the LB: " + after.total(WorkerCounter.NAT_REPLIES));
        assertEquals(0, after.drops()[DropReason.NO_VIP.ordinal()] - before.drops()[DropReason.NO_VIP.ordinal()],
            "no reply was taken for traffic to an unknown address");
        System.out.printf("%s nat: %d requests, answered by %s%n", service.vip(), REQUESTS, answers);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldMoveTenMegabytesEachWayIntactWhenTranslating(final boolean ipv6) throws Exception
    {
        final LbConfig.Service service = ipv6 ? NAT_IPV6 : NAT_IPV4;
        final String client = ipv6 ? "[" + LabTopology.CLIENT_IPV6 + "]:" : LabTopology.CLIENT_IPV4 + ":";

        final LabTransfer.Result download =
            LabTransfer.downloadFrom(CLIENT_NAMESPACE, service.vip(), service.port(), TEN_MEGABYTES, TRANSFER_TIMEOUT);
        final LabTransfer.Result upload =
            LabTransfer.uploadFrom(CLIENT_NAMESPACE, service.vip(), service.port(), TEN_MEGABYTES, TRANSFER_TIMEOUT);

        for (final LabTransfer.Result result : new LabTransfer.Result[]{download, upload})
        {
            assertEquals(TEN_MEGABYTES, result.bytes());
            assertTrue(result.client().startsWith(client), "nat keeps the client's address: " + result);
        }
        System.out.printf("%s nat: 10 MB down in %d ms (%.1f MB/s), up in %d ms (%.1f MB/s)%n", service.vip(),
            download.duration().toMillis(), download.megabytesPerSecond(), upload.duration().toMillis(), upload.megabytesPerSecond());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldCompleteADownloadWhenTheRouterAsksForSmallerPacketsThroughTheTranslation(final boolean ipv6) throws Exception
    {
        final LbConfig.Service service = ipv6 ? NAT_IPV6 : NAT_IPV4;
        LB.lab().pmtu(LabTopology.PMTU_DEFAULT);
        final LbStats before = LB.stats();

        final LabTransfer.Result download =
            LabTransfer.downloadFrom(CLIENT_NAMESPACE, service.vip(), service.port(), TEN_MEGABYTES, TRANSFER_TIMEOUT);

        assertEquals(TEN_MEGABYTES, download.bytes());
        final LabBackend backend = LabTopology.backend(download.backend());
        final String client = ipv6 ? LabTopology.CLIENT_IPV6 : LabTopology.CLIENT_IPV4;
        final String route = Commands.inNamespace(backend.namespace(),
            "ip", "route", "get", client, "from", ipv6 ? backend.ipv6() : backend.ipv4());
        assertTrue(route.contains(" mtu 1280"), "the backend learnt the router's MTU from the translated ICMP error: " + route);
        assertTrue(LB.stats().total(WorkerCounter.ICMP_ROUTED) > before.total(WorkerCounter.ICMP_ROUTED),
            "the router's error went through the LB's translation");
        System.out.printf("%s nat with pmtu on: 10 MB down in %d ms%n", service.vip(), download.duration().toMillis());
    }
}
