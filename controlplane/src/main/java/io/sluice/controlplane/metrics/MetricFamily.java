package io.sluice.controlplane.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * One counter or gauge family being filled during a scrape. A label set seen twice keeps its
 * first value: the stats file is read while the dataplane may be renaming an id, and one stale
 * row must not fail the whole scrape with duplicate series.
 */
final class MetricFamily
{
    private final String name;
    private final String help;
    private final boolean gauge;
    private final Unit unit;
    private final Map<Labels, Double> points = new LinkedHashMap<>();

    private MetricFamily(final String name, final String help, final boolean gauge, final Unit unit)
    {
        this.name = name;
        this.help = help;
        this.gauge = gauge;
        this.unit = unit;
    }

    static MetricFamily counter(final String name, final String help, final Unit unit)
    {
        return new MetricFamily(name, help, false, unit);
    }

    static MetricFamily gauge(final String name, final String help, final Unit unit)
    {
        return new MetricFamily(name, help, true, unit);
    }

    static MetricFamily of(final WorkerMetric metric)
    {
        return new MetricFamily(metric.name(), metric.help(), metric.gauge(), metric.unit());
    }

    MetricFamily add(final Labels labels, final double value)
    {
        points.putIfAbsent(labels, value);
        return this;
    }

    MetricSnapshot build()
    {
        if (gauge)
        {
            final GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
            if (unit != null)
            {
                builder.unit(unit);
            }
            points.forEach((labels, value) -> builder.dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build()));
            return builder.build();
        }
        final CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
        if (unit != null)
        {
            builder.unit(unit);
        }
        points.forEach((labels, value) -> builder.dataPoint(
            CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build()));
        return builder.build();
    }
}
