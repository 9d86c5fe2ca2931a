package io.sluice.bench.pipeline;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;
import static io.sluice.bench.pipeline.PipelineFixture.START_NS;
import static io.sluice.bench.pipeline.TcpFrameEncoder.FRAME_STRIDE;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TCP_OFFSET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link FloorPipeline} does the pipeline's work on the benchmark packets: the same frames through
 * both give the same output bytes, the same flow-table outcomes, the same worker, per-service and
 * per-backend counters and the same active flows per backend. A floor that skipped part of that
 * work would measure lower than it should.
 */
class FloorPipelineTest
{
    private static final MemorySegment MEMORY = PipelineFixture.memory();
    private static final int TCP_FLAGS_AT = TCP_OFFSET + 13;
    private static final int FIN_ACK = 0x11;

    private PipelineFixture fixture;
    private FloorPipeline floor;

    @AfterEach
    void close()
    {
        if (floor != null)
        {
            floor.close();
        }
        if (fixture != null)
        {
            fixture.close();
        }
    }

    /**
     * Flows established, then hit; a third of them then closing (FIN), so both shorten their idle
     * timeout and see them expire 10 s later while the others stay; then, 300 s after the first
     * packet but less than that after the last, only the flows that closed again are new.
     */
    @Test
    void shouldWriteThePipelinesBytesAndShortenClosingFlowsAsThePipelineDoes()
    {
        final long idleNs = EstablishedFlowState.TCP_IDLE_TIMEOUT_NS;
        start(1 << 12, idleNs, EstablishedFlowState.MIN_EVICTION_IDLE_NS);
        final int flows = 8 * BURST_SIZE;
        final long frames = fixture.allocateFrames(flows);
        for (int i = 0; i < flows; i++)
        {
            PipelineFixture.encodeFrame(frames + (long)i * FRAME_STRIDE, i * 7919L);
        }

        runBoth(frames, flows, START_NS);
        assertCounts(flows, 0, flows);
        runBoth(frames, flows, START_NS + 1_000_000_000L);
        assertCounts(2L * flows, flows, flows);

        for (int i = 0; i < flows; i += 3)
        {
            MEMORY.set(ValueLayout.JAVA_BYTE, frames + (long)i * FRAME_STRIDE + TCP_FLAGS_AT, (byte)FIN_ACK);
        }
        runBoth(frames, flows, START_NS + 2_000_000_000L);
        assertCounts(3L * flows, 2L * flows, flows);

        final long closedAt = START_NS + 2_000_000_000L + fixture.snapshot().settings().tcpClosingTimeoutNs() + 1;
        runBoth(frames, flows, closedAt);
        final long closed = (flows + 2) / 3;
        assertCounts(4L * flows, 3L * flows - closed, flows + closed);
        assertTrafficEqual();

        runBoth(frames, flows, START_NS + idleNs + 1_000_000_000L);
        assertCounts(5L * flows, 4L * flows - 2 * closed, flows + 2 * closed);
        assertActiveFlowsEqual();
    }

    @Test
    void shouldInsertEvictAndReuseSlotsAsThePipelineDoes()
    {
        final int capacity = 1 << 12;
        start(capacity, NewFlowState.TCP_IDLE_TIMEOUT_NS, NewFlowState.MIN_EVICTION_IDLE_NS);
        final long template = fixture.allocateFrames(1);
        PipelineFixture.encodeFrame(template, 0);
        final TcpSourceRewriter rewriter = new TcpSourceRewriter(MEMORY, template);
        final long burstFrames = fixture.allocateFrames(BURST_SIZE);
        final long intervalNs = NewFlowState.TCP_IDLE_TIMEOUT_NS / (capacity / 2) * BURST_SIZE;
        long tuple = 0;
        long nowNs = START_NS;
        final int bursts = 4 * capacity / BURST_SIZE;
        for (int burst = 0; burst < bursts; burst++)
        {
            for (int i = 0; i < BURST_SIZE; i++)
            {
                final long frame = burstFrames + (long)i * FRAME_STRIDE;
                MemorySegment.copy(MEMORY, template, MEMORY, frame, FRAME_STRIDE);
                rewriter.rewrite(MEMORY, frame, ClientTuples.address(tuple), ClientTuples.port(tuple));
                tuple++;
            }
            nowNs += intervalNs;
            runBoth(burstFrames, BURST_SIZE, nowNs);
        }

        final long packets = (long)bursts * BURST_SIZE;
        assertCounts(packets, 0, packets);
        assertEquals(capacity, fixture.flowTable().size());
        assertEquals(true, fixture.flowTable().evictions() > 0, "the run must reach full buckets");
        assertActiveFlowsEqual();
        assertTrafficEqual();
    }

