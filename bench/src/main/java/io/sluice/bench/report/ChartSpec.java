package io.sluice.bench.report;

import java.util.List;

/**
 * What one chart shows, before it is drawn: its file, title, axes and data. {@link ReportCharts}
 * makes these from the results, {@link ChartRenderer} draws them.
 */
public sealed interface ChartSpec permits ChartSpec.Lines, ChartSpec.Bars
{
    /** @return the PNG's file name. */
    String fileName();

    /** @return the chart's title. */
    String title();

    /**
     * Points joined by lines over a numeric x axis, with horizontal reference lines.
     *
     * @param fileName the PNG's file name.
     * @param title    the chart's title.
     * @param xTitle   the x axis' title, with its unit.
     * @param yTitle   the y axis' title, with its unit.
     * @param logX     whether the x axis is logarithmic.
     * @param series   the series.
     * @param levels   the horizontal lines.
     */
    record Lines(String fileName, String title, String xTitle, String yTitle, boolean logX, List<Series> series, List<Level> levels)
        implements ChartSpec
    {
    }

    /**
     * Bars over named categories: side by side, or stacked.
     *
     * @param fileName   the PNG's file name.
     * @param title      the chart's title.
     * @param xTitle     the x axis' title: what a category is.
     * @param yTitle     the y axis' title, with its unit.
     * @param logY       whether the y axis is logarithmic.
     * @param stacked    whether a category's bars are stacked into one.
     * @param categories the categories, left to right.
     * @param series     the series, one value per category each.
     */
    record Bars(String fileName, String title, String xTitle, String yTitle, boolean logY, boolean stacked, List<String> categories,
        List<Series> series) implements ChartSpec
    {
    }

    /**
     * One series: a name and its values ({@code x} is the category index for bars).
     *
     * @param name  the legend's name.
     * @param x     the x values.
     * @param y     the y values.
     * @param error each value's error (a half-width; 0 for none), or null for no error bars.
     */
    record Series(String name, double[] x, double[] y, double[] error)
    {
    }

    /**
     * A horizontal reference line.
     *
     * @param name the legend's name.
     * @param y    its height.
     */
    record Level(String name, double y)
    {
    }
}
