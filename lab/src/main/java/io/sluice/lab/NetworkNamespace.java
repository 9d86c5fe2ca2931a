package io.sluice.lab;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Runs Java code inside a named network namespace ({@code /run/netns/NAME}, as {@code ip netns}
 * makes them) without starting a process: a fresh platform thread joins the namespace with
 * {@code setns(2)} (a thread's network namespace is its own, the rest of the JVM stays where it is)
 * and runs the task there.
 * <p>
 * What the task creates belongs to that namespace for good, whichever thread uses it later:
 * a {@link java.net.Socket} connected in the task talks from the namespace (the lab's client), a
 * DPDK {@code net_af_packet} or {@code net_af_xdp} port opened in the task binds to an interface of
 * the namespace (the lab's {@code sl-lb0}). Only blocking sockets and platform threads: virtual
 * threads move between carrier threads, and the JDK's HTTP client creates its sockets on threads
 * of its own.
 */
public final class NetworkNamespace
{
    private static final int CLONE_NEWNET = 0x4000_0000;
    private static final int O_RDONLY_CLOEXEC = 0x8_0000;
    private static final Path NAMESPACE_DIRECTORY = Path.of("/run/netns");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));
    private static final MethodHandle OPEN = function("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = function("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private NetworkNamespace()
    {
    }

    /**
     * Runs a task on a new thread inside a network namespace and waits for it.
     *
     * @param namespace the namespace's name, e.g. {@link LabTopology#CLIENT_NAMESPACE}.
     * @param task      what to run there.
     * @param <T>       what the task returns.
     * @return what the task returned.
     * @throws IllegalArgumentException when no namespace of that name exists.
     * @throws Exception                what the task threw, or an {@link IllegalStateException} when
     *                                  the thread cannot join the namespace.
     */
    public static <T> T call(final String namespace, final Callable<T> task) throws Exception
    {
        final Path file = NAMESPACE_DIRECTORY.resolve(namespace);
        if (namespace.isEmpty() || namespace.contains("/") || !Files.exists(file))
        {
            throw new IllegalArgumentException(
                "no network namespace '" + namespace + "' (" + file + "): is the lab up? (lab/lab.sh up)");
        }
        final FutureTask<T> future = new FutureTask<>(() ->
        {
            enter(file);
            return task.call();
        });
        Thread.ofPlatform().name("netns-" + namespace).start(future);
        try
        {
            return future.get();
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof Exception cause)
            {
                throw cause;
            }
            throw ex;
        }
    }

    private static void enter(final Path file)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment callState = arena.allocate(CALL_STATE);
            final int descriptor = (int)OPEN.invokeExact(callState, arena.allocateFrom(file.toString()), O_RDONLY_CLOEXEC);
            if (descriptor < 0)
            {
                throw new IllegalStateException("cannot open " + file + ": errno " + errno(callState));
            }
            final int joined = (int)SETNS.invokeExact(callState, descriptor, CLONE_NEWNET);
            final int setnsErrno = errno(callState);
            final int closed = (int)CLOSE.invokeExact(callState, descriptor);
            if (joined != 0)
            {
                throw new IllegalStateException("setns(" + file + ", CLONE_NEWNET) failed: errno " + setnsErrno +
                    " (root, or CAP_SYS_ADMIN, is needed)");
            }
            if (closed != 0)
            {
                throw new IllegalStateException("cannot close the descriptor of " + file + ": errno " + errno(callState));
            }
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("cannot join " + file + ": " + ex, ex);
        }
    }

    private static int errno(final MemorySegment callState)
    {
        return (int)ERRNO.get(callState, 0L);
    }

    @SuppressWarnings("restricted")
    private static MethodHandle function(final String name, final FunctionDescriptor descriptor)
    {
        final Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(
            () -> new IllegalStateException("the C library has no " + name + "()")), descriptor,
            Linker.Option.captureCallState("errno"));
    }
}
