package io.sluice.controlplane.vrrp;

import java.nio.ByteOrder;
import java.util.List;

import org.agrona.MutableDirectBuffer;

import io.sluice.dataplane.service.IpAddress;

/**
 * Builds the whole Ethernet frames VRRP sends: advertisements (RFC 5798 §5), gratuitous ARP
 * requests (RFC 5227) and unsolicited Neighbor Advertisements (RFC 4861 §7.2.6). Frames have no
 * VLAN tag and are padded to the 60-byte Ethernet minimum.
 * <pre>
 *  advertisement, after the IPv4 (protocol 112, TTL 255) or IPv6 (next header 112, hop limit 255) header:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |(rsvd) |     Max Adver Int     |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 IPvX address(es), 4 or 16 bytes each           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The checksum covers the pseudo-header of the IP packet (RFC 5798 §5.2.8), as keepalived 2.2.7
 * sends and expects it; the IP traffic class is 0xc0 (network control), as keepalived's.
 */
public final class VrrpFrames
{
    /** Bytes of an Ethernet header without VLAN tags. */
    public static final int ETHERNET_HEADER_LENGTH = 14;
    /** Bytes of the VRRP header before the addresses. */
    public static final int VRRP_HEADER_LENGTH = 8;
    /** The shortest Ethernet frame without its FCS: shorter frames are padded with zeros. */
    public static final int MIN_FRAME_LENGTH = 60;
    /** The longest frame any builder here writes (an IPv6 advert with 255 addresses). */
    public static final int MAX_FRAME_LENGTH = ETHERNET_HEADER_LENGTH + 40 + VRRP_HEADER_LENGTH + 255 * 16;
    /** IP protocol number (and IPv6 next header) of VRRP. */
    public static final int IP_PROTOCOL_VRRP = 112;
    /** The VRRP version this code speaks. */
    public static final int VERSION = 3;
    /** The one VRRP packet type, ADVERTISEMENT. */
    public static final int TYPE_ADVERTISEMENT = 1;
    /** The TTL / hop limit VRRP packets are sent with and must arrive with. */
    public static final int TTL = 255;
    /** The IPv4 group of VRRP, 224.0.0.18. */
    public static final IpAddress IPV4_GROUP = IpAddress.parse("224.0.0.18");
    /** The IPv6 group of VRRP, ff02::12. */
    public static final IpAddress IPV6_GROUP = IpAddress.parse("ff02::12");

    static final int ETHER_TYPE_IPV4 = 0x0800;
    static final int ETHER_TYPE_IPV6 = 0x86DD;
    static final int ETHER_TYPE_ARP = 0x0806;
    static final int IPV4_HEADER_LENGTH = 20;
    static final int IPV6_HEADER_LENGTH = 40;
    static final int TRAFFIC_CLASS = 0xC0;

    private static final int IP_PROTOCOL_ICMPV6 = 58;
    private static final int ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
    private static final int NA_FLAGS_ROUTER_OVERRIDE = 0xA000_0000;
    private static final int NA_LENGTH = 32;
    private static final int ARP_LENGTH = 28;
    private static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;
    private static final long ALL_NODES_MAC = 0x3333_0000_0001L;
    private static final IpAddress ALL_NODES = IpAddress.parse("ff02::1");

    private VrrpFrames()
    {
    }

