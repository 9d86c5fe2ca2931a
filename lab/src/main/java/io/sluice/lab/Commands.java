package io.sluice.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the lab's command-line tools ({@code ip}, {@code tc}, {@code nstat}, {@code lab.sh}) to
 * completion and hands back what they printed; a failure or a hang becomes an exception that names
 * the command and quotes its output, which is what a person debugging a lab test needs first.
 */
public final class Commands
{
    /** How long a command may run unless the caller says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Commands()
    {
    }

    /**
     * Runs a command with the default timeout.
     *
     * @param command the command and its arguments.
     * @return its output, error output merged in.
     * @throws IllegalStateException naming the command and quoting its output when it exits non-zero or hangs.
     */
    public static String run(final String... command)
    {
        return run(DEFAULT_TIMEOUT, Map.of(), List.of(command));
    }

    /**
     * Runs a command inside a network namespace ({@code ip netns exec}) with the default timeout.
     *
     * @param namespace the namespace, e.g. {@link LabTopology#CLIENT_NAMESPACE}.
     * @param command   the command and its arguments.
     * @return its output, error output merged in.
     * @throws IllegalStateException naming the command and quoting its output when it exits non-zero or hangs.
     */
    public static String inNamespace(final String namespace, final String... command)
    {
        return run(DEFAULT_TIMEOUT, Map.of(), namespaced(namespace, command));
    }

    /**
     * The command line that runs a command inside a network namespace.
     *
     * @param namespace the namespace.
     * @param command   the command and its arguments.
     * @return {@code ip netns exec NAMESPACE COMMAND...}.
     */
    public static List<String> namespaced(final String namespace, final String... command)
    {
        final List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        line.addAll(List.of(command));
        return line;
    }

    /**
     * Runs a command to completion.
     *
     * @param timeout     how long it may take; it is killed after that.
     * @param environment variables added to this process's environment.
     * @param command     the command and its arguments.
     * @return its output, error output merged in.
     * @throws IllegalStateException naming the command and quoting its output when it exits non-zero or hangs.
     */
    public static String run(final Duration timeout, final Map<String, String> environment, final List<String> command)
    {
        Path output = null;
        try
        {
            output = Files.createTempFile("sluice-lab-command", ".out");
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            final Process process = builder.start();
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS))
            {
                process.destroyForcibly();
                process.waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout +
                    ": " + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0)
            {
                throw new IllegalStateException(
                    String.join(" ", command) + " exited with " + process.exitValue() + ": " + text.strip());
            }
            return text;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), ex);
        }
        finally
        {
            deleteIfPresent(output);
        }
    }

    private static void deleteIfPresent(final Path file)
    {
        if (file != null)
        {
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("cannot delete the temporary file " + file + ": " + ex.getMessage(), ex);
            }
        }
    }
}
