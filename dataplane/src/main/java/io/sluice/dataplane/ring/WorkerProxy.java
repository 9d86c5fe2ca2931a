package io.sluice.dataplane.ring;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import io.sluice.dataplane.flow.FlowKey;

/**
 * The control side's handle on one worker: everything another thread asks of a worker goes
 * through here, into the worker's {@link WorkerCommandRing}, and the answers come back on its
 * {@link FlowReplyRing}. Frames and upserts are fire-and-forget from any thread. Lookups and dumps
 * are blocking request / reply for threads off the data path (gRPC, the sync agent's bulk
 * transfer): callers are serialised on a lock here (the worker never takes one), wait with an
 * idle strategy rather than a hot spin, and get {@code NO_ANSWER} when the worker does not answer
 * in time, for instance because it is not running.
 * <p>
 * Every request has a new id; a reply carrying another id (the late answer to a request that timed
 * out) is discarded and counted in {@link #staleReplies()}, so it never passes for the answer to a
 * later request. This proxy must be the only consumer of the reply ring.
 */
public final class WorkerProxy
{
    /** Most replies read per poll while waiting. */
    public static final int REPLY_DRAIN_LIMIT = 64;

    private final WorkerCommandRing commands;
    private final FlowReplyRing replies;
    private final NanoClock clock;
    private final IdleStrategy idle;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReplyCollector collector = new ReplyCollector();
    private long lastRequestId;

    /**
     * A proxy on the system clock that waits by backing off from a few spins to 50 µs parks.
     *
     * @param commands the worker's command ring.
     * @param replies  the worker's reply ring; this proxy is its only consumer.
     */
    public WorkerProxy(final WorkerCommandRing commands, final FlowReplyRing replies)
    {
        this(commands, replies, SystemNanoClock.INSTANCE, new BackoffIdleStrategy(10, 10, 1_000, 50_000));
    }

    /**
     * @param commands the worker's command ring.
     * @param replies  the worker's reply ring; this proxy is its only consumer.
     * @param clock    the clock timeouts are measured on.
     * @param idle     how to wait between polls of the reply ring; used under this proxy's lock only.
     */
    public WorkerProxy(
        final WorkerCommandRing commands, final FlowReplyRing replies, final NanoClock clock, final IdleStrategy idle)
    {
        this.commands = commands;
        this.replies = replies;
        this.clock = clock;
        this.idle = idle;
    }

    /**
     * Queues a frame for the worker to send. Any thread; never blocks.
     *
     * @param segment segment holding the frame, copied.
     * @param offset  offset of its first byte.
     * @param length  its length.
     * @return false when the command ring is full or the frame cannot be queued ({@link WorkerCommandRing#offerFrame}).
     */
    public boolean injectFrame(final MemorySegment segment, final long offset, final int length)
    {
        return commands.offerFrame(segment, offset, length);
    }

    /**
     * Queues a flow for the worker to insert unless it holds a live flow of that key. Any thread; never blocks.
     *
     * @param flow the flow, copied.
     * @return false when the command ring is full.
     */
    public boolean upsert(final FlowRecord flow)
    {
        return commands.offerUpsert(flow);
    }

    /**
     * Asks the worker for its flow of a key and waits for the answer.
     *
     * @param key       the tuple, copied.
     * @param timeoutNs how long to wait for the answer, queueing the request included.
     * @return the flow (a copy), that there is none, or {@code NO_ANSWER} after the timeout or when
     *         the calling thread is interrupted (its interrupt flag stays set).
     */
    public LookupResult lookup(final FlowKey key, final long timeoutNs)
    {
        checkTimeout(timeoutNs);
        lock.lock();
        try
        {
            final long deadlineNs = clock.nanoTime() + timeoutNs;
            final long requestId = begin(deadlineNs);
            idle.reset();
            while (!commands.offerLookup(requestId, key))
            {
                if (!pause(deadlineNs))
                {
                    return LookupResult.noAnswer();
                }
            }
            return awaitAnswer(deadlineNs) ? collector.lookupResult : LookupResult.noAnswer();
        }
        finally
        {
            collector.clear();
            lock.unlock();
        }
    }

