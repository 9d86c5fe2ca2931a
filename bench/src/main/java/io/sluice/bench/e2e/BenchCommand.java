package io.sluice.bench.e2e;

import picocli.CommandLine;

/**
 * Runs a benchmark command: a bad option value (a {@link BadOption}, which a command's option checks
 * raise through {@link #checkOptions} before it starts anything) is one line naming the command and
 * the problem, exit status 2, as picocli answers a malformed command line; anything else, a failure
 * during the runs included, keeps its stack trace.
 */
final class BenchCommand
{
    /** The exit status of a bad option value, as picocli gives a usage error. */
    static final int BAD_OPTION = 2;

    private BenchCommand()
    {
    }

    /** A bad option value, found before the command started anything. */
    static final class BadOption extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        BadOption(final String message)
        {
            super(message, null, false, false);
        }
    }

    /**
     * Runs a command's option checks: what they refuse (an {@link IllegalArgumentException}, as the
     * parsers of counts and durations throw) becomes a {@link BadOption}.
     *
     * @param checks the checks.
     * @throws BadOption naming the value.
     */
    static void checkOptions(final Runnable checks)
    {
        try
        {
            checks.run();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadOption(ex.getMessage());
        }
    }

    /**
     * @param command the picocli command.
     * @param args    the command line.
     * @return the exit status.
     */
    static int execute(final Object command, final String[] args)
    {
        return new CommandLine(command).setExecutionExceptionHandler((ex, line, parsed) ->
        {
            if (!(ex instanceof BadOption))
            {
                throw ex;
            }
            line.getErr().println(line.getCommandName() + ": " + ex.getMessage());
            return BAD_OPTION;
        }).execute(args);
    }
}
