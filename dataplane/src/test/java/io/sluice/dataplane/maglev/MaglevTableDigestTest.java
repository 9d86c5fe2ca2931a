package io.sluice.dataplane.maglev;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static io.sluice.dataplane.maglev.MaglevTestBackends.equalWeights;
import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv4;
import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv6WithPort;
import static io.sluice.dataplane.maglev.MaglevTestBackends.mixedWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * {@link MaglevTable#digest()}: equal exactly when two tables send every slot to the same backend identity.
 * The builder guarantees that a table depends on the set of (identity, weight) pairs only, so tables built
 * separately from the same backends listed in another order map every slot alike and must digest alike.
 */
class MaglevTableDigestTest
{
    private static final int M = MaglevTable.DEFAULT_SIZE;

    @Test
    void shouldBeEqualWhenTablesAreBuiltSeparatelyFromTheSameBackendsInAnotherOrder()
    {
        final List<MaglevBackend> backends = mixedWeights(50, 7);
        final List<MaglevBackend> shuffled = new ArrayList<>(backends);
        Collections.shuffle(shuffled, new Random(11));
        final MaglevTable a = MaglevTableBuilder.build(backends, M);
        final MaglevTable b = MaglevTableBuilder.build(shuffled, M);

        assertArrayEquals(new int[0], MaglevTable.changedSlots(a, b), "the builder's guarantee the digest relies on");
        int indicesDiffer = 0;
        for (int slot = 0; slot < M; slot++)
        {
            indicesDiffer += a.backendIndexAt(slot) != b.backendIndexAt(slot) ? 1 : 0;
        }
        assertNotEquals(0, indicesDiffer, "the same owners under other indices");
        assertEquals(a.digest(), b.digest());
    }

    @Test
    void shouldDifferWhenOneBackendPortDiffers()
    {
        final List<MaglevBackend> backends = new ArrayList<>();
        final List<MaglevBackend> other = new ArrayList<>();
        for (int i = 1; i <= 10; i++)
        {
            backends.add(ipv6WithPort(i, 80, 1));
            other.add(ipv6WithPort(i, i == 4 ? 81 : 80, 1));
        }

        assertNotEquals(MaglevTableBuilder.build(backends, M).digest(), MaglevTableBuilder.build(other, M).digest());
    }

    @Test
    void shouldDifferWhenOneBackendAddressWeightOrTheSizeDiffers()
    {
        final List<MaglevBackend> backends = equalWeights(10);
        final long digest = MaglevTableBuilder.build(backends, M).digest();

        final List<MaglevBackend> otherAddress = new ArrayList<>(backends);
        otherAddress.set(3, ipv4(99, 1));
        final List<MaglevBackend> otherWeight = new ArrayList<>(backends);
        otherWeight.set(3, ipv4(4, 2));
        final List<MaglevBackend> drained = new ArrayList<>(backends);
        drained.set(3, ipv4(4, 0));

        assertNotEquals(digest, MaglevTableBuilder.build(otherAddress, M).digest());
        assertNotEquals(digest, MaglevTableBuilder.build(otherWeight, M).digest());
        assertNotEquals(digest, MaglevTableBuilder.build(drained, M).digest(), "a drained (or down) backend owns no slot");
        assertNotEquals(digest, MaglevTableBuilder.build(backends, 251).digest());
    }

    @Test
    void shouldBeEqualWhenWeightsDifferButEverySlotHasTheSameOwner()
    {
        final List<MaglevBackend> doubled = new ArrayList<>();
        for (int i = 1; i <= 10; i++)
        {
            doubled.add(ipv4(i, 2));
        }

        assertEquals(MaglevTableBuilder.build(equalWeights(10), M).digest(), MaglevTableBuilder.build(doubled, M).digest());
    }

    @Test
    void shouldTellAnEmptyTableFromEveryOtherWhenNoBackendHasWeight()
    {
        final MaglevTable empty = MaglevTableBuilder.build(List.of(ipv4(1, 0)), 7);

        assertEquals(MaglevTableBuilder.build(List.of(), 7).digest(), empty.digest());
        assertNotEquals(MaglevTableBuilder.build(List.of(ipv4(1, 1)), 7).digest(), empty.digest());
    }
}
