package io.sluice.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The Sluice daemon running in the lab, once per test class: registered as a static
 * {@code @RegisterExtension} field, it takes the lab every class shares ({@link SharedLab}: brought
 * up once per run, every backend answering), starts the daemon with the class's configuration
 * (written to {@code lab/run/CLASS.yaml}, log in {@code lab/target/lab-daemon/CLASS.log}) and waits
 * until a request through every VIP of it is answered. After the class, whatever happened, it stops
 * the daemon with SIGTERM and checks the daemon exited with 0 and removed its stats file; the lab
 * stays up for the next class (only the daemon is the class's own).
 */
final class LabLoadBalancer implements BeforeAllCallback, AfterAllCallback
{
    private static final Duration FIRST_ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final LbConfig base;
    private LabScript lab;
    private LabDaemon daemon;

    /**
     * @param base the configuration the daemon starts with, and the one {@link #restoreBase()} goes back to.
     */
    LabLoadBalancer(final LbConfig base)
    {
        this.base = base;
    }

    /**
     * Takes the shared lab and starts the daemon in it; on any failure stops the daemon again before
     * reporting it.
     */
    @Override
    public void beforeAll(final ExtensionContext context) throws Exception
    {
        final String name = context.getRequiredTestClass().getSimpleName();
        lab = SharedLab.acquire(context);
        final Path jar = LabDaemon.jar(lab);
        try
        {
            if (base.hasNatService())
            {
                lab.natRoute(List.of());
            }
            daemon = LabDaemon.start(jar, base, lab.runDirectory().resolve(name + ".yaml"),
                lab.script().getParent().resolve("target").resolve("lab-daemon").resolve(name + ".log"));
            for (final LbConfig.Service service : base.services())
            {
                awaitFirstAnswer(service);
            }
        }
        catch (final Exception | AssertionError ex)
        {
            try
            {
                tearDown();
            }
            catch (final Exception | AssertionError cleanup)
            {
                ex.addSuppressed(cleanup);
            }
            throw ex;
        }
    }

    /** Stops the daemon (SIGTERM, exit code 0, stats file removed), also after failures; the lab stays up. */
    @Override
    public void afterAll(final ExtensionContext context) throws Exception
    {
        tearDown();
    }

    /** @return the lab's script, for its counters. */
    LabScript lab()
    {
        return lab;
    }

    /** @return the configuration the daemon started with. */
    LbConfig base()
    {
        return base;
    }

    /** @return the configuration in force. */
    LbConfig config()
    {
        return daemon.config();
    }

    /**
     * Puts a configuration in force (rewrite, SIGHUP, wait for every worker), unless it already is.
     *
     * @param next the configuration.
     * @throws IOException when the file cannot be written or the stats not read.
     */
    void apply(final LbConfig next) throws IOException
    {
        if (!next.equals(daemon.config()))
        {
            daemon.reload(next);
        }
    }

    /**
     * Goes back to the starting configuration, so that each test starts from the same one.
     *
     * @throws IOException when the file cannot be written or the stats not read.
     */
    void restoreBase() throws IOException
    {
        apply(base);
    }

    /**
     * Reads the daemon's counters.
     *
     * @return its stats file now.
     * @throws IOException when the file cannot be read.
     */
    LbStats stats() throws IOException
    {
        return daemon.stats();
    }

    /** @return the end of the daemon's log, for failure messages. */
    String logTail()
    {
        return daemon.logTail();
    }

    /**
     * Waits until a request through the service's VIP is answered: the router must resolve the LB
     * (the dataplane answers its ARP or ND) and the LB each backend. Each attempt is a new
     * connection with a short timeout, so a SYN lost to an unresolved neighbour costs one attempt
     * rather than a TCP retransmission timeout.
     */
    private void awaitFirstAnswer(final LbConfig.Service service)
    {
        final Poll.Outcome<VipClient.Answer> answer = Poll.until(FIRST_ANSWER_TIMEOUT,
            () -> NetworkNamespace.call(LabTopology.CLIENT_NAMESPACE, () -> VipClient.request(service.vipAddress(), service.port(),
                PROBE_TIMEOUT)),
            reply -> true);
        if (!answer.met())
        {
            throw new AssertionError("no answer through " + service.vip() + " port " + service.port() + " within " + FIRST_ANSWER_TIMEOUT +
                ": " + answer.describe() + "\n" + daemon.logTail());
        }
    }

    private void tearDown() throws Exception
    {
        try
        {
            if (daemon != null)
            {
                final int exitCode = daemon.stop();
                assertEquals(0, exitCode, "the daemon's exit code after SIGTERM\n" + daemon.logTail());
                assertFalse(base.statsFile().toFile().exists(), "the daemon removed its stats file " + base.statsFile());
            }
        }
        finally
        {
            daemon = null;
            if (base.hasNatService())
            {
                lab.natRouteOff();
            }
        }
    }
}
