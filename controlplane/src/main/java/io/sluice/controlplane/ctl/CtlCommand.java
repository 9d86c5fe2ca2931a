package io.sluice.controlplane.ctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;

import io.sluice.controlplane.config.ApiSection;
import io.sluice.controlplane.config.Durations;

/**
 * {@code sluice ctl}: drives a running daemon through its gRPC API, in the spirit of ipvsadm.
 * Holds the options every subcommand shares (where the API is, how to authenticate, the deadline,
 * {@code --json}) and runs a subcommand's calls with them: one channel per command, a deadline per
 * unary call, and every failure reported as {@code sluice ctl: CODE: message} with exit code 1.
 * Exit codes: 0 done, 1 the daemon refused or could not be reached, 2 bad usage.
 *
 * <p>The shared options may come before or after the subcommand, except {@code --timeout}, which
 * comes before it ({@code health --timeout} is the health check's own timeout).
 */
@Command(name = "ctl", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Drives a running sluice daemon through its gRPC API (the daemon needs an api: section), by default " +
        "through its root-only socket " + ApiSection.DEFAULT_SOCKET + ".",
        "Tables for people; --json prints the daemon's replies as JSON for scripts."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the daemon refused the call, or could not be reached", "2:bad usage"})
public final class CtlCommand implements Callable<Integer>
{
    /** The subcommands, in the order the usage lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(ReadCommands.ListCommand.class, ServiceCommands.AddService.class,
        ServiceCommands.UpdateService.class, ServiceCommands.RemoveService.class, BackendCommands.AddBackend.class,
        BackendCommands.RemoveBackend.class, BackendCommands.SetWeight.class, BackendCommands.Drain.class, HealthCommand.class,
        ReadCommands.StatsCommand.class, ReadCommands.LookupCommand.class, ReadCommands.HaCommand.class, WatchCommand.class,
        ConfigCommands.GetCommand.class, ConfigCommands.ApplyCommand.class, ReadCommands.NeighboursCommand.class);

    /** The environment variable naming the API address when {@code --server} is not given. */
    public static final String SERVER_VARIABLE = "SLUICE_SERVER";
    /** The environment variable holding the bearer token when neither option gives one. */
    public static final String TOKEN_VARIABLE = "SLUICE_TOKEN";
    /** The API address when neither {@code --server} nor the variable gives one: the daemon's default socket. */
    public static final String DEFAULT_SERVER = CtlArguments.UNIX_PREFIX + ApiSection.DEFAULT_SOCKET;
    /** Exit code of a call the daemon refused or that could not be made. */
    public static final int EXIT_FAILED = 1;

    private final Function<String, String> environment;

    @Option(names = "--server", paramLabel = "unix:PATH|HOST:PORT", scope = ScopeType.INHERIT,
        converter = CtlArguments.ServerConverter.class,
        description = "the daemon's API: its socket (api.socket) or its TCP address (api.listen) (default: $" + SERVER_VARIABLE +
            ", else " + DEFAULT_SERVER + ")")
    private CtlArguments.Server server;

    @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.INHERIT,
        description = "the API's bearer token (default: $" + TOKEN_VARIABLE + "); prefer --token-file, which other users cannot see")
    private String token;

    @Option(names = "--token-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
        description = "a file holding the bearer token (as the daemon's api.tokenFile)")
    private Path tokenFile;

    @Option(names = "--tls", scope = ScopeType.INHERIT, description = "call over TLS (implied by --ca, --cert and --key)")
    private boolean tls;

    @Option(names = "--ca", paramLabel = "FILE", scope = ScopeType.INHERIT,
        description = "PEM CA certificates that the daemon's certificate must chain to (default: the system's)")
    private Path ca;

    @Option(names = "--cert", paramLabel = "FILE", scope = ScopeType.INHERIT,
        description = "PEM client certificate chain, for mutual TLS (with --key)")
    private Path cert;

    @Option(names = "--key", paramLabel = "FILE", scope = ScopeType.INHERIT, description = "PEM PKCS#8 key of --cert")
    private Path key;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DeadlineConverter.class,
        description = "deadline of each call, e.g. 500ms, 30s (default ${DEFAULT-VALUE}); give it before the subcommand")
    private long timeoutNs;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the daemon's replies as JSON, for scripts")
    private boolean json;

    @Spec
    private CommandSpec spec;

    /**
     * The command line of {@code sluice ctl} with every subcommand.
     *
     * @param command the command.
     * @return the command line.
     */
    public static CommandLine commandLine(final CtlCommand command)
    {
        return commandLine(command, List.of());
    }

    /**
     * The command line of {@code sluice ctl} with the subcommands the arguments name, or with all
     * of them when they name none (usage and help list them all). picocli builds the model of
     * every subcommand it is given by reflection, which is most of a short call's start-up: a call
     * builds only the one it runs. A word that only looks like a subcommand (an option's value)
     * adds one more model, nothing else.
     *
     * @param command   the command.
     * @param arguments the arguments after {@code ctl}.
     * @return the command line.
     */
    public static CommandLine commandLine(final CtlCommand command, final List<String> arguments)
    {
        final CommandLine line = new CommandLine(command);
        final Set<String> words = new HashSet<>(arguments);
        final boolean all = SUBCOMMANDS.stream().noneMatch(type -> named(type, words));
        for (final Class<?> type : SUBCOMMANDS)
        {
            if (all || named(type, words))
            {
                line.addSubcommand(type);
            }
        }
        return line;
    }

    private static boolean named(final Class<?> type, final Set<String> words)
    {
        final Command command = type.getAnnotation(Command.class);
        if (words.contains(command.name()))
        {
            return true;
        }
        for (final String alias : command.aliases())
        {
            if (words.contains(alias))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The command as {@code sluice ctl} runs it, reading the process environment.
     */
    public CtlCommand()
    {
        this(System::getenv);
    }

    /**
     * The command with another environment (tests).
     *
     * @param environment the value of an environment variable, or null when it is not set.
     */
    public CtlCommand(final Function<String, String> environment)
    {
        this.environment = environment;
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
     * What a subcommand does with a connection.
     */
    @FunctionalInterface
    interface ApiCall
    {
        /**
         * Makes the calls and prints the outcome.
         *
         * @param api    the connection.
         * @param output where and how to print.
         * @return the exit code.
         * @throws IOException when a local file cannot be read.
         */
        int run(ApiClient api, CtlOutput output) throws IOException;
    }

    /**
     * Runs a subcommand's calls: connects, runs them, reports a failure.
     *
     * @param subcommand the subcommand's spec, for its output streams.
     * @param call       the calls.
     * @return the call's exit code; 1 when the daemon refused a call or could not be reached; 2 when
     *         a file named by an option cannot be read.
     */
    int run(final CommandSpec subcommand, final ApiCall call)
    {
        final PrintWriter out = subcommand.commandLine().getOut();
        final PrintWriter err = subcommand.commandLine().getErr();
        final CtlArguments.Server address = server();
        if (address.socket() != null && usesTls())
        {
            throw new CommandLine.ParameterException(subcommand.commandLine(), "--tls, --ca, --cert and --key are for a TCP " +
                "server (--server HOST:PORT); the socket " + address + " is plaintext, guarded by its file permissions");
        }
        final String bearer;
        final ChannelCredentials credentials;
        try
        {
            bearer = token(subcommand);
            credentials = credentials(subcommand);
        }
        catch (final IOException ex)
        {
            err.println(CtlErrors.PREFIX + ex.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        final ApiClient client;
        try
        {
            client = ApiClient.open(address, credentials, bearer, timeoutNs);
        }
        catch (final RuntimeException ex)
        {
            err.println(CtlErrors.PREFIX + (usesTls() ? "cannot set up TLS with --ca, --cert and --key: " :
                "cannot set up a channel to " + address + ": ") + CtlErrors.channelFailure(ex));
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        try (ApiClient api = client)
        {
            return call.run(api, new CtlOutput(out, json));
        }
        catch (final StatusRuntimeException ex)
        {
            CtlErrors.report(err, ex, new CtlErrors.CallContext(address.toString(), address.socket() != null, usesTls(),
                bearer != null));
            return EXIT_FAILED;
        }
        catch (final IOException ex)
        {
            err.println(CtlErrors.PREFIX + ex.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        finally
        {
            out.flush();
            err.flush();
        }
    }

    private CtlArguments.Server server()
    {
        if (server != null)
        {
            return server;
        }
        final String variable = environment.apply(SERVER_VARIABLE);
        if (variable == null || variable.isBlank())
        {
            return CtlArguments.Server.parse(DEFAULT_SERVER);
        }
        try
        {
            return CtlArguments.Server.parse(variable.strip());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), SERVER_VARIABLE + ": " + ex.getMessage());
        }
    }

    private String token(final CommandSpec subcommand) throws IOException
    {
        if (token != null && tokenFile != null)
        {
            throw new CommandLine.ParameterException(subcommand.commandLine(), "give --token or --token-file, not both");
        }
        if (token != null)
        {
            return checkedToken(token, "--token");
        }
        if (tokenFile != null)
        {
            final String text;
            try
            {
                text = Files.readString(tokenFile, StandardCharsets.US_ASCII);
            }
            catch (final IOException ex)
            {
                throw new IOException("--token-file " + CtlArguments.quoted(tokenFile.toString()) + ": cannot read it (" +
                    CtlArguments.fileProblem(ex) + ")", ex);
            }
            return checkedToken(text.strip(), "--token-file " + tokenFile);
        }
        final String variable = environment.apply(TOKEN_VARIABLE);
        return variable == null || variable.isBlank() ? null : checkedToken(variable.strip(), TOKEN_VARIABLE);
    }

    private static String checkedToken(final String value, final String source) throws IOException
    {
        for (int i = 0; i < value.length(); i++)
        {
            if (value.charAt(i) <= ' ' || value.charAt(i) > '~')
            {
                throw new IOException(source + ": the token must be visible ASCII characters, without spaces");
            }
        }
        if (value.isEmpty())
        {
            throw new IOException(source + ": the token is empty");
        }
        return value;
    }

    private boolean usesTls()
    {
        return tls || ca != null || cert != null || key != null;
    }

    private ChannelCredentials credentials(final CommandSpec subcommand) throws IOException
    {
        if (!usesTls())
        {
            return InsecureChannelCredentials.create();
        }
        if ((cert == null) != (key == null))
        {
            throw new CommandLine.ParameterException(subcommand.commandLine(), "mutual TLS needs both --cert and --key");
        }
        final TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
        if (ca != null)
        {
            readable(ca, "--ca");
            try
            {
                builder.trustManager(ca.toFile());
            }
            catch (final IOException | RuntimeException ex)
            {
                throw new IOException("--ca " + ca + ": not PEM CA certificates (" + ex.getMessage() + ")", ex);
            }
        }
        if (cert != null)
        {
            readable(cert, "--cert");
            readable(key, "--key");
            try
            {
                builder.keyManager(cert.toFile(), key.toFile());
            }
            catch (final IOException | RuntimeException ex)
            {
                throw new IOException("--cert " + cert + " --key " + key + ": not a PEM certificate chain and its PKCS#8 key (" +
                    ex.getMessage() + ")", ex);
            }
        }
        return builder.build();
    }

    private static void readable(final Path file, final String option) throws IOException
    {
        if (!Files.isReadable(file))
        {
            throw new IOException(option + " " + file + ": cannot read it");
        }
    }

    /**
     * Converts {@code --timeout} text to nanoseconds.
     */
    static final class DeadlineConverter implements CommandLine.ITypeConverter<Long>
    {
        @Override
        public Long convert(final String value)
        {
            try
            {
                final long ns = Durations.parseNs(value);
                if (ns <= 0)
                {
                    throw new CommandLine.TypeConversionException(CtlArguments.quoted(value) + " is not above 0: " + Durations.FORM);
                }
                return ns;
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.TypeConversionException(CtlArguments.quoted(value) + " is not " + Durations.FORM);
            }
        }
    }
}
