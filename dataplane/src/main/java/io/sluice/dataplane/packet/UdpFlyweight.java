package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;

/**
 * UDP header (RFC 768).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Length             |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class UdpFlyweight extends HeaderFlyweight
{
    /** Header length. */
    public static final int HEADER_LENGTH = 8;
    /** Offset of the length. */
    public static final int LENGTH_OFFSET = 4;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 6;

    /**
     * Wraps the UDP header; its length field must be 8.. the bytes available.
     *
     * @return false for a truncated or malformed header.
     */
    public boolean wrap(final long address, final int available)
    {
        point(address, available);
        if (available < HEADER_LENGTH)
        {
            return false;
        }
        final int length = getU16(address + LENGTH_OFFSET);
        return length >= HEADER_LENGTH && length <= available;
    }

    /** @return the source port. */
    public int srcPort()
    {
        return getU16(address);
    }

    /** @return the destination port. */
    public int dstPort()
    {
        return getU16(address + 2);
    }

    /** @return the length field (header plus payload). */
    public int length()
    {
        return getU16(address + LENGTH_OFFSET);
    }

    /** @return the checksum field (0: none, IPv4 only). */
    public int checksum()
    {
        return getU16(address + CHECKSUM_OFFSET);
    }

    /**
     * Writes a UDP header with a zero checksum.
     *
     * @return {@link #HEADER_LENGTH}.
     */
    public static int write(final long address, final int srcPort, final int dstPort, final int length)
    {
        putU16(address, srcPort);
        putU16(address + 2, dstPort);
        putU16(address + LENGTH_OFFSET, length);
        putU16(address + CHECKSUM_OFFSET, 0);
        return HEADER_LENGTH;
    }

    /**
     * Computes and stores the checksum of a UDP datagram over the given pseudo-header sum; a
     * result of 0 is sent as 0xffff (RFC 768).
     *
     * @param address       address of the UDP header.
     * @param length       datagram length.
     * @param pseudoHeader pseudo-header running sum.
     */
    public static void writeChecksum(final long address, final int length, final long pseudoHeader)
    {
        putU16(address + CHECKSUM_OFFSET, 0);
        final int checksum = Checksums.finish(Checksums.add(pseudoHeader, address, length));
        putU16(address + CHECKSUM_OFFSET, checksum == 0 ? 0xFFFF : checksum);
    }
}
