package io.sluice.bench.report;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.bench.report.ChartSpec.Bars;
import io.sluice.bench.report.ChartSpec.Level;
import io.sluice.bench.report.ChartSpec.Lines;
import io.sluice.bench.report.ChartSpec.Series;
import io.sluice.bench.report.ReportCharts.Plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart data made from results files: each series holds exactly the file's figures. */
class ReportChartsTest
{
    private static final double EXACT = 0;

    @Test
    void shouldDrawMppsAgainstActiveFlowsPerModeAndNewFlowShareWithTestpmdCeilings()
    {
        final Lines chart = (Lines)chart(e2ePlan(), ReportCharts.THROUGHPUT);

        assertEquals(List.of("ipip, 0% new flows", "ipip, 10% new flows", "nat, 0% new flows"), names(chart.series()));
        final Series ipip = chart.series().get(0);
        assertArrayEquals(new double[]{1_000, 100_000}, ipip.x(), EXACT, "sorted by active flows, 1k and 100k as numbers");
        assertArrayEquals(new double[]{5.5063, 4.5391}, ipip.y(), EXACT);
        assertArrayEquals(new double[]{1_000}, chart.series().get(1).x(), EXACT);
        assertArrayEquals(new double[]{5.2828}, chart.series().get(1).y(), EXACT);
        assertArrayEquals(new double[]{1_000_000}, chart.series().get(2).x(), EXACT);
        assertArrayEquals(new double[]{4.0466}, chart.series().get(2).y(), EXACT);
        assertEquals(List.of(6.4867, 6.4553), chart.levels().stream().map(Level::y).toList(), "the ceilings are testpmd's figures");
        assertTrue(chart.levels().get(0).name().contains("testpmd io"), chart.levels().get(0).name());
        assertTrue(chart.levels().get(1).name().contains("testpmd macswap"), chart.levels().get(1).name());
        assertTrue(chart.logX(), "1k to 1M spans three decades");
    }

    @Test
    void shouldLeaveOutPointsWithoutAPacedRunWhenDrawingLatency()
    {
        final Bars chart = (Bars)chart(e2ePlan(), ReportCharts.LATENCY);

        assertEquals(List.of("ipip 1k 0% new", "ipip 1k 10% new", "nat 1M 0% new"), chart.categories(), "not the 100k point");
        assertEquals(List.of("p50", "p99", "p99.9"), names(chart.series()));
        assertArrayEquals(new double[]{2.455, 0.832, 3.347}, chart.series().get(0).y(), EXACT);
        assertArrayEquals(new double[]{307.455, 286.975, 3702.783}, chart.series().get(1).y(), EXACT);
        assertArrayEquals(new double[]{4077.567, 2912.255, 5029.887}, chart.series().get(2).y(), EXACT);
        assertTrue(chart.logY());
        assertFalse(chart.stacked());
        assertTrue(chart.title().contains("1M packets/s"), chart.title());
    }

    @Test
    void shouldStackTheWorkersStagesPerPointWithAProfile()
    {
        final Bars chart = (Bars)chart(e2ePlan(), ReportCharts.PROFILE);

        assertEquals(List.of("ipip 100k 0% new", "ipip 1k 0% new", "ipip 1k 10% new"), chart.categories(), "nat has no profile");
        assertEquals(List.of("commands", "rx", "pipeline", "tx", "free", "expiry", "housekeeping", "loop"), names(chart.series()));
        assertArrayEquals(new double[]{1.6, 1.5, 1.7}, chart.series().get(0).y(), EXACT);
        assertArrayEquals(new double[]{39.5, 40.0, 41.0}, chart.series().get(1).y(), EXACT);
        assertArrayEquals(new double[]{77.4, 113.6, 90.0}, chart.series().get(2).y(), EXACT);
        assertArrayEquals(new double[]{54.7, 55.0, 56.0}, chart.series().get(3).y(), EXACT);
        assertArrayEquals(new double[]{1.0, 0.9, 1.1}, chart.series().get(4).y(), EXACT);
        assertArrayEquals(new double[]{0, 0, 0}, chart.series().get(5).y(), EXACT, "records before the expiry stage: in housekeeping");
        assertArrayEquals(new double[]{12.1, 18.1, 13.0}, chart.series().get(6).y(), EXACT);
        assertArrayEquals(new double[]{2.0, 2.6, 2.2}, chart.series().get(7).y(), EXACT);
        assertTrue(chart.stacked());
    }

