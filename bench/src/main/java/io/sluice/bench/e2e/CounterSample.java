package io.sluice.bench.e2e;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * The packet counters of a running daemon's workers at one moment, read from its stats file by
 * {@link CounterSampler}: per worker, the {@link WorkerCounter}s by ordinal followed by the
 * {@link DropReason}s (the stats file's own numbering), and the port's counters by label
 * ({@code rx-missed}, ...), which the daemon's control thread refreshes once a second.
 *
 * @param sampledNs {@link System#nanoTime()} when the workers' counters were read.
 * @param workers   per worker, {@link #SLOTS} values: a {@link WorkerCounter} at its ordinal, a drop
 *                  reason at {@code WorkerCounter.count()} plus its ordinal.
 * @param port      the port's counters by label, without the {@code port } prefix.
 */
public record CounterSample(long sampledNs, long[][] workers, Map<String, Long> port)
{
    /** Values per worker: every {@link WorkerCounter} and every {@link DropReason}. */
    public static final int SLOTS = WorkerCounter.count() + DropReason.count();

    /**
     * Copies the arrays and checks their sizes.
     */
    public CounterSample
    {
        final long[][] copy = new long[workers.length][];
        for (int w = 0; w < workers.length; w++)
        {
            if (workers[w].length != SLOTS)
            {
                throw new IllegalArgumentException("worker " + w + " has " + workers[w].length + " values, not " + SLOTS);
            }
            copy[w] = workers[w].clone();
        }
        workers = copy;
        port = new LinkedHashMap<>(port);
    }

    /**
     * One worker's counter.
     *
     * @param worker  the worker.
     * @param counter the counter.
     * @return its value.
     */
    public long get(final int worker, final WorkerCounter counter)
    {
        return workers[worker][counter.ordinal()];
    }

    /**
     * One worker's drops of one reason.
     *
     * @param worker the worker.
     * @param reason the reason.
     * @return its count.
     */
    public long drops(final int worker, final DropReason reason)
    {
        return workers[worker][WorkerCounter.count() + reason.ordinal()];
    }

    /**
     * A counter summed over the workers.
     *
     * @param counter the counter.
     * @return the sum.
     */
    public long total(final WorkerCounter counter)
    {
        long sum = 0;
        for (int w = 0; w < workers.length; w++)
        {
            sum += get(w, counter);
        }
        return sum;
    }

    /**
     * Whether one worker's counters are whole: every packet received has its outcome
     * ({@code rx = forwarded + replied + punted + dropped}), every drop its reason, and every frame
     * sent was a forwarded or replied packet or a neighbour request ({@code tx = forwarded + replied
     * + injected}). A worker publishes them together (every 100 µs), so a read that overlapped
     * a publication may see part of it; such a read is repeated.
     *
     * @param worker the worker.
     * @return whether the identities hold.
     */
    public boolean isWhole(final int worker)
    {
        long reasons = 0;
        for (int r = 0; r < DropReason.count(); r++)
        {
            reasons += workers[worker][WorkerCounter.count() + r];
        }
        final long dropped = get(worker, WorkerCounter.DROPPED);
        final long sentOutcomes = get(worker, WorkerCounter.FORWARDED) + get(worker, WorkerCounter.REPLIED);
        return get(worker, WorkerCounter.RX_PACKETS) == sentOutcomes + get(worker, WorkerCounter.PUNTED) + dropped &&
            reasons == dropped && get(worker, WorkerCounter.TX_PACKETS) == sentOutcomes + get(worker, WorkerCounter.INJECTED);
    }

    /**
     * @param worker the worker.
     * @return its accounting in words: rx against the outcomes, drops against their reasons, tx against what was sent.
     */
    public String accounts(final int worker)
    {
        long reasons = 0;
        for (int r = 0; r < DropReason.count(); r++)
        {
            reasons += workers[worker][WorkerCounter.count() + r];
        }
        return "rx " + get(worker, WorkerCounter.RX_PACKETS) + ", forwarded " + get(worker, WorkerCounter.FORWARDED) + " + replied " +
            get(worker, WorkerCounter.REPLIED) + " + punted " + get(worker, WorkerCounter.PUNTED) + " + dropped " +
            get(worker, WorkerCounter.DROPPED) + " (reasons " + reasons + "), tx " + get(worker, WorkerCounter.TX_PACKETS) +
            " with injected " + get(worker, WorkerCounter.INJECTED);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof CounterSample sample && sampledNs == sample.sampledNs && Arrays.deepEquals(workers, sample.workers) &&
            port.equals(sample.port);
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(sampledNs) * 31 + Arrays.deepHashCode(workers);
    }

    @Override
    public String toString()
    {
        return "CounterSample[sampledNs=" + sampledNs + ", workers=" + Arrays.deepToString(workers) + ", port=" + port + "]";
    }
}
