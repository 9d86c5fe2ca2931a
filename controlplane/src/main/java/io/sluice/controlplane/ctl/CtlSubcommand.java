package io.sluice.controlplane.ctl;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every {@code sluice ctl} subcommand shares: the parent command (server, credentials,
 * output format) and its own spec (output streams, usage errors), and running its API calls
 * through {@link CtlCommand#run}.
 */
abstract class CtlSubcommand implements Callable<Integer>
{
    @ParentCommand
    private CtlCommand ctl;

    @Spec
    private CommandSpec spec;

    /**
     * Connects to the daemon, makes the calls, reports a failure.
     *
     * @param call the calls and how to print their outcome.
     * @return the exit code (see {@link CtlCommand#run}).
     */
    final int run(final CtlCommand.ApiCall call)
    {
        return ctl.run(spec, call);
    }

    /** @return this subcommand's command line, for its streams and for usage errors. */
    final CommandLine commandLine()
    {
        return spec.commandLine();
    }
}
