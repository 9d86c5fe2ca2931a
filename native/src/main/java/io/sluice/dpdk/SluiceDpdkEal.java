package io.sluice.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The bindings of {@code sluice_eal.c}: EAL start and cleanup, thread registration and pinning, lcore and socket
 * ids, error strings and the capture of DPDK's log. Part of {@link SluiceDpdk}, through which they are called.
 */
class SluiceDpdkEal extends SluiceDpdkLinker
{
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

    SluiceDpdkEal()
    {
    }
}
