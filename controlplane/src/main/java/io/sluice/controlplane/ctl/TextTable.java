package io.sluice.controlplane.ctl;

import java.util.ArrayList;
import java.util.List;

/**
 * A table for people: a header row and rows, each column as wide as its widest cell, two spaces
 * between columns, text columns aligned left and number columns right, no trailing spaces.
 */
final class TextTable
{
    private static final String GAP = "  ";

    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * A table with its columns.
     *
     * @param headers the column names; a name starting with {@code >} (not printed) makes its column
     *                right-aligned.
     */
    TextTable(final String... headers)
    {
        this.headers = new String[headers.length];
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            rightAligned[i] = headers[i].startsWith(">");
            this.headers[i] = rightAligned[i] ? headers[i].substring(1) : headers[i];
        }
    }

    /**
     * Adds a row.
     *
     * @param cells one per column; null prints as nothing.
     * @return this table.
     */
    TextTable row(final Object... cells)
    {
        if (cells.length != headers.length)
        {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.length + " columns");
        }
        final String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++)
        {
            row[i] = cells[i] == null ? "" : cells[i].toString();
        }
        rows.add(row);
        return this;
    }

    /**
     * Renders the table.
     *
     * @return the header line and the rows, each line ending in {@code \n}.
     */
    String render()
    {
        final int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            widths[i] = headers[i].length();
            for (final String[] row : rows)
            {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        final StringBuilder out = new StringBuilder(128 * (rows.size() + 1));
        line(out, headers, widths);
        for (final String[] row : rows)
        {
            line(out, row, widths);
        }
        return out.toString();
    }

    private void line(final StringBuilder out, final String[] cells, final int[] widths)
    {
        final int start = out.length();
        for (int i = 0; i < cells.length; i++)
        {
            if (i > 0)
            {
                out.append(GAP);
            }
            final int padding = widths[i] - cells[i].length();
            if (rightAligned[i])
            {
                out.repeat(' ', padding).append(cells[i]);
            }
            else
            {
                out.append(cells[i]).repeat(' ', padding);
            }
        }
        int end = out.length();
        while (end > start && out.charAt(end - 1) == ' ')
        {
            end--;
        }
        out.setLength(end);
        out.append('\n');
    }
}
