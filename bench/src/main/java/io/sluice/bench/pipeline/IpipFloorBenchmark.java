package io.sluice.bench.pipeline;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;
import static io.sluice.bench.pipeline.PipelineFixture.START_NS;
import static io.sluice.bench.pipeline.TcpFrameEncoder.FRAME_STRIDE;

/**
 * The floor under {@link PipelineBenchmark}'s first two cases: the same packets, received the
 * same way (the frame copy, and for new flows the source rewrite, inside the measured time), run
 * through {@link FloorPipeline} instead of the pipeline, in nanoseconds per packet. What the floor
 * leaves out is listed on {@link FloorPipeline}; the difference between the two figures is what
 * the pipeline's generality costs, and a target below the floor cannot be met by tuning the pipeline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class IpipFloorBenchmark
{
    /** What both cases hold: a benchmark fixture, for its configuration, and the floor built from it. */
    abstract static class FloorState
    {
        FloorPipeline floor;
        PipelineFixture fixture;
        long bursts;

        /** Builds the fixture and the floor with a case's sizes, then runs the case's setup; frees both when that throws. */
        void open(final int capacity, final long idleTimeoutNs, final long minEvictionIdleNs, final Runnable setUpCase)
        {
            try
            {
                fixture = new PipelineFixture(capacity, idleTimeoutNs, minEvictionIdleNs);
                floor = new FloorPipeline(fixture.snapshot(), capacity, minEvictionIdleNs);
                setUpCase.run();
            }
            catch (final RuntimeException ex)
            {
                close();
                throw ex;
            }
        }

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
    }

    /** {@link EstablishedFlowState}'s case: 32 established flows, one packet of each per burst. */
    @State(Scope.Thread)
    public static class Established extends FloorState
    {
        long frames;

        /** Builds the floor from the benchmark fixture's configuration, establishes the flows and checks them. */
        @Setup(Level.Trial)
        public void setUp()
        {
            open(EstablishedFlowState.FLOW_TABLE_CAPACITY, EstablishedFlowState.TCP_IDLE_TIMEOUT_NS,
                EstablishedFlowState.MIN_EVICTION_IDLE_NS, this::establish);
        }

        private void establish()
        {
            frames = fixture.allocateFrames(BURST_SIZE);
            for (int i = 0; i < BURST_SIZE; i++)
            {
                PipelineFixture.encodeFrame(frames + (long)i * FRAME_STRIDE, i);
            }
            burst(null);
            requireCounts(BURST_SIZE, 0, BURST_SIZE);
            bursts = 0;
        }

        void burst(final Blackhole blackhole)
        {
            floor.begin(START_NS);
            for (int i = 0; i < BURST_SIZE; i++)
            {
                floor.receive(i, frames + (long)i * FRAME_STRIDE);
            }
            for (int i = 0; i < BURST_SIZE; i++)
            {
                final int forwarded = floor.process(i);
                if (blackhole != null)
                {
                    blackhole.consume(forwarded);
                }
            }
            bursts++;
        }

        void requireCounts(final long packets, final long hits, final long newFlows)
        {
            if (floor.counter(FloorPipeline.RX_PACKETS) != packets || floor.counter(FloorPipeline.FORWARDED) != packets ||
                floor.counter(FloorPipeline.FLOW_HITS) != hits || floor.counter(FloorPipeline.FLOW_NEW) != newFlows)
            {
                throw new IllegalStateException("floor counters off: rx " + floor.counter(FloorPipeline.RX_PACKETS) +
                    ", forwarded " + floor.counter(FloorPipeline.FORWARDED) + ", hits " +
                    floor.counter(FloorPipeline.FLOW_HITS) + ", new " + floor.counter(FloorPipeline.FLOW_NEW) +
                    "; expected " + packets + ", " + packets + ", " + hits + ", " + newFlows);
            }
        }

        /** Checks every measured packet was forwarded as a hit, then frees the memory. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            try
            {
                final long measured = bursts * BURST_SIZE;
                requireCounts(BURST_SIZE + measured, measured, BURST_SIZE);
            }
            finally
            {
                close();
            }
        }
    }

    /** {@link NewFlowState}'s case: every packet a new 5-tuple, flows expiring behind them. */
    @State(Scope.Thread)
    public static class NewFlows extends FloorState
    {
        private TcpSourceRewriter rewriter;
        private long template;
        private long nextTuple;
        private long nowNs;

        /** Builds the floor as {@link NewFlowState} builds the pipeline and runs its setup packets. */
        @Setup(Level.Trial)
        public void setUp()
        {
            open(NewFlowState.FLOW_TABLE_CAPACITY, NewFlowState.TCP_IDLE_TIMEOUT_NS, NewFlowState.MIN_EVICTION_IDLE_NS,
                this::startFlows);
        }

        private void startFlows()
        {
            template = fixture.allocateFrames(1);
            PipelineFixture.encodeFrame(template, 0);
            rewriter = new TcpSourceRewriter(PipelineFixture.memory(), template);
            nowNs = START_NS;
            for (int burst = 0; burst < NewFlowState.SETUP_PACKETS / BURST_SIZE; burst++)
            {
                burst(null);
            }
            requireNew(NewFlowState.SETUP_PACKETS);
            bursts = 0;
        }

        void burst(final Blackhole blackhole)
        {
            nowNs += NewFlowState.BURST_INTERVAL_NS;
            floor.begin(nowNs);
            for (int i = 0; i < BURST_SIZE; i++)
            {
                receive(i);
            }
            for (int i = 0; i < BURST_SIZE; i++)
            {
                final int forwarded = floor.process(i);
                if (blackhole != null)
                {
                    blackhole.consume(forwarded);
                }
            }
            bursts++;
        }

        long receive(final int index)
        {
            final long frame = floor.receive(index, template);
            final long tuple = nextTuple++;
            rewriter.rewrite(PipelineFixture.memory(), frame, ClientTuples.address(tuple), ClientTuples.port(tuple));
            return frame;
        }

        void requireNew(final long packets)
        {
            if (floor.counter(FloorPipeline.RX_PACKETS) != packets || floor.counter(FloorPipeline.FORWARDED) != packets ||
                floor.counter(FloorPipeline.FLOW_NEW) != packets)
            {
                throw new IllegalStateException("floor counters off: rx " + floor.counter(FloorPipeline.RX_PACKETS) +
                    ", forwarded " + floor.counter(FloorPipeline.FORWARDED) + ", new " +
                    floor.counter(FloorPipeline.FLOW_NEW) + "; expected " + packets + " of each");
            }
        }

        /** Checks every packet was forwarded and inserted as a new flow, then frees the memory. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            try
            {
                requireNew(NewFlowState.SETUP_PACKETS + bursts * BURST_SIZE);
            }
            finally
            {
                close();
            }
        }
    }

    /**
     * The floor of {@link PipelineBenchmark#establishedFlow}.
     *
     * @param state     the established flows.
     * @param blackhole sink of the outcomes.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void establishedFlow(final Established state, final Blackhole blackhole)
    {
        state.burst(blackhole);
    }

    /**
     * The floor of {@link PipelineBenchmark#newFlow}.
     *
     * @param state     the stream of new flows.
     * @param blackhole sink of the outcomes.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void newFlow(final NewFlows state, final Blackhole blackhole)
    {
        state.burst(blackhole);
    }
}
