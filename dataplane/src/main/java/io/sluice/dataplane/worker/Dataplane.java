package io.sluice.dataplane.worker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.flow.NatSlots;
import io.sluice.dataplane.neighbour.NeighbourAgent;
import io.sluice.dataplane.neighbour.NeighbourCounters;
import io.sluice.dataplane.neighbour.NeighbourEntry;
import io.sluice.dataplane.neighbour.NeighbourPolicy;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.pipeline.FlowTracker;
import io.sluice.dataplane.pipeline.IcmpResponder;
import io.sluice.dataplane.pipeline.PacketPipeline;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.ring.FrameRing;
import io.sluice.dataplane.ring.LookupResult;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.ring.WorkerProxy;
import io.sluice.dataplane.nat.NatPoolKey;
import io.sluice.dataplane.nat.NatPoolLayout;
import io.sluice.dataplane.nat.NatPoolRegistry;
import io.sluice.dataplane.nat.NatPortSteering;
import io.sluice.dataplane.nat.PortPool;
import io.sluice.dataplane.rss.RssSteering;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.service.SnapshotPublisher;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dpdk.Eal;
import io.sluice.dpdk.MacAddress;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;
import io.sluice.dpdk.PortRss;
import io.sluice.dpdk.PortStats;

/**
 * A running dataplane on one port: one busy-spinning {@link WorkerAgent} per configured core, each
 * owning an RX/TX queue pair and its flow table, and one {@link ControlAgent} thread that owns the
 * neighbour table and builds service snapshots. {@link #apply} changes the configuration
 * atomically and returns once every worker runs the new generation.
 */
public final class Dataplane implements AutoCloseable
{
    /** How long {@link #apply} waits for every worker to pick a new snapshot up. */
    public static final long APPLY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final System.Logger LOG = System.getLogger("sluice.dataplane");
    private static final AtomicInteger POOL_SEQUENCE = new AtomicInteger();
    private static final int FRAME_RING_CAPACITY = 1 << 20;
    private static final int COMMAND_RING_CAPACITY = 1 << 20;
    private static final int REPLY_RING_CAPACITY = 1 << 20;
    private static final long LOOKUP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How {@link #apply} waits for the workers to confirm a generation (a worker publishes within a
     * millisecond): a few spins, then yields, then parks of 1 to 100 µs, so that the waiting thread
     * leaves the cores to the workers and the control thread, which a busy wait on a small host
     * would take from them.
     */
    private static final int CONFIRM_SPINS = 100;
    private static final int CONFIRM_YIELDS = 10;
    private static final long CONFIRM_MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long CONFIRM_MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final String[] PORT_COUNTERS = {"port rx-packets", "port tx-packets", "port rx-missed", "port rx-errors",
        "port tx-errors", "port rx-nombuf", "port mbufs-in-use", "port mbufs"};
    private static final long PORT_POLL_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final DataplaneConfig config;
    private final NeighbourTable neighbours;
    private final SnapshotPublisher snapshots;
    private final FrameSizing frames;
    private final MbufPool pool;
    private final Port port;
    private final long portMac;
    private final RssSteering rssSteering;
    private final StatsFile stats;
    private final boolean ownsStats;
    private final CountersManager countersManager;
    private final AtomicCounter errors;
    private final AtomicCounter generation;
    private final AtomicCounter[] portCounters = new AtomicCounter[PORT_COUNTERS.length];
    private final PortStats portStats = new PortStats();
    private final StatsLabels labels;
    private final List<FlowTable> flowTables = new ArrayList<>();
    private final List<NatSlots> natSlots = new ArrayList<>();
    private final NatPoolRegistry natRegistry;
    private final List<DataplaneCounters> workerCounters = new ArrayList<>();
    private final List<WorkerAgent> workerAgents = new ArrayList<>();
    private final List<WorkerProxy> workerProxies = new ArrayList<>();
    private final List<FlowEventRing> flowEvents = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final ControlAgent control;
    private NeighbourAgent neighbourAgent;
    private NeighbourCounters neighbourCounters;

