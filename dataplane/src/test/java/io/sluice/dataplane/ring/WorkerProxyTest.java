package io.sluice.dataplane.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;

import static io.sluice.dataplane.ring.RingFixtures.assertSameFlow;
import static io.sluice.dataplane.ring.RingFixtures.ipv4Flow;
import static io.sluice.dataplane.ring.RingFixtures.ipv6Flow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerProxyTest
{
    private static final long ANSWER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long SHORT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(30);

    private final WorkerCommandRing commands = new WorkerCommandRing(WorkerCommandRing.MIN_CAPACITY);
    private final FlowReplyRing replies = new FlowReplyRing(FlowReplyRing.MIN_CAPACITY);
    private final WorkerProxy proxy = new WorkerProxy(commands, replies);
    private final FakeWorker worker = new FakeWorker(commands, replies);
    private Thread workerThread;

    @AfterEach
    void stopWorker() throws InterruptedException
    {
        worker.running = false;
        if (workerThread != null)
        {
            workerThread.join();
        }
    }

    @Test
    void shouldReturnCopiedFlowWhenWorkerHoldsKey()
    {
        worker.put(ipv4Flow());
        worker.put(ipv6Flow());
        startWorker();

        final LookupResult v4 = proxy.lookup(ipv4Flow().key(), ANSWER_TIMEOUT_NS);
        final LookupResult v6 = proxy.lookup(ipv6Flow().key(), ANSWER_TIMEOUT_NS);

        assertEquals(LookupResult.Outcome.FOUND, v4.outcome());
        assertSameFlow(ipv4Flow(), v4.flow());
        assertEquals(LookupResult.Outcome.FOUND, v6.outcome());
        assertSameFlow(ipv6Flow(), v6.flow());
        assertNotSame(v4.flow(), v6.flow(), "each result owns its copy");
    }

    @Test
    void shouldReturnNotFoundWhenWorkerHoldsNoFlowOfKey()
    {
        worker.put(ipv4Flow());
        startWorker();

        final LookupResult result = proxy.lookup(ipv6Flow().key(), ANSWER_TIMEOUT_NS);

        assertEquals(LookupResult.Outcome.NOT_FOUND, result.outcome());
        assertNull(result.flow());
    }

    @Test
    void shouldReturnNoAnswerAfterTimeoutWhenWorkerIsNotRunning()
    {
        worker.put(ipv4Flow());
        final long startNs = System.nanoTime();

        final LookupResult result = proxy.lookup(ipv4Flow().key(), SHORT_TIMEOUT_NS);

        assertEquals(LookupResult.Outcome.NO_ANSWER, result.outcome());
        assertTrue(System.nanoTime() - startNs >= SHORT_TIMEOUT_NS, "waited the whole timeout");
        assertFalse(proxy.dump(0, 10, SHORT_TIMEOUT_NS).answered());
    }

    @Test
    void shouldDiscardLateLookupReplyWhenEarlierRequestTimedOut()
    {
        worker.put(ipv4Flow());
        assertEquals(LookupResult.Outcome.NO_ANSWER, proxy.lookup(ipv4Flow().key(), SHORT_TIMEOUT_NS).outcome());
        assertEquals(1, worker.answerPending(), "the worker answers the timed-out request late: FOUND");
        startWorker();

        final LookupResult next = proxy.lookup(ipv6Flow().key(), ANSWER_TIMEOUT_NS);

        assertEquals(LookupResult.Outcome.NOT_FOUND, next.outcome(), "the late FOUND is not taken for this answer");
        assertEquals(1, proxy.staleReplies());
        assertEquals(LookupResult.Outcome.FOUND, proxy.lookup(ipv4Flow().key(), ANSWER_TIMEOUT_NS).outcome());
    }

    @Test
    void shouldDiscardLateDumpPageWhenEarlierRequestTimedOut()
    {
        for (int i = 0; i < 6; i++)
        {
            worker.table.add(ipv4Flow().createdNs(i));
        }
        assertFalse(proxy.dump(0, 4, SHORT_TIMEOUT_NS).answered());
        final int oneDump = commands.size();
        workerThread = Thread.ofPlatform().name("late-worker").start(() ->
        {
            while (commands.size() < 2 * oneDump)
            {
                Thread.onSpinWait();
            }
            worker.run();
        });

        final DumpPage page = proxy.dump(2, 3, ANSWER_TIMEOUT_NS);

        assertTrue(page.answered());
        assertEquals(List.of(2L, 3L, 4L), createdOf(page.flows()),
            "the late page (4 records and an end, arriving while this request waits) is not mixed in");
        assertEquals(5, page.nextHandle());
        assertEquals(5, proxy.staleReplies());
    }

    @Test
    void shouldEnumerateTableInPagesWhenDumpingFromHandleToHandle()
    {
        for (int i = 0; i < 11; i++)
        {
            worker.table.add(i % 3 == 1 ? null : ipv6Flow().createdNs(i));
        }
        startWorker();

        final List<FlowRecord> all = new ArrayList<>();
        final List<Integer> nextHandles = new ArrayList<>();
        int from = 0;
        DumpPage page;
        do
        {
            page = proxy.dump(from, 3, ANSWER_TIMEOUT_NS);
            assertTrue(page.answered());
            all.addAll(page.flows());
            nextHandles.add(page.nextHandle());
            from = page.nextHandle();
        }
        while (!page.isLast());

        assertEquals(List.of(0L, 2L, 3L, 5L, 6L, 8L, 9L), createdOf(all));
        assertEquals(List.of(4, 9, FlowReplyRing.END_OF_TABLE), nextHandles);
        assertSameFlow(ipv6Flow().createdNs(9), all.get(6));
    }

    @Test
    void shouldAskNoMoreThanReplyRingHoldsWhenPageIsLarger()
    {
        startWorker();

        final DumpPage page = proxy.dump(0, 1_000_000, ANSWER_TIMEOUT_NS);

        assertTrue(page.isLast());
        assertEquals(List.of(replies.maxDumpRecords()), worker.maxFlowsAsked);
    }

    @Test
    void shouldAnswerEachCallerItsOwnFlowWhenManyThreadsLookUp() throws InterruptedException
    {
        final int keys = 64;
        for (int i = 0; i < keys; i++)
        {
            final FlowRecord flow = ipv4Flow().createdNs(i);
            flow.key().setIpv4(0x0A01_0000 + i, 0xC000_020A, 1000 + i, 80, 6);
            worker.put(flow);
        }
        startWorker();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final int caller = t;
            callers.add(Thread.ofPlatform().start(() ->
            {
                final FlowKey key = new FlowKey();
                for (int i = 0; i < 200; i++)
                {
                    final int k = (i * 7 + caller) % (keys + 1);
                    key.setIpv4(0x0A01_0000 + k, 0xC000_020A, 1000 + k, 80, 6);
                    final LookupResult result = proxy.lookup(key, ANSWER_TIMEOUT_NS);
                    final boolean right = k == keys ?
                        result.outcome() == LookupResult.Outcome.NOT_FOUND :
                        result.isFound() && result.flow().createdNs() == k && result.flow().key().sameAs(key);
                    if (!right)
                    {
                        failures.add("caller " + caller + " key " + k + ": " + result);
                    }
                }
            }));
        }
        for (final Thread caller : callers)
        {
            caller.join();
        }

        assertEquals(List.of(), List.copyOf(failures));
        assertEquals(0, proxy.staleReplies());
    }

    @Test
    void shouldQueueFramesAndUpsertsForWorkerWhenInjected()
    {
        final byte[] frame = {1, 2, 3, 4, 5, 6, 7, 8, 9};

        assertTrue(proxy.injectFrame(MemorySegment.ofArray(frame), 2, 5));
        assertTrue(proxy.upsert(ipv6Flow()));
        worker.answerPending();

        assertArrayEquals(new byte[]{3, 4, 5, 6, 7}, worker.frames.get(0));
        assertSameFlow(ipv6Flow(), worker.upserted.get(0));
    }

    @Test
    void shouldRefuseDumpWhenHandleNegativeOrNoFlowsAsked()
    {
        assertThrows(IllegalArgumentException.class, () -> proxy.dump(-1, 10, SHORT_TIMEOUT_NS));
        assertThrows(IllegalArgumentException.class, () -> proxy.dump(0, 0, SHORT_TIMEOUT_NS));
        assertThrows(IllegalArgumentException.class, () -> proxy.lookup(ipv4Flow().key(), -1));
    }

    private void startWorker()
    {
        workerThread = Thread.ofPlatform().name("fake-worker").start(worker::run);
    }

    private static List<Long> createdOf(final List<FlowRecord> flows)
    {
        return flows.stream().map(FlowRecord::createdNs).toList();
    }

    /**
     * A worker that answers from a map (lookups) and a list indexed by handle with null for a free
     * slot (dumps), as the flow tracker answers from its table.
     */
    private static final class FakeWorker implements WorkerCommandRing.WorkerCommandHandler
    {
        final Map<String, FlowRecord> flows = new HashMap<>();
        final List<FlowRecord> table = new ArrayList<>();
        final List<Integer> maxFlowsAsked = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();
        final List<FlowRecord> upserted = new ArrayList<>();
        private final WorkerCommandRing commands;
        private final FlowReplyRing replies;
        volatile boolean running = true;

        FakeWorker(final WorkerCommandRing commands, final FlowReplyRing replies)
        {
            this.commands = commands;
            this.replies = replies;
        }

        void put(final FlowRecord flow)
        {
            flows.put(flow.key().toString(), flow);
        }

        int answerPending()
        {
            return commands.drain(this, Integer.MAX_VALUE);
        }

        void run()
        {
            while (running)
            {
                if (answerPending() == 0)
                {
                    LockSupport.parkNanos(20_000);
                }
            }
        }

        @Override
        public void onFrame(final MemorySegment segment, final long offset, final int length)
        {
            frames.add(segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
        }

        @Override
        public void onUpsert(final FlowRecord record)
        {
            upserted.add(new FlowRecord().set(record));
        }

        @Override
        public void onDump(final long requestId, final int fromHandle, final int maxFlows)
        {
            maxFlowsAsked.add(maxFlows);
            int handle = fromHandle;
            int sent = 0;
            while (handle < table.size() && sent < maxFlows)
            {
                final FlowRecord flow = table.get(handle++);
                if (flow != null)
                {
                    assertTrue(replies.offerDumpRecord(requestId, flow));
                    sent++;
                }
            }
            assertTrue(replies.offerDumpEnd(requestId, handle < table.size() ? handle : FlowReplyRing.END_OF_TABLE));
        }

        @Override
        public void onLookup(final long requestId, final FlowKey key)
        {
            final FlowRecord flow = flows.get(key.toString());
            assertTrue(replies.offerLookupReply(requestId, flow != null, flow));
        }
    }
}
