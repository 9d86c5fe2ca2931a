package io.sluice.dataplane.flow;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

import static io.sluice.dataplane.packet.Memory.ALL;

/**
 * The storage of a {@link FlowTable}: its memory, the layout of buckets and slots (drawn in the package
 * documentation), the fields of one entry by handle, the enumeration of entries, and the table's size and
 * statistics. {@link FlowTable} adds what works over whole buckets: lookup, insert, eviction, removal, the prefetch
 * hints, the sweep and the per-backend counts.
 * <p>
 * Split this way so that each half reads on its own while the packet path stays as fast as one class: the only
 * subclass is final, so every call between the two halves binds statically and the fields are the table's own,
 * with no object in between. The public members here are the table's and are documented as such.
 */
abstract sealed class FlowSlots implements AutoCloseable permits FlowTable
{
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

    /** Largest idle timeout, 2^30 ticks (about 13 days), which keeps int tick differences unambiguous. */
    public static final long MAX_IDLE_TIMEOUT_NS = 1L << (TICK_SHIFT + 30);

    /**
     * Every field is naturally aligned in the table, but it is read through the unaligned layouts:
     * the aligned ones check the alignment on each access, which here can never fail.
     */
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    static final int TAG_OFFSET = 0;
    static final int EXPIRY_TICK_OFFSET = 32;
    static final int WAY_SHIFT = 3;
    static final int WAY_MASK = SLOTS_PER_BUCKET - 1;

    static final int SRC_HI_OFFSET = 0;
    static final int SRC_LO_OFFSET = 8;
    static final int DST_HI_OFFSET = 16;
    static final int DST_LO_OFFSET = 24;
    static final int TUPLE_OFFSET = 32;
    static final int BACKEND_ID_OFFSET = 40;
    static final int FLAGS_OFFSET = BACKEND_ID_OFFSET + Integer.BYTES;
    static final int LAST_SEEN_OFFSET = 48;
    static final int IDLE_TIMEOUT_OFFSET = 56;

    private static final int CACHE_LINE_LENGTH = 64;
    static final long TICK_ROUNDING = (1L << TICK_SHIFT) - 1;
    private static final long IPV6_FAMILY = 1L;

    final MemorySegment memory;
    final long base;
    final int capacity;
    final int bucketMask;
    long size;
    long inserts;
    long evictions;
    long expirations;
    long insertFailures;
    private final Arena arena;
    private boolean closed;

    FlowSlots(final int capacity)
    {
        validateCapacity(capacity);
        this.capacity = capacity;
        this.bucketMask = (capacity / SLOTS_PER_BUCKET) - 1;
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

    /** @return the number of flows the table holds at most. */
    public int capacity()
    {
        return capacity;
    }

    /** @return the number of buckets, {@code capacity() / SLOTS_PER_BUCKET}. */
    public int bucketCount()
    {
        return bucketMask + 1;
    }

    /** @return the bytes of off-heap memory the table holds. */
    public long byteSize()
    {
        return memory.byteSize();
    }

    /** @return the number of occupied slots; an expired flow counts until find, insert or the sweep frees it. */
    public long size()
    {
        return size;
    }

    /** @return how many flows were inserted into a slot (updates of a present live flow are not counted). */
    public long inserts()
    {
        return inserts;
    }

    /** @return how many live flows were evicted to make room for a new one. */
    public long evictions()
    {
        return evictions;
    }

    /** @return how many expired flows were freed, by lookup, insert or sweep. */
    public long expirations()
    {
        return expirations;
    }

    /** @return how many inserts failed because the bucket was full of fresh flows. */
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
    final void requireOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("flow table used after close");
        }
    }

    static void validateCapacity(final int capacity)
    {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException(
                "flow table capacity must be a power of two from " + MIN_CAPACITY + " to " + MAX_CAPACITY +
                ", got " + capacity);
        }
    }

    static void validateIdleTimeout(final long idleTimeoutNs)
    {
        if (idleTimeoutNs <= 0 || idleTimeoutNs > MAX_IDLE_TIMEOUT_NS)
        {
            throw new IllegalArgumentException(
                "idle timeout must be from 1 to " + MAX_IDLE_TIMEOUT_NS + " ns, got " + idleTimeoutNs);
        }
    }

    final boolean isExpired(final long slot, final long nowNs)
    {
        return nowNs - ALL.get(LONG, base + slot + LAST_SEEN_OFFSET) > ALL.get(LONG, base + slot + IDLE_TIMEOUT_OFFSET);
    }

    final void writeExpiryTick(final int handle, final long lastSeenNs, final long idleTimeoutNs)
    {
        final int timeoutTicks = (int)((idleTimeoutNs + TICK_ROUNDING) >>> TICK_SHIFT);
        final long expiryTickOffset =
            (long)(handle >>> WAY_SHIFT) * BUCKET_LENGTH + EXPIRY_TICK_OFFSET + (handle & WAY_MASK) * Integer.BYTES;
        ALL.set(INT, base + expiryTickOffset, tickOf(lastSeenNs) + timeoutTicks);
    }

    final int backendIdAt(final int handle)
    {
        return ALL.get(INT, base + slotOffset(handle) + BACKEND_ID_OFFSET);
    }

    final long slotOffset(final int handle)
    {
        Objects.checkIndex(handle, capacity);
        return (long)(handle >>> WAY_SHIFT) * BUCKET_LENGTH + HEADER_LENGTH + (long)(handle & WAY_MASK) * SLOT_LENGTH;
    }

    final long tagOffset(final int handle)
    {
        Objects.checkIndex(handle, capacity);
        return (long)(handle >>> WAY_SHIFT) * BUCKET_LENGTH + TAG_OFFSET + (handle & WAY_MASK) * Integer.BYTES;
    }

    static int tagOf(final long hash)
    {
        return (int)(hash >>> 32) | 1;
    }

    static int tickOf(final long nowNs)
    {
        return (int)(nowNs >> TICK_SHIFT);
    }

    static long tupleWord(final FlowKey key)
    {
        return ((long)key.srcPort() << 48) | ((long)key.dstPort() << 32) | ((long)key.protocol() << 8) |
            (key.isIpv6() ? IPV6_FAMILY : 0L);
    }
}
