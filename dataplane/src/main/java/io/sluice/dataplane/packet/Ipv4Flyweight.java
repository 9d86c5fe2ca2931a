package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getI32;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.getU8;
import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * IPv4 header (RFC 791), options allowed.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |    DSCP   |ECN|          Total Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |Flags|      Fragment Offset    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (IHL > 5)                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #wrap} accepts a header only when version is 4, IHL is 5..15, and the total length
 * covers the header and fits in the frame (Ethernet padding after it is allowed).
 */
public final class Ipv4Flyweight extends HeaderFlyweight
{
    /** Header length without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Offset of version and IHL. */
    public static final int VERSION_IHL_OFFSET = 0;
    /** Offset of DSCP and ECN. */
    public static final int TOS_OFFSET = 1;
    /** Offset of the total length. */
    public static final int TOTAL_LENGTH_OFFSET = 2;
    /** Offset of the identification. */
    public static final int IDENTIFICATION_OFFSET = 4;
    /** Offset of flags and fragment offset. */
    public static final int FRAGMENT_OFFSET = 6;
    /** Offset of the TTL. */
    public static final int TTL_OFFSET = 8;
    /** Offset of the protocol. */
    public static final int PROTOCOL_OFFSET = 9;
    /** Offset of the header checksum. */
    public static final int CHECKSUM_OFFSET = 10;
    /** Offset of the source address. */
    public static final int SRC_ADDRESS_OFFSET = 12;
    /** Offset of the destination address. */
    public static final int DST_ADDRESS_OFFSET = 16;

    /** Don't Fragment flag in the flags/fragment-address word. */
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    /** More Fragments flag. */
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    /** Fragment address mask. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    /** ICMP. */
    public static final int PROTOCOL_ICMP = 1;
    /** IPv4 in IPv4. */
    public static final int PROTOCOL_IPIP = 4;
    /** TCP. */
    public static final int PROTOCOL_TCP = 6;
    /** UDP. */
    public static final int PROTOCOL_UDP = 17;
    /** IPv6 in IP. */
    public static final int PROTOCOL_IPV6 = 41;
    /** VRRP. */
    public static final int PROTOCOL_VRRP = 112;

    private int headerLength;
    private int totalLength;

    /**
     * Wraps and validates the IPv4 header at {@code address}.
     *
     * @return false for a truncated or malformed header.
     */
    public boolean wrap(final long address, final int available)
    {
        point(address, available);
        if (available < MIN_HEADER_LENGTH)
        {
            return false;
        }
        final int versionIhl = getU8(address);
        final int ihl = (versionIhl & 0x0F) << 2;
        final int total = getU16(address + TOTAL_LENGTH_OFFSET);
        if ((versionIhl >>> 4) != 4 || ihl < MIN_HEADER_LENGTH || total < ihl || total > available)
        {
            return false;
        }
        headerLength = ihl;
        totalLength = total;
        return true;
    }

    /**
     * Wraps an IPv4 header quoted in an ICMP error: the datagram is cut short by design, so the
     * total length may exceed what is present, but the header and the first 8 bytes of its
     * payload (the ports) must be there.
     *
     * @return false when the quoted header or its first 8 payload bytes are missing.
     */
    public boolean wrapQuoted(final long address, final int available)
    {
        point(address, available);
        if (available < MIN_HEADER_LENGTH)
        {
            return false;
        }
        final int versionIhl = getU8(address);
        final int ihl = (versionIhl & 0x0F) << 2;
        if ((versionIhl >>> 4) != 4 || ihl < MIN_HEADER_LENGTH || ihl + 8 > available)
        {
            return false;
        }
        headerLength = ihl;
        totalLength = getU16(address + TOTAL_LENGTH_OFFSET);
        return true;
    }

    /** @return header length in bytes, options included. */
    public int headerLength()
    {
        return headerLength;
    }

    /** @return the total length field: header plus payload. */
    public int totalLength()
    {
        return totalLength;
    }

    /** Sets the total length field (the checksum is not updated). @return this. */
    public Ipv4Flyweight totalLength(final int length)
    {
        putU16(address + TOTAL_LENGTH_OFFSET, length);
        totalLength = length;
        return this;
    }

    /** @return DSCP and ECN byte. */
    public int tos()
    {
        return getU8(address + TOS_OFFSET);
    }

