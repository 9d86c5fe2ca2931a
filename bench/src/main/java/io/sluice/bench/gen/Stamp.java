package io.sluice.bench.gen;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The generator's stamp: the first 16 bytes of every frame's TCP or UDP payload, written at send
 * time and read back from whatever the load balancer sent on, however it was rewritten or
 * encapsulated.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 magic 0x534C474E ("SLGN")                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 sequence (per packet, wraps)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 send time, System.nanoTime (64 bits)          |
 *  +                                                               +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * All fields big-endian.
 */
final class Stamp
{
    /** An unaligned big-endian 64-bit value, as the send time is written. */
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final int MAGIC = 0x534C_474E;
    static final int MAGIC_OFFSET = 0;
    static final int SEQUENCE_OFFSET = 4;
    static final int TIME_OFFSET = 8;
    static final int LENGTH = 16;

    private Stamp()
    {
    }
}
