package io.sluice.controlplane.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be a
 * {@code # HELP}, a {@code # TYPE} or a sample; every sample belongs to the family of the
 * {@code # TYPE} line before it (for a summary or histogram also its {@code _sum}, {@code _count}
 * and {@code _bucket}); a family is declared once and its samples are contiguous; a series (name
 * and label set) appears once; names, label names, escapes and numbers follow the format. Anything
 * else is an {@link IllegalArgumentException} naming the line. Public for the tests of other
 * packages that scrape a metrics endpoint.
 */
public final class PrometheusText
{
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "summary", "histogram", "untyped");

    /**
     * One sample.
     *
     * @param name   the sample's name.
     * @param labels its labels, sorted by name.
     * @param value  its value.
     */
    public record Sample(String name, Map<String, String> labels, double value)
    {
    }

    /**
     * One metric family.
     *
     * @param name    the name on its TYPE line.
     * @param type    counter, gauge, summary, histogram or untyped.
     * @param help    its help text, unescaped, or null.
     * @param samples its samples in order.
     */
    public record Family(String name, String type, String help, List<Sample> samples)
    {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Map<String, String> helps = new LinkedHashMap<>();
    private final Set<String> series = new HashSet<>();
    private Family current;

    private PrometheusText()
    {
    }

    /**
     * Parses an exposition.
     *
     * @param text the body of a {@code /metrics} response.
     * @return the families by name, in order of appearance.
     */
    public static Map<String, Family> parse(final String text)
    {
        if (!text.isEmpty() && !text.endsWith("\n"))
        {
            throw new IllegalArgumentException("the exposition does not end with a line feed");
        }
        final PrometheusText parser = new PrometheusText();
        if (text.isEmpty())
        {
            return parser.families;
        }
        int number = 0;
        for (final String line : text.substring(0, text.length() - 1).split("\n", -1))
        {
            number++;
            try
            {
                parser.line(line);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("line " + number + " '" + line + "': " + ex.getMessage(), ex);
            }
        }
        return parser.families;
    }

    private void line(final String line)
    {
        if (line.startsWith("# HELP "))
        {
            final String[] parts = line.substring(7).split(" ", 2);
            name(parts[0], METRIC_NAME);
            if (helps.put(parts[0], parts.length > 1 ? unescape(parts[1], false) : "") != null)
            {
                throw new IllegalArgumentException("second HELP for " + parts[0]);
            }
        }
        else if (line.startsWith("# TYPE "))
        {
            final String[] parts = line.substring(7).split(" ");
            if (parts.length != 2 || !TYPES.contains(parts[1]))
            {
                throw new IllegalArgumentException("a TYPE line is '# TYPE name counter|gauge|summary|histogram|untyped'");
            }
            name(parts[0], METRIC_NAME);
            if (families.containsKey(parts[0]))
            {
                throw new IllegalArgumentException("second TYPE for " + parts[0]);
            }
            current = new Family(parts[0], parts[1], helps.get(parts[0]), new ArrayList<>());
            families.put(parts[0], current);
        }
        else if (line.startsWith("#"))
        {
            throw new IllegalArgumentException("comment lines are HELP or TYPE here");
        }
        else
        {
            sample(line);
        }
    }

    private void sample(final String line)
    {
        int at = 0;
        while (at < line.length() && line.charAt(at) != '{' && line.charAt(at) != ' ')
        {
            at++;
        }
        final String name = name(line.substring(0, at), METRIC_NAME);
        if (current == null || !belongs(name, current))
        {
            throw new IllegalArgumentException(name + " is not a sample of the family declared before it" +
                (current == null ? "" : " (" + current.name() + ")"));
        }
        final Map<String, String> labels = new TreeMap<>();
        if (at < line.length() && line.charAt(at) == '{')
        {
            at = labels(line, at + 1, labels);
        }
        if (at >= line.length() || line.charAt(at) != ' ')
        {
            throw new IllegalArgumentException("a single space must separate the series from its value");
        }
        final String[] rest = line.substring(at + 1).split(" ", -1);
        if (rest.length > 2 || rest[0].isEmpty())
        {
            throw new IllegalArgumentException("a sample is 'series value [timestamp]'");
        }
        if (rest.length == 2)
        {
            Long.parseLong(rest[1]);
        }
        if (!series.add(name + labels))
        {
            throw new IllegalArgumentException("series " + name + labels + " appears twice");
        }
        current.samples().add(new Sample(name, labels, number(rest[0])));
    }

    /**
     * The value of exactly one series.
     *
     * @param families what {@link #parse(String)} returned.
     * @param family   the family's name (a counter's without {@code _total}).
     * @param sample   the sample's name (a counter's with {@code _total}).
     * @param labels   its labels, all of them.
     * @return its value.
     * @throws AssertionError naming the family and its samples when there is no such series.
     */
    public static double value(
        final Map<String, Family> families, final String family, final String sample, final Map<String, String> labels)
    {
        final Family found = families.get(family);
        if (found == null)
        {
            throw new AssertionError("no family " + family + " in " + families.keySet());
        }
        for (final Sample candidate : found.samples())
        {
            if (candidate.name().equals(sample) && candidate.labels().equals(new TreeMap<>(labels)))
            {
                return candidate.value();
            }
        }
        throw new AssertionError("no " + sample + labels + " in " + found.samples());
    }

    private static boolean belongs(final String name, final Family family)
    {
        if (name.equals(family.name()))
        {
            return true;
        }
        final boolean distribution = family.type().equals("summary") || family.type().equals("histogram");
        return distribution && (name.equals(family.name() + "_sum") || name.equals(family.name() + "_count") ||
            family.type().equals("histogram") && name.equals(family.name() + "_bucket"));
    }

    private static int labels(final String line, final int start, final Map<String, String> labels)
    {
        int at = start;
        while (true)
        {
            if (at < line.length() && line.charAt(at) == '}')
            {
                return at + 1;
            }
            final int equals = line.indexOf('=', at);
            if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"')
            {
                throw new IllegalArgumentException("a label is name=\"value\"");
            }
            final String labelName = name(line.substring(at, equals), LABEL_NAME);
            int end = equals + 2;
            while (end < line.length() && line.charAt(end) != '"')
            {
                end += line.charAt(end) == '\\' ? 2 : 1;
            }
            if (end >= line.length())
            {
                throw new IllegalArgumentException("unterminated value of label " + labelName);
            }
            if (labels.put(labelName, unescape(line.substring(equals + 2, end), true)) != null)
            {
                throw new IllegalArgumentException("label " + labelName + " twice");
            }
            at = end + 1;
            if (at < line.length() && line.charAt(at) == ',')
            {
                at++;
            }
            else if (at >= line.length() || line.charAt(at) != '}')
            {
                throw new IllegalArgumentException("labels are separated by ',' and closed by '}'");
            }
        }
    }

    private static String name(final String name, final Pattern pattern)
    {
        if (!pattern.matcher(name).matches())
        {
            throw new IllegalArgumentException("'" + name + "' is not a valid name");
        }
        return name;
    }

    private static double number(final String text)
    {
        return switch (text)
        {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default ->
            {
                if (!text.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?"))
                {
                    throw new IllegalArgumentException("'" + text + "' is not a number");
                }
                yield Double.parseDouble(text);
            }
        };
    }

    private static String unescape(final String text, final boolean labelValue)
    {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            final char next = i + 1 < text.length() ? text.charAt(++i) : ' ';
            switch (next)
            {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case '"' ->
                {
                    if (!labelValue)
                    {
                        throw new IllegalArgumentException("\\\" is an escape of label values only");
                    }
                    out.append('"');
                }
                default -> throw new IllegalArgumentException("bad escape \\" + next);
            }
        }
        return out.toString();
    }
}
