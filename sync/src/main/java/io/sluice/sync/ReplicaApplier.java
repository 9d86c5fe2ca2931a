package io.sluice.sync;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.WorkerProxy;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.Scheduler;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;

/**
 * Hands a flow replicated from a peer to the worker that will receive its packets, through that
 * worker's command ring: no thread but the worker ever writes its flow table.
 * <p>
 * Before a flow is queued it is checked against the snapshot in force, so that what this LB cannot
 * use is counted here by reason and never guessed: a service this LB does not have, a backend the
 * service does not have (the flow names it by address, never by a peer's local id; its port is the service's), a
 * tuple that is not to the service's VIP and port (port 0 for an {@code l3} service). The worker checks again when it applies the
 * flow (the snapshot may change in between) and never lets a replica override or evict a flow of
 * its own traffic.
 * <p>
 * Which worker: {@link WorkerSteering} (the port's RSS computed in software), or every worker when
 * the port's steering is unknown, so that whichever queue the NIC picks holds the flow. The flow of a
 * {@code fragments: l3} service (ports 0, one per client address) also goes to every worker: the
 * NIC may hash the client's whole packets by their ports and its fragments by addresses alone.
 * <p>
 * One thread: the sync agent's. No allocation per flow.
 */
public final class ReplicaApplier
{
    private final Supplier<ServiceSnapshot> snapshots;
    private final List<WorkerProxy> workers;
    private final WorkerSteering steering;
    private final long[] counters = new long[ReplicaCounter.values().length];

    /**
     * @param snapshots the snapshot in force (read for each flow).
     * @param workers   the workers' proxies, by worker index.
     * @param steering  which worker receives a flow's packets.
     */
    public ReplicaApplier(final Supplier<ServiceSnapshot> snapshots, final List<WorkerProxy> workers, final WorkerSteering steering)
    {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.workers = List.copyOf(workers);
        this.steering = Objects.requireNonNull(steering, "steering");
        if (this.workers.isEmpty())
        {
            throw new IllegalArgumentException("no worker to apply replicated flows to");
        }
    }

    /**
     * Queues one replicated flow to its worker (or every worker), or counts why not.
     *
     * @param flow the flow as the peer sent it; read during the call only.
     * @return true when at least one worker's ring took it.
     */
    public boolean apply(final FlowRecord flow)
    {
        return apply(flow, false);
    }

    /**
     * Queues one replicated flow, and for a flow the peer has just scheduled, checks the peer's
     * choice against this LB's: for a Maglev service the two LBs must build the same table (the
     * same backends, weights and health), so that a flow that reaches the other LB before its copy
     * does still meets its backend. A different choice is counted ({@link ReplicaCounter#PICK_DIFFERS});
     * the peer's choice is kept, as it is the flow's backend.
     *
     * @param flow     the flow as the peer sent it; read during the call only.
     * @param newFlow  whether the peer has just scheduled it (a new flow, not a re-pin, refresh or bulk copy).
     * @return true when at least one worker's ring took it.
     */
    public boolean apply(final FlowRecord flow, final boolean newFlow)
    {
        final ServiceSnapshot snapshot = snapshots.get();
        final ReplicaCounter refused = check(snapshot, flow);
        if (refused != null)
        {
            counters[refused.ordinal()]++;
            return false;
        }
        if (newFlow)
        {
            comparePick(snapshot, flow);
        }
        final int worker = flow.key().dstPort() == 0 ? WorkerSteering.ALL_WORKERS : steering.workerOf(flow.key());
        int queued = 0;
        if (worker >= 0 && worker < workers.size())
        {
            queued = workers.get(worker).upsert(flow) ? 1 : 0;
        }
        else
        {
            for (int i = 0; i < workers.size(); i++)
            {
                queued += workers.get(i).upsert(flow) ? 1 : 0;
            }
        }
        if (queued == 0)
        {
            counters[ReplicaCounter.COMMAND_RING_FULL.ordinal()]++;
            return false;
        }
        counters[ReplicaCounter.QUEUED.ordinal()]++;
        return true;
    }

    /**
     * Whether every worker's command ring has room for a batch of flows now: the agent reads no more
     * from its peers until they have, so that a burst from a peer waits in Aeron (which holds the
     * peer back) rather than overflowing a worker's ring.
     *
     * @param flows the flows of the largest batch.
     * @return true when each worker's ring can take that many.
     */
    public boolean hasRoomFor(final int flows)
    {
        for (int i = 0; i < workers.size(); i++)
        {
            if (!workers.get(i).commands().hasRoomForUpserts(flows))
            {
                return false;
            }
        }
        return true;
    }

    private void comparePick(final ServiceSnapshot snapshot, final FlowRecord flow)
    {
        final Service service = snapshot.service(flow.serviceHi(), flow.serviceLo(), flow.servicePort(), flow.serviceProtocol());
        if (service.scheduler() != Scheduler.MAGLEV)
        {
            return;
        }
        final Backend mine = service.pick(flow.key().hash());
        if (mine == null || mine.addressHi() != flow.backendHi() || mine.addressLo() != flow.backendLo())
        {
            counters[ReplicaCounter.PICK_DIFFERS.ordinal()]++;
        }
        else
        {
            counters[ReplicaCounter.PICK_AGREES.ordinal()]++;
        }
    }

    private static ReplicaCounter check(final ServiceSnapshot snapshot, final FlowRecord flow)
    {
        final Service service = snapshot.service(flow.serviceHi(), flow.serviceLo(), flow.servicePort(), flow.serviceProtocol());
        if (service == null)
        {
            return ReplicaCounter.SERVICE_UNKNOWN;
        }
        final FlowKey key = flow.key();
        if (key.dstHi() != service.vipHi() || key.dstLo() != service.vipLo() || key.dstPort() != service.flowPort() ||
            key.protocol() != service.protocol())
        {
            return ReplicaCounter.NOT_TO_SERVICE;
        }
        for (int i = 0, count = service.backendCount(); i < count; i++)
        {
            final Backend backend = service.backend(i);
            if (backend.addressHi() == flow.backendHi() && backend.addressLo() == flow.backendLo())
            {
                return null;
            }
        }
        return ReplicaCounter.BACKEND_UNKNOWN;
    }

    /** @return the snapshot in force now, for the agent's Maglev digests. */
    ServiceSnapshot snapshot()
    {
        return snapshots.get();
    }

    /**
     * @param counter which count.
     * @return its value since the start.
     */
    public long counter(final ReplicaCounter counter)
    {
        return counters[counter.ordinal()];
    }

    /** Which worker receives a flow's packets. */
    @FunctionalInterface
    public interface WorkerSteering
    {
        /** {@link #workerOf} for a port whose steering is unknown: every worker gets the flow. */
        int ALL_WORKERS = -1;

        /** Steering for a port with one queue, or none known: every worker. */
        WorkerSteering ALL = key -> ALL_WORKERS;

        /**
         * @param key the flow, client to VIP, as the NIC sees it.
         * @return the worker's index, or {@link #ALL_WORKERS}.
         */
        int workerOf(FlowKey key);
    }
}
