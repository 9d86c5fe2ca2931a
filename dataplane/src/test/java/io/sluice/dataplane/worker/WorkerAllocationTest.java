package io.sluice.dataplane.worker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.pipeline.IcmpResponder;
import io.sluice.dataplane.ring.FrameRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.service.SnapshotPublisher;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dataplane.support.SteadyStateAllocation;
import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.Eal;
import io.sluice.dpdk.Mbuf;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;

import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole worker duty cycle allocates nothing per burst in the steady state: on a net_ring port
 * (a loopback) 64 frames of 64 flows circulate forever, because the DSR backend's MAC is the LB's
 * own, so every forwarded frame comes back as a received one: rx burst, parse, flow-table hit,
 * rewrite, tx burst, expiry slice and counter publication, all measured. The flow table is large
 * enough (36 MiB) for the burst prefetch pass to run too.
 */
@Tag("dpdk")
class WorkerAllocationTest
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final int FRAMES = 64;

    @Test
    void shouldAllocateNothingPerBurstInSteadyState()
    {
        final Eal eal = DpdkTestSupport.eal();
        final NeighbourTable neighbours = new NeighbourTable(8);
        neighbours.setStatic(IpAddress.parse("10.0.0.11"), macLong(LB_MAC));
        final SnapshotPublisher snapshots = new SnapshotPublisher(ServiceSnapshotBuilder.build(
            DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of()),
            List.of(new ServiceSpec(IpAddress.parse("192.0.2.10"), 80, TCP, ForwardingMode.DSR,
                List.of(new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.11"), 1)), 65537,
                TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30))),
            neighbours));

        try (MbufPool pool = DpdkTestSupport.newPool(1023);
            Port port = Port.open("net_ring20", new PortConfig(1, 1, 256, 256, false), pool);
            FlowTable flows = new FlowTable(1 << 19, TimeUnit.SECONDS.toNanos(1));
            Arena arena = Arena.ofConfined())
        {
            final DataplaneCounters counters = new DataplaneCounters();
            final WorkerAgent worker = new WorkerAgent(0, eal, port, 0, pool, macLong(LB_MAC),
                TestPipelines.of(flows, neighbours, counters), snapshots,
                new FrameRing(1 << 16), new WorkerCommandRing(1 << 16), SystemNanoClock.INSTANCE, 32, 4);
            assertTrue(flows.byteSize() >= (32L << 20),
                "the table is large enough for the burst prefetch pass to run, and be measured");
            worker.onStart();
            try
            {
                final MemorySegment pointers = arena.allocate(ValueLayout.JAVA_LONG, FRAMES);
                final Mbuf mbuf = new Mbuf();
                for (int i = 0; i < FRAMES; i++)
                {
                    final long address = pool.alloc();
                    DpdkTestSupport.fill(mbuf.wrap(address), padded(ethernet(LB_MAC, "02:00:00:00:00:fe", ETHERTYPE_IPV4,
                        ipv4("198.51.100." + (i + 1), "192.0.2.10", TCP, 64, 0, 0x4000, i,
                            tcp("198.51.100." + (i + 1), "192.0.2.10", 40000 + i, 80, TCP_ACK, new byte[64])))));
                    pointers.setAtIndex(ValueLayout.JAVA_LONG, i, address);
                }
                assertEquals(FRAMES, port.txBurst(0, pointers, FRAMES));

                runCycles(worker, 200_000);
                final long packetsBefore = counters.get(WorkerCounter.RX_PACKETS);
                SteadyStateAllocation.assertZero("100000 duty cycles", () -> runCycles(worker, 100_000));
                final long packets = counters.get(WorkerCounter.RX_PACKETS) - packetsBefore;

                assertTrue(packets >= 1_000_000, "frames kept circulating: " + packets);
                assertEquals(counters.get(WorkerCounter.RX_PACKETS), counters.get(WorkerCounter.FORWARDED));
                assertEquals(FRAMES, counters.get(WorkerCounter.FLOW_NEW));
            }
            finally
            {
                worker.onClose();
            }
        }
    }

    private static void runCycles(final WorkerAgent worker, final int cycles)
    {
        for (int i = 0; i < cycles; i++)
        {
            worker.doWork();
        }
    }
}
