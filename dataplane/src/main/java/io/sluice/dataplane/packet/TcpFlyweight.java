package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.getU8;

/**
 * TCP header (RFC 9293): the fields a load balancer reads.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Sequence Number                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Acknowledgment Number                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Data |       |C|E|U|A|P|R|S|F|                               |
 *  | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Checksum            |         Urgent Pointer        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TcpFlyweight extends HeaderFlyweight
{
    /** Header length without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Offset of the flags byte. */
    public static final int FLAGS_OFFSET = 13;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 16;
    /** FIN flag. */
    public static final int FLAG_FIN = 0x01;
    /** SYN flag. */
    public static final int FLAG_SYN = 0x02;
    /** RST flag. */
    public static final int FLAG_RST = 0x04;
    /** ACK flag. */
    public static final int FLAG_ACK = 0x10;

    /**
     * Wraps the TCP header; the data offset must cover 20..60 bytes within the segment.
     *
     * @param available bytes of the L4 payload from {@code address} (IP payload length).
     * @return false for a truncated or malformed header.
     */
    public boolean wrap(final long address, final int available)
    {
        point(address, available);
        if (available < MIN_HEADER_LENGTH)
        {
            return false;
        }
        final int dataOffset = (getU8(address + 12) >>> 4) << 2;
        return dataOffset >= MIN_HEADER_LENGTH && dataOffset <= available;
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

    /** @return the flag bits (FIN, SYN, RST, PSH, ACK, URG, ECE, CWR). */
    public int flags()
    {
        return getU8(address + FLAGS_OFFSET);
    }

    /** @return the checksum field. */
    public int checksum()
    {
        return getU16(address + CHECKSUM_OFFSET);
    }
}
