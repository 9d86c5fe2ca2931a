package io.sluice.dataplane.maglev;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaglevPermutationTest
{
    private static final long PINNED_OFFSET_HASH = 0x74C8_711C_4662_F1CBL;
    private static final long PINNED_SKIP_HASH = 0xEB55_37B9_8386_7462L;
    private static final long PINNED_EMPTY_HASH = 0x6868_DF2B_C31D_0143L;

    @Test
    void shouldProducePinnedHashWhenInputIsFixed()
    {
        final byte[] address = { 10, 0, 0, 1 };
        assertEquals(PINNED_OFFSET_HASH, MaglevPermutation.hash(address, MaglevPermutation.OFFSET_SEED));
        assertEquals(PINNED_SKIP_HASH, MaglevPermutation.hash(address, MaglevPermutation.SKIP_SEED));
        assertEquals(PINNED_EMPTY_HASH, MaglevPermutation.hash(new byte[0], MaglevPermutation.OFFSET_SEED));
    }

    @Test
    void shouldHashDifferentlyWhenOnlyPaddingOrSeedDiffers()
    {
        final long seed = MaglevPermutation.OFFSET_SEED;
        assertNotEquals(MaglevPermutation.hash(new byte[]{ 1 }, seed), MaglevPermutation.hash(new byte[]{ 1, 0 }, seed));
        assertNotEquals(MaglevPermutation.hash(new byte[8], seed), MaglevPermutation.hash(new byte[9], seed));
        assertNotEquals(MaglevPermutation.hash(new byte[0], seed), MaglevPermutation.hash(new byte[1], seed));
        assertNotEquals(
            MaglevPermutation.hash(new byte[]{ 10, 0, 0, 1 }, MaglevPermutation.OFFSET_SEED),
            MaglevPermutation.hash(new byte[]{ 10, 0, 0, 1 }, MaglevPermutation.SKIP_SEED));
    }

    @Test
    void shouldNotCollideWhenAddressesAreConsecutive()
    {
        final Set<Long> hashes = new HashSet<>();
        for (int i = 0; i < 100_000; i++)
        {
            assertTrue(hashes.add(MaglevPermutation.hash(ipv4(i, 1).identity(), MaglevPermutation.OFFSET_SEED)));
        }
    }

    @Test
    void shouldSpreadOffsetsEvenlyWhenAddressesAreConsecutive()
    {
        final int buckets = 16;
        final int[] counts = new int[buckets];
        for (int i = 0; i < 160_000; i++)
        {
            counts[MaglevPermutation.offset(ipv4(i, 1).identity(), MaglevTable.DEFAULT_SIZE) * buckets / MaglevTable.DEFAULT_SIZE]++;
        }
        for (final int count : counts)
        {
            assertEquals(10_000, count, 500);
        }
    }

    @Test
    void shouldVisitEverySlotOnceWhenFollowingPreferenceList()
    {
        final Random random = new Random(5);
        for (final int size : new int[]{ 2, 3, 13, 65_537 })
        {
            final byte[] identity = new byte[16];
            random.nextBytes(identity);
            final int offset = MaglevPermutation.offset(identity, size);
            final int skip = MaglevPermutation.skip(identity, size);
            assertTrue(offset >= 0 && offset < size);
            assertTrue(skip >= 1 && skip < size);

            final boolean[] visited = new boolean[size];
            long slot = offset;
            for (int j = 0; j < size; j++)
            {
                assertTrue(!visited[(int)slot], "slot " + slot + " visited twice");
                visited[(int)slot] = true;
                slot = (slot + skip) % size;
            }
        }
    }

    @Test
    void shouldReduceUnsignedWhenHashIsNegative()
    {
        final Random random = new Random(12);
        int negative = 0;
        for (int i = 0; i < 1000; i++)
        {
            final byte[] identity = new byte[4];
            random.nextBytes(identity);
            final long hash = MaglevPermutation.hash(identity, MaglevPermutation.OFFSET_SEED);
            negative += hash < 0 ? 1 : 0;
            assertEquals(Long.remainderUnsigned(hash, 65_537), MaglevPermutation.offset(identity, 65_537));
            assertEquals(
                Long.remainderUnsigned(MaglevPermutation.hash(identity, MaglevPermutation.SKIP_SEED), 65_536) + 1,
                MaglevPermutation.skip(identity, 65_537));
        }
        assertTrue(negative > 0);
    }
}
