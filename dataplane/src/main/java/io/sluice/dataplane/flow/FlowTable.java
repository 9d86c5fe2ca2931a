package io.sluice.dataplane.flow;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static io.sluice.dataplane.packet.Memory.ALL;

/**
 * The connection table of one worker: which backend each established flow is pinned to, so that a
 * change of the Maglev table does not break flows that are already running.
 * <p>
 * Off-heap, of fixed capacity and set-associative: {@link #SLOTS_PER_BUCKET} slots per bucket, a header line of
 * hash tags and expiry ticks per bucket, one cache line per slot. The package documentation draws the layout and
 * states the rules for time (the caller's {@code nowNs}, compared as differences; the sweep's 2^20 ns ticks) and
 * for handles (slot indexes, valid until the next call that may free or reuse slots).
 * <p>
 * One thread owns a table: it is not thread safe. The memory comes from a shared {@link Arena} so
 * that one thread may create the table and another use it; {@link #close()} frees it. The lookup,
 * insert, touch, remove and sweep methods allocate nothing.
 */
public final class FlowTable extends FlowSlots
{
    /** Returned by {@link #find} and {@link #insert} when there is no entry. */
    public static final int MISS = -1;

    /** Backend ids below this get their flows counted ({@link #flowsOf}): the dataplane's backend id limit. */
    public static final int COUNTED_BACKEND_IDS = 1 << 14;
    private static final int COUNTED_BACKEND_ID_BITS = Integer.numberOfTrailingZeros(COUNTED_BACKEND_IDS);

    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    private final int[] flowsPerBackend = new int[COUNTED_BACKEND_IDS];
    private MemorySegment publishedCountsMemory;
    private long publishedCounts;
    private long publishedStride;
    private final long minEvictionIdleNs;
    private final FlowExpirySweep sweep;

    /**
     * Allocates an empty table.
     *
     * @param capacity          the number of flows, a power of two from {@link #MIN_CAPACITY} to {@link #MAX_CAPACITY}.
     * @param minEvictionIdleNs how long a flow must have been idle before an insert into its full
     *                          bucket may evict it; 0 lets an insert always evict the stalest flow.
     * @throws IllegalArgumentException when the capacity or the idle time is out of range.
     */
    public FlowTable(final int capacity, final long minEvictionIdleNs)
    {
        validateCapacity(capacity);
        if (minEvictionIdleNs < 0)
        {
            throw new IllegalArgumentException("minEvictionIdleNs must be >= 0, got " + minEvictionIdleNs);
        }
        super(capacity);
        this.minEvictionIdleNs = minEvictionIdleNs;
        this.sweep = new FlowExpirySweep(this, base, bucketMask);
    }

    /**
     * Looks a flow up. A flow idle for longer than its idle timeout is not found, and its slot is
     * freed on the way (counted as an expiration).
     *
     * @param key   the flow.
     * @param hash  {@code key.hash()}, computed once by the caller.
     * @param nowNs the caller's clock.
     * @return the entry's handle, or {@link #MISS}.
     */
    public int find(final FlowKey key, final long hash, final long nowNs)
    {
        requireOpen();
        final int handle = findOccupied(key, hash);
        if (handle != MISS && isExpired(slotOffset(handle), nowNs))
        {
            free(handle);
            expirations++;
            return MISS;
        }

        return handle;
    }

    /**
     * {@link #find} and, on a hit, {@link #touch} in one step: the lookup of an established flow's
     * packet, reading the slot once.
     *
     * @param key   the flow.
     * @param hash  {@code key.hash()}, computed once by the caller.
     * @param nowNs the caller's clock.
     * @return the live entry's handle, now marked as seen, or {@link #MISS}.
     */
    public int findAndTouch(final FlowKey key, final long hash, final long nowNs)
    {
        requireOpen();
        final int handle = findOccupied(key, hash);
        if (handle == MISS)
        {
            return MISS;
        }
        final long slot = base + (long)(handle >>> WAY_SHIFT) * BUCKET_LENGTH + HEADER_LENGTH +
            (long)(handle & WAY_MASK) * SLOT_LENGTH;
        final long idleTimeoutNs = ALL.get(LONG, slot + IDLE_TIMEOUT_OFFSET);
        if (nowNs - ALL.get(LONG, slot + LAST_SEEN_OFFSET) > idleTimeoutNs)
        {
            free(handle);
            expirations++;
            return MISS;
        }
        ALL.set(LONG, slot + LAST_SEEN_OFFSET, nowNs);
        writeExpiryTick(handle, nowNs, idleTimeoutNs);
        return handle;
    }

