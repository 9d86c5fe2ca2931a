package io.sluice.dataplane.ring;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.sluice.dataplane.flow.FlowKey;

/**
 * The fixed-length little-endian form of a {@link FlowKey} inside ring messages: the tuple part of
 * a {@link FlowRecord} and the key of a lookup command. One layout, so a key is written the same way
 * wherever it travels between threads.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    Family     |   Protocol    |          Source Port          |
 *  +---------------+---------------+-------------------------------+
 *  |       Destination Port        |           Reserved            |
 *  +-------------------------------+-------------------------------+
 *  |                   Source Address, upper 64 bits               |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Source Address, lower 64 bits               |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Destination Address, upper 64 bits             |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Destination Address, lower 64 bits             |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * Family is 4 or 6. Addresses are the two longs {@link FlowKey} holds (IPv4 as IPv4-mapped), each
 * stored as a little-endian long: the ring never leaves the process, so no network order is
 * needed. An IPv4 key whose addresses are not IPv4-mapped, or an unknown family, does not decode.
 */
public final class FlowKeyCodec
{
    /** Family value of an IPv4 key. */
    public static final byte FAMILY_IPV4 = 4;

    /** Family value of an IPv6 key. */
    public static final byte FAMILY_IPV6 = 6;

    /** Offset of the family byte. */
    public static final int FAMILY_OFFSET = 0;

    /** Offset of the IP protocol number. */
    public static final int PROTOCOL_OFFSET = 1;

    /** Offset of the source port. */
    public static final int SRC_PORT_OFFSET = 2;

    /** Offset of the destination port. */
    public static final int DST_PORT_OFFSET = 4;

    /** Offset of the two reserved bytes, written as zero. */
    public static final int RESERVED_OFFSET = 6;

    /** Offset of the upper half of the source address. */
    public static final int SRC_HI_OFFSET = 8;

    /** Offset of the lower half of the source address. */
    public static final int SRC_LO_OFFSET = 16;

    /** Offset of the upper half of the destination address. */
    public static final int DST_HI_OFFSET = 24;

    /** Offset of the lower half of the destination address. */
    public static final int DST_LO_OFFSET = 32;

    /** Length of an encoded key in bytes. */
    public static final int LENGTH = 40;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private FlowKeyCodec()
    {
    }

    /**
     * Writes a key.
     *
     * @param key    the key to write.
     * @param buffer the buffer to write to.
     * @param offset where the key starts; {@link #LENGTH} bytes are written.
     */
    public static void encode(final FlowKey key, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset + FAMILY_OFFSET, key.isIpv6() ? FAMILY_IPV6 : FAMILY_IPV4);
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte)key.protocol());
        buffer.putShort(offset + SRC_PORT_OFFSET, (short)key.srcPort(), ORDER);
        buffer.putShort(offset + DST_PORT_OFFSET, (short)key.dstPort(), ORDER);
        buffer.putShort(offset + RESERVED_OFFSET, (short)0, ORDER);
        buffer.putLong(offset + SRC_HI_OFFSET, key.srcHi(), ORDER);
        buffer.putLong(offset + SRC_LO_OFFSET, key.srcLo(), ORDER);
        buffer.putLong(offset + DST_HI_OFFSET, key.dstHi(), ORDER);
        buffer.putLong(offset + DST_LO_OFFSET, key.dstLo(), ORDER);
    }

    /**
     * Whether the bytes at {@code offset} hold a key that {@link #decode} accepts: a known family and,
     * for IPv4, IPv4-mapped addresses.
     *
     * @param buffer the buffer to read.
     * @param offset where the key starts; {@link #LENGTH} bytes must be readable.
     * @return true when the key decodes.
     */
    public static boolean isValid(final DirectBuffer buffer, final int offset)
    {
        final byte family = buffer.getByte(offset + FAMILY_OFFSET);
        if (family == FAMILY_IPV6)
        {
            return true;
        }
        return family == FAMILY_IPV4 &&
            FlowKey.isIpv4Mapped(buffer.getLong(offset + SRC_HI_OFFSET, ORDER), buffer.getLong(offset + SRC_LO_OFFSET, ORDER)) &&
            FlowKey.isIpv4Mapped(buffer.getLong(offset + DST_HI_OFFSET, ORDER), buffer.getLong(offset + DST_LO_OFFSET, ORDER));
    }

    /**
     * Reads a key into {@code key}, leaving it untouched when the bytes do not hold a valid key.
     *
     * @param buffer the buffer to read.
     * @param offset where the key starts; {@link #LENGTH} bytes must be readable.
     * @param key    the key to set.
     * @return false when the family is unknown or an IPv4 key's addresses are not IPv4-mapped.
     */
    public static boolean decode(final DirectBuffer buffer, final int offset, final FlowKey key)
    {
        if (!isValid(buffer, offset))
        {
            return false;
        }
        final int protocol = buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
        final int srcPort = buffer.getShort(offset + SRC_PORT_OFFSET, ORDER) & 0xFFFF;
        final int dstPort = buffer.getShort(offset + DST_PORT_OFFSET, ORDER) & 0xFFFF;
        final long srcLo = buffer.getLong(offset + SRC_LO_OFFSET, ORDER);
        final long dstLo = buffer.getLong(offset + DST_LO_OFFSET, ORDER);
        if (buffer.getByte(offset + FAMILY_OFFSET) == FAMILY_IPV4)
        {
            key.setIpv4((int)srcLo, (int)dstLo, srcPort, dstPort, protocol);
        }
        else
        {
            key.setIpv6(buffer.getLong(offset + SRC_HI_OFFSET, ORDER), srcLo,
                buffer.getLong(offset + DST_HI_OFFSET, ORDER), dstLo, srcPort, dstPort, protocol);
        }
        return true;
    }
}
