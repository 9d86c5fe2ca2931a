package io.sluice.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import io.sluice.bench.report.ChartSpec.Bars;
import io.sluice.bench.report.ChartSpec.Level;
import io.sluice.bench.report.ChartSpec.Lines;
import io.sluice.bench.report.ChartSpec.Series;

/**
 * Draws a {@link ChartSpec} with XChart into a PNG of {@link #WIDTH} by {@link #HEIGHT} pixels.
 * Needs no display: run it with {@code java.awt.headless=true} (the command sets it).
 */
public final class ChartRenderer
{
    /** Width of every chart, pixels. */
    public static final int WIDTH = 1000;
    /** Height of every chart, pixels, and of a line chart's plot above a legend of more than {@link #LEGEND_IN_ONE_ROW} lines. */
    public static final int HEIGHT = 620;
    /** The most lines a line chart's legend shows in one row under the plot; more go one per row. */
    public static final int LEGEND_IN_ONE_ROW = 4;
    /** The height a legend row adds to a line chart, pixels. */
    public static final int LEGEND_ROW = 22;

    private static final BasicStroke LEVEL_STROKE = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[]{8f, 5f}, 0f);
    private static final Color[] LEVEL_COLORS = {new Color(90, 90, 90), new Color(160, 160, 160), new Color(120, 60, 60),
        new Color(60, 60, 120)};

    private ChartRenderer()
    {
    }

    /**
     * Draws a chart into memory.
     *
     * @param spec the chart.
     * @return the PNG's bytes.
     * @throws IOException when the encoder fails.
     */
    public static byte[] render(final ChartSpec spec) throws IOException
    {
        final Chart<?, ?> chart = switch (spec)
        {
            case Lines lines -> lines(lines);
            case Bars bars -> bars(bars);
        };
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart lines(final Lines spec)
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(height(spec)).title(spec.title()).xAxisTitle(spec.xTitle())
            .yAxisTitle(spec.yTitle()).build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(spec.logX());
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.getStyler().setXAxisDecimalPattern("#,##0.###");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(legendLines(spec) > LEGEND_IN_ONE_ROW ? Styler.LegendLayout.Vertical :
            Styler.LegendLayout.Horizontal);
        for (final Series series : spec.series())
        {
            if (series.error() == null)
            {
                chart.addSeries(series.name(), series.x(), series.y());
            }
            else
            {
                chart.addSeries(series.name(), series.x(), series.y(), series.error());
            }
        }
        final double[] span = span(spec);
        for (int i = 0; i < spec.levels().size(); i++)
        {
            final Level level = spec.levels().get(i);
            final XYSeries line = chart.addSeries(level.name(), span, new double[]{level.y(), level.y()});
            line.setMarker(SeriesMarkers.NONE);
            line.setLineStyle(LEVEL_STROKE);
            line.setLineColor(LEVEL_COLORS[i % LEVEL_COLORS.length]);
        }
        return chart;
    }

    /**
     * The height of a chart's PNG: {@link #HEIGHT}, and for a line chart with more legend lines than fit
     * in one row (several result files drawn together) a row more for each line, so the legend is not
     * cut off at the sides and the plot keeps its size.
     *
     * @param spec the chart.
     * @return pixels.
     */
    public static int height(final ChartSpec spec)
    {
        return spec instanceof Lines lines && legendLines(lines) > LEGEND_IN_ONE_ROW ? HEIGHT + LEGEND_ROW * legendLines(lines) : HEIGHT;
    }

    private static int legendLines(final Lines spec)
    {
        return spec.series().size() + spec.levels().size();
    }

    private static CategoryChart bars(final Bars spec)
    {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(spec.title())
            .xAxisTitle(spec.xTitle()).yAxisTitle(spec.yTitle()).build();
        style(chart.getStyler());
        chart.getStyler().setStacked(spec.stacked());
        chart.getStyler().setYAxisLogarithmic(spec.logY());
        if (spec.logY())
        {
            chart.getStyler().setYAxisMin(decadeBelow(spec.series()));
        }
        chart.getStyler().setXAxisLabelRotation(spec.categories().size() > 4 ? 30 : 0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setAvailableSpaceFill(spec.stacked() ? 0.6 : 0.8);
        for (final Series series : spec.series())
        {
            chart.addSeries(series.name(), spec.categories(), Arrays.stream(series.y()).boxed().toList());
        }
        return chart;
    }

    private static void style(final org.knowm.xchart.style.AxesChartStyler styler)
    {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(true);
        styler.setPlotGridLinesColor(new Color(225, 225, 225));
        styler.setLegendBorderColor(Color.WHITE);
        styler.setAntiAlias(true);
    }

    /** The power of ten at or below the smallest positive value: a log axis' floor (bars otherwise start at 0). */
    private static double decadeBelow(final List<Series> series)
    {
        final double min = series.stream().flatMapToDouble(s -> Arrays.stream(s.y())).filter(y -> y > 0).min().orElse(1);
        return Math.pow(10, Math.floor(Math.log10(min)));
    }

    /** The x range the reference lines cross: the data's, widened when it is one value. */
    private static double[] span(final Lines spec)
    {
        final List<Series> series = spec.series();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (final Series s : series)
        {
            for (final double x : s.x())
            {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        if (min > max)
        {
            return new double[]{0, 1};
        }
        if (min == max)
        {
            return spec.logX() || min > 0 ? new double[]{min / 2, max * 2} : new double[]{min - 1, max + 1};
        }
        return new double[]{min, max};
    }
}