    /**
     * First half of a burst's prefetch: loads the header line of the flow's bucket (its tags and
     * expiry ticks), so that the cache misses of a burst's lookups overlap instead of following one
     * another. Java has no prefetch instruction; a plain load whose value the caller keeps (see
     * {@code BurstHints.prefetchFlowSlots}) has the same effect on an out-of-order core.
     *
     * @param hash the flow's hash.
     * @return a word of the line, to be folded into a value the caller keeps.
     */
    public long touchBucket(final long hash)
    {
        requireOpen();
        return ALL.get(LONG, base + (long)bucketOf(hash) * BUCKET_LENGTH);
    }

    /**
     * The slot line a packet of the flow will use, read from the bucket's header alone: the line
     * of the first way whose tag matches the hash (the flow's entry, unless a tag collides); for a
     * flow not in the table, the line of the free or expired way an insert would claim, whose old
     * entry the insert reads. The second half of a burst's prefetch, after {@link #touchBucket}
     * brought the header in: it computes these lines for every packet, then loads them all in a
     * tight loop ({@link #touchLine}), so that their cache misses overlap.
     *
     * @param hash  the flow's hash.
     * @param nowNs the caller's clock, to tell expired ways as an insert would.
     * @return the line's offset in the table, or -1 when there is no such way.
     */
    public long slotLine(final long hash, final long nowNs)
    {
        requireOpen();
        final int bucket = bucketOf(hash);
        final long header = (long)bucket * BUCKET_LENGTH;
        final int tag = tagOf(hash);
        for (int way = 0; way < SLOTS_PER_BUCKET; way++)
        {
            if (ALL.get(INT, base + header + TAG_OFFSET + way * Integer.BYTES) == tag)
            {
                return header + HEADER_LENGTH + (long)way * SLOT_LENGTH;
            }
        }
        final int claimed = freeOrExpiredWay(bucket, tickOf(nowNs));
        return claimed == MISS ? -1 : slotOffset(claimed);
    }

    /**
     * Loads a word of the table, to bring its line into the cache.
     *
     * @param offset an offset in the table, as {@link #slotLine} gives.
     * @return the word, to be folded into a value the caller keeps.
     * @throws IndexOutOfBoundsException when the offset is outside the table.
     */
    public long touchLine(final long offset)
    {
        requireOpen();
        return memory.get(LONG, Objects.checkIndex(offset, memory.byteSize() - Long.BYTES + 1));
    }

    /**
     * Inserts a flow, or updates it when present. The entry afterwards is as new: backend and idle
     * timeout as given, last seen now, flags 0. When the bucket is full, an expired slot is reused
     * first; otherwise the stalest slot is evicted if it has been idle for at least the minimum
     * eviction idle time (counted as an eviction); otherwise nothing changes, the failure is counted
     * and the caller forwards the packet statelessly.
     *
     * @param key           the flow.
     * @param hash          {@code key.hash()}.
     * @param backendId     the backend the flow is pinned to.
     * @param idleTimeoutNs how long the flow may stay idle, 1 to {@link #MAX_IDLE_TIMEOUT_NS}.
     * @param nowNs         the caller's clock.
     * @return the entry's handle, or {@link #MISS} when the bucket is full of fresh flows.
     * @throws IllegalArgumentException when the idle timeout is out of range.
     */
    public int insert(final FlowKey key, final long hash, final int backendId, final long idleTimeoutNs, final long nowNs)
    {
        requireOpen();
        validateIdleTimeout(idleTimeoutNs);
        final int present = findOccupied(key, hash);
        if (present != MISS)
        {
            if (isExpired(slotOffset(present), nowNs))
            {
                expirations++;
                inserts++;
            }
            countFlow(backendIdAt(present), -1);
            countFlow(backendId, 1);
            writeValue(present, backendId, idleTimeoutNs, nowNs);
            return present;
        }

        return insertAbsent(key, hash, backendId, idleTimeoutNs, nowNs, true);
    }

