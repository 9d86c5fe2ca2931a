package io.sluice.dataplane.maglev;

import java.util.Arrays;
import java.util.List;

/**
 * Builds weighted {@link MaglevTable}s (Maglev paper, Eisenbud et al., NSDI 2016, section 3.4, with weights).
 * <p>
 * The build depends only on the set of (identity, weight) pairs, in four steps:
 * <ol>
 * <li><b>Canonical order.</b> Backends are ranked by identity ({@link MaglevBackend#compareIdentity}); the
 * list order never matters. Backends of weight 0 take no part.</li>
 * <li><b>Quotas.</b> A backend of weight {@code w} out of a total {@code W} is owed {@code size * w / W} slots.
 * Each gets the integer part, and the slots left over go one each to the largest fractional parts (largest
 * remainder method), ties to the lower rank. Every backend thus owns its ideal share to within one slot, and a
 * backend owed less than one slot may own none.</li>
 * <li><b>Turns.</b> Backend {@code i} takes its {@code k}-th turn at virtual time {@code k / w_i} (so each
 * backend gets turns at a rate proportional to its weight); turns are taken in order of time, ties to the lower
 * rank, and a backend that has its quota takes no more turns. With equal weights this is the paper's
 * round robin over the backends in canonical order.</li>
 * <li><b>Population.</b> On its turn a backend walks its {@link MaglevPermutation preference list} from where
 * it last stopped to the first slot nobody owns yet, and takes it. The quotas add up to the table size, so
 * the table is full when the last quota is met.</li>
 * </ol>
 * Removing a backend frees its slots and changes the quotas and turns of the others by little, so most slots
 * keep their owner. Not all: a freed slot changes which free slots later turns find, and that cascades, so
 * besides the backend's own slots some others move, more as {@code N / M} grows. Measured at {@code M = 65537}
 * with equal weights, one removal moves about 1.03 times the minimal {@code M / N} slots at N = 10, 1.6 times
 * at N = 100 and 7 times at N = 1000 (0.7% of the table), as the paper's unweighted algorithm does; a larger
 * table reduces it.
 * <p>
 * Cost: {@code O(size * (log N + average probes))}; about 10 ms for 65537 slots and 1000 backends. The builder
 * runs on the control plane and allocates freely; the tables it returns are what the dataplane reads.
 */
public final class MaglevTableBuilder
{
    private static final long LOW_16_BITS = 0xFFFFL;

    private MaglevTableBuilder()
    {
    }

    /**
     * Builds a table of {@link MaglevTable#DEFAULT_SIZE} slots.
     *
     * @param backends the backends; the table's indices are positions in this list.
     * @return the table.
     * @throws IllegalArgumentException see {@link #build(List, int)}.
     */
    public static MaglevTable build(final List<MaglevBackend> backends)
    {
        return build(backends, MaglevTable.DEFAULT_SIZE);
    }

    /**
     * Builds a table.
     *
     * @param backends the backends, possibly none; the table's indices are positions in this list.
     * @param size     the number of slots: a prime greater than the number of backends, at most
     *                 {@link MaglevTable#MAX_SIZE}. Shares are within one slot of ideal, so within 1% for every
     *                 backend owed 100 slots or more.
     * @return the table; every lookup answers -1 when no backend has weight above 0.
     * @throws IllegalArgumentException when the list or an element is null, there are more than
     *                                  {@link MaglevTable#MAX_BACKENDS} backends, the size is not a prime in range
     *                                  or not greater than the backend count, or two backends share an identity.
     */
    public static MaglevTable build(final List<MaglevBackend> backends, final int size)
    {
        final MaglevBackend[] backendArray = validate(backends, size);
        final int[] ranked = rankByIdentity(backendArray);
        final int[] active = activeInRankOrder(backendArray, ranked);
        final char[] slots = new char[size];
        if (active.length > 0)
        {
            populate(backendArray, active, quotas(backendArray, active, size), slots);
        }

        return new MaglevTable(slots, backendArray);
    }

