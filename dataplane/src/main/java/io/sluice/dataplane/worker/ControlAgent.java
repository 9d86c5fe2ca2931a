package io.sluice.dataplane.worker;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

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

    /**
     * @param neighbours the neighbour agent this thread runs.
     */
    public ControlAgent(final NeighbourAgent neighbours)
    {
        this.neighbours = neighbours;
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
