package io.sluice.controlplane.ha;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;

import io.sluice.controlplane.config.SyncSection;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.WorkerProxy;
import io.sluice.dataplane.worker.Dataplane;
import io.sluice.sync.ReplicaApplier;
import io.sluice.sync.SyncAgent;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.transport.SyncTransport;
import io.sluice.sync.wire.SyncKey;
import io.sluice.sync.wire.SyncMessageReader;
import io.sluice.sync.wire.SyncMessageWriter;

/**
 * The daemon's flow-table replication: the sync agent on a thread of its own, wired to the running
 * dataplane's flow-event rings, worker proxies, snapshot and RSS steering, over its Aeron transport.
 * <p>
 * The agent's thread backs off when idle (spins, yields, then parks up to 100 µs), so that on a
 * small host it leaves the cores to the workers; a busy sync stream keeps it spinning.
 */
public final class SyncService implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("sluice.sync");

    private final SyncTransport transport;
    private final SyncAgent agent;
    private final AgentRunner runner;
    /**
     * The longest {@link #readyToLead} holds a preemption back for a bulk transfer that does not come
     * (sync broken while the peer is up): then this LB preempts without the peer's flows, and says so.
     */
    static final long MAX_PREEMPT_HOLD_NS = TimeUnit.SECONDS.toNanos(30);

    private final AtomicLong errors = new AtomicLong();
    private final long startedNs = System.nanoTime();
    private boolean holdLogged;
    private boolean gaveUpLogged;

    private SyncService(final SyncTransport transport, final SyncAgent agent)
    {
        this.transport = transport;
        this.agent = agent;
        this.runner = new AgentRunner(new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(100)), this::onError, null, agent);
    }

    /**
     * Starts replication.
     *
     * @param sync      the {@code sync:} section.
     * @param dataplane the running dataplane, started with flow-event rings.
     * @return the running service.
     * @throws IllegalArgumentException when the key cannot be loaded or the transport cannot start (a busy port).
     * @throws IllegalStateException    when the dataplane has no flow-event rings, or the state file of the epoch
     *                                  cannot be read or written ({@link SyncEpoch}).
     */
    public static SyncService start(final SyncSection sync, final Dataplane dataplane)
    {
        final SyncKey key = SyncKey.load(sync.keyFile());
        final int workers = dataplane.config().workers();
        final List<FlowEventRing> rings = new ArrayList<>(workers);
        final List<WorkerProxy> proxies = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++)
        {
            final FlowEventRing ring = dataplane.flowEvents(i);
            if (ring == null)
            {
                throw new IllegalStateException("the dataplane was started without flow-event rings: sync has nothing to send");
            }
            rings.add(ring);
            proxies.add(dataplane.worker(i));
        }
        final long epoch = SyncEpoch.next(sync.stateFile(), System.currentTimeMillis());
        final SyncTransport transport = new SyncTransport(sync.toTransportConfig(), (session, source, up) ->
            LOG.log(System.Logger.Level.INFO, "sync peer stream {0} from {1} {2}", Integer.toUnsignedString(session), source,
                up ? "up" : "down"));
        try
        {
            final ReplicaApplier applier = new ReplicaApplier(dataplane::snapshot, proxies, dataplane.rssSteering()::workerOf,
                (hi, lo) -> dataplane.snapshot().isNatAddress(hi, lo));
            final SyncAgent agent = new SyncAgent(sync.toAgentConfig(epoch), transport, rings, proxies,
                applier, new SyncMessageWriter(key), handler -> new SyncMessageReader(key, sync.nodeId(), handler),
                SystemNanoClock.INSTANCE, new SystemEpochNanoClock());
            final SyncService service = new SyncService(transport, agent);
            AgentRunner.startOnThread(service.runner, task -> Thread.ofPlatform().name(agent.roleName()).unstarted(task));
            LOG.log(System.Logger.Level.INFO, "sync: node {0} on {1}, peers {2}, key {3}, epoch {4} (kept in {5})",
                Integer.toUnsignedString(sync.nodeId()), sync.listen(), sync.peers(), key, Long.toString(epoch), sync.stateFile());
            return service;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(transport);
            throw ex;
        }
    }

    private void onError(final Throwable error)
    {
        errors.incrementAndGet();
        LOG.log(System.Logger.Level.ERROR, "sync agent error (it keeps running): " + error, error);
    }

    /**
     * Whether this LB holds the flows a live peer forwards, so that VRRP may let it preempt that peer:
     * a bulk transfer from a peer has arrived whole since the start (its BulkEnd's count of flows all
     * received). Else it holds, logging once, for at most {@link #MAX_PREEMPT_HOLD_NS}; then it gives
     * up with a WARNING (the peer's established flows are rescheduled by this LB's schedulers). Called
     * on the VRRP thread.
     *
     * @return true when a preemption may go ahead.
     */
    public boolean readyToLead()
    {
        if (agent.counter(SyncCounter.BULKS_RECEIVED) > 0)
        {
            if (holdLogged)
            {
                holdLogged = false;
                LOG.log(System.Logger.Level.INFO, "sync: the bulk transfer is complete; VRRP may preempt");
            }
            return true;
        }
        if (System.nanoTime() - startedNs > MAX_PREEMPT_HOLD_NS)
        {
            if (!gaveUpLogged)
            {
                gaveUpLogged = true;
                LOG.log(System.Logger.Level.WARNING, "sync: no complete bulk transfer from a peer in " +
                    TimeUnit.NANOSECONDS.toSeconds(MAX_PREEMPT_HOLD_NS) + " s; VRRP preempts without the peer's flows " +
                    "(check sync.peers, the key and sluice_sync_bulk_transfers on both LBs)");
            }
            return true;
        }
        if (!holdLogged)
        {
            holdLogged = true;
            LOG.log(System.Logger.Level.INFO, "sync: VRRP holds its preemption until the bulk transfer from the peer is complete");
        }
        return false;
    }

    /** @return the agent, for its counters and lag. */
    public SyncAgent agent()
    {
        return agent;
    }

    /** @return errors the agent's thread caught since the start. */
    public long errors()
    {
        return errors.get();
    }

    /** Stops the agent's thread, then closes the transport (its Aeron driver and directory). */
    @Override
    public void close()
    {
        CloseHelper.quietClose(runner);
        CloseHelper.quietClose(transport);
    }
}
