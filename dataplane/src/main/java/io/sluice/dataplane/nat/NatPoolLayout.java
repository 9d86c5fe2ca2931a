package io.sluice.dataplane.nat;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * One generation of the full-NAT pools, built by {@link NatPoolRegistry#update} on the control thread and
 * published to the workers with the service snapshot, where each worker's {@link NatPools} takes it up
 * ({@link NatPools#onLayout}).
 * <p>
 * <b>Pool handles</b> are small ints, stable for as long as the pool's key is configured or its ports are
 * in use (a flow stores its pool handle and local port, and frees them with these even after the key has
 * left the configuration). <b>Groups</b> are what the packet path starts from: one group per (service,
 * backend), listing that backend endpoint's pools, one per NAT address of the service, in the service's
 * order; the group index is the position of the group in the list given to {@link NatPoolRegistry#update},
 * which the snapshot builder stores per backend (for example an {@code int[]} per service indexed by
 * backend index). A pool shared by services appears in several groups under one handle.
 * <p>
 * The layout holds each worker's {@link PortPool} of every handle, which only that worker mutates, and one
 * round-robin cursor per group and worker. Immutable otherwise; safe to publish through a volatile or a ring.
 */
public final class NatPoolLayout
{
    private final int generation;
    private final int[] groupStart;
    private final int[] groupPools;
    private final NatPoolKey[] keys;
    private final boolean[] retired;
    private final int[] retiredPools;
    private final PortPool[][] poolsOfWorker;
    private final int[][] cursorsOfWorker;
    private final AtomicIntegerArray[] drainedAt;

    NatPoolLayout(
        final int generation, final int[] groupStart, final int[] groupPools, final NatPoolKey[] keys,
        final boolean[] retired, final PortPool[][] poolsOfWorker, final AtomicIntegerArray[] drainedAt)
    {
        this.generation = generation;
        this.groupStart = groupStart;
        this.groupPools = groupPools;
        this.keys = keys;
        this.retired = retired;
        this.poolsOfWorker = poolsOfWorker;
        this.drainedAt = drainedAt;
        int count = 0;
        for (final boolean gone : retired)
        {
            count += gone ? 1 : 0;
        }
        this.retiredPools = new int[count];
        for (int pool = 0, i = 0; pool < retired.length; pool++)
        {
            if (retired[pool])
            {
                retiredPools[i++] = pool;
            }
        }
        this.cursorsOfWorker = new int[poolsOfWorker.length][groupStart.length - 1];
    }

    /**
     * A layout with no pools, for a worker before the first configuration.
     *
     * @param workers the workers.
     * @return the layout, generation 0.
     */
    public static NatPoolLayout empty(final int workers)
    {
        final AtomicIntegerArray[] drained = new AtomicIntegerArray[workers];
        for (int worker = 0; worker < workers; worker++)
        {
            drained[worker] = new AtomicIntegerArray(0);
        }
        return new NatPoolLayout(0, new int[] {0}, new int[0], new NatPoolKey[0], new boolean[0],
            new PortPool[workers][0], drained);
    }

    /** @return the generation, incremented by every {@link NatPoolRegistry#update}. */
    public int generation()
    {
        return generation;
    }

    /** @return the groups (the list given to the update). */
    public int groups()
    {
        return groupStart.length - 1;
    }

    /**
     * The pools of a group, one per NAT address.
     *
     * @param group the group.
     * @return how many.
     */
    public int groupSize(final int group)
    {
        return groupStart[group + 1] - groupStart[group];
    }

    /**
     * A pool of a group.
     *
     * @param group the group.
     * @param index the NAT address's position in the group, 0 to {@link #groupSize} - 1.
     * @return the pool handle.
     */
    public int pool(final int group, final int index)
    {
        return groupPools[groupStart[group] + index];
    }

    /** @return one more than the highest pool handle. */
    public int poolLimit()
    {
        return keys.length;
    }

    /**
     * The key of a pool: its NAT address (which the rewrite writes as the new source) and backend endpoint.
     *
     * @param pool the pool handle.
     * @return the key, or null when the handle is free.
     */
    public NatPoolKey key(final int pool)
    {
        return keys[pool];
    }

    /**
     * Whether a pool has left the configuration: no group names it, and its handle is recycled once no
     * worker holds any of its ports.
     *
     * @param pool the pool handle.
     * @return true when retired.
     */
    public boolean retired(final int pool)
    {
        return retired[pool];
    }

    int[] retiredPools()
    {
        return retiredPools;
    }

    PortPool[] poolsOf(final int worker)
    {
        return poolsOfWorker[worker];
    }

    int[] cursorsOf(final int worker)
    {
        return cursorsOfWorker[worker];
    }

    int[] groupStart()
    {
        return groupStart;
    }

    int[] groupPools()
    {
        return groupPools;
    }

    boolean[] retiredFlags()
    {
        return retired;
    }

    AtomicIntegerArray drainedAt(final int worker)
    {
        return drainedAt[worker];
    }

    /** @return the workers the layout holds pools for. */
    public int workers()
    {
        return poolsOfWorker.length;
    }
}
