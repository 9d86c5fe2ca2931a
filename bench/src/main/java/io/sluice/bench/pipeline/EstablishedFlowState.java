package io.sluice.bench.pipeline;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import static io.sluice.bench.pipeline.IpipPipelineFixture.BURST_SIZE;
import static io.sluice.bench.pipeline.IpipPipelineFixture.START_NS;
import static io.sluice.bench.pipeline.TcpFrameEncoder.FRAME_STRIDE;

/**
 * The established-flow case: {@link #FLOW_COUNT} distinct flows, established by a first pass
 * through the pipeline in the setup, and every burst carries one packet of each, so every packet is
 * a flow-table hit on a warm table. The clock stays put: no flow nears its idle timeout.
 * <p>
 * Setup checks that every frame is forwarded as an IPIP packet, first as a new flow and then as a
 * hit; tear-down checks that every measured packet was forwarded as a hit.
 */
@State(Scope.Thread)
public class EstablishedFlowState
{
    /** Distinct established flows, one packet of each per burst. */
    public static final int FLOW_COUNT = BURST_SIZE;

    /** Flow table capacity. */
    public static final int FLOW_TABLE_CAPACITY = 1 << 16;

    /** The VIP's TCP idle timeout. */
    public static final long TCP_IDLE_TIMEOUT_NS = 300_000_000_000L;

    /** How long a flow must be idle before an insert may evict it. */
    public static final long MIN_EVICTION_IDLE_NS = 1_000_000_000L;

    private IpipPipelineFixture fixture;
    private long frames;
    private long bursts;

    /** Builds the pipeline and the frames, establishes the flows and checks that every frame is forwarded. */
    @Setup(Level.Trial)
    public void setUp()
    {
        fixture = new IpipPipelineFixture(FLOW_TABLE_CAPACITY, TCP_IDLE_TIMEOUT_NS, MIN_EVICTION_IDLE_NS);
        frames = fixture.allocateFrames(FLOW_COUNT);
        for (int i = 0; i < FLOW_COUNT; i++)
        {
            IpipPipelineFixture.encodeFrame(frames + (long)i * FRAME_STRIDE, i);
        }

        fixture.markCounters();
        runCheckedBurst();
        fixture.requireCountsSinceMark(FLOW_COUNT, IpipPipelineFixture.FlowOutcome.NEW_FLOW);
        fixture.markCounters();
        runCheckedBurst();
        fixture.requireCountsSinceMark(FLOW_COUNT, IpipPipelineFixture.FlowOutcome.FLOW_HIT);
        fixture.markCounters();
        bursts = 0;
    }

    private void runCheckedBurst()
    {
        beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            fixture.requireTunnelled(processPacket(i));
        }
    }

    /** Starts a burst: the worker's duty-cycle step before the packets. */
    public void beginBurst()
    {
        fixture.beginBurst(START_NS);
        for (int i = 0; i < BURST_SIZE; i++)
        {
            fixture.receive(i, frames + (long)i * FRAME_STRIDE);
        }
        fixture.prefetch(BURST_SIZE);
        bursts++;
    }

    /**
     * Receives packet {@code index} of the burst (a copy of its frame) and runs it through the pipeline.
     *
     * @param index 0 to {@link IpipPipelineFixture#BURST_SIZE} - 1.
     * @return the verdict.
     */
    public int processPacket(final int index)
    {
        return fixture.process(index);
    }

    /**
     * Receives packet {@code index} of the burst without processing it: the copy alone.
     *
     * @param index 0 to {@link IpipPipelineFixture#BURST_SIZE} - 1.
     * @return the address of the received frame.
     */
    public long receiveOnly(final int index)
    {
        return fixture.receive(index, frames + (long)index * FRAME_STRIDE);
    }

    /**
     * Checks that every packet since the setup was forwarded as a flow hit, then frees the memory.
     *
     * @throws IllegalStateException when a counter is off.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            fixture.requireCountsSinceMark(bursts * BURST_SIZE, IpipPipelineFixture.FlowOutcome.FLOW_HIT);
        }
        finally
        {
            fixture.close();
        }
    }

    /** @return the pipeline, for tests. */
    public IpipPipelineFixture fixture()
    {
        return fixture;
    }
}
