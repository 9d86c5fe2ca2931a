package io.sluice.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process a benchmark run starts beside itself (the Sluice daemon, {@code dpdk-testpmd}): its
 * output and errors to a log, stopped with SIGTERM when the run is over (so that the daemon logs its
 * mbuf pool at stop), killed when it does not stop within 20 s. It may be created before it is
 * started, so that a try-with-resources block stops it whatever fails after.
 */
final class PeerProcess implements AutoCloseable
{
    /** The flags every JVM that touches Agrona and DPDK needs. */
    static final List<String> JVM_FLAGS = List.of("--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED");

    private static final long STOP_SECONDS = 20;
    private static final long KILL_SECONDS = 5;

    private Process process;

    /**
     * A Java command with this JVM's {@code java} and {@link #JVM_FLAGS}, mutable so that callers may add flags.
     *
     * @param rest what follows the flags ({@code -jar ...} or {@code -cp ...}).
     * @return the command.
     */
    static List<String> java(final List<String> rest)
    {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_FLAGS);
        command.addAll(rest);
        return command;
    }

    /**
     * A process started at once.
     *
     * @param command its command line.
     * @param log     where its output goes.
     * @return the running process.
     * @throws IOException when it cannot be started.
     */
    static PeerProcess started(final List<String> command, final Path log) throws IOException
    {
        final PeerProcess peer = new PeerProcess();
        peer.start(command, log);
        return peer;
    }

    /**
     * Starts it.
     *
     * @param command its command line.
     * @param log     where its output goes.
     * @throws IOException when it cannot be started.
     */
    void start(final List<String> command, final Path log) throws IOException
    {
        if (process != null)
        {
            throw new IllegalStateException("already started: " + process.info().commandLine().orElse("?"));
        }
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** @return whether it was started and still runs. */
    boolean alive()
    {
        return process != null && process.isAlive();
    }

    /** @return its exit status; it must have ended. */
    int exitValue()
    {
        return process.exitValue();
    }

    /** @return its process id; it must have been started. */
    long pid()
    {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException
    {
        if (alive())
        {
            process.destroy();
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(KILL_SECONDS, TimeUnit.SECONDS);
            }
        }
    }
}
