package io.sluice.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.SystemNanoClock;

import io.sluice.controlplane.api.ApiServer;
import io.sluice.controlplane.config.ConfigException;
import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.ConfigProblem;
import io.sluice.controlplane.config.DeviceNames;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.ha.HaMonitor;
import io.sluice.controlplane.ha.HaStatsPublisher;
import io.sluice.controlplane.ha.SyncService;
import io.sluice.controlplane.ha.VrrpService;
import io.sluice.controlplane.vrrp.VrrpTransmitter;
import io.sluice.controlplane.lock.DeviceLock;
import io.sluice.controlplane.metrics.MetricsServer;
import io.sluice.controlplane.model.ApplyResult;
import io.sluice.controlplane.model.ChangeRejectedException;
import io.sluice.controlplane.model.ControlModel;
import io.sluice.controlplane.model.EventBus;
import io.sluice.controlplane.model.HealthSupervisor;
import io.sluice.controlplane.model.RunningDataplane;
import io.sluice.controlplane.stat.NatExhaustionLog;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dataplane.worker.Dataplane;
import io.sluice.dataplane.worker.DataplaneConfig;
import io.sluice.dpdk.DpdkException;
import io.sluice.dpdk.Eal;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The {@code sluice run} lifecycle, for one validated configuration: takes the device lock, creates
 * the stats file, starts EAL and the dataplane, puts the {@link ControlModel} over it, starts the
 * health checks ({@link HealthSupervisor}), with VRRP or flow sync publishes the HA figures into the
 * stats file about once a second ({@link HaStatsPublisher}, for {@code sluice stat}) and hands the
 * metrics and the API the HA view ({@link HaMonitor}), serves the Prometheus metrics when the configuration has
 * a {@code metrics:} section, opens the gRPC API when it has an {@code api:} section, logs what runs,
 * then waits for signals. SIGHUP re-reads the file and applies its network, timeouts and services
 * through the model (replacing changes made through the API); SIGINT or SIGTERM stops the API first,
 * then the metrics endpoint, the health checks, the dataplane (workers, port), closes EAL (hugepages
 * released), deletes the stats file and releases the lock, in that order (the metrics endpoint reads
 * the stats file's memory, so it stops before the file is closed). Whatever fails on the way up
 * undoes what was already done.
 */
public final class Daemon
{
    /** Exit code of a clean stop. */
    public static final int EXIT_OK = 0;
    /** Exit code when the daemon could not start (device busy or missing, no hugepages, ...). */
    public static final int EXIT_START_FAILED = 1;
    /** Exit code of a configuration with problems: nothing was started. */
    public static final int EXIT_BAD_CONFIG = 2;

    private static final System.Logger LOG = System.getLogger("sluice.daemon");
    private static final long HA_STATS_PERIOD_MS = 1000;

    private final BlockingQueue<String> signals;
    private SluiceConfig running;
    private String insecureListener;
    private SyncService sync;
    private VrrpService vrrp;
    private HaStatsPublisher haStats;
    private final VrrpService.PuntRelay vrrpRelay = new VrrpService.PuntRelay();

    /**
     * @param config  the validated configuration.
     * @param signals names of the signals received ({@code HUP}, {@code INT}, {@code TERM}), see {@link Signals}.
     */
    public Daemon(final SluiceConfig config, final BlockingQueue<String> signals)
    {
        this.running = config;
        this.signals = signals;
    }

    /**
     * Runs until SIGINT or SIGTERM.
     *
     * @return {@link #EXIT_OK} after a clean stop, {@link #EXIT_START_FAILED} when it could not start.
     */
    public int run()
    {
        final String device = running.dataplane().device();
        LOG.log(INFO, "sluice starting: pid {0}, config {1}", Long.toString(ProcessHandle.current().pid()), running.source());
        final Path lockFile = DeviceNames.lockFile(device);
        final DeviceLock lock;
        try
        {
            lock = DeviceLock.acquire(lockFile, device);
        }
        catch (final DeviceLock.DeviceBusyException ex)
        {
            LOG.log(ERROR, ex.getMessage());
            return EXIT_START_FAILED;
        }
        catch (final IOException ex)
        {
            LOG.log(ERROR, "cannot take the device lock " + lockFile + ": " + ex +
                " (the daemon runs as root; -D" + DeviceNames.LOCK_DIRECTORY_PROPERTY + "=DIR puts locks elsewhere)");
            return EXIT_START_FAILED;
        }
        LOG.log(INFO, "device {0}: lock {1} taken", device, lockFile);
        try
        {
            return runWithStatsFile();
        }
        finally
        {
            try
            {
                lock.close();
                LOG.log(INFO, "lock {0} released", lockFile);
            }
            catch (final IOException ex)
            {
                LOG.log(WARNING, "releasing lock " + lockFile + " failed (the kernel drops it when this process ends)", ex);
            }
        }
    }

    private int runWithStatsFile()
    {
        final Path statsPath = running.statsFile();
        final String refusal = StatsFileOwnership.refusal(statsPath);
        if (refusal != null)
        {
            LOG.log(ERROR, refusal);
            return EXIT_START_FAILED;
        }
        final StatsFile stats;
        final Object fileKey;
        try
        {
            stats = StatsFile.create(statsPath, running.dataplane().workers());
            fileKey = StatsFileOwnership.fileKey(statsPath);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.log(ERROR, "cannot create the stats file " + statsPath + ": " + ex);
            return EXIT_START_FAILED;
        }
        try
        {
            haStats = running.vrrp() == null && running.sync() == null ? null :
                HaStatsPublisher.allocate(stats.countersManager(), running.vrrp() != null, running.sync() != null);
            return runWithEal(stats);
        }
        finally
        {
            stats.close();
            try
            {
                if (fileKey != null && fileKey.equals(StatsFileOwnership.fileKey(statsPath)))
                {
                    Files.deleteIfExists(statsPath);
                    LOG.log(INFO, "stats file {0} deleted", statsPath);
                }
                else
                {
                    LOG.log(WARNING, "stats file {0} is no longer the one this daemon made; left alone", statsPath);
                }
            }
            catch (final IOException ex)
            {
                LOG.log(WARNING, "cannot delete the stats file " + statsPath + ": " + ex);
            }
        }
    }

    private int runWithEal(final StatsFile stats)
    {
        final String cpus = StartupChecks.cpuProblem(running.dataplane());
        final String hugepages = StartupChecks.hugepageProblem(running.dataplane());
        if (cpus != null || hugepages != null)
        {
            LOG.log(ERROR, cpus != null ? cpus : hugepages);
            return EXIT_START_FAILED;
        }
        final List<String> ealArguments = running.dataplane().eal();
        LOG.log(INFO, "starting DPDK EAL: {0}", String.join(" ", ealArguments));
        final Eal eal;
        try
        {
            eal = Eal.start(ealArguments);
        }
        catch (final DpdkException | IllegalStateException ex)
        {
            LOG.log(ERROR, "DPDK EAL did not start: " + ex.getMessage() + System.lineSeparator() + StartupChecks.EAL_HINTS);
            return EXIT_START_FAILED;
        }
        try
        {
            return runDataplane(eal, stats);
        }
        finally
        {
            LOG.log(INFO, "closing DPDK EAL (releases its hugepages)");
            try
            {
                eal.close();
            }
            catch (final DpdkException ex)
            {
                LOG.log(WARNING, "rte_eal_cleanup failed: " + ex.getMessage());
            }
        }
    }

    private int runDataplane(final Eal eal, final StatsFile stats)
    {
        final Dataplane dataplane;
        try
        {
            final DataplaneConfig config = running.sync() == null ? running.dataplane().toDataplaneConfig() :
                running.dataplane().toDataplaneConfig().withFlowEvents(running.sync().eventRingBytes());
            dataplane = Dataplane.start(eal, config, running.settings(), ControlModel.initialSpecs(running),
                running.vrrp() == null ? null : vrrpRelay, stats);
        }
        catch (final RuntimeException ex)
        {
            LOG.log(ERROR, "cannot start the dataplane on " + running.dataplane().device() + ": " + ex.getMessage() +
                System.lineSeparator() + StartupChecks.deviceHints(running.dataplane().device()));
            return EXIT_START_FAILED;
        }
        try
        {
            StartupSummary.log(LOG, running, dataplane);
            final ControlModel model = new ControlModel(running, new RunningDataplane(dataplane), new EventBus(Clock.systemUTC()),
                Clock.systemUTC());
            return runSync(dataplane, model, stats);
        }
        finally
        {
            LOG.log(INFO, "stopping the dataplane: workers, then port {0}", running.dataplane().device());
            dataplane.close();
        }
    }

    private int runSync(final Dataplane dataplane, final ControlModel model, final StatsFile stats)
    {
        if (running.sync() == null)
        {
            LOG.log(INFO, "no sync section: this load balancer replicates no flows");
            return runVrrp(dataplane, model, stats);
        }
        try
        {
            sync = SyncService.start(running.sync(), dataplane);
        }
        catch (final RuntimeException ex)
        {
            LOG.log(ERROR, "cannot start flow sync on " + running.sync().listen() + ": " + ex.getMessage() +
                " (sync.listen, sync.keyFile and sync.stateFile in " + running.source() + ")");
            return EXIT_START_FAILED;
        }
        try
        {
            return runVrrp(dataplane, model, stats);
        }
        finally
        {
            LOG.log(INFO, "stopping flow sync");
            sync.close();
            sync = null;
        }
    }

    private int runVrrp(final Dataplane dataplane, final ControlModel model, final StatsFile stats)
    {
        if (running.vrrp() == null)
        {
            LOG.log(INFO, "no vrrp section: this load balancer answers for its VIPs on its own");
            return runHealthChecks(dataplane, model, stats);
        }
        vrrp = VrrpService.start(running.vrrp(), vrrpRelay, dataplane.worker(0)::injectFrame,
            peer -> neighbourMac(dataplane, peer), model::onVirtualRoles, model.events(), Clock.systemUTC(),
            sync == null ? () -> true : sync::readyToLead);
        LOG.log(INFO, "vrrp: {0} virtual router(s), backup until the election says otherwise", running.vrrp().routers().size());
        try
        {
            return runHealthChecks(dataplane, model, stats);
        }
        finally
        {
            LOG.log(INFO, "stopping VRRP (a master hands over with a priority-0 advert)");
            vrrp.close();
            vrrp = null;
        }
    }

    private static long neighbourMac(final Dataplane dataplane, final IpAddress peer)
    {
        final int index = dataplane.neighbours().indexOf(peer);
        final long mac = index < 0 ? NeighbourTable.UNRESOLVED : dataplane.neighbours().mac(index);
        return mac == NeighbourTable.UNRESOLVED ? VrrpTransmitter.MacResolver.UNKNOWN : mac;
    }

    private int runHealthChecks(final Dataplane dataplane, final ControlModel model, final StatsFile stats)
    {
        final HealthSupervisor health = HealthSupervisor.start(model);
        try
        {
            LOG.log(INFO, "health checks: {0} backend(s) checked", health.checker().statuses().size());
            return runHaStats(dataplane, model, stats);
        }
        finally
        {
            LOG.log(INFO, "stopping the health checks");
            health.close();
        }
    }

    private int runHaStats(final Dataplane dataplane, final ControlModel model, final StatsFile stats)
    {
        final HaMonitor ha = new HaMonitor(vrrp, sync == null ? null : sync.agent(), sync == null ? null : running.sync(),
            () -> model.stats().total(WorkerCounter.FLOW_EVENTS_LOST), SystemNanoClock.INSTANCE, model.haState().since());
        final HaStatsPublisher publisher = haStats;
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sluice-stats-timer").factory());
        if (publisher != null)
        {
            timer.scheduleAtFixedRate(() -> publishHaStats(publisher, ha), 0, HA_STATS_PERIOD_MS, TimeUnit.MILLISECONDS);
        }
        final NatExhaustionLog natLog = new NatExhaustionLog(line -> LOG.log(WARNING, line), NatExhaustionLog.DEFAULT_INTERVAL_NS);
        final long[] exhaustedSeen = {0};
        timer.scheduleAtFixedRate(() -> checkNatExhaustion(natLog, dataplane, model, exhaustedSeen), 1, 1, TimeUnit.SECONDS);
        try
        {
            return runMetrics(model, stats, ha);
        }
        finally
        {
            timer.shutdownNow();
            try
            {
                timer.awaitTermination(HA_STATS_PERIOD_MS, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The NAT exhaustion log's check, once a second: the {@code nat-ports-exhausted} count alone
     * (the workers' published counters, no allocation), and a whole stats sample (rows per service
     * and backend, a String per counter label) only when that count moved, so that a daemon whose
     * pools are fine makes no garbage here: a young GC stops the workers too.
     */
    private static void checkNatExhaustion(
        final NatExhaustionLog natLog, final Dataplane dataplane, final ControlModel model, final long[] exhaustedSeen)
    {
        try
        {
            final long exhausted = dataplane.counter(DropReason.NAT_PORTS_EXHAUSTED);
            if (exhausted != exhaustedSeen[0])
            {
                exhaustedSeen[0] = exhausted;
                natLog.check(model.stats(), System.nanoTime());
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.log(WARNING, "cannot read the NAT counters: " + ex);
        }
    }

    private static void publishHaStats(final HaStatsPublisher publisher, final HaMonitor ha)
    {
        try
        {
            publisher.publish(ha.snapshot());
        }
        catch (final RuntimeException ex)
        {
            LOG.log(WARNING, "cannot publish the HA figures into the stats file: " + ex);
        }
    }

    private int runMetrics(final ControlModel model, final StatsFile stats, final HaMonitor ha)
    {
        if (running.metrics() == null)
        {
            LOG.log(INFO, "no metrics section: the Prometheus endpoint is off");
            return runApi(model, ha);
        }
        final MetricsServer metrics;
        try
        {
            metrics = MetricsServer.start(running.metrics().socketAddress(), stats, model, model.controlLatency(), ha);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.log(ERROR, "cannot serve metrics on " + running.metrics().listen() + ": " + ex.getMessage() +
                " (is another process listening there? metrics.listen in " + running.source() + " sets the address)");
            return EXIT_START_FAILED;
        }
        try
        {
            LOG.log(INFO, "Prometheus {0}", metrics);
            return runApi(model, ha);
        }
        finally
        {
            LOG.log(INFO, "stopping the metrics endpoint");
            metrics.close();
        }
    }

    private int runApi(final ControlModel model, final HaMonitor ha)
    {
        if (running.api() == null)
        {
            LOG.log(INFO, "no api section: the gRPC control API is off");
            return serve(model);
        }
        final ApiServer server;
        try
        {
            server = ApiServer.start(running.api(), model, ha);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.log(ERROR, "cannot open the gRPC API on " + running.api().socket() +
                (running.api().tcp() ? " and " + running.api().listen() : "") + ": " + ex.getMessage() + " (api.socket and " +
                "api.listen in " + running.source() + " set where it is served)");
            return EXIT_START_FAILED;
        }
        try
        {
            LOG.log(INFO, "gRPC API on unix:{0} ({1}); grpc.health.v1 and server reflection there too", server.socket(),
                server.socketAccess());
            if (server.tcp())
            {
                LOG.log(INFO, "gRPC API on {0} ({1}{2})", server.listening(), server.security(),
                    running.api().token() == null ? ", no token" : ", bearer token");
                warnAboutTcp(server);
            }
            return serve(model);
        }
        finally
        {
            LOG.log(INFO, "stopping the gRPC API");
            server.close();
        }
    }

    private void warnAboutTcp(final ApiServer server)
    {
        final boolean loopback = server.address().getAddress().isLoopbackAddress();
        if (!running.api().authenticated())
        {
            insecureListener = server.listening();
            LOG.log(WARNING, "INSECURE API: the gRPC API on {0} authenticates no caller (api.insecure: true): {1} can add, change " +
                "and remove services and backends. Set api.token (or api.tokenFile) or mutual TLS (api.tls.clientCa) and remove " +
                "api.insecure; local control needs no TCP listener (sluice ctl uses unix:{2})", server.listening(),
                loopback ? "every local user" : "anybody who can reach this address", server.socket());
        }
        else if (running.api().token() != null && !running.api().tls() && !loopback)
        {
            LOG.log(WARNING, "the API token travels in plaintext on {0}: configure api.tls to keep it secret",
                server.listening());
        }
    }

    private int serve(final ControlModel model)
    {
        LOG.log(INFO, "running generation {0}; SIGHUP reloads {1}, SIGINT or SIGTERM stops",
            Long.toString(model.generation()), running.source());
        while (true)
        {
            final String signal;
            try
            {
                signal = signals.take();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                LOG.log(INFO, "interrupted: shutting down");
                return EXIT_OK;
            }
            if (Signals.HUP.equals(signal))
            {
                reload(model);
            }
            else
            {
                LOG.log(INFO, "SIG{0} received: shutting down", signal);
                return EXIT_OK;
            }
        }
    }

    private void reload(final ControlModel model)
    {
        final long generation = model.generation();
        LOG.log(INFO, "SIGHUP received: reloading {0}", running.source());
        if (insecureListener != null)
        {
            LOG.log(WARNING, "INSECURE API: the gRPC API on {0} still authenticates no caller (api.insecure: true)",
                insecureListener);
        }
        final SluiceConfig next;
        try
        {
            next = ConfigLoader.load(running.source());
        }
        catch (final ConfigException ex)
        {
            for (final ConfigProblem problem : ex.problems())
            {
                LOG.log(WARNING, "reload rejected: {0}", problem);
            }
            LOG.log(WARNING, "reload rejected: {0} problem(s); generation {1} stays in force", ex.problems().size(),
                Long.toString(generation));
            return;
        }
        final SluiceConfig previous = model.config();
        try
        {
            final ApplyResult result = model.applyConfig(next, false, ControlModel.ORIGIN_RELOAD);
            for (final String section : result.notApplied())
            {
                LOG.log(WARNING, "not applied until a restart: {0}", section);
            }
            if (!result.applied())
            {
                LOG.log(INFO, "reload: network, timeouts and services unchanged; generation {0} stays in force",
                    Long.toString(result.generation()));
                return;
            }
            running = model.config();
            LOG.log(INFO, "reload applied: generation {0} runs on every worker", Long.toString(result.generation()));
            StartupSummary.logChanges(LOG, previous, running);
        }
        catch (final ChangeRejectedException ex)
        {
            if (ex.reason() == ChangeRejectedException.Reason.NOT_CONFIRMED)
            {
                running = model.config();
                LOG.log(ERROR, "reload applied but not confirmed: {0}", ex.getMessage());
                StartupSummary.logChanges(LOG, previous, running);
                return;
            }
            LOG.log(ERROR, "reload failed: {0}; generation {1} stays in force", ex.getMessage(), Long.toString(generation));
        }
    }
}
