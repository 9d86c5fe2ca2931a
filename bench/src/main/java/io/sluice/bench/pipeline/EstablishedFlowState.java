package io.sluice.bench.pipeline;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.sluice.dataplane.nat.PortPool;
import io.sluice.dataplane.service.ForwardingMode;

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;
import static io.sluice.bench.pipeline.PipelineFixture.START_NS;
import static io.sluice.bench.pipeline.TcpFrameEncoder.FRAME_STRIDE;

/**
 * The established-flow case: {@link #FLOW_COUNT} distinct flows, established by a first pass
 * through the pipeline in the setup, and every burst carries one packet of each, so every packet is
 * a flow-table hit on a warm table. The clock stays put: no flow nears its idle timeout.
 * <p>
 * With replies (NAT and full NAT only), every burst carries instead the backends' replies to those
 * flows, written from the packets the first pass forwarded: for NAT from the backend to the client,
 * which the LB finds by the backend's address and port (no flow-table lookup); for full NAT from the
 * backend to the flow's NAT address and port, which the LB finds in the flow's reverse entry. Each is
 * translated back to come from the VIP.
 * <p>
 * Setup checks that every frame is forwarded as the mode's packet, first as a new flow and then as
 * a hit (or as a reply); tear-down checks that every measured packet was forwarded as a hit (or a
 * reply). The VIP's mode is IPIP unless a constructor or a subclass ({@link #mode()}) says otherwise.
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

    private final ForwardingMode fixedMode;
    private final boolean replies;
    private PipelineFixture fixture;
    private long frames;
    private long bursts;

    /** The case in IPIP mode. */
    public EstablishedFlowState()
    {
        this(ForwardingMode.IPIP, false);
    }

    /**
     * The case in a mode.
     *
     * @param mode    IPIP, NAT or FULLNAT.
     * @param replies whether the bursts carry the backends' replies rather than the clients' packets.
     */
    public EstablishedFlowState(final ForwardingMode mode, final boolean replies)
    {
        this.fixedMode = mode;
        this.replies = replies;
    }

    /** @return the VIP's forwarding mode; a JMH subclass answers its parameter. */
    protected ForwardingMode mode()
    {
        return fixedMode;
    }

    /** Builds the pipeline and the frames, establishes the flows and checks that every frame is forwarded. */
    @Setup(Level.Trial)
    public void setUp()
    {
        if (replies && mode() == ForwardingMode.IPIP)
        {
            throw new IllegalArgumentException("replies pass through the LB in the NAT modes only");
        }
        fixture = new PipelineFixture(mode(), FLOW_TABLE_CAPACITY, TCP_IDLE_TIMEOUT_NS, MIN_EVICTION_IDLE_NS, PortPool.MAX_PORT);
        frames = fixture.allocateFrames(FLOW_COUNT);
        for (int i = 0; i < FLOW_COUNT; i++)
        {
            PipelineFixture.encodeFrame(frames + (long)i * FRAME_STRIDE, i);
        }

        fixture.markCounters();
        beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            fixture.requireForwarded(processPacket(i), i);
            if (replies)
            {
                fixture.encodeReplyToLast(frames + (long)i * FRAME_STRIDE);
            }
        }
        fixture.requireCountsSinceMark(FLOW_COUNT, PipelineFixture.FlowOutcome.NEW_FLOW);
        fixture.markCounters();
        beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            requireExpected(processPacket(i), i);
        }
        fixture.requireCountsSinceMark(FLOW_COUNT, outcome());
        fixture.markCounters();
        bursts = 0;
    }

    /**
     * Checks that a verdict and the frame left in its buffer are what packet {@code index} of a
     * burst must give: the client's packet forwarded, or the backend's reply translated back.
     *
     * @param verdict the verdict of {@link #processPacket}.
     * @param index   the packet's place in the burst, which is also its flow's client tuple.
     * @throws IllegalStateException naming what is wrong.
     */
    public void requireExpected(final int verdict, final int index)
    {
        if (replies)
        {
            fixture.requireReplied(verdict, index);
        }
        else
        {
            fixture.requireForwarded(verdict, index);
        }
    }

    private PipelineFixture.FlowOutcome outcome()
    {
        return replies ? PipelineFixture.FlowOutcome.NAT_REPLY : PipelineFixture.FlowOutcome.FLOW_HIT;
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
     * @param index 0 to {@link PipelineFixture#BURST_SIZE} - 1.
     * @return the verdict.
     */
    public int processPacket(final int index)
    {
        return fixture.process(index);
    }

    /**
     * Receives packet {@code index} of the burst without processing it: the copy alone.
     *
     * @param index 0 to {@link PipelineFixture#BURST_SIZE} - 1.
     * @return the address of the received frame.
     */
    public long receiveOnly(final int index)
    {
        return fixture.receive(index, frames + (long)index * FRAME_STRIDE);
    }

    /**
     * Checks that every packet since the setup was forwarded as a flow hit (or a reply), then frees the memory.
     *
     * @throws IllegalStateException when a counter is off.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            fixture.requireCountsSinceMark(bursts * BURST_SIZE, outcome());
        }
        finally
        {
            fixture.close();
        }
    }

    /** @return the pipeline, for tests. */
    public PipelineFixture fixture()
    {
        return fixture;
    }
}