    @Test
    void shouldCountEntriesOfAnotherKindAndDrawWithoutThem()
    {
        final E2eResults results = E2eResults.parse(Fixtures.E2E, "e2e.json");

        assertEquals(Map.of("scaling", 1), results.ignoredKinds());
        assertEquals(4, results.points().size());
        assertTrue(e2ePlan().skipped().stream().anyMatch(line -> line.contains("'scaling' ignored")), e2ePlan().skipped().toString());
    }

    @Test
    void shouldIgnoreAWholeFileOfAnotherKind()
    {
        final Plan plan = ReportCharts.e2e(List.of(E2eResults.parse("{\"kind\":\"scaling\",\"points\":[]}", "scaling.json")));

        assertTrue(plan.charts().isEmpty());
        assertTrue(plan.skipped().stream().anyMatch(line -> line.contains("'scaling' ignored")), plan.skipped().toString());
    }

    @Test
    void shouldSkipLatencyAndSayWhyWhenNoPointHasAPacedRun()
    {
        final String json = "{\"results\":[{\"kind\":\"sluice\",\"mode\":\"ipip\",\"flows\":\"1k\",\"newFlowsPercent\":0," +
            "\"rxMpps\":5.5,\"latencyRate\":\"0\",\"latency\":null,\"worker\":" + Fixtures.worker(1, 2, 3, 4, 5, 6, 7) + "}]}";

        final Plan plan = ReportCharts.e2e(List.of(E2eResults.parse(json, "median.json")));

        assertEquals(List.of(ReportCharts.THROUGHPUT, ReportCharts.PROFILE), plan.charts().stream().map(ChartSpec::fileName).toList());
        assertTrue(plan.skipped().stream().anyMatch(line -> line.startsWith(ReportCharts.LATENCY + ": no point has a paced")),
            plan.skipped().toString());
        assertFalse(((Lines)plan.charts().get(0)).logX(), "one x value spans no decade");
    }

    @Test
    void shouldNameSeriesAndCeilingsByFileWhenGivenSeveralFiles()
    {
        final Plan plan = ReportCharts.e2e(List.of(E2eResults.parse(Fixtures.E2E, "bench/records/e2e-a.json"),
            E2eResults.parse(Fixtures.E2E, "b.json")));
        final Lines chart = (Lines)chart(plan, ReportCharts.THROUGHPUT);

        assertEquals("a: ipip, 0% new flows", chart.series().get(0).name());
        assertEquals("b: ipip, 0% new flows", chart.series().get(3).name());
        assertEquals(4, chart.levels().size());
        assertTrue(chart.levels().get(2).name().startsWith("b: testpmd io"), chart.levels().get(2).name());
    }

    @Test
    void shouldDrawScaleBenchmarkAndMaglevBuildInNanosAndMillis()
    {
        final Plan plan = ReportCharts.jmh(JmhResults.parse(Fixtures.JMH, "jmh.json"));

        final Series byFlows = ((Lines)chart(plan, ReportCharts.SCALE_FLOWS)).series().get(0);
        assertArrayEquals(new double[]{1, 1000, 10_000_000}, byFlows.x(), EXACT);
        assertArrayEquals(new double[]{24.25, 31.5, 142.5}, byFlows.y(), 1e-9, "0.1425 us/op is 142.5 ns");
        assertArrayEquals(new double[]{0, 0.4, 2}, byFlows.error(), 1e-9, "NaN error is no error bar");
        final Lines byBackends = (Lines)chart(plan, ReportCharts.SCALE_BACKENDS);
        assertEquals(2, byBackends.series().size());
        assertArrayEquals(new double[]{10}, byBackends.series().get(0).x(), EXACT);
        assertArrayEquals(new double[]{33.0}, byBackends.series().get(0).y(), EXACT);
        assertArrayEquals(new double[]{10_000}, byBackends.series().get(1).x(), EXACT);
        assertArrayEquals(new double[]{88.0}, byBackends.series().get(1).y(), EXACT);
        final Lines maglev = (Lines)chart(plan, ReportCharts.MAGLEV_BUILD);
        assertArrayEquals(new double[]{100}, maglev.series().get(0).x(), EXACT);
        assertArrayEquals(new double[]{1.75}, maglev.series().get(0).y(), 1e-12);
        assertTrue(maglev.yTitle().contains("ms"), maglev.yTitle());
        assertTrue(plan.skipped().isEmpty(), plan.skipped().toString());
    }

