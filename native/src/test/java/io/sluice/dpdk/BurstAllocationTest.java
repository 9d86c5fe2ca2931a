package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing on the Java heap in the steady state: bursts on a net_ring
 * loopback, mbuf alloc and free, and flyweight reads of every packet. After warm-up, one whole
 * cycle of 10,000 rounds must allocate 0 bytes; up to five cycles are measured so that a late JIT
 * compilation cannot fail the test, while any per-burst allocation fails every cycle.
 */
@Tag("dpdk")
class BurstAllocationTest
{
    private static final int BURST = 32;
    private static final int ROUNDS_PER_CYCLE = 10_000;
    private static final int WARM_UP_CYCLES = 30;
    private static final int MAX_MEASURED_CYCLES = 5;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    void shouldAllocateNothingWhenBurstingInSteadyState()
    {
        final Eal eal = DpdkTestSupport.eal();
        eal.registerCurrentThread();
        try (MbufPool pool = DpdkTestSupport.newPool(1023);
            Port port = Port.open("net_ring7", new PortConfig(1, 1, 512, 512, false), pool);
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment burst = arena.allocate(JAVA_LONG, BURST);
            assertTrue(pool.allocBulk(burst, BURST));
            final Mbuf mbuf = new Mbuf();
            for (int i = 0; i < BURST; i++)
            {
                mbuf.wrap(burst.getAtIndex(JAVA_LONG, i)).setLength(64);
            }

            long checksum = 0;
            for (int cycle = 0; cycle < WARM_UP_CYCLES; cycle++)
            {
                checksum += cycle(port, pool, burst, mbuf);
            }
            long allocated = Long.MAX_VALUE;
            int measuredCycles = 0;
            while (allocated != 0 && measuredCycles < MAX_MEASURED_CYCLES)
            {
                final long baseline = measureNothing();
                final long before = threads.getCurrentThreadAllocatedBytes();
                checksum += cycle(port, pool, burst, mbuf);
                allocated = threads.getCurrentThreadAllocatedBytes() - before - baseline;
                measuredCycles++;
            }

            assertEquals(0L, allocated, "bytes allocated by " + ROUNDS_PER_CYCLE + " rounds of bursts");
            assertEquals((long)ROUNDS_PER_CYCLE * BURST * 64 * (WARM_UP_CYCLES + measuredCycles), checksum);
            assertEquals(BURST, pool.inUseCount());
            pool.freeBulk(burst, BURST);
        }
        finally
        {
            eal.unregisterCurrentThread();
        }
    }

    @Test
    void shouldSeeAllocationWhenMeasuredCodeAllocates()
    {
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long[] garbage = new long[1024];
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before - measureNothing();

        assertTrue(allocated >= garbage.length * Long.BYTES, "measured " + allocated);
    }

    private long measureNothing()
    {
        final long first = threads.getCurrentThreadAllocatedBytes();
        return threads.getCurrentThreadAllocatedBytes() - first;
    }

    private static long cycle(final Port port, final MbufPool pool, final MemorySegment burst, final Mbuf mbuf)
    {
        long checksum = 0;
        for (int round = 0; round < ROUNDS_PER_CYCLE; round++)
        {
            final int sent = port.txBurst(0, burst, BURST);
            final int received = port.rxBurst(0, burst, sent);
            for (int i = 0; i < received; i++)
            {
                mbuf.wrap(burst.getAtIndex(JAVA_LONG, i));
                checksum += mbuf.dataLength() + (Mbuf.memory().get(JAVA_BYTE, mbuf.dataAddress()) & 0);
            }
            final long spare = pool.alloc();
            pool.free(spare);
        }
        return checksum;
    }
}
