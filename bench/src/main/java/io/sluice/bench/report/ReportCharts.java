package io.sluice.bench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import io.sluice.bench.report.ChartSpec.Bars;
import io.sluice.bench.report.ChartSpec.Level;
import io.sluice.bench.report.ChartSpec.Lines;
import io.sluice.bench.report.ChartSpec.Series;
import io.sluice.bench.report.E2eResults.Point;
import io.sluice.bench.report.E2eResults.Stages;

/**
 * Turns results into chart data: the end-to-end charts (throughput, latency, worker profile) and
 * the JMH charts (ScaleBenchmark's cost against flows and backends, the Maglev build). A chart
 * whose data is absent is not made; the plan says why instead.
 */
public final class ReportCharts
{
    /** Mpps against active flows, with testpmd's ceilings. */
    public static final String THROUGHPUT = "e2e-throughput.png";
    /** The paced runs' latency percentiles per point. */
    public static final String LATENCY = "e2e-latency.png";
    /** The worker's ns per packet by stage per point. */
    public static final String PROFILE = "e2e-worker-profile.png";
    /** ScaleBenchmark: ns per packet against active flows. */
    public static final String SCALE_FLOWS = "jmh-scale-flows.png";
    /** ScaleBenchmark: ns per packet against backends. */
    public static final String SCALE_BACKENDS = "jmh-scale-backends.png";
    /** MaglevTableBuilderBenchmark: ms per table build against backends. */
    public static final String MAGLEV_BUILD = "jmh-maglev-build.png";
    /** Every chart's file name. */
    public static final List<String> ALL = List.of(THROUGHPUT, LATENCY, PROFILE, SCALE_FLOWS, SCALE_BACKENDS, MAGLEV_BUILD);

    private static final String POINT_AXIS = "point: mode, active flows, share of packets opening a new flow";
    private static final String[] STAGE_NAMES = {"commands", "rx", "pipeline", "tx", "free", "expiry", "housekeeping", "loop"};
    private static final List<ToDoubleFunction<Stages>> STAGES = List.of(Stages::commandsNs, Stages::rxNs, Stages::pipelineNs,
        Stages::txNs, Stages::freeNs, Stages::expiryNs, Stages::housekeepingNs, Stages::loopNs);

    private ReportCharts()
    {
    }

    /**
     * The charts to draw and the ones left out.
     *
     * @param charts  the charts whose data exists.
     * @param skipped one line per chart (or input) left out, saying why.
     */
    public record Plan(List<ChartSpec> charts, List<String> skipped)
    {
        /**
         * @param other another plan.
         * @return both plans' charts and skips.
         */
        public Plan and(final Plan other)
        {
            final List<ChartSpec> allCharts = new ArrayList<>(charts);
            allCharts.addAll(other.charts);
            final List<String> allSkipped = new ArrayList<>(skipped);
            allSkipped.addAll(other.skipped);
            return new Plan(List.copyOf(allCharts), List.copyOf(allSkipped));
        }
    }

    /**
     * The end-to-end charts of one or more results files. With several files each series, level
     * and category is prefixed by its file's name (without {@code e2e-} and {@code .json}).
     *
     * @param runs the files' results.
     * @return the throughput, latency and worker-profile charts, those with data.
     */
    public static Plan e2e(final List<E2eResults> runs)
    {
        final List<ChartSpec> charts = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        final List<String> prefixes = prefixes(runs);
        for (final E2eResults run : runs)
        {
            run.ignoredKinds().forEach((kind, count) ->
                skipped.add(String.format(Locale.ROOT, "%s: %d entr%s of kind '%s' ignored", run.source(), count, count == 1 ? "y" : "ies",
                    kind)));
        }
        final String files = runs.stream().map(E2eResults::source).collect(Collectors.joining(", "));
        if (runs.stream().allMatch(run -> run.points().isEmpty()))
        {
            skipped.add(THROUGHPUT + ", " + LATENCY + ", " + PROFILE + ": no Sluice points in " + files);
            return new Plan(List.copyOf(charts), List.copyOf(skipped));
        }
        charts.add(throughput(runs, prefixes));
        final ChartSpec latency = latency(runs, prefixes);
        if (latency == null)
        {
            skipped.add(LATENCY + ": no point has a paced latency run in " + files + " (latency null with --latency-rate 0, or a paced run that timed no packet)");
        }
        else
        {
            charts.add(latency);
        }
        final ChartSpec profile = profile(runs, prefixes);
        if (profile == null)
        {
            skipped.add(PROFILE + ": no point has a worker profile in " + files);
        }
        else
        {
            charts.add(profile);
        }
        return new Plan(List.copyOf(charts), List.copyOf(skipped));
    }

