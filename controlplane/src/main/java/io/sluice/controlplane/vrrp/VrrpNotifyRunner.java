package io.sluice.controlplane.vrrp;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a configured command on each transition, as keepalived's {@code notify} does: the
 * command's own arguments followed by {@code INSTANCE}, the virtual router's name, the new state
 * ({@code MASTER}, {@code BACKUP} or {@code STOP}) and its priority, so that a keepalived notify
 * script works unchanged. Hooks run on this runner's own threads; {@link #onStateChange} only
 * queues, so a hook that hangs or fails never delays an advert. A hook still running at its
 * timeout is killed with every process it started (SIGKILL to the tree as it was at the timeout);
 * standard input is empty, output discarded. Hooks of successive transitions may run concurrently,
 * as keepalived's do; a full queue drops the hook and counts it.
 */
public final class VrrpNotifyRunner implements VrrpStateListener, AutoCloseable
{
    /** The first argument after the command's own, as keepalived passes it. */
    public static final String INSTANCE = "INSTANCE";

    private static final System.Logger LOG = System.getLogger("sluice.vrrp");
    private static final File NO_INPUT = new File("/dev/null");
    private static final long REAP_TIMEOUT_MS = 1000;

    private final List<String> command;
    private final long timeoutNs;
    private final ThreadPoolExecutor executor;
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /**
     * @param command       the program and its own arguments, e.g. {@code [/etc/sluice/notify.sh]}.
     * @param timeoutNs     how long a hook may run before it is killed, more than 0.
     * @param threads       hooks that may run at once, 1..16.
     * @param queueCapacity hooks that may wait for a thread, 1..1024.
     */
    public VrrpNotifyRunner(final List<String> command, final long timeoutNs, final int threads, final int queueCapacity)
    {
        if (command.isEmpty() || command.getFirst().isBlank())
        {
            throw new IllegalArgumentException("a notify hook needs a command");
        }
        if (timeoutNs <= 0 || threads < 1 || threads > 16 || queueCapacity < 1 || queueCapacity > 1024)
        {
            throw new IllegalArgumentException("notify hook: timeout must be > 0, threads 1..16, queue 1..1024, not " +
                timeoutNs + " ns, " + threads + ", " + queueCapacity);
        }
        this.command = List.copyOf(command);
        this.timeoutNs = timeoutNs;
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueCapacity), Thread.ofPlatform().daemon().name("sluice-vrrp-notify-", 0).factory());
    }

    /**
     * Queues the hook of one transition; returns at once.
     *
     * @param router the virtual router.
     * @param from   the state it left.
     * @param to     the state it entered.
     */
    @Override
    public void onStateChange(final VrrpConfig router, final VrrpState from, final VrrpState to)
    {
        final List<String> arguments = new ArrayList<>(command);
        arguments.add(INSTANCE);
        arguments.add(router.name());
        arguments.add(to.notifyName());
        arguments.add(Integer.toString(router.priority()));
        try
        {
            executor.execute(() -> run(arguments));
        }
        catch (final RejectedExecutionException ex)
        {
            rejected.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "notify hook for {0} {1} dropped: {2} hooks already waiting",
                router.name(), to.notifyName(), executor.getQueue().size());
        }
    }

    /** @return hooks started. */
    public long started()
    {
        return started.get();
    }

    /** @return hooks that exited with status 0. */
    public long succeeded()
    {
        return succeeded.get();
    }

    /** @return hooks that could not start or exited with another status. */
    public long failed()
    {
        return failed.get();
    }

    /** @return hooks killed at their timeout. */
    public long timedOut()
    {
        return timedOut.get();
    }

    /** @return hooks dropped because the queue was full or the runner closed. */
    public long rejected()
    {
        return rejected.get();
    }

    /**
     * Stops taking hooks, kills those still running and waits briefly for the threads.
     */
    @Override
    public void close()
    {
        rejected.addAndGet(executor.shutdownNow().size());
        try
        {
            executor.awaitTermination(REAP_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run(final List<String> arguments)
    {
        started.incrementAndGet();
        final Process process;
        try
        {
            process = new ProcessBuilder(arguments)
                .redirectInput(NO_INPUT)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        }
        catch (final IOException | RuntimeException ex)
        {
            failed.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "notify hook {0} could not start: {1}", arguments, ex.getMessage());
            return;
        }
        try
        {
            if (!process.waitFor(timeoutNs, TimeUnit.NANOSECONDS))
            {
                killTree(process);
                timedOut.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "notify hook {0} killed after {1} ms", arguments, timeoutNs / 1_000_000);
            }
            else if (process.exitValue() != 0)
            {
                failed.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "notify hook {0} exited with {1}", arguments, process.exitValue());
            }
            else
            {
                succeeded.incrementAndGet();
            }
        }
        catch (final InterruptedException ex)
        {
            killTree(process);
            failed.incrementAndGet();
            Thread.currentThread().interrupt();
        }
    }

    private static void killTree(final Process process)
    {
        final List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        for (final ProcessHandle descendant : descendants)
        {
            descendant.destroyForcibly();
        }
        try
        {
            process.waitFor(REAP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
