package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getI64;
import static io.sluice.dataplane.packet.NetworkOrder.getMac;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.getU8;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;

/**
 * ICMPv6 (RFC 4443) and the Neighbour Discovery messages (RFC 4861) Sluice answers and learns from.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  NS/NA: R|S|O flags, reserved / PTB: MTU / echo: id, seq      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  NS/NA: Target Address (16 bytes)                             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Options: type (1 SLLA, 2 TLLA), length in 8-byte units, ... |
 * </pre>
 */
public final class Icmpv6Flyweight extends HeaderFlyweight
{
    /** Header length (type, code, checksum, 4 bytes of message body). */
    public static final int HEADER_LENGTH = 8;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 2;
    /** NS/NA length up to the end of the target address. */
    public static final int ND_LENGTH = 24;
    /** Offset of the target address in NS/NA. */
    public static final int TARGET_OFFSET = 8;

    /** Destination unreachable. */
    public static final int TYPE_DEST_UNREACHABLE = 1;
    /** Packet too big. */
    public static final int TYPE_PACKET_TOO_BIG = 2;
    /** Time exceeded. */
    public static final int TYPE_TIME_EXCEEDED = 3;
    /** Parameter problem. */
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    /** Echo request. */
    public static final int TYPE_ECHO_REQUEST = 128;
    /** Echo reply. */
    public static final int TYPE_ECHO_REPLY = 129;
    /** Neighbour solicitation. */
    public static final int TYPE_NEIGHBOUR_SOLICITATION = 135;
    /** Neighbour advertisement. */
    public static final int TYPE_NEIGHBOUR_ADVERTISEMENT = 136;

    /** ND option: source link-layer address. */
    public static final int OPTION_SOURCE_LINK_ADDRESS = 1;
    /** ND option: target link-layer address. */
    public static final int OPTION_TARGET_LINK_ADDRESS = 2;

    /** NA flag: solicited. */
    public static final int NA_FLAG_SOLICITED = 0x4000_0000;
    /** NA flag: override. */
    public static final int NA_FLAG_OVERRIDE = 0x2000_0000;

    /**
     * Wraps the ICMPv6 header.
     *
     * @param available bytes of the ICMPv6 message.
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

    /** @return the checksum field. */
    public int checksum()
    {
        return getU16(address + CHECKSUM_OFFSET);
    }

    /** Sets the checksum field. @return this. */
    public Icmpv6Flyweight checksum(final int checksum)
    {
        putU16(address + CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** @return true for the error types (type below 128) that quote the offending packet. */
    public boolean isError()
    {
        return type() < 128;
    }

    /** @return true for an NS or NA long enough to hold its target address. */
    public boolean isNeighbourDiscovery()
    {
        final int type = type();
        return (type == TYPE_NEIGHBOUR_SOLICITATION || type == TYPE_NEIGHBOUR_ADVERTISEMENT) && available >= ND_LENGTH;
    }

    /** @return upper 64 bits of the NS/NA target (check {@link #isNeighbourDiscovery()} first). */
    public long targetHi()
    {
        return getI64(address + TARGET_OFFSET);
    }

    /** @return lower 64 bits of the NS/NA target. */
    public long targetLo()
    {
        return getI64(address + TARGET_OFFSET + 8);
    }

    /**
     * Finds a link-layer address option in an NS/NA.
     *
     * @param optionType {@link #OPTION_SOURCE_LINK_ADDRESS} or {@link #OPTION_TARGET_LINK_ADDRESS}.
     * @return the MAC in the low 48 bits, or -1 when absent or the options are malformed.
     */
    public long linkAddressOption(final int optionType)
    {
        long position = address + ND_LENGTH;
        final long end = address + available;
        while (position + 8 <= end)
        {
            final int type = getU8(position);
            final int length = getU8(position + 1) << 3;
            if (length == 0 || position + length > end)
            {
                return -1;
            }
            if (type == optionType && length >= 8)
            {
                return getMac(position + 2);
            }
            position += length;
        }
        return -1;
    }

    /** @return address of the quoted packet (errors) or the echo data: 8 bytes in. */
    public long dataOffset()
    {
        return address + HEADER_LENGTH;
    }
}