    /**
     * The JMH charts of one results file.
     *
     * @param results the file's scores.
     * @return ScaleBenchmark's and the Maglev build's charts, those with data.
     */
    public static Plan jmh(final JmhResults results)
    {
        final List<ChartSpec> charts = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        final String runScale = " (ScaleBenchmark runs only when named: ./sluice bench ScaleBenchmark)";
        final Series byFlows = jmhSeries(results, "ScaleBenchmark.establishedByFlows", "flows",
            "established flows, 100 backends", TimeUnit.NANOSECONDS);
        if (byFlows == null)
        {
            skipped.add(SCALE_FLOWS + ": no ScaleBenchmark.establishedByFlows scores in " + results.source() + runScale);
        }
        else
        {
            charts.add(new Lines(SCALE_FLOWS, "Pipeline cost against active flows (ScaleBenchmark, IPIP, one worker)",
                "active flows in the flow table", "ns per packet", spansDecades(byFlows.x()), List.of(byFlows), List.of()));
        }
        final List<Series> byBackends = new ArrayList<>();
        final Series established = jmhSeries(results, "ScaleBenchmark.establishedByBackends", "backends",
            "established flows (1000 flows)", TimeUnit.NANOSECONDS);
        final Series fresh = jmhSeries(results, "ScaleBenchmark.newFlowByBackends", "backends",
            "new flows (Maglev pick and insert)", TimeUnit.NANOSECONDS);
        if (established != null)
        {
            byBackends.add(established);
        }
        if (fresh != null)
        {
            byBackends.add(fresh);
        }
        if (byBackends.isEmpty())
        {
            skipped.add(SCALE_BACKENDS + ": no ScaleBenchmark.establishedByBackends or newFlowByBackends scores in " +
                results.source() + runScale);
        }
        else
        {
            charts.add(new Lines(SCALE_BACKENDS, "Pipeline cost against backends (ScaleBenchmark, IPIP, one worker)", "backends of the VIP",
                "ns per packet", spansDecades(allX(byBackends)), List.copyOf(byBackends), List.of()));
        }
        final Series maglev = jmhSeries(results, "MaglevTableBuilderBenchmark.build", "backends", "M = 65537 slots",
            TimeUnit.MILLISECONDS);
        if (maglev == null)
        {
            skipped.add(MAGLEV_BUILD + ": no MaglevTableBuilderBenchmark.build scores in " + results.source());
        }
        else
        {
            charts.add(new Lines(MAGLEV_BUILD, "Maglev table build (MaglevTableBuilderBenchmark, weight 1)", "backends",
                "ms per build", spansDecades(maglev.x()), List.of(maglev), List.of()));
        }
        return new Plan(List.copyOf(charts), List.copyOf(skipped));
    }

    /**
     * A skip for an input that is not there when it was not asked for by name.
     *
     * @param file   the default file.
     * @param charts the charts it would have given.
     * @param writer the command that writes it.
     * @return a plan of that skip alone.
     */
    public static Plan absent(final Path file, final String charts, final String writer)
    {
        return new Plan(List.of(), List.of(charts + ": " + file + " does not exist (" + writer + " writes it)"));
    }