    /**
     * The floor takes the benchmark's one packet shape only; the pipeline takes these frames by its
     * general path, or answers or drops them, none of which the floor does.
     */
    @Test
    void shouldRefuseFramesOutsideItsOnePacketShape()
    {
        start(1 << 12, EstablishedFlowState.TCP_IDLE_TIMEOUT_NS, EstablishedFlowState.MIN_EVICTION_IDLE_NS);
        final long frame = fixture.allocateFrames(1);
        final int[][] changes = {
            {TcpFrameEncoder.IPV4_OFFSET + 8, 1},        // TTL 1: the pipeline answers with ICMP
            {TcpFrameEncoder.IPV4_OFFSET, 0x46},         // IP options
            {TcpFrameEncoder.IPV4_OFFSET + 6, 0x20},     // more fragments
            {TcpFrameEncoder.IPV4_OFFSET + 9, 17},       // UDP: not the VIP's protocol
            {TCP_OFFSET + 3, 81},                        // another port
            {TcpFrameEncoder.IP_DST_AT + 3, 0x15},       // another address
            {0, 0x04},                                   // another destination MAC
            {12, 0x86},                                  // another EtherType
            {TCP_OFFSET + 12, 0x40},                     // TCP data offset 16 bytes
            {TcpFrameEncoder.IPV4_OFFSET + 2, 0x01},     // total length 256 + 40: longer than the frame
        };
        for (final int[] change : changes)
        {
            PipelineFixture.encodeFrame(frame, 0);
            MEMORY.set(ValueLayout.JAVA_BYTE, frame + change[0], (byte)change[1]);
            floor.begin(START_NS);
            floor.receive(0, frame);
            assertEquals(0, floor.process(0), "byte " + change[0] + " = " + change[1]);
        }
        assertEquals(changes.length, floor.counter(FloorPipeline.NOT_FORWARDED));
        assertEquals(0, floor.counter(FloorPipeline.FORWARDED));
    }

    @Test
    void shouldPassTheBenchmarkStatesOwnChecks()
    {
        final IpipFloorBenchmark.Established established = new IpipFloorBenchmark.Established();
        established.setUp();
        for (int i = 0; i < 100; i++)
        {
            established.burst(null);
        }
        assertDoesNotThrow(established::tearDown);

        final IpipFloorBenchmark.NewFlows newFlows = new IpipFloorBenchmark.NewFlows();
        newFlows.setUp();
        for (int i = 0; i < 100; i++)
        {
            newFlows.burst(null);
        }
        assertDoesNotThrow(newFlows::tearDown);
    }

    private void start(final int capacity, final long idleTimeoutNs, final long minEvictionIdleNs)
    {
        fixture = new PipelineFixture(capacity, idleTimeoutNs, minEvictionIdleNs);
        floor = new FloorPipeline(fixture.snapshot(), capacity, minEvictionIdleNs);
        fixture.markCounters();
    }

    /** Runs frames through the pipeline and the floor, a burst at a time, comparing every output frame. */
    private void runBoth(final long frames, final int count, final long nowNs)
    {
        for (int first = 0; first < count; first += BURST_SIZE)
        {
            final int n = Math.min(BURST_SIZE, count - first);
            fixture.beginBurst(nowNs);
            floor.begin(nowNs);
            for (int i = 0; i < n; i++)
            {
                fixture.receive(i, frames + (long)(first + i) * FRAME_STRIDE);
                floor.receive(i, frames + (long)(first + i) * FRAME_STRIDE);
            }
            fixture.prefetch(n);
            for (int i = 0; i < n; i++)
            {
                assertEquals(Verdict.FORWARD, fixture.process(i));
                assertEquals(1, floor.process(i));
                assertArrayEquals(bytes(fixture.frameAddress(), fixture.frameLength()),
                    bytes(floor.frameAddress(i), floor.frameLength(i)), "frame " + (first + i));
            }
        }
    }

    private void assertCounts(final long packets, final long hits, final long newFlows)
    {
        assertEquals(packets, fixture.sinceMark(WorkerCounter.FORWARDED));
        assertEquals(hits, fixture.sinceMark(WorkerCounter.FLOW_HITS));
        assertEquals(newFlows, fixture.sinceMark(WorkerCounter.FLOW_NEW));
        assertEquals(packets, floor.counter(FloorPipeline.FORWARDED));
        assertEquals(hits, floor.counter(FloorPipeline.FLOW_HITS));
        assertEquals(newFlows, floor.counter(FloorPipeline.FLOW_NEW));
    }

    private void assertTrafficEqual()
    {
        assertEquals(fixture.sinceMark(WorkerCounter.RX_BYTES), floor.counter(FloorPipeline.RX_BYTES));
        final Service service = fixture.snapshot().serviceAt(0);
        for (final int stat : new int[] {TrafficStats.PACKETS, TrafficStats.BYTES, TrafficStats.NEW_FLOWS})
        {
            assertEquals(fixture.serviceStat(stat), floor.serviceStat(stat), "service stat " + stat);
            for (int i = 0; i < service.backendCount(); i++)
            {
                assertEquals(fixture.backendStat(service.backend(i).id(), stat), floor.backendStat(i, stat),
                    "backend " + i + " stat " + stat);
            }
        }
        assertEquals(fixture.sinceMark(WorkerCounter.FORWARDED), floor.serviceStat(TrafficStats.PACKETS));
    }

    private void assertActiveFlowsEqual()
    {
        final Service service = fixture.snapshot().serviceAt(0);
        long total = 0;
        for (int i = 0; i < service.backendCount(); i++)
        {
            final int pipelineFlows = fixture.flowTable().flowsOf(service.backend(i).id());
            assertEquals(pipelineFlows, floor.activeFlows(i), "backend " + i);
            total += pipelineFlows;
        }
        assertEquals(fixture.flowTable().size(), total);
    }

    private static byte[] bytes(final long address, final int length)
    {
        return MEMORY.asSlice(address, length).toArray(ValueLayout.JAVA_BYTE);
    }
}
