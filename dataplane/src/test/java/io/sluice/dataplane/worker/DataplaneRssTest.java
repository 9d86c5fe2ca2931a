package io.sluice.dataplane.worker;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.rss.RssSteering;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dpdk.DpdkTestSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Dataplane#rssSteering()} on the virtual devices of the tests, none of which reports an RSS key and
 * redirection table in DPDK 22.11: {@code net_ring} has no {@code rss_hash_conf_get} (-ENOTSUP); {@code net_null}
 * answers rss_hf and has a 128-entry table but reports a key size of 0 (-ENOTSUP from the shim). With one worker
 * every flow is on worker 0; with two, replicated flows must go to both.
 */
@Tag("dpdk")
class DataplaneRssTest
{
    private static final DataplaneSettings SETTINGS =
        DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of());

    private final FlowKey tcpFlow = new FlowKey().setIpv4(0x0A00_0001, 0xC000_020A, 40000, 80, 6);
    private final FlowKey udpFlow = new FlowKey().setIpv6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2, 5353, 53, 17);

    @Test
    void shouldSteerEveryFlowToWorkerZeroWhenThereIsOneWorker()
    {
        try (Dataplane dataplane = start("net_ring11", List.of(-1)))
        {
            final RssSteering steering = dataplane.rssSteering();

            assertFalse(steering.computed());
            assertEquals(0, steering.workerOf(tcpFlow));
            assertEquals(0, steering.workerOf(udpFlow));
        }
    }

    @Test
    void shouldSteerToAllWorkersWhenRingPortHasNoRss()
    {
        try (Dataplane dataplane = start("net_ring12", List.of(-1, -1)))
        {
            final RssSteering steering = dataplane.rssSteering();

            assertEquals(2, dataplane.port().config().rxQueues());
            assertEquals(RssSteering.ALL_WORKERS, steering.workerOf(tcpFlow));
            assertEquals(RssSteering.ALL_WORKERS, steering.workerOf(udpFlow));
            assertTrue(steering.description().contains("Operation not supported"), steering.description());
        }
    }

    @Test
    void shouldSteerToAllWorkersWhenNullPortReportsNoKey()
    {
        try (Dataplane dataplane = start("net_null12", List.of(-1, -1)))
        {
            final RssSteering steering = dataplane.rssSteering();

            assertTrue(dataplane.port().rssHashFunctions() != 0, "net_null takes Sluice's RSS configuration");
            assertEquals(RssSteering.ALL_WORKERS, steering.workerOf(tcpFlow));
            assertEquals(RssSteering.ALL_WORKERS, steering.workerOf(udpFlow));
        }
    }

    private static Dataplane start(final String device, final List<Integer> workerCpus)
    {
        final DataplaneConfig config = DataplaneConfig.of(device, workerCpus).withFlowTableCapacity(1 << 12);
        return Dataplane.start(DpdkTestSupport.eal(), config, SETTINGS, List.of());
    }
}
