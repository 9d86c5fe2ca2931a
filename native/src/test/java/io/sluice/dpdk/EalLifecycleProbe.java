package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Runs in a child JVM for {@link EalLifecycleTest}, because EAL starts once per process and the test
 * JVM's EAL must stay up. Prints one line per observation; exits non-zero on an unexpected outcome.
 */
public final class EalLifecycleProbe
{
    /** Starts every line the probe prints, since DPDK writes its usage text to the same stdout. */
    static final String MARKER = "PROBE: ";

    private EalLifecycleProbe()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code full-cycle} or {@code bad-arguments}.
     */
    public static void main(final String[] args)
    {
        if ("full-cycle".equals(args[0]))
        {
            fullCycle();
        }
        else
        {
            badArguments();
        }
    }

    private static void fullCycle()
    {
        final Eal eal = Eal.start(DpdkTestSupport.EAL_ARGS);
        System.out.println(MARKER + "running " + Eal.isRunning());
        try (MbufPool pool = MbufPool.create("probe_pool", 255, 0, MbufPool.DEFAULT_DATA_ROOM_SIZE);
            Port port = Port.open("net_ring0", new PortConfig(1, 1, 64, 64, false), pool);
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment burst = arena.allocate(JAVA_LONG, 1);
            burst.set(JAVA_LONG, 0, pool.alloc());
            System.out.println(MARKER + "looped " + port.txBurst(0, burst, 1) + " " + port.rxBurst(0, burst, 1));
            pool.freeBulk(burst, 1);
        }
        eal.close();
        eal.close();
        System.out.println(MARKER + "running " + Eal.isRunning());
        try
        {
            MbufPool.create("after_close", 255, 0, MbufPool.DEFAULT_DATA_ROOM_SIZE);
        }
        catch (final IllegalStateException ex)
        {
            System.out.println(MARKER + "pool after close: " + ex.getMessage());
        }
        try
        {
            Eal.start(List.of("--in-memory"));
        }
        catch (final IllegalStateException ex)
        {
            System.out.println(MARKER + "restart: " + ex.getMessage());
        }
    }

    private static void badArguments()
    {
        try
        {
            Eal.start(List.of("--in-memory", "--no-such-eal-flag"));
        }
        catch (final DpdkException ex)
        {
            System.out.println(MARKER + "failed: " + ex.getMessage());
        }
        System.out.println(MARKER + "running " + Eal.isRunning());
    }
}