    /**
     * Writes an advertisement of a virtual router: source MAC the virtual MAC, source address the
     * router's primary address.
     *
     * @param buffer         where to write; needs {@link #MAX_FRAME_LENGTH} bytes from {@code offset} at most.
     * @param offset         where the frame starts.
     * @param router         the virtual router.
     * @param priority       the priority to advertise (the router's, or 0 when it gives up being master).
     * @param destination    the group ({@link #IPV4_GROUP}, {@link #IPV6_GROUP}) or a unicast peer.
     * @param destinationMac the group's MAC ({@link VrrpFamily#groupMac()}) or the peer's.
     * @return the frame length.
     */
    public static int writeAdvertisement(
        final MutableDirectBuffer buffer, final int offset, final VrrpConfig router, final int priority,
        final IpAddress destination, final long destinationMac)
    {
        final List<IpAddress> addresses = router.virtualAddresses();
        final boolean ipv6 = router.family().ipv6();
        final int vrrpLength = VRRP_HEADER_LENGTH + addresses.size() * router.family().addressLength();
        final int ip = writeEthernet(buffer, offset, destinationMac, router.virtualMac(),
            ipv6 ? ETHER_TYPE_IPV6 : ETHER_TYPE_IPV4);
        final int vrrp = ipv6 ?
            writeIpv6(buffer, ip, router.primaryAddress(), destination, IP_PROTOCOL_VRRP, vrrpLength) :
            writeIpv4(buffer, ip, router.primaryAddress(), destination, vrrpLength);
        buffer.putByte(vrrp, (byte)((VERSION << 4) | TYPE_ADVERTISEMENT));
        buffer.putByte(vrrp + 1, (byte)router.vrid());
        buffer.putByte(vrrp + 2, (byte)priority);
        buffer.putByte(vrrp + 3, (byte)addresses.size());
        buffer.putShort(vrrp + 4, (short)(router.advertIntervalCs() & 0x0FFF), ByteOrder.BIG_ENDIAN);
        buffer.putShort(vrrp + 6, (short)0, ByteOrder.BIG_ENDIAN);
        int position = vrrp + VRRP_HEADER_LENGTH;
        for (final IpAddress address : addresses)
        {
            position = putAddress(buffer, position, address);
        }
        final long sum = pseudoHeaderSum(router.primaryAddress(), destination, IP_PROTOCOL_VRRP, vrrpLength);
        final int checksum = InternetChecksum.finish(InternetChecksum.add(sum, buffer, vrrp, vrrpLength));
        buffer.putShort(vrrp + 6, (short)checksum, ByteOrder.BIG_ENDIAN);
        return pad(buffer, offset, position - offset);
    }

    /**
     * Writes a gratuitous ARP request for a virtual IPv4 address: broadcast, from the virtual MAC,
     * sender and target protocol address both the address, target hardware address zero.
     *
     * @param buffer  where to write; needs {@link #MIN_FRAME_LENGTH} bytes from {@code offset}.
     * @param offset  where the frame starts.
     * @param vrid    the virtual router id, which makes the virtual MAC.
     * @param address the virtual IPv4 address.
     * @return the frame length.
     */
    public static int writeGratuitousArp(
        final MutableDirectBuffer buffer, final int offset, final int vrid, final IpAddress address)
    {
        final long mac = VrrpFamily.IPV4.virtualMac(vrid);
        final int arp = writeEthernet(buffer, offset, BROADCAST_MAC, mac, ETHER_TYPE_ARP);
        buffer.putShort(arp, (short)1, ByteOrder.BIG_ENDIAN);
        buffer.putShort(arp + 2, (short)ETHER_TYPE_IPV4, ByteOrder.BIG_ENDIAN);
        buffer.putByte(arp + 4, (byte)6);
        buffer.putByte(arp + 5, (byte)4);
        buffer.putShort(arp + 6, (short)1, ByteOrder.BIG_ENDIAN);
        putMac(buffer, arp + 8, mac);
        buffer.putInt(arp + 14, address.ipv4(), ByteOrder.BIG_ENDIAN);
        putMac(buffer, arp + 18, 0);
        buffer.putInt(arp + 24, address.ipv4(), ByteOrder.BIG_ENDIAN);
        return pad(buffer, offset, ETHERNET_HEADER_LENGTH + ARP_LENGTH);
    }

    /**
     * Writes an unsolicited Neighbor Advertisement for a virtual IPv6 address: from the virtual MAC
     * and the router's link-local address to ff02::1, flags R=1 S=0 O=1, the target link-layer
     * address option holding the virtual MAC.
     *
     * @param buffer  where to write; needs 86 bytes from {@code offset}.
     * @param offset  where the frame starts.
     * @param vrid    the virtual router id, which makes the virtual MAC.
     * @param source  the router's link-local address.
     * @param target  the virtual IPv6 address.
     * @return the frame length.
     */
    public static int writeUnsolicitedNa(
        final MutableDirectBuffer buffer, final int offset, final int vrid, final IpAddress source, final IpAddress target)
    {
        final long mac = VrrpFamily.IPV6.virtualMac(vrid);
        final int ip = writeEthernet(buffer, offset, ALL_NODES_MAC, mac, ETHER_TYPE_IPV6);
        final int icmp = writeIpv6(buffer, ip, source, ALL_NODES, IP_PROTOCOL_ICMPV6, NA_LENGTH);
        buffer.putByte(icmp, (byte)ICMPV6_NEIGHBOR_ADVERTISEMENT);
        buffer.putByte(icmp + 1, (byte)0);
        buffer.putShort(icmp + 2, (short)0, ByteOrder.BIG_ENDIAN);
        buffer.putInt(icmp + 4, NA_FLAGS_ROUTER_OVERRIDE, ByteOrder.BIG_ENDIAN);
        putAddress(buffer, icmp + 8, target);
        buffer.putByte(icmp + 24, (byte)2);
        buffer.putByte(icmp + 25, (byte)1);
        putMac(buffer, icmp + 26, mac);
        final long sum = pseudoHeaderSum(source, ALL_NODES, IP_PROTOCOL_ICMPV6, NA_LENGTH);
        final int checksum = InternetChecksum.finish(InternetChecksum.add(sum, buffer, icmp, NA_LENGTH));
        buffer.putShort(icmp + 2, (short)checksum, ByteOrder.BIG_ENDIAN);
        return pad(buffer, offset, icmp + NA_LENGTH - offset);
    }

