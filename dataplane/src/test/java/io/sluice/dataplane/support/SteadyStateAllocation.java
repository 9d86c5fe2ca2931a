package io.sluice.dataplane.support;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Measures the heap bytes the calling thread allocates while running a window of work, and
 * asserts a steady state of zero: three consecutive windows with no allocation at all.
 * <p>
 * Windows are measured one after another because the JIT may still deoptimize and recompile
 * early on, and a deoptimization materializes objects that compiled code had scalar-replaced,
 * which shows up as a few hundred bytes once. Any allocation per packet would show in every
 * window and fail the test.
 */
public final class SteadyStateAllocation
{
    private static final int REQUIRED_ZERO_WINDOWS = 3;
    private static final int MAX_WINDOWS = 20;

    private SteadyStateAllocation()
    {
    }

    /**
     * Runs {@code window} until three consecutive runs allocate nothing.
     *
     * @param what   what a window does, for the failure message.
     * @param window the work of one window; must not allocate outside the work being measured.
     */
    public static void assertZero(final String what, final Runnable window)
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final List<Long> allocations = new ArrayList<>();
        int consecutiveZero = 0;
        for (int i = 0; i < MAX_WINDOWS && consecutiveZero < REQUIRED_ZERO_WINDOWS; i++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            window.run();
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            allocations.add(allocated);
            consecutiveZero = allocated == 0 ? consecutiveZero + 1 : 0;
        }
        if (consecutiveZero < REQUIRED_ZERO_WINDOWS)
        {
            fail("no steady state without allocation: bytes allocated per window of " + what + ": " + allocations);
        }
    }
}