    @Test
    void shouldSkipScaleChartsAndSayHowToRunThemWhenTheJmhRunHadNone()
    {
        final String json = "[" + Fixtures.jmh("io.sluice.bench.maglev.MaglevTableBuilderBenchmark.build",
            "{\"backends\":\"1000\"}", 2500, 10, "us/op") + "]";

        final Plan plan = ReportCharts.jmh(JmhResults.parse(json, "jmh.json"));

        assertEquals(List.of(ReportCharts.MAGLEV_BUILD), plan.charts().stream().map(ChartSpec::fileName).toList());
        assertArrayEquals(new double[]{2.5}, ((Lines)plan.charts().get(0)).series().get(0).y(), 1e-12);
        assertEquals(2, plan.skipped().size());
        assertTrue(plan.skipped().get(0).contains("./sluice bench ScaleBenchmark"), plan.skipped().get(0));
    }

    @Test
    void shouldDrawTheScoresOfSeveralJmhFilesTogether()
    {
        final JmhResults flows = JmhResults.parse("[" + Fixtures.jmh("io.sluice.bench.pipeline.ScaleBenchmark.establishedByFlows",
            "{\"flows\":\"100000\"}", 253, 25, "ns/op") + "]", "scale-flows.json");
        final JmhResults more = JmhResults.parse("[" + Fixtures.jmh("io.sluice.bench.pipeline.ScaleBenchmark.establishedByFlows",
            "{\"flows\":\"1\"}", 68.8, 5, "ns/op") + "]", "scale-flows-1.json");

        final Plan plan = ReportCharts.jmh(JmhResults.merge(List.of(flows, more)));

        final Series byFlows = ((Lines)chart(plan, ReportCharts.SCALE_FLOWS)).series().get(0);
        assertArrayEquals(new double[]{1, 100_000}, byFlows.x(), EXACT);
        assertArrayEquals(new double[]{68.8, 253}, byFlows.y(), EXACT);
        assertTrue(plan.skipped().get(0).contains("scale-flows.json, scale-flows-1.json"), plan.skipped().get(0));
    }

    @Test
    void shouldTakeThroughputScoresAsTimePerOperation()
    {
        final JmhResults.Score score = new JmhResults.Score("X.y", Map.of(), 20, 2, "ops/us");

        assertArrayEquals(new double[]{50, 5}, score.timePerOp(java.util.concurrent.TimeUnit.NANOSECONDS), 1e-9);
        assertNull(new JmhResults.Score("X.y", Map.of(), 20, 2, "bytes").timePerOp(java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    private static Plan e2ePlan()
    {
        return ReportCharts.e2e(List.of(E2eResults.parse(Fixtures.E2E, "e2e.json")));
    }

    private static ChartSpec chart(final Plan plan, final String fileName)
    {
        return plan.charts().stream().filter(chart -> chart.fileName().equals(fileName)).findFirst()
            .orElseThrow(() -> new AssertionError(fileName + " not in " + plan));
    }

    private static List<String> names(final List<Series> series)
    {
        return series.stream().map(Series::name).toList();
    }

    @Test
    void shouldReadTheExpiryStageOfAWorkerProfileAsTheEndToEndBenchWritesIt()
    {
        final String worker = new io.sluice.bench.e2e.WorkerProfile(100, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0).json();
        final String file = "{\"results\":[{\"kind\":\"sluice\",\"mode\":\"ipip\",\"flows\":\"1k\",\"newFlowsPercent\":0," +
            "\"rxMpps\":5.0,\"ofCeiling\":0.8,\"latencyRate\":\"0\",\"latency\":null,\"worker\":" + worker + ",\"throughput\":{}}]}";

        final E2eResults.Stages stages = E2eResults.parse(file, "e2e.json").points().getFirst().worker();

        assertEquals(new E2eResults.Stages(1, 2, 3, 4, 5, 6, 7, 8), stages);
    }

    @Test
    void shouldTakeTheCeilingMeasuredAtTheEndOfTheRunAsALineOfItsOwn()
    {
        final String file = "{\"results\":[{\"kind\":\"ceiling\",\"forward\":\"io\",\"rxMpps\":6.5}," +
            "{\"kind\":\"ceiling-end\",\"forward\":\"io\",\"rxMpps\":5.25}]}";

        final E2eResults results = E2eResults.parse(file, "e2e.json");

        assertEquals(List.of(new E2eResults.Ceiling("io", 6.5), new E2eResults.Ceiling("io at the end", 5.25)), results.ceilings());
        assertEquals(Map.of(), results.ignoredKinds());
    }
}
