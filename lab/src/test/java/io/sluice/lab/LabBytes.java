package io.sluice.lab;

/**
 * The bytes a lab backend sends for {@code GET /bytes/N}: a copy of {@code BackendServer.ByteSequence}
 * (the backend is one source file run by itself, so the two cannot share a class). xorshift64
 * (shifts 13, 7, 17) from a seed made of N; each 64-bit state gives 8 bytes, least significant
 * first. Seeding by the length means a download cut short, or another length's bytes, never
 * passes for the right one. {@link LabTransferTest} checks that both copies agree.
 */
final class LabBytes
{
    private long state;
    private long word;
    private int wordBytesLeft;

    /**
     * The sequence of a download or upload of {@code length} bytes.
     *
     * @param length the transfer's length, N: the seed.
     */
    LabBytes(final long length)
    {
        state = length * 0x9E37_79B9_7F4A_7C15L ^ 0x2545_F491_4F6C_DD1DL;
        if (state == 0)
        {
            state = 1;
        }
    }

    /**
     * Writes the next bytes of the sequence.
     *
     * @param bytes  where to.
     * @param offset the first index written.
     * @param count  how many.
     */
    void fill(final byte[] bytes, final int offset, final int count)
    {
        for (int i = offset, end = offset + count; i < end; i++)
        {
            if (wordBytesLeft == 0)
            {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                word = state;
                wordBytesLeft = 8;
            }
            bytes[i] = (byte)word;
            word >>>= 8;
            wordBytesLeft--;
        }
    }
}
