package io.sluice.lab;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Frames for the lab tests, written here from the RFCs and independent of the dataplane's own
 * encoders: Ethernet, IPv4 (RFC 791), IPv6 (RFC 8200), TCP SYN (RFC 9293), UDP (RFC 768), GUE
 * (draft-ietf-intarea-gue), ARP (RFC 826) and neighbour solicitations (RFC 4861), with every
 * checksum computed (RFC 1071), plus readers for the ARP replies and neighbour advertisements the
 * backends send back.
 */
final class TestPackets
{
    static final int ETHER_TYPE_IPV4 = 0x0800;
    static final int ETHER_TYPE_ARP = 0x0806;
    static final int ETHER_TYPE_IPV6 = 0x86DD;
    static final int PROTOCOL_IPV4 = 4;
    static final int PROTOCOL_TCP = 6;
    static final int PROTOCOL_UDP = 17;
    static final int PROTOCOL_IPV6 = 41;
    static final int PROTOCOL_ICMPV6 = 58;

    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int IPV4_HEADER_LENGTH = 20;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int DEFAULT_TTL = 64;
    private static final int ND_HOP_LIMIT = 255;
    private static final int TCP_FLAG_SYN = 0x02;
    private static final int ICMPV6_NEIGHBOUR_SOLICITATION = 135;
    private static final int ICMPV6_NEIGHBOUR_ADVERTISEMENT = 136;
    private static final int ARP_REQUEST = 1;
    private static final int ARP_REPLY = 2;

    private TestPackets()
    {
    }

    static byte[] ethernet(final String destinationMac, final String sourceMac, final int etherType, final byte[] payload)
    {
        return ByteBuffer.allocate(ETHERNET_HEADER_LENGTH + payload.length).put(mac(destinationMac)).put(mac(sourceMac))
            .putShort((short)etherType).put(payload).array();
    }

    /** IPv4 header without options, DF set, identification 0, TTL 64. */
    static byte[] ipv4(final String source, final String destination, final int protocol, final byte[] payload)
    {
        final ByteBuffer packet = ByteBuffer.allocate(IPV4_HEADER_LENGTH + payload.length)
            .put((byte)0x45).put((byte)0).putShort((short)(IPV4_HEADER_LENGTH + payload.length))
            .putShort((short)0).putShort((short)0x4000).put((byte)DEFAULT_TTL).put((byte)protocol).putShort((short)0)
            .put(address(source, 4)).put(address(destination, 4)).put(payload);
        final byte[] bytes = packet.array();
        final int checksum = checksum(bytes, 0, IPV4_HEADER_LENGTH, 0);
        bytes[10] = (byte)(checksum >>> 8);
        bytes[11] = (byte)checksum;
        return bytes;
    }

    static byte[] ipv6(final String source, final String destination, final int nextHeader, final byte[] payload)
    {
        return ipv6(source, destination, nextHeader, DEFAULT_TTL, payload);
    }

    static byte[] ipv6(
        final String source, final String destination, final int nextHeader, final int hopLimit, final byte[] payload)
    {
        return ByteBuffer.allocate(IPV6_HEADER_LENGTH + payload.length).putInt(0x6000_0000)
            .putShort((short)payload.length).put((byte)nextHeader).put((byte)hopLimit)
            .put(address(source, 16)).put(address(destination, 16)).put(payload).array();
    }

    /** A TCP SYN without options, window 65535; addresses are those of the IP header it goes in. */
    static byte[] tcpSyn(
        final String source, final String destination, final int sourcePort, final int destinationPort, final long sequence)
    {
        final byte[] segment = ByteBuffer.allocate(20).putShort((short)sourcePort).putShort((short)destinationPort)
            .putInt((int)sequence).putInt(0).put((byte)(5 << 4)).put((byte)TCP_FLAG_SYN).putShort((short)0xFFFF)
            .putShort((short)0).putShort((short)0).array();
        return withTransportChecksum(source, destination, PROTOCOL_TCP, segment, 16);
    }

    static byte[] udp(
        final String source, final String destination, final int sourcePort, final int destinationPort, final byte[] payload)
    {
        final byte[] datagram = ByteBuffer.allocate(8 + payload.length).putShort((short)sourcePort)
            .putShort((short)destinationPort).putShort((short)(8 + payload.length)).putShort((short)0).put(payload).array();
        return withTransportChecksum(source, destination, PROTOCOL_UDP, datagram, 6);
    }

    /** GUE variant 0 data message: version 0, C 0, Hlen 0, Proto, flags 0, then the inner packet. */
    static byte[] gueVariant0(final int protocol, final byte[] inner)
    {
        return ByteBuffer.allocate(4 + inner.length).put((byte)0).put((byte)protocol).putShort((short)0).put(inner).array();
    }

    /** GUE variant 0 control message (C bit set, ctype 0): no inner packet for the stack. */
    static byte[] gueControl()
    {
        return new byte[] {0x20, 0, 0, 0};
    }

    /** A broadcast ARP request: who has {@code targetIpv4}, tell {@code senderIpv4} at {@code senderMac}. */
    static byte[] arpRequest(final String senderMac, final String senderIpv4, final String targetIpv4)
    {
        final byte[] arp = ByteBuffer.allocate(28).putShort((short)1).putShort((short)ETHER_TYPE_IPV4).put((byte)6)
            .put((byte)4).putShort((short)ARP_REQUEST).put(mac(senderMac)).put(address(senderIpv4, 4))
            .put(new byte[6]).put(address(targetIpv4, 4)).array();
        return ethernet("ff:ff:ff:ff:ff:ff", senderMac, ETHER_TYPE_ARP, arp);
    }

