package io.sluice.dataplane.maglev;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable Maglev lookup table: {@code size} slots, each owned by one backend, built by
 * {@link MaglevTableBuilder}.
 * <p>
 * The dataplane maps a flow to a backend with {@link #lookup(long)}: the flow hash picks a slot with
 * {@link #slotFor(long, int)} and the slot names the backend, as an index into the backend list the table was
 * built from. That is a single array load, with no allocation, and safe from any number of threads.
 * <p>
 * Slots are stored as a {@code char[]} holding {@code backend index + 1}, with 0 for "no backend": 2 bytes a
 * slot, so the default table is 128 KiB instead of the 256 KiB of an {@code int[]}. Flow lookups hit slots at
 * random, so the smaller table keeps twice as many VIPs' tables in the L2 cache. The price is at most
 * {@link #MAX_BACKENDS} backends a table, far beyond any real VIP.
 * <p>
 * Which backend owns which slot depends only on the set of (identity, weight) pairs, never on the list order,
 * so load balancers given the same backends pick the same backend for every flow. Compare two tables by
 * identity with {@link #changedSlots(MaglevTable, MaglevTable)}.
 */
public final class MaglevTable
{
    /**
     * The default table size, the prime of the Maglev paper. Shares are within one slot of ideal, so within 1%
     * for up to about 650 equal backends ({@code M >= 100 N}).
     */
    public static final int DEFAULT_SIZE = 65537;

    /** The largest table size: the largest prime below 2^24, a 32 MiB table. */
    public static final int MAX_SIZE = 16_777_213;

    /** The most backends one table may be built from, weight-0 ones included: a slot stores index + 1 in 16 bits. */
    public static final int MAX_BACKENDS = 65534;

    private static final char NO_BACKEND = 0;

    private final char[] slots;
    private final MaglevBackend[] backends;
    private final int[] slotCounts;

    MaglevTable(final char[] slots, final MaglevBackend[] backends)
    {
        this.slots = slots;
        this.backends = backends;
        this.slotCounts = new int[backends.length];
        for (final char slot : slots)
        {
            if (NO_BACKEND != slot)
            {
                slotCounts[slot - 1]++;
            }
        }
    }

    /**
     * The slot of a flow in a table of {@code size} slots: Lemire's fast range reduction of the upper 32 bits of
     * the flow hash, {@code ((flowHash >>> 32) * size) >>> 32}.
     * <p>
     * This mapping is part of the contract between load balancers (all of them must pick the same slot) and
     * between this table and the flow table, which takes its bucket from the low bits of the same hash: using
     * only the upper half keeps the two choices independent. It needs no division, and because
     * {@code flowHash >>> 32 < 2^32} the result is always in {@code [0, size)} for any hash and any size of at
     * least 1; the product cannot overflow for {@code size < 2^31}.
     *
     * @param flowHash the 64-bit flow hash, see {@code FlowKey.hash()}.
     * @param size     the number of slots, 1 or more.
     * @return the slot, {@code 0 <= slot < size}.
     */
    public static int slotFor(final long flowHash, final int size)
    {
        return (int)(((flowHash >>> 32) * size) >>> 32);
    }

    /**
     * The backend for a flow. Allocation free and branch free.
     *
     * @param flowHash the 64-bit flow hash.
     * @return the backend index into the list the table was built from, or -1 when no backend has weight above 0.
     */
    public int lookup(final long flowHash)
    {
        return slots[slotFor(flowHash, slots.length)] - 1;
    }

    /**
     * The number of slots.
     *
     * @return the table size, a prime.
     */
    public int size()
    {
        return slots.length;
    }

    /**
     * The owner of a slot.
     *
     * @param slot the slot, {@code 0 <= slot < size()}.
     * @return the backend index, or -1 when no backend has weight above 0.
     * @throws IndexOutOfBoundsException when the slot is outside the table.
     */
    public int backendIndexAt(final int slot)
    {
        return slots[Objects.checkIndex(slot, slots.length)] - 1;
    }

    /**
     * The number of backends the table was built from, weight-0 backends included.
     *
     * @return the length of the backend list given to the builder.
     */
    public int backendCount()
    {
        return backends.length;
    }

    /**
     * A backend by index.
     *
     * @param index the position in the list given to the builder.
     * @return the backend.
     * @throws IndexOutOfBoundsException when the index is outside the list.
     */
    public MaglevBackend backend(final int index)
    {
        return backends[Objects.checkIndex(index, backends.length)];
    }

    /**
     * How many slots a backend owns: its share of new flows is {@code slotCount(index) / size()}.
     *
     * @param backendIndex the position in the list given to the builder.
     * @return the number of slots, 0 for a weight-0 backend.
     * @throws IndexOutOfBoundsException when the index is outside the list.
     */
    public int slotCount(final int backendIndex)
    {
        return slotCounts[Objects.checkIndex(backendIndex, slotCounts.length)];
    }

    /**
     * The slots whose owner differs between two tables of the same size, comparing owners by identity (not by
     * index, which depends on list order) and ignoring weights. A slot with no owner in both tables is unchanged.
     * These are the slots whose new flows go to a different backend after a change: the disruption of the change.
     *
     * @param before the table before the change.
     * @param after  the table after the change.
     * @return the changed slots in ascending order, possibly empty.
     * @throws IllegalArgumentException when the sizes differ.
     */
    public static int[] changedSlots(final MaglevTable before, final MaglevTable after)
    {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        if (before.slots.length != after.slots.length)
        {
            throw new IllegalArgumentException(
                "cannot compare tables of different sizes: " + before.slots.length + " and " + after.slots.length);
        }

        final char[] afterToBefore = ownerMapping(before, after);
        final char[] beforeSlots = before.slots;
        final char[] afterSlots = after.slots;
        int changedCount = 0;
        final int[] changed = new int[beforeSlots.length];
        for (int slot = 0; slot < beforeSlots.length; slot++)
        {
            if (afterToBefore[afterSlots[slot]] != beforeSlots[slot])
            {
                changed[changedCount++] = slot;
            }
        }

        return Arrays.copyOf(changed, changedCount);
    }

    /**
     * Maps each stored value of {@code after} (index + 1, or 0) to the stored value of {@code before} with the
     * same identity; an identity {@code before} does not hold maps to a value no slot of {@code before} holds.
     */
    private static char[] ownerMapping(final MaglevTable before, final MaglevTable after)
    {
        final Map<ByteBuffer, Integer> beforeIndexByIdentity = new HashMap<>();
        for (int i = 0; i < before.backends.length; i++)
        {
            beforeIndexByIdentity.put(ByteBuffer.wrap(before.backends[i].identityBytes()), i);
        }

        final char absentFromBefore = (char)(before.backends.length + 1);
        final char[] mapping = new char[after.backends.length + 1];
        mapping[NO_BACKEND] = NO_BACKEND;
        for (int i = 0; i < after.backends.length; i++)
        {
            final Integer beforeIndex = beforeIndexByIdentity.get(ByteBuffer.wrap(after.backends[i].identityBytes()));
            mapping[i + 1] = null == beforeIndex ? absentFromBefore : (char)(beforeIndex + 1);
        }

        return mapping;
    }
}
