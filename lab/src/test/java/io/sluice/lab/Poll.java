package io.sluice.lab;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Waiting for a condition in the lab without fixed sleeps: a probe is read every
 * {@value #INTERVAL_MS} ms until it satisfies the condition or the deadline passes, and the last
 * value read is handed back either way, so the caller's assertion quotes what was really seen.
 */
final class Poll
{
    private static final long INTERVAL_MS = 20;
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);

    /** A probe that may fail, e.g. by reading a file that is not there yet. */
    @FunctionalInterface
    interface Probe<T>
    {
        /**
         * Reads the current value.
         *
         * @return the value.
         * @throws Exception when it cannot be read now; the poll tries again until the deadline.
         */
        T read() throws Exception;
    }

    /**
     * What a poll ended with.
     *
     * @param value   the last value read, null when the probe never succeeded.
     * @param met     whether the condition held for it.
     * @param failure the probe's last exception when it never succeeded, else null.
     * @param <T>     the probe's type.
     */
    record Outcome<T>(T value, boolean met, Exception failure)
    {
        /** @return a description of the last value or failure, for assertion messages. */
        String describe()
        {
            return failure != null && value == null ? "never read: " + failure : String.valueOf(value);
        }
    }

    private Poll()
    {
    }

    /**
     * Reads a probe until a condition holds or a deadline passes.
     *
     * @param timeout   how long to keep trying.
     * @param probe     what to read; an exception counts as "not yet".
     * @param condition when to stop.
     * @param <T>       the probe's type.
     * @return the last value, and whether the condition held for it.
     */
    static <T> Outcome<T> until(final Duration timeout, final Probe<T> probe, final Predicate<T> condition)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        T value = null;
        Exception failure = null;
        while (true)
        {
            try
            {
                value = probe.read();
                failure = null;
                if (condition.test(value))
                {
                    return new Outcome<>(value, true, null);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return new Outcome<>(value, false, ex);
            }
            catch (final Exception ex)
            {
                failure = ex;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                return new Outcome<>(value, false, failure);
            }
            LockSupport.parkNanos(INTERVAL_NS);
        }
    }
}
