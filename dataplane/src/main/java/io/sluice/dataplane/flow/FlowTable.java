package io.sluice.dataplane.flow;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

import static io.sluice.dataplane.packet.Memory.ALL;

/**
 * The connection table of one worker: which backend each established flow is pinned to, so that a
 * change of the Maglev table does not break flows that are already running.
 * <p>
 * The table is off-heap, of fixed capacity and set-associative. A flow lives in the bucket chosen
 * by the low bits of {@link FlowKey#hash()} (Maglev uses the upper 32 bits of the same hash) and in
 * any of that bucket's {@link #SLOTS_PER_BUCKET} slots. A bucket is one 64-byte header line holding
 * a 32-bit hash tag and a coarse expiry tick per slot, followed by one 64-byte line per slot holding
 * the full key and the value. A lookup reads the header, and on a tag match (a tag is 31 bits of
 * the upper half of the hash, so a false match is about one lookup in 2^28) the one slot line whose
 * full key is then compared: two cache lines per hit, one per miss. The sweep and the search for a
 * free or expired slot read headers only; only the eviction of the stalest slot of a full bucket
 * reads every slot line of the bucket.
 * <pre>
 *   bucket b starts at b * 576 (64-byte aligned); handle = b * 8 + way
 *
 *   header line (64 bytes), one row = 8 bytes
 *   +-------------------------------+-------------------------------+
 *   |          tag of way 0         |          tag of way 1         |  0
 *   |          tag of way 2         |          tag of way 3         |  8
 *   |          tag of way 4         |          tag of way 5         | 16
 *   |          tag of way 6         |          tag of way 7         | 24
 *   +-------------------------------+-------------------------------+
 *   |     expiry tick of way 0      |     expiry tick of way 1      | 32
 *   |              ...              |              ...              | 40, 48
 *   |     expiry tick of way 6      |     expiry tick of way 7      | 56
 *   +-------------------------------+-------------------------------+
 *   tag:         0 = free slot, else (int)(hash >>> 32) | 1
 *   expiry tick: (int)(lastSeenNs >> 20) + ceil(idleTimeoutNs / 2^20)
 *
 *   slot line of way w (64 bytes) at 64 + w * 64 from the bucket, one row = 8 bytes
 *   +---------------------------------------------------------------+
 *   |                source address, upper 64 bits                  |  0
 *   |                source address, lower 64 bits                  |  8
 *   |             destination address, upper 64 bits                | 16
 *   |             destination address, lower 64 bits                | 24
 *   +---------------+---------------+---------------+-------+-------+
 *   |   src port    |   dst port    |     zero      | proto |family | 32  tuple word: one long, bit 63 left
 *   +---------------+---------------+---------------+-------+-------+
 *   |          backend id           |         caller's flags        | 40
 *   +-------------------------------+-------------------------------+
 *   |                 last seen, caller's ns clock                  | 48
 *   |                       idle timeout, ns                        | 56
 *   +---------------------------------------------------------------+
 *   family: 0 IPv4 (addresses held IPv4-mapped, as in FlowKey), 1 IPv6
 * </pre>
 * Memory: 72 bytes per flow (576 per bucket of 8), so a 1M-flow table takes 72 MiB. Fields are held
 * in native byte order: the memory never leaves the process.
 * <p>
 * Time: every method takes {@code nowNs} from the caller's clock ({@link System#nanoTime()} or any
 * monotonic nanosecond clock, of any origin); times are only ever compared as differences, so the
 * clock may also wrap. A flow is expired when {@code nowNs - lastSeenNs > idleTimeoutNs}, decided
 * exactly by {@link #find}, {@link #insert} and {@link #isLive}. The incremental {@link #expire}
 * sweep decides from the header alone, in ticks of 2^20 ns (1.048576 ms) held as ints: it never
 * frees a flow that is not expired, and frees an expired one at most two ticks (about 2.1 ms) late.
 * The int ticks wrap every 2^32 ticks (about 52 days), which is harmless as long as the sweep visits
 * every bucket within about 26 days after its flows expire; any non-zero sweep rate does.
 * <p>
 * Handles are slot indexes, {@code 0 <= handle < capacity()}. A handle stays valid until the next
 * call that may free or reuse slots ({@link #insert}, {@link #remove}, {@link #expire}, or
 * {@link #find}, which frees an expired entry it meets). {@link #isLive} and {@link #readKey} over
 * all handles enumerate the table.
 * <p>
 * One thread owns a table: it is not thread safe. The memory comes from a shared {@link Arena} so
 * that one thread may create the table and another use it; {@link #close()} frees it. The lookup,
 * insert, touch, remove and sweep methods allocate nothing.
 */
