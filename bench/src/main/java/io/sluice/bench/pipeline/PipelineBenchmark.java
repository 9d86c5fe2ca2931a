package io.sluice.bench.pipeline;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.sluice.dataplane.service.ForwardingMode;

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;

/**
 * The whole per-packet pipeline ({@code PacketPipeline.process}) for IPv4 TCP to a VIP with 100
 * backends, in nanoseconds per packet, with the VIP's forwarding mode a parameter ({@code mode}:
 * IPIP, NAT, FULLNAT; the 1M-flow case is IPIP only). One invocation is one receive burst of
 * {@link PipelineFixture#BURST_SIZE} packets: the duty-cycle step ({@code begin}), then for
 * each packet the copy of its frame into a packet buffer (what the NIC's DMA would have done; the
 * pipeline rewrites frames in place) and the pipeline; each verdict goes to the {@link Blackhole}.
 * The states check in their setup that every frame is forwarded as the mode's packet (byte for byte
 * in the NAT modes), and in their tear-down that the counters show every measured packet forwarded
 * with the case's flow-table outcome.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class PipelineBenchmark
{
    /** {@link EstablishedFlowState} in each mode. */
    @State(Scope.Thread)
    public static class EstablishedFlowByMode extends EstablishedFlowState
    {
        /** The VIP's forwarding mode. */
        @Param({"IPIP", "NAT", "FULLNAT"})
        public ForwardingMode mode;

        @Override
        protected ForwardingMode mode()
        {
            return mode;
        }
    }

    /** {@link NewFlowState} in each mode. */
    @State(Scope.Thread)
    public static class NewFlowByMode extends NewFlowState
    {
        /** The VIP's forwarding mode. */
        @Param({"IPIP", "NAT", "FULLNAT"})
        public ForwardingMode mode;

        @Override
        protected ForwardingMode mode()
        {
            return mode;
        }
    }

    /** {@link EstablishedFlowState} with the backends' replies, in each NAT mode. */
    @State(Scope.Thread)
    public static class ReplyFlowByMode extends EstablishedFlowState
    {
        /** The VIP's forwarding mode. */
        @Param({"NAT", "FULLNAT"})
        public ForwardingMode mode;

        /** The state with replies; the mode comes from the parameter. */
        public ReplyFlowByMode()
        {
            super(ForwardingMode.NAT, true);
        }

        @Override
        protected ForwardingMode mode()
        {
            return mode;
        }
    }

    /**
     * Packets of 32 flows already in the flow table: parse, VIP lookup, flow-table hit, then the
     * mode's rewrite: IPIP encapsulation; NAT the destination address and port with the checksum
     * deltas; full NAT both ends, the flow's reverse entry touched too.
     *
     * @param state     the established flows.
     * @param blackhole sink of the verdicts.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void establishedFlow(final EstablishedFlowByMode state, final Blackhole blackhole)
    {
        state.beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            blackhole.consume(state.processPacket(i));
        }
    }

    /**
     * Packets each of a new 5-tuple: parse, VIP lookup, flow-table miss, Maglev pick, flow-table
     * insert (into an expired slot), the mode's rewrite; in full NAT also a port of the backend's
     * pool, the lookup of its reverse key and the insert of the reverse entry.
     *
     * @param state     the stream of new flows.
     * @param blackhole sink of the verdicts.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void newFlow(final NewFlowByMode state, final Blackhole blackhole)
    {
        state.beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            blackhole.consume(state.processPacket(i));
        }
    }

    /**
     * The backends' replies of 32 established flows, translated back to come from the VIP: in NAT
     * found by the backend's address and port (no flow-table lookup), in full NAT by the flow's
     * reverse entry (a flow-table hit, and its forward twin touched).
     *
     * @param state     the established flows' replies.
     * @param blackhole sink of the verdicts.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void replyFlow(final ReplyFlowByMode state, final Blackhole blackhole)
    {
        state.beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            blackhole.consume(state.processPacket(i));
        }
    }

    /**
     * Packets of flows picked at random among 1,000,000 in the flow table: as
     * {@link #establishedFlow} but the flow-table lookup misses the caches. The same case as
     * {@code ScaleBenchmark.establishedByFlows} with {@code flows} = 1000000, kept under this name for
     * the figures and comparisons made with it.
     *
     * @param state     the million established flows.
     * @param blackhole sink of the verdicts.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void establishedFlows1M(final EstablishedFlowsState state, final Blackhole blackhole)
    {
        state.beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            blackhole.consume(state.processPacket(i));
        }
    }
}
