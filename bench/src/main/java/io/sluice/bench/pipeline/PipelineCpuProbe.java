package io.sluice.bench.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Per-packet CPU time of the three pipeline cases, for a machine that other work shares: JMH
 * measures wall time, which on a loaded machine includes the time the thread was not running.
 * This probe runs the same states as {@link PipelineBenchmark} on one thread and divides the
 * thread's CPU time by the packets, reporting the best of several rounds (the round least
 * disturbed by cache pollution from neighbours). A development tool; JMH's figures are the record.
 * <p>
 * Run: {@code java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 * -cp bench/target/benchmarks.jar io.sluice.bench.pipeline.PipelineCpuProbe}
 */
public final class PipelineCpuProbe
{
    private static final int BURSTS_PER_ROUND = 200_000;
    private static final int DEFAULT_ROUNDS = 12;
    private static final int BURST = PipelineFixture.BURST_SIZE;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PipelineCpuProbe()
    {
    }

    /**
     * Prints ns of CPU per packet for each case.
     *
     * @param args optionally the number of rounds (default 12; the first third are warm-up), then
     *             {@code established} to run that case alone (for profiling).
     */
    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ROUNDS;
        final boolean establishedOnly = args.length > 1 && "established".equals(args[1]);
        final EstablishedFlowState established = new EstablishedFlowState();
        established.setUp();
        final double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        final NewFlowState newFlow = new NewFlowState();
        newFlow.setUp();
        final EstablishedFlowsState million = new EstablishedFlowsState();
        million.setUp();
        long sink = 0;
        for (int round = 0; round < rounds; round++)
        {
            long start = THREADS.getCurrentThreadCpuTime();
            for (int burst = 0; burst < BURSTS_PER_ROUND; burst++)
            {
                established.beginBurst();
                for (int i = 0; i < BURST; i++)
                {
                    sink += established.processPacket(i);
                }
            }
            record(best, 0, round, rounds, start);
            if (establishedOnly)
            {
                continue;
            }
            start = THREADS.getCurrentThreadCpuTime();
            for (int burst = 0; burst < BURSTS_PER_ROUND; burst++)
            {
                newFlow.beginBurst();
                for (int i = 0; i < BURST; i++)
                {
                    sink += newFlow.processPacket(i);
                }
            }
            record(best, 1, round, rounds, start);
            start = THREADS.getCurrentThreadCpuTime();
            for (int burst = 0; burst < BURSTS_PER_ROUND; burst++)
            {
                million.beginBurst();
                for (int i = 0; i < BURST; i++)
                {
                    sink += million.processPacket(i);
                }
            }
            record(best, 2, round, rounds, start);
        }
        established.tearDown();
        newFlow.tearDown();
        million.tearDown();
        final String[] names = {"establishedFlow", "newFlow", "establishedFlows1M"};
        for (int i = 0; i < names.length; i++)
        {
            System.out.printf("%-20s %7.1f ns CPU per packet (best of %d rounds of %d packets)%n",
                names[i], best[i], rounds - rounds / 3, BURSTS_PER_ROUND * BURST);
        }
        System.out.println(sink == 0 ? "no packets" : "");
    }

    private static void record(final double[] best, final int index, final int round, final int rounds, final long startNs)
    {
        final double nsPerPacket = (THREADS.getCurrentThreadCpuTime() - startNs) / (double)(BURSTS_PER_ROUND * BURST);
        if (round >= rounds / 3)
        {
            best[index] = Math.min(best[index], nsPerPacket);
        }
    }
}