    /**
     * Asks the worker for a slice of its flow table and waits for it.
     *
     * @param fromHandle first slot handle to look at, {@code >= 0}; 0 for the start of the table.
     * @param maxFlows   most flows to return, {@code >= 1}; at most {@link FlowReplyRing#maxDumpRecords()}
     *                   are asked for, so a page always fits the reply ring.
     * @param timeoutNs  how long to wait for the whole page, queueing the request included.
     * @return the page, or a page that is not {@link DumpPage#answered()} after the timeout or when
     *         the calling thread is interrupted (its interrupt flag stays set).
     */
    public DumpPage dump(final int fromHandle, final int maxFlows, final long timeoutNs)
    {
        if (fromHandle < 0 || maxFlows < 1)
        {
            throw new IllegalArgumentException("a dump needs a handle >= 0 and at least one flow: from " +
                fromHandle + ", max " + maxFlows);
        }
        checkTimeout(timeoutNs);
        lock.lock();
        try
        {
            final long deadlineNs = clock.nanoTime() + timeoutNs;
            final long requestId = begin(deadlineNs);
            collector.flows = new ArrayList<>();
            idle.reset();
            while (!commands.offerDump(requestId, fromHandle, Math.min(maxFlows, replies.maxDumpRecords())))
            {
                if (!pause(deadlineNs))
                {
                    return DumpPage.noAnswer(fromHandle);
                }
            }
            return awaitAnswer(deadlineNs) ?
                new DumpPage(true, collector.flows, collector.nextHandle) : DumpPage.noAnswer(fromHandle);
        }
        finally
        {
            collector.clear();
            lock.unlock();
        }
    }

    /** @return replies discarded because they answered an earlier request (one that timed out). */
    public long staleReplies()
    {
        return collector.stale;
    }

    /** @return the worker's command ring. */
    public WorkerCommandRing commands()
    {
        return commands;
    }

    /** @return the worker's reply ring. */
    public FlowReplyRing replies()
    {
        return replies;
    }

    private long begin(final long deadlineNs)
    {
        collector.clear();
        while ((replies.drain(collector, REPLY_DRAIN_LIMIT) > 0 || replies.size() > 0) && clock.nanoTime() - deadlineNs < 0)
        {
            Thread.onSpinWait();
        }
        final long requestId = ++lastRequestId;
        collector.expectedId = requestId;
        return requestId;
    }

    private boolean awaitAnswer(final long deadlineNs)
    {
        idle.reset();
        while (!collector.answered)
        {
            if (replies.drain(collector, REPLY_DRAIN_LIMIT) == 0 && !collector.answered && !pause(deadlineNs))
            {
                return false;
            }
        }
        return true;
    }

    private boolean pause(final long deadlineNs)
    {
        if (clock.nanoTime() - deadlineNs >= 0 || Thread.currentThread().isInterrupted())
        {
            return false;
        }
        idle.idle();
        return true;
    }

    private static void checkTimeout(final long timeoutNs)
    {
        if (timeoutNs < 0)
        {
            throw new IllegalArgumentException("negative timeout: " + timeoutNs + " ns");
        }
    }

    private static final class ReplyCollector implements FlowReplyRing.FlowReplyHandler
    {
        long expectedId;
        boolean answered;
        LookupResult lookupResult;
        List<FlowRecord> flows;
        int nextHandle;
        volatile long stale;

        void clear()
        {
            expectedId = 0;
            answered = false;
            lookupResult = null;
            flows = null;
            nextHandle = FlowReplyRing.END_OF_TABLE;
        }

        @Override
        public void onLookupReply(final long requestId, final boolean found, final FlowRecord record)
        {
            if (requestId != expectedId || answered || flows != null)
            {
                stale++;
                return;
            }
            lookupResult = found ? LookupResult.found(new FlowRecord().set(record)) : LookupResult.notFound();
            answered = true;
        }

        @Override
        public void onDumpRecord(final long requestId, final FlowRecord record)
        {
            if (requestId != expectedId || answered || flows == null)
            {
                stale++;
                return;
            }
            flows.add(new FlowRecord().set(record));
        }

        @Override
        public void onDumpEnd(final long requestId, final int nextHandle)
        {
            if (requestId != expectedId || answered || flows == null)
            {
                stale++;
                return;
            }
            this.nextHandle = nextHandle;
            answered = true;
        }
    }
}
