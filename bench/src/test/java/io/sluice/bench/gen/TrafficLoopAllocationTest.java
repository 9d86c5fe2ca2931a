package io.sluice.bench.gen;

import java.lang.management.ManagementFactory;

import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.Eal;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;

import static io.sluice.bench.gen.TrafficFramesTest.GEN_MAC;
import static io.sluice.bench.gen.TrafficFramesTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator's duty cycle allocates nothing in the steady state: send, receive, decode, latency,
 * per-backend counts, new flows, on a {@code net_ring} loopback. After warm-up one whole cycle of
 * 10,000 duty cycles must allocate 0 bytes; up to five are measured so that a late JIT
 * compilation cannot fail the test, while any per-packet allocation fails every one.
 */
@Tag("dpdk")
class TrafficLoopAllocationTest
{
    private static final int ROUNDS = 10_000;
    private static final int WARM_UP_ROUNDS = 30;
    private static final int MAX_MEASURED_ROUNDS = 5;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    void shouldAllocateNothingWhenSendingAndReceivingInSteadyState()
    {
        final Eal eal = DpdkTestSupport.eal();
        eal.registerCurrentThread();
        final GenConfig config = config("--port", "net_ring45", "--expect", "dsr", "--duration", "1h", "--warmup", "0",
            "--new-flows", "10", "--flows", "100k");
        try (MbufPool pool = DpdkTestSupport.newPool(4095);
            Port port = Port.open("net_ring45", new PortConfig(1, 1, 1024, 1024, false), pool);
            TrafficFrames frames = new TrafficFrames(config, GEN_MAC);
            TrafficLoop loop = new TrafficLoop(config, port, port, pool, frames, new SystemNanoClock()))
        {
            loop.start();
            long work = 0;
            for (int round = 0; round < WARM_UP_ROUNDS; round++)
            {
                work += cycles(loop);
            }
            long allocated = Long.MAX_VALUE;
            int measured = 0;
            while (allocated != 0 && measured < MAX_MEASURED_ROUNDS)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                work += cycles(loop);
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                measured++;
            }

            assertEquals(0L, allocated, "bytes allocated by " + ROUNDS + " duty cycles");
            assertTrue(work > 0 && loop.counters().get(GenCounters.RX_PACKETS) > 0);
            assertTrue(loop.counters().get(GenCounters.TX_NEW_FLOWS) > 0);
            loop.requestStop();
            while (!loop.isDone())
            {
                loop.doWork();
            }
        }
        finally
        {
            eal.unregisterCurrentThread();
        }
    }

    private static long cycles(final TrafficLoop loop)
    {
        long work = 0;
        for (int i = 0; i < ROUNDS; i++)
        {
            work += loop.doWork();
        }
        return work;
    }
}
