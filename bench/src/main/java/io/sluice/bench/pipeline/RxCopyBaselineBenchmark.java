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

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;

/**
 * What the {@link PipelineBenchmark} figures include besides the pipeline: receiving the
 * frames (the copy into the packet buffers) without processing them, in nanoseconds per packet.
 * Subtract it from a pipeline figure to get the pipeline's own share.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class RxCopyBaselineBenchmark
{
    /**
     * The copy of {@link PipelineBenchmark#establishedFlow}'s frames into the burst's buffers.
     *
     * @param state     the established flows (not processed here).
     * @param blackhole sink of the frame addresses.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void rxCopyOnly(final EstablishedFlowState state, final Blackhole blackhole)
    {
        for (int i = 0; i < BURST_SIZE; i++)
        {
            blackhole.consume(state.receiveOnly(i));
        }
    }

    /**
     * The copy of {@link PipelineBenchmark#newFlow}'s template and the new source address and port.
     *
     * @param state     the stream of new flows (not processed here).
     * @param blackhole sink of the frame addresses.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_SIZE)
    public void rxCopyNewTupleOnly(final NewFlowState state, final Blackhole blackhole)
    {
        for (int i = 0; i < BURST_SIZE; i++)
        {
            blackhole.consume(state.receiveOnly(i));
        }
    }
}
