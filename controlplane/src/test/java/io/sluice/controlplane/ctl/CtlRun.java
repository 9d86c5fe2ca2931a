package io.sluice.controlplane.ctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import picocli.CommandLine;

/**
 * Runs {@code sluice ctl} in the test's JVM, as the launcher would run it, with its standard output
 * and error captured and an environment of the test's choosing.
 *
 * @param exit the exit code.
 * @param out  what it printed on standard output.
 * @param err  what it printed on standard error.
 */
record CtlRun(int exit, String out, String err)
{
    /**
     * Runs a command line with an empty environment.
     *
     * @param args the arguments after {@code sluice ctl}.
     * @return what it did.
     */
    static CtlRun ctl(final String... args)
    {
        return ctlWith(Map.of(), args);
    }

    /**
     * Runs a command line.
     *
     * @param environment the environment variables it sees.
     * @param args        the arguments after {@code sluice ctl}.
     * @return what it did.
     */
    static CtlRun ctlWith(final Map<String, String> environment, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine command = CtlCommand.commandLine(new CtlCommand(environment::get));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        final int exit = command.execute(args);
        return new CtlRun(exit, out.toString(), err.toString());
    }

    @Override
    public String toString()
    {
        return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
}
