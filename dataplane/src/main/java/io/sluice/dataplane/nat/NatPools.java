package io.sluice.dataplane.nat;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * One worker's full-NAT local ports: for every pool of the {@link NatPoolLayout} it runs, the
 * {@link PortPool} of the ports whose replies the NIC delivers to this worker, so the worker never hands
 * out a port whose replies land elsewhere. Owned by the worker thread: every method but the accessors is
 * called by it only; O(1) (amortised, see {@link PortPool}), no allocation, no locks.
 * <p>
 * <b>Finding a pool from the packet path.</b> A new flow's service and backend give a <em>group</em>
 * (an int the snapshot stores per backend of a {@code fullnat} service: its index in the list given to
 * {@link NatPoolRegistry#update}); {@link #allocateInGroup} tries the group's pools, one per NAT address of
 * the service, round robin from the address after the one it used last, and answers both the pool handle
 * and the port in one long ({@link #poolOf}, {@link #portOf}). The handle says which NAT address was used:
 * {@code layout.key(pool).laddrHi()/laddrLo()}. The flow keeps the handle and the port and gives them
 * back with {@link #free} when it ends; handles stay valid across reconfigurations while ports are held.
 * <p>
 * <b>Reservations.</b> A flow replicated from the HA peer claims its port with {@link #reserve}, on the
 * worker that receives its replies; a port this worker does not own, or that is already in use, is refused
 * and counted, never taken.
 * <p>
 * <b>Reconfiguration.</b> {@link #onLayout} switches to a new layout at snapshot pickup; pools that stay
 * are the same objects, so their ports in use stay in use. For each retired pool the worker reports, in
 * the registry's drained marks, when it holds none of its ports, so that the control thread may recycle
 * the handle.
 */
public final class NatPools
{
    /** What {@link #allocateInGroup} answers when every pool of the group is exhausted. */
    public static final long NO_MAPPING = -1L;
    /** What {@link #reserve} answers when it took the port. */
    public static final int RESERVED = 0;
    /** What {@link #reserve} answers for a port another worker owns (or outside the range, or no such pool). */
    public static final int REFUSED_NOT_OWNER = 1;
    /** What {@link #reserve} answers for a port already in use on this worker. */
    public static final int REFUSED_IN_USE = 2;

    private final int worker;
    private NatPoolLayout layout;
    private PortPool[] pools;
    private int[] cursors;
    private int[] groupStart;
    private int[] groupPools;
    private boolean[] retired;
    private AtomicIntegerArray drainedAt;
    private long mappingsRefused;
    private long noOwnedPorts;
    private long reservesRefusedNotOwner;
    private long reservesRefusedInUse;
    private long freesRefused;

    /**
     * The ports of one worker.
     *
     * @param worker the worker's index.
     * @param layout the layout to start with ({@link NatPoolLayout#empty} before the first configuration).
     */
    public NatPools(final int worker, final NatPoolLayout layout)
    {
        if (worker < 0 || worker >= layout.workers())
        {
            throw new IllegalArgumentException("worker " + worker + " of a layout for " + layout.workers() + " workers");
        }
        this.worker = worker;
        onLayout(layout);
    }

    /**
     * Takes up the layout of a new snapshot. No allocation.
     *
     * @param next the layout, of a generation not older than the current one.
     */
    public void onLayout(final NatPoolLayout next)
    {
        Objects.requireNonNull(next, "next");
        layout = next;
        pools = next.poolsOf(worker);
        cursors = next.cursorsOf(worker);
        groupStart = next.groupStart();
        groupPools = next.groupPools();
        retired = next.retiredFlags();
        drainedAt = next.drainedAt(worker);
        for (final int pool : next.retiredPools())
        {
            reportIfDrained(pool);
        }
    }

    /**
     * Takes the port of one pool that has waited longest.
     *
     * @param pool the pool handle.
     * @return the port, or {@link PortPool#NO_PORT} when the pool has none free (counted by the pool, or in
     *     {@link #noOwnedPorts()} when this worker owns none of its ports or the handle is not a pool).
     */
    public int allocate(final int pool)
    {
        final PortPool ports = portsOf(pool);
        if (ports == null)
        {
            noOwnedPorts++;
            return PortPool.NO_PORT;
        }
        return ports.allocate();
    }

    /**
     * The port of a pool that {@link #allocate} would take next, left in place.
     *
     * @param pool the pool handle.
     * @return the port, or {@link PortPool#NO_PORT} when the pool has none free or this worker owns none of its ports.
     */
    public int peek(final int pool)
    {
        final PortPool ports = portsOf(pool);
        return ports == null ? PortPool.NO_PORT : ports.peek();
    }

    /** @return the number of pool handles of the layout in force (some may be retired or hold no port of this worker). */
    public int poolCount()
    {
        return pools.length;
    }

    /**
     * Takes a port for a new flow from the first pool of a group, round robin, that has one free.
     *
     * @param group the group of the flow's service and backend.
     * @return the pool handle and port ({@link #poolOf}, {@link #portOf}), or {@link #NO_MAPPING} when every
     *     pool of the group is exhausted (counted in {@link #mappingsRefused()}: the flow is to be dropped).
     */
    public long allocateInGroup(final int group)
    {
        final int start = groupStart[group];
        final int size = groupStart[group + 1] - start;
        int index = cursors[group];
        for (int tried = 0; tried < size; tried++)
        {
            index = index + 1 >= size ? 0 : index + 1;
            final int pool = groupPools[start + index];
            final int port = allocate(pool);
            if (port != PortPool.NO_PORT)
            {
                cursors[group] = index;
                return (long)pool << 16 | port;
            }
        }
        mappingsRefused++;
        return NO_MAPPING;
    }

    /**
     * The pool of an {@link #allocateInGroup} answer.
     *
     * @param mapping the answer, not {@link #NO_MAPPING}.
     * @return the pool handle.
     */
    public static int poolOf(final long mapping)
    {
        return (int)(mapping >>> 16);
    }

    /**
     * The port of an {@link #allocateInGroup} answer.
     *
     * @param mapping the answer, not {@link #NO_MAPPING}.
     * @return the local port.
     */
    public static int portOf(final long mapping)
    {
        return (int)mapping & 0xFFFF;
    }

    /**
     * Gives a port back when its flow ends (once per allocation or reservation).
     *
     * @param pool the pool handle the port came from.
     * @param port the port.
     * @return false, changing nothing and counted in {@link #freesRefused()}, when the port is not in use here.
     */
    public boolean free(final int pool, final int port)
    {
        final PortPool ports = portsOf(pool);
        if (ports == null || !ports.free(port))
        {
            freesRefused++;
            return false;
        }
        if (retired[pool])
        {
            reportIfDrained(pool);
        }
        return true;
    }

    /**
     * Marks a port in use for a flow the HA peer translated to it, so it is never handed out here until
     * the flow ends and {@link #free} gives it back.
     *
     * @param pool the pool handle of the flow's NAT address and backend endpoint.
     * @param port the peer's local port.
     * @return {@link #RESERVED}, or {@link #REFUSED_NOT_OWNER} / {@link #REFUSED_IN_USE} (each counted).
     */
    public int reserve(final int pool, final int port)
    {
        final PortPool ports = portsOf(pool);
        if (ports != null && ports.reserve(port))
        {
            return RESERVED;
        }
        if (ports != null && ports.inUse(port))
        {
            reservesRefusedInUse++;
            return REFUSED_IN_USE;
        }
        reservesRefusedNotOwner++;
        return REFUSED_NOT_OWNER;
    }

    private PortPool portsOf(final int pool)
    {
        return pool >= 0 && pool < pools.length ? pools[pool] : null;
    }

    private void reportIfDrained(final int pool)
    {
        final PortPool ports = pools[pool];
        if (ports == null || ports.available() == ports.capacity())
        {
            drainedAt.setRelease(pool, layout.generation());
        }
    }

    /**
     * Whether a port of a pool is held by a flow or reserved on this worker.
     *
     * @param pool the pool handle.
     * @param port the port.
     * @return true when in use.
     */
    public boolean inUse(final int pool, final int port)
    {
        final PortPool ports = portsOf(pool);
        return ports != null && ports.inUse(port);
    }

    /**
     * The free ports of a pool on this worker.
     *
     * @param pool the pool handle.
     * @return ports neither held nor reserved, 0 when the worker owns none.
     */
    public int available(final int pool)
    {
        final PortPool ports = portsOf(pool);
        return ports == null ? 0 : ports.available();
    }

    /**
     * The ports of a pool this worker owns.
     *
     * @param pool the pool handle.
     * @return the ports, 0 when none.
     */
    public int capacity(final int pool)
    {
        final PortPool ports = portsOf(pool);
        return ports == null ? 0 : ports.capacity();
    }

    /**
     * Allocations from a pool refused on this worker because it had no free port, since the pool was made.
     *
     * @param pool the pool handle.
     * @return the count.
     */
    public long exhausted(final int pool)
    {
        final PortPool ports = portsOf(pool);
        return ports == null ? 0 : ports.exhausted();
    }

    /** @return the layout this worker runs. */
    public NatPoolLayout layout()
    {
        return layout;
    }

    /** @return new flows refused because every pool of their group was exhausted. */
    public long mappingsRefused()
    {
        return mappingsRefused;
    }

    /** @return allocations from a pool of which this worker owns no port, or from a handle that is no pool. */
    public long noOwnedPorts()
    {
        return noOwnedPorts;
    }

    /** @return reservations refused because another worker owns the port (or there is no such pool or port). */
    public long reservesRefusedNotOwner()
    {
        return reservesRefusedNotOwner;
    }

    /** @return reservations refused because the port was already in use on this worker. */
    public long reservesRefusedInUse()
    {
        return reservesRefusedInUse;
    }

    /** @return frees refused because the port was not in use (a second free of one allocation). */
    public long freesRefused()
    {
        return freesRefused;
    }
}
