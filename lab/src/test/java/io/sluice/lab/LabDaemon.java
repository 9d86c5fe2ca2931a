package io.sluice.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Sluice daemon in the lab, as {@code ./sluice run} starts it: {@code ip netns exec sl-lb
 * java -jar controlplane/target/sluice.jar run --config FILE} as a child process of the test JVM
 * ({@code ip netns exec} replaces itself with the JVM, so the child's pid is the daemon's and
 * signals reach it), in the namespace of the configuration's LB host ({@code sl-lb} or
 * {@code sl-lb2}). The configuration is written by the test; reloads rewrite the file and send
 * SIGHUP, as an operator would; the stop is SIGTERM, and {@link #kill9()} is a host dying.
 * <p>
 * Everything the daemon prints goes to a log file that outlives the lab (under
 * {@code lab/target/}), and every failure message here quotes its end.
 */
final class LabDaemon
{
    /** System property naming the daemon jar; by default {@code controlplane/target/sluice.jar} beside {@code lab/}. */
    static final String JAR_PROPERTY = "sluice.jar";

    private static final List<String> JVM_FLAGS =
        List.of("--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final Path configFile;
    private final Path log;
    private LbConfig config;

    private LabDaemon(final Process process, final Path configFile, final Path log, final LbConfig config)
    {
        this.process = process;
        this.configFile = configFile;
        this.log = log;
        this.config = config;
    }

    /**
     * Writes the configuration, starts the daemon in its LB host's namespace and waits until its stats file
     * shows it running generation 1 on every worker.
     *
     * @param jar        the daemon jar, see {@link #jar(LabScript)}.
     * @param config     the configuration.
     * @param configFile where to write it.
     * @param log        where the daemon's output goes (replaced).
     * @return the running daemon.
     * @throws IOException          when the files cannot be written or the process cannot start.
     * @throws InterruptedException when interrupted while killing a daemon that did not come up.
     * @throws AssertionError       when the daemon does not come up, quoting its log.
     */
    static LabDaemon start(final Path jar, final LbConfig config, final Path configFile, final Path log)
        throws IOException, InterruptedException
    {
        write(configFile, config);
        Files.createDirectories(log.getParent());
        final List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", config.lb().namespace(),
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-jar", jar.toString(), "run", "--config", configFile.toString()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        final LabDaemon daemon = new LabDaemon(process, configFile, log, config);
        final Poll.Outcome<LbStats> up = Poll.until(START_TIMEOUT, daemon::statsWhileAlive,
            stats -> stats == null || stats.pid() == process.pid() && stats.everyWorkerRuns(1));
        if (!up.met() || up.value() == null)
        {
            final String state = process.isAlive() ? "still starting after " + START_TIMEOUT : "exited with " + process.exitValue();
            daemon.kill();
            throw new AssertionError("the daemon (" + String.join(" ", command) + ") did not come up: " + state +
                "; stats file: " + up.describe() + "\n" + daemon.logTail());
        }
        return daemon;
    }

    /** @return the daemon's process id. */
    long pid()
    {
        return process.pid();
    }

    /** @return the configuration in force. */
    LbConfig config()
    {
        return config;
    }

    /**
     * Reads the daemon's stats file.
     *
     * @return its counters now.
     * @throws IOException when the file cannot be read.
     */
    LbStats stats() throws IOException
    {
        return LbStats.read(config.statsFile());
    }

    /**
     * Rewrites the configuration file, sends SIGHUP and waits until every worker runs the next
     * generation.
     *
     * @param next the new configuration.
     * @throws IOException   when the file cannot be written or the stats not read.
     * @throws AssertionError when the reload does not take effect, quoting the daemon's log.
     */
    void reload(final LbConfig next) throws IOException
    {
        final long generation = stats().generation();
        write(configFile, next);
        Commands.run("kill", "-HUP", Long.toString(process.pid()));
        final Poll.Outcome<LbStats> applied = Poll.until(RELOAD_TIMEOUT, this::statsWhileAlive,
            stats -> stats == null || stats.everyWorkerRuns(generation + 1));
        if (!applied.met() || applied.value() == null)
        {
            throw new AssertionError("the reload to generation " + (generation + 1) + " did not take effect within " + RELOAD_TIMEOUT +
                " (daemon " + (process.isAlive() ? "running" : "exited with " + process.exitValue()) + "); stats: " +
                applied.describe() + "\n" + logTail());
        }
        config = next;
    }

    /**
     * Stops the daemon with SIGTERM and waits for it.
     *
     * @return its exit code.
     * @throws InterruptedException when interrupted while waiting.
     * @throws AssertionError       when it does not exit in time (it is then killed), quoting its log.
     */
    int stop() throws InterruptedException
    {
        if (process.isAlive())
        {
            Commands.run("kill", "-TERM", Long.toString(process.pid()));
        }
        if (!process.waitFor(STOP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS))
        {
            kill();
            throw new AssertionError("the daemon did not stop within " + STOP_TIMEOUT + " of SIGTERM; killed\n" + logTail());
        }
        return process.exitValue();
    }

    /**
     * Kills the daemon with SIGKILL ({@link Process#destroyForcibly()} on Linux), as a host that dies: no goodbye to its peers, its stats file,
     * API socket and Aeron directory stay behind. The process is gone when this returns.
     *
     * @throws InterruptedException when interrupted while waiting.
     * @throws AssertionError       when the process is still there after {@link #STOP_TIMEOUT}.
     */
    void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS))
        {
            throw new AssertionError("the daemon (pid " + process.pid() + ") is still there " + STOP_TIMEOUT + " after SIGKILL");
        }
    }

    /**
     * Whether the daemon's whole log has a text.
     *
     * @param text the text.
     * @return true when some line has it; false also when the log cannot be read.
     */
    boolean logContains(final String text)
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8).contains(text);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * The end of the daemon's log, for failure messages.
     *
     * @return its last lines, or why they cannot be read.
     */
    String logTail()
    {
        try
        {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "--- " + log + " (last " + LOG_TAIL_LINES + " lines) ---\n" +
                String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        }
        catch (final IOException ex)
        {
            return "(cannot read the daemon log " + log + ": " + ex + ")";
        }
    }

    /** @return whether the process is still running. */
    boolean isAlive()
    {
        return process.isAlive();
    }

    private void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The stats, or null once the process is gone (so that a poll stops waiting for a dead daemon). */
    private LbStats statsWhileAlive() throws IOException
    {
        return process.isAlive() ? stats() : null;
    }

    /**
     * Finds the daemon jar: the file {@value #JAR_PROPERTY} names, else
     * {@code controlplane/target/sluice.jar} of the repository the lab is in.
     *
     * @param lab the lab.
     * @return the jar's absolute path.
     * @throws IllegalStateException when it is not there, saying how to build it.
     */
    static Path jar(final LabScript lab)
    {
        final String property = System.getProperty(JAR_PROPERTY);
        final Path jar = property != null ? Path.of(property) :
            lab.script().getParent().getParent().resolve("controlplane").resolve("target").resolve("sluice.jar");
        if (!Files.isRegularFile(jar))
        {
            throw new IllegalStateException("no daemon jar at " + jar + ": build it first (mvn -pl controlplane -am package -DskipTests)" +
                " or name it with -D" + JAR_PROPERTY + "=PATH");
        }
        return jar.toAbsolutePath();
    }

    private static void write(final Path file, final LbConfig config) throws IOException
    {
        Files.createDirectories(file.getParent());
        final Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(temporary, config.yaml(), StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
