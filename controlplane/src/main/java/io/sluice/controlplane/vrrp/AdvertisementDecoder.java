package io.sluice.controlplane.vrrp;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

import io.sluice.dataplane.flow.FlowKey;

/**
 * Checks a received Ethernet frame as RFC 5798 §7.1 says and decodes the advertisement it
 * carries. Up to two VLAN tags are skipped; the Ethernet source may be any MAC (keepalived
 * without {@code use_vmac} sends from the interface's). The checksum is accepted in the RFC 5798
 * form (with the pseudo-header) and, for IPv4, in the RFC 9568 form (without it); the decoded
 * advert says which matched. Whether the VRID is configured is the caller's check.
 * Stateless: one decoder may serve any number of frames, no allocation.
 */
public final class AdvertisementDecoder
{
    private static final int ETHER_TYPE_VLAN = 0x8100;
    private static final int ETHER_TYPE_QINQ = 0x88A8;
    private static final int VLAN_TAG_LENGTH = 4;
    private static final int MAX_VLAN_TAGS = 2;
    private static final int IPV4_FRAGMENT_MASK = 0x3FFF;

    private AdvertisementDecoder()
    {
    }

    /**
     * Decodes one frame.
     *
     * @param buffer the frame's buffer.
     * @param offset where the Ethernet header starts.
     * @param length the frame's length (trailing padding allowed), within the buffer.
     * @param into   receives the fields when the frame is a valid advertisement.
     * @return null for a valid advertisement, else why it is discarded ({@code into} then undefined).
     */
    public static VrrpDiscard decode(final DirectBuffer buffer, final int offset, final int length, final Advertisement into)
    {
        if (offset < 0 || length < VrrpFrames.ETHERNET_HEADER_LENGTH || length > buffer.capacity() - offset)
        {
            return VrrpDiscard.NOT_VRRP;
        }
        final int end = offset + length;
        int position = offset + 12;
        int etherType = buffer.getShort(position, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        for (int tags = 0; tags < MAX_VLAN_TAGS && (etherType == ETHER_TYPE_VLAN || etherType == ETHER_TYPE_QINQ); tags++)
        {
            position += VLAN_TAG_LENGTH;
            if (end - position < 2)
            {
                return VrrpDiscard.NOT_VRRP;
            }
            etherType = buffer.getShort(position, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        final long sourceMac = mac(buffer, offset + 6);
        final int ip = position + 2;
        if (etherType == VrrpFrames.ETHER_TYPE_IPV4)
        {
            return decodeIpv4(buffer, ip, end, sourceMac, into);
        }
        if (etherType == VrrpFrames.ETHER_TYPE_IPV6)
        {
            return decodeIpv6(buffer, ip, end, sourceMac, into);
        }
        return VrrpDiscard.NOT_VRRP;
    }

    private static VrrpDiscard decodeIpv4(
        final DirectBuffer buffer, final int ip, final int end, final long sourceMac, final Advertisement into)
    {
        if (end - ip < VrrpFrames.IPV4_HEADER_LENGTH)
        {
            return VrrpDiscard.MALFORMED_IP;
        }
        if ((buffer.getByte(ip + 9) & 0xFF) != VrrpFrames.IP_PROTOCOL_VRRP)
        {
            return VrrpDiscard.NOT_VRRP;
        }
        final int versionIhl = buffer.getByte(ip) & 0xFF;
        final int headerLength = (versionIhl & 0x0F) * 4;
        final int totalLength = buffer.getShort(ip + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if ((versionIhl >>> 4) != 4 || headerLength < VrrpFrames.IPV4_HEADER_LENGTH || totalLength < headerLength ||
            totalLength > end - ip ||
            (buffer.getShort(ip + 6, ByteOrder.BIG_ENDIAN) & IPV4_FRAGMENT_MASK) != 0 ||
            InternetChecksum.fold(InternetChecksum.add(0, buffer, ip, headerLength)) != 0xFFFF)
        {
            return VrrpDiscard.MALFORMED_IP;
        }
        if ((buffer.getByte(ip + 8) & 0xFF) != VrrpFrames.TTL)
        {
            return VrrpDiscard.TTL;
        }
        final int source = buffer.getInt(ip + 12, ByteOrder.BIG_ENDIAN);
        final int destination = buffer.getInt(ip + 16, ByteOrder.BIG_ENDIAN);
        final long pseudo = InternetChecksum.addInt(InternetChecksum.addInt(0, source), destination) +
            VrrpFrames.IP_PROTOCOL_VRRP + (totalLength - headerLength);
        return decodeVrrp(buffer, ip + headerLength, totalLength - headerLength, VrrpFamily.IPV4, pseudo,
            FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(source), sourceMac, into);
    }

    private static VrrpDiscard decodeIpv6(
        final DirectBuffer buffer, final int ip, final int end, final long sourceMac, final Advertisement into)
    {
        if (end - ip < VrrpFrames.IPV6_HEADER_LENGTH)
        {
            return VrrpDiscard.MALFORMED_IP;
        }
        if ((buffer.getByte(ip + 6) & 0xFF) != VrrpFrames.IP_PROTOCOL_VRRP)
        {
            return VrrpDiscard.NOT_VRRP;
        }
        final int payloadLength = buffer.getShort(ip + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (((buffer.getByte(ip) & 0xFF) >>> 4) != 6 || payloadLength > end - ip - VrrpFrames.IPV6_HEADER_LENGTH)
        {
            return VrrpDiscard.MALFORMED_IP;
        }
        if ((buffer.getByte(ip + 7) & 0xFF) != VrrpFrames.TTL)
        {
            return VrrpDiscard.TTL;
        }
        final long sourceHi = buffer.getLong(ip + 8, ByteOrder.BIG_ENDIAN);
        final long sourceLo = buffer.getLong(ip + 16, ByteOrder.BIG_ENDIAN);
        long pseudo = InternetChecksum.addLong(0, sourceHi);
        pseudo = InternetChecksum.addLong(pseudo, sourceLo);
        pseudo = InternetChecksum.addLong(pseudo, buffer.getLong(ip + 24, ByteOrder.BIG_ENDIAN));
        pseudo = InternetChecksum.addLong(pseudo, buffer.getLong(ip + 32, ByteOrder.BIG_ENDIAN));
        pseudo += payloadLength + VrrpFrames.IP_PROTOCOL_VRRP;
        return decodeVrrp(buffer, ip + VrrpFrames.IPV6_HEADER_LENGTH, payloadLength, VrrpFamily.IPV6, pseudo,
            sourceHi, sourceLo, sourceMac, into);
    }

    private static VrrpDiscard decodeVrrp(
        final DirectBuffer buffer, final int vrrp, final int length, final VrrpFamily family, final long pseudoSum,
        final long sourceHi, final long sourceLo, final long sourceMac, final Advertisement into)
    {
        if (length < VrrpFrames.VRRP_HEADER_LENGTH)
        {
            return VrrpDiscard.TOO_SHORT;
        }
        final int versionType = buffer.getByte(vrrp) & 0xFF;
        if ((versionType >>> 4) != VrrpFrames.VERSION)
        {
            return VrrpDiscard.VERSION;
        }
        if ((versionType & 0x0F) != VrrpFrames.TYPE_ADVERTISEMENT)
        {
            return VrrpDiscard.TYPE;
        }
        final int count = buffer.getByte(vrrp + 3) & 0xFF;
        final int expectedLength = VrrpFrames.VRRP_HEADER_LENGTH + count * family.addressLength();
        if (length < expectedLength)
        {
            return VrrpDiscard.TOO_SHORT;
        }
        if (count == 0 || length != expectedLength)
        {
            return VrrpDiscard.COUNT_MISMATCH;
        }
        final long sum = InternetChecksum.add(0, buffer, vrrp, length);
        final boolean withPseudoHeader = InternetChecksum.fold(sum + pseudoSum) == 0xFFFF;
        if (!withPseudoHeader && (family.ipv6() || InternetChecksum.fold(sum) != 0xFFFF))
        {
            return VrrpDiscard.CHECKSUM;
        }
        into.set(family, buffer.getByte(vrrp + 1) & 0xFF, buffer.getByte(vrrp + 2) & 0xFF,
            buffer.getShort(vrrp + 4, ByteOrder.BIG_ENDIAN) & 0x0FFF, count, sourceHi, sourceLo, sourceMac,
            withPseudoHeader);
        return null;
    }

    private static long mac(final DirectBuffer buffer, final int offset)
    {
        return ((buffer.getInt(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL) << 16) |
            (buffer.getShort(offset + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF);
    }
}
