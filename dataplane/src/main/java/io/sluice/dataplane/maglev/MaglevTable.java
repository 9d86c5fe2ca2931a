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
 * identity with {@link #changedSlots(MaglevTable, MaglevTable)}, or two load balancers' tables by {@link #digest()}.
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
    private static final long DIGEST_MULTIPLIER = 0x9E3779B97F4A7C15L;
    private static final long FNV_PRIME = 0x100000001B3L;
    private static final long NO_BACKEND_HASH = 0x5BD1E9955BD1E995L;

    private final char[] slots;
    private final MaglevBackend[] backends;
    private final int[] slotCounts;
    private final long digest;

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
        this.digest = digestOf(slots, backends);
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
     * A 64-bit digest of what the table maps: its size and, slot by slot, the identity (the address) of the
     * slot's owner, or "no owner". Never a backend index, which depends on list order, and never a weight
     * as such: two tables that send every slot to the same backend have the same digest, on any load balancer
     * and whatever order their backends were listed in; two that differ in any slot differ in digest but for
     * a 64-bit hash collision (one slot changed always changes it). Load balancers compare digests to assert
     * that they pick the same backend for every new flow.
     * <p>
     * Computed once, when the table is built (by {@link MaglevTableBuilder}, on the control plane's thread),
     * never on the packet path: one multiply-add per slot, about 0.1 ms for {@link #DEFAULT_SIZE} slots.
     *
     * @return the digest.
     */
    public long digest()
    {
        return digest;
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
     * A polynomial hash over the slots (multiplier odd, so a change of one slot's owner always changes it) of
     * each owner's identity hash, seeded with the size and finished with a MurmurHash3 mix.
     */
    private static long digestOf(final char[] slots, final MaglevBackend[] backends)
    {
        final long[] ownerHashes = new long[backends.length + 1];
        ownerHashes[NO_BACKEND] = NO_BACKEND_HASH;
        for (int i = 0; i < backends.length; i++)
        {
            ownerHashes[i + 1] = identityHash(backends[i].identityBytes());
        }
        long hash = mix(slots.length);
        for (final char slot : slots)
        {
            hash = hash * DIGEST_MULTIPLIER + ownerHashes[slot];
        }
        return mix(hash);
    }

    /** FNV-1a over the length and the bytes, then mixed: identities of different lengths hash apart. */
    private static long identityHash(final byte[] identity)
    {
        long hash = 0xCBF29CE484222325L ^ identity.length;
        for (final byte b : identity)
        {
            hash = (hash ^ (b & 0xFF)) * FNV_PRIME;
        }
        return mix(hash);
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long mix(final long value)
    {
        long hash = value;
        hash ^= hash >>> 33;
        hash *= 0xFF51AFD7ED558CCDL;
        hash ^= hash >>> 33;
        hash *= 0xC4CEB93FE53B5A83L;
        hash ^= hash >>> 33;
        return hash;
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