    /**
     * {@link #insert} of a flow that {@link #findAndTouch} has just missed, with no change to the
     * table in between: the new-flow path of a worker, which would otherwise search the bucket for
     * the key a second time. It claims a slot (free, expired or stalest, as {@link #insert} does)
     * and writes the entry.
     * <p>
     * Precondition, which the caller guarantees and which is not checked: the key is not in the
     * table. Breaking it leaves two entries of one flow, of which lookups find one and the sweep
     * or an eviction frees the other; nothing outside the table is touched.
     *
     * @param key           the flow, absent from the table.
     * @param hash          {@code key.hash()}.
     * @param backendId     the backend the flow is pinned to.
     * @param idleTimeoutNs how long the flow may stay idle, 1 to {@link #MAX_IDLE_TIMEOUT_NS}.
     * @param nowNs         the caller's clock.
     * @return the entry's handle, or {@link #MISS} when the bucket is full of fresh flows.
     * @throws IllegalArgumentException when the idle timeout is out of range.
     */
    public int insertAfterMiss(
        final FlowKey key, final long hash, final int backendId, final long idleTimeoutNs, final long nowNs)
    {
        requireOpen();
        validateIdleTimeout(idleTimeoutNs);
        return insertAbsent(key, hash, backendId, idleTimeoutNs, nowNs, true);
    }

    /**
     * {@link #insertAfterMiss} that never evicts a live flow: it takes a free or expired slot, or
     * fails. For flows that must not displace what the table holds (a flow replicated from a peer
     * must never push out one this worker is forwarding).
     *
     * @param key           the flow, absent from the table.
     * @param hash          {@code key.hash()}.
     * @param backendId     the backend the flow is pinned to.
     * @param idleTimeoutNs how long the flow may stay idle, 1 to {@link #MAX_IDLE_TIMEOUT_NS}.
     * @param nowNs         the caller's clock.
     * @return the entry's handle, or {@link #MISS} when the bucket holds no free or expired slot.
     * @throws IllegalArgumentException when the idle timeout is out of range.
     */
    public int insertWithoutEviction(
        final FlowKey key, final long hash, final int backendId, final long idleTimeoutNs, final long nowNs)
    {
        requireOpen();
        validateIdleTimeout(idleTimeoutNs);
        return insertAbsent(key, hash, backendId, idleTimeoutNs, nowNs, false);
    }

    /**
     * Inserts a flow known to be absent: claims a way of its bucket (a free one, else an expired one,
     * else, when {@code mayEvict}, the stalest flow idle long enough to evict), takes the way's old
     * flow out of its backend's count and writes the new entry.
     * <p>
     * One method, on purpose, that does every load and store of an insert itself: larger than C2's
     * inlining limit for a hot method (FreqInlineSize, 325 bytecodes), it is compiled as a unit of its
     * own rather than into the packet path's lookup, whose unit would otherwise run out of C2's
     * inlining budget (each {@code MemorySegment} access costs it some 900 IR nodes of the 18,000) and
     * leave small methods as calls; {@code CompileUnitsTest} keeps it so.
     */
    private int insertAbsent(
        final FlowKey key, final long hash, final int backendId, final long idleTimeoutNs, final long nowNs,
        final boolean mayEvict)
    {
        final int bucket = bucketOf(hash);
        final long header = (long)bucket * BUCKET_LENGTH;
        final int way;
        final int free = waysTagged(header, 0);
        if (free != 0)
        {
            way = Integer.numberOfTrailingZeros(free);
            size++;
        }
        else
        {
            final int expired = waysExpired(header, tickOf(nowNs));
            if (expired != 0)
            {
                way = Integer.numberOfTrailingZeros(expired);
                expirations++;
            }
            else
            {
                final int victim = claimVictim(bucket, nowNs, mayEvict);
                if (victim == MISS)
                {
                    insertFailures++;
                    return MISS;
                }
                way = victim & WAY_MASK;
            }
            final int oldBackendId = ALL.get(INT, base + header + HEADER_LENGTH + (long)way * SLOT_LENGTH + BACKEND_ID_OFFSET);
            countFlow(oldBackendId, -1);
        }
        countFlow(backendId, 1);

        final long slot = base + header + HEADER_LENGTH + (long)way * SLOT_LENGTH;
        ALL.set(LONG, slot + SRC_HI_OFFSET, key.srcHi());
        ALL.set(LONG, slot + SRC_LO_OFFSET, key.srcLo());
        ALL.set(LONG, slot + DST_HI_OFFSET, key.dstHi());
        ALL.set(LONG, slot + DST_LO_OFFSET, key.dstLo());
        ALL.set(LONG, slot + TUPLE_OFFSET, tupleWord(key));
        // The backend id and the flags (0) are adjacent ints (FlowSlots' layout): one store.
        ALL.set(LONG, slot + BACKEND_ID_OFFSET, LITTLE_ENDIAN ? backendId & 0xFFFF_FFFFL : (long)backendId << 32);
        ALL.set(LONG, slot + LAST_SEEN_OFFSET, nowNs);
        ALL.set(LONG, slot + IDLE_TIMEOUT_OFFSET, idleTimeoutNs);
        final int timeoutTicks = (int)((idleTimeoutNs + TICK_ROUNDING) >>> TICK_SHIFT);
        ALL.set(INT, base + header + EXPIRY_TICK_OFFSET + way * Integer.BYTES, tickOf(nowNs) + timeoutTicks);
        ALL.set(INT, base + header + TAG_OFFSET + way * Integer.BYTES, tagOf(hash));
        inserts++;
        return (bucket << WAY_SHIFT) | way;
    }

