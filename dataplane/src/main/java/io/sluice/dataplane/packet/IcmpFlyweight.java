package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.getU8;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * ICMP for IPv4 (RFC 792, RFC 1191 for the next-hop MTU).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Identifier / unused         | Sequence / Next-Hop MTU       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Data: for errors, the original IP header + 8 bytes ...    |
 * </pre>
 */
public final class IcmpFlyweight extends HeaderFlyweight
{
    /** Header length (type, code, checksum, rest of header). */
    public static final int HEADER_LENGTH = 8;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 2;
    /** Echo reply. */
    public static final int TYPE_ECHO_REPLY = 0;
    /** Destination unreachable. */
    public static final int TYPE_DEST_UNREACHABLE = 3;
    /** Echo request. */
    public static final int TYPE_ECHO_REQUEST = 8;
    /** Time exceeded. */
    public static final int TYPE_TIME_EXCEEDED = 11;
    /** Parameter problem. */
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    /** Destination unreachable code: fragmentation needed and DF set. */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    /**
     * Wraps the ICMP header.
     *
     * @return false when fewer than 8 bytes are available.
     */
    public boolean wrap(final long address, final int available)
    {
        point(address, available);
        return available >= HEADER_LENGTH;
    }

    /** @return the type. */
    public int type()
    {
        return getU8(address);
    }

    /** @return the code. */
    public int code()
    {
        return getU8(address + 1);
    }

    /** Sets the type (checksum not updated). @return this. */
    public IcmpFlyweight type(final int type)
    {
        putU8(address, type);
        return this;
    }

    /** @return the checksum field. */
    public int checksum()
    {
        return getU16(address + CHECKSUM_OFFSET);
    }

    /** Sets the checksum field. @return this. */
    public IcmpFlyweight checksum(final int checksum)
    {
        putU16(address + CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** @return true for the error types whose data quote the offending datagram. */
    public boolean isError()
    {
        final int type = type();
        return type == TYPE_DEST_UNREACHABLE || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
    }

    /** @return address of the quoted datagram (errors) or echo data. */
    public long dataOffset()
    {
        return address + HEADER_LENGTH;
    }
}
