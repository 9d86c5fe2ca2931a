package io.sluice.controlplane.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.controlplane.api.v1.AddBackendRequest;
import io.sluice.controlplane.api.v1.AddServiceRequest;
import io.sluice.controlplane.api.v1.ApplyConfigRequest;
import io.sluice.controlplane.api.v1.BackendConfig;
import io.sluice.controlplane.api.v1.DrainBackendRequest;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.HealthPolicy;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.RemoveBackendRequest;
import io.sluice.controlplane.api.v1.RemoveServiceRequest;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.api.v1.SetBackendWeightRequest;
import io.sluice.controlplane.api.v1.SetHealthPolicyRequest;
import io.sluice.controlplane.health.LocalTestAddresses;
import io.sluice.controlplane.model.HealthSupervisor;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dpdk.PcapFile;

import static io.sluice.dataplane.pipeline.Frames.ETHERTYPE_IPV4;
import static io.sluice.dataplane.pipeline.Frames.TCP;
import static io.sluice.dataplane.pipeline.Frames.TCP_SYN;
import static io.sluice.dataplane.pipeline.Frames.ethernet;
import static io.sluice.dataplane.pipeline.Frames.ipv4;
import static io.sluice.dataplane.pipeline.Frames.padded;
import static io.sluice.dataplane.pipeline.Frames.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A daemon that runs for months meets backend churn: this test drives a real dataplane under
 * steady traffic (a {@code net_pcap} port replaying TCP to an IPIP VIP without end) through
 * a thousand cycles of the real gRPC API: add a DSR service with six backends and a TCP health
 * check, weigh, drain, remove and add backends, set another health policy, now and then replace
 * the whole configuration with ApplyConfig, remove the service. The backends rotate through 64
 * addresses of this host while the neighbour table holds 32, so a slot, an id, a label counter or
 * a health target that is never given back makes a later cycle fail. At the end the daemon holds
 * exactly what it held at the start, the traffic it received is accounted for, and a service that
 * needs the neighbour table's whole free capacity is accepted.
 */
@Tag("dpdk")
class ChurnSystemTest
{
    private static final int CYCLES = 1000;
    private static final int POOL = 64;
    private static final int BACKENDS = 6;
    private static final int NEIGHBOUR_CAPACITY = 32;
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final String BASE = """
        dataplane:
          device: %s
          workers: 1
          mac: 02:00:00:00:00:01
          promiscuous: false
          descriptors: { rx: 256, tx: 256 }
          flowTable: { capacity: 16384 }
          neighbours: { capacity: 32 }
        network:
          addresses: [203.0.113.2]
          gateway: { ipv4: 203.0.113.1 }
          tunnel: { sources: [203.0.113.2] }
          neighbours:
            - { address: 203.0.113.1, mac: "02:00:00:00:00:fe" }
        services:
          - vip: 192.0.2.10
            port: 80
            mode: ipip
            maglevSize: 251
            backends:
              - { address: 10.1.0.1 }
              - { address: 10.1.0.2 }
              - { address: 10.1.0.3 }
        stats:
          file: churn.stats
        """;

    @TempDir
    static Path directory;

    @Test
    void shouldEndAThousandChurnCyclesUnderTrafficWithTheCapacityItStartedWith() throws Exception
    {
        final List<String> pool = new ArrayList<>();
        for (int i = 0; i < POOL; i++)
        {
            pool.add("198.51.100." + (10 + i));
        }
        final Path traffic = directory.resolve("traffic.pcap");
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 256; i++)
        {
            final String client = "198.18.0." + (i % 250 + 1);
            frames.add(padded(ethernet(LB_MAC, "02:00:00:00:00:fe", ETHERTYPE_IPV4, ipv4(client, "192.0.2.10", TCP, 64, 0, 0x4000, i,
                tcp(client, "192.0.2.10", 1024 + i, 80, TCP_SYN, new byte[0])))));
        }
        PcapFile.write(traffic, frames);
        final String device = "net_pcap75,rx_pcap=" + traffic + ",tx_pcap=/dev/null,infinite_rx=1";

