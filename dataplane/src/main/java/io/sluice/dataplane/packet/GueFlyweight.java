package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.getU8;
import static io.sluice.dataplane.packet.NetworkOrder.putI32;

/**
 * Generic UDP Encapsulation header (draft-ietf-intarea-gue), variant 0, as Linux {@code fou}
 * in {@code gue} mode expects it.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Ver|C|  Hlen   |  Proto/ctype  |             Flags             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Extension fields (Hlen x 4 bytes)             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Variant 1 has no GUE header at all: the UDP payload starts with the inner IPv4 or IPv6 header,
 * whose first two bits (01) double as the GUE version. {@link #wrap} recognises both.
 */
public final class GueFlyweight extends HeaderFlyweight
{
    /** Variant 0 base header length. */
    public static final int HEADER_LENGTH = 4;
    /** The IANA-assigned GUE port. */
    public static final int DEFAULT_PORT = 6080;

    private int variant;
    private int headerLength;

    /**
     * Wraps a GUE payload.
     *
     * @return false for a truncated header, a control message or an unknown version.
     */
    public boolean wrap(final long address, final int available)
    {
        point(address, available);
        if (available < 1)
        {
            return false;
        }
        final int first = getU8(address);
        final int version = first >>> 6;
        if (version == 1)
        {
            variant = 1;
            headerLength = 0;
            return true;
        }
        if (version != 0 || available < HEADER_LENGTH || (first & 0x20) != 0)
        {
            return false;
        }
        variant = 0;
        headerLength = HEADER_LENGTH + ((first & 0x1F) << 2);
        return headerLength <= available;
    }

    /** @return 0 or 1. */
    public int variant()
    {
        return variant;
    }

    /** @return GUE header length including extension fields; 0 for variant 1. */
    public int headerLength()
    {
        return headerLength;
    }

    /** @return the inner protocol: the Proto field (variant 0) or 4 / 41 from the inner IP version (variant 1). */
    public int innerProtocol()
    {
        if (variant == 1)
        {
            return (getU8(address) >>> 4) == 6 ? Ipv4Flyweight.PROTOCOL_IPV6 : Ipv4Flyweight.PROTOCOL_IPIP;
        }
        return getU8(address + 1);
    }

    /** @return the flags field (variant 0). */
    public int flags()
    {
        return variant == 0 ? getU16(address + 2) : 0;
    }

    /**
     * Writes a variant 0 header with no extensions and no flags.
     *
     * @param innerProtocol 4 for IPv4, 41 for IPv6.
     * @return {@link #HEADER_LENGTH}.
     */
    public static int write(final long address, final int innerProtocol)
    {
        putI32(address, (innerProtocol & 0xFF) << 16);
        return HEADER_LENGTH;
    }
}
