package io.sluice.dataplane.flow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.sluice.dataplane.flow.FlowTestKeys.TCP;
import static io.sluice.dataplane.flow.FlowTestKeys.UDP;
import static io.sluice.dataplane.flow.FlowTestKeys.bucketOf;
import static io.sluice.dataplane.flow.FlowTestKeys.ipv4;
import static io.sluice.dataplane.flow.FlowTestKeys.ipv6;
import static io.sluice.dataplane.flow.FlowTestKeys.keysInBucket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowTableTest
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long HOUR = 3_600 * SECOND;
    private static final long T0 = 123_456_789_012L;
    private static final int CAPACITY = 64;
    private static final int BUCKETS = CAPACITY / FlowTable.SLOTS_PER_BUCKET;

    private final FlowTable table = new FlowTable(CAPACITY, SECOND);

    @AfterEach
    void closeTable()
    {
        table.close();
    }

    @Test
    void shouldFindEntryInBucketOfLowHashBitsWhenInserted()
    {
        final FlowKey key = ipv4(0x0102_0304, 40_000);
        final long hash = key.hash();

        final int handle = table.insert(key, hash, 7, HOUR, T0);

        assertTrue(handle >= 0);
        assertEquals(bucketOf(hash, BUCKETS), handle / FlowTable.SLOTS_PER_BUCKET);
        assertEquals(handle, table.find(key, hash, T0 + SECOND));
        assertEquals(7, table.backendId(handle));
        assertEquals(T0, table.lastSeenNs(handle));
        assertEquals(HOUR, table.idleTimeoutNs(handle));
        assertEquals(0, table.flags(handle));
        assertEquals(1, table.size());
        assertEquals(1, table.inserts());
    }

    @Test
    void shouldMissWhenKeyUnknown()
    {
        final FlowKey known = ipv4(0x0102_0304, 40_000);
        final FlowKey unknown = ipv4(0x0102_0304, 40_001);

        assertEquals(FlowTable.MISS, table.find(known, known.hash(), T0));
        table.insert(known, known.hash(), 1, HOUR, T0);

        assertEquals(FlowTable.MISS, table.find(unknown, unknown.hash(), T0));
        assertEquals(0, table.expirations());
    }

    @Test
    void shouldNotConfuseIpv4AndIpv6WhenAddressWordsAndHashAreEqual()
    {
        final int src = 0x0A00_0001;
        final int dst = 0x0A00_0002;
        final FlowKey v4 = new FlowKey().setIpv4(src, dst, 1234, 80, TCP);
        final FlowKey v6 = new FlowKey().setIpv6(
            FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(src), FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(dst), 1234, 80, TCP);
        final long sharedHash = v4.hash();

        final int v4Handle = table.insert(v4, sharedHash, 4, HOUR, T0);
        assertEquals(FlowTable.MISS, table.find(v6, sharedHash, T0));

        final int v6Handle = table.insert(v6, sharedHash, 6, HOUR, T0);
        assertNotEquals(v4Handle, v6Handle);
        assertEquals(v4Handle, table.find(v4, sharedHash, T0));
        assertEquals(v6Handle, table.find(v6, sharedHash, T0));
        assertEquals(4, table.backendId(v4Handle));
        assertEquals(6, table.backendId(v6Handle));

        final FlowKey read = new FlowKey();
        table.readKey(v6Handle, read);
        assertTrue(read.isIpv6());
        assertTrue(read.sameAs(v6));
        table.readKey(v4Handle, read);
        assertFalse(read.isIpv6());
        assertTrue(read.sameAs(v4));
    }

    @Test
    void shouldNotConfuseProtocolsWhenFiveTupleOtherwiseEqual()
    {
        final FlowKey tcp = new FlowKey().setIpv4(0x0A00_0001, 0x0A00_0002, 5353, 53, TCP);
        final FlowKey udp = new FlowKey().setIpv4(0x0A00_0001, 0x0A00_0002, 5353, 53, UDP);
        final long sharedHash = tcp.hash();

        final int tcpHandle = table.insert(tcp, sharedHash, 1, HOUR, T0);
        assertEquals(FlowTable.MISS, table.find(udp, sharedHash, T0));
        assertEquals(FlowTable.MISS, table.find(udp, udp.hash(), T0));

        final int udpHandle = table.insert(udp, sharedHash, 2, HOUR, T0);
        assertNotEquals(tcpHandle, udpHandle);
        assertEquals(1, table.backendId(table.find(tcp, sharedHash, T0)));
        assertEquals(2, table.backendId(table.find(udp, sharedHash, T0)));
    }

    @Test
    void shouldUpdateInPlaceWhenKeyInsertedAgain()
    {
        final FlowKey key = ipv6(0x1234L, 50_000);
        final int handle = table.insert(key, key.hash(), 1, HOUR, T0);
        table.flags(handle, 0x5);

        final int again = table.insert(key, key.hash(), 2, SECOND, T0 + 10 * MS);

        assertEquals(handle, again);
        assertEquals(2, table.backendId(handle));
        assertEquals(SECOND, table.idleTimeoutNs(handle));
        assertEquals(T0 + 10 * MS, table.lastSeenNs(handle));
        assertEquals(0, table.flags(handle));
        assertEquals(1, table.size());
        assertEquals(1, table.inserts());
    }

    @Test
    void shouldReinsertExpiredKeyIntoItsSlotAndCountExpiration()
    {
        final FlowKey key = ipv4(0x0102_0304, 1);
        final int handle = table.insert(key, key.hash(), 1, SECOND, T0);

        assertEquals(handle, table.insert(key, key.hash(), 2, SECOND, T0 + 2 * SECOND));

        assertEquals(1, table.size());
        assertEquals(2, table.inserts());
        assertEquals(1, table.expirations());
        assertEquals(2, table.backendId(table.find(key, key.hash(), T0 + 2 * SECOND)));
    }

    @Test
    void shouldRemoveEntryWhenPresent()
    {
        final FlowKey key = ipv4(0x0102_0304, 40_000);
        final FlowKey other = ipv4(0x0102_0304, 40_001);
        table.insert(key, key.hash(), 1, HOUR, T0);
        table.insert(other, other.hash(), 2, HOUR, T0);

        assertTrue(table.remove(key, key.hash()));
        assertFalse(table.remove(key, key.hash()));

        assertEquals(FlowTable.MISS, table.find(key, key.hash(), T0));
        assertEquals(2, table.backendId(table.find(other, other.hash(), T0)));
        assertEquals(1, table.size());
    }

    @Test
    void shouldKeepCallerStateWhenSet()
    {
        final FlowKey key = ipv4(0x0102_0304, 40_000);
        final int handle = table.insert(key, key.hash(), 1, HOUR, T0);

        table.backendId(handle, 99);
        table.flags(handle, 0x8000_0001);

        assertEquals(99, table.backendId(table.find(key, key.hash(), T0)));
        assertEquals(0x8000_0001, table.flags(handle));
    }

    @Test
    void shouldEnumerateLiveEntriesWhenScanningAllHandles()
    {
        final FlowKey[] keys = { ipv4(0x0102_0304, 1), ipv6(0xABCDL, 2), ipv4(0x0506_0708, 3) };
        for (int i = 0; i < keys.length; i++)
        {
            table.insert(keys[i], keys[i].hash(), i, i == 2 ? SECOND : HOUR, T0);
        }

        final long nowNs = T0 + 2 * SECOND;
        final boolean[] seen = new boolean[keys.length];
        final FlowKey read = new FlowKey();
        int live = 0;
        for (int handle = 0; handle < table.capacity(); handle++)
        {
            if (table.isLive(handle, nowNs))
            {
                live++;
                table.readKey(handle, read);
                final int index = table.backendId(handle);
                assertTrue(read.sameAs(keys[index]));
                seen[index] = true;
            }
        }

        assertEquals(2, live);
        assertTrue(seen[0] && seen[1]);
        assertEquals(3, table.size());
    }

    @Test
    void shouldEvictStalestFlowWhenBucketFullAndIdleLongEnough()
    {
        final FlowKey[] keys = keysInBucket(5, BUCKETS, FlowTable.SLOTS_PER_BUCKET + 1);
        final int[] handles = new int[FlowTable.SLOTS_PER_BUCKET];
        for (int i = 0; i < FlowTable.SLOTS_PER_BUCKET; i++)
        {
            handles[i] = table.insert(keys[i], keys[i].hash(), i, HOUR, T0 + i * MS);
        }
        final long nowNs = T0 + 5 * SECOND;
        for (int i = 0; i < FlowTable.SLOTS_PER_BUCKET; i++)
        {
            if (i != 3 && i != 6)
            {
                table.touch(handles[i], nowNs - 100 * MS);
            }
        }
        table.touch(handles[6], T0 + SECOND);

        final FlowKey newcomer = keys[FlowTable.SLOTS_PER_BUCKET];
        final int handle = table.insert(newcomer, newcomer.hash(), 42, HOUR, nowNs);

        assertEquals(handles[3], handle);
        assertEquals(1, table.evictions());
        assertEquals(0, table.expirations());
        assertEquals(FlowTable.SLOTS_PER_BUCKET + 1, table.inserts());
        assertEquals(FlowTable.SLOTS_PER_BUCKET, table.size());
        assertEquals(FlowTable.MISS, table.find(keys[3], keys[3].hash(), nowNs));
        assertEquals(42, table.backendId(table.find(newcomer, newcomer.hash(), nowNs)));
        for (int i = 0; i < FlowTable.SLOTS_PER_BUCKET; i++)
        {
            if (i != 3)
            {
                assertEquals(handles[i], table.find(keys[i], keys[i].hash(), nowNs));
            }
        }
    }

    @Test
    void shouldFailInsertWhenBucketFullOfFreshFlows()
    {
        final FlowKey[] keys = keysInBucket(2, BUCKETS, FlowTable.SLOTS_PER_BUCKET + 1);
        for (int i = 0; i < FlowTable.SLOTS_PER_BUCKET; i++)
        {
            table.insert(keys[i], keys[i].hash(), i, HOUR, T0);
        }
        final FlowKey newcomer = keys[FlowTable.SLOTS_PER_BUCKET];

        assertEquals(FlowTable.MISS, table.insert(newcomer, newcomer.hash(), 42, HOUR, T0 + SECOND - 1));

        assertEquals(1, table.insertFailures());
        assertEquals(0, table.evictions());
        assertEquals(FlowTable.SLOTS_PER_BUCKET, table.size());
        assertEquals(FlowTable.MISS, table.find(newcomer, newcomer.hash(), T0 + SECOND - 1));
        for (int i = 0; i < FlowTable.SLOTS_PER_BUCKET; i++)
        {
            assertEquals(i, table.backendId(table.find(keys[i], keys[i].hash(), T0 + SECOND - 1)));
        }

        assertTrue(table.insert(newcomer, newcomer.hash(), 42, HOUR, T0 + SECOND) >= 0);
        assertEquals(1, table.evictions());
    }

    @Test
    void shouldReuseExpiredSlotBeforeEvictingStalerFlow()
    {
        final FlowKey[] keys = keysInBucket(0, BUCKETS, FlowTable.SLOTS_PER_BUCKET + 2);
        final int[] handles = new int[FlowTable.SLOTS_PER_BUCKET];
        for (int i = 0; i < FlowTable.SLOTS_PER_BUCKET; i++)
        {
            final long timeoutNs = i == 4 ? 10 * SECOND : i == 6 ? 20 * SECOND : HOUR;
            handles[i] = table.insert(keys[i], keys[i].hash(), i, timeoutNs, T0);
        }
        table.touch(handles[4], T0 + 5 * SECOND);
        table.touch(handles[6], T0 + 5 * SECOND);

        final long wellExpiredNs = T0 + 20 * SECOND;
        final int first = table.insert(keys[8], keys[8].hash(), 8, HOUR, wellExpiredNs);
        final long justExpiredNs = T0 + 25 * SECOND + 1;
        final int second = table.insert(keys[9], keys[9].hash(), 9, HOUR, justExpiredNs);

        assertEquals(handles[4], first);
        assertEquals(handles[6], second);
        assertEquals(0, table.evictions());
        assertEquals(2, table.expirations());
        assertEquals(FlowTable.SLOTS_PER_BUCKET, table.size());
        assertEquals(handles[0], table.find(keys[0], keys[0].hash(), justExpiredNs));
    }

    @Test
    void shouldMissAndFreeSlotWhenIdleExceedsTimeout()
    {
        final FlowKey key = ipv4(0x0102_0304, 40_000);
        final int handle = table.insert(key, key.hash(), 1, 100 * MS, T0);

        assertEquals(handle, table.find(key, key.hash(), T0 + 100 * MS));
        assertEquals(FlowTable.MISS, table.find(key, key.hash(), T0 + 100 * MS + 1));

        assertEquals(0, table.size());
        assertEquals(1, table.expirations());
        assertFalse(table.isLive(handle, T0));
        assertFalse(table.remove(key, key.hash()));
    }

    @Test
    void shouldStayAliveWhenTouched()
    {
        final FlowKey key = ipv4(0x0102_0304, 40_000);
        final int handle = table.insert(key, key.hash(), 1, 100 * MS, T0);

        table.touch(handle, T0 + 90 * MS);

        assertEquals(T0 + 90 * MS, table.lastSeenNs(handle));
        assertEquals(handle, table.find(key, key.hash(), T0 + 190 * MS));
        assertEquals(FlowTable.MISS, table.find(key, key.hash(), T0 + 190 * MS + 1));
    }

    @Test
    void shouldExpireSoonerWhenTimeoutShortened()
    {
        final FlowKey key = ipv4(0x0102_0304, 40_000);
        final int handle = table.insert(key, key.hash(), 1, HOUR, T0);
        table.touch(handle, T0 + SECOND);

        table.idleTimeoutNs(handle, 10 * MS);

        assertEquals(10 * MS, table.idleTimeoutNs(handle));
        assertEquals(1, table.expire(T0 + SECOND + 20 * MS, BUCKETS));
        assertEquals(FlowTable.MISS, table.find(key, key.hash(), T0 + SECOND + 20 * MS));
    }

    @Test
    void shouldFreeExpiredSlotsWhenSweepCoversTable()
    {
        final int flows = 40;
        int expiring = 0;
        final FlowKey[] keys = new FlowKey[flows];
        try (FlowTable roomy = new FlowTable(256, SECOND))
        {
            for (int i = 0; i < flows; i++)
            {
                keys[i] = ipv4(0x0A0A_0000 + i, 1000 + i);
                final long timeoutNs = i % 3 == 0 ? 100 * MS : HOUR;
                expiring += i % 3 == 0 ? 1 : 0;
                assertTrue(roomy.insert(keys[i], keys[i].hash(), i, timeoutNs, T0) >= 0);
            }

            final long nowNs = T0 + 103 * MS;
            final int sliceBuckets = 11;
            int freed = 0;
            for (int call = 0; call * sliceBuckets < roomy.bucketCount(); call++)
            {
                freed += roomy.expire(nowNs, sliceBuckets);
            }

            assertEquals(expiring, freed);
            assertEquals(expiring, roomy.expirations());
            assertEquals(flows - expiring, roomy.size());
            for (int i = 0; i < flows; i++)
            {
                assertEquals(i % 3 != 0, roomy.find(keys[i], keys[i].hash(), nowNs) != FlowTable.MISS);
            }
            assertEquals(expiring, roomy.expirations());
        }
    }

    @Test
    void shouldNotSweepFlowsThatHaveNotExpired()
    {
        final FlowKey key = ipv4(0x0102_0304, 40_000);
        final int handle = table.insert(key, key.hash(), 1, 100 * MS, T0);

        assertEquals(0, table.expire(T0 + 100 * MS, Integer.MAX_VALUE));
        assertEquals(0, table.expire(T0 + 100 * MS + 1, Integer.MAX_VALUE));

        assertEquals(1, table.size());
        assertEquals(handle, table.find(key, key.hash(), T0 + 100 * MS));
    }

    @Test
    void shouldWrapSweepCursorOverWholeTable()
    {
        final FlowKey inBucket1 = keysInBucket(1, BUCKETS, 1)[0];
        final FlowKey inBucket7 = keysInBucket(7, BUCKETS, 1)[0];
        table.insert(inBucket1, inBucket1.hash(), 1, 100 * MS, T0);
        table.insert(inBucket7, inBucket7.hash(), 7, 100 * MS, T0);
        assertEquals(0, table.expire(T0, 3));

        final long nowNs = T0 + SECOND;
        assertEquals(0, table.expire(nowNs, 3));
        assertEquals(1, table.expire(nowNs, 3));
        assertEquals(1, table.size());
        assertEquals(1, table.expire(nowNs, 3));
        assertEquals(0, table.size());
        assertEquals(0, table.expire(nowNs, 3));
        assertEquals(2, table.expirations());
    }

    @Test
    void shouldDecideExpiryByDifferencesWhenClockWraps()
    {
        final long nearWrapNs = Long.MAX_VALUE - 50 * MS;
        final FlowKey key = ipv4(0x0102_0304, 40_000);
        final int handle = table.insert(key, key.hash(), 1, 100 * MS, nearWrapNs);

        assertEquals(0, table.expire(nearWrapNs + 60 * MS, BUCKETS));
        assertEquals(handle, table.find(key, key.hash(), nearWrapNs + 100 * MS));
        assertEquals(1, table.expire(nearWrapNs + 103 * MS, BUCKETS));
        assertEquals(FlowTable.MISS, table.find(key, key.hash(), nearWrapNs + 103 * MS));
    }

    @Test
    void shouldRejectCapacityWhenNotPowerOfTwoInRange()
    {
        final int[] invalid = { 1000, 0, -8, 4, FlowTable.MAX_CAPACITY * 2, Integer.MIN_VALUE };
        for (final int capacity : invalid)
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> new FlowTable(capacity, SECOND));
            assertEquals(
                "flow table capacity must be a power of two from 8 to 268435456, got " + capacity, ex.getMessage());
        }
    }

    @Test
    void shouldRejectNegativeMinEvictionIdle()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new FlowTable(64, -1));
        assertEquals("minEvictionIdleNs must be >= 0, got -1", ex.getMessage());
    }

    @Test
    void shouldRejectIdleTimeoutOutOfRange()
    {
        final FlowKey key = ipv4(0x0102_0304, 40_000);
        final String expected = "idle timeout must be from 1 to " + FlowTable.MAX_IDLE_TIMEOUT_NS + " ns, got ";

        assertEquals(expected + "0", assertThrows(
            IllegalArgumentException.class, () -> table.insert(key, key.hash(), 1, 0, T0)).getMessage());
        final long tooLong = FlowTable.MAX_IDLE_TIMEOUT_NS + 1;
        assertEquals(expected + tooLong, assertThrows(
            IllegalArgumentException.class, () -> table.insert(key, key.hash(), 1, tooLong, T0)).getMessage());
        assertEquals(0, table.size());

        final int handle = table.insert(key, key.hash(), 1, FlowTable.MAX_IDLE_TIMEOUT_NS, T0);
        assertThrows(IllegalArgumentException.class, () -> table.idleTimeoutNs(handle, -5));
        assertEquals(FlowTable.MAX_IDLE_TIMEOUT_NS, table.idleTimeoutNs(handle));
    }

    @Test
    void shouldRejectHandleOutsideTable()
    {
        assertThrows(IndexOutOfBoundsException.class, () -> table.backendId(FlowTable.MISS));
        assertThrows(IndexOutOfBoundsException.class, () -> table.touch(CAPACITY, T0));
        assertThrows(IllegalArgumentException.class, () -> table.expire(T0, -1));
    }

    @Test
    void shouldHoldMillionFlowsInSeventyTwoMebibytes()
    {
        final int capacity = 1 << 20;
        try (FlowTable large = new FlowTable(capacity, SECOND))
        {
            assertEquals(72L << 20, large.byteSize());
            assertEquals(large.byteSize(), FlowTable.byteSizeFor(capacity));
            assertEquals(capacity / 8, large.bucketCount());
            assertEquals(capacity, large.capacity());

            final FlowKey key = ipv6(0xFEEDL, 65_535);
            final int handle = large.insert(key, key.hash(), 3, HOUR, T0);
            assertEquals(bucketOf(key.hash(), large.bucketCount()), handle / FlowTable.SLOTS_PER_BUCKET);
            assertEquals(handle, large.find(key, key.hash(), T0));
        }
    }

    @Test
    void shouldCountFlowsPerBackendThroughInsertRepinRemoveAndExpiry()
    {
        final FlowKey a = ipv4(0x0A00_0010, 1000);
        final FlowKey b = ipv4(0x0A00_0011, 1001);
        final FlowKey c = ipv4(0x0A00_0012, 1002);
        table.insert(a, a.hash(), 5, SECOND, T0);
        table.insert(b, b.hash(), 5, SECOND, T0);
        final int handleC = table.insert(c, c.hash(), 6, HOUR, T0);
        assertEquals(2, table.flowsOf(5));
        assertEquals(1, table.flowsOf(6));

        table.insert(a, a.hash(), 6, SECOND, T0);
        table.backendId(handleC, 7);
        assertEquals(1, table.flowsOf(5));
        assertEquals(1, table.flowsOf(6));
        assertEquals(1, table.flowsOf(7));

        table.remove(b, b.hash());
        assertEquals(0, table.flowsOf(5));
        table.expire(T0 + 2 * SECOND + (1L << FlowTable.TICK_SHIFT), Integer.MAX_VALUE);
        assertEquals(0, table.flowsOf(6), "a expired and was swept");
        assertEquals(1, table.flowsOf(7), "c lives for an hour");
        assertEquals(0, table.flowsOf(-1));
        assertEquals(0, table.flowsOf(FlowTable.COUNTED_BACKEND_IDS));
    }

    @Test
    void shouldPublishEachBackendsFlowCountWhenItChanges()
    {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined())
        {
            final java.lang.foreign.MemorySegment shared = arena.allocate(16L * FlowTable.COUNTED_BACKEND_IDS + 8);
            table.publishFlowCounts(shared, 8, 16);
            final FlowKey a = ipv4(0x0A00_0020, 2000);
            final FlowKey b = ipv4(0x0A00_0021, 2001);
            table.insert(a, a.hash(), 9, SECOND, T0);
            table.insert(b, b.hash(), 9, SECOND, T0);
            assertEquals(2, shared.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8 + 9 * 16));
            table.remove(a, a.hash());
            assertEquals(1, shared.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8 + 9 * 16));
            assertEquals(0, shared.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8 + 8 * 16));
            assertThrows(IllegalArgumentException.class, () -> table.publishFlowCounts(shared, 24, 16), "the last count would not fit");
        }
    }
}