    private static Lines throughput(final List<E2eResults> runs, final List<String> prefixes)
    {
        final List<Series> series = new ArrayList<>();
        final List<Level> levels = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++)
        {
            final E2eResults run = runs.get(i);
            final String name = prefixes.get(i);
            final Map<String, List<Point>> groups = run.points().stream().collect(Collectors.groupingBy(
                point -> point.mode() + ", " + point.newFlowsPercent() + "% new flows", LinkedHashMap::new, Collectors.toList()));
            groups.forEach((group, points) ->
            {
                final List<Point> sorted = points.stream().sorted((a, b) -> Long.compare(a.activeFlows(), b.activeFlows())).toList();
                series.add(new Series(name + group, sorted.stream().mapToDouble(Point::activeFlows).toArray(),
                    sorted.stream().mapToDouble(Point::rxMpps).toArray(), null));
            });
            run.ceilings().forEach(ceiling -> levels.add(new Level(String.format(Locale.ROOT, "%stestpmd %s (ceiling), %.2f Mpps",
                name, ceiling.forward(), ceiling.rxMpps()), ceiling.rxMpps())));
        }
        return new Lines(THROUGHPUT, "Sluice end to end: throughput against active flows (one worker, memif)", "active flows",
            "Mpps received back (million packets/s)", spansDecades(allX(series)), List.copyOf(series), List.copyOf(levels));
    }

    private static Bars latency(final List<E2eResults> runs, final List<String> prefixes)
    {
        final List<String> rates = runs.stream().flatMap(run -> run.points().stream()).filter(point -> point.latency() != null)
            .map(Point::latencyRate).distinct().toList();
        final boolean oneRate = rates.size() == 1;
        final Categories categories = new Categories();
        final List<double[]> values = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++)
        {
            for (final Point point : runs.get(i).points())
            {
                if (point.latency() != null)
                {
                    categories.add(prefixes.get(i) + pointLabel(point) + (oneRate ? "" : " @" + point.latencyRate()));
                    values.add(new double[]{point.latency().p50Us(), point.latency().p99Us(), point.latency().p999Us()});
                }
            }
        }
        if (values.isEmpty())
        {
            return null;
        }
        final List<Series> series = new ArrayList<>();
        final String[] names = {"p50", "p99", "p99.9"};
        for (int i = 0; i < names.length; i++)
        {
            final int percentile = i;
            series.add(new Series(names[i], indices(values.size()), values.stream().mapToDouble(v -> v[percentile]).toArray(), null));
        }
        final String title = "Sluice end to end: latency of the paced runs" + (oneRate ? " (" + rates.get(0) + " packets/s offered)" : "");
        return new Bars(LATENCY, title, POINT_AXIS, "latency, µs (log scale)", true, false, categories.names(), List.copyOf(series));
    }

    private static Bars profile(final List<E2eResults> runs, final List<String> prefixes)
    {
        final Categories categories = new Categories();
        final List<Stages> profiles = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++)
        {
            for (final Point point : runs.get(i).points())
            {
                if (point.worker() != null)
                {
                    categories.add(prefixes.get(i) + pointLabel(point));
                    profiles.add(point.worker());
                }
            }
        }
        if (profiles.isEmpty())
        {
            return null;
        }
        final List<Series> series = new ArrayList<>();
        for (int i = 0; i < STAGE_NAMES.length; i++)
        {
            series.add(new Series(STAGE_NAMES[i], indices(profiles.size()), profiles.stream().mapToDouble(STAGES.get(i)).toArray(), null));
        }
        return new Bars(PROFILE, "Where a packet's time goes in the worker (flat-out runs)", POINT_AXIS, "ns per packet", false, true,
            categories.names(), List.copyOf(series));
    }

    private static Series jmhSeries(final JmhResults results, final String benchmark, final String param, final String name,
        final TimeUnit unit)
    {
        final List<double[]> points = new ArrayList<>();
        for (final JmhResults.Score score : results.scores())
        {
            if (!score.is(benchmark))
            {
                continue;
            }
            final String where = results.source() + ": " + score.benchmark();
            final String value = score.params().get(param);
            if (value == null)
            {
                throw new ReportInputException(where + " has no parameter " + param);
            }
            final double[] time = score.timePerOp(unit);
            if (time == null)
            {
                throw new ReportInputException(where + ": unit " + score.unit() + " is not a time per operation");
            }
            try
            {
                points.add(new double[]{Double.parseDouble(value), time[0], Double.isNaN(time[1]) ? 0 : time[1]});
            }
            catch (final NumberFormatException ex)
            {
                throw new ReportInputException(where + ": parameter " + param + " is not a number: " + value);
            }
        }
        if (points.isEmpty())
        {
            return null;
        }
        points.sort((a, b) -> Double.compare(a[0], b[0]));
        for (int i = 1; i < points.size(); i++)
        {
            if (points.get(i)[0] == points.get(i - 1)[0])
            {
                throw new ReportInputException(results.source() + ": " + benchmark + " with " + param + "=" +
                    value(points.get(i)[0]) + " has more than one score (a run given twice, or several -bm modes): " +
                    "give each once");
            }
        }
        return new Series(name, column(points, 0), column(points, 1), column(points, 2));
    }

    private static String value(final double x)
    {
        return x == Math.rint(x) ? Long.toString((long)x) : Double.toString(x);
    }

    private static double[] column(final List<double[]> rows, final int index)
    {
        return rows.stream().mapToDouble(row -> row[index]).toArray();
    }

    private static double[] indices(final int count)
    {
        final double[] x = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = i;
        }
        return x;
    }

    private static double[] allX(final List<Series> series)
    {
        return series.stream().flatMapToDouble(s -> Arrays.stream(s.x())).toArray();
    }

    /** Whether positive x values span at least a decade: a log axis then shows them better. */
    static boolean spansDecades(final double[] x)
    {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (final double value : x)
        {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        return min > 0 && max >= 10 * min;
    }

    private static String pointLabel(final Point point)
    {
        return point.mode() + " " + point.flows() + " " + point.newFlowsPercent() + "% new";
    }

    /**
     * What each file's series and categories start with: nothing for one file; for several, its name
     * without {@code e2e-} and {@code .json}, made unique (the same name from two folders, or one file
     * given twice, gets " #2") since XChart refuses a series name twice.
     */
    private static List<String> prefixes(final List<E2eResults> runs)
    {
        if (runs.size() == 1)
        {
            return List.of("");
        }
        final Categories labels = new Categories();
        runs.forEach(run -> labels.add(label(run)));
        return labels.names().stream().map(label -> label + ": ").toList();
    }

    private static String label(final E2eResults run)
    {
        final String name = Path.of(run.source()).getFileName().toString();
        final String stem = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        return stem.startsWith("e2e-") && stem.length() > "e2e-".length() ? stem.substring("e2e-".length()) : stem;
    }

    /** Category names made unique: a repeated one gets " #2", " #3". */
    private static final class Categories
    {
        private final List<String> names = new ArrayList<>();
        private final Map<String, Integer> seen = new HashMap<>();

        void add(final String name)
        {
            final int count = seen.merge(name, 1, Integer::sum);
            names.add(count == 1 ? name : name + " #" + count);
        }

        List<String> names()
        {
            return List.copyOf(names);
        }
    }
}
