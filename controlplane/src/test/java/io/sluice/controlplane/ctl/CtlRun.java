package io.sluice.controlplane.ctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
     * Runs a command line against a server, with an empty environment.
     *
     * @param server the {@code --server} address.
     * @param args   the arguments after {@code sluice ctl --server SERVER}.
     * @return what it did.
     */
    static CtlRun ctlOn(final String server, final String... args)
    {
        final String[] withServer = new String[args.length + 2];
        withServer[0] = "--server";
        withServer[1] = server;
        System.arraycopy(args, 0, withServer, 2, args.length);
        return ctl(withServer);
    }

    /**
     * Like {@link #ctlOn}, for a command that must succeed: exit 0 and nothing on standard error.
     *
     * @param server the {@code --server} address.
     * @param args   the arguments after {@code sluice ctl --server SERVER}.
     * @return what it did.
     */
    static CtlRun succeededOn(final String server, final String... args)
    {
        final CtlRun run = ctlOn(server, args);
        assertEquals(0, run.exit(), run.toString());
        assertEquals("", run.err(), run.toString());
        return run;
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
