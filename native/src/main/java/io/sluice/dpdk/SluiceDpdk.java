package io.sluice.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Raw FFM bindings to the Sluice DPDK shim ({@code native/src/main/c/sluice_dpdk.h}), in the shape
 * jextract generates: per C function a {@link FunctionDescriptor}, a {@code static final}
 * {@link MethodHandle} and a static invoker with the C name.
 * <p>
 * The C header is the reference for what each function does and returns. Unsigned 16-bit C
 * parameters are Java {@code short}s; {@code struct rte_mbuf *} parameters and results are bound
 * as 64-bit addresses ({@code long}) rather than {@code MemorySegment}s so the hot path never
 * creates a segment per mbuf. The burst, alloc and free handles are
 * {@link Linker.Option#critical(boolean) critical}: they skip the thread-state transition, accept
 * only native segments, and the C side never blocks.
 * <p>
 * The facade classes ({@link Eal}, {@link MbufPool}, {@link Port}, {@link Mbuf}) are the API the
 * rest of Sluice uses; these bindings are public for benchmarks and tests.
 */
public final class SluiceDpdk
{
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup SHIM = NativeLibraryLoader.load();
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private SluiceDpdk()
    {
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    @SuppressWarnings("restricted")
    private static MethodHandle criticalDowncall(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(symbol(name), descriptor, CRITICAL);
    }

    private static MemorySegment symbol(final String name)
    {
        return SHIM.find(name).orElseThrow(() -> new IllegalStateException(
            "symbol " + name + " is missing from the Sluice DPDK shim: the library is older than the Java bindings"));
    }

    // ---- EAL, threads and errors -------------------------------------------------------------------
    private static final FunctionDescriptor SLUICE_EAL_INIT_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);
    /** Handle of {@code sluice_eal_init}. */
    public static final MethodHandle SLUICE_EAL_INIT = downcall("sluice_eal_init", SLUICE_EAL_INIT_DESC);

    /**
     * Runs {@code rte_eal_init(argc, argv)} after installing the log capture; once per process, on the thread that becomes the main lcore.
     *
     * @param argc number of entries in argv.
     * @param argv char *argv[], the program name first.
     * @return the number of arguments parsed, or a negative errno.
     */
    public static int sluice_eal_init(final int argc, final MemorySegment argv)
    {
        try
        {
            return (int)SLUICE_EAL_INIT.invokeExact(argc, argv);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_eal_init failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_EAL_CLEANUP_DESC = FunctionDescriptor.of(JAVA_INT);
    /** Handle of {@code sluice_eal_cleanup}. */
    public static final MethodHandle SLUICE_EAL_CLEANUP = downcall("sluice_eal_cleanup", SLUICE_EAL_CLEANUP_DESC);

    /**
     * Runs {@code rte_eal_cleanup()}.
     *
     * @return 0 or a negative errno.
     */
    public static int sluice_eal_cleanup()
    {
        try
        {
            return (int)SLUICE_EAL_CLEANUP.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_eal_cleanup failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_THREAD_REGISTER_DESC = FunctionDescriptor.of(JAVA_INT);
    /** Handle of {@code sluice_thread_register}. */
    public static final MethodHandle SLUICE_THREAD_REGISTER = downcall("sluice_thread_register", SLUICE_THREAD_REGISTER_DESC);

    /**
     * Registers the calling thread with EAL ({@code rte_thread_register}) so it gets an lcore id and a mempool cache.
     *
     * @return the lcore id (also when already registered), or a negative errno.
     */
    public static int sluice_thread_register()
    {
        try
        {
            return (int)SLUICE_THREAD_REGISTER.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_thread_register failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_THREAD_PIN_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
    /** Handle of {@code sluice_thread_pin}. */
    public static final MethodHandle SLUICE_THREAD_PIN = downcall("sluice_thread_pin", SLUICE_THREAD_PIN_DESC);

    /**
     * Pins the calling thread to one CPU ({@code pthread_setaffinity_np}).
     *
     * @param cpu the CPU number.
     * @return 0, or a negative errno.
     */
    public static int sluice_thread_pin(final int cpu)
    {
        try
        {
            return (int)SLUICE_THREAD_PIN.invokeExact(cpu);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_thread_pin failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_THREAD_UNREGISTER_DESC = FunctionDescriptor.of(JAVA_INT);
    /** Handle of {@code sluice_thread_unregister}. */
    public static final MethodHandle SLUICE_THREAD_UNREGISTER = downcall("sluice_thread_unregister", SLUICE_THREAD_UNREGISTER_DESC);

    /**
     * Releases the calling thread's lcore ({@code rte_thread_unregister}).
     *
     * @return 0.
     */
    public static int sluice_thread_unregister()
    {
        try
        {
            return (int)SLUICE_THREAD_UNREGISTER.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_thread_unregister failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_LCORE_ID_DESC = FunctionDescriptor.of(JAVA_INT);
    /** Handle of {@code sluice_lcore_id}. */
    public static final MethodHandle SLUICE_LCORE_ID = downcall("sluice_lcore_id", SLUICE_LCORE_ID_DESC);

    /**
     * The calling thread's {@code rte_lcore_id()}.
     *
     * @return the lcore id, or -1 when the thread has none.
     */
    public static int sluice_lcore_id()
    {
        try
        {
            return (int)SLUICE_LCORE_ID.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_lcore_id failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_SOCKET_ID_DESC = FunctionDescriptor.of(JAVA_INT);
    /** Handle of {@code sluice_socket_id}. */
    public static final MethodHandle SLUICE_SOCKET_ID = downcall("sluice_socket_id", SLUICE_SOCKET_ID_DESC);

    /**
     * The calling thread's {@code rte_socket_id()}.
     *
     * @return the NUMA socket id, or -1 when unknown.
     */
    public static int sluice_socket_id()
    {
        try
        {
            return (int)SLUICE_SOCKET_ID.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_socket_id failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_STRERROR_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    /** Handle of {@code sluice_strerror}. */
    public static final MethodHandle SLUICE_STRERROR = downcall("sluice_strerror", SLUICE_STRERROR_DESC);

    /**
     * Copies {@code rte_strerror} of a negative errno into {@code buf}, NUL terminated.
     *
     * @param error a negative errno.
     * @param buf a native char buffer.
     * @param len length in bytes.
     * @return the length written.
     */
    public static int sluice_strerror(final int error, final MemorySegment buf, final int len)
    {
        try
        {
            return (int)SLUICE_STRERROR.invokeExact(error, buf, len);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_strerror failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_LOG_CAPTURE_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    /** Handle of {@code sluice_log_capture}. */
    public static final MethodHandle SLUICE_LOG_CAPTURE = downcall("sluice_log_capture", SLUICE_LOG_CAPTURE_DESC);

    /**
     * Copies the DPDK log text printed on the calling thread since the last {@code sluice_log_clear} into {@code buf}.
     *
     * @param buf a native char buffer.
     * @param len length in bytes.
     * @return the length written.
     */
    public static int sluice_log_capture(final MemorySegment buf, final int len)
    {
        try
        {
            return (int)SLUICE_LOG_CAPTURE.invokeExact(buf, len);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_log_capture failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_LOG_CLEAR_DESC = FunctionDescriptor.ofVoid();
    /** Handle of {@code sluice_log_clear}. */
    public static final MethodHandle SLUICE_LOG_CLEAR = downcall("sluice_log_clear", SLUICE_LOG_CLEAR_DESC);

    /**
     * Forgets the calling thread's captured DPDK log text.
     *
     */
    public static void sluice_log_clear()
    {
        try
        {
            SLUICE_LOG_CLEAR.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_log_clear failed in the FFM downcall", ex);
        }
    }

    // ---- Mbuf pools --------------------------------------------------------------------------------
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

    // ---- Mbufs -------------------------------------------------------------------------------------
    private static final FunctionDescriptor SLUICE_MBUF_OFFSETS_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    /** Handle of {@code sluice_mbuf_offsets}. */
    public static final MethodHandle SLUICE_MBUF_OFFSETS = downcall("sluice_mbuf_offsets", SLUICE_MBUF_OFFSETS_DESC);

    /**
     * Fills {@code out} with the rte_mbuf field offsets, in the order of {@link MbufLayout#FIELD_NAMES}.
     *
     * @param out native memory the result is written to.
     * @param count number of mbufs (or pointers).
     * @return the number of ints written.
     */
    public static int sluice_mbuf_offsets(final MemorySegment out, final int count)
    {
        try
        {
            return (int)SLUICE_MBUF_OFFSETS.invokeExact(out, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_mbuf_offsets failed in the FFM downcall", ex);
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

    // ---- Ports -------------------------------------------------------------------------------------
    private static final FunctionDescriptor SLUICE_PORT_ATTACH_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    /** Handle of {@code sluice_port_attach}. */
    public static final MethodHandle SLUICE_PORT_ATTACH = downcall("sluice_port_attach", SLUICE_PORT_ATTACH_DESC);

    /**
     * Probes a device by PCI address or vdev devargs ({@code rte_dev_probe}) and stores its first port id (uint16) in {@code port_id}.
     *
     * @param devargs NUL-terminated PCI address or vdev devargs.
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_attach(final MemorySegment devargs, final MemorySegment portId)
    {
        try
        {
            return (int)SLUICE_PORT_ATTACH.invokeExact(devargs, portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_attach failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_NAME_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT);
    /** Handle of {@code sluice_port_name}. */
    public static final MethodHandle SLUICE_PORT_NAME = downcall("sluice_port_name", SLUICE_PORT_NAME_DESC);

    /**
     * Copies the port's ethdev name into {@code buf}, NUL terminated.
     *
     * @param portId the ethdev port id (uint16).
     * @param buf a native char buffer.
     * @param len length in bytes.
     * @return the length, or a negative errno.
     */
    public static int sluice_port_name(final short portId, final MemorySegment buf, final int len)
    {
        try
        {
            return (int)SLUICE_PORT_NAME.invokeExact(portId, buf, len);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_name failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_CONFIGURE_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS, ADDRESS);
    /** Handle of {@code sluice_port_configure}. */
    public static final MethodHandle SLUICE_PORT_CONFIGURE = downcall("sluice_port_configure", SLUICE_PORT_CONFIGURE_DESC);

    /**
     * Configures queues (clamped to the device), RSS when more than one rx queue, and fills {@code applied} (7 int64) with what was applied.
     *
     * @param portId the ethdev port id (uint16).
     * @param rxQueues rx queues wanted (uint16).
     * @param txQueues tx queues wanted (uint16).
     * @param rxDesc rx descriptors per queue wanted (uint16).
     * @param txDesc tx descriptors per queue wanted (uint16).
     * @param pool the struct rte_mempool pointer.
     * @param applied native int64[7] receiving what was applied.
     * @return 0 or a negative errno.
     */
    public static int sluice_port_configure(final short portId, final short rxQueues, final short txQueues, final short rxDesc, final short txDesc, final MemorySegment pool, final MemorySegment applied)
    {
        try
        {
            return (int)SLUICE_PORT_CONFIGURE.invokeExact(portId, rxQueues, txQueues, rxDesc, txDesc, pool, applied);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_configure failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_START_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
    /** Handle of {@code sluice_port_start}. */
    public static final MethodHandle SLUICE_PORT_START = downcall("sluice_port_start", SLUICE_PORT_START_DESC);

    /**
     * Runs {@code rte_eth_dev_start}.
     *
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_start(final short portId)
    {
        try
        {
            return (int)SLUICE_PORT_START.invokeExact(portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_start failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_STOP_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
    /** Handle of {@code sluice_port_stop}. */
    public static final MethodHandle SLUICE_PORT_STOP = downcall("sluice_port_stop", SLUICE_PORT_STOP_DESC);

    /**
     * Runs {@code rte_eth_dev_stop}.
     *
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_stop(final short portId)
    {
        try
        {
            return (int)SLUICE_PORT_STOP.invokeExact(portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_stop failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_PROMISCUOUS_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_INT);
    /** Handle of {@code sluice_port_promiscuous}. */
    public static final MethodHandle SLUICE_PORT_PROMISCUOUS = downcall("sluice_port_promiscuous", SLUICE_PORT_PROMISCUOUS_DESC);

    /**
     * Turns promiscuous mode on (non-zero) or off.
     *
     * @param portId the ethdev port id (uint16).
     * @param enable non-zero to enable.
     * @return 0 or a negative errno (-ENOTSUP when the device cannot).
     */
    public static int sluice_port_promiscuous(final short portId, final int enable)
    {
        try
        {
            return (int)SLUICE_PORT_PROMISCUOUS.invokeExact(portId, enable);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_promiscuous failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_CLOSE_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
    /** Handle of {@code sluice_port_close}. */
    public static final MethodHandle SLUICE_PORT_CLOSE = downcall("sluice_port_close", SLUICE_PORT_CLOSE_DESC);

    /**
     * Stops and closes the port and detaches its device ({@code rte_dev_remove}) so it can be attached again.
     *
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_close(final short portId)
    {
        try
        {
            return (int)SLUICE_PORT_CLOSE.invokeExact(portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_close failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_MAC_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
    /** Handle of {@code sluice_port_mac}. */
    public static final MethodHandle SLUICE_PORT_MAC = downcall("sluice_port_mac", SLUICE_PORT_MAC_DESC);

    /**
     * Copies the port's 6-byte MAC address into {@code out}.
     *
     * @param portId the ethdev port id (uint16).
     * @param out native memory the result is written to.
     * @return 0 or a negative errno.
     */
    public static int sluice_port_mac(final short portId, final MemorySegment out)
    {
        try
        {
            return (int)SLUICE_PORT_MAC.invokeExact(portId, out);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_mac failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_LINK_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
    /** Handle of {@code sluice_port_link}. */
    public static final MethodHandle SLUICE_PORT_LINK = downcall("sluice_port_link", SLUICE_PORT_LINK_DESC);

    /**
     * Fills {@code out} (4 int64: speed Mbps or -1, up, full duplex, autoneg) without waiting.
     *
     * @param portId the ethdev port id (uint16).
     * @param out native memory the result is written to.
     * @return 0 or a negative errno.
     */
    public static int sluice_port_link(final short portId, final MemorySegment out)
    {
        try
        {
            return (int)SLUICE_PORT_LINK.invokeExact(portId, out);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_link failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_STATS_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
    /** Handle of {@code sluice_port_stats}. */
    public static final MethodHandle SLUICE_PORT_STATS = downcall("sluice_port_stats", SLUICE_PORT_STATS_DESC);

    /**
     * Fills {@code out} (8 uint64: ipackets, opackets, ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf).
     *
     * @param portId the ethdev port id (uint16).
     * @param out native memory the result is written to.
     * @return 0 or a negative errno.
     */
    public static int sluice_port_stats(final short portId, final MemorySegment out)
    {
        try
        {
            return (int)SLUICE_PORT_STATS.invokeExact(portId, out);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_stats failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_STATS_RESET_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
    /** Handle of {@code sluice_port_stats_reset}. */
    public static final MethodHandle SLUICE_PORT_STATS_RESET = downcall("sluice_port_stats_reset", SLUICE_PORT_STATS_RESET_DESC);

    /**
     * Zeroes the port counters.
     *
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_stats_reset(final short portId)
    {
        try
        {
            return (int)SLUICE_PORT_STATS_RESET.invokeExact(portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_stats_reset failed in the FFM downcall", ex);
        }
    }

    // ---- Bursts, the hot path ----------------------------------------------------------------------
    private static final FunctionDescriptor SLUICE_RX_BURST_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, ADDRESS, JAVA_SHORT);
    /** Handle of {@code sluice_rx_burst}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_RX_BURST = criticalDowncall("sluice_rx_burst", SLUICE_RX_BURST_DESC);

    /**
     * Runs {@code rte_eth_rx_burst}, filling {@code mbufs} with up to {@code count} mbuf pointers.
     *
     * @param portId the ethdev port id (uint16).
     * @param queueId the queue id (uint16).
     * @param mbufs native array of mbuf pointers.
     * @param count number of mbufs (or pointers).
     * @return the number received.
     */
    public static int sluice_rx_burst(final short portId, final short queueId, final MemorySegment mbufs, final short count)
    {
        try
        {
            return (int)SLUICE_RX_BURST.invokeExact(portId, queueId, mbufs, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_rx_burst failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_TX_BURST_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, ADDRESS, JAVA_SHORT);
    /** Handle of {@code sluice_tx_burst}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_TX_BURST = criticalDowncall("sluice_tx_burst", SLUICE_TX_BURST_DESC);

    /**
     * Runs {@code rte_eth_tx_burst}; the caller still owns the mbufs the device did not take.
     *
     * @param portId the ethdev port id (uint16).
     * @param queueId the queue id (uint16).
     * @param mbufs native array of mbuf pointers.
     * @param count number of mbufs (or pointers).
     * @return the number the device took.
     */
    public static int sluice_tx_burst(final short portId, final short queueId, final MemorySegment mbufs, final short count)
    {
        try
        {
            return (int)SLUICE_TX_BURST.invokeExact(portId, queueId, mbufs, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_tx_burst failed in the FFM downcall", ex);
        }
    }
}