    /**
     * A neighbour solicitation for {@code target} to its solicited-node multicast group, with the
     * sender's link-layer address option.
     */
    static byte[] neighbourSolicitation(final String senderMac, final String senderIpv6, final String target)
    {
        final byte[] targetBytes = address(target, 16);
        final byte[] group = address("ff02::1:ff00:0", 16);
        group[13] = targetBytes[13];
        group[14] = targetBytes[14];
        group[15] = targetBytes[15];
        final String groupMac = String.format("33:33:ff:%02x:%02x:%02x", targetBytes[13], targetBytes[14], targetBytes[15]);
        final byte[] message = ByteBuffer.allocate(32).put((byte)ICMPV6_NEIGHBOUR_SOLICITATION).put((byte)0)
            .putShort((short)0).putInt(0).put(targetBytes).put((byte)1).put((byte)1).put(mac(senderMac)).array();
        final String groupText = hostAddress(group);
        final byte[] icmp = withTransportChecksum(senderIpv6, groupText, PROTOCOL_ICMPV6, message, 2);
        return ethernet(groupMac, senderMac, ETHER_TYPE_IPV6, ipv6(senderIpv6, groupText, PROTOCOL_ICMPV6, ND_HOP_LIMIT, icmp));
    }

    /**
     * Reads an ARP reply.
     *
     * @return {@code "SENDER_IP is-at SENDER_MAC"}, or null when the frame is not an ARP reply.
     */
    static String arpReply(final byte[] frame)
    {
        if (frame.length < ETHERNET_HEADER_LENGTH + 28 || etherType(frame) != ETHER_TYPE_ARP ||
            unsignedShort(frame, ETHERNET_HEADER_LENGTH + 6) != ARP_REPLY)
        {
            return null;
        }
        final byte[] senderIp = new byte[4];
        System.arraycopy(frame, ETHERNET_HEADER_LENGTH + 14, senderIp, 0, 4);
        return hostAddress(senderIp) + " is-at " + macText(frame, ETHERNET_HEADER_LENGTH + 8);
    }

    /**
     * Reads a neighbour advertisement.
     *
     * @return {@code "TARGET is-at SOURCE_MAC"} (the Ethernet source), or null when the frame is not one.
     */
    static String neighbourAdvertisement(final byte[] frame)
    {
        final int icmp = ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH;
        if (frame.length < icmp + 24 || etherType(frame) != ETHER_TYPE_IPV6 ||
            (frame[ETHERNET_HEADER_LENGTH + 6] & 0xFF) != PROTOCOL_ICMPV6 ||
            (frame[icmp] & 0xFF) != ICMPV6_NEIGHBOUR_ADVERTISEMENT)
        {
            return null;
        }
        final byte[] target = new byte[16];
        System.arraycopy(frame, icmp + 8, target, 0, 16);
        return hostAddress(target) + " is-at " + macText(frame, 6);
    }

    /** Canonical text of an address: dotted IPv4, or IPv6 as {@link Inet6Address} prints it. */
    static String canonical(final String literal)
    {
        return InetAddress.ofLiteral(literal).getHostAddress();
    }

    static byte[] mac(final String text)
    {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    private static String macText(final byte[] frame, final int offset)
    {
        return HexFormat.ofDelimiter(":").formatHex(frame, offset, offset + 6);
    }

    private static int etherType(final byte[] frame)
    {
        return unsignedShort(frame, 12);
    }

    private static int unsignedShort(final byte[] bytes, final int offset)
    {
        return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
    }

    private static byte[] address(final String literal, final int length)
    {
        final byte[] bytes = InetAddress.ofLiteral(literal).getAddress();
        if (bytes.length != length)
        {
            throw new IllegalArgumentException(literal + " is not an IPv" + (length == 4 ? 4 : 6) + " address");
        }
        return bytes;
    }

    private static String hostAddress(final byte[] bytes)
    {
        try
        {
            return InetAddress.getByAddress(bytes).getHostAddress();
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalArgumentException("not an address: " + HexFormat.of().formatHex(bytes), ex);
        }
    }

    /** Writes the checksum of a TCP, UDP or ICMPv6 message over its pseudo-header at checksumOffset. */
    private static byte[] withTransportChecksum(
        final String source, final String destination, final int protocol, final byte[] message, final int checksumOffset)
    {
        final byte[] sourceBytes = InetAddress.ofLiteral(source).getAddress();
        final byte[] destinationBytes = InetAddress.ofLiteral(destination).getAddress();
        final ByteArrayOutputStream pseudo = new ByteArrayOutputStream();
        pseudo.writeBytes(sourceBytes);
        pseudo.writeBytes(destinationBytes);
        if (sourceBytes.length == 4)
        {
            pseudo.writeBytes(new byte[] {0, (byte)protocol, (byte)(message.length >>> 8), (byte)message.length});
        }
        else
        {
            pseudo.writeBytes(ByteBuffer.allocate(8).putInt(message.length).putInt(protocol).array());
        }
        final byte[] pseudoHeader = pseudo.toByteArray();
        int checksum = checksum(message, 0, message.length, sum(pseudoHeader, 0, pseudoHeader.length));
        if (checksum == 0 && protocol == PROTOCOL_UDP)
        {
            checksum = 0xFFFF;
        }
        message[checksumOffset] = (byte)(checksum >>> 8);
        message[checksumOffset + 1] = (byte)checksum;
        return message;
    }

    private static int checksum(final byte[] bytes, final int offset, final int length, final long initialSum)
    {
        long sum = initialSum + sum(bytes, offset, length);
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    private static long sum(final byte[] bytes, final int offset, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int high = bytes[offset + i] & 0xFF;
            final int low = i + 1 < length ? bytes[offset + i + 1] & 0xFF : 0;
            sum += (high << 8) | low;
        }
        return sum;
    }
}
