package io.sluice.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.dataplane.pipeline.Frames.concat;
import static io.sluice.dataplane.pipeline.Frames.ethernet;
import static io.sluice.dataplane.pipeline.Frames.ethernetVlan;
import static io.sluice.dataplane.pipeline.Frames.ipv4;
import static io.sluice.dataplane.pipeline.Frames.ipv6;
import static io.sluice.dataplane.pipeline.Frames.tcp;
import static io.sluice.dataplane.pipeline.Frames.udp;
import static io.sluice.dataplane.pipeline.PipelineHarness.CLIENT;
import static io.sluice.dataplane.pipeline.PipelineHarness.CLIENT6;
import static io.sluice.dataplane.pipeline.PipelineHarness.CLIENT_MAC;
import static io.sluice.dataplane.pipeline.PipelineHarness.LB_MAC;
import static io.sluice.dataplane.pipeline.PipelineHarness.VIP6_IPIP;
import static io.sluice.dataplane.pipeline.PipelineHarness.VIP_GUE;
import static io.sluice.dataplane.pipeline.PipelineHarness.VIP_IPIP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The burst prefetch pass: its hint for a frame is the very hash the pipeline then computes for the
 * frame's flow, and frames of another shape (tagged, fragmented, truncated, not TCP/UDP) get none,
 * without reading past the frame. The pass runs with a flow table of {@code
 * BurstHints.PREFETCH_MIN_TABLE_BYTES} or more; with a smaller one it leaves no hint.
 */
final class PrefetchHintTest
{
    private static final int ETHER_IPV4 = 0x0800;
    private static final int ETHER_IPV6 = 0x86DD;

    @Test
    void shouldHintThePipelinesFlowHashWhenFrameIsIpv4Tcp()
    {
        assertHintMatchesPipeline(ipipTcpFrame(40000));
    }

    @Test
    void shouldHintThePipelinesFlowHashWhenFrameIsIpv4Udp()
    {
        assertHintMatchesPipeline(ethernet(LB_MAC, CLIENT_MAC, ETHER_IPV4,
            ipv4(CLIENT, VIP_GUE, 17, 64, 0, 0, 1, udp(CLIENT, VIP_GUE, 40001, 53, new byte[] {1, 2, 3}))));
    }

    @Test
    void shouldHintThePipelinesFlowHashWhenFrameIsIpv6Tcp()
    {
        assertHintMatchesPipeline(ethernet(LB_MAC, CLIENT_MAC, ETHER_IPV6,
            ipv6(CLIENT6, VIP6_IPIP, 6, 64, 0, 0, tcp(CLIENT6, VIP6_IPIP, 40001, 80, Frames.TCP_ACK, new byte[0]))));
    }

    @Test
    void shouldGiveNoHintWhenFrameIsNotOfTheCommonShape()
    {
        final byte[] segment = tcp(CLIENT, VIP_IPIP, 40000, 80, Frames.TCP_ACK, new byte[0]);
        final byte[] tagged = ethernetVlan(LB_MAC, CLIENT_MAC, 7, ETHER_IPV4, ipv4(CLIENT, VIP_IPIP, 6, 64, 0, 0, 1, segment));
        final byte[] fragment = ethernet(LB_MAC, CLIENT_MAC, ETHER_IPV4, ipv4(CLIENT, VIP_IPIP, 6, 64, 0, 0x2000, 1, segment));
        final byte[] icmp = ethernet(LB_MAC, CLIENT_MAC, ETHER_IPV4, ipv4(CLIENT, VIP_IPIP, 1, 64, 0, 0, 1, segment));
        final byte[] whole = ethernet(LB_MAC, CLIENT_MAC, ETHER_IPV4, ipv4(CLIENT, VIP_IPIP, 6, 64, 0, 0, 1, segment));
        final byte[] truncated = java.util.Arrays.copyOf(whole, 14 + 20 + 3);

        try (PipelineHarness harness = largeTableHarness(); Arena arena = Arena.ofConfined())
        {
            final BurstHints hints = new BurstHints(harness.flows());
            final byte[][] frames = {tagged, fragment, icmp, truncated};
            for (int i = 0; i < frames.length; i++)
            {
                hints.onFrame(i, copy(arena, frames[i]), frames[i].length);
                assertEquals(0, hints.hint(i), "frame " + i);
            }
            hints.onFrame(4, copy(arena, whole), whole.length);
            assertNotEquals(0, hints.hint(4));
        }
    }