    /**
     * The unfolded sum of a pseudo-header: for IPv4 source, destination, zero, protocol and length;
     * for IPv6 the RFC 8200 form (source, destination, 32-bit length, three zero bytes, next header).
     */
    static long pseudoHeaderSum(final IpAddress source, final IpAddress destination, final int protocol, final int length)
    {
        if (source.ipv6())
        {
            long sum = InternetChecksum.addLong(0, source.hi());
            sum = InternetChecksum.addLong(sum, source.lo());
            sum = InternetChecksum.addLong(sum, destination.hi());
            sum = InternetChecksum.addLong(sum, destination.lo());
            return sum + length + protocol;
        }
        final long sum = InternetChecksum.addInt(InternetChecksum.addInt(0, source.ipv4()), destination.ipv4());
        return sum + protocol + length;
    }

    private static int writeEthernet(
        final MutableDirectBuffer buffer, final int offset, final long destination, final long source, final int type)
    {
        putMac(buffer, offset, destination);
        putMac(buffer, offset + 6, source);
        buffer.putShort(offset + 12, (short)type, ByteOrder.BIG_ENDIAN);
        return offset + ETHERNET_HEADER_LENGTH;
    }

    private static int writeIpv4(
        final MutableDirectBuffer buffer, final int offset, final IpAddress source, final IpAddress destination,
        final int payloadLength)
    {
        buffer.putByte(offset, (byte)0x45);
        buffer.putByte(offset + 1, (byte)TRAFFIC_CLASS);
        buffer.putShort(offset + 2, (short)(IPV4_HEADER_LENGTH + payloadLength), ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 4, 0, ByteOrder.BIG_ENDIAN);
        buffer.putByte(offset + 8, (byte)TTL);
        buffer.putByte(offset + 9, (byte)IP_PROTOCOL_VRRP);
        buffer.putShort(offset + 10, (short)0, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 12, source.ipv4(), ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 16, destination.ipv4(), ByteOrder.BIG_ENDIAN);
        final int checksum = InternetChecksum.finish(InternetChecksum.add(0, buffer, offset, IPV4_HEADER_LENGTH));
        buffer.putShort(offset + 10, (short)checksum, ByteOrder.BIG_ENDIAN);
        return offset + IPV4_HEADER_LENGTH;
    }

    private static int writeIpv6(
        final MutableDirectBuffer buffer, final int offset, final IpAddress source, final IpAddress destination,
        final int nextHeader, final int payloadLength)
    {
        buffer.putInt(offset, (6 << 28) | (TRAFFIC_CLASS << 20), ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + 4, (short)payloadLength, ByteOrder.BIG_ENDIAN);
        buffer.putByte(offset + 6, (byte)nextHeader);
        buffer.putByte(offset + 7, (byte)TTL);
        putAddress(buffer, offset + 8, source);
        putAddress(buffer, offset + 24, destination);
        return offset + IPV6_HEADER_LENGTH;
    }

    private static int putAddress(final MutableDirectBuffer buffer, final int offset, final IpAddress address)
    {
        if (address.ipv6())
        {
            buffer.putLong(offset, address.hi(), ByteOrder.BIG_ENDIAN);
            buffer.putLong(offset + 8, address.lo(), ByteOrder.BIG_ENDIAN);
            return offset + 16;
        }
        buffer.putInt(offset, address.ipv4(), ByteOrder.BIG_ENDIAN);
        return offset + 4;
    }

    private static void putMac(final MutableDirectBuffer buffer, final int offset, final long mac)
    {
        buffer.putInt(offset, (int)(mac >>> 16), ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + 4, (short)mac, ByteOrder.BIG_ENDIAN);
    }

    private static int pad(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (length >= MIN_FRAME_LENGTH)
        {
            return length;
        }
        buffer.setMemory(offset + length, MIN_FRAME_LENGTH - length, (byte)0);
        return MIN_FRAME_LENGTH;
    }
}