    private Dataplane(
        final Eal eal, final DataplaneConfig config, final DataplaneSettings settings, final List<ServiceSpec> services,
        final FrameRing.FrameHandler otherPunts, final StatsFile statsFile)
    {
        this.config = config;
        if (statsFile != null && statsFile.workers() != config.workers())
        {
            throw new IllegalArgumentException("stats file made for " + statsFile.workers() + " workers, the configuration has " +
                config.workers());
        }
        this.neighbours = new NeighbourTable(config.neighbourCapacity());
        ServiceSnapshotBuilder.check(settings, services, config.neighbourCapacity());
        final int workers = config.workers();
        this.frames = FrameSizing.of(config.device(), settings.mtu());
        if (settings.mtu() > frames.maxMtu())
        {
            throw new IllegalArgumentException("mtu " + settings.mtu() + " is above the " + frames.maxMtu() + " that the ring " +
                "frames of " + config.device() + " hold: raise its framesz, or leave framesz and blocksz out and Sluice sizes them");
        }
        this.pool = MbufPool.create("sluice-" + POOL_SEQUENCE.incrementAndGet(), config.mbufs(),
            DataplaneConfig.MEMPOOL_CACHE_SIZE, frames.dataRoomSize());
        Port openedPort = null;
        StatsFile ownStats = null;
        try
        {
            openedPort = Port.open(frames.device(), new PortConfig(workers, workers, config.rxDescriptors(),
                config.txDescriptors(), config.promiscuous()), pool);
            if (openedPort.config().rxQueues() < workers || openedPort.config().txQueues() < workers)
            {
                throw new IllegalArgumentException("device " + config.device() + " offers " + openedPort.config().rxQueues() +
                    " RX / " + openedPort.config().txQueues() + " TX queues, " + workers + " workers need one each: " +
                    openedPort.adjustments());
            }
            this.port = openedPort;
            this.portMac = config.portMac() >= 0 ? config.portMac() : port.macAddress().value();
            this.rssSteering = rssSteering(port);
            this.natRegistry = settings.natAddresses().isEmpty() ? null : new NatPoolRegistry(
                NatPortSteering.of(rssSteering, workers, config.natFirstPort(), config.natLastPort(), NatPortSteering.DEFAULT_MIN_SHARE),
                NatPoolRegistry.DEFAULT_MAX_POOLS, NatPoolRegistry.DEFAULT_MAX_BYTES);
            this.snapshots = new SnapshotPublisher(ServiceSnapshotBuilder.build(
                null, settings, services, neighbours, natLayout(settings, services)));
            this.ownsStats = statsFile == null;
            ownStats = ownsStats ? StatsFile.inMemory(workers) : null;
            this.stats = ownsStats ? ownStats : statsFile;
            this.countersManager = stats.countersManager();
            this.errors = globalCounter("dataplane errors", 0);
            this.generation = globalCounter("generation in force", 1);
            for (int i = 0; i < PORT_COUNTERS.length; i++)
            {
                final int ordinal = i;
                portCounters[i] = countersManager.newCounter(PORT_COUNTERS[i], StatsFile.PORT_COUNTER_TYPE, key ->
                {
                    key.putInt(0, -1);
                    key.putInt(4, ordinal);
                });
            }
            this.labels = new StatsLabels(stats);
            labels.sync(snapshots.current());
            generation.setRelease(snapshots.current().generation());
            this.control = createAgents(eal, otherPunts);
        }
        catch (final RuntimeException | Error ex)
        {
            CloseHelper.quietCloseAll(flowTables);
            CloseHelper.quietCloseAll(natSlots);
            CloseHelper.quietClose(openedPort);
            CloseHelper.quietClose(pool);
            CloseHelper.quietClose(ownStats);
            throw ex;
        }

        for (final WorkerAgent agent : workerAgents)
        {
            runners.add(start(new AgentRunner(config.workerIdle().newStrategy(), this::onError, errors, agent)));
        }
        runners.add(start(new AgentRunner(new SleepingMillisIdleStrategy(1), this::onError, errors, control)));
        awaitWorkersRunning(snapshots.current().generation());
        LOG.log(System.Logger.Level.INFO, "dataplane up: port {0} ({1}) MAC {2}, {3} workers on CPUs {4}, {5} services",
            port.name(), config.device(), new MacAddress(portMac), workers, config.workerCpus(),
            snapshots.current().serviceCount());
        LOG.log(System.Logger.Level.INFO, "replicated flows go to: {0}", rssSteering.description());
    }

