package io.sluice.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Drives {@code lab/lab.sh} from Java: bring the lab up and down, start and stop backends, read
 * the decap counters. Every call runs the script to completion and throws, quoting the script's
 * output, when it fails. The script's JDK for the backend servers is this JVM's.
 */
public final class LabScript
{
    /** System property naming the {@code lab/} directory (the Maven build sets it for tests). */
    public static final String HOME_PROPERTY = "sluice.lab.home";

    /** How long {@code lab.sh up} may take: building the topology plus starting three JVMs. */
    public static final Duration UP_TIMEOUT = Duration.ofMinutes(3);

    private final Path script;

    /**
     * A runner for the script in a lab directory.
     *
     * @param labHome the {@code lab/} directory, holding {@code lab.sh}.
     * @throws IllegalArgumentException when there is no {@code lab.sh} in it.
     */
    public LabScript(final Path labHome)
    {
        this.script = labHome.toAbsolutePath().resolve("lab.sh");
        if (!Files.isRegularFile(script))
        {
            throw new IllegalArgumentException("no lab script at " + script);
        }
    }

    /**
     * Finds {@code lab.sh}: the directory named by {@value #HOME_PROPERTY}, else {@code lab/} or
     * {@code .} under the working directory.
     *
     * @return the runner.
     * @throws IllegalStateException when the script cannot be found.
     */
    public static LabScript locate()
    {
        final String home = System.getProperty(HOME_PROPERTY);
        if (home != null)
        {
            return new LabScript(Path.of(home));
        }
        for (final Path candidate : List.of(Path.of("lab"), Path.of(".")))
        {
            if (Files.isRegularFile(candidate.resolve("lab.sh")))
            {
                return new LabScript(candidate);
            }
        }
        throw new IllegalStateException("cannot find lab.sh: set -D" + HOME_PROPERTY + "=PATH/TO/lab or run from the repository");
    }

    /** @return the script's path. */
    public Path script()
    {
        return script;
    }

    /** @return the directory the script keeps pid files, logs and compiled programs in (removed by down). */
    public Path runDirectory()
    {
        return script.getParent().resolve("run");
    }

    /**
     * {@code lab.sh up}: removes any earlier lab, builds the topology, attaches decap, starts the
     * backends and waits until they answer.
     *
     * @return the script's output.
     */
    public String up()
    {
        return run(UP_TIMEOUT, "up");
    }

    /**
     * {@code lab.sh down}: removes everything the lab made; does nothing when there is nothing.
     *
     * @return the script's output.
     */
    public String down()
    {
        return run(Commands.DEFAULT_TIMEOUT, "down");
    }

    /**
     * {@code lab.sh backends start NAME...}: (re)starts backends and waits until each answers.
     *
     * @param backends the backends to start.
     * @return the script's output.
     */
    public String startBackends(final LabBackend... backends)
    {
        return run(UP_TIMEOUT, withBackends("start", backends));
    }

    /**
     * {@code lab.sh backends stop NAME...}: stops backends (their namespaces and decap stay).
     *
     * @param backends the backends to stop.
     * @return the script's output.
     */
    public String stopBackends(final LabBackend... backends)
    {
        return run(Commands.DEFAULT_TIMEOUT, withBackends("stop", backends));
    }

    /**
     * {@code lab.sh counters NAME}: the backend's decap counters.
     *
     * @param backend the backend.
     * @return its counters since the lab came up.
     */
    public DecapCounters counters(final LabBackend backend)
    {
        return DecapCounters.parse(run(Commands.DEFAULT_TIMEOUT, "counters", backend.name()));
    }

    /**
     * Starts the script without waiting, in a session (and process group) of its own, so that it
     * and whatever it runs at the moment can be killed together: {@code kill -KILL -- -PID}.
     *
     * @param arguments the script's arguments, e.g. {@code up}.
     * @return the running script, output and error output merged.
     * @throws IllegalStateException when it cannot be started.
     */
    public Process startInOwnSession(final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of("setsid", "bash", script.toString()));
        command.addAll(List.of(arguments));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment());
        try
        {
            return builder.start();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot start " + String.join(" ", command) + ": " + ex.getMessage(), ex);
        }
    }

    private static String[] withBackends(final String action, final LabBackend... backends)
    {
        final String[] arguments = new String[backends.length + 2];
        arguments[0] = "backends";
        arguments[1] = action;
        for (int i = 0; i < backends.length; i++)
        {
            arguments[i + 2] = backends[i].name();
        }
        return arguments;
    }

    private String run(final Duration timeout, final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        return Commands.run(timeout, environment(), command);
    }

    private static Map<String, String> environment()
    {
        return Map.of("JAVA_HOME", System.getProperty("java.home"));
    }
}
