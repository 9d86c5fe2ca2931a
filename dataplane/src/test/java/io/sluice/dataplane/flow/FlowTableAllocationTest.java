package io.sluice.dataplane.flow;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks that the hot-path operations allocate nothing once the JIT has compiled them.
 */
class FlowTableAllocationTest
{
    private static final int CAPACITY = 1 << 16;
    private static final int KEY_COUNT = 1 << 16;
    private static final int OPERATIONS = 1 << 20;
    private static final int WARM_UP_ROUNDS = 5;
    private static final long MS = 1_000_000L;

    @Test
    void shouldAllocateNothingWhenFindingInsertingTouchingRemovingAndExpiring()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final FlowKey[] keys = new FlowKey[KEY_COUNT];
        final long[] hashes = new long[KEY_COUNT];
        for (int i = 0; i < KEY_COUNT; i++)
        {
            keys[i] = (i & 1) == 0 ?
                new FlowKey().setIpv4(0x0A00_0000 + i, 0xC000_0201, 1024 + (i & 0x3FF), 443, 6) :
                new FlowKey().setIpv6(0x2001_0DB8_0000_0000L, i, 0x2001_0DB8_0000_0001L, 1L, 2048, 80, 17);
            hashes[i] = keys[i].hash();
        }

        try (FlowTable table = new FlowTable(CAPACITY, 10 * MS))
        {
            long nowNs = 0;
            for (int round = 0; round < WARM_UP_ROUNDS; round++)
            {
                nowNs = run(table, keys, hashes, nowNs);
            }

            final long before = threads.getCurrentThreadAllocatedBytes();
            nowNs = run(table, keys, hashes, nowNs);
            final long after = threads.getCurrentThreadAllocatedBytes();

            assertEquals(0, after - before);
            assertTrue(nowNs > 0);
            assertTrue(table.inserts() > 0 && table.expirations() > 0 && table.evictions() > 0);
        }
    }

    private static long run(final FlowTable table, final FlowKey[] keys, final long[] hashes, final long startNs)
    {
        long nowNs = startNs;
        int seed = 0x1234_5678;
        for (int i = 0; i < OPERATIONS; i++)
        {
            nowNs += 200;
            seed = seed * 1_103_515_245 + 12_345;
            final int index = (seed >>> 8) & (KEY_COUNT - 1);
            final int handle = table.find(keys[index], hashes[index], nowNs);
            if (handle == FlowTable.MISS)
            {
                table.insert(keys[index], hashes[index], index, ((seed >>> 4) & 3) == 0 ? MS : 100 * MS, nowNs);
            }
            else if ((seed & 0x70) == 0)
            {
                table.remove(keys[index], hashes[index]);
            }
            else
            {
                table.touch(handle, nowNs);
            }

            if ((i & 63) == 0)
            {
                table.expire(nowNs, 4);
            }
        }

        return nowNs;
    }
}