    /**
     * Start-up completes only when every worker runs: a worker whose start failed (its CPU could
     * not be pinned, its thread not registered with EAL) would otherwise leave its queue's share of
     * the traffic dropped unseen.
     */
    private void awaitWorkersRunning(final long generation)
    {
        final long deadlineNs = System.nanoTime() + APPLY_TIMEOUT_NS;
        for (int i = 0; i < workerCounters.size(); i++)
        {
            while (workerCounters.get(i).readPublished(WorkerCounter.GENERATION) < generation)
            {
                if (System.nanoTime() - deadlineNs > 0 || runners.get(i).isClosed())
                {
                    close();
                    throw new IllegalStateException("worker " + i + " (CPU " + config.workerCpus().get(i) +
                        ") did not start within 5 s; its error is in the log above");
                }
                Thread.onSpinWait();
            }
        }
    }

    private AtomicCounter globalCounter(final String label, final int ordinal)
    {
        return countersManager.newCounter(label, StatsFile.GLOBAL_COUNTER_TYPE, key ->
        {
            key.putInt(0, -1);
            key.putInt(4, ordinal);
        });
    }

    private void housekeeping()
    {
        pollPort();
        neighbours.reclaim(oldestRunningGeneration());
    }

    /**
     * The lowest generation any worker reports running: no worker can run a snapshot older than it
     * (a worker publishes the generation after the duty cycle that picked it up), so neighbour slots
     * retired at it or earlier are free to reuse.
     */
    private long oldestRunningGeneration()
    {
        long oldest = Long.MAX_VALUE;
        for (final DataplaneCounters counters : workerCounters)
        {
            oldest = Math.min(oldest, counters.readPublished(WorkerCounter.GENERATION));
        }
        return oldest == Long.MAX_VALUE ? 0 : oldest;
    }

    private void pollPort()
    {
        port.stats(portStats);
        portCounters[0].setRelease(portStats.rxPackets());
        portCounters[1].setRelease(portStats.txPackets());
        portCounters[2].setRelease(portStats.rxMissed());
        portCounters[3].setRelease(portStats.rxErrors());
        portCounters[4].setRelease(portStats.txErrors());
        portCounters[5].setRelease(portStats.rxNoMbuf());
        portCounters[6].setRelease(pool.inUseCount());
        portCounters[7].setRelease(pool.capacity());
    }

    /**
     * The full-NAT port pools of a configuration, from the registry (control thread): null when no
     * service forwards by full NAT, or when full NAT is off (no NAT address at start), which the
     * snapshot builder then refuses with a message.
     */
    private NatPoolLayout natLayout(final DataplaneSettings settings, final List<ServiceSpec> services)
    {
        final List<List<NatPoolKey>> groups = ServiceSnapshotBuilder.natGroups(settings, services);
        if (natRegistry == null || groups.isEmpty() && natRegistry.pools() == 0)
        {
            return null;
        }
        return natRegistry.update(groups);
    }

    private static RssSteering rssSteering(final Port port)
    {
        final int rxQueues = port.config().rxQueues();
        final int[] workerOfQueue = new int[rxQueues];
        Arrays.setAll(workerOfQueue, queue -> queue);
        if (rxQueues == 1)
        {
            return RssSteering.of(1, port.rssHashFunctions(), null, null, workerOfQueue);
        }
        final PortRss rss = port.rss();
        if (!rss.available())
        {
            return RssSteering.allWorkers(rss.errorText());
        }
        return RssSteering.of(rxQueues, rss.hashFunctions(), rss.key(), rss.redirectionTable(), workerOfQueue);
    }

