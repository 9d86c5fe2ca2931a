package io.sluice.bench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import static io.sluice.bench.report.JsonFields.number;
import static io.sluice.bench.report.JsonFields.numberOrNaN;
import static io.sluice.bench.report.JsonFields.object;
import static io.sluice.bench.report.JsonFields.objectOrNull;
import static io.sluice.bench.report.JsonFields.text;

/**
 * The scores of a JMH results file ({@code -rf json -rff FILE}, which {@code ./sluice bench} writes
 * to bench/results/jmh.json): one per benchmark and parameter set.
 *
 * @param source the file, as named.
 * @param scores the scores, in file order.
 */
public record JmhResults(String source, List<Score> scores)
{
    /**
     * One benchmark's score for one set of parameters.
     *
     * @param benchmark  the method's full name ({@code io.sluice.bench.pipeline.ScaleBenchmark.establishedByFlows}).
     * @param params     its {@code @Param} values by name.
     * @param score      the primary metric.
     * @param scoreError its 99.9% confidence half-width, NaN when JMH had too few samples.
     * @param unit       the score's unit ({@code ns/op}, {@code ms/op}, {@code ops/us}).
     */
    public record Score(String benchmark, Map<String, String> params, double score, double scoreError, String unit)
    {
        /**
         * @param name the benchmark's class and method ({@code ScaleBenchmark.establishedByFlows}).
         * @return whether this is a score of that benchmark, in whatever package.
         */
        public boolean is(final String name)
        {
            return benchmark.equals(name) || benchmark.endsWith("." + name);
        }

        /**
         * The score and its error as time per operation.
         *
         * @param to the unit wanted.
         * @return {score, error} in that unit per operation, or null when the unit is not a time
         *         per operation or operations per time.
         */
        public double[] timePerOp(final TimeUnit to)
        {
            final String[] parts = unit.split("/");
            if (parts.length != 2)
            {
                return null;
            }
            if (parts[1].equals("op"))
            {
                final double nsPerUnit = nanos(parts[0]);
                final double scale = nsPerUnit / to.toNanos(1);
                return Double.isNaN(nsPerUnit) ? null : new double[]{score * scale, scoreError * scale};
            }
            if (parts[0].equals("ops"))
            {
                final double nsPerUnit = nanos(parts[1]);
                final double perOp = nsPerUnit / score / to.toNanos(1);
                return Double.isNaN(nsPerUnit) ? null : new double[]{perOp, perOp * scoreError / score};
            }
            return null;
        }

        private static double nanos(final String unit)
        {
            return switch (unit)
            {
                case "ns" -> 1;
                case "us" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "min" -> 60e9;
                default -> Double.NaN;
            };
        }
    }

    /**
     * Reads a JMH results file.
     *
     * @param file the file.
     * @return its scores.
     * @throws ReportInputException when the file is missing, not JMH's JSON, or an entry lacks a field.
     */
    public static JmhResults read(final Path file)
    {
        return of(JsonFields.read(file), file.toString());
    }

    /**
     * Reads JMH results from text.
     *
     * @param json   the file's text.
     * @param source the name its errors give.
     * @return its scores.
     * @throws ReportInputException when the text is not JMH's JSON or an entry lacks a field.
     */
    public static JmhResults parse(final String json, final String source)
    {
        return of(JsonFields.parse(json, source), source);
    }

    /**
     * The scores of several files as one, e.g. one file per {@code ScaleBenchmark} case.
     *
     * @param files the files' scores.
     * @return every score, in the files' order, the source naming every file.
     */
    public static JmhResults merge(final List<JmhResults> files)
    {
        final List<Score> scores = new ArrayList<>();
        files.forEach(file -> scores.addAll(file.scores()));
        return new JmhResults(String.join(", ", files.stream().map(JmhResults::source).toList()), List.copyOf(scores));
    }

    private static JmhResults of(final JsonElement root, final String source)
    {
        if (!root.isJsonArray())
        {
            throw new ReportInputException(source + " is not JMH's JSON (an array of results: -rf json)");
        }
        final JsonArray entries = root.getAsJsonArray();
        final List<Score> scores = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++)
        {
            final String where = source + ", [" + i + "]";
            final JsonObject entry = object(entries.get(i), where);
            final Map<String, String> params = new LinkedHashMap<>();
            final JsonObject given = objectOrNull(entry, "params", where);
            if (given != null)
            {
                given.entrySet().forEach(param -> params.put(param.getKey(),
                    param.getValue().isJsonPrimitive() ? param.getValue().getAsString() : param.getValue().toString()));
            }
            final String metricAt = where + " primaryMetric";
            final JsonObject metric = object(entry.get("primaryMetric"), metricAt);
            scores.add(new Score(text(entry, "benchmark", where), Map.copyOf(params), number(metric, "score", metricAt),
                numberOrNaN(metric, "scoreError", metricAt), text(metric, "scoreUnit", metricAt)));
        }
        return new JmhResults(source, List.copyOf(scores));
    }
}
