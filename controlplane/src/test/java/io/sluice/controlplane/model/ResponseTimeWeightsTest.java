package io.sluice.controlplane.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The least-response-time weights: the scaling by latency, its bounds and resolution, the rule
 * that keeps small moves from rebuilding the Maglev table, and the weights a configuration gets.
 */
class ResponseTimeWeightsTest
{
    private static final long MS = 1_000_000L;
    private static final String CONFIG = """
        dataplane: { device: net_null0, workers: 1 }
        network: { addresses: [203.0.113.2] }
        services:
          - vip: 192.0.2.10
            port: 80
            mode: dsr
            scheduler: least-response-time
            healthCheck: { kind: tcp }
            backends:
              - { address: 203.0.113.11, weight: 1 }
              - { address: 203.0.113.12, weight: 1 }
              - { address: 203.0.113.13, weight: 2 }
              - { address: 203.0.113.14, weight: 0 }
          - vip: 192.0.2.20
            port: 80
            mode: dsr
            scheduler: weighted-maglev
            healthCheck: { kind: tcp }
            backends:
              - { address: 203.0.113.11, weight: 1 }
              - { address: 203.0.113.12, weight: 1 }
        """;
    private static final ServiceKey LRT = new ServiceKey(IpAddress.parse("192.0.2.10"), 80, ServiceKey.TCP);
    private static final ServiceKey WEIGHTED = new ServiceKey(IpAddress.parse("192.0.2.20"), 80, ServiceKey.TCP);

    private static BackendRef ref(final ServiceKey service, final String address)
    {
        return new BackendRef(service, IpAddress.parse(address));
    }

    private static List<Integer> weights(final EffectiveSpecs effective, final ServiceKey service, final String... backends)
    {
        return Arrays.stream(backends).map(b -> effective.weights().get(ref(service, b))).toList();
    }

    @Test
    void shouldScaleTheConfiguredWeightByTheFastestLatencyOverItsOwnWhenSlower()
    {
        assertEquals(100, ResponseTimeWeights.weight(1, 100, MS, MS));
        assertEquals(25, ResponseTimeWeights.weight(1, 100, MS, 4 * MS));
        assertEquals(150, ResponseTimeWeights.weight(3, 100, MS, 2 * MS));
        assertEquals(33, ResponseTimeWeights.weight(1, 100, MS, 3 * MS), "rounded");
    }

    @Test
    void shouldKeepAtLeastOneWhenFarSlowerAndZeroWhenDrained()
    {
        assertEquals(1, ResponseTimeWeights.weight(1, 100, 1_000, 1_000_000_000));
        assertEquals(0, ResponseTimeWeights.weight(0, 100, MS, MS));
    }

    @Test
    void shouldCountABackendAsFastAsTheFastestWhenALatencyIsMissing()
    {
        assertEquals(200, ResponseTimeWeights.weight(2, 100, 0, 5 * MS), "no backend has a latency");
        assertEquals(200, ResponseTimeWeights.weight(2, 100, MS, 0), "this one has none yet");
    }

    @Test
    void shouldLowerTheResolutionWhenConfiguredWeightsWouldLeaveTheDataplaneRange()
    {
        assertEquals(100, ResponseTimeWeights.scale(1));
        assertEquals(100, ResponseTimeWeights.scale(655));
        assertEquals(99, ResponseTimeWeights.scale(656));
        assertEquals(1, ResponseTimeWeights.scale(65_535));
        assertEquals(100, ResponseTimeWeights.scale(0));
        assertEquals(65_535, ResponseTimeWeights.weight(65_535, ResponseTimeWeights.scale(65_535), MS, MS));
    }

    @Test
    void shouldCallAChangeSignificantOnlyAboveTenPercentOrToOrFromZero()
    {
        assertFalse(ResponseTimeWeights.significant(100, 110));
        assertFalse(ResponseTimeWeights.significant(100, 90));
        assertFalse(ResponseTimeWeights.significant(7, 7));
        assertTrue(ResponseTimeWeights.significant(100, 111));
        assertTrue(ResponseTimeWeights.significant(100, 89));
        assertTrue(ResponseTimeWeights.significant(1, 2));
        assertTrue(ResponseTimeWeights.significant(0, 1));
        assertTrue(ResponseTimeWeights.significant(5, 0));
        final BackendRef a = ref(LRT, "203.0.113.11");
        final BackendRef b = ref(LRT, "203.0.113.12");
        assertFalse(ResponseTimeWeights.significant(Map.of(a, 100, b, 50), Map.of(a, 100, b, 54)));
        assertTrue(ResponseTimeWeights.significant(Map.of(a, 100, b, 50), Map.of(a, 100, b, 56)));
        assertTrue(ResponseTimeWeights.significant(Map.of(a, 100), Map.of(a, 100, b, 1)), "a new backend counts from 0");
    }

    @Test
    void shouldWeightOnlyLeastResponseTimeServicesByTheLatenciesOfTheirServingBackends() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(Path.of("/etc/sluice/lrt.yaml"), CONFIG);
        final Map<BackendRef, Long> latencies = Map.of(ref(LRT, "203.0.113.11"), 2 * MS, ref(LRT, "203.0.113.12"), 8 * MS,
            ref(LRT, "203.0.113.13"), 4 * MS, ref(WEIGHTED, "203.0.113.11"), MS, ref(WEIGHTED, "203.0.113.12"), 9 * MS);

        final EffectiveSpecs all = EffectiveSpecs.of(config, Map.of(), latencies);
        final EffectiveSpecs fastestDown = EffectiveSpecs.of(config,
            Map.of(ref(LRT, "203.0.113.11"), new BackendStatus(BackendHealth.DOWN, 2 * MS, null, 1)), latencies);
        final EffectiveSpecs none = EffectiveSpecs.of(config, Map.of(), Map.of());

        assertEquals(List.of(100, 25, 100, 0), weights(all, LRT, "203.0.113.11", "203.0.113.12", "203.0.113.13", "203.0.113.14"));
        assertEquals(List.of(1, 1), weights(all, WEIGHTED, "203.0.113.11", "203.0.113.12"), "configured weights elsewhere");
        assertEquals(List.of(0, 50, 200, 0), weights(fastestDown, LRT, "203.0.113.11", "203.0.113.12", "203.0.113.13",
            "203.0.113.14"), "the fastest of those that serve");
        assertEquals(List.of(100, 100, 200, 0), weights(none, LRT, "203.0.113.11", "203.0.113.12", "203.0.113.13",
            "203.0.113.14"), "no latency yet: the configured weights at the resolution");
    }

    @Test
    void shouldSummarizeTheWeightsThatChangeInOneLine()
    {
        final BackendRef a = ref(LRT, "203.0.113.11");
        final BackendRef b = ref(LRT, "203.0.113.12");

        assertEquals("least-response-time: backend 203.0.113.12 of 192.0.2.10:80/tcp: weight 100 -> 25",
            ResponseTimeWeights.summary(Map.of(a, 100, b, 100), Map.of(a, 100, b, 25)));
    }
}
