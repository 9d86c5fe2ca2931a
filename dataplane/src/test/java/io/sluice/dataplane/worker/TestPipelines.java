package io.sluice.dataplane.worker;

import java.lang.foreign.Arena;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.pipeline.FlowTracker;
import io.sluice.dataplane.pipeline.IcmpResponder;
import io.sluice.dataplane.pipeline.PacketPipeline;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.TrafficStats;

/** Pipelines for worker tests, built as the dataplane builds them (no flow events). */
final class TestPipelines
{
    private TestPipelines()
    {
    }

    /** A worker's pipeline over a flow table, with per-service counters in memory of their own. */
    static PacketPipeline of(final FlowTable flows, final NeighbourTable neighbours, final DataplaneCounters counters)
    {
        return of(flows, neighbours, counters, new FlowReplyRing(1 << 16));
    }

    /** As {@link #of(FlowTable, NeighbourTable, DataplaneCounters)}, answering dumps and lookups on the given ring. */
    static PacketPipeline of(
        final FlowTable flows, final NeighbourTable neighbours, final DataplaneCounters counters, final FlowReplyRing replies)
    {
        return new PacketPipeline(new FlowTracker(flows, counters.values(), null, replies), neighbours,
            counters, new IcmpResponder(1000, 100), new TrafficStats(Arena.ofAuto().allocate(TrafficStats.REGION_LENGTH, 64)));
    }
}
