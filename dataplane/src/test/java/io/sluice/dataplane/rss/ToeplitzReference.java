package io.sluice.dataplane.rss;

/**
 * The Toeplitz hash as Microsoft's "RSS hashing functions" page states it, one input bit at a time:
 * K starts as the leftmost 32 bits of the key; for each input bit, most significant first, the result
 * takes K by XOR when the bit is 1, then K shifts left by one and takes in the key's next bit (zero
 * past the key's end). Slow, and independent of {@link Toeplitz}'s tables.
 */
final class ToeplitzReference
{
    private ToeplitzReference()
    {
    }

    static int hash(final byte[] key, final byte[] input)
    {
        int window = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            window = (window << 1) | keyBit(key, bit);
        }
        int result = 0;
        for (int bit = 0; bit < input.length * 8; bit++)
        {
            if (((input[bit / 8] >> (7 - bit % 8)) & 1) == 1)
            {
                result ^= window;
            }
            window = (window << 1) | keyBit(key, bit + 32);
        }
        return result;
    }

    private static int keyBit(final byte[] key, final int bit)
    {
        return bit / 8 < key.length ? (key[bit / 8] >> (7 - bit % 8)) & 1 : 0;
    }
}