    /**
     * Removes a flow. An expired entry not yet freed is still removed, and counted as removed.
     *
     * @param key  the flow.
     * @param hash {@code key.hash()}.
     * @return true when the flow held a slot, false when it was not in the table.
     */
    public boolean remove(final FlowKey key, final long hash)
    {
        requireOpen();
        final int handle = findOccupied(key, hash);
        if (handle == MISS)
        {
            return false;
        }

        free(handle);
        return true;
    }

    /**
     * Marks a flow as seen now, which restarts its idle timeout.
     *
     * @param handle an entry's handle.
     * @param nowNs  the caller's clock.
     */
    public void touch(final int handle, final long nowNs)
    {
        final long slot = slotOffset(handle);
        ALL.set(LONG, base + slot + LAST_SEEN_OFFSET, nowNs);
        writeExpiryTick(handle, nowNs, ALL.get(LONG, base + slot + IDLE_TIMEOUT_OFFSET));
    }

    /**
     * @param handle an entry's handle.
     * @return the backend the flow is pinned to.
     */
    public int backendId(final int handle)
    {
        return ALL.get(INT, base + slotOffset(handle) + BACKEND_ID_OFFSET);
    }

    /**
     * Re-pins a flow, for example when its backend was removed and the flow is re-balanced.
     *
     * @param handle    an entry's handle.
     * @param backendId the new backend.
     */
    public void backendId(final int handle, final int backendId)
    {
        final long at = base + slotOffset(handle) + BACKEND_ID_OFFSET;
        if (ALL.get(INT, base + tagOffset(handle)) != 0)
        {
            countFlow(ALL.get(INT, at), -1);
            countFlow(backendId, 1);
        }
        ALL.set(INT, at, backendId);
    }

    /**
     * Also writes each backend's flow count ({@link #flowsOf}) as a {@code long} into shared memory
     * whenever it changes, for readers in other threads or processes (the stats file's backend
     * rows): backend id {@code i} at {@code offset + i * stride} of the segment. Set up before the
     * table is used; the writer stays this table's owner.
     *
     * @param memory where the counts go; kept reachable by this table.
     * @param offset byte offset of backend 0's count.
     * @param stride bytes between two backends' counts, a multiple of 8.
     * @throws IllegalArgumentException when the last count would not fit the segment.
     */
    public void publishFlowCounts(final MemorySegment memory, final long offset, final long stride)
    {
        if (stride % Long.BYTES != 0 || offset < 0 || offset + (COUNTED_BACKEND_IDS - 1) * stride + Long.BYTES > memory.byteSize())
        {
            throw new IllegalArgumentException("flow counts at " + offset + " + id * " + stride + " do not fit " +
                memory.byteSize() + " bytes");
        }
        publishedCountsMemory = memory;
        publishedCounts = memory.address() + offset;
        publishedStride = stride;
    }

