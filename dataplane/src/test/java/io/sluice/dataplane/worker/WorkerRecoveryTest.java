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
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.Eal;
import io.sluice.dpdk.Mbuf;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;

import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * When the pipeline throws in the middle of a burst (here: its flow table's memory is gone), the
 * worker frees the packet in flight and the rest of the burst, counts them as internal errors so
 * the counters still add up, and lets the exception reach the agent runner: no mbuf leaks.
 */
@Tag("dpdk")
class WorkerRecoveryTest
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final int FRAMES = 16;

    @Test
    void shouldFreeTheWholeBurstAndCountItWhenThePipelineThrows()
    {
        final Eal eal = DpdkTestSupport.eal();
        final NeighbourTable neighbours = new NeighbourTable(8);
        final DataplaneSettings settings = DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of())
            .withStaticNeighbours(List.of(new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.11"), 0x0200_0000_0111L)));
        final SnapshotPublisher snapshots = new SnapshotPublisher(ServiceSnapshotBuilder.build(settings,
            List.of(ServiceSpec.of(IpAddress.parse("192.0.2.10"), 80, TCP, ForwardingMode.DSR,
                List.of(new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.11"), 1)))), neighbours));
        try (MbufPool pool = DpdkTestSupport.newPool(1023);
            Port port = Port.open("net_ring21", new PortConfig(1, 1, 256, 256, false), pool);
            Arena arena = Arena.ofConfined())
        {
            final FlowTable flows = new FlowTable(1 << 10, TimeUnit.SECONDS.toNanos(1));
            final DataplaneCounters counters = new DataplaneCounters();
            final WorkerAgent worker = new WorkerAgent(0, eal, port, 0, pool, macLong(LB_MAC),
                TestPipelines.of(flows, neighbours, counters), snapshots,
                new FrameRing(1 << 16), new WorkerCommandRing(1 << 16), SystemNanoClock.INSTANCE, 32, 4);
            worker.onStart();
            try
            {
                final int inUseBefore = pool.inUseCount();
                final MemorySegment pointers = arena.allocate(ValueLayout.JAVA_LONG, FRAMES);
                final Mbuf mbuf = new Mbuf();
                for (int i = 0; i < FRAMES; i++)
                {
                    final long address = pool.alloc();
                    final byte[] frame = i < 2 ?
                        padded(ethernet("02:00:00:00:00:99", "02:00:00:00:00:fe", ETHERTYPE_IPV4, new byte[46])) :
                        padded(ethernet(LB_MAC, "02:00:00:00:00:fe", ETHERTYPE_IPV4, ipv4("198.51.100." + i, "192.0.2.10", TCP, 64, 0, 0, i,
                            tcp("198.51.100." + i, "192.0.2.10", 40000, 80, TCP_SYN, new byte[0]))));
                    DpdkTestSupport.fill(mbuf.wrap(address), frame);
                    pointers.setAtIndex(ValueLayout.JAVA_LONG, i, address);
                }
                assertEquals(FRAMES, port.txBurst(0, pointers, FRAMES));
                flows.close();

                assertThrows(IllegalStateException.class, worker::doWork);

                assertEquals(inUseBefore, pool.inUseCount(), "every mbuf of the burst went back to the pool");
                assertEquals(FRAMES, counters.get(WorkerCounter.RX_PACKETS));
                assertEquals(2, counters.get(DropReason.NOT_FOR_US), "frames before the failure got their verdicts");
                assertEquals(FRAMES - 2, counters.get(DropReason.INTERNAL_ERROR), "the failing frame and the rest of the burst");
                assertEquals(counters.get(WorkerCounter.RX_PACKETS), counters.get(WorkerCounter.FORWARDED) +
                    counters.get(WorkerCounter.REPLIED) + counters.get(WorkerCounter.PUNTED) + counters.dropsByReason());
            }
            finally
            {
                worker.onClose();
            }
        }
    }
}
