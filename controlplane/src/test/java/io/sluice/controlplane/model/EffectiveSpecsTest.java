package io.sluice.controlplane.model;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Scheduler;
import io.sluice.dataplane.service.ServiceSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mapping of configured schedulers and flags to what the dataplane runs. */
final class EffectiveSpecsTest
{
    private static final String HEAD = """
        dataplane:
          device: net_null0
          workers: 1
        network:
          addresses: [203.0.113.2]
          tunnel: { sources: [203.0.113.2] }
        services:
        """;

    @Test
    void shouldCountEveryBackendOnceWhenMaglevAndKeepWeightsWhenWeightedMaglev() throws Exception
    {
        final List<ServiceSpec> specs = specs("""
              - { vip: 192.0.2.10, port: 80, mode: dsr, scheduler: maglev, backends: [ { address: 203.0.113.11, weight: 5 }, { address: 203.0.113.12, weight: 0 } ] }
              - { vip: 192.0.2.11, port: 80, mode: ipip, backends: [ { address: 203.0.113.11, weight: 5 }, { address: 203.0.113.12, weight: 2 } ] }
            """, Map.of());

        assertEquals(Scheduler.MAGLEV, specs.get(0).scheduler());
        assertEquals(List.of(1, 0), weights(specs.get(0)), "maglev: weight 1 for a backend that takes flows, 0 stays 0");
        assertEquals(Scheduler.MAGLEV, specs.get(1).scheduler(), "the default is weighted Maglev");
        assertEquals(List.of(5, 2), weights(specs.get(1)));
    }

    @Test
    void shouldMapTheStatefulSchedulersAndOnePacketScheduling() throws Exception
    {
        final List<ServiceSpec> specs = specs("""
              - { vip: 192.0.2.10, port: 80, mode: ipip, scheduler: least-conn, backends: [ { address: 203.0.113.11 } ] }
              - { vip: 192.0.2.11, port: 80, mode: ipip, scheduler: weighted-round-robin, backends: [ { address: 203.0.113.11 } ] }
              - { vip: 192.0.2.12, port: 80, mode: ipip, scheduler: least-response-time, backends: [ { address: 203.0.113.11 } ] }
              - { vip: 192.0.2.13, port: 53, protocol: udp, mode: ipip, scheduler: weighted-round-robin, flags: [ops], backends: [ { address: 203.0.113.11 } ] }
              - { vip: 192.0.2.14, port: 80, mode: ipip, scheduler: source-hash, backends: [ { address: 203.0.113.11 } ] }
            """, Map.of());

        assertEquals(Scheduler.LEAST_CONNECTIONS, specs.get(0).scheduler());
        assertEquals(Scheduler.ROUND_ROBIN, specs.get(1).scheduler());
        assertEquals(Scheduler.LEAST_CONNECTIONS, specs.get(2).scheduler(), "least response time: least connections over latency weights");
        assertTrue(specs.get(3).onePacketScheduling());
        assertFalse(specs.get(1).onePacketScheduling());
        assertEquals(Scheduler.SOURCE_HASH, specs.get(4).scheduler());
    }

    @Test
    void shouldPassTheBackendPortAndFragmentPolicyToTheDataplane() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(Path.of("/etc/sluice/test.yaml"), HEAD.replace(
            "tunnel: { sources: [203.0.113.2] }", "tunnel: { sources: [203.0.113.2] }\n  gateway: { ipv4: 203.0.113.1 }") + """
              - { vip: 192.0.2.10, port: 80, mode: nat, backendPort: 8080, fragments: l3, backends: [ { address: 203.0.113.11 } ] }
              - { vip: 192.0.2.11, port: 80, mode: ipip, backends: [ { address: 203.0.113.11 } ] }
            """);
        final List<ServiceSpec> specs = EffectiveSpecs.of(config, Map.of()).specs();

        assertEquals(8080, specs.get(0).targetPort());
        assertEquals(FragmentPolicy.L3, specs.get(0).fragments());
        assertEquals(80, specs.get(1).targetPort());
        assertEquals(FragmentPolicy.DROP, specs.get(1).fragments());
    }

    @Test
    void shouldResetTheFlowsOfADownBackendOnlyWhenTheServiceAsksForIt() throws Exception
    {
        final String services = """
              - { vip: 192.0.2.10, port: 80, mode: dsr, flags: [reset-on-down], backends: [ { address: 203.0.113.11 }, { address: 203.0.113.12 } ] }
              - { vip: 192.0.2.11, port: 80, mode: dsr, backends: [ { address: 203.0.113.11 }, { address: 203.0.113.12 } ] }
            """;
        final IpAddress down = IpAddress.parse("203.0.113.11");
        final BackendStatus downStatus = new BackendStatus(BackendHealth.DOWN, 1000, Instant.EPOCH, 1);
        final List<ServiceSpec> specs = specs(services, Map.of(
            new BackendRef(new ServiceKey(IpAddress.parse("192.0.2.10"), 80, 6), down), downStatus,
            new BackendRef(new ServiceKey(IpAddress.parse("192.0.2.11"), 80, 6), down), downStatus));

        assertEquals(new ServiceSpec.BackendSpec(down, 0, true), specs.get(0).backends().get(0));
        assertEquals(new ServiceSpec.BackendSpec(down, 0, false), specs.get(1).backends().get(0), "down, flows stay pinned");
        assertFalse(specs.get(0).backends().get(1).resetFlows(), "an up backend keeps its flows");
    }

    private static List<ServiceSpec> specs(final String services, final Map<BackendRef, BackendStatus> health) throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(Path.of("/etc/sluice/test.yaml"), HEAD + services);
        return EffectiveSpecs.of(config, health).specs();
    }

    private static List<Integer> weights(final ServiceSpec spec)
    {
        return spec.backends().stream().map(ServiceSpec.BackendSpec::weight).toList();
    }
}
