package io.sluice.dataplane.flow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives a flow table and a plain {@link HashMap} model with the same random operations and a
 * hand-moved clock, and checks that every answer agrees. The table is large and the key pool never
 * puts more keys in one bucket than it has slots, so eviction never comes into play.
 */
class FlowTableModelTest
{
    private static final long MS = 1_000_000L;
    private static final long[] TIMEOUTS_NS = { 5 * MS, 50 * MS, 500 * MS, 5_000 * MS };
    private static final int CAPACITY = 1 << 16;
    private static final int POOL_SIZE = 2_000;
    private static final int OPERATIONS = 300_000;

    private record ModelKey(long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort, int protocol, boolean ipv6)
    {
        static ModelKey of(final FlowKey key)
        {
            return new ModelKey(key.srcHi(), key.srcLo(), key.dstHi(), key.dstLo(),
                key.srcPort(), key.dstPort(), key.protocol(), key.isIpv6());
        }
    }

    private static final class ModelEntry
    {
        int backendId;
        int flags;
        long lastSeenNs;
        long idleTimeoutNs;

        boolean isExpired(final long nowNs)
        {
            return nowNs - lastSeenNs > idleTimeoutNs;
        }
    }

    private final Random random = new Random(0x5EED_F10EL);
    private final Map<ModelKey, ModelEntry> model = new HashMap<>();
    private long expectedInserts;
    private long expectedExpirations;
    private long hits;
    private long misses;

    @Test
    void shouldAgreeWithHashMapModelWhenOperationsAreRandom()
    {
        final FlowKey[] pool = keyPool();
        final FlowKey read = new FlowKey();
        long nowNs = -3_000 * MS;

        try (FlowTable table = new FlowTable(CAPACITY, Long.MAX_VALUE))
        {
            for (int op = 0; op < OPERATIONS; op++)
            {
                nowNs += random.nextInt(op % 1000 == 0 ? 1_000_000_000 : 500_000);
                final FlowKey key = pool[random.nextInt(pool.length)];
                final ModelKey modelKey = ModelKey.of(key);
                final int choice = random.nextInt(100);
                if (choice < 45)
                {
                    findAndMaybeChange(table, key, modelKey, nowNs, read);
                }
                else if (choice < 80)
                {
                    insert(table, key, modelKey, nowNs);
                }
                else
                {
                    assertEquals(model.remove(modelKey) != null, table.remove(key, key.hash()));
                }
                assertEquals(model.size(), table.size());
            }

            final long allExpiredNs = nowNs + 10_000 * MS;
            assertEquals(model.size(), table.expire(allExpiredNs, table.bucketCount()));
            expectedExpirations += model.size();
            assertEquals(0, table.size());
            assertEquals(expectedInserts, table.inserts());
            assertEquals(expectedExpirations, table.expirations());
            assertEquals(0, table.evictions());
            assertEquals(0, table.insertFailures());
            assertTrue(hits > 10_000 && misses > 10_000 && expectedExpirations > 10_000, "the run exercises hits and expiry");
        }
    }

    private void findAndMaybeChange(
        final FlowTable table, final FlowKey key, final ModelKey modelKey, final long nowNs, final FlowKey read)
    {
        final int handle = table.find(key, key.hash(), nowNs);
        final ModelEntry entry = model.get(modelKey);
        if (entry == null || entry.isExpired(nowNs))
        {
            if (entry != null)
            {
                model.remove(modelKey);
                expectedExpirations++;
            }
            assertEquals(FlowTable.MISS, handle);
            misses++;
            return;
        }

        assertTrue(handle >= 0);
        hits++;
        assertEquals(entry.backendId, table.backendId(handle));
        assertEquals(entry.flags, table.flags(handle));
        assertEquals(entry.lastSeenNs, table.lastSeenNs(handle));
        assertEquals(entry.idleTimeoutNs, table.idleTimeoutNs(handle));
        assertTrue(table.isLive(handle, nowNs));
        table.readKey(handle, read);
        assertTrue(read.sameAs(key));

        final int change = random.nextInt(4);
        if (change == 0)
        {
            table.touch(handle, nowNs);
            entry.lastSeenNs = nowNs;
        }
        else if (change == 1)
        {
            entry.flags = random.nextInt();
            table.flags(handle, entry.flags);
        }
        else if (change == 2)
        {
            entry.idleTimeoutNs = TIMEOUTS_NS[random.nextInt(TIMEOUTS_NS.length)];
            table.idleTimeoutNs(handle, entry.idleTimeoutNs);
        }
    }

    private void insert(final FlowTable table, final FlowKey key, final ModelKey modelKey, final long nowNs)
    {
        final ModelEntry entry = new ModelEntry();
        entry.backendId = random.nextInt(1000);
        entry.lastSeenNs = nowNs;
        entry.idleTimeoutNs = TIMEOUTS_NS[random.nextInt(TIMEOUTS_NS.length)];

        final ModelEntry previous = model.put(modelKey, entry);
        if (previous == null)
        {
            expectedInserts++;
        }
        else if (previous.isExpired(nowNs))
        {
            expectedInserts++;
            expectedExpirations++;
        }

        if (random.nextBoolean() && table.findAndTouch(key, key.hash(), nowNs) == FlowTable.MISS)
        {
            assertTrue(table.insertAfterMiss(key, key.hash(), entry.backendId, entry.idleTimeoutNs, nowNs) >= 0);
        }
        else
        {
            assertTrue(table.insert(key, key.hash(), entry.backendId, entry.idleTimeoutNs, nowNs) >= 0);
        }
    }

    private FlowKey[] keyPool()
    {
        final int bucketCount = CAPACITY / FlowTable.SLOTS_PER_BUCKET;
        final int[] keysPerBucket = new int[bucketCount];
        final Set<ModelKey> distinct = new HashSet<>();
        final List<FlowKey> pool = new ArrayList<>();
        while (pool.size() < POOL_SIZE)
        {
            final FlowKey key = randomKey();
            final int bucket = FlowTestKeys.bucketOf(key.hash(), bucketCount);
            if (keysPerBucket[bucket] < FlowTable.SLOTS_PER_BUCKET && distinct.add(ModelKey.of(key)))
            {
                keysPerBucket[bucket]++;
                pool.add(key);
            }
        }

        return pool.toArray(new FlowKey[0]);
    }

    private FlowKey randomKey()
    {
        final int srcPort = random.nextInt(4);
        final int dstPort = random.nextInt(2) == 0 ? 80 : 443;
        final int protocol = random.nextInt(2) == 0 ? FlowTestKeys.TCP : FlowTestKeys.UDP;
        if (random.nextBoolean())
        {
            return new FlowKey().setIpv4(0x0A00_0000 | random.nextInt(256), 0xC000_0201, srcPort, dstPort, protocol);
        }

        final long srcLo = random.nextBoolean() ?
            FlowKey.ipv4MappedLo(0x0A00_0000 | random.nextInt(256)) : random.nextInt(256);
        final long srcHi = srcLo < 256 ? 0x2001_0DB8_0000_0000L : FlowKey.IPV4_MAPPED_HI;
        final long dstLo = srcHi == FlowKey.IPV4_MAPPED_HI ? FlowKey.ipv4MappedLo(0xC000_0201) : 1L;
        return new FlowKey().setIpv6(srcHi, srcLo, srcHi, dstLo, srcPort, dstPort, protocol);
    }
}
