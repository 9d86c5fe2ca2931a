package io.sluice.dataplane.worker;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * What a worker does in a duty cycle that found no work: the choice between the lowest latency and
 * leaving the core to other work.
 * <ul>
 *   <li>{@link #SPIN}, the default, for cores given to the dataplane: the worker polls its queue
 *       without pause ({@code PAUSE} between polls), so a packet waits at most one empty poll, and the
 *       core reads 100% busy whatever the traffic.</li>
 *   <li>{@link #BACKOFF}, for a host shared with other work (a lab running two load balancers, a
 *       client and backends on two cores): after {@value #BACKOFF_SPINS} empty polls the worker
 *       yields {@value #BACKOFF_YIELDS} times, then parks for 1 µs doubling up to
 *       {@link #BACKOFF_MAX_PARK_NS} ns, and polls again; any work resets it. An idle worker then
 *       costs some thousands of wake-ups a second instead of a core, and the first packet after a
 *       quiet spell waits up to the longest park plus the kernel's timer slack (about 50 µs on
 *       Linux): up to about 0.25 ms. Under steady traffic the worker never parks and forwards as
 *       with {@link #SPIN}.</li>
 * </ul>
 */
public enum WorkerIdle
{
    /** Poll without pause: dedicated cores. */
    SPIN,
    /** Spin, yield, then park up to {@link #BACKOFF_MAX_PARK_NS}: shared hosts. */
    BACKOFF;

    /** Empty polls before a backing-off worker yields. */
    public static final int BACKOFF_SPINS = 100;
    /** Yields before it parks. */
    public static final int BACKOFF_YIELDS = 10;
    /** Its first park. */
    public static final long BACKOFF_MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(1);
    /** Its longest park. */
    public static final long BACKOFF_MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(200);

    /** @return a new idle strategy of this kind, for one worker. */
    public IdleStrategy newStrategy()
    {
        return this == SPIN ? new BusySpinIdleStrategy() :
            new BackoffIdleStrategy(BACKOFF_SPINS, BACKOFF_YIELDS, BACKOFF_MIN_PARK_NS, BACKOFF_MAX_PARK_NS);
    }

    /**
     * Parses the configuration's name for it.
     *
     * @param name {@code spin} or {@code backoff}.
     * @return the kind.
     * @throws IllegalArgumentException for any other name.
     */
    public static WorkerIdle parse(final String name)
    {
        return switch (name)
        {
            case "spin" -> SPIN;
            case "backoff" -> BACKOFF;
            default -> throw new IllegalArgumentException("worker idle " + name + " is not spin or backoff");
        };
    }

    /** @return the configuration's name for it. */
    public String configName()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