        try (LocalTestAddresses addresses = LocalTestAddresses.create("slch0", pool);
            ApiTestDaemon daemon = ApiTestDaemon.start(directory, device, BASE))
        {
            daemon.reset(daemon.plaintext());
            try (HealthSupervisor health = HealthSupervisor.start(daemon.model()))
            {
                final LoadBalancerGrpc.LoadBalancerBlockingStub client = daemon.client();
                final Capacity before = Capacity.of(daemon, health);
                final long rxBefore = daemon.dataplane().counter(WorkerCounter.RX_PACKETS);

                for (int cycle = 0; cycle < CYCLES; cycle++)
                {
                    churn(client, pool, cycle, device);
                }

                awaitReclaimed(daemon);
                assertEquals(before, Capacity.of(daemon, health), "the daemon holds what it held before the churn");
                assertTrue(daemon.dataplane().counter(WorkerCounter.RX_PACKETS) - rxBefore > CYCLES,
                    "traffic kept flowing through the churn");
                assertTrue(daemon.dataplane().counter(WorkerCounter.FORWARDED) > CYCLES, "and was forwarded");
                assertCountersAddUp(daemon);
                assertWholeFreeCapacityUsable(client, pool, before);
            }
        }
    }

    private static void churn(
        final LoadBalancerGrpc.LoadBalancerBlockingStub stub, final List<String> pool, final int cycle, final String device)
    {
        final LoadBalancerGrpc.LoadBalancerBlockingStub client = stub.withDeadlineAfter(30, TimeUnit.SECONDS);
        final ServiceKey key = ServiceKey.newBuilder().setVip("192.0.2." + (100 + cycle % 50)).setPort(8080).build();
        final List<String> backends = new ArrayList<>();
        for (int b = 0; b < BACKENDS; b++)
        {
            backends.add(pool.get((cycle * BACKENDS + b) % POOL));
        }
        final AddServiceRequest.Builder add = AddServiceRequest.newBuilder().setKey(key)
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_DSR).setMaglevSize(251)
                .setHealthCheck(HealthPolicy.newBuilder().setKind(HealthCheckKind.HEALTH_CHECK_KIND_TCP).setPort(9)));
        for (final String backend : backends)
        {
            add.addBackends(BackendConfig.newBuilder().setAddress(backend));
        }
        client.addService(add.build());
        client.setBackendWeight(SetBackendWeightRequest.newBuilder().setKey(key).setAddress(backends.get(0)).setWeight(3).build());
        client.drainBackend(DrainBackendRequest.newBuilder().setKey(key).setAddress(backends.get(1)).build());
        client.removeBackend(RemoveBackendRequest.newBuilder().setKey(key).setAddress(backends.get(2)).build());
        client.addBackend(AddBackendRequest.newBuilder().setKey(key)
            .setBackend(BackendConfig.newBuilder().setAddress(pool.get((cycle * BACKENDS + BACKENDS) % POOL))).build());
        client.setHealthPolicy(SetHealthPolicyRequest.newBuilder().setKey(key)
            .setPolicy(HealthPolicy.newBuilder().setKind(HealthCheckKind.HEALTH_CHECK_KIND_NONE)).build());
        if (cycle % 50 == 49)
        {
            client.applyConfig(ApplyConfigRequest.newBuilder().setYaml(BASE.formatted(device).replace("stats:\n",
                "  - { vip: 192.0.2.99, port: 8080, mode: dsr, maglevSize: 251, backends: [{ address: " +
                pool.get(cycle % POOL) + " }] }\nstats:\n")).build());
            client.applyConfig(ApplyConfigRequest.newBuilder().setYaml(BASE.formatted(device)).build());
        }
        else
        {
            client.removeService(RemoveServiceRequest.newBuilder().setKey(key).build());
        }
    }

    /** Slots retired by the last changes are reclaimed once the worker runs past them (within a second). */
    private static void awaitReclaimed(final ApiTestDaemon daemon) throws InterruptedException
    {
        final NeighbourTable neighbours = daemon.dataplane().neighbours();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (neighbours.retired() > 0 && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(20);
        }
        assertEquals(0, neighbours.retired(), "retired neighbour slots are reclaimed");
    }

    /**
     * rx = forwarded + replied + punted + drops, read from a moment between two duty cycles: the
     * worker publishes all its counters at the end of each, so some read of the bunch is whole.
     */
    private static void assertCountersAddUp(final ApiTestDaemon daemon)
    {
        long rx = 0;
        long accounted = -1;
        for (int attempt = 0; attempt < 100_000 && rx != accounted; attempt++)
        {
            rx = daemon.dataplane().counter(WorkerCounter.RX_PACKETS);
            long drops = 0;
            for (int i = 0; i < DropReason.count(); i++)
            {
                drops += daemon.dataplane().counter(DropReason.of(i));
            }
            accounted = daemon.dataplane().counter(WorkerCounter.FORWARDED) + daemon.dataplane().counter(WorkerCounter.REPLIED) +
                daemon.dataplane().counter(WorkerCounter.PUNTED) + drops;
            if (rx != accounted && daemon.dataplane().counter(WorkerCounter.RX_PACKETS) != rx)
            {
                accounted = -1;
            }
        }
        assertEquals(rx, accounted, "every packet received is forwarded, replied to, punted or dropped with a reason");
    }

    /** Every neighbour slot the base configuration does not use can be taken by one new service. */
    private static void assertWholeFreeCapacityUsable(
        final LoadBalancerGrpc.LoadBalancerBlockingStub stub, final List<String> pool, final Capacity before)
    {
        final LoadBalancerGrpc.LoadBalancerBlockingStub client = stub.withDeadlineAfter(30, TimeUnit.SECONDS);
        final int free = NEIGHBOUR_CAPACITY - before.neighbours();
        final AddServiceRequest.Builder add = AddServiceRequest.newBuilder()
            .setKey(ServiceKey.newBuilder().setVip("192.0.2.200").setPort(80))
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_DSR).setMaglevSize(251));
        for (int b = 0; b < free; b++)
        {
            add.addBackends(BackendConfig.newBuilder().setAddress(pool.get(b)));
        }
        assertEquals(free, client.addService(add.build()).getService().getBackendsCount());
    }

    /**
     * What the daemon holds: neighbour slots, services (each with its Maglev table) and backends with
     * the highest ids given to them (ids are reused, so a leak raises them), label counters in the
     * stats file, health targets.
     */
    private record Capacity(int neighbours, int services, int highestServiceId, int backends, int highestBackendId, int counters,
        int healthTargets)
    {
        static Capacity of(final ApiTestDaemon daemon, final HealthSupervisor health)
        {
            final ServiceSnapshot snapshot = daemon.dataplane().snapshot();
            int backends = 0;
            int highestServiceId = -1;
            int highestBackendId = -1;
            for (int s = 0; s < snapshot.serviceCount(); s++)
            {
                final Service service = snapshot.serviceAt(s);
                highestServiceId = Math.max(highestServiceId, service.id());
                for (int b = 0; b < service.backendCount(); b++)
                {
                    highestBackendId = Math.max(highestBackendId, service.backend(b).id());
                    backends++;
                }
            }
            final int[] counters = {0};
            final CountersReader reader = daemon.stats().countersReader();
            reader.forEach((id, typeId, keyBuffer, label) -> counters[0]++);
            return new Capacity(daemon.dataplane().neighbours().size(), snapshot.serviceCount(), highestServiceId, backends,
                highestBackendId, counters[0], health.checker().statuses().size());
        }
    }
}
