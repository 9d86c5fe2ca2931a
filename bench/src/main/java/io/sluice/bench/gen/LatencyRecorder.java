package io.sluice.bench.gen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * Latencies recorded by the polling thread into an HdrHistogram and taken, one interval at a time,
 * by the reporting thread: the writer enters a critical section once per received burst (two
 * atomic adds), not once per packet, and records into the active histogram; the reader swaps the
 * active histogram for an empty one and waits for the writer to leave the old one
 * ({@link WriterReaderPhaser}, as HdrHistogram's own recorders do). Histograms are sized once
 * (1 ns to {@link #HIGHEST_NS}, 3 significant digits): recording allocates nothing.
 */
final class LatencyRecorder
{
    /** The highest latency the histograms hold; above it is recorded as this, and counted. */
    static final long HIGHEST_NS = 10_000_000_000L;

    private static final int SIGNIFICANT_DIGITS = 3;

    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private volatile Histogram active = newHistogram();
    private Histogram inactive = newHistogram();

    /**
     * A histogram of the recorder's range, for a reader to add intervals into.
     *
     * @return an empty histogram.
     */
    static Histogram newHistogram()
    {
        return new Histogram(1, HIGHEST_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Starts a burst's recording, on the writer.
     *
     * @return the token for {@link #endBurst(long)}.
     */
    long beginBurst()
    {
        return phaser.writerCriticalSectionEnter();
    }

    /**
     * The histogram to record into between {@link #beginBurst()} and {@link #endBurst(long)}.
     *
     * @return the active histogram.
     */
    Histogram histogram()
    {
        return active;
    }

    /**
     * Ends a burst's recording, on the writer.
     *
     * @param token what {@link #beginBurst()} returned.
     */
    void endBurst(final long token)
    {
        phaser.writerCriticalSectionExit(token);
    }

    /**
     * Takes what was recorded since the last call and adds it to {@code into}; on one reader thread.
     *
     * @param into where to add the interval's latencies.
     */
    void takeInterval(final Histogram into)
    {
        phaser.readerLock();
        try
        {
            final Histogram taken = active;
            inactive.reset();
            active = inactive;
            inactive = taken;
            phaser.flipPhase();
        }
        finally
        {
            phaser.readerUnlock();
        }
        into.add(inactive);
    }
}
