package io.sluice.controlplane;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import io.sluice.controlplane.ctl.CtlCommand;
import io.sluice.controlplane.stat.StatCommand;

/**
 * The {@code sluice} program: {@code sluice run --config FILE} starts the daemon,
 * {@code sluice stat} shows the counters of a running one, {@code sluice ctl} drives one through
 * its gRPC API. Exit codes: 0 success, 1 a failure at run time (device busy, no hugepages, no
 * daemon to read, a call the daemon refused), 2 bad usage or a bad configuration file.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = SluiceMain.Version.class,
    description = "Sluice, a kernel-bypass L4 load balancer: DPDK, Maglev, DSR and IPIP/GUE tunnels.")
public final class SluiceMain implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    /**
     * Runs the program and exits with its exit code.
     *
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * Runs the program without exiting.
     *
     * @param args command line.
     * @return the exit code.
     */
    public static int execute(final String... args)
    {
        final CommandLine commandLine = commandLine(args);
        commandLine.setExecutionStrategy(SluiceMain::executeParsed);
        return commandLine.execute(args);
    }

    /**
     * The command line of {@code sluice} for these arguments: when the first names a command
     * ({@code run}, {@code stat}, {@code ctl}), that command only (and of {@code ctl}, the
     * subcommands the arguments name), else every command, for the usage. picocli builds a model
     * of each command it is given by reflection: a {@code sluice ctl} call that builds only its
     * own answers sooner.
     *
     * @param args the command line.
     * @return the command line to execute.
     */
    public static CommandLine commandLine(final String... args)
    {
        final CommandLine main = new CommandLine(new SluiceMain());
        final String first = args.length == 0 ? "" : args[0];
        final boolean all = !"run".equals(first) && !"stat".equals(first) && !"ctl".equals(first);
        if (all || "run".equals(first))
        {
            main.addSubcommand(RunCommand.class);
        }
        if (all || "stat".equals(first))
        {
            main.addSubcommand(StatCommand.class);
        }
        if (all || "ctl".equals(first))
        {
            main.addSubcommand(CtlCommand.commandLine(new CtlCommand(),
                all ? List.of() : Arrays.asList(args).subList(1, args.length)));
        }
        main.addSubcommand(new CommandLine.HelpCommand());
        return main;
    }

    /**
     * Runs the parsed command; a {@code sluice ctl} call first quiets the libraries' logging, so that
     * only its answer and its own errors reach the terminal.
     *
     * @param parsed the parsed command line.
     * @return the exit code.
     */
    private static int executeParsed(final CommandLine.ParseResult parsed)
    {
        if (parsed.hasSubcommand() && parsed.subcommand().commandSpec().userObject() instanceof CtlCommand)
        {
            CliLogging.quietLibraries();
            CliTransport.forOneCall();
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /**
     * Without a subcommand: prints the usage.
     *
     * @return {@code 2}, a usage error.
     */
    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /**
     * The version from the jar's manifest, or "development" when run from classes.
     */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = SluiceMain.class.getPackage().getImplementationVersion();
            return new String[]{"sluice " + (version == null ? "development build" : version)};
        }
    }
}
