package io.sluice.dataplane.maglev;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An independent, deliberately plain model of the weighted Maglev table, written from the documented rules
 * (the {@link MaglevPermutation} and {@link MaglevTableBuilder} class comments) and the Maglev paper's
 * population pseudo-code, without calling any production code but the {@link MaglevBackend} accessors.
 * It is slow on purpose: quadratic turn selection, permutation entries computed from the formula.
 */
public final class MaglevReferenceModel
{
    private static final long K1 = 0x9E3779B97F4A7C15L;
    private static final long K2 = 0xBF58476D1CE4E5B9L;
    private static final long K3 = 0x94D049BB133111EBL;
    private static final long OFFSET_SEED = 0x6D61676C65764F46L;
    private static final long SKIP_SEED = 0x6D61676C6576534BL;

    private MaglevReferenceModel()
    {
    }

    /**
     * The identity hash: zero-pad to whole 8-byte blocks, read each block big-endian.
     */
    static long hash(final byte[] bytes, final long seed)
    {
        final int n = bytes.length;
        final ByteBuffer blocks = ByteBuffer.wrap(Arrays.copyOf(bytes, ((n + 7) / 8) * 8));
        long h = seed ^ ((long)n * K1);
        while (blocks.hasRemaining())
        {
            h = Long.rotateLeft(h ^ (blocks.getLong() * K1), 29) * K2;
        }
        h = h ^ n;
        h = h ^ (h >>> 30);
        h = h * K2;
        h = h ^ (h >>> 27);
        h = h * K3;
        h = h ^ (h >>> 31);
        return h;
    }

    static long offset(final byte[] identity, final int size)
    {
        return Long.remainderUnsigned(hash(identity, OFFSET_SEED), size);
    }

    static long skip(final byte[] identity, final int size)
    {
        return Long.remainderUnsigned(hash(identity, SKIP_SEED), size - 1) + 1;
    }

    /**
     * Unsigned lexicographic order, a proper prefix first.
     */
    static int compareIdentities(final byte[] a, final byte[] b)
    {
        for (int i = 0; i < a.length && i < b.length; i++)
        {
            final int byteA = a[i] & 0xFF;
            final int byteB = b[i] & 0xFF;
            if (byteA != byteB)
            {
                return byteA < byteB ? -1 : 1;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    /**
     * The table: for every slot, the index into {@code backends} of its owner, or -1.
     */
    public static int[] build(final List<MaglevBackend> backends, final int size)
    {
        final List<Integer> byIdentity = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++)
        {
            if (backends.get(i).weight() > 0)
            {
                byIdentity.add(i);
            }
        }
        byIdentity.sort((a, b) -> compareIdentities(backends.get(a).identity(), backends.get(b).identity()));

        final int n = byIdentity.size();
        final int[] entry = new int[size];
        Arrays.fill(entry, -1);
        if (n == 0)
        {
            return entry;
        }

        final long[] weight = new long[n];
        final long[] offset = new long[n];
        final long[] skip = new long[n];
        for (int i = 0; i < n; i++)
        {
            final MaglevBackend backend = backends.get(byIdentity.get(i));
            weight[i] = backend.weight();
            offset[i] = offset(backend.identity(), size);
            skip[i] = skip(backend.identity(), size);
        }

        final long[] quota = quotas(weight, size);
        final long[] next = new long[n];
        final long[] taken = new long[n];
        for (int filled = 0; filled < size; filled++)
        {
            final int i = nextTurn(weight, quota, taken);
            long c = (offset[i] + next[i] * skip[i]) % size;
            while (entry[(int)c] >= 0)
            {
                next[i]++;
                c = (offset[i] + next[i] * skip[i]) % size;
            }
            entry[(int)c] = byIdentity.get(i);
            next[i]++;
            taken[i]++;
        }
        return entry;
    }

    /**
     * Largest remainder: floor of size * w / W each, then one more to the largest remainders, ties to the
     * lower position in identity order.
     */
    static long[] quotas(final long[] weight, final int size)
    {
        long total = 0;
        for (final long w : weight)
        {
            total += w;
        }
        final long[] quota = new long[weight.length];
        long left = size;
        final List<Integer> byRemainder = new ArrayList<>();
        for (int i = 0; i < weight.length; i++)
        {
            quota[i] = size * weight[i] / total;
            left -= quota[i];
            byRemainder.add(i);
        }
        final long sum = total;
        byRemainder.sort((a, b) ->
        {
            final long remainderA = size * weight[a] % sum;
            final long remainderB = size * weight[b] % sum;
            return remainderA != remainderB ? Long.compare(remainderB, remainderA) : Integer.compare(a, b);
        });
        for (int k = 0; k < left; k++)
        {
            quota[byRemainder.get(k)]++;
        }
        return quota;
    }

    /**
     * The backend owed a slot whose next turn, at time (taken + 1) / weight, comes first; ties to the lower
     * position in identity order.
     */
    private static int nextTurn(final long[] weight, final long[] quota, final long[] taken)
    {
        int best = -1;
        for (int i = 0; i < weight.length; i++)
        {
            if (taken[i] < quota[i] &&
                (best < 0 || (taken[i] + 1) * weight[best] < (taken[best] + 1) * weight[i]))
            {
                best = i;
            }
        }
        return best;
    }
}