    /**
     * How many slots hold a flow pinned to a backend: the count least-connections scheduling
     * compares. A flow counts from its insert until its slot is freed (by lookup, insert or the
     * expiry sweep), so an expired flow not yet swept still counts.
     *
     * @param backendId a backend id, 0 to {@link #COUNTED_BACKEND_IDS} - 1.
     * @return the number of flows, 0 for an id outside the range.
     */
    public int flowsOf(final int backendId)
    {
        return backendId >= 0 && backendId < COUNTED_BACKEND_IDS ? flowsPerBackend[backendId] : 0;
    }

    /**
     * One slice of the expiry sweep: visits up to {@code maxBuckets} buckets from a cursor that
     * rotates over the whole table, and frees their expired slots (at tick resolution, see the package
     * documentation). The worker calls it with a small slice every duty cycle.
     *
     * @param nowNs      the caller's clock.
     * @param maxBuckets how many buckets to visit at most; more than the table has visits each once.
     * @return how many slots were freed.
     * @throws IllegalArgumentException when maxBuckets is negative.
     */
    public int expire(final long nowNs, final int maxBuckets)
    {
        requireOpen();
        if (maxBuckets < 0)
        {
            throw new IllegalArgumentException("maxBuckets must be >= 0, got " + maxBuckets);
        }

        final int freed = sweep.sweep(tickOf(nowNs), maxBuckets);
        size -= freed;
        expirations += freed;
        return freed;
    }

    /** @return the minimum idle time of a flow that an insert may evict. */
    public long minEvictionIdleNs()
    {
        return minEvictionIdleNs;
    }

    private int findOccupied(final FlowKey key, final long hash)
    {
        final int bucket = bucketOf(hash);
        final long header = (long)bucket * BUCKET_LENGTH;
        int candidates = waysTagged(header, tagOf(hash));
        while (candidates != 0)
        {
            final int way = Integer.numberOfTrailingZeros(candidates);
            if (keyMatches(header + HEADER_LENGTH + (long)way * SLOT_LENGTH, key))
            {
                return (bucket << WAY_SHIFT) | way;
            }
            candidates &= candidates - 1;
        }

        return MISS;
    }

    /**
     * The ways of a bucket whose tag is {@code tag}, as a mask (bit w for way w): the eight tags
     * read as four longs, two tags compared per load.
     */
    private int waysTagged(final long header, final int tag)
    {
        final long at = base + header + TAG_OFFSET;
        return lanesEqual(ALL.get(LONG, at), tag) | lanesEqual(ALL.get(LONG, at + 8), tag) << 2 |
            lanesEqual(ALL.get(LONG, at + 16), tag) << 4 | lanesEqual(ALL.get(LONG, at + 24), tag) << 6;
    }

    /** Bit 0: the first int of the pair (lower address) equals the tag; bit 1: the second. */
    private static int lanesEqual(final long pair, final int tag)
    {
        final long first = LITTLE_ENDIAN ? pair : pair >>> 32;
        final long second = LITTLE_ENDIAN ? pair >>> 32 : pair;
        return ((int)first == tag ? 1 : 0) | ((int)second == tag ? 2 : 0);
    }

    private boolean keyMatches(final long slot, final FlowKey key)
    {
        // The tuple word holds the family: an IPv4 entry's high words are the IPv4-mapped prefix,
        // which every IPv4 key has, so they are compared for IPv6 keys only.
        return ALL.get(LONG, base + slot + SRC_LO_OFFSET) == key.srcLo() &&
            ALL.get(LONG, base + slot + DST_LO_OFFSET) == key.dstLo() &&
            ALL.get(LONG, base + slot + TUPLE_OFFSET) == tupleWord(key) &&
            (!key.isIpv6() ||
                ALL.get(LONG, base + slot + SRC_HI_OFFSET) == key.srcHi() && ALL.get(LONG, base + slot + DST_HI_OFFSET) == key.dstHi());
    }

    /**
     * The way an insert takes in a bucket with no free or expired way by its ticks: an expired flow
     * whose tick has not passed yet (ticks round up), else, when {@code mayEvict}, the stalest flow
     * idle long enough to evict. Counts the expiration or eviction.
     *
     * @return the way's handle, or {@link #MISS}.
     */
    private int claimVictim(final int bucket, final long nowNs, final boolean mayEvict)
    {
        final int victim = expiredOrStalestWay(bucket, nowNs);
        if (victim == MISS)
        {
            return MISS;
        }
        if (isExpired(slotOffset(victim), nowNs))
        {
            expirations++;
        }
        else if (mayEvict)
        {
            evictions++;
        }
        else
        {
            return MISS;
        }
        return victim;
    }

