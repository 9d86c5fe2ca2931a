package io.sluice.dataplane.stats;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;


/**
 * One worker's counters: the {@link WorkerCounter}s and one per {@link DropReason}.
 * <p>
 * The worker increments plain {@code long}s (no fences on the per-packet path) and calls
 * {@link #publish()} once per duty cycle, which copies them with release semantics into Agrona
 * {@link AtomicCounter}s that other threads and processes read ({@code sluice stat}, metrics).
 * Single writer: the owning worker.
 */
public final class DataplaneCounters
{
    private static final int DROP_BASE = WorkerCounter.count();
    private static final int FORWARDED = WorkerCounter.FORWARDED.ordinal();
    private static final int REPLIED = WorkerCounter.REPLIED.ordinal();
    private static final int PUNTED = WorkerCounter.PUNTED.ordinal();
    private static final int DROPPED = WorkerCounter.DROPPED.ordinal();

    private final long[] values = new long[DROP_BASE + DropReason.count()];
    private final AtomicCounter[] published;

    /** Counters that are not published anywhere (tests, benchmarks). */
    public DataplaneCounters()
    {
        this.published = null;
    }

    /**
     * Counters published through a counters manager, labelled {@code worker N: label}.
     *
     * @param manager  where to allocate the published counters.
     * @param workerId the worker's number.
     */
    public DataplaneCounters(final CountersManager manager, final int workerId)
    {
        published = new AtomicCounter[values.length];
        for (int i = 0; i < values.length; i++)
        {
            final int ordinal = i;
            published[i] = manager.newCounter("worker " + workerId + ": " + label(i), StatsFile.WORKER_COUNTER_TYPE, key ->
            {
                key.putInt(0, workerId);
                key.putInt(4, ordinal);
            });
        }
    }

    /**
     * The label of a counter by its ordinal in a worker's block.
     *
     * @param index a {@link WorkerCounter} ordinal, or {@code WorkerCounter.count()} plus a {@link DropReason} ordinal.
     * @return e.g. {@code rx-packets} or {@code drop no-vip}.
     */
    public static String label(final int index)
    {
        return index < DROP_BASE ? WorkerCounter.of(index).label() : "drop " + DropReason.of(index - DROP_BASE).label();
    }

    /** Adds one to a counter. */
    public void increment(final WorkerCounter counter)
    {
        values[counter.ordinal()]++;
    }

    /** Adds to a counter. */
    public void add(final WorkerCounter counter, final long delta)
    {
        values[counter.ordinal()] += delta;
    }

    /** Sets a gauge-like counter (generation, active flows). */
    public void set(final WorkerCounter counter, final long value)
    {
        values[counter.ordinal()] = value;
    }

    /**
     * Counts one packet's outcome: the only place a packet is counted as forwarded, replied,
     * punted or dropped, so {@code rx = forwarded + replied + punted + drops} holds.
     *
     * @param verdict    {@link Verdict#FORWARD}, {@link Verdict#REPLY}, {@link Verdict#PUNT} or {@link Verdict#DROP}.
     * @param dropReason for a drop, its {@link DropReason} ordinal; ignored otherwise.
     * @throws IllegalArgumentException for another verdict.
     */
    public void settle(final int verdict, final int dropReason)
    {
        if (verdict == Verdict.FORWARD)
        {
            values[FORWARDED]++;
        }
        else
        {
            settleOther(verdict, dropReason);
        }
    }

    /** {@link #settle} of the verdicts other than the common one, apart so that {@code settle} stays small enough to inline. */
    private void settleOther(final int verdict, final int dropReason)
    {
        switch (verdict)
        {
            case Verdict.REPLY -> values[REPLIED]++;
            case Verdict.PUNT -> values[PUNTED]++;
            case Verdict.DROP ->
            {
                values[DROP_BASE + dropReason]++;
                values[DROPPED]++;
            }
            default -> throw new IllegalArgumentException("not an outcome: " + Verdict.name(verdict));
        }
    }

    /**
     * Counts a packet dropped for a reason the pipeline did not give (the worker's own: a full
     * queue, a multi-segment frame, an internal error).
     *
     * @param reason why.
     */
    public void dropped(final DropReason reason)
    {
        settle(Verdict.DROP, reason.ordinal());
    }

    /**
     * The values themselves, indexed by {@link WorkerCounter#ordinal()}, for the pipeline of the
     * same worker to count its per-packet event counters (flow hits, new flows) with a plain array
     * increment.
     *
     * @return the live array (not a copy); only the worker's thread writes it.
     */
    public long[] values()
    {
        return values;
    }

    /** @return a counter's value as the owning thread sees it. */
    public long get(final WorkerCounter counter)
    {
        return values[counter.ordinal()];
    }

    /** @return a drop counter's value as the owning thread sees it. */
    public long get(final DropReason reason)
    {
        return values[DROP_BASE + reason.ordinal()];
    }

    /** @return the sum of all drop-reason counters. */
    public long dropsByReason()
    {
        long sum = 0;
        for (int i = DROP_BASE; i < values.length; i++)
        {
            sum += values[i];
        }
        return sum;
    }

    /** Copies every value to its published counter with release semantics; no-op when unpublished. */
    public void publish()
    {
        if (published != null)
        {
            for (int i = 0; i < values.length; i++)
            {
                published[i].setRelease(values[i]);
            }
        }
    }

    /**
     * Reads a published value from any thread.
     *
     * @return the value last published, or 0 when unpublished.
     */
    public long readPublished(final WorkerCounter counter)
    {
        return published == null ? 0 : published[counter.ordinal()].get();
    }

    /**
     * Reads a published drop counter from any thread.
     *
     * @return the value last published, or 0 when unpublished.
     */
    public long readPublished(final DropReason reason)
    {
        return published == null ? 0 : published[DROP_BASE + reason.ordinal()].get();
    }

    /** Frees the published counters. */
    public void close()
    {
        if (published != null)
        {
            for (final AtomicCounter counter : published)
            {
                counter.close();
            }
        }
    }
}
