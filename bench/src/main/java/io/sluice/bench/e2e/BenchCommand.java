package io.sluice.bench.e2e;

import picocli.CommandLine;

/**
 * Runs a benchmark command: a bad option value (an {@link IllegalArgumentException} from the
 * command's own checks) is one line naming the command and the problem, exit status 2, as
 * picocli answers a malformed command line; anything else keeps its stack trace.
 */
final class BenchCommand
{
    /** The exit status of a bad option value, as picocli gives a usage error. */
    static final int BAD_OPTION = 2;

    private BenchCommand()
    {
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
            if (!(ex instanceof IllegalArgumentException))
            {
                throw ex;
            }
            line.getErr().println(line.getCommandName() + ": " + ex.getMessage());
            return BAD_OPTION;
        }).execute(args);
    }
}