    /**
     * Whether a number is prime, by trial division (fast enough for table sizes).
     *
     * @param number the number.
     * @return true for a prime.
     */
    public static boolean isPrime(final int number)
    {
        if (number < 2)
        {
            return false;
        }
        if (number % 2 == 0)
        {
            return number == 2;
        }
        for (int divisor = 3; (long)divisor * divisor <= number; divisor += 2)
        {
            if (number % divisor == 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The smallest prime greater than or equal to a number, for suggesting a valid table size.
     *
     * @param number the number, at most {@link Integer#MAX_VALUE} - 1.
     * @return the prime.
     */
    public static int nextPrime(final int number)
    {
        int candidate = Math.max(2, number);
        while (!isPrime(candidate))
        {
            candidate++;
        }
        return candidate;
    }

    private static MaglevBackend[] validate(final List<MaglevBackend> backends, final int size)
    {
        if (null == backends)
        {
            throw new IllegalArgumentException("backends must not be null");
        }
        final int count = backends.size();
        if (count > MaglevTable.MAX_BACKENDS)
        {
            throw new IllegalArgumentException(
                "too many backends: " + count + ", at most " + MaglevTable.MAX_BACKENDS + " per table");
        }
        if (size < 2 || size > MaglevTable.MAX_SIZE)
        {
            throw new IllegalArgumentException(
                "table size " + size + " out of range 2.." + MaglevTable.MAX_SIZE + " (default " + MaglevTable.DEFAULT_SIZE + ")");
        }
        if (!isPrime(size))
        {
            throw new IllegalArgumentException(
                "table size " + size + " is not prime; the next valid size is " + nextPrime(Math.max(size, count + 1)));
        }
        if (size <= count)
        {
            throw new IllegalArgumentException(
                "table size " + size + " must be greater than the number of backends " + count +
                "; the next valid size is " + nextPrime(count + 1));
        }

        final MaglevBackend[] backendArray = new MaglevBackend[count];
        for (int i = 0; i < count; i++)
        {
            final MaglevBackend backend = backends.get(i);
            if (null == backend)
            {
                throw new IllegalArgumentException("backend at index " + i + " is null");
            }
            backendArray[i] = backend;
        }

        return backendArray;
    }

    /**
     * Indices of the backends in canonical (identity) order, rejecting duplicate identities. A merge sort of
     * primitive indices, as {@code Arrays.sort} only takes a comparator for boxed ones.
     */
    private static int[] rankByIdentity(final MaglevBackend[] backends)
    {
        final int[] ranked = new int[backends.length];
        for (int i = 0; i < ranked.length; i++)
        {
            ranked[i] = i;
        }
        mergeSortByIdentity(backends, ranked, new int[ranked.length], 0, ranked.length);

        for (int rank = 1; rank < ranked.length; rank++)
        {
            final MaglevBackend previous = backends[ranked[rank - 1]];
            final MaglevBackend current = backends[ranked[rank]];
            if (previous.sameIdentityAs(current))
            {
                final int first = Math.min(ranked[rank - 1], ranked[rank]);
                final int second = Math.max(ranked[rank - 1], ranked[rank]);
                throw new IllegalArgumentException(
                    "duplicate backend identity " + current.identityText() + " at indices " + first + " and " + second);
            }
        }

        return ranked;
    }

    private static void mergeSortByIdentity(
        final MaglevBackend[] backends, final int[] indices, final int[] scratch, final int from, final int to)
    {
        if (to - from < 2)
        {
            return;
        }
        final int middle = (from + to) >>> 1;
        mergeSortByIdentity(backends, indices, scratch, from, middle);
        mergeSortByIdentity(backends, indices, scratch, middle, to);

        int left = from;
        int right = middle;
        for (int out = from; out < to; out++)
        {
            if (right >= to || (left < middle && backends[indices[left]].compareIdentity(backends[indices[right]]) <= 0))
            {
                scratch[out] = indices[left++];
            }
            else
            {
                scratch[out] = indices[right++];
            }
        }
        System.arraycopy(scratch, from, indices, from, to - from);
    }

    private static int[] activeInRankOrder(final MaglevBackend[] backends, final int[] ranked)
    {
        int activeCount = 0;
        final int[] active = new int[ranked.length];
        for (final int index : ranked)
        {
            if (backends[index].weight() > 0)
            {
                active[activeCount++] = index;
            }
        }
        return Arrays.copyOf(active, activeCount);
    }

    /**
     * Largest remainder apportionment of {@code size} slots; {@code quotas[r]} is for {@code active[r]}. The
     * leftover slots go to the largest remainders, ties to the lower rank: each sort key packs the remainder
     * (below the total weight, under 2^32) above the inverted rank (16 bits).
     */
    private static int[] quotas(final MaglevBackend[] backends, final int[] active, final int size)
    {
        long totalWeight = 0;
        for (final int index : active)
        {
            totalWeight += backends[index].weight();
        }

        final int[] quotas = new int[active.length];
        final long[] remainderKeys = new long[active.length];
        long assigned = 0;
        for (int rank = 0; rank < active.length; rank++)
        {
            final long owed = (long)size * backends[active[rank]].weight();
            quotas[rank] = (int)(owed / totalWeight);
            remainderKeys[rank] = ((owed % totalWeight) << 16) | (LOW_16_BITS - rank);
            assigned += quotas[rank];
        }

        Arrays.sort(remainderKeys);
        final long leftover = size - assigned;
        for (int i = 0; i < leftover; i++)
        {
            final long key = remainderKeys[remainderKeys.length - 1 - i];
            quotas[(int)(LOW_16_BITS - (key & LOW_16_BITS))]++;
        }

        return quotas;
    }

    private static void populate(
        final MaglevBackend[] backends, final int[] active, final int[] quotas, final char[] slots)
    {
        final int size = slots.length;
        final int[] weights = new int[active.length];
        final int[] nextSlots = new int[active.length];
        final int[] skips = new int[active.length];
        for (int rank = 0; rank < active.length; rank++)
        {
            final byte[] identity = backends[active[rank]].identityBytes();
            weights[rank] = backends[active[rank]].weight();
            nextSlots[rank] = MaglevPermutation.offset(identity, size);
            skips[rank] = MaglevPermutation.skip(identity, size);
        }

        if (allEqual(weights))
        {
            populateRoundRobin(active, quotas, nextSlots, skips, slots);
            return;
        }
        final TurnQueue turns = new TurnQueue(weights, quotas);
        while (!turns.isEmpty())
        {
            final int rank = turns.nextRank();
            int slot = nextSlots[rank];
            while (0 != slots[slot])
            {
                slot = advance(slot, skips[rank], size);
            }
            slots[slot] = (char)(active[rank] + 1);
            nextSlots[rank] = advance(slot, skips[rank], size);
            turns.completeTurn();
        }
    }

    /**
     * The turns when every weight is the same: the order {@link TurnQueue} gives them then (the lowest
     * {@code taken + 1}, ties to the lower rank) is round robin by rank, each rank skipped once its
     * quota is filled, so the table is the same without the heap's cost per turn (Maglev's own loop).
     */
    private static void populateRoundRobin(
        final int[] active, final int[] quotas, final int[] nextSlots, final int[] skips, final char[] slots)
    {
        final int size = slots.length;
        int filled = 0;
        for (int round = 0; filled < size; round++)
        {
            for (int rank = 0; rank < active.length; rank++)
            {
                if (round >= quotas[rank])
                {
                    continue;
                }
                int slot = nextSlots[rank];
                while (0 != slots[slot])
                {
                    slot = advance(slot, skips[rank], size);
                }
                slots[slot] = (char)(active[rank] + 1);
                nextSlots[rank] = advance(slot, skips[rank], size);
                filled++;
            }
        }
    }

    private static boolean allEqual(final int[] weights)
    {
        for (int rank = 1; rank < weights.length; rank++)
        {
            if (weights[rank] != weights[0])
            {
                return false;
            }
        }
        return true;
    }

    private static int advance(final int slot, final int skip, final int size)
    {
        final int next = slot + skip;
        return next >= size ? next - size : next;
    }

    /**
     * The backends still owed slots, as a binary min-heap of ranks ordered by the virtual time of their next
     * turn, {@code (taken + 1) / weight}, compared exactly by cross multiplication, ties to the lower rank.
     */
    private static final class TurnQueue
    {
        private final int[] weights;
        private final int[] quotas;
        private final int[] taken;
        private final int[] heap;
        private int heapSize;

        TurnQueue(final int[] weights, final int[] quotas)
        {
            this.weights = weights;
            this.quotas = quotas;
            this.taken = new int[weights.length];
            this.heap = new int[weights.length];
            for (int rank = 0; rank < weights.length; rank++)
            {
                if (quotas[rank] > 0)
                {
                    heap[heapSize++] = rank;
                }
            }
            for (int i = (heapSize >>> 1) - 1; i >= 0; i--)
            {
                siftDown(i);
            }
        }

        boolean isEmpty()
        {
            return 0 == heapSize;
        }

        int nextRank()
        {
            return heap[0];
        }

        void completeTurn()
        {
            final int rank = heap[0];
            taken[rank]++;
            if (taken[rank] == quotas[rank])
            {
                heap[0] = heap[--heapSize];
            }
            siftDown(0);
        }

        private void siftDown(final int start)
        {
            int parent = start;
            while (true)
            {
                final int left = 2 * parent + 1;
                if (left >= heapSize)
                {
                    return;
                }
                final int right = left + 1;
                final int child = right < heapSize && before(heap[right], heap[left]) ? right : left;
                if (!before(heap[child], heap[parent]))
                {
                    return;
                }
                final int swap = heap[parent];
                heap[parent] = heap[child];
                heap[child] = swap;
                parent = child;
            }
        }

        private boolean before(final int rankA, final int rankB)
        {
            final long timeA = (taken[rankA] + 1L) * weights[rankB];
            final long timeB = (taken[rankB] + 1L) * weights[rankA];
            return timeA < timeB || (timeA == timeB && rankA < rankB);
        }
    }
}
