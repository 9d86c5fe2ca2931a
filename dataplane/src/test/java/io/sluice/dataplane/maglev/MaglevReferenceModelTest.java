package io.sluice.dataplane.maglev;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static io.sluice.dataplane.maglev.MaglevTestBackends.equalWeights;
import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv4;
import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv6WithPort;
import static io.sluice.dataplane.maglev.MaglevTestBackends.mixedWeights;
import static io.sluice.dataplane.maglev.MaglevTestBackends.shuffled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaglevReferenceModelTest
{
    @Test
    void shouldMatchReferenceWhenWeightsAreEqual()
    {
        assertMatchesReference(equalWeights(7), MaglevTable.DEFAULT_SIZE);
    }

    @Test
    void shouldMatchReferenceWhenWeightsAreMixed()
    {
        assertMatchesReference(shuffled(mixedWeights(40, 11), 3), MaglevTable.DEFAULT_SIZE);
    }

    @Test
    void shouldMatchReferenceWhenThousandBackendsHaveMixedWeights()
    {
        assertMatchesReference(mixedWeights(1000, 5), MaglevTable.DEFAULT_SIZE);
    }

    @Test
    void shouldMatchReferenceWhenIdentitiesAreIpv6WithPortsAndSomeWeightsAreZero()
    {
        final List<MaglevBackend> backends = new ArrayList<>();
        final Random random = new Random(17);
        for (int i = 0; i < 30; i++)
        {
            backends.add(ipv6WithPort(0x1000 + i * 77, 8000 + random.nextInt(100), i % 5 == 0 ? 0 : 1 + random.nextInt(300)));
        }
        assertMatchesReference(backends, 65_521);
    }

    @Test
    void shouldMatchReferenceWhenIpv4AndIpv6IdentitiesAreMixed()
    {
        final List<MaglevBackend> backends = new ArrayList<>();
        for (int i = 1; i <= 12; i++)
        {
            backends.add(i % 2 == 0 ? ipv4(i, i) : ipv6WithPort(i, 443, i));
        }
        backends.add(new MaglevBackend(new byte[]{ 10, 0, 0, 1, 0x1F, (byte)0x90 }, 3));
        assertMatchesReference(backends, 4_099);
    }

    @Test
    void shouldMatchReferenceWhenWeightsAreVerySkewed()
    {
        final List<MaglevBackend> backends = new ArrayList<>();
        backends.add(ipv4(1, MaglevBackend.MAX_WEIGHT));
        for (int i = 2; i <= 200; i++)
        {
            backends.add(ipv4(i, 1));
        }
        assertMatchesReference(backends, MaglevTable.DEFAULT_SIZE);
    }

    @Test
    void shouldMatchReferenceWhenTableIsSmall()
    {
        assertMatchesReference(mixedWeights(5, 23), 7);
        assertMatchesReference(equalWeights(12), 13);
        assertMatchesReference(List.of(ipv4(9, 4)), 2);
    }

    @Test
    void shouldMatchReferenceWhenTwoBackendsHaveIdenticalPermutations()
    {
        final int size = 13;
        final List<MaglevBackend> twins = findTwoWithIdenticalPermutation(size);
        final List<MaglevBackend> backends = new ArrayList<>(twins);
        backends.add(ipv4(100_000, 2));
        backends.add(ipv4(100_001, 1));

        assertEquals(MaglevPermutation.offset(twins.get(0).identity(), size), MaglevPermutation.offset(twins.get(1).identity(), size));
        assertEquals(MaglevPermutation.skip(twins.get(0).identity(), size), MaglevPermutation.skip(twins.get(1).identity(), size));
        assertMatchesReference(backends, size);

        final MaglevTable table = MaglevTableBuilder.build(backends, size);
        final MaglevTable reversed = MaglevTableBuilder.build(List.of(backends.get(3), backends.get(2), backends.get(1), backends.get(0)), size);
        assertEquals(0, MaglevTable.changedSlots(table, reversed).length);
        assertTrue(table.slotCount(0) > 0 && table.slotCount(1) > 0);
    }

    @Test
    void shouldAgreeWithReferenceHashForEveryLength()
    {
        final Random random = new Random(99);
        for (int length = 0; length <= 40; length++)
        {
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            final long seed = random.nextLong();
            assertEquals(MaglevReferenceModel.hash(bytes, seed), MaglevPermutation.hash(bytes, seed), "length " + length);
        }
    }

    private static void assertMatchesReference(final List<MaglevBackend> backends, final int size)
    {
        final int[] expected = MaglevReferenceModel.build(backends, size);
        final int[] actual = indices(MaglevTableBuilder.build(backends, size));
        assertArrayEquals(expected, actual);
    }

    private static int[] indices(final MaglevTable table)
    {
        final int[] indices = new int[table.size()];
        for (int slot = 0; slot < indices.length; slot++)
        {
            indices[slot] = table.backendIndexAt(slot);
        }
        return indices;
    }

    private static List<MaglevBackend> findTwoWithIdenticalPermutation(final int size)
    {
        final Map<Long, MaglevBackend> byPermutation = new HashMap<>();
        for (int number = 1; ; number++)
        {
            final MaglevBackend backend = ipv4(number, 1);
            final long permutation =
                MaglevReferenceModel.offset(backend.identity(), size) * size + MaglevReferenceModel.skip(backend.identity(), size);
            final MaglevBackend twin = byPermutation.putIfAbsent(permutation, backend);
            if (null != twin)
            {
                return List.of(twin, backend);
            }
        }
    }
}
