package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * The DPDK Environment Abstraction Layer of this process: started once, shared by every port,
 * pool and worker.
 * <p>
 * {@code rte_eal_init} pins the calling thread to the main lcore, so {@link #start(List)} runs it on
 * a dedicated platform thread ({@value #MAIN_LCORE_THREAD_NAME}) that then waits, idle, until
 * {@link #close()} runs {@code rte_eal_cleanup} on it. EAL can be initialised only once per process:
 * a second {@code start}, also after a failed or closed one, throws {@link IllegalStateException}.
 * <p>
 * Any other thread that allocates, frees, receives or sends mbufs should call
 * {@link #registerCurrentThread()} first: an unregistered thread has no lcore id and therefore no
 * per-lcore mempool cache, which costs about half the throughput.
 */
public final class Eal implements AutoCloseable
{
    /** Name of the platform thread that runs {@code rte_eal_init} and becomes the main lcore. */
    public static final String MAIN_LCORE_THREAD_NAME = "sluice-eal-main";

    /** The {@code argv[0]} handed to DPDK in front of the caller's arguments. */
    public static final String PROGRAM_NAME = "sluice";

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile Eal running;

    private final List<String> arguments;
    private final Thread mainLcoreThread;
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final CompletableFuture<Integer> initResult = new CompletableFuture<>();
    private final CompletableFuture<Integer> cleanupResult = new CompletableFuture<>();
    private String initLog = "";
    private int mainLcoreId;
    private boolean closed;

    private Eal(final List<String> arguments)
    {
        this.arguments = arguments;
        this.mainLcoreThread = Thread.ofPlatform().name(MAIN_LCORE_THREAD_NAME).daemon(true).unstarted(this::runMainLcore);
    }

    /**
     * Starts EAL with the given arguments (without a program name), for example
     * {@code ["--in-memory", "--no-pci", "-l", "0"]}, and returns once it is up.
     * <p>
     * Before that it checks {@link MbufLayout} against the shim and refuses to run on a mismatch.
     *
     * @param args EAL command-line arguments.
     * @return the running EAL.
     * @throws IllegalStateException when EAL was already started in this process or the mbuf layout differs.
     * @throws DpdkException         when {@code rte_eal_init} fails; the message has DPDK's error and log.
     */
    public static Eal start(final List<String> args)
    {
        Objects.requireNonNull(args, "args");
        final List<String> arguments = List.copyOf(args);
        MbufLayout.verifyAgainstNative();
        if (!STARTED.compareAndSet(false, true))
        {
            throw new IllegalStateException(
                "DPDK EAL was already started in this process (rte_eal_init runs at most once per process, " +
                "even after a failure or rte_eal_cleanup); share the running Eal instead of starting another");
        }

        final Eal eal = new Eal(arguments);
        eal.mainLcoreThread.start();
        final int result = awaitUninterruptibly(eal.initResult);
        if (result < 0)
        {
            throw eal.initFailure(result);
        }
        running = eal;
        return eal;
    }

    /**
     * Whether EAL is up in this process: started and not closed.
     *
     * @return true when DPDK calls may be made.
     */
    public static boolean isRunning()
    {
        return null != running;
    }

    /**
     * Throws unless EAL is up, so callers get a clear error instead of a crash inside DPDK.
     *
     * @param what the operation that needs EAL, for the message.
     */
    static void requireRunning(final String what)
    {
        if (null == running)
        {
            throw new IllegalStateException(what + " needs a running DPDK EAL: call Eal.start(...) first");
        }
    }

    /**
     * Registers the calling platform thread with EAL ({@code rte_thread_register}) so it gets an
     * lcore id and the per-lcore mempool cache. Registering an already registered thread returns
     * its lcore id. Call {@link #unregisterCurrentThread()} before the thread ends.
     *
     * @return the thread's lcore id.
     * @throws IllegalStateException when called on a virtual thread (it may move between carriers).
     * @throws DpdkException         when EAL has no lcore left.
     */
    public int registerCurrentThread()
    {
        requireOpen();
        if (Thread.currentThread().isVirtual())
        {
            throw new IllegalStateException(
                "cannot register a virtual thread with DPDK: an lcore belongs to one OS thread; use a platform thread");
        }
        NativeErrors.clearLog();
        final int lcoreId = SluiceDpdk.sluice_thread_register();
        if (lcoreId < 0)
        {
            throw NativeErrors.failure(
                "cannot register thread '" + Thread.currentThread().getName() + "' with DPDK (rte_thread_register)",
                lcoreId);
        }
        return lcoreId;
    }

    /**
     * Pins the calling thread to one CPU, as a dedicated dataplane core wants. Call before
     * {@link #registerCurrentThread()} so that EAL records the affinity.
     *
     * @param cpu the CPU number.
     * @throws DpdkException naming the CPU when it cannot be pinned (for example out of range).
     */
    public void pinCurrentThread(final int cpu)
    {
        final int rc = SluiceDpdk.sluice_thread_pin(cpu);
        if (rc < 0)
        {
            throw NativeErrors.failure("cannot pin thread '" + Thread.currentThread().getName() + "' to CPU " + cpu, rc);
        }
    }

    /**
     * Releases the calling thread's lcore ({@code rte_thread_unregister}); harmless when the
     * thread was not registered.
     */
    public void unregisterCurrentThread()
    {
        requireOpen();
        SluiceDpdk.sluice_thread_unregister();
    }

    /**
     * The calling thread's lcore id.
     *
     * @return the lcore id, or -1 when the thread is neither an EAL thread nor registered.
     */
    public static int currentLcoreId()
    {
        return SluiceDpdk.sluice_lcore_id();
    }

    /**
     * The calling thread's NUMA socket as EAL sees it.
     *
     * @return the socket id, or -1 when unknown (an unregistered thread).
     */
    public static int currentSocketId()
    {
        return SluiceDpdk.sluice_socket_id();
    }

    /**
     * The lcore id of the main lcore thread.
     *
     * @return the lcore id EAL gave {@value #MAIN_LCORE_THREAD_NAME}.
     */
    public int mainLcoreId()
    {
        return mainLcoreId;
    }

    /**
     * The arguments EAL was started with, without the program name.
     *
     * @return an immutable list.
     */
    public List<String> arguments()
    {
        return arguments;
    }

    /**
     * Runs {@code rte_eal_cleanup} on the main lcore thread and waits for it. Close every port and
     * pool first. EAL cannot be started again in this process. Closing twice does nothing.
     *
     * @throws DpdkException when {@code rte_eal_cleanup} fails.
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        running = null;
        closeRequested.countDown();
        final int result = awaitUninterruptibly(cleanupResult);
        if (result < 0)
        {
            throw NativeErrors.failure("rte_eal_cleanup failed", result, "");
        }
    }

    private synchronized void requireOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("DPDK EAL was closed");
        }
    }

    private void runMainLcore()
    {
        final int result;
        try
        {
            result = initialise();
        }
        catch (final RuntimeException | Error ex)
        {
            initResult.completeExceptionally(ex);
            return;
        }
        initResult.complete(result);
        if (result < 0)
        {
            return;
        }

        boolean interrupted = false;
        while (closeRequested.getCount() > 0)
        {
            try
            {
                closeRequested.await();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        cleanupResult.complete(SluiceDpdk.sluice_eal_cleanup());
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private int initialise()
    {
        final List<String> argv = new ArrayList<>(arguments.size() + 1);
        argv.add(PROGRAM_NAME);
        argv.addAll(arguments);

        final Arena forever = Arena.global();
        final MemorySegment argvArray = forever.allocate(ADDRESS, argv.size() + 1L);
        for (int i = 0; i < argv.size(); i++)
        {
            argvArray.setAtIndex(ADDRESS, i, forever.allocateFrom(argv.get(i)));
        }
        argvArray.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);

        NativeErrors.clearLog();
        final int result = SluiceDpdk.sluice_eal_init(argv.size(), argvArray);
        if (result < 0)
        {
            initLog = NativeErrors.capturedLog();
        }
        else
        {
            mainLcoreId = SluiceDpdk.sluice_lcore_id();
        }
        return result;
    }

    private DpdkException initFailure(final int result)
    {
        return NativeErrors.failure("rte_eal_init failed with arguments " + arguments, result, initLog);
    }

    private static int awaitUninterruptibly(final CompletableFuture<Integer> future)
    {
        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    return future.get();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
                catch (final ExecutionException ex)
                {
                    throw new IllegalStateException("the DPDK main lcore thread failed", ex.getCause());
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
