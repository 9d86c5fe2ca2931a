package io.sluice.controlplane.metrics;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.prometheus.metrics.model.snapshots.PrometheusNaming;

import io.sluice.dataplane.stats.WorkerCounter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerMetricTest
{
    @Test
    void shouldGiveEveryWorkerCounterItsOwnValidNameInBaseUnits()
    {
        final Set<String> names = new HashSet<>();
        for (int c = 0; c < WorkerCounter.count(); c++)
        {
            final WorkerMetric metric = WorkerMetric.of(WorkerCounter.of(c));

            assertTrue(names.add(metric.name()), "two counters named " + metric.name());
            assertTrue(PrometheusNaming.isValidLegacyMetricName(metric.name()), metric.name());
            assertTrue(metric.name().startsWith("sluice_worker_"), metric.name());
            assertFalse(metric.name().endsWith("_total"), metric.name() + ": the exposition adds _total to counters");
            assertFalse(metric.name().endsWith("_ns") || metric.name().endsWith("_ppm"), metric.name() + ": base units");
            assertTrue(metric.unit() == null || metric.name().endsWith("_" + metric.unit()), metric.name() + " in " + metric.unit());
            assertFalse(metric.help().isBlank(), metric.name());
        }
    }
}
