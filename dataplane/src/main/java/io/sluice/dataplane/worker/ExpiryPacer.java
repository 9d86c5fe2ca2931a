package io.sluice.dataplane.worker;

import java.util.concurrent.TimeUnit;

/**
 * Paces a worker's flow-expiry sweep by time instead of by duty cycle: the sweep goes over the whole
 * table once per {@link #SWEEP_PERIOD_NS} (a table of more than 2M flows at
 * {@link #MAX_BUCKETS_PER_SECOND}, see {@link #periodFor}), in slices of a fixed number of buckets due
 * at even intervals, whatever the packet rate.
 * <p>
 * A slice per duty cycle (as before) visited buckets in proportion to the cycles run: a busy worker
 * running some 250,000 cycles a second swept a 1M-flow table about 30 times a second and paid 7 to
 * 15 ns per packet for it, while an idle one swept as often for no packet at all. Paced, the cost is
 * a fixed share of the core (one header line per bucket per period: 131,072 lines a second for 1M
 * flows) and a duty cycle with no slice due pays one comparison.
 * <p>
 * What the period bounds: an expired flow leaves the table (its slot, the active-flow gauge, its
 * backend's count for least connections) at most one period plus two ticks after it expired, unless
 * a lookup or an insert into its bucket frees it first. Lookups never see an expired flow, and full
 * NAT checks a port's reverse entry with the clock, so forwarding does not wait for the sweep.
 * <p>
 * A worker that falls behind (cycles longer than the interval: a huge table, or a parked worker on a
 * shared host) catches up with at most {@link #MAX_SLICES_PER_CYCLE} slices per cycle; one stalled
 * for more than a whole period drops the backlog and starts again from its clock, so it never runs
 * a long sweep in one cycle. Single-threaded: the worker's thread only.
 */
final class ExpiryPacer
{
    /** How long the sweep takes to go over the whole table once. */
    static final long SWEEP_PERIOD_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * The most buckets swept per second: 2M flows' worth. A bucket's header line is a cache miss and,
     * beyond the TLB's reach, a page walk too: 23 to 85 ns each in a 4M-flow table on the reference VM,
     * so this caps the sweep at 0.6 to 2.2% of the worker's core whatever the table's size; larger
     * tables are swept more slowly instead (a 16M-flow table every 8 s).
     */
    static final long MAX_BUCKETS_PER_SECOND = 1L << 18;
    /** Slices are made large enough to be due at most this often. */
    static final long MIN_SLICE_INTERVAL_NS = TimeUnit.MICROSECONDS.toNanos(10);
    /** Most slices one duty cycle runs when the sweep is behind. */
    static final int MAX_SLICES_PER_CYCLE = 8;

    private final long periodNs;
    private final int slice;
    private final long intervalNs;
    private long nextNs;
    private boolean started;

    /**
     * @param buckets  the flow table's buckets.
     * @param minSlice the fewest buckets per slice.
     * @param periodNs how long one pass over the whole table takes.
     * @throws IllegalArgumentException when a value is not positive.
     */
    ExpiryPacer(final int buckets, final int minSlice, final long periodNs)
    {
        if (buckets < 1 || minSlice < 1 || periodNs < 1)
        {
            throw new IllegalArgumentException("buckets " + buckets + ", slice " + minSlice + " and period " + periodNs +
                " ns must be positive");
        }
        this.periodNs = periodNs;
        final long forInterval = ((long)buckets * MIN_SLICE_INTERVAL_NS + periodNs - 1) / periodNs;
        this.slice = (int)Math.min(buckets, Math.max(minSlice, forInterval));
        this.intervalNs = Math.max(1, (long)((double)periodNs * slice / buckets));
    }

    /**
     * The pacer of a worker's table: one pass per {@link #periodFor its period}.
     *
     * @param buckets  the flow table's buckets.
     * @param minSlice the fewest buckets per slice.
     * @return the pacer.
     */
    static ExpiryPacer forTable(final int buckets, final int minSlice)
    {
        return new ExpiryPacer(buckets, minSlice, periodFor(buckets));
    }

    /**
     * How long one pass over a table takes: {@link #SWEEP_PERIOD_NS}, or longer for a table of more
     * than {@link #MAX_BUCKETS_PER_SECOND} buckets, so no more than that many are swept a second.
     *
     * @param buckets the table's buckets.
     * @return the period, ns.
     */
    static long periodFor(final int buckets)
    {
        return Math.max(SWEEP_PERIOD_NS, buckets * SWEEP_PERIOD_NS / MAX_BUCKETS_PER_SECOND);
    }

    /**
     * The buckets to sweep in the duty cycle that starts now; 0 in most cycles.
     *
     * @param nowNs the worker's clock.
     * @return a whole number of slices, at most {@link #MAX_SLICES_PER_CYCLE}.
     */
    int bucketsDue(final long nowNs)
    {
        if (!started)
        {
            started = true;
            nextNs = nowNs;
        }
        final long lateNs = nowNs - nextNs;
        if (lateNs < 0)
        {
            return 0;
        }
        if (lateNs > periodNs)
        {
            nextNs = nowNs + intervalNs;
            return slice;
        }
        final long slices = Math.min(MAX_SLICES_PER_CYCLE, 1 + lateNs / intervalNs);
        nextNs += slices * intervalNs;
        return (int)slices * slice;
    }

    /** @return buckets per slice. */
    int slice()
    {
        return slice;
    }

    /** @return the time between two slices. */
    long intervalNs()
    {
        return intervalNs;
    }
}
