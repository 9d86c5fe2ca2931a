package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getI32;
import static io.sluice.dataplane.packet.NetworkOrder.getI64;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.getU8;
import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * IPv6 fixed header (RFC 8200) and a walk over the extension headers to the upper layer.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Traffic Class |           Flow Label                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Payload Length        |  Next Header  |   Hop Limit   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                   Source Address (16 bytes)                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Destination Address (16 bytes)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #wrap} checks the version and that the payload length fits in the frame, then skips
 * Hop-by-Hop, Routing and Destination Options headers (bounded: at most
 * {@link #MAX_EXTENSION_HEADERS}) so {@link #upperProtocol()} and {@link #upperOffset()} name the
 * transport header. A Fragment header stops the walk: {@link #isFragment()} reports it.
 */
public final class Ipv6Flyweight extends HeaderFlyweight
{
    /** Fixed header length. */
    public static final int HEADER_LENGTH = 40;
    /** Offset of the payload length. */
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    /** Offset of the next header. */
    public static final int NEXT_HEADER_OFFSET = 6;
    /** Offset of the hop limit. */
    public static final int HOP_LIMIT_OFFSET = 7;
    /** Offset of the source address. */
    public static final int SRC_ADDRESS_OFFSET = 8;
    /** Offset of the destination address. */
    public static final int DST_ADDRESS_OFFSET = 24;

    /** Hop-by-Hop Options. */
    public static final int NEXT_HOP_BY_HOP = 0;
    /** Routing header. */
    public static final int NEXT_ROUTING = 43;
    /** Fragment header. */
    public static final int NEXT_FRAGMENT = 44;
    /** Destination Options. */
    public static final int NEXT_DESTINATION_OPTIONS = 60;
    /** ICMPv6. */
    public static final int NEXT_ICMPV6 = 58;
    /** No next header. */
    public static final int NEXT_NONE = 59;
    /** IPv6 in IPv6. */
    public static final int NEXT_IPV6 = 41;
    /** Most extension headers walked before the packet is called malformed. */
    public static final int MAX_EXTENSION_HEADERS = 8;

    private int payloadLength;
    private int upperProtocol;
    private long upperOffset;
    private boolean fragment;

    /**
     * Wraps and validates the IPv6 header at {@code address} and walks its extension headers.
     *
     * @return false for a truncated or malformed header chain.
     */
    public boolean wrap(final long address, final int available)
    {
        point(address, available);
        if (available < HEADER_LENGTH || (getU8(address) >>> 4) != 6)
        {
            return false;
        }
        payloadLength = getU16(address + PAYLOAD_LENGTH_OFFSET);
        final long end = address + HEADER_LENGTH + payloadLength;
        if (HEADER_LENGTH + payloadLength > available)
        {
            return false;
        }
        return walk(end, 0);
    }

    /**
     * Wraps an IPv6 header quoted in an ICMPv6 error: the packet is cut short by design, so the
     * payload length may exceed what is present, but the header chain and the first 8 bytes of
     * the upper-layer header (the ports) must be there.
     *
     * @return false when the quoted chain or the upper-layer ports are missing.
     */
    public boolean wrapQuoted(final long address, final int available)
    {
        point(address, available);
        if (available < HEADER_LENGTH || (getU8(address) >>> 4) != 6)
        {
            return false;
        }
        payloadLength = getU16(address + PAYLOAD_LENGTH_OFFSET);
        return walk(address + available, 8);
    }

    private boolean walk(final long end, final int upperBytesRequired)
    {
        int next = getU8(address + NEXT_HEADER_OFFSET);
        long position = address + HEADER_LENGTH;
        fragment = false;
        for (int i = 0; i <= MAX_EXTENSION_HEADERS; i++)
        {
            if (next == NEXT_HOP_BY_HOP || next == NEXT_ROUTING || next == NEXT_DESTINATION_OPTIONS)
            {
                if (position + 2 > end)
                {
                    return false;
                }
                final int length = (getU8(position + 1) + 1) << 3;
                next = getU8(position);
                position += length;
                if (position > end)
                {
                    return false;
                }
            }
            else
            {
                if (next == NEXT_FRAGMENT)
                {
                    fragment = true;
                }
                upperProtocol = next;
                upperOffset = position;
                return position + upperBytesRequired <= end;
            }
        }
        return false;
    }

    /** @return the payload length field (extension headers included). */
    public int payloadLength()
    {
        return payloadLength;
    }

    /** Sets the payload length field. @return this. */
    public Ipv6Flyweight payloadLength(final int length)
    {
        putU16(address + PAYLOAD_LENGTH_OFFSET, length);
        payloadLength = length;
        return this;
    }

    /** @return header plus payload length. */
    public int totalLength()
    {
        return HEADER_LENGTH + payloadLength;
    }

    /** @return the protocol of the first header that is not a skipped extension header. */
    public int upperProtocol()
    {
        return upperProtocol;
    }

    /** @return absolute address of the header {@link #upperProtocol()} names. */
    public long upperOffset()
    {
        return upperOffset;
    }

    /** @return bytes from {@link #upperOffset()} to the end of the IPv6 payload. */
    public int upperLength()
    {
        return (int)(address + HEADER_LENGTH + payloadLength - upperOffset);
    }

    /** @return true when the walk stopped at a Fragment header. */
    public boolean isFragment()
    {
        return fragment;
    }

    /** @return the traffic class byte. */
    public int trafficClass()
    {
        return (getU16(address) >>> 4) & 0xFF;
    }

    /** @return the 20-bit flow label. */
    public int flowLabel()
    {
        return getI32(address) & 0xF_FFFF;
    }

    /** @return the first next-header field (before any extension header). */
    public int nextHeader()
    {
        return getU8(address + NEXT_HEADER_OFFSET);
    }

    /** @return the hop limit. */
    public int hopLimit()
    {
        return getU8(address + HOP_LIMIT_OFFSET);
    }

    /** Sets the hop limit (IPv6 has no header checksum). @return this. */
    public Ipv6Flyweight hopLimit(final int hopLimit)
    {
        putU8(address + HOP_LIMIT_OFFSET, hopLimit);
        return this;
    }

    /** @return upper 64 bits of the source address. */
    public long srcHi()
    {
        return getI64(address + SRC_ADDRESS_OFFSET);
    }

    /** @return lower 64 bits of the source address. */
    public long srcLo()
    {
        return getI64(address + SRC_ADDRESS_OFFSET + 8);
    }

    /** @return upper 64 bits of the destination address. */
    public long dstHi()
    {
        return getI64(address + DST_ADDRESS_OFFSET);
    }

    /** @return lower 64 bits of the destination address. */
    public long dstLo()
    {
        return getI64(address + DST_ADDRESS_OFFSET + 8);
    }

    /** Sets the source address. @return this. */
    public Ipv6Flyweight srcAddress(final long hi, final long lo)
    {
        putI64(address + SRC_ADDRESS_OFFSET, hi);
        putI64(address + SRC_ADDRESS_OFFSET + 8, lo);
        return this;
    }

    /** Sets the destination address. @return this. */
    public Ipv6Flyweight dstAddress(final long hi, final long lo)
    {
        putI64(address + DST_ADDRESS_OFFSET, hi);
        putI64(address + DST_ADDRESS_OFFSET + 8, lo);
        return this;
    }

    /**
     * Writes a 40-byte IPv6 header.
     *
     * @return {@link #HEADER_LENGTH}.
     */
    public static int write(
        final long address, final int trafficClass, final int flowLabel,
        final int payloadLength, final int nextHeader, final int hopLimit,
        final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        putI32(address, (6 << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xF_FFFF));
        putU16(address + PAYLOAD_LENGTH_OFFSET, payloadLength);
        putU8(address + NEXT_HEADER_OFFSET, nextHeader);
        putU8(address + HOP_LIMIT_OFFSET, hopLimit);
        putI64(address + SRC_ADDRESS_OFFSET, srcHi);
        putI64(address + SRC_ADDRESS_OFFSET + 8, srcLo);
        putI64(address + DST_ADDRESS_OFFSET, dstHi);
        putI64(address + DST_ADDRESS_OFFSET + 8, dstLo);
        return HEADER_LENGTH;
    }
}