    /** @return the flags and fragment offset word. */
    public int fragmentWord()
    {
        return getU16(address + FRAGMENT_OFFSET);
    }

    /** @return true when this is any fragment (More Fragments set or a non-zero address). */
    public boolean isFragment()
    {
        return (fragmentWord() & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    /** @return true when Don't Fragment is set. */
    public boolean dontFragment()
    {
        return (fragmentWord() & FLAG_DONT_FRAGMENT) != 0;
    }

    /** @return the time to live. */
    public int ttl()
    {
        return getU8(address + TTL_OFFSET);
    }

    /**
     * Sets the TTL and updates the header checksum incrementally (RFC 1624).
     *
     * @return this.
     */
    public Ipv4Flyweight ttlUpdatingChecksum(final int ttl)
    {
        final int oldWord = getU16(address + TTL_OFFSET);
        final int newWord = ((ttl & 0xFF) << 8) | (oldWord & 0xFF);
        putU8(address + TTL_OFFSET, ttl);
        putU16(address + CHECKSUM_OFFSET, Checksums.update16(checksum(), oldWord, newWord));
        return this;
    }

    /** @return the protocol number. */
    public int protocol()
    {
        return getU8(address + PROTOCOL_OFFSET);
    }

    /** @return the header checksum field. */
    public int checksum()
    {
        return getU16(address + CHECKSUM_OFFSET);
    }

    /** @return true when the header checksum verifies. */
    public boolean checksumValid()
    {
        return Checksums.compute(address, headerLength) == 0;
    }

    /** Recomputes the header checksum from scratch. @return this. */
    public Ipv4Flyweight updateChecksum()
    {
        putU16(address + CHECKSUM_OFFSET, 0);
        putU16(address + CHECKSUM_OFFSET, Checksums.compute(address, headerLength));
        return this;
    }

    /** @return source address, a.b.c.d as 0xaabbccdd. */
    public int srcAddress()
    {
        return getI32(address + SRC_ADDRESS_OFFSET);
    }

    /** Sets the source address (checksum not updated). @return this. */
    public Ipv4Flyweight srcAddress(final int ip)
    {
        putI32(address + SRC_ADDRESS_OFFSET, ip);
        return this;
    }

    /** @return destination address, a.b.c.d as 0xaabbccdd. */
    public int dstAddress()
    {
        return getI32(address + DST_ADDRESS_OFFSET);
    }

    /** Sets the destination address (checksum not updated). @return this. */
    public Ipv4Flyweight dstAddress(final int ip)
    {
        putI32(address + DST_ADDRESS_OFFSET, ip);
        return this;
    }

    /** @return absolute address of the payload (first byte after the options). */
    public long payloadOffset()
    {
        return address + headerLength;
    }

    /** @return payload length according to the total length field. */
    public int payloadLength()
    {
        return totalLength - headerLength;
    }

    /**
     * Writes a 20-byte IPv4 header without options, checksum included.
     *
     * @param address      where the header starts.
     * @param tos         DSCP/ECN byte.
     * @param totalLength header plus payload.
     * @param flags       flags word (e.g. {@link #FLAG_DONT_FRAGMENT}).
     * @param ttl         time to live.
     * @param protocol    payload protocol.
     * @param src         source address.
     * @param dst         destination address.
     * @return {@link #MIN_HEADER_LENGTH}.
     */
    public static int write(
        final long address, final int tos, final int totalLength, final int flags,
        final int ttl, final int protocol, final int src, final int dst)
    {
        putU16(address, 0x4500 | (tos & 0xFF));
        putU16(address + TOTAL_LENGTH_OFFSET, totalLength);
        putI32(address + IDENTIFICATION_OFFSET, flags & 0xFFFF);
        putU16(address + TTL_OFFSET, ((ttl & 0xFF) << 8) | (protocol & 0xFF));
        putI32(address + SRC_ADDRESS_OFFSET, src);
        putI32(address + DST_ADDRESS_OFFSET, dst);
        final long sum = 0x4500L + (tos & 0xFF) + totalLength + (flags & 0xFFFF) + (((ttl & 0xFF) << 8) | (protocol & 0xFF)) +
            ((src >>> 16) & 0xFFFF) + (src & 0xFFFF) + ((dst >>> 16) & 0xFFFF) + (dst & 0xFFFF);
        putU16(address + CHECKSUM_OFFSET, Checksums.finish(sum));
        return MIN_HEADER_LENGTH;
    }
}
