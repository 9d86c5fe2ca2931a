package io.sluice.dataplane.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.support.SteadyStateAllocation;

import static io.sluice.dataplane.ring.RingFixtures.assertSameFlow;
import static io.sluice.dataplane.ring.RingFixtures.ipv4Flow;
import static io.sluice.dataplane.ring.RingFixtures.ipv6Flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowReplyRingTest
{
    private final Recorder recorder = new Recorder();

    @Test
    void shouldDeliverEveryReplyWithExactFieldsWhenDrained()
    {
        final FlowReplyRing ring = new FlowReplyRing(FlowReplyRing.MIN_CAPACITY);

        assertTrue(ring.offerLookupReply(11L, true, ipv6Flow()));
        assertTrue(ring.offerLookupReply(12L, false, null));
        assertTrue(ring.offerDumpRecord(13L, ipv4Flow()));
        assertTrue(ring.offerDumpRecord(13L, ipv6Flow()));
        assertTrue(ring.offerDumpEnd(13L, 4096));
        assertTrue(ring.offerDumpEnd(Long.MIN_VALUE, FlowReplyRing.END_OF_TABLE));

        assertEquals(6, ring.drain(recorder, 10));
        assertEquals(List.of("lookup 11 true", "lookup 12 false", "record 13", "record 13", "end 13 4096",
            "end " + Long.MIN_VALUE + " -1"), recorder.kinds);
        assertSameFlow(ipv6Flow(), recorder.records.get(0));
        assertSameFlow(new FlowRecord(), recorder.records.get(1));
        assertSameFlow(ipv4Flow(), recorder.records.get(2));
        assertSameFlow(ipv6Flow(), recorder.records.get(3));
        assertEquals(0, ring.malformed());
    }

    @Test
    void shouldRefuseOfferWithoutPartialReplyWhenFullAndAcceptAgainAfterDrain()
    {
        final FlowReplyRing ring = new FlowReplyRing(FlowReplyRing.MIN_CAPACITY);
        int accepted = 0;
        while (ring.offerDumpRecord(accepted, ipv4Flow().createdNs(accepted)))
        {
            accepted++;
        }
        final int sizeWhenFull = ring.size();

        assertTrue(accepted >= ring.maxDumpRecords());
        assertFalse(ring.offerLookupReply(1L, true, ipv4Flow()));
        assertEquals(sizeWhenFull, ring.size(), "a refused reply leaves nothing behind");

        assertEquals(accepted, drainAll(ring));
        for (int i = 0; i < accepted; i++)
        {
            assertSameFlow(ipv4Flow().createdNs(i), recorder.records.get(i));
        }
        assertTrue(ring.offerDumpEnd(1L, 5));
        assertEquals(1, drainAll(ring));
        assertEquals("end 1 5", recorder.kinds.get(accepted));
    }

    @Test
    void shouldFitAFullPageAndItsEndWhereverRingPositionsStand()
    {
        final FlowReplyRing ring = new FlowReplyRing(FlowReplyRing.MIN_CAPACITY);
        final FlowRecord record = ipv6Flow();
        final int page = ring.maxDumpRecords();
        for (int shift = 0; shift < 40; shift++)
        {
            for (int i = 0; i < shift; i++)
            {
                ring.offerDumpEnd(0L, 0);
            }
            drainAll(ring);
            for (int i = 0; i < page; i++)
            {
                assertTrue(ring.offerDumpRecord(shift, record), "record " + i + " of shift " + shift);
            }
            assertTrue(ring.offerDumpEnd(shift, FlowReplyRing.END_OF_TABLE), "end of shift " + shift);
            assertEquals(page + 1, drainAll(ring));
        }
    }

    @Test
    void shouldCountAndSkipMalformedRepliesWhenMemoryHoldsForeignOnes()
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect(FlowReplyRing.MIN_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
        final FlowReplyRing ring = new FlowReplyRing(memory);
        final OneToOneRingBuffer foreign = new OneToOneRingBuffer(new UnsafeBuffer(memory));
        final UnsafeBuffer body = new UnsafeBuffer(new byte[256]);

        assertTrue(foreign.write(9, body, 0, 16));
        body.putLong(FlowReplyRing.FOUND_OFFSET, 2L, ByteOrder.LITTLE_ENDIAN);
        assertTrue(foreign.write(FlowReplyRing.LOOKUP_REPLY, body, 0, FlowReplyRing.LOOKUP_NOT_FOUND_LENGTH));
        body.putLong(FlowReplyRing.FOUND_OFFSET, 0L, ByteOrder.LITTLE_ENDIAN);
        assertTrue(foreign.write(FlowReplyRing.LOOKUP_REPLY, body, 0, FlowReplyRing.LOOKUP_FOUND_LENGTH));
        body.putLong(FlowReplyRing.FOUND_OFFSET, 1L, ByteOrder.LITTLE_ENDIAN);
        assertTrue(foreign.write(FlowReplyRing.LOOKUP_REPLY, body, 0, FlowReplyRing.LOOKUP_FOUND_LENGTH));
        ipv4Flow().encode(body, FlowReplyRing.DUMP_RECORD_OFFSET);
        assertTrue(foreign.write(FlowReplyRing.DUMP_RECORD, body, 0, FlowReplyRing.DUMP_RECORD_LENGTH - 8));
        assertTrue(foreign.write(FlowReplyRing.DUMP_RECORD, body, 0, 4));
        assertTrue(foreign.write(FlowReplyRing.DUMP_END, body, 0, 8));
        body.putInt(FlowReplyRing.NEXT_HANDLE_OFFSET, -2, ByteOrder.LITTLE_ENDIAN);
        assertTrue(foreign.write(FlowReplyRing.DUMP_END, body, 0, FlowReplyRing.DUMP_END_LENGTH));
        assertTrue(ring.offerDumpEnd(3L, 8));

        assertEquals(9, ring.drain(recorder, 100));
        assertEquals(8, ring.malformed());
        assertEquals(List.of("end 3 8"), recorder.kinds);
    }

    @Test
    void shouldAllocateNothingWhenOfferingAndDrainingInSteadyState()
    {
        final FlowReplyRing ring = new FlowReplyRing(1 << 16);
        final FlowRecord record = ipv4Flow();
        final CountingHandler handler = new CountingHandler();

        SteadyStateAllocation.assertZero("flow reply offer + drain", () ->
        {
            for (int i = 0; i < 5_000; i++)
            {
                ring.offerLookupReply(i, (i & 1) == 0, record);
                ring.offerDumpRecord(i, record.createdNs(i));
                ring.offerDumpEnd(i, i);
                ring.drain(handler, 8);
            }
        });
        assertTrue(handler.count != 0);
        assertEquals(0, ring.malformed());
    }

    private int drainAll(final FlowReplyRing ring)
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

    private static final class CountingHandler implements FlowReplyRing.FlowReplyHandler
    {
        long count;

        @Override
        public void onLookupReply(final long requestId, final boolean found, final FlowRecord record)
        {
            count += found ? record.createdNs() : 1;
        }

        @Override
        public void onDumpRecord(final long requestId, final FlowRecord record)
        {
            count += record.createdNs();
        }

        @Override
        public void onDumpEnd(final long requestId, final int nextHandle)
        {
            count += nextHandle;
        }
    }

    private static final class Recorder implements FlowReplyRing.FlowReplyHandler
    {
        final List<String> kinds = new ArrayList<>();
        final List<FlowRecord> records = new ArrayList<>();

        @Override
        public void onLookupReply(final long requestId, final boolean found, final FlowRecord record)
        {
            kinds.add("lookup " + requestId + " " + found);
            records.add(new FlowRecord().set(record));
        }

        @Override
        public void onDumpRecord(final long requestId, final FlowRecord record)
        {
            kinds.add("record " + requestId);
            records.add(new FlowRecord().set(record));
        }

        @Override
        public void onDumpEnd(final long requestId, final int nextHandle)
        {
            kinds.add("end " + requestId + " " + nextHandle);
        }
    }
}
