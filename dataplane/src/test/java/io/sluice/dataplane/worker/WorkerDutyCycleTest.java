package io.sluice.dataplane.worker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.CachedNanoClock;
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
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.WorkerCounter;
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
 * The worker's duty-cycle counters on a net_ring port, stepped by hand under a clock the test
 * sets: one cycle receives frames (they are for another MAC, so they are dropped and nothing
 * comes back), the others are idle. A cycle lasts until the next one starts, so every figure
 * below follows from the clock readings alone.
 */
@Tag("dpdk")
class WorkerDutyCycleTest
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final int FRAMES = 4;
    private static final long BUSY_CYCLE_NS = 600_000_000L;

    @Test
    void shouldCountBusyTimeAndPublishEachPeriodsLongestCycleWhenSteppedUnderAManualClock()
    {
        final Eal eal = DpdkTestSupport.eal();
        final NeighbourTable neighbours = new NeighbourTable(8);
        final SnapshotPublisher snapshots = snapshots(neighbours);
        final CachedNanoClock clock = new CachedNanoClock();
        try (MbufPool pool = DpdkTestSupport.newPool(1023);
            Port port = Port.open("net_ring27", new PortConfig(1, 1, 256, 256, false), pool);
            FlowTable flows = new FlowTable(1 << 10, TimeUnit.SECONDS.toNanos(1));
            StatsFile stats = StatsFile.inMemory(1);
            Arena arena = Arena.ofConfined())
        {
            final DataplaneCounters counters = new DataplaneCounters(stats.countersManager(), 0);
            final WorkerAgent worker = new WorkerAgent(0, eal, port, 0, pool, macLong(LB_MAC),
                TestPipelines.of(flows, neighbours, counters), snapshots,
                new FrameRing(1 << 16), new WorkerCommandRing(1 << 16), clock, 32, 4);
            worker.onStart();
            try
            {
                stepAt(worker, clock, 1_000);
                sendFramesForAnotherMac(port, pool, arena);
                stepAt(worker, clock, 2_000);
                assertEquals(0, counters.readPublished(WorkerCounter.RX_PACKETS),
                    "counted, not published: less than PUBLISH_INTERVAL_NS since the start");
                assertEquals(FRAMES, counters.get(WorkerCounter.RX_PACKETS));
                stepAt(worker, clock, 2_000 + BUSY_CYCLE_NS);
                stepAt(worker, clock, 1_000 + WorkerAgent.DUTY_PERIOD_NS);

                assertEquals(FRAMES, counters.readPublished(WorkerCounter.RX_PACKETS));
                assertEquals(FRAMES, counters.readPublished(DropReason.NOT_FOR_US));
                assertEquals(4, counters.readPublished(WorkerCounter.DUTY_CYCLES));
                assertEquals(1, counters.readPublished(WorkerCounter.WORK_CYCLES), "only the cycle that received");
                assertEquals(BUSY_CYCLE_NS, counters.readPublished(WorkerCounter.BUSY_NS), "from its start to the next start");
                assertEquals(BUSY_CYCLE_NS, counters.readPublished(WorkerCounter.MAX_CYCLE_NS));
                assertEquals(600_000, counters.readPublished(WorkerCounter.BUSY_PPM), "0.6 s busy of a 1 s period");

                stepAt(worker, clock, 1_000_001_500);
                stepAt(worker, clock, 2_000_001_000);

                assertEquals(6, counters.readPublished(WorkerCounter.DUTY_CYCLES));
                assertEquals(1, counters.readPublished(WorkerCounter.WORK_CYCLES));
                assertEquals(BUSY_CYCLE_NS, counters.readPublished(WorkerCounter.BUSY_NS), "idle cycles add no busy time");
                assertEquals(999_999_500, counters.readPublished(WorkerCounter.MAX_CYCLE_NS), "the second period's own longest");
                assertEquals(0, counters.readPublished(WorkerCounter.BUSY_PPM), "an idle period");
            }
            finally
            {
                worker.onClose();
                counters.close();
            }
        }
    }

    /**
     * The expiry sweep is paced by time, not by cycle: a table of 128 buckets in slices of 4 is swept
     * one slice every 31.25 ms, so flows that have all expired leave it in proportion to the time passed
     * (about half of them after half a second, whatever the number of cycles run), and all within one
     * second. A slice per cycle, as before, would have swept the table 31 times in the first 1,000
     * cycles below.
     */
    @Test
    void shouldSweepTheWholeTableOncePerSecondWhateverTheNumberOfCycles()
    {
        final Eal eal = DpdkTestSupport.eal();
        final NeighbourTable neighbours = new NeighbourTable(8);
        final SnapshotPublisher snapshots = snapshots(neighbours);
        final CachedNanoClock clock = new CachedNanoClock();
        final int flowCount = 512;
        try (MbufPool pool = DpdkTestSupport.newPool(1023);
            Port port = Port.open("net_ring28", new PortConfig(1, 1, 256, 256, false), pool);
            FlowTable flows = new FlowTable(1 << 10, TimeUnit.SECONDS.toNanos(1));
            StatsFile stats = StatsFile.inMemory(1))
        {
            final DataplaneCounters counters = new DataplaneCounters(stats.countersManager(), 0);
            final WorkerAgent worker = new WorkerAgent(0, eal, port, 0, pool, macLong(LB_MAC),
                TestPipelines.of(flows, neighbours, counters), snapshots,
                new FrameRing(1 << 16), new WorkerCommandRing(1 << 16), clock, 32, 4);
            final io.sluice.dataplane.flow.FlowKey key = new io.sluice.dataplane.flow.FlowKey();
            for (int i = 0; i < 2 * flowCount && flows.size() < flowCount; i++)
            {
                key.setIpv4(0xC6336400 + i, 0xC000020A, 30000 + i, 80, TCP);
                flows.insert(key, key.hash(), 0, TimeUnit.MILLISECONDS.toNanos(1), 0);
            }
            assertEquals(flowCount, flows.size(), "a table half full (an insert into a full bucket fails)");
            worker.onStart();
            try
            {
                final long startNs = TimeUnit.MILLISECONDS.toNanos(10);
                for (int cycle = 0; cycle < 1_000; cycle++)
                {
                    stepAt(worker, clock, startNs + cycle * 1_000L);
                }
                final long afterThousandCycles = flowCount - flows.size();
                assertTrue(afterThousandCycles <= flowCount / 16,
                    "1,000 cycles in 1 ms sweep at most one slice of 4 of 128 buckets (and a catch-up of none): " +
                    afterThousandCycles + " flows freed");

                for (long at = startNs + TimeUnit.MILLISECONDS.toNanos(2); at <= startNs + TimeUnit.MILLISECONDS.toNanos(500); at +=
                    TimeUnit.MILLISECONDS.toNanos(1))
                {
                    stepAt(worker, clock, at);
                }
                final long afterHalf = flowCount - flows.size();
                assertTrue(afterHalf > flowCount * 35 / 100 && afterHalf < flowCount * 65 / 100,
                    "about half the buckets swept after half a second: " + afterHalf + " of " + flowCount);

                for (long at = startNs + TimeUnit.MILLISECONDS.toNanos(501); at <= startNs + ExpiryPacer.SWEEP_PERIOD_NS; at +=
                    TimeUnit.MILLISECONDS.toNanos(1))
                {
                    stepAt(worker, clock, at);
                }
                assertEquals(0, flows.size(), "every bucket swept within one period");
                stepAt(worker, clock, startNs + ExpiryPacer.SWEEP_PERIOD_NS + WorkerAgent.PUBLISH_INTERVAL_NS);
                assertEquals(flowCount, counters.readPublished(WorkerCounter.FLOW_EXPIRED));
                assertEquals(0, counters.readPublished(WorkerCounter.FLOW_ACTIVE));
            }
            finally
            {
                worker.onClose();
                counters.close();
            }
        }
    }

    private static SnapshotPublisher snapshots(final NeighbourTable neighbours)
    {
        return new SnapshotPublisher(ServiceSnapshotBuilder.build(
            DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of()),
            List.of(ServiceSpec.of(IpAddress.parse("192.0.2.10"), 80, TCP, ForwardingMode.DSR,
                List.of(new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.11"), 1)))), neighbours));
    }

    private static void stepAt(final WorkerAgent worker, final CachedNanoClock clock, final long nowNs)
    {
        clock.update(nowNs);
        worker.doWork();
    }

    private static void sendFramesForAnotherMac(final Port port, final MbufPool pool, final Arena arena)
    {
        final MemorySegment pointers = arena.allocate(ValueLayout.JAVA_LONG, FRAMES);
        final Mbuf mbuf = new Mbuf();
        for (int i = 0; i < FRAMES; i++)
        {
            final long address = pool.alloc();
            DpdkTestSupport.fill(mbuf.wrap(address), padded(ethernet("02:00:00:00:00:99", "02:00:00:00:00:fe", ETHERTYPE_IPV4,
                new byte[46])));
            pointers.setAtIndex(ValueLayout.JAVA_LONG, i, address);
        }
        assertEquals(FRAMES, port.txBurst(0, pointers, FRAMES));
    }
}
