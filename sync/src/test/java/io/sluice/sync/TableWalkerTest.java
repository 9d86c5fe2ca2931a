package io.sluice.sync;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.ring.WorkerProxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walk over two workers' tables, each answered by a thread that plays the worker's side of the
 * dump protocol (the command and reply rings) over a fixed list of slots, some empty.
 */
class TableWalkerTest
{
    private static final int SLOTS = 5000;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws InterruptedException
    {
        running.set(false);
        for (final Thread thread : threads)
        {
            thread.join();
        }
    }

    /** A worker whose table has a flow in every third slot, its source port the slot's handle; local when even. */
    private WorkerProxy worker(final int id)
    {
        final WorkerCommandRing commands = new WorkerCommandRing(WorkerCommandRing.MIN_CAPACITY);
        final FlowReplyRing replies = new FlowReplyRing(1 << 16);
        final Thread thread = Thread.ofPlatform().name("fake-worker-" + id).start(() ->
        {
            final FlowRecord record = new FlowRecord();
            while (running.get())
            {
                commands.drain(new WorkerCommandRing.WorkerCommandHandler()
                {
                    @Override
                    public void onFrame(final MemorySegment segment, final long offset, final int length)
                    {
                    }

                    @Override
                    public void onUpsert(final FlowRecord flow)
                    {
                    }

                    @Override
                    public void onDump(final long requestId, final int fromHandle, final int maxFlows)
                    {
                        int handle = fromHandle;
                        int sent = 0;
                        while (handle < SLOTS && sent < maxFlows)
                        {
                            if (handle % 3 == 0)
                            {
                                record.reset();
                                record.key().setIpv4(0x0A000000 | id, 0xC000020A, handle, 80, 6);
                                record.flags(handle % 2 == 0 ? FlowRecord.FLAG_LOCAL : 0);
                                if (!replies.offerDumpRecord(requestId, record))
                                {
                                    break;
                                }
                                sent++;
                            }
                            handle++;
                        }
                        replies.offerDumpEnd(requestId, handle >= SLOTS ? FlowReplyRing.END_OF_TABLE : handle);
                    }

                    @Override
                    public void onLookup(final long requestId, final FlowKey key)
                    {
                    }
                }, 16);
                Thread.onSpinWait();
            }
        });
        threads.add(thread);
        return new WorkerProxy(commands, replies);
    }

    @Test
    void shouldHandOnEveryFlowOfEveryWorkerOnceWhateverTheSinkRefuses()
    {
        final TableWalker walker = new TableWalker(List.of(worker(1), worker(2)), TimeUnit.SECONDS.toNanos(5), false);
        final List<String> seen = new ArrayList<>();
        final int[] budget = {0};
        final TableWalker.FlowSink sink = flow ->
        {
            if (budget[0]-- <= 0)
            {
                return false;
            }
            seen.add((flow.key().srcLo() & 0xFF) + ":" + flow.key().srcPort());
            return true;
        };
        walker.start();
        int steps = 0;
        while (walker.walking())
        {
            budget[0] = 7;
            walker.step(sink, 10);
            steps++;
        }
        final int perWorker = (SLOTS + 2) / 3;
        assertEquals(2 * perWorker, seen.size());
        assertEquals(2 * perWorker, seen.stream().distinct().count(), "none twice");
        assertEquals(2L * perWorker, walker.flowsHanded());
        assertTrue(seen.get(0).startsWith("1:") && seen.get(seen.size() - 1).startsWith("2:"), "worker 1, then worker 2");
        assertTrue(steps >= 2 * perWorker / 7, "paced by the sink: " + steps + " steps");
        assertEquals(2, walker.worker());
        assertFalse(walker.walking());
    }

    @Test
    void shouldHandOnOnlyTheFlowsThisLbForwardedWhenRefreshing()
    {
        final TableWalker walker = new TableWalker(List.of(worker(1)), TimeUnit.SECONDS.toNanos(5), true);
        final List<Integer> ports = new ArrayList<>();
        walker.start();
        while (walker.walking())
        {
            walker.step(flow -> ports.add(flow.key().srcPort()), 1000);
        }
        assertFalse(ports.isEmpty());
        assertTrue(ports.stream().allMatch(port -> port % 6 == 0), "only the local ones (multiples of 3 that are even)");
        assertEquals((SLOTS + 5) / 6, ports.size());
    }
}
