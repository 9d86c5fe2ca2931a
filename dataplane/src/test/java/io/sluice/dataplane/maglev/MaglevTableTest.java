package io.sluice.dataplane.maglev;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;

import static io.sluice.dataplane.maglev.MaglevTestBackends.equalWeights;
import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv4;
import static io.sluice.dataplane.maglev.MaglevTestBackends.mixedWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaglevTableTest
{
    private static final int M = MaglevTable.DEFAULT_SIZE;
    private static final int LOOKUPS = 1_000_000;

    @Test
    void shouldMapExtremeHashesToEdgeSlotsWhenSizeIsDefault()
    {
        assertEquals(0, MaglevTable.slotFor(0L, M));
        assertEquals(0, MaglevTable.slotFor(0xFFFF_FFFFL, M));
        assertEquals(M - 1, MaglevTable.slotFor(-1L, M));
        assertEquals(M >>> 1, MaglevTable.slotFor(Long.MIN_VALUE, M));
        assertEquals(M >>> 1, MaglevTable.slotFor(Long.MAX_VALUE, M));
    }

    @Test
    void shouldKeepSlotInRangeWhenHashAndSizeAreArbitrary()
    {
        final int[] sizes = { 1, 2, 7, M, 131_071, MaglevTable.MAX_SIZE, Integer.MAX_VALUE };
        final long[] specialHashes = { 0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L, 0x8000_0000L, 0xFFFF_FFFF_0000_0000L };
        final Random random = new Random(42);
        for (final int size : sizes)
        {
            for (final long hash : specialHashes)
            {
                assertSlotMatchesDefinition(hash, size);
            }
            for (int i = 0; i < 10_000; i++)
            {
                assertSlotMatchesDefinition(random.nextLong(), size);
            }
        }
    }

    @Test
    void shouldIgnoreLowBitsWhenMappingHashToSlot()
    {
        final Random random = new Random(3);
        for (int i = 0; i < 10_000; i++)
        {
            final long hash = random.nextLong();
            assertEquals(MaglevTable.slotFor(hash & 0xFFFF_FFFF_0000_0000L, M), MaglevTable.slotFor(hash, M));
        }
    }

    @Test
    void shouldReturnOwnerOfSlotWhenLookingUp()
    {
        final MaglevTable table = MaglevTableBuilder.build(mixedWeights(50, 1), M);
        final FlowKey key = new FlowKey();
        final Random random = new Random(8);
        for (int i = 0; i < 100_000; i++)
        {
            final long hash = key.setIpv4(random.nextInt(), 0xC633_6401, random.nextInt(65536), 443, 6).hash();
            final int index = table.lookup(hash);
            assertEquals(table.backendIndexAt(MaglevTable.slotFor(hash, M)), index);
            assertTrue(index >= 0 && index < 50);
        }
    }

    @Test
    void shouldReturnMinusOneWhenTableIsEmpty()
    {
        final MaglevTable table = MaglevTableBuilder.build(List.of(), M);
        for (final long hash : new long[]{ 0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x5555_AAAA_5555_AAAAL })
        {
            assertEquals(-1, table.lookup(hash));
        }
    }

    @Test
    void shouldSpreadFlowsLikeSlotsWhenLookingUpManyFlows()
    {
        final List<MaglevBackend> backends = List.of(ipv4(1, 1), ipv4(2, 3));
        final MaglevTable table = MaglevTableBuilder.build(backends, M);
        final FlowKey key = new FlowKey();
        final int[] flows = new int[2];
        for (int source = 0; source < 400_000; source++)
        {
            flows[table.lookup(key.setIpv4(0x0A00_0000 | source, 0xC633_6401, 40_000, 80, 6).hash())]++;
        }
        assertEquals(0.25, flows[0] / 400_000.0, 0.005);
    }

    @Test
    void shouldRejectIndexWhenOutOfRange()
    {
        final MaglevTable table = MaglevTableBuilder.build(equalWeights(3), 7);

        assertThrows(IndexOutOfBoundsException.class, () -> table.backendIndexAt(7));
        assertThrows(IndexOutOfBoundsException.class, () -> table.backendIndexAt(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> table.backend(3));
        assertThrows(IndexOutOfBoundsException.class, () -> table.slotCount(-1));
        assertEquals(7, table.size());
        assertEquals(3, table.backendCount());
        assertEquals(ipv4(2, 1), table.backend(1));
    }

    @Test
    void shouldReportNoChangeWhenTablesHaveSameBackends()
    {
        final MaglevTable table = MaglevTableBuilder.build(mixedWeights(30, 3), M);
        final MaglevTable rebuilt = MaglevTableBuilder.build(mixedWeights(30, 3), M);
        assertEquals(0, MaglevTable.changedSlots(table, rebuilt).length);
    }

    @Test
    void shouldReportEverySlotWhenChangingToOrFromEmpty()
    {
        final MaglevTable empty = MaglevTableBuilder.build(List.of(), 11);
        final MaglevTable drained = MaglevTableBuilder.build(List.of(ipv4(1, 0)), 11);
        final MaglevTable full = MaglevTableBuilder.build(List.of(ipv4(1, 1)), 11);
        final int[] all = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

        assertArrayEquals(all, MaglevTable.changedSlots(empty, full));
        assertArrayEquals(all, MaglevTable.changedSlots(full, drained));
        assertEquals(0, MaglevTable.changedSlots(empty, drained).length);
    }

    @Test
    void shouldCompareOwnersByIdentityWhenIndicesShift()
    {
        final List<MaglevBackend> backends = new ArrayList<>(equalWeights(10));
        final MaglevTable before = MaglevTableBuilder.build(backends, M);
        backends.remove(0);
        backends.add(ipv4(99, 1));
        final MaglevTable after = MaglevTableBuilder.build(backends, M);

        final int[] changed = MaglevTable.changedSlots(before, after);

        int expectedCount = 0;
        for (int slot = 0; slot < M; slot++)
        {
            final MaglevBackend ownerBefore = before.backend(before.backendIndexAt(slot));
            final MaglevBackend ownerAfter = after.backend(after.backendIndexAt(slot));
            if (!ownerBefore.sameIdentityAs(ownerAfter))
            {
                assertEquals(slot, changed[expectedCount], "changed slot number " + expectedCount);
                expectedCount++;
            }
        }
        assertEquals(expectedCount, changed.length);
        assertTrue(changed.length >= Math.max(before.slotCount(0), after.slotCount(9)));
        assertTrue(changed.length < M / 4, "changed " + changed.length);
    }

    @Test
    void shouldRejectComparisonWhenSizesDiffer()
    {
        final MaglevTable small = MaglevTableBuilder.build(equalWeights(2), 7);
        final MaglevTable large = MaglevTableBuilder.build(equalWeights(2), 11);
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> MaglevTable.changedSlots(small, large));
        assertEquals("cannot compare tables of different sizes: 7 and 11", ex.getMessage());
    }

    @Test
    void shouldNotAllocateWhenLookingUp()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final MaglevTable table = MaglevTableBuilder.build(mixedWeights(1000, 6), M);
        long checksum = 0;
        for (int warmUp = 0; warmUp < 20; warmUp++)
        {
            checksum += lookUpMany(table, warmUp);
        }
        threads.getCurrentThreadAllocatedBytes();

        final long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        checksum += lookUpMany(table, 99);
        final long allocatedAfter = threads.getCurrentThreadAllocatedBytes();

        assertEquals(0, allocatedAfter - allocatedBefore);
        assertNotEquals(0, checksum);
    }

    private static long lookUpMany(final MaglevTable table, final long seed)
    {
        long hash = seed * 0x9E37_79B9_7F4A_7C15L;
        long sum = 0;
        for (int i = 0; i < LOOKUPS; i++)
        {
            hash = hash * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L;
            sum += table.lookup(hash) + 1;
        }
        return sum;
    }

    private static void assertSlotMatchesDefinition(final long hash, final int size)
    {
        final long expected = BigInteger.valueOf(hash >>> 32)
            .multiply(BigInteger.valueOf(size))
            .shiftRight(32)
            .longValueExact();
        final int slot = MaglevTable.slotFor(hash, size);
        assertEquals(expected, slot);
        assertTrue(slot >= 0 && slot < size, "hash " + hash + " size " + size + " slot " + slot);
    }
}
