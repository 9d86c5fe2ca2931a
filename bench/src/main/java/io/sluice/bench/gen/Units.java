package io.sluice.bench.gen;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Parses the command line's quantities: counts with an optional {@code k}, {@code M} or {@code G}
 * (10^3, 10^6, 10^9: {@code 1.5M}) and durations with a unit ({@code 250us}, {@code 500ms},
 * {@code 10s}, {@code 2m}, {@code 1h}; a bare number is seconds).
 */
public final class Units
{
    private Units()
    {
    }

    /**
     * @param text the count, e.g. {@code 10M}.
     * @return the count.
     * @throws IllegalArgumentException naming the text when it is not a whole count.
     */
    public static long count(final String text)
    {
        final String trimmed = text.trim();
        final char last = trimmed.isEmpty() ? ' ' : trimmed.charAt(trimmed.length() - 1);
        final long scale = switch (last)
        {
            case 'k', 'K' -> 1_000L;
            case 'm', 'M' -> 1_000_000L;
            case 'g', 'G' -> 1_000_000_000L;
            default -> 1L;
        };
        final String number = scale == 1 ? trimmed : trimmed.substring(0, trimmed.length() - 1);
        try
        {
            return new BigDecimal(number).multiply(BigDecimal.valueOf(scale)).longValueExact();
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not a whole count (examples: 1000, 10k, 1.5M)");
        }
    }

    /**
     * @param text the duration, e.g. {@code 500ms}.
     * @return nanoseconds.
     * @throws IllegalArgumentException naming the text when it is not a duration.
     */
    public static long durationNs(final String text)
    {
        final String trimmed = text.trim().toLowerCase(Locale.ROOT);
        int split = trimmed.length();
        while (split > 0 && Character.isLetter(trimmed.charAt(split - 1)))
        {
            split--;
        }
        final long unitNs = switch (trimmed.substring(split))
        {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "", "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> -1L;
        };
        try
        {
            if (unitNs < 0)
            {
                throw new NumberFormatException();
            }
            final BigDecimal value = new BigDecimal(trimmed.substring(0, split));
            if (value.signum() < 0)
            {
                throw new NumberFormatException();
            }
            return value.multiply(BigDecimal.valueOf(unitNs)).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 250us, 500ms, 10s, 2m)");
        }
    }
}
