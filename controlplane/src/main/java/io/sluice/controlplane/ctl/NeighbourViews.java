package io.sluice.controlplane.ctl;

import java.util.Locale;
import java.util.Map;

import io.sluice.controlplane.api.v1.GetNeighboursResponse;
import io.sluice.controlplane.api.v1.Neighbour;

/**
 * The text {@code sluice ctl neighbours} prints: the counts of the neighbour table on one line, then
 * one row per entry with its state, MAC, how long it has been unresolved and the requests sent.
 */
final class NeighbourViews
{
    private static final String ROW = "%-39s %-10s %-17s %12s %8s%s%n";

    private NeighbourViews()
    {
    }

    /**
     * Renders a {@code GetNeighbours} reply.
     *
     * @param reply the reply.
     * @return the text, lines ending in a newline.
     */
    static String neighbours(final GetNeighboursResponse reply)
    {
        final StringBuilder out = new StringBuilder(256 + 96 * reply.getNeighboursCount());
        out.append("NEIGHBOURS");
        for (final Map.Entry<String, Long> count : reply.getCountsMap().entrySet())
        {
            out.append("  ").append(count.getKey()).append(' ').append(count.getValue());
        }
        out.append(String.format(Locale.ROOT, "%n%n" + ROW, "ADDRESS", "STATE", "MAC", "UNRESOLVED", "ASKED", ""));
        if (reply.getNeighboursCount() == 0)
        {
            out.append("(none)").append(System.lineSeparator());
        }
        for (final Neighbour neighbour : reply.getNeighboursList())
        {
            final String unresolved = neighbour.hasUnresolvedFor() ? seconds(neighbour.getUnresolvedFor()) : "-";
            out.append(String.format(Locale.ROOT, ROW, neighbour.getAddress(), neighbour.getState(),
                neighbour.getMac().isEmpty() ? "-" : neighbour.getMac(), unresolved, neighbour.getAttempts(),
                neighbour.getRetired() ? "  (retired)" : ""));
        }
        return out.toString();
    }

    private static String seconds(final com.google.protobuf.Duration duration)
    {
        return String.format(Locale.ROOT, "%.1fs", duration.getSeconds() + duration.getNanos() / 1e9);
    }
}
