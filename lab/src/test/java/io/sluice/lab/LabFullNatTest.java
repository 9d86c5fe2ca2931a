package io.sluice.lab;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.NAT_HTTP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code fullnat} mode with real TCP: the daemon serves an IPv4 and an IPv6 VIP on port 80 from
 * its NAT addresses (203.0.113.20, 2001:db8:113::20) to the backends' port 8080. The backends are
 * left exactly as the lab starts them: no VIP for these services, no route through the LB. Every
 * backend serves, each sees the LB's NAT address with a port of the pool, 10 MB go each way byte for
 * byte, and no packet to a NAT address is left without its flow.
 */
@Tag("lab")
@Tag("dpdk")
class LabFullNatTest
{
    private static final LbConfig.Service FULLNAT_IPV4 = LbConfig.Service.of("192.0.2.13", "fullnat", 1, 1, 1)
        .withOptions("    backendPort: " + NAT_HTTP_PORT + "\n");
    private static final LbConfig.Service FULLNAT_IPV6 = LbConfig.Service.of("2001:db8:100::13", "fullnat", 1, 1, 1)
        .withOptions("    backendPort: " + NAT_HTTP_PORT + "\n");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(60);
    private static final long TEN_MEGABYTES = 10_000_000;
    private static final int REQUESTS = 30;

    @RegisterExtension
    static final LabLoadBalancer LB = new LabLoadBalancer(LbConfig.of(FULLNAT_IPV4, FULLNAT_IPV6));

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldServeFromEveryBackendSeeingTheNatAddressWhenBackendsAreUntouched(final boolean ipv6) throws Exception
    {
        final LbConfig.Service service = ipv6 ? FULLNAT_IPV6 : FULLNAT_IPV4;
        final String nat = LbConfig.natAddress(LabTopology.LB1, ipv6);
        final String natPrefix = (ipv6 ? "[" + nat + "]" : nat) + ":";
        final LbStats before = LB.stats();
        final Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < REQUESTS; i++)
        {
            final VipClient.Answer answer = NetworkNamespace.call(CLIENT_NAMESPACE,
                () -> VipClient.request(InetAddress.ofLiteral(service.vip()), service.port(), TIMEOUT));
            answers.merge(answer.backend(), 1, Integer::sum);
            assertTrue(answer.client().startsWith(natPrefix), "the backend saw the LB's NAT address: " + answer.client());
            final int port = Integer.parseInt(answer.client().substring(natPrefix.length()));
            assertTrue(port >= 1024 && port <= 65535, "a port of the pool: " + answer.client());
        }
        assertEquals(LabTopology.BACKEND_COUNT, answers.size(), "every backend served: " + answers);
        final LbStats after = LB.stats();
        assertTrue(after.total(WorkerCounter.NAT_REPLIES) - before.total(WorkerCounter.NAT_REPLIES) >= 2L * REQUESTS,
            "the replies were translated back: " + after.total(WorkerCounter.NAT_REPLIES));
        assertEquals(0, after.drops()[DropReason.NAT_NO_MAPPING.ordinal()] - before.drops()[DropReason.NAT_NO_MAPPING.ordinal()],
            "no packet to the NAT address was left without its flow");
        assertEquals(0, after.drops()[DropReason.NAT_PORTS_EXHAUSTED.ordinal()]);
        System.out.printf("%s fullnat: %d requests, answered by %s%n", service.vip(), REQUESTS, answers);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldMoveTenMegabytesEachWayIntactWhenFullNat(final boolean ipv6) throws Exception
    {
        final LbConfig.Service service = ipv6 ? FULLNAT_IPV6 : FULLNAT_IPV4;
        final String nat = LbConfig.natAddress(LabTopology.LB1, ipv6);

        final LabTransfer.Result download =
            LabTransfer.downloadFrom(CLIENT_NAMESPACE, service.vip(), service.port(), TEN_MEGABYTES, TRANSFER_TIMEOUT);
        final LabTransfer.Result upload =
            LabTransfer.uploadFrom(CLIENT_NAMESPACE, service.vip(), service.port(), TEN_MEGABYTES, TRANSFER_TIMEOUT);

        for (final LabTransfer.Result result : new LabTransfer.Result[]{download, upload})
        {
            assertEquals(TEN_MEGABYTES, result.bytes());
            assertTrue(result.client().startsWith(ipv6 ? "[" + nat + "]:" : nat + ":"), "fullnat: the backend sees the NAT address: " + result);
        }
        System.out.printf("%s fullnat: 10 MB down in %d ms (%.1f MB/s), up in %d ms (%.1f MB/s)%n", service.vip(),
            download.duration().toMillis(), download.megabytesPerSecond(), upload.duration().toMillis(), upload.megabytesPerSecond());
    }
}
