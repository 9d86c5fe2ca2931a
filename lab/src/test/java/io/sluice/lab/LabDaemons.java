package io.sluice.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemons one lab test class starts (one or both LBs, started again after a kill): their
 * configuration and log files named after the class, their API sockets, and the clean-up after
 * each test: every daemon still running stopped, its stats file removed, and the Aeron directory
 * of one that was killed (a SIGKILLed driver leaves tens of MB of tmpfs behind) deleted.
 */
final class LabDaemons
{
    /** The sync section's default Aeron directory, plus the node id. */
    static final String AERON_DIRECTORY_PREFIX = "/dev/shm/sluice-sync-";
    private static final Duration FIRST_ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final LabScript lab;
    private final String prefix;
    private final List<LabDaemon> daemons = new ArrayList<>();

    /**
     * @param lab    the lab.
     * @param prefix what the files and sockets of this class's daemons begin with.
     */
    LabDaemons(final LabScript lab, final String prefix)
    {
        this.lab = lab;
        this.prefix = prefix;
    }

    /**
     * Starts a daemon and waits until it runs (see {@link LabDaemon#start}).
     *
     * @param name   the run's name, for its configuration and log files.
     * @param config its configuration.
     * @return the running daemon, stopped by {@link #stopAll()}.
     */
    LabDaemon start(final String name, final LbConfig config) throws IOException, InterruptedException
    {
        final String file = prefix + "-" + name;
        final LabDaemon daemon = LabDaemon.start(LabDaemon.jar(lab), config, lab.runDirectory().resolve(file + ".yaml"),
            lab.script().getParent().resolve("target").resolve("lab-daemon").resolve(file + ".log"));
        daemons.add(daemon);
        return daemon;
    }

    /** @return the API socket a daemon of this class on {@code host} listens on. */
    Path socket(final LabLbHost host)
    {
        return lab.runDirectory().resolve(prefix + "-" + host.name() + ".sock");
    }

    /** @return the line of a configuration that serves the API on {@link #socket(LabLbHost)}. */
    String apiSection(final LabLbHost host)
    {
        return "api: { socket: " + socket(host) + " }\n";
    }

    /** Stops every daemon still running (the last started first), removes their stats files and Aeron directories. */
    void stopAll() throws IOException, InterruptedException
    {
        for (final LabDaemon daemon : daemons.reversed())
        {
            if (daemon.isAlive())
            {
                daemon.stop();
            }
            Files.deleteIfExists(daemon.config().statsFile());
        }
        for (final LabDaemon daemon : daemons)
        {
            if (daemon.config().sync() != null)
            {
                deleteAeronDirectory(daemon);
            }
        }
        daemons.clear();
    }

    /** Deletes the Aeron directory a killed daemon left behind, before another daemon of its node id starts. */
    static void deleteAeronDirectory(final LabDaemon daemon) throws IOException
    {
        deleteTree(Path.of(AERON_DIRECTORY_PREFIX + daemon.config().sync().nodeId()));
    }

    /** Deletes a directory and everything below it, if it exists. */
    static void deleteTree(final Path directory) throws IOException
    {
        if (Files.isDirectory(directory))
        {
            try (Stream<Path> paths = Files.walk(directory))
            {
                for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(path);
                }
            }
        }
    }

    /**
     * Waits until an HTTP request from the client through a VIP is answered (by any backend).
     *
     * @param vip    the VIP.
     * @param daemon the daemon whose log the failure quotes.
     */
    static void awaitAnswer(final String vip, final LabDaemon daemon)
    {
        final Poll.Outcome<VipClient.Answer> answer = Poll.until(FIRST_ANSWER_TIMEOUT,
            () -> NetworkNamespace.call(CLIENT_NAMESPACE, () -> VipClient.request(InetAddress.ofLiteral(vip), LbConfig.VIP_PORT,
                Duration.ofMillis(500))),
            reply -> true);
        assertTrue(answer.met(), "no answer through " + vip + " within " + FIRST_ANSWER_TIMEOUT + ": " + answer.describe() + "\n" +
            daemon.logTail());
    }
}