    private ControlAgent createAgents(final Eal eal, final FrameRing.FrameHandler otherPunts)
    {
        final List<FrameRing> puntRings = new ArrayList<>();
        for (int i = 0; i < config.workers(); i++)
        {
            final FlowTable flows = new FlowTable(config.flowTableCapacity(), config.minEvictionIdleNs());
            flows.publishFlowCounts(stats.trafficRegion(i), TrafficStats.backendOffset(0) + 8L * TrafficStats.ACTIVE_FLOWS,
                8L * TrafficStats.BACKEND_STRIDE);
            flowTables.add(flows);
            final DataplaneCounters workerCounter = new DataplaneCounters(countersManager, i);
            workerCounters.add(workerCounter);
            final FlowEventRing events = config.flowEventRingCapacity() > 0 ? new FlowEventRing(config.flowEventRingCapacity()) : null;
            flowEvents.add(events);
            final WorkerCommandRing commands = new WorkerCommandRing(COMMAND_RING_CAPACITY);
            final FlowReplyRing replies = new FlowReplyRing(REPLY_RING_CAPACITY);
            workerProxies.add(new WorkerProxy(commands, replies));
            final NatSlots nat = natRegistry == null ? null : new NatSlots(config.flowTableCapacity());
            natSlots.add(nat);
            final PacketPipeline pipeline = new PacketPipeline(
                new FlowTracker(flows, workerCounter.values(), events, replies, nat, i), neighbours, workerCounter,
                new IcmpResponder(config.icmpTooBigPerSecond(), 100), new TrafficStats(stats.trafficRegion(i)));
            final FrameRing punts = new FrameRing(FRAME_RING_CAPACITY);
            puntRings.add(punts);
            workerAgents.add(new WorkerAgent(i, eal, port, i, pool, portMac, pipeline, snapshots, punts,
                commands, SystemNanoClock.INSTANCE, config.burstSize(), config.expiryBucketsPerCycle())
                .pinTo(config.workerCpus().get(i)));
        }
        neighbourCounters = new NeighbourCounters(countersManager, StatsFile.NEIGHBOUR_COUNTER_TYPE);
        neighbourAgent = new NeighbourAgent(neighbours, puntRings, workerAgents.get(0).commands(), snapshots,
            SystemNanoClock.INSTANCE, portMac, NeighbourPolicy.of(config.neighbourRequestsPerSecond()), neighbourCounters, otherPunts);
        return new ControlAgent(neighbourAgent, SystemNanoClock.INSTANCE, this::housekeeping, PORT_POLL_INTERVAL_NS);
    }

    /**
     * Starts a dataplane on a running EAL.
     *
     * @param eal      the EAL (owned by the caller, closed after this dataplane).
     * @param config   port and worker configuration.
     * @param settings dataplane settings.
     * @param services the initial services.
     * @return the running dataplane.
     * @throws IllegalArgumentException for bad services or a device without enough queues; nothing is left running.
     */
    public static Dataplane start(
        final Eal eal, final DataplaneConfig config, final DataplaneSettings settings, final List<ServiceSpec> services)
    {
        return new Dataplane(eal, config, settings, services, null, null);
    }

    /**
     * Starts a dataplane whose punted frames that are not ARP / ND (VRRP, traffic for the LB's own
     * addresses) go to a handler on the control thread.
     *
     * @param otherPunts the handler; it runs on the control thread and must copy what it keeps.
     * @return the running dataplane.
     */
    public static Dataplane start(
        final Eal eal, final DataplaneConfig config, final DataplaneSettings settings, final List<ServiceSpec> services,
        final FrameRing.FrameHandler otherPunts)
    {
        return new Dataplane(eal, config, settings, services, otherPunts, null);
    }

    /**
     * Starts a dataplane that publishes its counters in a stats file (for example one made by
     * {@link StatsFile#create}, which {@code sluice stat} reads); the caller closes the file after
     * this dataplane.
     *
     * @param otherPunts handler of punted frames that are not ARP / ND, or null.
     * @param stats      the stats file, made for {@code config.workers()} workers.
     * @return the running dataplane.
     */
    public static Dataplane start(
        final Eal eal, final DataplaneConfig config, final DataplaneSettings settings, final List<ServiceSpec> services,
        final FrameRing.FrameHandler otherPunts, final StatsFile stats)
    {
        return new Dataplane(eal, config, settings, services, otherPunts, stats);
    }

    private static AgentRunner start(final AgentRunner runner)
    {
        AgentRunner.startOnThread(runner, task -> Thread.ofPlatform().name(runner.agent().roleName()).unstarted(task));
        return runner;
    }

    private void onError(final Throwable error)
    {
        LOG.log(System.Logger.Level.ERROR, "dataplane agent error", error);
    }

