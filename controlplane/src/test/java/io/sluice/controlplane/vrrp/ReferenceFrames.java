package io.sluice.controlplane.vrrp;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * An independent, byte-by-byte model of the checksums the frames carry, and hex helpers, for
 * checking the production code's frames without trusting its arithmetic.
 */
final class ReferenceFrames
{
    static final int ETHERNET = 14;

    private ReferenceFrames()
    {
    }

    static byte[] hex(final String text)
    {
        return HexFormat.of().parseHex(text.replaceAll("[\\s|]", ""));
    }

    static String hex(final byte[] bytes, final int length)
    {
        return HexFormat.of().formatHex(bytes, 0, length);
    }

    static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] slice(final byte[] bytes, final int from, final int length)
    {
        final byte[] part = new byte[length];
        System.arraycopy(bytes, from, part, 0, length);
        return part;
    }

    /** RFC 1071 the slow way: every 16-bit word added into an int, carries folded at the end. */
    static int checksum(final byte[] bytes)
    {
        int sum = 0;
        for (int i = 0; i < bytes.length; i += 2)
        {
            final int high = bytes[i] & 0xFF;
            final int low = i + 1 < bytes.length ? bytes[i + 1] & 0xFF : 0;
            sum += (high << 8) | low;
        }
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return ~sum & 0xFFFF;
    }

    static void putShort(final byte[] bytes, final int offset, final int value)
    {
        bytes[offset] = (byte)(value >> 8);
        bytes[offset + 1] = (byte)value;
    }

    /** Recomputes the IPv4 header checksum of a frame without VLAN tags. */
    static void fixIpv4HeaderChecksum(final byte[] frame)
    {
        final int headerLength = (frame[ETHERNET] & 0x0F) * 4;
        putShort(frame, ETHERNET + 10, 0);
        putShort(frame, ETHERNET + 10, checksum(slice(frame, ETHERNET, headerLength)));
    }

    /** Recomputes the checksum of the IPv4 VRRP packet in a frame, with or without the pseudo-header. */
    static void fixIpv4VrrpChecksum(final byte[] frame, final boolean withPseudoHeader)
    {
        final int headerLength = (frame[ETHERNET] & 0x0F) * 4;
        final int totalLength = ((frame[ETHERNET + 2] & 0xFF) << 8) | (frame[ETHERNET + 3] & 0xFF);
        final int vrrp = ETHERNET + headerLength;
        final int vrrpLength = totalLength - headerLength;
        putShort(frame, vrrp + 6, 0);
        final byte[] pseudo = concat(slice(frame, ETHERNET + 12, 8),
            new byte[] {0, 112, (byte)(vrrpLength >> 8), (byte)vrrpLength});
        final byte[] packet = slice(frame, vrrp, vrrpLength);
        putShort(frame, vrrp + 6, checksum(withPseudoHeader ? concat(pseudo, packet) : packet));
    }

    /** Recomputes the checksum of the upper-layer packet of an IPv6 frame (RFC 8200 pseudo-header). */
    static void fixIpv6Checksum(final byte[] frame, final int checksumOffset)
    {
        final int payloadLength = ((frame[ETHERNET + 4] & 0xFF) << 8) | (frame[ETHERNET + 5] & 0xFF);
        final int payload = ETHERNET + 40;
        putShort(frame, payload + checksumOffset, 0);
        final byte[] pseudo = concat(slice(frame, ETHERNET + 8, 32),
            new byte[] {0, 0, (byte)(payloadLength >> 8), (byte)payloadLength, 0, 0, 0, frame[ETHERNET + 6]});
        putShort(frame, payload + checksumOffset, checksum(concat(pseudo, slice(frame, payload, payloadLength))));
    }
}
