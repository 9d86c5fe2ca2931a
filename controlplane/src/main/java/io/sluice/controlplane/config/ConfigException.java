package io.sluice.controlplane.config;

import java.util.List;

/**
 * A configuration file that cannot be used, with every problem found in it (not just the first),
 * so that a user fixes them in one go. Nothing is started from a configuration that has any.
 */
public final class ConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    /** The most problems the message lists; {@link #problems()} holds them all. */
    public static final int MAX_DESCRIBED = 20;

    private final transient List<ConfigProblem> problems;

    /**
     * @param problems the problems, at least one, in file order.
     */
    public ConfigException(final List<ConfigProblem> problems)
    {
        super(describe(problems));
        if (problems.isEmpty())
        {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    private static String describe(final List<ConfigProblem> problems)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(problems.size(), MAX_DESCRIBED); i++)
        {
            if (!text.isEmpty())
            {
                text.append('\n');
            }
            text.append(problems.get(i));
        }
        if (problems.size() > MAX_DESCRIBED)
        {
            text.append("\n... and ").append(problems.size() - MAX_DESCRIBED).append(" more problem(s)");
        }
        return text.toString();
    }

    /**
     * The problems, one per offending key or value.
     *
     * @return an immutable list in file order.
     */
    public List<ConfigProblem> problems()
    {
        return problems;
    }
}
