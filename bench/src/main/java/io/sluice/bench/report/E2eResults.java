package io.sluice.bench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.sluice.bench.gen.Units;

import static io.sluice.bench.report.JsonFields.array;
import static io.sluice.bench.report.JsonFields.number;
import static io.sluice.bench.report.JsonFields.object;
import static io.sluice.bench.report.JsonFields.objectOrNull;
import static io.sluice.bench.report.JsonFields.text;
import static io.sluice.bench.report.JsonFields.textOr;

/**
 * The figures of one {@link io.sluice.bench.e2e.E2eBench} results file ({@code ./sluice bench e2e --out}): the
 * {@code "ceiling"} entries (dpdk-testpmd) and the {@code "sluice"} points. Entries of another kind
 * are counted and left out, and so is a whole file of another kind (an object with a
 * {@code "kind"} and no {@code "results"}).
 *
 * @param source       the file, as named.
 * @param ceilings     testpmd's figures, in file order.
 * @param points       Sluice's points, in file order.
 * @param ignoredKinds entries left out, by kind.
 */
public record E2eResults(String source, List<Ceiling> ceilings, List<Point> points, Map<String, Integer> ignoredKinds)
{
    /**
     * dpdk-testpmd forwarding through the same memif: the harness's ceiling.
     *
     * @param forward testpmd's forwarding mode ({@code io}, {@code macswap}).
     * @param rxMpps  packets received back per second, millions.
     */
    public record Ceiling(String forward, double rxMpps)
    {
    }

    /**
     * A paced run's latency percentiles.
     *
     * @param p50Us  median, µs.
     * @param p99Us  99th percentile, µs.
     * @param p999Us 99.9th percentile, µs.
     */
    public record Latency(double p50Us, double p99Us, double p999Us)
    {
    }

    /**
     * A worker's time per packet by stage (the worker profile of the flat-out run).
     *
     * @param commandsNs     before the RX burst.
     * @param rxNs           the RX burst.
     * @param pipelineNs     the pipeline.
     * @param txNs           the TX burst.
     * @param freeNs         freeing what was not sent.
     * @param expiryNs       the flow-expiry slice and NAT pool tidying; 0 in records made before it was
     *                       timed apart, whose housekeeping holds it.
     * @param housekeepingNs the counters (and, in older records, the expiry too).
     * @param loopNs         the cycle's time beyond its stages.
     */
    public record Stages(double commandsNs, double rxNs, double pipelineNs, double txNs, double freeNs, double expiryNs,
        double housekeepingNs, double loopNs)
    {
    }

    /**
     * One point of the end-to-end benchmark.
     *
     * @param mode            forwarding mode ({@code ipip}, {@code nat}, {@code fullnat}).
     * @param flows           active flows as written ({@code 1k}).
     * @param activeFlows     active flows as a number.
     * @param newFlowsPercent share of packets opening a new flow, percent.
     * @param rxMpps          the flat-out run's packets received back per second, millions.
     * @param latencyRate     the paced run's offered rate as written ({@code 1M}; {@code 0}: none).
     * @param latency         the paced run's percentiles, null when there was none.
     * @param worker          the worker's stage profile, null when the entry has none.
     */
    public record Point(String mode, String flows, long activeFlows, int newFlowsPercent, double rxMpps, String latencyRate,
        Latency latency, Stages worker)
    {
    }

    /**
     * Reads a results file.
     *
     * @param file the file.
     * @return its figures.
     * @throws ReportInputException when the file is missing, not JSON, or an entry lacks a field.
     */
    public static E2eResults read(final Path file)
    {
        return of(JsonFields.read(file), file.toString());
    }

    /**
     * Reads results from text.
     *
     * @param json   the file's text.
     * @param source the name its errors give.
     * @return its figures.
     * @throws ReportInputException when the text is not JSON or an entry lacks a field.
     */
    public static E2eResults parse(final String json, final String source)
    {
        return of(JsonFields.parse(json, source), source);
    }

    private static E2eResults of(final JsonElement root, final String source)
    {
        final JsonObject file = object(root, source);
        final List<Ceiling> ceilings = new ArrayList<>();
        final List<Point> points = new ArrayList<>();
        final Map<String, Integer> ignored = new LinkedHashMap<>();
        if (!file.has("results") && file.has("kind"))
        {
            ignored.merge(textOr(file, "kind", "?"), 1, Integer::sum);
            return new E2eResults(source, List.of(), List.of(), Collections.unmodifiableMap(ignored));
        }
        final JsonArray results = array(file, "results", source);
        for (int i = 0; i < results.size(); i++)
        {
            final String where = source + ", results[" + i + "]";
            final JsonObject entry = object(results.get(i), where);
            final String kind = text(entry, "kind", where);
            switch (kind)
            {
                case "ceiling" -> ceilings.add(new Ceiling(text(entry, "forward", where), number(entry, "rxMpps", where)));
                case "ceiling-end" -> ceilings.add(new Ceiling(text(entry, "forward", where) + " at the end",
                    number(entry, "rxMpps", where)));
                case "sluice" -> points.add(point(entry, where));
                default -> ignored.merge(kind, 1, Integer::sum);
            }
        }
        return new E2eResults(source, List.copyOf(ceilings), List.copyOf(points), Collections.unmodifiableMap(ignored));
    }

    private static Point point(final JsonObject entry, final String where)
    {
        final String flows = text(entry, "flows", where);
        final long activeFlows;
        try
        {
            activeFlows = Units.count(flows);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ReportInputException(where + ": flows " + ex.getMessage());
        }
        return new Point(text(entry, "mode", where), flows, activeFlows, (int)number(entry, "newFlowsPercent", where),
            number(entry, "rxMpps", where), textOr(entry, "latencyRate", "?"), latency(entry, where), stages(entry, where));
    }

    private static Latency latency(final JsonObject entry, final String where)
    {
        final JsonObject paced = objectOrNull(entry, "latency", where);
        if (paced == null)
        {
            return null;
        }
        final String at = where + " latency";
        final JsonObject percentiles = object(paced.get("latencyUs"), at + " latencyUs");
        if (percentiles.has("count") && number(percentiles, "count", at) == 0)
        {
            return null;   // the paced run timed nothing: its percentiles are 0, which no log axis shows
        }
        return new Latency(number(percentiles, "p50", at), number(percentiles, "p99", at), number(percentiles, "p99.9", at));
    }

    private static Stages stages(final JsonObject entry, final String where)
    {
        final JsonObject profile = objectOrNull(entry, "worker", where);
        if (profile == null)
        {
            return null;
        }
        final String at = where + " worker";
        return new Stages(number(profile, "commandsNs", at), number(profile, "rxNs", at), number(profile, "pipelineNs", at),
            number(profile, "txNs", at), number(profile, "freeNs", at),
            profile.has("expiryNs") ? number(profile, "expiryNs", at) : 0, number(profile, "housekeepingNs", at),
            number(profile, "loopNs", at));
    }
}
