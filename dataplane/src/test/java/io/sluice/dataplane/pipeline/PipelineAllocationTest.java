package io.sluice.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.support.SteadyStateAllocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steady state of the pipeline allocates nothing: every fixture kind (DSR, IPIP, GUE, NAT, ARP,
 * ND, ICMP, too big, fragments, drops) runs many times after warm-up with the thread's allocated-bytes counter
 * unchanged (see {@link SteadyStateAllocation} for what steady state means). Every other packet
 * goes through the burst passes first and is processed with its hint: the flow table is large
 * enough for the passes to run.
 */
class PipelineAllocationTest
{
    private static final int WARM_UP_ROUNDS = 30_000;
    private static final int MEASURED_ROUNDS = 30_000;

    @Test
    void shouldAllocateNothingPerPacketInSteadyState()
    {
        final List<PacketFixture> fixtures = new ArrayList<>(PacketFixtureTest.fixtures());
        fixtures.addAll(FragmentFixtures.fixtures());
        try (PipelineHarness harness = FragmentFixtures.knowBackends(
            new PipelineHarness(FragmentFixtures.services(), PipelineHarness.PREFETCH_FLOW_CAPACITY));
            Arena arena = Arena.ofConfined())
        {
            assertTrue(harness.pipeline().burstPrefetch(), "the burst passes run, and are measured");
            final List<MemorySegment> templates = new ArrayList<>();
            for (final PacketFixture fixture : fixtures)
            {
                final MemorySegment template = arena.allocate(Math.max(1, fixture.input().length));
                MemorySegment.copy(fixture.input(), 0, template, ValueLayout.JAVA_BYTE, 0, fixture.input().length);
                templates.add(template);
            }
            final MemorySegment[] frames = templates.toArray(new MemorySegment[0]);
            final int[] lengths = fixtures.stream().mapToInt(f -> f.input().length).toArray();
            final MemorySegment buffer = arena.allocate(PipelineHarness.BUFFER_LENGTH, 64);
            final PacketBuffer packet = new PacketBuffer();
            final PacketPipeline processor = harness.pipeline();
            final long mac = Frames.macLong(PipelineHarness.LB_MAC);

            run(processor, harness, frames, lengths, buffer, packet, mac, WARM_UP_ROUNDS);
            final long[] verdicts = new long[1];
            SteadyStateAllocation.assertZero(MEASURED_ROUNDS * frames.length + " packets of every fixture kind",
                () -> verdicts[0] += run(processor, harness, frames, lengths, buffer, packet, mac, MEASURED_ROUNDS));

            assertEquals(0, verdicts[0] % ((long)MEASURED_ROUNDS * frames.length), "every packet got a verdict");
        }
    }

    private static final FlowEventRing.FlowEventHandler EVENT_SINK = (type, record) ->
    {
    };

    private static long run(
        final PacketPipeline processor, final PipelineHarness harness, final MemorySegment[] frames, final int[] lengths,
        final MemorySegment buffer, final PacketBuffer packet, final long mac, final int rounds)
    {
        long verdicts = 0;
        long events = 0;
        long nowNs = harness.nowNs();
        for (int round = 0; round < rounds; round++)
        {
            nowNs += 1_000_000;
            processor.begin(harness.snapshot(), mac, nowNs);
            for (int i = 0; i < frames.length; i++)
            {
                MemorySegment.copy(frames[i], 0, buffer, PipelineHarness.HEADROOM, lengths[i]);
                packet.wrap(buffer, 0, PipelineHarness.BUFFER_LENGTH, PipelineHarness.HEADROOM, lengths[i]);
                final int verdict;
                if ((i & 1) == 0)
                {
                    verdict = processor.process(packet);
                }
                else
                {
                    processor.prefetchFlow(0, packet.dataAddress(), lengths[i]);
                    processor.prefetchFlowSlots(1);
                    verdict = processor.process(packet, 0);
                }
                processor.settle(verdict);
                verdicts += verdict != 0 ? 1 : 0;
            }
            processor.expireFlows(4);
            events += harness.events().drain(EVENT_SINK, Integer.MAX_VALUE);
        }
        return verdicts + (events >= 0 ? 0 : 1);
    }
}
