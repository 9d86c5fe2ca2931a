package io.sluice.controlplane.config;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.sluice.dataplane.service.TextExcerpt;

/**
 * Durations as people write them in a configuration file or on a command line: a whole number and
 * a unit, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; {@code 200us} where microseconds matter.
 */
public final class Durations
{
    /** What a valid duration looks like, for messages. */
    public static final String FORM = "a duration such as 200us, 500ms, 30s, 5m or 1h";

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,12})(us|ms|s|m|h)");

    private Durations()
    {
    }

    /**
     * Parses a duration.
     *
     * @param text e.g. {@code 30s}.
     * @return the duration in nanoseconds.
     * @throws IllegalArgumentException when the text is not a number followed by us, ms, s, m or h.
     */
    public static long parseNs(final String text)
    {
        final Matcher matcher = DURATION.matcher(text == null ? "" : text.strip());
        if (!matcher.matches())
        {
            throw new IllegalArgumentException(TextExcerpt.quoted(text) + " is not " + FORM);
        }
        final long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2))
        {
            case "us" -> TimeUnit.MICROSECONDS.toNanos(amount);
            case "ms" -> TimeUnit.MILLISECONDS.toNanos(amount);
            case "s" -> TimeUnit.SECONDS.toNanos(amount);
            case "m" -> TimeUnit.MINUTES.toNanos(amount);
            default -> TimeUnit.HOURS.toNanos(amount);
        };
    }

    /**
     * Formats a duration in the largest unit that represents it exactly.
     *
     * @param durationNs the duration in nanoseconds.
     * @return e.g. {@code 30s}, {@code 1500ms}, {@code 5m}, {@code 200us}; what is finer in ns.
     */
    public static String format(final long durationNs)
    {
        if (durationNs % TimeUnit.HOURS.toNanos(1) == 0 && durationNs != 0)
        {
            return TimeUnit.NANOSECONDS.toHours(durationNs) + "h";
        }
        if (durationNs % TimeUnit.MINUTES.toNanos(1) == 0 && durationNs != 0)
        {
            return TimeUnit.NANOSECONDS.toMinutes(durationNs) + "m";
        }
        if (durationNs % TimeUnit.SECONDS.toNanos(1) == 0)
        {
            return TimeUnit.NANOSECONDS.toSeconds(durationNs) + "s";
        }
        if (durationNs % TimeUnit.MILLISECONDS.toNanos(1) == 0)
        {
            return TimeUnit.NANOSECONDS.toMillis(durationNs) + "ms";
        }
        if (durationNs % TimeUnit.MICROSECONDS.toNanos(1) == 0)
        {
            return TimeUnit.NANOSECONDS.toMicros(durationNs) + "us";
        }
        return durationNs + "ns";
    }
}