public final class FlowTable implements AutoCloseable
{
    /** Returned by {@link #find} and {@link #insert} when there is no entry. */
    public static final int MISS = -1;

    /** Slots (ways) per bucket. */
    public static final int SLOTS_PER_BUCKET = 8;

    /** Bytes of one bucket header, one cache line. */
    public static final int HEADER_LENGTH = 64;

    /** Bytes of one slot, one cache line. */
    public static final int SLOT_LENGTH = 64;

    /** Bytes of one bucket: the header and its slots. */
    public static final int BUCKET_LENGTH = HEADER_LENGTH + SLOTS_PER_BUCKET * SLOT_LENGTH;

    /** Bytes of table memory per flow of capacity. */
    public static final int BYTES_PER_FLOW = BUCKET_LENGTH / SLOTS_PER_BUCKET;

    /** Smallest capacity: one bucket. */
    public static final int MIN_CAPACITY = SLOTS_PER_BUCKET;

    /** Largest capacity: 2^28 flows, 18 GiB. */
    public static final int MAX_CAPACITY = 1 << 28;

    /** The sweep's time unit is 2^TICK_SHIFT ns. */
    public static final int TICK_SHIFT = 20;

    /** Backend ids below this get their flows counted ({@link #flowsOf}): the dataplane's backend id limit. */
    public static final int COUNTED_BACKEND_IDS = 1 << 14;

    /** Largest idle timeout, 2^30 ticks (about 13 days), which keeps int tick differences unambiguous. */
    public static final long MAX_IDLE_TIMEOUT_NS = 1L << (TICK_SHIFT + 30);

    /**
     * Every field is naturally aligned in the table, but it is read through the unaligned layouts:
     * the aligned ones check the alignment on each access, which here can never fail.
     */
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
    private static final int CACHE_LINE_LENGTH = 64;
    private static final int TAG_OFFSET = 0;
    private static final int EXPIRY_TICK_OFFSET = 32;
    private static final int WAY_SHIFT = 3;
    private static final int WAY_MASK = SLOTS_PER_BUCKET - 1;
    private static final long TICK_ROUNDING = (1L << TICK_SHIFT) - 1;

    private static final int SRC_HI_OFFSET = 0;
    private static final int SRC_LO_OFFSET = 8;
    private static final int DST_HI_OFFSET = 16;
    private static final int DST_LO_OFFSET = 24;
    private static final int TUPLE_OFFSET = 32;
    private static final int BACKEND_ID_OFFSET = 40;
    private static final int FLAGS_OFFSET = 44;
    private static final int LAST_SEEN_OFFSET = 48;
    private static final int IDLE_TIMEOUT_OFFSET = 56;

    private static final long IPV6_FAMILY = 1L;

    private final int[] flowsPerBackend = new int[COUNTED_BACKEND_IDS];
    private MemorySegment publishedCountsMemory;
    private long publishedCounts;
    private long publishedStride;
    private final Arena arena;
    private final MemorySegment memory;
    private final long base;
    private final int capacity;
    private final int bucketMask;
    private final long minEvictionIdleNs;
    private boolean closed;
    private int sweepCursor;
    private long size;
    private long inserts;
    private long evictions;
    private long expirations;
    private long insertFailures;

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

