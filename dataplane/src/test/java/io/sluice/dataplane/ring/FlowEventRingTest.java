package io.sluice.dataplane.ring;

import java.nio.ByteBuffer;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowEventRingTest
{
    private final List<Integer> types = new ArrayList<>();
    private final List<FlowRecord> records = new ArrayList<>();
    private final FlowEventRing.FlowEventHandler collector = (type, record) ->
    {
        types.add(type);
        records.add(new FlowRecord().set(record));
    };

    @Test
    void shouldDeliverEveryEventTypeWithExactFieldsWhenDrained()
    {
        final FlowEventRing ring = new FlowEventRing(4096);

        assertTrue(ring.offer(FlowEventRing.NEW, ipv4Flow()));
        assertTrue(ring.offer(FlowEventRing.REPIN, ipv6Flow()));
        assertTrue(ring.offer(FlowEventRing.CLOSE, ipv4Flow().flags(0)));

        assertEquals(3, ring.drain(collector, 10));
        assertEquals(List.of(FlowEventRing.NEW, FlowEventRing.REPIN, FlowEventRing.CLOSE), types);
        assertSameFlow(ipv4Flow(), records.get(0));
        assertSameFlow(ipv6Flow(), records.get(1));
        assertSameFlow(ipv4Flow().flags(0), records.get(2));
        assertEquals(0, ring.size());
        assertEquals(0, ring.malformed());
    }

    @Test
    void shouldRefuseOfferWithoutPartialEventWhenFullAndAcceptAgainAfterDrain()
    {
        final FlowEventRing ring = new FlowEventRing(FlowEventRing.MIN_CAPACITY);
        final FlowRecord record = ipv6Flow();
        int accepted = 0;
        while (ring.offer(FlowEventRing.NEW, record.createdNs(accepted)))
        {
            accepted++;
        }
        final int sizeWhenFull = ring.size();

        assertTrue(accepted >= ring.capacityInEvents(), accepted + " accepted");
        assertFalse(ring.offer(FlowEventRing.REPIN, record.createdNs(accepted)));
        assertEquals(sizeWhenFull, ring.size(), "a refused event leaves nothing behind");

        assertEquals(accepted, drainAll(ring));
        for (int i = 0; i < accepted; i++)
        {
            assertSameFlow(ipv6Flow().createdNs(i), records.get(i));
        }
        assertTrue(ring.offer(FlowEventRing.CLOSE, record.createdNs(99)));
        assertEquals(1, drainAll(ring));
        assertSameFlow(ipv6Flow().createdNs(99), records.get(accepted));
        assertEquals(FlowEventRing.CLOSE, types.get(accepted));
    }

    @Test
    void shouldHoldCapacityInEventsWhereverRingPositionsStand()
    {
        final FlowEventRing ring = new FlowEventRing(FlowEventRing.MIN_CAPACITY);
        final FlowRecord record = ipv4Flow();
        for (int shift = 0; shift < 20; shift++)
        {
            for (int i = 0; i < shift % 7; i++)
            {
                assertTrue(ring.offer(FlowEventRing.NEW, record));
            }
            drainAll(ring);
            for (int i = 0; i < ring.capacityInEvents(); i++)
            {
                assertTrue(ring.offer(FlowEventRing.NEW, record), "event " + i + " after shift " + shift);
            }
            assertEquals(ring.capacityInEvents(), drainAll(ring));
        }
    }

    private int drainAll(final FlowEventRing ring)
    {
        int total = 0;
        int drained;
        do
        {
            drained = ring.drain(collector, Integer.MAX_VALUE);
            total += drained;
        }
        while (drained > 0 || ring.size() > 0);
        return total;
    }

    @Test
    void shouldRefuseOfferWhenTypeIsUnknown()
    {
        final FlowEventRing ring = new FlowEventRing(4096);

        assertFalse(ring.offer(0, ipv4Flow()));
        assertFalse(ring.offer(FlowEventRing.CLOSE + 1, ipv4Flow()));

        assertEquals(0, ring.size());
    }

    @Test
    void shouldHandOutNoMoreThanLimitWhenDrained()
    {
        final FlowEventRing ring = new FlowEventRing(4096);
        for (int i = 0; i < 5; i++)
        {
            ring.offer(FlowEventRing.NEW, ipv4Flow().createdNs(i));
        }

        assertEquals(2, ring.drain(collector, 2));
        assertEquals(3, ring.drain(collector, 10));
        assertEquals(4L, records.get(4).createdNs());
    }

    @Test
    void shouldCountAndSkipMalformedMessagesWhenMemoryHoldsForeignOnes()
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect(4096 + RingBufferDescriptor.TRAILER_LENGTH);
        final FlowEventRing ring = new FlowEventRing(memory);
        final OneToOneRingBuffer foreign = new OneToOneRingBuffer(new UnsafeBuffer(memory));
        final UnsafeBuffer body = new UnsafeBuffer(new byte[FlowRecord.LENGTH + 8]);
        ipv4Flow().encode(body, 0);

        assertTrue(foreign.write(7, body, 0, FlowRecord.LENGTH));
        assertTrue(foreign.write(FlowEventRing.NEW, body, 0, FlowRecord.LENGTH - 8));
        assertTrue(foreign.write(FlowEventRing.NEW, body, 0, FlowRecord.LENGTH + 8));
        body.putByte(FlowRecord.VERSION_OFFSET, (byte)9);
        assertTrue(foreign.write(FlowEventRing.REPIN, body, 0, FlowRecord.LENGTH));
        assertTrue(ring.offer(FlowEventRing.CLOSE, ipv6Flow()));

        assertEquals(5, ring.drain(collector, 10));
        assertEquals(4, ring.malformed());
        assertEquals(List.of(FlowEventRing.CLOSE), types);
        assertSameFlow(ipv6Flow(), records.get(0));
    }

    @Test
    void shouldAllocateNothingWhenOfferingAndDrainingInSteadyState()
    {
        final FlowEventRing ring = new FlowEventRing(1 << 16);
        final FlowRecord record = ipv6Flow();
        final long[] sum = new long[1];
        final FlowEventRing.FlowEventHandler handler = (type, flow) -> sum[0] += type + flow.createdNs() + flow.key().srcPort();

        SteadyStateAllocation.assertZero("flow event offer + drain", () ->
        {
            for (int i = 0; i < 10_000; i++)
            {
                ring.offer(FlowEventRing.NEW + (i % 3), record.createdNs(i));
                if ((i & 7) == 7)
                {
                    ring.drain(handler, 16);
                }
            }
            ring.drain(handler, Integer.MAX_VALUE);
        });
        assertTrue(sum[0] != 0);
        assertEquals(0, ring.malformed());
    }

    @Test
    void shouldRefuseCapacityWhenNotPowerOfTwoOrTooSmall()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FlowEventRing(3000)).getMessage()
            .contains("flow event ring capacity 3000"));
        assertThrows(IllegalArgumentException.class, () -> new FlowEventRing(512));
        assertThrows(IllegalArgumentException.class,
            () -> new FlowEventRing(ByteBuffer.allocate(4096 + RingBufferDescriptor.TRAILER_LENGTH)));
    }
}
