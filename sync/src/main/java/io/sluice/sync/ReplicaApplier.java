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
 * service does not have (the flow names it by address, never by a peer's local id), a backend port
 * that is not the one this LB's service sends to ({@code ServiceSpec.targetPort()}), a tuple that is
 * not to the service's VIP and port (port 0 for an {@code l3} service). The worker checks again when it applies the flow (the snapshot
 * may change in between) and never lets a replica override or evict a flow of its own traffic.
 * <p>
 * Which worker: {@link WorkerSteering} (the port's RSS computed in software), or every worker when
 * the port's steering is unknown, so that whichever queue the NIC picks holds the flow. The flow of a
 * {@code fragments: l3} service (ports 0, one per client address) also goes to every worker: the
 * NIC may hash the client's whole packets by their ports and its fragments by addresses alone.
 * <p>
 * A full-NAT flow (a NAT port other than 0) has two entries, and the peer sends its forward form
 * only: the forward record goes to the worker of client to VIP, as any flow, and a reverse record
 * ({@link FlowRecord#FLAG_NAT_REVERSE}: key backend:bport to laddr:lport, the client in the NAT fields)
 * to the worker of that tuple, where the backend's replies arrive and which owns lport's port class
 * and so holds its reservation. Two records, even when the two workers are the same one, so that a
 * worker installs each entry by one path. The reverse record is queued first: a forward entry whose
 * reverse entry could not be queued is not queued either ({@link ReplicaCounter#NAT_REVERSE_RING_FULL}),
 * so that this LB never forwards from a port its pool has not reserved. A NAT address this LB does not
 * own ({@link NatAddresses}) is refused ({@link ReplicaCounter#NAT_ADDRESS_UNKNOWN}).
 * <p>
 * One thread: the sync agent's. No allocation per flow.
 */
public final class ReplicaApplier
{
    private final Supplier<ServiceSnapshot> snapshots;
    private final List<WorkerProxy> workers;
    private final WorkerSteering steering;
    private final NatAddresses natAddresses;
    private final FlowRecord reverse = new FlowRecord();
    private final long[] counters = new long[ReplicaCounter.values().length];

    /**
     * @param snapshots the snapshot in force (read for each flow).
     * @param workers   the workers' proxies, by worker index.
     * @param steering  which worker receives a flow's packets.
     */
    public ReplicaApplier(final Supplier<ServiceSnapshot> snapshots, final List<WorkerProxy> workers, final WorkerSteering steering)
    {
        this(snapshots, workers, steering, NatAddresses.ANY);
    }

    /**
     * @param snapshots    the snapshot in force (read for each flow).
     * @param workers      the workers' proxies, by worker index.
     * @param steering     which worker receives a flow's packets.
     * @param natAddresses which NAT addresses this LB owns: a NAT flow on another is refused.
     */
    public ReplicaApplier(
        final Supplier<ServiceSnapshot> snapshots,
        final List<WorkerProxy> workers,
        final WorkerSteering steering,
        final NatAddresses natAddresses)
    {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.workers = List.copyOf(workers);
        this.steering = Objects.requireNonNull(steering, "steering");
        this.natAddresses = Objects.requireNonNull(natAddresses, "natAddresses");
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
        if (flow.hasNatMapping())
        {
            reverseOf(flow);
            if (queue(reverse) == 0)
            {
                counters[ReplicaCounter.NAT_REVERSE_RING_FULL.ordinal()]++;
                return false;
            }
            counters[ReplicaCounter.NAT_REVERSE_QUEUED.ordinal()]++;
        }
        if (queue(flow) == 0)
        {
            counters[ReplicaCounter.COMMAND_RING_FULL.ordinal()]++;
            return false;
        }
        counters[ReplicaCounter.QUEUED.ordinal()]++;
        return true;
    }

    /** Queues a record to the worker its key's packets reach, or to every worker; returns how many rings took it. */
    private int queue(final FlowRecord record)
    {
        final int worker = record.key().dstPort() == 0 ? WorkerSteering.ALL_WORKERS : steering.workerOf(record.key());
        if (worker >= 0 && worker < workers.size())
        {
            return workers.get(worker).upsert(record) ? 1 : 0;
        }
        int queued = 0;
        for (int i = 0; i < workers.size(); i++)
        {
            queued += workers.get(i).upsert(record) ? 1 : 0;
        }
        return queued;
    }

    /** Makes {@link #reverse} the reverse entry of a NAT flow's forward record (FlowRecord's class comment). */
    private void reverseOf(final FlowRecord flow)
    {
        final FlowKey key = flow.key();
        reverse.set(flow);
        if (FlowKey.isIpv4Mapped(flow.backendHi(), flow.backendLo()))
        {
            reverse.key().setIpv4((int)flow.backendLo(), (int)flow.natLo(), flow.backendPort(), flow.natPort(), key.protocol());
        }
        else
        {
            reverse.key().setIpv6(flow.backendHi(), flow.backendLo(), flow.natHi(), flow.natLo(), flow.backendPort(),
                flow.natPort(), key.protocol());
        }
        reverse.nat(key.srcHi(), key.srcLo(), key.srcPort()).flags(flow.flags() | FlowRecord.FLAG_NAT_REVERSE);
    }

    /**
     * Whether every worker's command ring has room for a batch of flows now: the agent reads no more
     * from its peers until they have, so that a burst from a peer waits in Aeron (which holds the
     * peer back) rather than overflowing a worker's ring.
     *
     * @param flows the flows of the largest batch.
     * @return true when each worker's ring can take two records per flow (a NAT flow's forward and
     *         reverse entry may reach the same worker).
     */
    public boolean hasRoomFor(final int flows)
    {
        for (int i = 0; i < workers.size(); i++)
        {
            if (!workers.get(i).commands().hasRoomForUpserts(2 * flows))
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

    private ReplicaCounter check(final ServiceSnapshot snapshot, final FlowRecord flow)
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
        if (flow.hasNatMapping() && !natAddresses.owns(flow.natHi(), flow.natLo()))
        {
            return ReplicaCounter.NAT_ADDRESS_UNKNOWN;
        }
        for (int i = 0, count = service.backendCount(); i < count; i++)
        {
            final Backend backend = service.backend(i);
            if (backend.addressHi() == flow.backendHi() && backend.addressLo() == flow.backendLo())
            {
                return flow.backendPort() == service.spec().targetPort() ? null : ReplicaCounter.BACKEND_PORT_DIFFERS;
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

    /**
     * Which NAT addresses (laddrs) this LB owns, asked of every replicated NAT flow: a mapping on an
     * address this LB does not have is refused, as its backend's replies would never reach this LB.
     * The daemon answers from its snapshot's configured NAT addresses, whether it is VRRP master of
     * them now or not; {@link #ANY} takes every address.
     */
    @FunctionalInterface
    public interface NatAddresses
    {
        /** Every address: for a side that does not check (tests, benchmarks). */
        NatAddresses ANY = (hi, lo) -> true;

        /**
         * @param hi upper half of the NAT address (IPv4-mapped for IPv4).
         * @param lo lower half of the NAT address.
         * @return true when this LB owns the address. Called on the sync thread for each NAT flow: no allocation.
         */
        boolean owns(long hi, long lo);
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
