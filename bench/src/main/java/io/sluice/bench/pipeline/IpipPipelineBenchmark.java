package io.sluice.bench.pipeline;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import static io.sluice.bench.pipeline.IpipPipelineFixture.BURST_SIZE;

/**
 * The whole per-packet pipeline ({@code PacketPipeline.process}) for IPv4 TCP to an IPIP VIP with
 * 100 backends, in nanoseconds per packet. One invocation is one receive burst of
 * {@link IpipPipelineFixture#BURST_SIZE} packets: the duty-cycle step ({@code begin}), then for
 * each packet the copy of its frame into a packet buffer (what the NIC's DMA would have done; the
 * pipeline rewrites frames in place) and the pipeline; each verdict goes to the {@link Blackhole}.
 * The states check in their setup that every frame is forwarded as an IPIP packet, and in their
 * tear-down that the counters show every measured packet forwarded with the case's flow-table outcome.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class IpipPipelineBenchmark
{
    /**
     * Packets of 32 flows already in the flow table: parse, VIP lookup, flow-table hit, IPIP encapsulation.
     *
     * @param state     the established flows.
     * @param blackhole sink of the verdicts.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void establishedFlow(final EstablishedFlowState state, final Blackhole blackhole)
    {
        state.beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            blackhole.consume(state.processPacket(i));
        }
    }

    /**
     * Packets each of a new 5-tuple: parse, VIP lookup, flow-table miss, Maglev pick, flow-table
     * insert (into an expired slot), IPIP encapsulation.
     *
     * @param state     the stream of new flows.
     * @param blackhole sink of the verdicts.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void newFlow(final NewFlowState state, final Blackhole blackhole)
    {
        state.beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            blackhole.consume(state.processPacket(i));
        }
    }

    /**
     * Packets of flows picked at random among 1,000,000 in the flow table: as
     * {@link #establishedFlow} but the flow-table lookup misses the caches.
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
