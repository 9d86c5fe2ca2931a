package io.sluice.bench.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Per-packet CPU time of one {@link ScaleBenchmark} case, for a machine that other work shares (as
 * {@link PipelineCpuProbe} for the pipeline cases): runs the case's state on one thread outside JMH
 * and divides the thread's CPU time by the packets, the best of the rounds after the first third.
 * One case per JVM, so that no other case's profile shapes its compiled code. A development tool;
 * JMH's figures are the record.
 * <p>
 * Run: {@code java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 * -cp bench/target/benchmarks.jar io.sluice.bench.pipeline.ScaleCpuProbe CASE COUNT [CAPACITY]}, where CASE is
 * {@code flows} (COUNT established flows, 100 backends; CAPACITY overrides the flow table's capacity),
 * {@code backends} (COUNT backends, {@link ScaleBenchmark#BACKEND_SCALE_FLOWS} established flows) or
 * {@code newflow} (COUNT backends, new flows).
 */
public final class ScaleCpuProbe
{
    private static final int BURSTS_PER_ROUND = 100_000;
    private static final int ROUNDS = 12;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ScaleCpuProbe()
    {
    }

    /**
     * Prints the case's ns of CPU per packet.
     *
     * @param args the case, the count and optionally the flow table capacity, see the class documentation.
     */
    public static void main(final String[] args)
    {
        if (args.length < 2)
        {
            throw new IllegalArgumentException("usage: ScaleCpuProbe flows|backends|newflow COUNT [CAPACITY]");
        }
        final int count = Integer.parseInt(args[1]);
        final BurstCase state = switch (args[0])
        {
            case "flows" -> flowsCase(count, args);
            case "backends" -> backendsCase(count);
            case "newflow" -> newFlowCase(count);
            default -> throw new IllegalArgumentException("no case " + args[0] + ": flows, backends or newflow");
        };
        final double nsPerPacket = run(state);
        System.out.printf("%s %s%s: %.1f ns CPU per packet (best of %d rounds of %d packets)%n", args[0], args[1],
            args.length > 2 ? " capacity " + args[2] : "", nsPerPacket, ROUNDS - ROUNDS / 3,
            BURSTS_PER_ROUND * PipelineFixture.BURST_SIZE);
        if (state instanceof EstablishedFlowsState established)
        {
            established.tearDown();
        }
        else
        {
            ((NewFlowState)state).tearDown();
        }
    }

    private static BurstCase flowsCase(final int count, final String[] args)
    {
        final EstablishedFlowsState state;
        if (args.length > 2)
        {
            state = new EstablishedFlowsState(count, Integer.parseInt(args[2]), EstablishedFlowsState.SEQUENCE_LENGTH);
        }
        else
        {
            final ScaleBenchmark.FlowCount flows = new ScaleBenchmark.FlowCount();
            flows.flows = count;
            state = flows;
        }
        state.setUp();
        return state;
    }

    private static BurstCase backendsCase(final int count)
    {
        final ScaleBenchmark.EstablishedBackendCount state = new ScaleBenchmark.EstablishedBackendCount();
        state.backends = count;
        state.setUp();
        return state;
    }

    private static BurstCase newFlowCase(final int count)
    {
        final ScaleBenchmark.NewFlowBackendCount state = new ScaleBenchmark.NewFlowBackendCount();
        state.backends = count;
        state.setUp();
        return state;
    }

    private static double run(final BurstCase state)
    {
        double best = Double.MAX_VALUE;
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++)
        {
            final long startNs = THREADS.getCurrentThreadCpuTime();
            for (int burst = 0; burst < BURSTS_PER_ROUND; burst++)
            {
                state.beginBurst();
                for (int i = 0; i < PipelineFixture.BURST_SIZE; i++)
                {
                    sink += state.processPacket(i);
                }
            }
            final double nsPerPacket =
                (THREADS.getCurrentThreadCpuTime() - startNs) / (double)(BURSTS_PER_ROUND * PipelineFixture.BURST_SIZE);
            if (round >= ROUNDS / 3)
            {
                best = Math.min(best, nsPerPacket);
            }
        }
        return sink == Long.MIN_VALUE ? -1 : best;
    }
}
