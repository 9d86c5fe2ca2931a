package io.sluice.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The bindings of {@code sluice_mempool.c} and {@code sluice_mbuf.c}: mbuf pools, and the allocation, freeing and
 * resizing of mbufs. Part of {@link SluiceDpdk}, through which they are called.
 */
class SluiceDpdkMbufs extends SluiceDpdkEal
{
    private static final FunctionDescriptor SLUICE_POOL_CREATE_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_SHORT, JAVA_INT, ADDRESS);
    /** Handle of {@code sluice_pool_create}. */
    public static final MethodHandle SLUICE_POOL_CREATE = downcall("sluice_pool_create", SLUICE_POOL_CREATE_DESC);

    /**
     * Runs {@code rte_pktmbuf_pool_create} and stores the pool pointer in {@code out}.
     *
     * @param name NUL-terminated pool name.
     * @param count number of mbufs (or pointers).
     * @param cacheSize per-lcore cache size, 0 for none.
     * @param dataRoomSize data room per mbuf, headroom included (uint16).
     * @param socketId NUMA socket, -1 for any.
     * @param out native memory the result is written to.
     * @return 0 or a negative errno.
     */
    public static int sluice_pool_create(final MemorySegment name, final int count, final int cacheSize, final short dataRoomSize, final int socketId, final MemorySegment out)
    {
        try
        {
            return (int)SLUICE_POOL_CREATE.invokeExact(name, count, cacheSize, dataRoomSize, socketId, out);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_pool_create failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_POOL_FREE_DESC = FunctionDescriptor.ofVoid(ADDRESS);
    /** Handle of {@code sluice_pool_free}. */
    public static final MethodHandle SLUICE_POOL_FREE = downcall("sluice_pool_free", SLUICE_POOL_FREE_DESC);

    /**
     * Runs {@code rte_mempool_free(pool)}.
     *
     * @param pool the struct rte_mempool pointer.
     */
    public static void sluice_pool_free(final MemorySegment pool)
    {
        try
        {
            SLUICE_POOL_FREE.invokeExact(pool);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_pool_free failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_POOL_AVAILABLE_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    /** Handle of {@code sluice_pool_available}. */
    public static final MethodHandle SLUICE_POOL_AVAILABLE = downcall("sluice_pool_available", SLUICE_POOL_AVAILABLE_DESC);

    /**
     * Mbufs free in the pool, per-lcore caches included.
     *
     * @param pool the struct rte_mempool pointer.
     * @return the count.
     */
    public static int sluice_pool_available(final MemorySegment pool)
    {
        try
        {
            return (int)SLUICE_POOL_AVAILABLE.invokeExact(pool);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_pool_available failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_POOL_IN_USE_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    /** Handle of {@code sluice_pool_in_use}. */
    public static final MethodHandle SLUICE_POOL_IN_USE = downcall("sluice_pool_in_use", SLUICE_POOL_IN_USE_DESC);

    /**
     * Mbufs taken from the pool and not returned.
     *
     * @param pool the struct rte_mempool pointer.
     * @return the count.
     */
    public static int sluice_pool_in_use(final MemorySegment pool)
    {
        try
        {
            return (int)SLUICE_POOL_IN_USE.invokeExact(pool);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_pool_in_use failed in the FFM downcall", ex);
        }
    }


    private static final FunctionDescriptor SLUICE_MBUF_ALLOC_DESC = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
    /** Handle of {@code sluice_mbuf_alloc}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_MBUF_ALLOC = criticalDowncall("sluice_mbuf_alloc", SLUICE_MBUF_ALLOC_DESC);

    /**
     * Runs {@code rte_pktmbuf_alloc(pool)}; the mbuf pointer comes back as a 64-bit address.
     *
     * @param pool the struct rte_mempool pointer.
     * @return the mbuf address, or 0 when the pool is empty.
     */
    public static long sluice_mbuf_alloc(final MemorySegment pool)
    {
        try
        {
            return (long)SLUICE_MBUF_ALLOC.invokeExact(pool);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_mbuf_alloc failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_MBUF_ALLOC_BULK_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    /** Handle of {@code sluice_mbuf_alloc_bulk}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_MBUF_ALLOC_BULK = criticalDowncall("sluice_mbuf_alloc_bulk", SLUICE_MBUF_ALLOC_BULK_DESC);

    /**
     * Runs {@code rte_pktmbuf_alloc_bulk}: all {@code count} mbufs or none.
     *
     * @param pool the struct rte_mempool pointer.
     * @param mbufs native array of mbuf pointers.
     * @param count number of mbufs (or pointers).
     * @return 0, or a negative errno (-ENOENT when the pool has too few).
     */
    public static int sluice_mbuf_alloc_bulk(final MemorySegment pool, final MemorySegment mbufs, final int count)
    {
        try
        {
            return (int)SLUICE_MBUF_ALLOC_BULK.invokeExact(pool, mbufs, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_mbuf_alloc_bulk failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_MBUF_FREE_DESC = FunctionDescriptor.ofVoid(JAVA_LONG);
    /** Handle of {@code sluice_mbuf_free}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_MBUF_FREE = criticalDowncall("sluice_mbuf_free", SLUICE_MBUF_FREE_DESC);

    /**
     * Runs {@code rte_pktmbuf_free}; the mbuf pointer is passed as a 64-bit address, 0 is ignored.
     *
     * @param mbuf the mbuf address.
     */
    public static void sluice_mbuf_free(final long mbuf)
    {
        try
        {
            SLUICE_MBUF_FREE.invokeExact(mbuf);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_mbuf_free failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_MBUF_FREE_BULK_DESC = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT);
    /** Handle of {@code sluice_mbuf_free_bulk}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_MBUF_FREE_BULK = criticalDowncall("sluice_mbuf_free_bulk", SLUICE_MBUF_FREE_BULK_DESC);

    /**
     * Runs {@code rte_pktmbuf_free_bulk} over an array of mbuf pointers; null entries are ignored.
     *
     * @param mbufs native array of mbuf pointers.
     * @param count number of mbufs (or pointers).
     */
    public static void sluice_mbuf_free_bulk(final MemorySegment mbufs, final int count)
    {
        try
        {
            SLUICE_MBUF_FREE_BULK.invokeExact(mbufs, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_mbuf_free_bulk failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_MBUF_PREPEND_DESC = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_SHORT);
    /** Handle of {@code sluice_mbuf_prepend}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_MBUF_PREPEND = criticalDowncall("sluice_mbuf_prepend", SLUICE_MBUF_PREPEND_DESC);

    /**
     * Runs {@code rte_pktmbuf_prepend}.
     *
     * @param mbuf the mbuf address.
     * @param len length in bytes.
     * @return the new data address, or 0 when the headroom is too small.
     */
    public static long sluice_mbuf_prepend(final long mbuf, final short len)
    {
        try
        {
            return (long)SLUICE_MBUF_PREPEND.invokeExact(mbuf, len);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_mbuf_prepend failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_MBUF_ADJ_DESC = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_SHORT);
    /** Handle of {@code sluice_mbuf_adj}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_MBUF_ADJ = criticalDowncall("sluice_mbuf_adj", SLUICE_MBUF_ADJ_DESC);

    /**
     * Runs {@code rte_pktmbuf_adj}.
     *
     * @param mbuf the mbuf address.
     * @param len length in bytes.
     * @return the new data address, or 0 when {@code len} exceeds the data length.
     */
    public static long sluice_mbuf_adj(final long mbuf, final short len)
    {
        try
        {
            return (long)SLUICE_MBUF_ADJ.invokeExact(mbuf, len);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_mbuf_adj failed in the FFM downcall", ex);
        }
    }

    SluiceDpdkMbufs()
    {
    }
}
