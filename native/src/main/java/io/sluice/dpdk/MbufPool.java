package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * A DPDK packet mbuf pool ({@code rte_pktmbuf_pool_create}): the fixed set of packet buffers that
 * ports receive into and the dataplane allocates from.
 * <p>
 * {@link #alloc()}, {@link #allocBulk}, {@link #free(long)} and {@link #freeBulk} are hot-path
 * calls: they allocate nothing on the Java heap and use the calling thread's per-lcore cache when
 * the thread is an EAL thread or {@linkplain Eal#registerCurrentThread() registered}. Mbufs are
 * plain 64-bit addresses; read them with {@link Mbuf}. The count methods may be called from any
 * thread. Close a pool only after every port using it is closed and every mbuf is back.
 */
public final class MbufPool implements AutoCloseable
{
    /** {@code RTE_MBUF_DEFAULT_BUF_SIZE}: 2048 bytes of packet data plus the default headroom. */
    public static final int DEFAULT_DATA_ROOM_SIZE = 2048 + MbufLayout.HEADROOM;

    /** {@code RTE_MEMPOOL_CACHE_MAX_SIZE}: the largest per-lcore cache DPDK accepts. */
    public static final int MAX_CACHE_SIZE = 512;

    /** Longest pool name DPDK accepts ({@code RTE_MEMPOOL_NAMESIZE - 1}). */
    public static final int MAX_NAME_LENGTH = 25;

    /** The NUMA socket id meaning "any socket" ({@code SOCKET_ID_ANY}). */
    public static final int ANY_SOCKET = -1;

    private final String name;
    private final int capacity;
    private final int dataRoomSize;
    private final MemorySegment pool;
    private volatile boolean closed;

    private MbufPool(final String name, final int capacity, final int dataRoomSize, final MemorySegment pool)
    {
        this.name = name;
        this.capacity = capacity;
        this.dataRoomSize = dataRoomSize;
        this.pool = pool;
    }

    /**
     * Creates a pool on the calling thread's NUMA socket (any socket when the thread has none).
     *
     * @param name         unique name, 1 to {@value #MAX_NAME_LENGTH} characters.
     * @param count        number of mbufs; {@code 2^n - 1} uses memory best.
     * @param cacheSize    per-lcore cache, 0 to {@value #MAX_CACHE_SIZE} and at most {@code count / 1.5}.
     * @param dataRoomSize bytes of buffer per mbuf including the {@value MbufLayout#HEADROOM}-byte
     *                     headroom, for example {@link #DEFAULT_DATA_ROOM_SIZE}.
     * @return the pool.
     * @throws IllegalArgumentException when an argument is out of range.
     * @throws DpdkException            when DPDK cannot create it (name taken, out of hugepage memory).
     */
    public static MbufPool create(final String name, final int count, final int cacheSize, final int dataRoomSize)
    {
        return create(name, count, cacheSize, dataRoomSize, Eal.currentSocketId());
    }

    /**
     * Creates a pool on a given NUMA socket.
     *
     * @param name         unique name, 1 to {@value #MAX_NAME_LENGTH} characters.
     * @param count        number of mbufs.
     * @param cacheSize    per-lcore cache, 0 to {@value #MAX_CACHE_SIZE} and at most {@code count / 1.5}.
     * @param dataRoomSize bytes of buffer per mbuf including the headroom, {@value MbufLayout#HEADROOM} to 65535.
     * @param socketId     NUMA socket, or {@link #ANY_SOCKET}.
     * @return the pool.
     * @throws IllegalArgumentException when an argument is out of range.
     * @throws DpdkException            when DPDK cannot create it.
     */
    public static MbufPool create(
        final String name, final int count, final int cacheSize, final int dataRoomSize, final int socketId)
    {
        validate(name, count, cacheSize, dataRoomSize);
        Eal.requireRunning("MbufPool.create");
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment poolOut = arena.allocate(ADDRESS);
            NativeErrors.clearLog();
            final int result = SluiceDpdk.sluice_pool_create(
                arena.allocateFrom(name), count, cacheSize, (short)dataRoomSize, socketId, poolOut);
            if (result < 0)
            {
                throw NativeErrors.failure(
                    "cannot create mbuf pool '" + name + "' (count " + count + ", cache " + cacheSize +
                    ", data room " + dataRoomSize + ", socket " + socketId + ")", result);
            }
            return new MbufPool(name, count, dataRoomSize, poolOut.get(ADDRESS, 0));
        }
    }

    private static void validate(final String name, final int count, final int cacheSize, final int dataRoomSize)
    {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH)
        {
            throw new IllegalArgumentException(
                "mbuf pool name '" + name + "' must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (count < 1)
        {
            throw new IllegalArgumentException("mbuf pool '" + name + "': count must be positive, was " + count);
        }
        if (cacheSize < 0 || cacheSize > MAX_CACHE_SIZE || cacheSize * 3L > count * 2L)
        {
            throw new IllegalArgumentException(
                "mbuf pool '" + name + "': cacheSize must be 0.." + MAX_CACHE_SIZE + " and at most count / 1.5 (" +
                (count * 2L / 3) + "), was " + cacheSize);
        }
        if (dataRoomSize < MbufLayout.HEADROOM || dataRoomSize > 0xFFFF)
        {
            throw new IllegalArgumentException(
                "mbuf pool '" + name + "': dataRoomSize must be " + MbufLayout.HEADROOM + "..65535 (headroom " +
                "included), was " + dataRoomSize);
        }
    }

    /**
     * Takes one mbuf, reset: data offset at the headroom, length 0, one segment.
     *
     * @return the mbuf address, or 0 when the pool is empty.
     */
    public long alloc()
    {
        requireOpen();
        return SluiceDpdk.sluice_mbuf_alloc(pool);
    }

    /**
     * Takes {@code count} mbufs at once, or none.
     *
     * @param mbufPointers native memory receiving {@code count} 8-byte mbuf addresses.
     * @param count        how many to take.
     * @return true when all were taken, false when the pool had too few (then none were taken).
     */
    public boolean allocBulk(final MemorySegment mbufPointers, final int count)
    {
        requireOpen();
        checkPointerArray(mbufPointers, count);
        return SluiceDpdk.sluice_mbuf_alloc_bulk(pool, mbufPointers, count) == 0;
    }

    /**
     * Returns an mbuf (all its segments) to the pool it came from; 0 is ignored.
     *
     * @param mbuf the mbuf address.
     */
    public void free(final long mbuf)
    {
        SluiceDpdk.sluice_mbuf_free(mbuf);
    }

    /**
     * Returns many mbufs ({@code rte_pktmbuf_free_bulk}); 0 entries are ignored.
     *
     * @param mbufPointers native memory holding {@code count} 8-byte mbuf addresses.
     * @param count        how many to free.
     */
    public void freeBulk(final MemorySegment mbufPointers, final int count)
    {
        checkPointerArray(mbufPointers, count);
        SluiceDpdk.sluice_mbuf_free_bulk(mbufPointers, count);
    }

    /**
     * Mbufs free in the pool, per-lcore caches included.
     *
     * @return the count.
     */
    public int availableCount()
    {
        requireOpen();
        return SluiceDpdk.sluice_pool_available(pool);
    }

    /**
     * Mbufs taken and not yet returned: {@code capacity() - availableCount()}.
     *
     * @return the count.
     */
    public int inUseCount()
    {
        requireOpen();
        return SluiceDpdk.sluice_pool_in_use(pool);
    }

    /**
     * The number of mbufs the pool was created with.
     *
     * @return the count.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Bytes of buffer per mbuf, headroom included.
     *
     * @return the data room size.
     */
    public int dataRoomSize()
    {
        return dataRoomSize;
    }

    /**
     * The pool's DPDK name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The {@code struct rte_mempool *} for the bindings.
     *
     * @return the pool pointer.
     */
    MemorySegment handle()
    {
        requireOpen();
        return pool;
    }

    /**
     * Frees the pool's memory ({@code rte_mempool_free}). Closing twice does nothing.
     */
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            SluiceDpdk.sluice_pool_free(pool);
        }
    }

    /**
     * Checks that a pointer array holds at least {@code count} 8-byte entries.
     *
     * @param mbufPointers the array.
     * @param count        the entries about to be read or written.
     */
    static void checkPointerArray(final MemorySegment mbufPointers, final int count)
    {
        if (count < 0 || (long)count * Long.BYTES > mbufPointers.byteSize())
        {
            throw pointerArrayTooSmall(mbufPointers, count);
        }
    }

    private static IllegalArgumentException pointerArrayTooSmall(final MemorySegment mbufPointers, final int count)
    {
        return new IllegalArgumentException(
            "count " + count + " does not fit a pointer array of " + mbufPointers.byteSize() + " bytes");
    }

    /**
     * Whether {@link #close()} ran.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    private void requireOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("mbuf pool '" + name + "' is closed");
        }
    }

    /**
     * Describes the pool.
     *
     * @return name, capacity and data room size.
     */
    @Override
    public String toString()
    {
        return "MbufPool{name=" + name + ", capacity=" + capacity + ", dataRoomSize=" + dataRoomSize + '}';
    }
}
