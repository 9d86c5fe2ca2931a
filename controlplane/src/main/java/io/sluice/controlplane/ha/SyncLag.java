package io.sluice.controlplane.ha;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;

import io.sluice.sync.SyncStatus;

/**
 * The sync agent's replication lag for several readers. The agent hands out its lag as interval
 * histograms, each call starting a new interval ({@link SyncStatus#takeLag()}), so it must have one
 * reader: this holder. Every read drains the agent's interval into a histogram since the start and
 * into the current window; a window of at least {@link #DEFAULT_WINDOW_NS} closes at the first read
 * after that time and becomes the recent one. The metrics and the API both read here, and neither
 * takes values away from the other.
 */
public final class SyncLag
{
    /** Shortest span of the recent window. */
    public static final long DEFAULT_WINDOW_NS = TimeUnit.SECONDS.toNanos(10);

    private static final int DIGITS = 3;

    /**
     * Percentiles of a lag histogram, in nanoseconds.
     *
     * @param count  flows measured.
     * @param meanNs their mean lag.
     * @param p50Ns  the median.
     * @param p99Ns  the 99th percentile.
     * @param p999Ns the 99.9th percentile.
     * @param maxNs  the longest.
     */
    public record Summary(long count, double meanNs, long p50Ns, long p99Ns, long p999Ns, long maxNs)
    {
        /** No flow measured. */
        public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0);

        /**
         * Summarises a histogram.
         *
         * @param histogram lags in nanoseconds.
         * @return its percentiles ({@link #EMPTY} for an empty histogram).
         */
        public static Summary of(final Histogram histogram)
        {
            if (histogram.getTotalCount() == 0)
            {
                return EMPTY;
            }
            return new Summary(histogram.getTotalCount(), histogram.getMean(), histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), histogram.getMaxValue());
        }

        /** @return the sum of the lags, in nanoseconds (as the mean gives it). */
        public double sumNs()
        {
            return meanNs * count;
        }
    }

    private final SyncStatus sync;
    private final NanoClock clock;
    private final long windowNs;
    private final Histogram sinceStart = new Histogram(DIGITS);
    private Histogram window = new Histogram(DIGITS);
    private Histogram recent;
    private long windowStartNs;

    /**
     * @param sync     the agent; this holder becomes the only caller of its {@link SyncStatus#takeLag()}.
     * @param clock    times the windows.
     * @param windowNs shortest span of the recent window, more than 0.
     */
    public SyncLag(final SyncStatus sync, final NanoClock clock, final long windowNs)
    {
        if (sync == null || windowNs <= 0)
        {
            throw new IllegalArgumentException("sync lag needs the agent's status and a window > 0, not " + windowNs + " ns");
        }
        this.sync = sync;
        this.clock = clock;
        this.windowNs = windowNs;
        this.windowStartNs = clock.nanoTime();
    }

    /** @return the lag of every flow measured since the start. */
    public synchronized Summary sinceStart()
    {
        drain();
        return Summary.of(sinceStart);
    }

    /** @return the lag over the last closed window, or over the current one while none has closed yet. */
    public synchronized Summary recent()
    {
        drain();
        return Summary.of(recent == null ? window : recent);
    }

    private void drain()
    {
        final Histogram interval = sync.takeLag();
        sinceStart.add(interval);
        window.add(interval);
        final long nowNs = clock.nanoTime();
        if (nowNs - windowStartNs >= windowNs)
        {
            recent = window;
            window = new Histogram(DIGITS);
            windowStartNs = nowNs;
        }
    }
}