    private int freeOrExpiredWay(final int bucket, final int nowTick)
    {
        final long header = (long)bucket * BUCKET_LENGTH;
        final int free = waysTagged(header, 0);
        if (free != 0)
        {
            return (bucket << WAY_SHIFT) | Integer.numberOfTrailingZeros(free);
        }
        final int expired = waysExpired(header, nowTick);
        return expired != 0 ? (bucket << WAY_SHIFT) | Integer.numberOfTrailingZeros(expired) : MISS;
    }

    /** The ways of a bucket whose expiry tick has passed, as a mask: the eight ticks read as four longs. */
    private int waysExpired(final long header, final int nowTick)
    {
        final long at = base + header + EXPIRY_TICK_OFFSET;
        return lanesExpired(ALL.get(LONG, at), nowTick) | lanesExpired(ALL.get(LONG, at + 8), nowTick) << 2 |
            lanesExpired(ALL.get(LONG, at + 16), nowTick) << 4 | lanesExpired(ALL.get(LONG, at + 24), nowTick) << 6;
    }

    /** Bit 0: the first tick of the pair (lower address) has passed; bit 1: the second. */
    private static int lanesExpired(final long pair, final int nowTick)
    {
        final int first = (int)(LITTLE_ENDIAN ? pair : pair >>> 32);
        final int second = (int)(LITTLE_ENDIAN ? pair >>> 32 : pair);
        return (nowTick - first > 0 ? 1 : 0) | (nowTick - second > 0 ? 2 : 0);
    }

    private int expiredOrStalestWay(final int bucket, final long nowNs)
    {
        final long firstSlot = (long)bucket * BUCKET_LENGTH + HEADER_LENGTH;
        int stalestWay = 0;
        long stalestIdleNs = Long.MIN_VALUE;
        for (int way = 0; way < SLOTS_PER_BUCKET; way++)
        {
            final long slot = firstSlot + (long)way * SLOT_LENGTH;
            if (isExpired(slot, nowNs))
            {
                return (bucket << WAY_SHIFT) | way;
            }

            final long idleNs = nowNs - ALL.get(LONG, base + slot + LAST_SEEN_OFFSET);
            if (idleNs > stalestIdleNs)
            {
                stalestIdleNs = idleNs;
                stalestWay = way;
            }
        }

        return stalestIdleNs >= minEvictionIdleNs ? (bucket << WAY_SHIFT) | stalestWay : MISS;
    }

    private void writeValue(final int handle, final int backendId, final long idleTimeoutNs, final long nowNs)
    {
        final long slot = slotOffset(handle);
        // The backend id and the flags (0) are adjacent ints (FlowSlots' layout): one store.
        ALL.set(LONG, base + slot + BACKEND_ID_OFFSET, LITTLE_ENDIAN ? backendId & 0xFFFF_FFFFL : (long)backendId << 32);
        ALL.set(LONG, base + slot + LAST_SEEN_OFFSET, nowNs);
        ALL.set(LONG, base + slot + IDLE_TIMEOUT_OFFSET, idleTimeoutNs);
        writeExpiryTick(handle, nowNs, idleTimeoutNs);
    }

    private void free(final int handle)
    {
        countFlow(backendIdAt(handle), -1);
        ALL.set(INT, base + tagOffset(handle), 0);
        size--;
    }

    /** Adds {@code delta} to a backend's flow count (ids beyond the counted range are not counted). Small enough to inline. */
    void countFlow(final int backendId, final int delta)
    {
        if (backendId >>> COUNTED_BACKEND_ID_BITS == 0)
        {
            publishFlows(backendId, flowsPerBackend[backendId] += delta);
        }
    }

    private void publishFlows(final int backendId, final int flows)
    {
        if (publishedCounts != 0)
        {
            ALL.set(LONG, publishedCounts + (long)backendId * publishedStride, flows);
        }
    }

    private int bucketOf(final long hash)
    {
        return (int)hash & bucketMask;
    }

}