    /**
     * Replaces the settings and services atomically: builds the next snapshot on the control thread,
     * publishes it, and returns once every worker runs it.
     *
     * @return the new generation.
     * @throws IllegalArgumentException when the configuration is invalid; the running one stays.
     * @throws GenerationNotConfirmedException when the new snapshot is published but a worker has not
     *                                         reported running it within {@link #APPLY_TIMEOUT_NS}.
     * @throws IllegalStateException           when the control thread did not take the change (not applied).
     */
    public long apply(final DataplaneSettings settings, final List<ServiceSpec> services)
    {
        if (settings.mtu() > frames.maxMtu())
        {
            throw new IllegalArgumentException("mtu " + settings.mtu() + " is above the " + frames.maxMtu() + " that the port's " +
                "buffers were sized for when it opened (" + frames.frameCapacity() + "-byte frames): restart to raise the mtu");
        }
        final long applied = await(control.submit(() ->
        {
            neighbours.reclaim(oldestRunningGeneration());
            final ServiceSnapshot next = ServiceSnapshotBuilder.build(
                snapshots.current(), settings, services, neighbours, natLayout(settings, services));
            labels.sync(next);
            snapshots.publish(next);
            generation.setRelease(next.generation());
            return next.generation();
        }), "the change was not applied");
        final long deadlineNs = System.nanoTime() + APPLY_TIMEOUT_NS;
        final IdleStrategy idle = new BackoffIdleStrategy(
            CONFIRM_SPINS, CONFIRM_YIELDS, CONFIRM_MIN_PARK_NS, CONFIRM_MAX_PARK_NS);
        for (int i = 0; i < workerCounters.size(); i++)
        {
            while (workerCounters.get(i).readPublished(WorkerCounter.GENERATION) < applied)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new GenerationNotConfirmedException(applied, i, workerCounters.get(i).readPublished(WorkerCounter.GENERATION));
                }
                idle.idle();
            }
        }
        return applied;
    }

    /**
     * A change was published, but a worker did not confirm running it in time: the configuration
     * in force is the new one (the worker picks it up at its next duty cycle, if it still runs).
     */
    public static final class GenerationNotConfirmedException extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;
        private final long generation;

        GenerationNotConfirmedException(final long generation, final int worker, final long workerGeneration)
        {
            super("generation " + generation + " is published but worker " + worker + " still reports generation " +
                workerGeneration + " after 5 s");
            this.generation = generation;
        }

        /** @return the generation that was published. */
        public long generation()
        {
            return generation;
        }
    }

    private static <T> T await(final java.util.concurrent.CompletableFuture<T> future, final String whenLate)
    {
        try
        {
            return future.get(APPLY_TIMEOUT_NS, TimeUnit.NANOSECONDS);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof RuntimeException runtime)
            {
                throw runtime;
            }
            if (ex.getCause() instanceof Error error)
            {
                throw error;
            }
            throw new IllegalStateException(ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            future.cancel(false);
            throw new IllegalStateException("the control thread did not answer within 5 s; " + whenLate, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /**
     * Which worker's flow table holds a flow, and the backend it is pinned to: asked of each worker
     * through its command ring and answered on its thread, so no other thread reads a worker's
     * table. A diagnostic: the flow may change as soon as it is answered.
     *
     * @param key the flow.
     * @return where the first worker whose table holds it live has it, or null when none does.
     * @throws IllegalStateException when a worker did not answer within a second (stopped, or stalled).
     */
    public FlowLocation lookupFlow(final FlowKey key)
    {
        for (int worker = 0; worker < workerProxies.size(); worker++)
        {
            final LookupResult result = workerProxies.get(worker).lookup(key, LOOKUP_TIMEOUT_NS);
            switch (result.outcome())
            {
                case FOUND ->
                {
                    final FlowRecord flow = result.flow();
                    final IpAddress backend = FlowKey.isIpv4Mapped(flow.backendHi(), flow.backendLo()) ?
                        IpAddress.ofIpv4((int)flow.backendLo()) : IpAddress.ofIpv6(flow.backendHi(), flow.backendLo());
                    return new FlowLocation(worker, backend);
                }
                case NO_ANSWER -> throw new IllegalStateException("worker " + worker + " did not answer a flow lookup within 1 s");
                default ->
                {
                }
            }
        }
        return null;
    }

    /**
     * Where a flow lives.
     *
     * @param worker  the worker whose table holds it.
     * @param backend the backend it is pinned to.
     */
    public record FlowLocation(int worker, IpAddress backend)
    {
    }

    /**
     * The flow-event ring of a worker, which its flow tracker writes every new flow, re-pin and
     * close to; the one consumer (the sync agent) drains it.
     *
     * @param worker the worker.
     * @return the ring, or null when the configuration has none ({@code flowEventRingCapacity} 0).
     */
    public FlowEventRing flowEvents(final int worker)
    {
        return flowEvents.get(worker);
    }

    /**
     * The control-side handle of a worker: commands to it (flows from a peer, frames to inject) and
     * its answers (dumps, lookups).
     *
     * @param worker the worker.
     * @return its proxy.
     */
    public WorkerProxy worker(final int worker)
    {
        return workerProxies.get(worker);
    }

    /**
     * Which worker the port delivers a flow's packets to, so that a flow replicated from a peer goes
     * to that worker's {@linkplain #worker(int) command ring}: computed from the port's RSS key,
     * hash functions and redirection table as read when the port started (worker {@code i} polls rx
     * queue {@code i}); worker 0 with one worker; {@link RssSteering#ALL_WORKERS} for every flow when
     * the port cannot report its RSS (the virtual devices: {@code net_ring}, {@code net_null},
     * {@code net_af_packet}, {@code net_tap}), with the reason in its description.
     *
     * @return the steering, immutable.
     */
    public RssSteering rssSteering()
    {
        return rssSteering;
    }

    /** @return the snapshot in force. */
    public ServiceSnapshot snapshot()
    {
        return snapshots.current();
    }

    /** @return a counter summed over the workers, as last published. */
    public long counter(final WorkerCounter counter)
    {
        long sum = 0;
        for (final DataplaneCounters counters : workerCounters)
        {
            sum += counters.readPublished(counter);
        }
        return sum;
    }

    /** @return a drop counter summed over the workers, as last published. */
    public long counter(final DropReason reason)
    {
        long sum = 0;
        for (final DataplaneCounters counters : workerCounters)
        {
            sum += counters.readPublished(reason);
        }
        return sum;
    }

    /**
     * Every neighbour-table entry as the control thread sees it now, for an operator's listing.
     *
     * @return the entries, in slot order.
     * @throws IllegalStateException when the control thread did not answer in time.
     */
    public List<NeighbourEntry> neighbourEntries()
    {
        return await(control.submit(neighbourAgent::entries), "no neighbour listing");
    }

    /** @return the neighbour table (read it only; the control thread writes it). */
    public NeighbourTable neighbours()
    {
        return neighbours;
    }

    /** @return the stats file the counters are published in. */
    public StatsFile stats()
    {
        return stats;
    }

    /** @return the MAC the LB answers to. */
    public long portMac()
    {
        return portMac;
    }

    /** @return the port. */
    public Port port()
    {
        return port;
    }

    /** @return the configuration. */
    public DataplaneConfig config()
    {
        return config;
    }

    /** Stops every agent, then closes the port, the flow tables (and their NAT slots) and the pool. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(runners);
        CloseHelper.closeAll(port);
        CloseHelper.closeAll(flowTables);
        CloseHelper.closeAll(natSlots);
        for (final DataplaneCounters counters : workerCounters)
        {
            counters.close();
        }
        labels.close();
        if (neighbourCounters != null)
        {
            neighbourCounters.close();
        }
        if (!pool.isClosed())
        {
            final int inUse = pool.inUseCount();
            LOG.log(inUse == 0 ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "mbuf pool: {0} of {1} mbufs back in the pool at stop{2}", Integer.toString(pool.capacity() - inUse),
                Integer.toString(pool.capacity()),
                inUse == 0 ? "" : " (" + inUse + " not returned)");
        }
        CloseHelper.closeAll(pool);
        if (ownsStats)
        {
            stats.close();
        }
        LOG.log(System.Logger.Level.INFO, "dataplane on {0} closed", config.device());
    }
}
