package io.sluice.dataplane.maglev;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.sluice.dataplane.maglev.MaglevTestBackends.equalWeights;
import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv4;
import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv6WithPort;
import static io.sluice.dataplane.maglev.MaglevTestBackends.mixedWeights;
import static io.sluice.dataplane.maglev.MaglevTestBackends.ownerIdentities;
import static io.sluice.dataplane.maglev.MaglevTestBackends.shuffled;
import static io.sluice.dataplane.maglev.MaglevTestBackends.totalWeight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaglevTableBuilderTest
{
    private static final int M = MaglevTable.DEFAULT_SIZE;
    private static final long PINNED_DIGEST = 0x4887_F637_63AF_736BL;

    @ParameterizedTest
    @ValueSource(ints = { 3, 10, 100, 1000 })
    void shouldGiveEveryBackendItsShareWhenWeightsAreEqual(final int count)
    {
        assertSharesWithinOneSlot(equalWeights(count));
    }

    @ParameterizedTest
    @ValueSource(ints = { 3, 10, 100, 1000 })
    void shouldGiveEveryBackendItsShareWhenWeightsAreMixed(final int count)
    {
        assertSharesWithinOneSlot(mixedWeights(count, count));
    }

    @Test
    void shouldGiveEveryBackendItsShareWhenWeightsAreVerySkewed()
    {
        final List<MaglevBackend> backends = new ArrayList<>(equalWeights(50));
        backends.set(7, ipv4(7 + 1, MaglevBackend.MAX_WEIGHT));
        backends.set(20, ipv4(20 + 1, 1000));
        assertSharesWithinOneSlot(backends);
    }

    @Test
    void shouldGiveNoSlotsWhenWeightIsZero()
    {
        final List<MaglevBackend> backends = new ArrayList<>(mixedWeights(20, 4));
        backends.set(3, ipv4(3 + 1, 0));
        backends.set(11, ipv4(11 + 1, 0));

        final MaglevTable table = MaglevTableBuilder.build(backends, M);

        assertEquals(0, table.slotCount(3));
        assertEquals(0, table.slotCount(11));
        assertEquals(20, table.backendCount());
        assertEquals(backends.get(11), table.backend(11));
        for (int slot = 0; slot < M; slot++)
        {
            final int index = table.backendIndexAt(slot);
            assertTrue(index >= 0 && index != 3 && index != 11, "slot " + slot + " owned by " + index);
        }
        assertSharesWithinOneSlot(backends);
    }

    @Test
    void shouldBuildEmptyTableWhenThereAreNoBackends()
    {
        final MaglevTable table = MaglevTableBuilder.build(List.of(), M);

        assertEquals(M, table.size());
        assertEquals(0, table.backendCount());
        assertEquals(-1, table.lookup(0x1234_5678_9ABC_DEF0L));
        assertEquals(-1, table.backendIndexAt(M - 1));
    }

    @Test
    void shouldBuildEmptyTableWhenEveryWeightIsZero()
    {
        final MaglevTable table = MaglevTableBuilder.build(List.of(ipv4(1, 0), ipv4(2, 0)), 5);

        assertEquals(2, table.backendCount());
        assertEquals(0, table.slotCount(0));
        assertEquals(0, table.slotCount(1));
        for (int slot = 0; slot < 5; slot++)
        {
            assertEquals(-1, table.backendIndexAt(slot));
        }
    }

    @Test
    void shouldUseDefaultSizeWhenNoSizeIsGiven()
    {
        assertEquals(MaglevTable.DEFAULT_SIZE, MaglevTableBuilder.build(equalWeights(3)).size());
    }

    @Test
    void shouldBuildSameMappingWhenListIsShuffled()
    {
        final List<MaglevBackend> mixed = mixedWeights(1000, 8);
        final List<MaglevBackend> ipv6 = new ArrayList<>();
        for (int i = 0; i < 64; i++)
        {
            ipv6.add(ipv6WithPort(i * 31, 80 + (i % 3), 1 + (i % 7)));
        }
        ipv6.add(ipv4(5, 0));

        for (final List<MaglevBackend> backends : List.of(equalWeights(100), mixed, ipv6))
        {
            final MaglevTable table = MaglevTableBuilder.build(backends, M);
            final byte[][] owners = ownerIdentities(table);
            for (long seed = 1; seed <= 3; seed++)
            {
                final List<MaglevBackend> shuffledBackends = shuffled(backends, seed);
                final MaglevTable shuffledTable = MaglevTableBuilder.build(shuffledBackends, M);

                assertTrue(Arrays.deepEquals(owners, ownerIdentities(shuffledTable)));
                assertEquals(0, MaglevTable.changedSlots(table, shuffledTable).length);
            }
        }
    }

    @Test
    void shouldReturnIndicesIntoTheGivenListWhenListIsReversed()
    {
        final List<MaglevBackend> backends = mixedWeights(10, 2);
        final List<MaglevBackend> reversed = new ArrayList<>(backends);
        Collections.reverse(reversed);

        final MaglevTable table = MaglevTableBuilder.build(backends, M);
        final MaglevTable reversedTable = MaglevTableBuilder.build(reversed, M);

        for (int slot = 0; slot < M; slot++)
        {
            assertEquals(9 - table.backendIndexAt(slot), reversedTable.backendIndexAt(slot));
        }
        for (int i = 0; i < 10; i++)
        {
            assertEquals(table.slotCount(i), reversedTable.slotCount(9 - i));
        }
    }

    @Test
    void shouldBuildPinnedTableWhenBackendsAreFixed()
    {
        final List<MaglevBackend> backends = List.of(
            ipv4(1, 1), ipv4(2, 2), ipv4(3, 3), ipv6WithPort(1, 443, 4), new MaglevBackend(new byte[]{ 1, 2, 3 }, 5));

        final MaglevTable table = MaglevTableBuilder.build(backends, M);

        assertEquals(PINNED_DIGEST, digest(table), "the table layout is a contract between load balancers and versions");
    }

    @Test
    void shouldRejectSizeWhenNotPrime()
    {
        assertMessage("table size 65536 is not prime; the next valid size is 65537", () -> MaglevTableBuilder.build(equalWeights(3), 65536));
        assertMessage("table size 9 is not prime; the next valid size is 11", () -> MaglevTableBuilder.build(equalWeights(10), 9));
    }

    @Test
    void shouldRejectSizeWhenNotGreaterThanBackendCount()
    {
        assertMessage(
            "table size 5 must be greater than the number of backends 5; the next valid size is 7",
            () -> MaglevTableBuilder.build(equalWeights(5), 5));
        assertMessage(
            "table size 7 must be greater than the number of backends 9; the next valid size is 11",
            () -> MaglevTableBuilder.build(equalWeights(9), 7));
    }

    @Test
    void shouldRejectSizeWhenOutOfRange()
    {
        assertMessage("table size 1 out of range 2..16777213 (default 65537)", () -> MaglevTableBuilder.build(List.of(), 1));
        assertMessage("table size -7 out of range 2..16777213 (default 65537)", () -> MaglevTableBuilder.build(List.of(), -7));
        assertMessage(
            "table size 16777259 out of range 2..16777213 (default 65537)", () -> MaglevTableBuilder.build(List.of(), 16_777_259));
    }

    @Test
    void shouldRejectDuplicateIdentityWhenWeightsDiffer()
    {
        final List<MaglevBackend> backends = List.of(ipv4(1, 1), ipv4(2, 1), ipv4(1, 3));
        assertMessage("duplicate backend identity 10.0.0.1 at indices 0 and 2", () -> MaglevTableBuilder.build(backends, M));

        final List<MaglevBackend> ipv6 = List.of(ipv6WithPort(9, 80, 1), ipv4(1, 1), ipv6WithPort(9, 80, 1));
        assertMessage("duplicate backend identity [2001:db8:0:0:0:0:0:9]:80 at indices 0 and 2", () -> MaglevTableBuilder.build(ipv6, M));
    }

    @Test
    void shouldRejectNullWhenListOrElementIsNull()
    {
        assertMessage("backends must not be null", () -> MaglevTableBuilder.build(null, M));
        final List<MaglevBackend> withNull = new ArrayList<>(equalWeights(3));
        withNull.set(1, null);
        assertMessage("backend at index 1 is null", () -> MaglevTableBuilder.build(withNull, M));
    }

    @Test
    void shouldRejectBackendListWhenLongerThanMaximum()
    {
        final List<MaglevBackend> backends = equalWeights(MaglevTable.MAX_BACKENDS + 1);
        assertMessage("too many backends: 65535, at most 65534 per table", () -> MaglevTableBuilder.build(backends, 65537));
    }

    @Test
    void shouldBuildTableWhenBackendCountIsMaximum()
    {
        final List<MaglevBackend> backends = equalWeights(MaglevTable.MAX_BACKENDS);
        final MaglevTable table = MaglevTableBuilder.build(backends, 131_071);

        assertEquals(MaglevTable.MAX_BACKENDS - 1, table.backendIndexAt(indexOfSlotOwnedBy(table, MaglevTable.MAX_BACKENDS - 1)));
        assertSharesWithinOneSlot(backends, table);
    }

    @Test
    void shouldTellPrimesWhenAskedForSizes()
    {
        assertFalse(MaglevTableBuilder.isPrime(-3));
        assertFalse(MaglevTableBuilder.isPrime(0));
        assertFalse(MaglevTableBuilder.isPrime(1));
        assertTrue(MaglevTableBuilder.isPrime(2));
        assertTrue(MaglevTableBuilder.isPrime(3));
        assertFalse(MaglevTableBuilder.isPrime(4));
        assertFalse(MaglevTableBuilder.isPrime(65535));
        assertTrue(MaglevTableBuilder.isPrime(65537));
        assertFalse(MaglevTableBuilder.isPrime(65537 * 3));
        assertTrue(MaglevTableBuilder.isPrime(MaglevTable.MAX_SIZE));
        assertFalse(MaglevTableBuilder.isPrime(46_337 * 46_337));
        assertTrue(MaglevTableBuilder.isPrime(Integer.MAX_VALUE));
        assertEquals(2, MaglevTableBuilder.nextPrime(-5));
        assertEquals(65537, MaglevTableBuilder.nextPrime(65536));
        assertEquals(65537, MaglevTableBuilder.nextPrime(65537));
        assertEquals(16_777_259, MaglevTableBuilder.nextPrime(MaglevTable.MAX_SIZE + 1));
    }

    private static void assertSharesWithinOneSlot(final List<MaglevBackend> backends)
    {
        assertSharesWithinOneSlot(backends, MaglevTableBuilder.build(backends, M));
    }

    /**
     * The brief's bound, within max(1% of the ideal, 1 slot), and the largest remainder bound it rests on: every
     * count is the ideal rounded down or up, and the counts add up to the table size.
     */
    private static void assertSharesWithinOneSlot(final List<MaglevBackend> backends, final MaglevTable table)
    {
        final long total = totalWeight(backends);
        final int size = table.size();
        long slots = 0;
        for (int i = 0; i < backends.size(); i++)
        {
            final long owed = (long)size * backends.get(i).weight();
            final double ideal = (double)owed / total;
            final int count = table.slotCount(i);
            final long floor = owed / total;
            final long ceiling = floor + (owed % total == 0 ? 0 : 1);

            assertTrue(Math.abs(count - ideal) <= Math.max(0.01 * ideal, 1.0), "backend " + i + " count " + count + " ideal " + ideal);
            assertTrue(count == floor || count == ceiling, "backend " + i + " count " + count + " ideal " + ideal);
            slots += count;
        }
        assertEquals(size, slots);
        assertEquals(size, countOwnedSlots(table));
    }

    private static long countOwnedSlots(final MaglevTable table)
    {
        long owned = 0;
        for (int slot = 0; slot < table.size(); slot++)
        {
            owned += table.backendIndexAt(slot) >= 0 ? 1 : 0;
        }
        return owned;
    }

    private static int indexOfSlotOwnedBy(final MaglevTable table, final int backendIndex)
    {
        for (int slot = 0; slot < table.size(); slot++)
        {
            if (table.backendIndexAt(slot) == backendIndex)
            {
                return slot;
            }
        }
        return -1;
    }

    /**
     * FNV-1a over the owner identity of every slot, in slot order.
     */
    private static long digest(final MaglevTable table)
    {
        long hash = 0xCBF2_9CE4_8422_2325L;
        for (final byte[] identity : ownerIdentities(table))
        {
            for (final byte b : identity)
            {
                hash = (hash ^ (b & 0xFF)) * 0x100_0000_01B3L;
            }
            hash = (hash ^ 0xFF) * 0x100_0000_01B3L;
        }
        return hash;
    }

    private static void assertMessage(final String expected, final Executable build)
    {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, build).getMessage());
    }
}
