package io.sluice.dataplane.worker;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

import io.sluice.dataplane.neighbour.NeighbourAgent;

/**
 * The dataplane's control thread: the one writer of the neighbour table and of service snapshots.
 * Other threads (an API call, the daemon's start-up) submit work as commands; this agent runs them
 * in order on its own thread, between rounds of the {@link NeighbourAgent} it hosts.
 */
public final class ControlAgent implements Agent
{
    private static final int COMMAND_LIMIT = 16;

    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(1024);
    private final NeighbourAgent neighbours;
    private final NanoClock clock;
    private final Runnable housekeeping;
    private final long housekeepingIntervalNs;
    private long lastHousekeepingNs;

    /**
     * @param neighbours             the neighbour agent this thread runs.
     * @param clock                  the clock.
     * @param housekeeping           periodic work (port counters), run on this thread.
     * @param housekeepingIntervalNs how often.
     */
    public ControlAgent(
        final NeighbourAgent neighbours, final NanoClock clock, final Runnable housekeeping, final long housekeepingIntervalNs)
    {
        this.neighbours = neighbours;
        this.clock = clock;
        this.housekeeping = housekeeping;
        this.housekeepingIntervalNs = housekeepingIntervalNs;
        this.lastHousekeepingNs = clock.nanoTime();
    }

    /**
     * Runs work on the control thread. A future that was cancelled or completed before the
     * command's turn (the caller gave up waiting) does not run its work at all.
     *
     * @param work the work; its result completes the future, its exception fails it.
     * @param <T>  the result type.
     * @return the future result.
     */
    public <T> CompletableFuture<T> submit(final Supplier<T> work)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Runnable command = () ->
        {
            if (result.isDone())
            {
                return;
            }
            try
            {
                result.complete(work.get());
            }
            catch (final Throwable ex)
            {
                result.completeExceptionally(ex);
            }
        };
        if (!commands.offer(command))
        {
            result.completeExceptionally(new IllegalStateException("control queue full: too many concurrent changes"));
        }
        return result;
    }

    /** {@inheritDoc} */
    @Override
    public int doWork()
    {
        int work = 0;
        Runnable command;
        while (work < COMMAND_LIMIT && (command = commands.poll()) != null)
        {
            command.run();
            work++;
        }
        final long nowNs = clock.nanoTime();
        if (nowNs - lastHousekeepingNs >= housekeepingIntervalNs)
        {
            lastHousekeepingNs = nowNs;
            housekeeping.run();
            work++;
        }
        return work + neighbours.doWork();
    }

    /** {@inheritDoc} */
    @Override
    public void onClose()
    {
        neighbours.onClose();
    }

    /** {@inheritDoc} */
    @Override
    public String roleName()
    {
        return "sluice-control";
    }
}
