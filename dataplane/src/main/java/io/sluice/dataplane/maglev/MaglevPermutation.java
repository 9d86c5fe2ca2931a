package io.sluice.dataplane.maglev;

/**
 * The Maglev preference list of a backend: the order in which it asks for table slots.
 * <p>
 * For a table of prime size {@code M} a backend's list is {@code slot(j) = (offset + j * skip) mod M} for
 * {@code j = 0, 1, ..., M - 1}, where (Maglev paper, section 3.4)
 * <pre>
 *   offset = hash(identity, OFFSET_SEED) mod M          in 0 .. M - 1
 *   skip   = hash(identity, SKIP_SEED) mod (M - 1) + 1  in 1 .. M - 1
 * </pre>
 * with both reductions unsigned. Because {@code M} is prime and {@code skip} is not a multiple of it, the list
 * visits every slot exactly once.
 * <p>
 * {@link #hash(byte[], long)} is a 64-bit hash defined here, so that every load balancer, on any host and any
 * JVM, computes the same lists and therefore the same table. For bytes {@code b} of length {@code n}:
 * <pre>
 *   h = seed XOR (n * K1)
 *   for each 8-byte block of b, in order, read big-endian, the last one padded with zero bytes:
 *       h = rotateLeft(h XOR (block * K1), 29) * K2
 *   h = h XOR n
 *   h = h XOR (h >>> 30); h = h * K2; h = h XOR (h >>> 27); h = h * K3; h = h XOR (h >>> 31)
 * </pre>
 * in wrapping 64-bit arithmetic, with {@code K1 = 0x9E3779B97F4A7C15}, {@code K2 = 0xBF58476D1CE4E5B9},
 * {@code K3 = 0x94D049BB133111EB}. The length enters twice, so padding never makes two identities collide; a
 * single block is a bijection of the input, so distinct addresses of one length never share a 64-bit hash.
 * <p>
 * Two different identities can still land on the same (offset, skip) pair, with probability about
 * {@code 1 / (M (M - 1))} per pair. That needs no special case: both ask for the same slots in the same order
 * and the builder's canonical turn order decides every contest, so the table stays deterministic.
 */
public final class MaglevPermutation
{
    /** The seed of the hash that gives a backend's offset ("maglevOF" in ASCII). */
    public static final long OFFSET_SEED = 0x6D61_676C_6576_4F46L;

    /** The seed of the hash that gives a backend's skip ("maglevSK" in ASCII). */
    public static final long SKIP_SEED = 0x6D61_676C_6576_534BL;

    private static final long K1 = 0x9E37_79B9_7F4A_7C15L;
    private static final long K2 = 0xBF58_476D_1CE4_E5B9L;
    private static final long K3 = 0x94D0_49BB_1331_11EBL;
    private static final int BLOCK_LENGTH = 8;

    private MaglevPermutation()
    {
    }

    /**
     * The first slot a backend asks for.
     *
     * @param identity the backend identity bytes.
     * @param size     the table size, a prime.
     * @return {@code hash(identity, OFFSET_SEED)} reduced unsigned modulo {@code size}.
     */
    public static int offset(final byte[] identity, final int size)
    {
        return (int)Long.remainderUnsigned(hash(identity, OFFSET_SEED), size);
    }

    /**
     * The distance between consecutive slots a backend asks for.
     *
     * @param identity the backend identity bytes.
     * @param size     the table size, a prime of at least 2.
     * @return {@code hash(identity, SKIP_SEED)} reduced unsigned modulo {@code size - 1}, plus one.
     */
    public static int skip(final byte[] identity, final int size)
    {
        return (int)Long.remainderUnsigned(hash(identity, SKIP_SEED), size - 1) + 1;
    }

    /**
     * The identity hash described in the class comment.
     *
     * @param bytes the bytes to hash, of any length.
     * @param seed  the seed, {@link #OFFSET_SEED} or {@link #SKIP_SEED} for Maglev.
     * @return the 64-bit hash.
     */
    public static long hash(final byte[] bytes, final long seed)
    {
        final int length = bytes.length;
        long h = seed ^ (length * K1);
        for (int blockStart = 0; blockStart < length; blockStart += BLOCK_LENGTH)
        {
            h = Long.rotateLeft(h ^ (block(bytes, blockStart) * K1), 29) * K2;
        }
        h ^= length;

        h ^= h >>> 30;
        h *= K2;
        h ^= h >>> 27;
        h *= K3;
        h ^= h >>> 31;
        return h;
    }

    private static long block(final byte[] bytes, final int blockStart)
    {
        long block = 0;
        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            final int index = blockStart + i;
            block = (block << 8) | (index < bytes.length ? bytes[index] & 0xFFL : 0L);
        }
        return block;
    }
}