        this.capacity = capacity;
        this.bucketMask = (capacity / SLOTS_PER_BUCKET) - 1;
        this.minEvictionIdleNs = minEvictionIdleNs;
        this.arena = Arena.ofShared();
        try
        {
            final long byteSize = byteSizeFor(capacity);
            this.memory = byteSize >= HugePageMemory.HUGE_PAGE_SIZE ?
                HugePageMemory.allocate(arena, byteSize) : arena.allocate(byteSize, CACHE_LINE_LENGTH);
            this.base = memory.address();
        }
        catch (final RuntimeException | OutOfMemoryError ex)
        {
            arena.close();
            throw ex;
        }
    }

    /**
     * The bytes of memory a table of this capacity takes.
     *
     * @param capacity a valid capacity.
     * @return {@code capacity * BYTES_PER_FLOW}.
     * @throws IllegalArgumentException when the capacity is out of range.
     */
    public static long byteSizeFor(final int capacity)
    {
        validateCapacity(capacity);
        return (long)capacity * BYTES_PER_FLOW;
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
     * Looks a flow up without changing anything, for a thread other than the table's writer (the
     * control plane's "where does this flow go"): it neither frees an expired entry nor touches a
     * live one. The writer may change the table meanwhile, so the answer is a diagnostic that can be
     * stale by the time it is read; it never fails or reads outside the table while the table is open.
     *
     * @param key   the flow.
     * @param hash  {@code key.hash()}.
     * @param nowNs the clock to judge expiry by.
     * @return the backend id the live flow is pinned to, or {@link #MISS}.
     */
    public int peekBackendId(final FlowKey key, final long hash, final long nowNs)
    {
        requireOpen();
        final int handle = findOccupied(key, hash);
        if (handle == MISS || isExpired(slotOffset(handle), nowNs))
        {
            return MISS;
        }
        return backendIdAt(handle);
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

        return insertAbsent(key, hash, backendId, idleTimeoutNs, nowNs);
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
        return insertAbsent(key, hash, backendId, idleTimeoutNs, nowNs);
    }

    private int insertAbsent(
        final FlowKey key, final long hash, final int backendId, final long idleTimeoutNs, final long nowNs)
    {
        final int handle = claimSlot(bucketOf(hash), nowNs);
        if (handle == MISS)
        {
            insertFailures++;
            return MISS;
        }
        if (ALL.get(INT, base + tagOffset(handle)) != 0)
        {
            countFlow(backendIdAt(handle), -1);
        }
        countFlow(backendId, 1);

        writeKey(handle, key);
        writeValue(handle, backendId, idleTimeoutNs, nowNs);
        ALL.set(INT, base + tagOffset(handle), tagOf(hash));
        inserts++;
        return handle;
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
     * @param handle an entry's handle.
     * @return the caller's clock when the flow was last inserted or touched.
     */
    public long lastSeenNs(final int handle)
    {
        return ALL.get(LONG, base + slotOffset(handle) + LAST_SEEN_OFFSET);
    }

    /**
     * @param handle an entry's handle.
     * @return the flow's idle timeout in ns.
     */
    public long idleTimeoutNs(final int handle)
    {
        return ALL.get(LONG, base + slotOffset(handle) + IDLE_TIMEOUT_OFFSET);
    }

    /**
     * Changes a flow's idle timeout, counted from when it was last seen; the caller shortens it when
     * a TCP flow closes (FIN or RST).
     *
     * @param handle    an entry's handle.
     * @param timeoutNs the new idle timeout, 1 to {@link #MAX_IDLE_TIMEOUT_NS}.
     * @throws IllegalArgumentException when the timeout is out of range.
     */
    public void idleTimeoutNs(final int handle, final long timeoutNs)
    {
        validateIdleTimeout(timeoutNs);
        final long slot = slotOffset(handle);
        ALL.set(LONG, base + slot + IDLE_TIMEOUT_OFFSET, timeoutNs);
        writeExpiryTick(handle, ALL.get(LONG, base + slot + LAST_SEEN_OFFSET), timeoutNs);
    }

    /**
     * @param handle an entry's handle.
     * @return the caller's 32 flag bits, 0 after an insert.
     */
    public int flags(final int handle)
    {
        return ALL.get(INT, base + slotOffset(handle) + FLAGS_OFFSET);
    }

    /**
     * Sets the caller's 32 flag bits; the table does not interpret them.
     *
     * @param handle an entry's handle.
     * @param flags  the new flags.
     */
    public void flags(final int handle, final int flags)
    {
        ALL.set(INT, base + slotOffset(handle) + FLAGS_OFFSET, flags);
    }

    /**
     * Copies an entry's key out, for the sync module's snapshot.
     *
     * @param handle an entry's handle.
     * @param into   the key to overwrite.
     */
    public void readKey(final int handle, final FlowKey into)
    {
        final long slot = slotOffset(handle);
        final long srcHi = ALL.get(LONG, base + slot + SRC_HI_OFFSET);
        final long srcLo = ALL.get(LONG, base + slot + SRC_LO_OFFSET);
        final long dstHi = ALL.get(LONG, base + slot + DST_HI_OFFSET);
        final long dstLo = ALL.get(LONG, base + slot + DST_LO_OFFSET);
        final long tuple = ALL.get(LONG, base + slot + TUPLE_OFFSET);
        final int srcPort = (int)(tuple >>> 48);
        final int dstPort = (int)(tuple >>> 32) & 0xFFFF;
        final int protocol = (int)(tuple >>> 8) & 0xFF;

        if ((tuple & IPV6_FAMILY) != 0)
        {
            into.setIpv6(srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, protocol);
        }
        else
        {
            into.setIpv4((int)srcLo, (int)dstLo, srcPort, dstPort, protocol);
        }
    }

    /**
     * Whether a slot holds a flow that has not expired; with {@link #readKey} it enumerates the
     * table. Frees nothing.
     *
     * @param handle any handle from 0 to {@code capacity() - 1}.
     * @param nowNs  the caller's clock.
     * @return true when the slot holds a live flow.
     */
    public boolean isLive(final int handle, final long nowNs)
    {
        return ALL.get(INT, base + tagOffset(handle)) != 0 && !isExpired(slotOffset(handle), nowNs);
    }

    /**
     * One slice of the expiry sweep: visits up to {@code maxBuckets} buckets from a cursor that
     * rotates over the whole table, and frees their expired slots (at tick resolution, see the class
     * comment). The worker calls it with a small slice every duty cycle.
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

        final int nowTick = tickOf(nowNs);
        final int bucketsToVisit = Math.min(maxBuckets, bucketMask + 1);
        int bucket = sweepCursor;
        int freed = 0;
        for (int i = 0; i < bucketsToVisit; i++)
        {
            final long header = (long)bucket * BUCKET_LENGTH;
            for (int way = 0; way < SLOTS_PER_BUCKET; way++)
            {
                final long tagOffset = header + TAG_OFFSET + way * Integer.BYTES;
                if (ALL.get(INT, base + tagOffset) != 0 &&
                    nowTick - ALL.get(INT, base + header + EXPIRY_TICK_OFFSET + way * Integer.BYTES) > 0)
                {
                    countFlow(ALL.get(INT, base + header + HEADER_LENGTH + (long)way * SLOT_LENGTH + BACKEND_ID_OFFSET), -1);
                    ALL.set(INT, base + tagOffset, 0);
                    freed++;
                }
            }
            bucket = (bucket + 1) & bucketMask;
        }

        sweepCursor = bucket;
        size -= freed;
        expirations += freed;
        return freed;
    }

    /**
     * @return the number of flows the table holds at most.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return the number of buckets, {@code capacity() / SLOTS_PER_BUCKET}.
     */
    public int bucketCount()
    {
        return bucketMask + 1;
    }

    /**
     * @return the bytes of off-heap memory the table holds.
     */
    public long byteSize()
    {
        return memory.byteSize();
    }

    /**
     * @return the minimum idle time of a flow that an insert may evict.
     */
    public long minEvictionIdleNs()
    {
        return minEvictionIdleNs;
    }

    /**
     * @return the number of occupied slots; an expired flow counts until find, insert or the sweep frees it.
     */
    public long size()
    {
        return size;
    }

    /**
     * @return how many flows were inserted into a slot (updates of a present live flow are not counted).
     */
    public long inserts()
    {
        return inserts;
    }

    /**
     * @return how many live flows were evicted to make room for a new one.
     */
    public long evictions()
    {
        return evictions;
    }

    /**
     * @return how many expired flows were freed, by lookup, insert or sweep.
     */
    public long expirations()
    {
        return expirations;
    }

    /**
     * @return how many inserts failed because the bucket was full of fresh flows.
     */
    public long insertFailures()
    {
        return insertFailures;
    }

    /**
     * Frees the table's memory. The table must not be used afterwards.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            arena.close();
        }
    }

    /**
     * The table is read through absolute addresses, so a use after {@link #close()} would touch
     * freed memory; the entry points check first and throw instead.
     */
    private void requireOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("flow table used after close");
        }
    }

    private static void validateCapacity(final int capacity)
    {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException(
                "flow table capacity must be a power of two from " + MIN_CAPACITY + " to " + MAX_CAPACITY +
                ", got " + capacity);
        }
    }

    private static void validateIdleTimeout(final long idleTimeoutNs)
    {
        if (idleTimeoutNs <= 0 || idleTimeoutNs > MAX_IDLE_TIMEOUT_NS)
        {
            throw new IllegalArgumentException(
                "idle timeout must be from 1 to " + MAX_IDLE_TIMEOUT_NS + " ns, got " + idleTimeoutNs);
        }
    }

    private int findOccupied(final FlowKey key, final long hash)
    {
        final int bucket = bucketOf(hash);
        final long header = (long)bucket * BUCKET_LENGTH;
        final int tag = tagOf(hash);
        for (int way = 0; way < SLOTS_PER_BUCKET; way++)
        {
            if (ALL.get(INT, base + header + TAG_OFFSET + way * Integer.BYTES) == tag &&
                keyMatches(header + HEADER_LENGTH + (long)way * SLOT_LENGTH, key))
            {
                return (bucket << WAY_SHIFT) | way;
            }
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
        return ALL.get(LONG, base + slot + SRC_LO_OFFSET) == key.srcLo() &&
            ALL.get(LONG, base + slot + DST_LO_OFFSET) == key.dstLo() &&
            ALL.get(LONG, base + slot + TUPLE_OFFSET) == tupleWord(key) &&
            ALL.get(LONG, base + slot + SRC_HI_OFFSET) == key.srcHi() &&
            ALL.get(LONG, base + slot + DST_HI_OFFSET) == key.dstHi();
    }

    private int claimSlot(final int bucket, final long nowNs)
    {
        final int handle = freeOrExpiredWay(bucket, tickOf(nowNs));
        if (handle != MISS)
        {
            if (ALL.get(INT, base + tagOffset(handle)) == 0)
            {
                size++;
            }
            else
            {
                expirations++;
            }
            return handle;
        }

        final int victim = expiredOrStalestWay(bucket, nowNs);
        if (victim == MISS)
        {
            return MISS;
        }

        if (isExpired(slotOffset(victim), nowNs))
        {
            expirations++;
        }
        else
        {
            evictions++;
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
        for (int way = 0; way < SLOTS_PER_BUCKET; way++)
        {
            if (nowTick - ALL.get(INT, base + header + EXPIRY_TICK_OFFSET + way * Integer.BYTES) > 0)
            {
                return (bucket << WAY_SHIFT) | way;
            }
        }

        return MISS;
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

    private boolean isExpired(final long slot, final long nowNs)
    {
        return nowNs - ALL.get(LONG, base + slot + LAST_SEEN_OFFSET) > ALL.get(LONG, base + slot + IDLE_TIMEOUT_OFFSET);
    }

    private void writeKey(final int handle, final FlowKey key)
    {
        final long slot = slotOffset(handle);
        ALL.set(LONG, base + slot + SRC_HI_OFFSET, key.srcHi());
        ALL.set(LONG, base + slot + SRC_LO_OFFSET, key.srcLo());
        ALL.set(LONG, base + slot + DST_HI_OFFSET, key.dstHi());
        ALL.set(LONG, base + slot + DST_LO_OFFSET, key.dstLo());
        ALL.set(LONG, base + slot + TUPLE_OFFSET, tupleWord(key));
    }

    private void writeValue(final int handle, final int backendId, final long idleTimeoutNs, final long nowNs)
    {
        final long slot = slotOffset(handle);
        ALL.set(INT, base + slot + BACKEND_ID_OFFSET, backendId);
        ALL.set(INT, base + slot + FLAGS_OFFSET, 0);
        ALL.set(LONG, base + slot + LAST_SEEN_OFFSET, nowNs);
        ALL.set(LONG, base + slot + IDLE_TIMEOUT_OFFSET, idleTimeoutNs);
        writeExpiryTick(handle, nowNs, idleTimeoutNs);
    }

    private void writeExpiryTick(final int handle, final long lastSeenNs, final long idleTimeoutNs)
    {
        final int timeoutTicks = (int)((idleTimeoutNs + TICK_ROUNDING) >>> TICK_SHIFT);
        final long expiryTickOffset =
            (long)(handle >>> WAY_SHIFT) * BUCKET_LENGTH + EXPIRY_TICK_OFFSET + (handle & WAY_MASK) * Integer.BYTES;
        ALL.set(INT, base + expiryTickOffset, tickOf(lastSeenNs) + timeoutTicks);
    }

    private void free(final int handle)
    {
        countFlow(backendIdAt(handle), -1);
        ALL.set(INT, base + tagOffset(handle), 0);
        size--;
    }

    private int backendIdAt(final int handle)
    {
        return ALL.get(INT, base + slotOffset(handle) + BACKEND_ID_OFFSET);
    }

    private void countFlow(final int backendId, final int delta)
    {
        if (backendId >= 0 && backendId < COUNTED_BACKEND_IDS)
        {
            final int flows = flowsPerBackend[backendId] + delta;
            flowsPerBackend[backendId] = flows;
            if (publishedCounts != 0)
            {
                ALL.set(LONG, publishedCounts + (long)backendId * publishedStride, flows);
            }
        }
    }

    private int bucketOf(final long hash)
    {
        return (int)hash & bucketMask;
    }

    private long slotOffset(final int handle)
    {
        Objects.checkIndex(handle, capacity);
        return (long)(handle >>> WAY_SHIFT) * BUCKET_LENGTH + HEADER_LENGTH + (long)(handle & WAY_MASK) * SLOT_LENGTH;
    }

    private long tagOffset(final int handle)
    {
        Objects.checkIndex(handle, capacity);
        return (long)(handle >>> WAY_SHIFT) * BUCKET_LENGTH + TAG_OFFSET + (handle & WAY_MASK) * Integer.BYTES;
    }

    private static int tagOf(final long hash)
    {
        return (int)(hash >>> 32) | 1;
    }

    private static int tickOf(final long nowNs)
    {
        return (int)(nowNs >> TICK_SHIFT);
    }

    private static long tupleWord(final FlowKey key)
    {
        return ((long)key.srcPort() << 48) | ((long)key.dstPort() << 32) | ((long)key.protocol() << 8) |
            (key.isIpv6() ? IPV6_FAMILY : 0L);
    }
}
