package io.sluice.bench.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code sluice gen --json} run reported, the fields the end-to-end benchmark uses (the
 * summary's other fields stay in its file).
 *
 * @param txMpps     packets sent per second, millions.
 * @param rxMpps     packets received back per second, millions.
 * @param lossPercent sent and not received, percent.
 * @param p50Us      latency median, µs.
 * @param p99Us      99th percentile, µs.
 * @param p999Us     99.9th percentile, µs.
 * @param backends   distinct backends the packets came back from.
 * @param json       the whole summary.
 */
public record GenResult(double txMpps, double rxMpps, double lossPercent, double p50Us, double p99Us, double p999Us, int backends,
    String json)
{
    private static final Pattern BACKEND = Pattern.compile("\\{\"name\":");

    /**
     * Reads the generator's JSON summary.
     *
     * @param json the summary (one object).
     * @return its figures.
     * @throws IllegalArgumentException naming a field that is missing.
     */
    public static GenResult parse(final String json)
    {
        final String latency = section(json, "latencyUs");
        final Matcher backends = BACKEND.matcher(section(json, "backends"));
        int count = 0;
        while (backends.find())
        {
            count++;
        }
        return new GenResult(number(json, "txMpps"), number(json, "rxMpps"), number(json, "lossPercent"),
            number(latency, "p50"), number(latency, "p99"), number(latency, "p99.9"), count, json.strip());
    }

    private static double number(final String json, final String name)
    {
        final Matcher matcher = Pattern.compile("\"" + Pattern.quote(name) + "\":(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)").matcher(json);
        if (!matcher.find())
        {
            throw new IllegalArgumentException("the generator's summary has no " + name + ": " + json);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private static String section(final String json, final String name)
    {
        final int start = json.indexOf("\"" + name + "\":");
        if (start < 0)
        {
            throw new IllegalArgumentException("the generator's summary has no " + name + ": " + json);
        }
        final char open = json.charAt(start + name.length() + 3);
        final char close = open == '[' ? ']' : '}';
        final int end = json.indexOf(close, start);
        return json.substring(start, end < 0 ? json.length() : end + 1);
    }
}
