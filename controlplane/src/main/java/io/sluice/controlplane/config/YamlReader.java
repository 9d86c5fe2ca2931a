package io.sluice.controlplane.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import io.sluice.dataplane.service.TextExcerpt;

/**
 * Walks a composed YAML node tree for {@link ConfigLoader}: knows the key path of every node,
 * converts scalars with a parser, and collects a {@link ConfigProblem} (file, line, column, key
 * path, value, what would be valid) for every key or value it cannot use instead of stopping at
 * the first. Scalars are read as the text written in the file, whatever YAML would resolve them to
 * ({@code 12:34:56:00:00:01} stays a MAC, not a sexagesimal integer).
 */
final class YamlReader
{
    private final String fileName;
    private final List<ConfigProblem> problems = new ArrayList<>();

    YamlReader(final String fileName)
    {
        this.fileName = fileName;
    }

    /**
     * A mapping of the file with its path, whose keys were checked against the allowed ones.
     */
    final class Section
    {
        private final Node node;
        private final String path;
        private final Map<String, Node> values;

        private Section(final Node node, final String path, final Map<String, Node> values)
        {
            this.node = node;
            this.path = path;
            this.values = values;
        }

        Node node()
        {
            return node;
        }

        String path()
        {
            return path;
        }

        boolean has(final String key)
        {
            return values.containsKey(key);
        }

        Node value(final String key)
        {
            return values.get(key);
        }

        String pathOf(final String key)
        {
            return path.isEmpty() ? key : path + "." + key;
        }

        <T> T get(final String key, final T defaultValue, final Function<String, T> parser, final String expected)
        {
            final Node value = values.get(key);
            if (value == null)
            {
                return defaultValue;
            }
            final T parsed = scalar(value, pathOf(key), parser, expected);
            return parsed == null ? defaultValue : parsed;
        }

        <T> T require(final String key, final Function<String, T> parser, final String expected)
        {
            final Node value = values.get(key);
            if (value == null)
            {
                missing(node, pathOf(key), expected);
                return null;
            }
            return scalar(value, pathOf(key), parser, expected);
        }

        Section section(final String key, final List<String> keys)
        {
            final Node value = values.get(key);
            return value == null ? null : mapping(value, pathOf(key), keys);
        }

        List<Node> list(final String key, final String expected)
        {
            final Node value = values.get(key);
            return value == null ? null : sequence(value, pathOf(key), expected);
        }
    }

    /**
     * Reads a mapping and checks its keys: an unknown key or a key given twice is a problem.
     *
     * @return the section, or null (after reporting) when the node is not a mapping.
     */
    Section mapping(final Node node, final String path, final List<String> keys)
    {
        if (!(node instanceof MappingNode mapping))
        {
            invalid(node, path, display(node), "a mapping of " + String.join(", ", keys));
            return null;
        }
        final Map<String, Node> values = new LinkedHashMap<>();
        final Map<String, Node> keyNodes = new LinkedHashMap<>();
        for (final NodeTuple tuple : mapping.getValue())
        {
            final Node keyNode = tuple.getKeyNode();
            final String key = keyNode instanceof ScalarNode scalar ? scalar.getValue() : display(keyNode);
            final String keyPath = path.isEmpty() ? key : path + "." + key;
            if (!keys.contains(key))
            {
                invalid(keyNode, keyPath, key, unknownKey(path, key, keys));
            }
            else if (keyNodes.containsKey(key))
            {
                invalid(keyNode, keyPath, key, "a key given once (it is first given on line " +
                    (keyNodes.get(key).getStartMark().getLine() + 1) + ")");
            }
            else
            {
                keyNodes.put(key, keyNode);
                values.put(key, tuple.getValueNode());
            }
        }
        return new Section(node, path, values);
    }

    private static String unknownKey(final String path, final String key, final List<String> keys)
    {
        final String where = path.isEmpty() ? "the top level" : path.replaceAll("\\[[0-9]+]", "[]");
        final String closest = keys.stream().min(Comparator.comparingInt(known -> editDistance(known, key))).orElse("");
        final String suggestion = editDistance(closest, key) <= 2 ? " (did you mean '" + closest + "'?)" : "";
        return "a key of " + where + ": " + String.join(", ", keys) + suggestion;
    }

    private static int editDistance(final String a, final String b)
    {
        final int[] previous = new int[b.length() + 1];
        final int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (Character.toLowerCase(a.charAt(i - 1)) ==
                    Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            System.arraycopy(current, 0, previous, 0, current.length);
        }
        return previous[b.length()];
    }

    /**
     * Reads a list.
     *
     * @return its items, or null (after reporting) when the node is not a list.
     */
    List<Node> sequence(final Node node, final String path, final String expected)
    {
        if (!(node instanceof SequenceNode sequence))
        {
            invalid(node, path, display(node), expected);
            return null;
        }
        return sequence.getValue();
    }

    /**
     * Converts a scalar with a parser that throws {@link IllegalArgumentException} for text it refuses.
     *
     * @return the value, or null (after reporting) when the node is not a scalar or the parser refuses it.
     */
    <T> T scalar(final Node node, final String path, final Function<String, T> parser, final String expected)
    {
        if (!(node instanceof ScalarNode scalar))
        {
            invalid(node, path, display(node), expected);
            return null;
        }
        try
        {
            return parser.apply(scalar.getValue());
        }
        catch (final Values.Refused ex)
        {
            invalid(node, path, scalar.getValue(), ex.getMessage());
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            invalid(node, path, scalar.getValue(), expected);
            return null;
        }
    }

    /**
     * The text of a scalar, or a short form of a list or mapping, for messages.
     *
     * @return e.g. {@code -3}, {@code [...]}, <code>{...}</code>.
     */
    static String display(final Node node)
    {
        if (node instanceof ScalarNode scalar)
        {
            return scalar.getValue();
        }
        return node instanceof SequenceNode ? "[...]" : "{...}";
    }

    /** Reports a value that is not valid: {@code 'value' is not valid: expected}. */
    void invalid(final Node node, final String path, final String value, final String expected)
    {
        report(node.getStartMark(), path, TextExcerpt.quoted(value) + " is not valid: " + expected);
    }

    /** Reports a required key that is absent, at the mapping that lacks it. */
    void missing(final Node parent, final String path, final String expected)
    {
        report(parent.getStartMark(), path, "is missing: " + expected);
    }

    /** Reports a problem at a mark with a message of its own. */
    void report(final Mark mark, final String path, final String message)
    {
        problems.add(new ConfigProblem(fileName, mark.getLine() + 1, mark.getColumn() + 1, path, message));
    }

    /** Reports a problem of the whole file. */
    void reportFile(final String message)
    {
        problems.add(new ConfigProblem(fileName, 0, 0, "", message));
    }

    /** @return whether any problem was reported. */
    boolean hasProblems()
    {
        return !problems.isEmpty();
    }

    /** @return the problems in file order. */
    List<ConfigProblem> problems()
    {
        final List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        return sorted;
    }
}