    @Test
    void shouldPrefetchTheSlotOfAnEstablishedFlowWithoutChangingIt()
    {
        final byte[] frame = ipipTcpFrame(40002);
        try (PipelineHarness harness = largeTableHarness(); Arena arena = Arena.ofConfined())
        {
            assertEquals(Verdict.FORWARD, harness.run(frame).verdict());
            final FlowKey key = lastKey(harness);
            final long hash = key.hash();
            final FlowTable flows = harness.flows();
            final int handle = flows.find(key, hash, harness.nowNs());
            assertEquals(0, handle % FlowTable.SLOTS_PER_BUCKET, "the first flow of an empty bucket takes way 0");
            final long flowLine = (long)(handle / FlowTable.SLOTS_PER_BUCKET) * FlowTable.BUCKET_LENGTH + FlowTable.HEADER_LENGTH;
            assertEquals(flowLine, flows.slotLine(hash, harness.nowNs()), "an established flow: its own slot");
            final long otherFlow = hash ^ 0xFFFF_FFFF_0000_0000L;
            assertEquals(flowLine + FlowTable.SLOT_LENGTH, flows.slotLine(otherFlow, harness.nowNs()),
                "a new flow of the same bucket: the free way an insert will claim");
            assertEquals(key.srcHi(), flows.touchLine(flowLine));
            assertThrows(IndexOutOfBoundsException.class, () -> flows.touchLine(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> flows.touchLine(flows.byteSize() - 7));

            final BurstHints hints = new BurstHints(flows);
            hints.onFrame(0, copy(arena, frame), frame.length);
            hints.prefetchFlowSlots(1, harness.nowNs());
            assertEquals(hash, hints.hint(0));
            assertEquals(1, harness.flows().size());
            assertEquals(Verdict.FORWARD, harness.run(frame).verdict());
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_HITS));
            harness.assertCountersAddUp();
        }
    }

    @Test
    void shouldRefuseAHintIndexOutsideTheBurstWithoutCountingThePacket()
    {
        final byte[] frame = ipipTcpFrame(40003);
        try (PipelineHarness harness = new PipelineHarness(); Arena arena = Arena.ofConfined())
        {
            final PacketPipeline processor = harness.pipeline();
            final long address = copy(arena, frame);
            assertThrows(IndexOutOfBoundsException.class, () -> processor.prefetchFlow(-1, address, frame.length));
            assertThrows(IndexOutOfBoundsException.class,
                () -> processor.prefetchFlow(PacketPipeline.MAX_BURST, address, frame.length));
            final PacketBuffer packet = new PacketBuffer().wrap(MemorySegment.NULL.reinterpret(Long.MAX_VALUE),
                address, frame.length, 0, frame.length);
            assertThrows(IndexOutOfBoundsException.class, () -> processor.process(packet, -2));
            assertThrows(IndexOutOfBoundsException.class, () -> processor.process(packet, PacketPipeline.MAX_BURST));
            assertEquals(0, harness.counters().get(WorkerCounter.RX_PACKETS));
            assertEquals(0, harness.flows().size());
        }
    }

    private static void assertHintMatchesPipeline(final byte[] frame)
    {
        try (PipelineHarness harness = largeTableHarness(); Arena arena = Arena.ofConfined())
        {
            final BurstHints hints = new BurstHints(harness.flows());
            hints.onFrame(3, copy(arena, concat(frame)), frame.length);
            assertEquals(Verdict.FORWARD, harness.run(frame).verdict());
            assertEquals(lastKey(harness).hash(), hints.hint(3));
            assertNotEquals(0, hints.hint(3));
        }
    }

    @Test
    void shouldForwardTheSameBytesAndFlowWhenProcessingTakesTheHint()
    {
        final byte[] frame = ipipTcpFrame(40005);
        try (PipelineHarness hinted = largeTableHarness(); PipelineHarness plain = largeTableHarness();
            Arena arena = Arena.ofConfined())
        {
            hinted.pipeline().prefetchFlow(5, copy(arena, frame), frame.length);
            hinted.pipeline().prefetchFlowSlots(6);
            final PipelineHarness.Result withHint = hinted.run(frame, 5);
            final PipelineHarness.Result withoutHint = plain.run(frame);
            assertEquals(Verdict.FORWARD, withHint.verdict());
            assertArrayEquals(withoutHint.output(), withHint.output());
            assertFlowUnderItsOwnHash(hinted, lastKey(hinted));
            assertEquals(1, hinted.counters().get(WorkerCounter.FLOW_NEW));
            hinted.assertCountersAddUp();
        }
    }

    @Test
    void shouldComputeTheHashWhenTheHintAtTheIndexIsOfAnotherFlow()
    {
        final byte[] frame = ipipTcpFrame(40006);
        final byte[] other = ipipTcpFrame(40007);
        try (PipelineHarness hinted = largeTableHarness(); PipelineHarness plain = largeTableHarness();
            Arena arena = Arena.ofConfined())
        {
            final long otherAddress = copy(arena, other);
            hinted.pipeline().prefetchFlow(2, otherAddress, other.length);
            final BurstHints hints = new BurstHints(hinted.flows());
            hints.onFrame(2, otherAddress, other.length);
            final long otherHash = hints.hint(2);
            final PipelineHarness.Result result = hinted.run(frame, 2);
            final FlowKey key = lastKey(hinted);
            assertNotEquals(otherHash, key.hash());
            assertArrayEquals(plain.run(frame).output(), result.output());
            assertFlowUnderItsOwnHash(hinted, key);
        }
    }

    /** The flow is in the table under its own hash, where lookups will find it. */
    private static void assertFlowUnderItsOwnHash(final PipelineHarness harness, final FlowKey key)
    {
        assertNotEquals(FlowTable.MISS, harness.flows().find(key, key.hash(), harness.nowNs()));
    }

    @Test
    void shouldLeaveNoHintWhenTableIsSmall()
    {
        final byte[] frame = ipipTcpFrame(40004);
        try (PipelineHarness small = new PipelineHarness(); PipelineHarness large = largeTableHarness();
            Arena arena = Arena.ofConfined())
        {
            assertFalse(small.pipeline().burstPrefetch());
            assertTrue(large.pipeline().burstPrefetch());
            final long address = copy(arena, frame);
            final BurstHints smallHints = new BurstHints(small.flows());
            final BurstHints largeHints = new BurstHints(large.flows());
            smallHints.onFrame(0, address, frame.length);
            largeHints.onFrame(0, address, frame.length);
            assertEquals(0, smallHints.hint(0), "no hashing ahead: nothing would use it early");
            assertNotEquals(0, largeHints.hint(0));

            final PipelineHarness.Result fromSmall = small.run(frame);
            final PipelineHarness.Result fromLarge = large.run(frame);
            assertEquals(Verdict.FORWARD, fromSmall.verdict());
            assertArrayEquals(fromLarge.output(), fromSmall.output());
            assertEquals(largeHints.hint(0), lastKey(small).hash());
        }
    }

    /** The flow key of the last flow the harness's pipeline started, as its flow-event ring tells. */
    private static FlowKey lastKey(final PipelineHarness harness)
    {
        final FlowKey key = new FlowKey();
        harness.events().drain((type, record) -> key.set(record.key()), Integer.MAX_VALUE);
        if (key.protocol() == 0)
        {
            throw new AssertionError("no flow started since the last look");
        }
        return key;
    }

    /** A harness whose flow table is large enough for the burst passes to run. */
    private static PipelineHarness largeTableHarness()
    {
        final PipelineHarness harness = new PipelineHarness(java.util.List.of(), PipelineHarness.PREFETCH_FLOW_CAPACITY);
        if (harness.flows().byteSize() < BurstHints.PREFETCH_MIN_TABLE_BYTES)
        {
            harness.close();
            throw new AssertionError("the harness's table is too small for the burst passes");
        }
        return harness;
    }

    /** An IPv4 TCP ACK from the client's given port to the IPIP VIP's port 80, DF set. */
    private static byte[] ipipTcpFrame(final int clientPort)
    {
        return ethernet(LB_MAC, CLIENT_MAC, ETHER_IPV4,
            ipv4(CLIENT, VIP_IPIP, 6, 64, 0, 0x4000, 1, tcp(CLIENT, VIP_IPIP, clientPort, 80, Frames.TCP_ACK, new byte[0])));
    }

    private static long copy(final Arena arena, final byte[] frame)
    {
        final MemorySegment segment = arena.allocate(frame.length);
        segment.copyFrom(MemorySegment.ofArray(frame));
        return segment.address();
    }
}
