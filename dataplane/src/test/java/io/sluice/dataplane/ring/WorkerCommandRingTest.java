package io.sluice.dataplane.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.support.SteadyStateAllocation;

import static io.sluice.dataplane.ring.RingFixtures.assertSameFlow;
import static io.sluice.dataplane.ring.RingFixtures.ipv4Flow;
import static io.sluice.dataplane.ring.RingFixtures.ipv6Flow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class WorkerCommandRingTest
{
    private static final int CAPACITY = WorkerCommandRing.MIN_CAPACITY;

    private final Recorder recorder = new Recorder();

    @Test
    void shouldDeliverFrameBytesExactlyWhenDrained()
    {
        final WorkerCommandRing ring = new WorkerCommandRing(CAPACITY);
        final byte[] bytes = new byte[100];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(i * 7 + 1);
        }

        assertTrue(ring.offerFrame(MemorySegment.ofArray(bytes), 10, 60));
        assertTrue(ring.offerFrame(MemorySegment.ofArray(bytes), 0, 100));

        assertEquals(2, ring.drain(recorder, 10));
        assertEquals(List.of("frame", "frame"), recorder.kinds);
        final byte[] expected = new byte[60];
        System.arraycopy(bytes, 10, expected, 0, 60);
        assertArrayEquals(expected, recorder.frames.get(0));
        assertArrayEquals(bytes, recorder.frames.get(1));
    }

    @Test
    void shouldRefuseFrameWithoutQueueingWhenEmptyTooLongOrOutsideSegment()
    {
        final WorkerCommandRing ring = new WorkerCommandRing(CAPACITY);
        final MemorySegment source = MemorySegment.ofArray(new byte[ring.maxFrameLength() + 10]);

        assertFalse(ring.offerFrame(source, 0, 0));
        assertFalse(ring.offerFrame(source, 0, ring.maxFrameLength() + 1));
        assertFalse(ring.offerFrame(source, source.byteSize() - 5, 6));
        assertFalse(ring.offerFrame(source, -1, 6));

        assertEquals(0, ring.size());
        assertTrue(ring.offerFrame(source, 0, ring.maxFrameLength()));
    }

    @Test
    void shouldDeliverUpsertsWithExactFieldsWhenIpv4AndIpv6()
    {
        final WorkerCommandRing ring = new WorkerCommandRing(CAPACITY);

        assertTrue(ring.offerUpsert(ipv4Flow()));
        assertTrue(ring.offerUpsert(ipv6Flow()));

        assertEquals(2, ring.drain(recorder, 10));
        assertEquals(List.of("upsert", "upsert"), recorder.kinds);
        assertSameFlow(ipv4Flow(), recorder.upserts.get(0));
        assertSameFlow(ipv6Flow(), recorder.upserts.get(1));
    }

    @Test
    void shouldDeliverDumpRequestWithExactFieldsWhenDrained()
    {
        final WorkerCommandRing ring = new WorkerCommandRing(CAPACITY);

        assertTrue(ring.offerDump(Long.MAX_VALUE, 123_456, 64));
        assertTrue(ring.offerDump(1L, 0, 1));

        assertEquals(2, ring.drain(recorder, 10));
        assertEquals(List.of("dump " + Long.MAX_VALUE + " 123456 64", "dump 1 0 1"), recorder.kinds);
    }

    @Test
    void shouldRefuseDumpRequestWhenHandleNegativeOrNoFlowsAsked()
    {
        final WorkerCommandRing ring = new WorkerCommandRing(CAPACITY);

        assertFalse(ring.offerDump(1L, -1, 10));
        assertFalse(ring.offerDump(1L, 0, 0));

        assertEquals(0, ring.size());
    }

    @Test
    void shouldDeliverLookupKeysWithExactFieldsWhenIpv4AndIpv6()
    {
        final WorkerCommandRing ring = new WorkerCommandRing(CAPACITY);

        assertTrue(ring.offerLookup(42L, ipv4Flow().key()));
        assertTrue(ring.offerLookup(-3L, ipv6Flow().key()));

        assertEquals(2, ring.drain(recorder, 10));
        assertEquals(List.of("lookup 42", "lookup -3"), recorder.kinds);
        assertTrue(ipv4Flow().key().sameAs(recorder.keys.get(0)), recorder.keys.get(0).toString());
        assertTrue(ipv6Flow().key().sameAs(recorder.keys.get(1)), recorder.keys.get(1).toString());
        assertFalse(recorder.keys.get(0).isIpv6());
        assertEquals(0x0000_FFFF_C0A8_0001L, recorder.keys.get(0).srcLo());
        assertEquals(0x8000_0000_0000_000AL, recorder.keys.get(1).dstLo());
        assertEquals(65535, recorder.keys.get(1).srcPort());
    }

    @Test
    void shouldRefuseOfferWithoutPartialCommandWhenFullAndAcceptAgainAfterDrain()
    {
        final WorkerCommandRing ring = new WorkerCommandRing(CAPACITY);
        final FlowRecord record = ipv4Flow();
        int accepted = 0;
        while (ring.offerUpsert(record.createdNs(accepted)))
        {
            accepted++;
        }
        final int sizeWhenFull = ring.size();

        assertTrue(accepted >= CAPACITY / 128 - 1, accepted + " accepted; one upsert takes 8 bytes of header and 120 of record");
        assertFalse(ring.offerLookup(1L, record.key()));
        assertFalse(ring.offerDump(1L, 0, 1));
        assertEquals(sizeWhenFull, ring.size(), "refused commands leave nothing behind");

        assertEquals(accepted, drainAll(ring));
        for (int i = 0; i < accepted; i++)
        {
            assertSameFlow(ipv4Flow().createdNs(i), recorder.upserts.get(i));
        }
        assertTrue(ring.offerLookup(7L, record.key()));
        assertEquals(1, drainAll(ring));
        assertEquals("lookup 7", recorder.kinds.get(accepted));
        assertEquals(0, ring.malformed());
    }

    @Test
    void shouldCountAndSkipMalformedCommandsWhenMemoryHoldsForeignOnes()
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
        final WorkerCommandRing ring = new WorkerCommandRing(memory);
        final ManyToOneRingBuffer foreign = new ManyToOneRingBuffer(new UnsafeBuffer(memory));
        final UnsafeBuffer body = new UnsafeBuffer(new byte[256]);
        ipv4Flow().encode(body, 0);

        assertTrue(foreign.write(99, body, 0, 16));
        assertTrue(foreign.write(WorkerCommandRing.FRAME, body, 0, 0));
        assertTrue(foreign.write(WorkerCommandRing.FLOW_UPSERT, body, 0, FlowRecord.LENGTH - 8));
        assertTrue(foreign.write(WorkerCommandRing.FLOW_DUMP, body, 0, 8));
        body.putInt(WorkerCommandRing.FROM_HANDLE_OFFSET, -4, ByteOrder.LITTLE_ENDIAN);
        body.putInt(WorkerCommandRing.MAX_FLOWS_OFFSET, 10, ByteOrder.LITTLE_ENDIAN);
        assertTrue(foreign.write(WorkerCommandRing.FLOW_DUMP, body, 0, WorkerCommandRing.DUMP_LENGTH));
        body.putInt(WorkerCommandRing.FROM_HANDLE_OFFSET, 4, ByteOrder.LITTLE_ENDIAN);
        body.putInt(WorkerCommandRing.MAX_FLOWS_OFFSET, 0, ByteOrder.LITTLE_ENDIAN);
        assertTrue(foreign.write(WorkerCommandRing.FLOW_DUMP, body, 0, WorkerCommandRing.DUMP_LENGTH));
        assertTrue(foreign.write(WorkerCommandRing.FLOW_LOOKUP, body, 0, WorkerCommandRing.LOOKUP_LENGTH - 8));
        body.putByte(WorkerCommandRing.LOOKUP_KEY_OFFSET + FlowKeyCodec.FAMILY_OFFSET, (byte)9);
        assertTrue(foreign.write(WorkerCommandRing.FLOW_LOOKUP, body, 0, WorkerCommandRing.LOOKUP_LENGTH));
        assertTrue(ring.offerLookup(5L, ipv6Flow().key()));

        assertEquals(9, ring.drain(recorder, 100));
        assertEquals(8, ring.malformed());
        assertEquals(List.of("lookup 5"), recorder.kinds);
    }

    @Test
    void shouldAllocateNothingWhenOfferingAndDrainingInSteadyState()
    {
        final WorkerCommandRing ring = new WorkerCommandRing(CAPACITY);
        final FlowRecord record = ipv6Flow();
        final FlowKey key = ipv4Flow().key();
        final MemorySegment frame = MemorySegment.ofArray(new byte[64]);
        final CountingHandler handler = new CountingHandler();

        SteadyStateAllocation.assertZero("worker command offer + drain", () ->
        {
            for (int i = 0; i < 5_000; i++)
            {
                ring.offerUpsert(record.createdNs(i));
                ring.offerLookup(i, key);
                ring.offerDump(i, i, 16);
                ring.offerFrame(frame, 0, 64);
                ring.drain(handler, 8);
            }
        });
        assertTrue(handler.count > 0);
        assertEquals(0, ring.malformed());
    }

    @Test
    void shouldDeliverEveryCommandInProducerOrderWhenManyThreadsOffer() throws InterruptedException
    {
        final WorkerCommandRing ring = new WorkerCommandRing(CAPACITY);
        final int producers = 4;
        final int perProducer = 20_000;
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int producer = p;
            threads.add(Thread.ofPlatform().name("producer-" + p).start(() -> produce(ring, start, producer, perProducer)));
        }
        final long[] nextSequence = new long[producers];
        final long[] received = new long[1];
        final WorkerCommandRing.WorkerCommandHandler checker = new SequenceChecker(nextSequence, received);

        start.countDown();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received[0] < (long)producers * perProducer)
        {
            if (ring.drain(checker, 256) == 0)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    fail("received " + received[0] + " of " + producers * perProducer);
                }
                Thread.onSpinWait();
            }
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        for (int p = 0; p < producers; p++)
        {
            assertEquals(perProducer, nextSequence[p], "producer " + p);
        }
        assertEquals(0, ring.malformed());
        assertEquals(0, ring.size());
    }

    private int drainAll(final WorkerCommandRing ring)
    {
        int total = 0;
        int drained;
        do
        {
            drained = ring.drain(recorder, Integer.MAX_VALUE);
            total += drained;
        }
        while (drained > 0 || ring.size() > 0);
        return total;
    }

    private static void produce(final WorkerCommandRing ring, final CountDownLatch start, final int producer, final int count)
    {
        final FlowRecord record = ipv4Flow();
        final FlowKey key = ipv6Flow().key();
        try
        {
            start.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return;
        }
        for (int i = 0; i < count; i++)
        {
            final long tag = ((long)producer << 32) | i;
            while (!((i & 1) == 0 ? ring.offerUpsert(record.createdNs(tag)) : ring.offerLookup(tag, key)))
            {
                Thread.yield();
            }
        }
    }

    private static final class SequenceChecker implements WorkerCommandRing.WorkerCommandHandler
    {
        private final long[] nextSequence;
        private final long[] received;

        SequenceChecker(final long[] nextSequence, final long[] received)
        {
            this.nextSequence = nextSequence;
            this.received = received;
        }

        private void check(final long tag, final boolean upsert)
        {
            final int producer = (int)(tag >>> 32);
            final long sequence = tag & 0xFFFF_FFFFL;
            assertEquals(nextSequence[producer], sequence, "producer " + producer + " in order");
            assertEquals((sequence & 1) == 0, upsert, "command kind of " + sequence);
            nextSequence[producer]++;
            received[0]++;
        }

        @Override
        public void onFrame(final MemorySegment segment, final long offset, final int length)
        {
            fail("no frames offered");
        }

        @Override
        public void onUpsert(final FlowRecord record)
        {
            assertEquals(ipv4Flow().createdNs(record.createdNs()).toString(), record.toString());
            check(record.createdNs(), true);
        }

        @Override
        public void onDump(final long requestId, final int fromHandle, final int maxFlows)
        {
            fail("no dumps offered");
        }

        @Override
        public void onLookup(final long requestId, final FlowKey key)
        {
            assertTrue(ipv6Flow().key().sameAs(key));
            check(requestId, false);
        }
    }

    private static final class CountingHandler implements WorkerCommandRing.WorkerCommandHandler
    {
        long count;

        @Override
        public void onFrame(final MemorySegment segment, final long offset, final int length)
        {
            count += segment.get(ValueLayout.JAVA_BYTE, offset) + length;
        }

        @Override
        public void onUpsert(final FlowRecord record)
        {
            count += record.createdNs();
        }

        @Override
        public void onDump(final long requestId, final int fromHandle, final int maxFlows)
        {
            count += fromHandle + maxFlows;
        }

        @Override
        public void onLookup(final long requestId, final FlowKey key)
        {
            count += key.srcPort();
        }
    }

    private static final class Recorder implements WorkerCommandRing.WorkerCommandHandler
    {
        final List<String> kinds = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();
        final List<FlowRecord> upserts = new ArrayList<>();
        final List<FlowKey> keys = new ArrayList<>();

        @Override
        public void onFrame(final MemorySegment segment, final long offset, final int length)
        {
            kinds.add("frame");
            frames.add(segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
        }

        @Override
        public void onUpsert(final FlowRecord record)
        {
            kinds.add("upsert");
            upserts.add(new FlowRecord().set(record));
        }

        @Override
        public void onDump(final long requestId, final int fromHandle, final int maxFlows)
        {
            kinds.add("dump " + requestId + " " + fromHandle + " " + maxFlows);
        }

        @Override
        public void onLookup(final long requestId, final FlowKey key)
        {
            kinds.add("lookup " + requestId);
            keys.add(new FlowKey().set(key));
        }
    }
}
