package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The problems the loader reports for a configuration text, with or without the file name and position. */
final class ConfigProblems
{
    private ConfigProblems()
    {
    }

    /**
     * @param file where the text claims to come from (relative paths in it resolve beside it).
     * @param yaml a configuration the loader must refuse.
     * @return each problem's {@code path: message}.
     */
    static List<String> of(final Path file, final String yaml)
    {
        final List<String> lines = new ArrayList<>();
        for (final String located : located(file, yaml))
        {
            lines.add(located.substring(located.indexOf(": ") + 2));
        }
        return lines;
    }

    /**
     * @param file where the text claims to come from.
     * @param yaml a configuration the loader must refuse.
     * @return each problem as the loader prints it: {@code FILE:LINE:COL: path: message}.
     */
    static List<String> located(final Path file, final String yaml)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigLoader.parse(file, yaml));
        final List<String> lines = new ArrayList<>();
        for (final ConfigProblem problem : ex.problems())
        {
            lines.add(problem.toString());
        }
        return lines;
    }
}
