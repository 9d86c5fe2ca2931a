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

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;

/**
 * How the per-packet cost of the whole pipeline ({@code PacketPipeline.process}, IPIP, IPv4 TCP)
 * grows with the number of active flows and with the number of backends, in nanoseconds per packet.
 * One invocation is one receive burst of {@link PipelineFixture#BURST_SIZE} packets, received and
 * processed as in {@link PipelineBenchmark}; the states check their setup and tear-down the same way
 * (every packet forwarded as an IPIP packet, with the case's flow-table outcome).
 * <ul>
 *   <li>{@link #establishedByFlows}: packets of flows picked at random among {@code flows} established
 *   ones (1 to 10,000,000), 100 backends; the table sized by {@link EstablishedFlowsState#capacityFor}.
 *   At 1,000,000 flows this is {@code PipelineBenchmark.establishedFlows1M}, the same state and
 *   sequence.</li>
 *   <li>{@link #establishedByBackends}: the same with {@link #BACKEND_SCALE_FLOWS} flows and
 *   {@code backends} backends (1 to 10,000).</li>
 *   <li>{@link #newFlowByBackends}: {@code PipelineBenchmark.newFlow}'s stream of new flows (IPIP) with
 *   {@code backends} backends: each packet's backend is picked from the Maglev table of 65537 slots.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class ScaleBenchmark
{
    /** Established flows of the cases against the number of backends. */
    public static final int BACKEND_SCALE_FLOWS = 1000;

    /** {@link EstablishedFlowsState} with {@code flows} established flows and 100 backends. */
    @State(Scope.Thread)
    public static class FlowCount extends EstablishedFlowsState
    {
        /** Established flows in the table. */
        @Param({"1", "1000", "100000", "1000000", "10000000"})
        public int flows;

        @Override
        protected int flowCount()
        {
            return flows;
        }
    }

    /** {@link EstablishedFlowsState} with {@link #BACKEND_SCALE_FLOWS} established flows and {@code backends} backends. */
    @State(Scope.Thread)
    public static class EstablishedBackendCount extends EstablishedFlowsState
    {
        /** Backends of the VIP. */
        @Param({"1", "10", "100", "1000", "10000"})
        public int backends;

        @Override
        protected int flowCount()
        {
            return BACKEND_SCALE_FLOWS;
        }

        @Override
        protected int backendCount()
        {
            return backends;
        }
    }

    /** {@link NewFlowState} (IPIP) with {@code backends} backends. */
    @State(Scope.Thread)
    public static class NewFlowBackendCount extends NewFlowState
    {
        /** Backends of the VIP. */
        @Param({"1", "10", "100", "1000", "10000"})
        public int backends;

        @Override
        protected int backendCount()
        {
            return backends;
        }
    }

    /**
     * Packets of flows picked at random among {@code flows} in the flow table: parse, VIP lookup,
     * flow-table hit, IPIP encapsulation; the lookup's lines leave the caches as the table grows.
     *
     * @param state     the established flows.
     * @param blackhole sink of the verdicts.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void establishedByFlows(final FlowCount state, final Blackhole blackhole)
    {
        runBurst(state, blackhole);
    }

    /**
     * Packets of flows picked at random among {@link #BACKEND_SCALE_FLOWS} in the flow table, with
     * {@code backends} backends: as {@link #establishedByFlows}; the backend count should not matter.
     *
     * @param state     the established flows.
     * @param blackhole sink of the verdicts.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void establishedByBackends(final EstablishedBackendCount state, final Blackhole blackhole)
    {
        runBurst(state, blackhole);
    }

    /**
     * Packets each of a new 5-tuple, with {@code backends} backends: flow-table miss, Maglev pick,
     * insert into an expired slot, IPIP encapsulation.
     *
     * @param state     the stream of new flows.
     * @param blackhole sink of the verdicts.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void newFlowByBackends(final NewFlowBackendCount state, final Blackhole blackhole)
    {
        runBurst(state, blackhole);
    }

    /**
     * One invocation: a burst begun, then each of its packets processed, each verdict to the sink.
     * Each fork runs one benchmark, so the calls through {@link BurstCase} see one state class.
     */
    private static void runBurst(final BurstCase state, final Blackhole blackhole)
    {
        state.beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            blackhole.consume(state.processPacket(i));
        }
    }
}
