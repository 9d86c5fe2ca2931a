package io.sluice.dataplane.nat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The full-NAT pools of a dataplane, kept on the control thread: gives each {@link NatPoolKey} a stable
 * handle and each worker a {@link PortPool} of the ports it owns ({@link NatPortSteering}), and builds
 * the {@link NatPoolLayout} that goes out with each service snapshot. Not thread safe: one control thread.
 * <p>
 * <b>Reconfiguration.</b> {@link #update} takes the groups of the next configuration. A key that stays keeps
 * its handle and its pools, so the ports its flows hold stay in use. A key that goes is <em>retired</em>: no
 * group names it, so no worker allocates from it, but flows still free their ports into it. Each worker
 * reports, once it runs a layout in which the pool is retired and holds none of its ports (not even a
 * reservation), that it is drained; a later update recycles the handle when every worker has. A retired key
 * that comes back before that gets its old handle and pools again (its ports may still be held). The port
 * range and steering are fixed for the registry's life.
 * <p>
 * <b>Memory</b> per pool, all workers together: 2 bytes per port of the range (each port is in one worker's
 * ring) plus, per worker, two bitmaps over the range (2 bits per port) and about 112 bytes of headers: for
 * 1024..65535 and 4 workers about 190 KiB ({@link #bytesPerPool()}). Pools, live and retired, are capped by
 * count and by bytes; an update that would exceed either is refused with a message and changes nothing.
 */
public final class NatPoolRegistry
{
    /** The default cap on pools, live and retired together. */
    public static final int DEFAULT_MAX_POOLS = 4096;
    /** The default cap on the memory of all pools: 512 MiB. */
    public static final long DEFAULT_MAX_BYTES = 512L << 20;
    /** The highest cap on pools: more than the memory of any host holds at 2 bytes per port. */
    public static final int MAX_POOLS_LIMIT = 1 << 16;

    private static final int POOL_HEADER_BYTES = 112;

    private final NatPortSteering steering;
    private final int workers;
    private final int maxPools;
    private final long maxBytes;
    private final long bytesPerPool;
    private final Map<NatPoolKey, Integer> handles = new HashMap<>();
    private final NatPoolKey[] keys;
    private final int[] retiredAt;
    private final PortPool[][] poolsOfWorker;
    private final AtomicIntegerArray[] drainedAt;
    private final int[] freeHandles;
    private int freeCount;
    private int poolLimit;
    private int generation;

    /**
     * A registry with no pools.
     *
     * @param steering which worker owns each port.
     * @param maxPools the most pools, live and retired, 1 to {@link #MAX_POOLS_LIMIT}.
     * @param maxBytes the most memory of all pools together.
     * @throws IllegalArgumentException when a cap is out of range.
     */
    public NatPoolRegistry(final NatPortSteering steering, final int maxPools, final long maxBytes)
    {
        this.steering = Objects.requireNonNull(steering, "steering");
        if (maxPools < 1 || maxPools > MAX_POOLS_LIMIT)
        {
            throw new IllegalArgumentException("NAT pool cap " + maxPools + " is not within 1.." + MAX_POOLS_LIMIT);
        }
        this.workers = steering.workers();
        this.maxPools = maxPools;
        this.maxBytes = maxBytes;
        final long span = steering.lastPort() - steering.firstPort() + 1;
        this.bytesPerPool = 2 * span + workers * (2 * Long.BYTES * ((span + 63) / 64) + POOL_HEADER_BYTES);
        if (maxBytes < bytesPerPool)
        {
            throw new IllegalArgumentException("NAT pool memory cap " + maxBytes + " bytes is less than one pool of " +
                span + " ports over " + workers + " workers (" + bytesPerPool + " bytes)");
        }
        this.keys = new NatPoolKey[maxPools];
        this.retiredAt = new int[maxPools];
        this.poolsOfWorker = new PortPool[workers][maxPools];
        this.drainedAt = new AtomicIntegerArray[workers];
        for (int worker = 0; worker < workers; worker++)
        {
            drainedAt[worker] = new AtomicIntegerArray(maxPools);
        }
        this.freeHandles = new int[maxPools];
    }

    /**
     * The pools of the next configuration.
     *
     * @param groups one group per (service, backend): that backend endpoint's pool key for each of the service's
     *               NAT addresses, in the order allocation tries them (round robin from a rotating start).
     * @return the layout to publish; group {@code i} is {@code groups.get(i)}.
     * @throws IllegalArgumentException when a group is empty or names a key twice, a key's family and protocol
     *     cannot be steered ({@link NatPortSteering#unsupported}), or the pools would exceed the caps (the message
     *     says how many and how much); the pools and the last layout stay as they were.
     */
    public NatPoolLayout update(final List<List<NatPoolKey>> groups)
    {
        final Set<NatPoolKey> wanted = validate(groups);
        recycleDrained();
        final List<NatPoolKey> added = new ArrayList<>();
        for (final NatPoolKey key : wanted)
        {
            if (!handles.containsKey(key))
            {
                added.add(key);
            }
        }
        checkCaps(handles.size() + added.size(), added.size());
        generation++;
        for (final NatPoolKey key : added)
        {
            create(key);
        }
        for (int pool = 0; pool < poolLimit; pool++)
        {
            if (keys[pool] != null && wanted.contains(keys[pool]))
            {
                retiredAt[pool] = 0;
            }
            else if (keys[pool] != null && retiredAt[pool] == 0)
            {
                retiredAt[pool] = generation;
            }
        }
        return layout(groups);
    }

    private Set<NatPoolKey> validate(final List<List<NatPoolKey>> groups)
    {
        Objects.requireNonNull(groups, "groups");
        final Set<NatPoolKey> wanted = new LinkedHashSet<>();
        for (int group = 0; group < groups.size(); group++)
        {
            final List<NatPoolKey> pools = groups.get(group);
            if (pools == null || pools.isEmpty())
            {
                throw new IllegalArgumentException("NAT pool group " + group + " has no NAT address");
            }
            if (new HashSet<>(pools).size() != pools.size())
            {
                throw new IllegalArgumentException("NAT pool group " + group + " names a pool twice: " + pools);
            }
            for (final NatPoolKey key : pools)
            {
                final String unsupported = steering.unsupported(Objects.requireNonNull(key, "key"));
                if (unsupported != null)
                {
                    throw new IllegalArgumentException(unsupported);
                }
                wanted.add(key);
            }
        }
        return wanted;
    }

    private void checkCaps(final int pools, final int added)
    {
        if (pools > maxPools || (long)pools * bytesPerPool > maxBytes)
        {
            throw new IllegalArgumentException("full NAT needs " + pools + " port pools (" + added + " new, the others " +
                "configured or still holding ports) of " + (steering.lastPort() - steering.firstPort() + 1) +
                " ports over " + workers + " workers, " + ((long)pools * bytesPerPool >> 20) + " MiB, more than the " +
                "limits of " + maxPools + " pools and " + (maxBytes >> 20) + " MiB: narrow the port range, use fewer " +
                "NAT addresses or backends, or raise the limits");
        }
    }

    private void create(final NatPoolKey key)
    {
        final int pool = freeCount > 0 ? freeHandles[--freeCount] : poolLimit++;
        final int scheme = steering.schemeOf(key);
        final int base = steering.baseOf(key);
        final int first = steering.firstPort();
        final int span = steering.lastPort() - first + 1;
        final int[] owned = new int[workers];
        for (int port = first; port <= steering.lastPort(); port++)
        {
            owned[steering.ownerOf(scheme, key.ipv6(), base, port)]++;
        }
        final char[][] offsets = new char[workers][];
        for (int worker = 0; worker < workers; worker++)
        {
            offsets[worker] = new char[owned[worker]];
        }
        Arrays.fill(owned, 0);
        for (int offset = 0; offset < span; offset++)
        {
            final int owner = steering.ownerOf(scheme, key.ipv6(), base, first + offset);
            offsets[owner][owned[owner]++] = (char)offset;
        }
        for (int worker = 0; worker < workers; worker++)
        {
            poolsOfWorker[worker][pool] = owned[worker] == 0 ? null :
                new PortPool(first, steering.lastPort(), offsets[worker]);
        }
        keys[pool] = key;
        retiredAt[pool] = 0;
        handles.put(key, pool);
    }

    private void recycleDrained()
    {
        for (int pool = 0; pool < poolLimit; pool++)
        {
            if (keys[pool] != null && retiredAt[pool] != 0 && drainedEverywhere(pool))
            {
                handles.remove(keys[pool]);
                keys[pool] = null;
                retiredAt[pool] = 0;
                for (int worker = 0; worker < workers; worker++)
                {
                    poolsOfWorker[worker][pool] = null;
                }
                freeHandles[freeCount++] = pool;
            }
        }
    }

    private boolean drainedEverywhere(final int pool)
    {
        for (int worker = 0; worker < workers; worker++)
        {
            if (drainedAt[worker].getAcquire(pool) < retiredAt[pool])
            {
                return false;
            }
        }
        return true;
    }

    private NatPoolLayout layout(final List<List<NatPoolKey>> groups)
    {
        final int[] groupStart = new int[groups.size() + 1];
        int members = 0;
        for (int group = 0; group < groups.size(); group++)
        {
            groupStart[group] = members;
            members += groups.get(group).size();
        }
        groupStart[groups.size()] = members;
        final int[] groupPools = new int[members];
        int member = 0;
        for (final List<NatPoolKey> group : groups)
        {
            for (final NatPoolKey key : group)
            {
                groupPools[member++] = handles.get(key);
            }
        }
        final boolean[] retired = new boolean[poolLimit];
        for (int pool = 0; pool < poolLimit; pool++)
        {
            retired[pool] = retiredAt[pool] != 0;
        }
        final PortPool[][] pools = new PortPool[workers][];
        for (int worker = 0; worker < workers; worker++)
        {
            pools[worker] = Arrays.copyOf(poolsOfWorker[worker], poolLimit);
        }
        return new NatPoolLayout(generation, groupStart, groupPools, Arrays.copyOf(keys, poolLimit), retired, pools,
            drainedAt);
    }

    /**
     * The handle of a pool, for the sync applier that reserves a peer's port in it.
     *
     * @param key the pool.
     * @return the handle, or -1 when the key is neither configured nor retired with ports in use.
     */
    public int handleOf(final NatPoolKey key)
    {
        final Integer pool = handles.get(key);
        return pool == null ? -1 : pool;
    }

    /** @return pools configured or retired with ports still in use (as of the last update). */
    public int pools()
    {
        return handles.size();
    }

    /** @return the memory of one pool, all workers together, in bytes (an estimate of headers included). */
    public long bytesPerPool()
    {
        return bytesPerPool;
    }

    /** @return the steering the pools were built with. */
    public NatPortSteering steering()
    {
        return steering;
    }
}
