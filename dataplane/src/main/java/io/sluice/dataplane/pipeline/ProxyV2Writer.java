package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.packet.UdpFlyweight;
import io.sluice.dataplane.service.RewriteOptions;

import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;

/**
 * The PROXY protocol v2 writer for UDP in full NAT: every datagram to the backend starts with a
 * binary PROXY header naming the original client and the VIP (haproxy's proxy-protocol.txt 2.2;
 * for datagrams each one carries its own header, so nothing is kept per flow). No TLVs.
 * <pre>
 *   signature (12): 0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A
 *   0x21 (version 2, PROXY) | family: 0x12 UDP over IPv4, 0x22 UDP over IPv6 | length (2) = 12 or 36
 *   source address (4 or 16) | destination address (4 or 16) | source port (2) | destination port (2)
 *   28 bytes over IPv4, 52 over IPv6
 * </pre>
 * The Ethernet, IP and UDP headers move into the headroom ({@link HeaderGap}); the payload stays.
 * The UDP length and the IP length grow, and the UDP checksum is updated, not recomputed: the
 * header's words and the length, counted twice (UDP header and pseudo-header), are what changed,
 * and the payload keeps its word alignment. A checksum of 0 over IPv4 (none) stays 0; over IPv6,
 * where 0 is invalid (RFC 8200 8.1), the checksum of the new datagram is computed in full. An
 * update that comes to 0 is written as 0xffff (RFC 768). A datagram that cannot take the header
 * is left as it was, with the reason returned: no headroom, or over the MTU toward the backend
 * (the LB never fragments; such a datagram cannot reach a backend that expects the header).
 * {@link ToaWriter} says why TCP gets the TOA option instead.
 */
final class ProxyV2Writer
{
    /** The header's length over IPv4. */
    static final int IPV4_HEADER_LENGTH = 28;
    /** The header's length over IPv6. */
    static final int IPV6_HEADER_LENGTH = RewriteOptions.PROXY_V2_IPV6_LENGTH;

    /** {@link #prepend}: the header is in, the datagram 28 or 52 bytes longer. */
    static final int PREPENDED = 0;
    /** {@link #prepend}: not enough headroom to grow the frame; unchanged. */
    static final int NO_HEADROOM = 1;
    /** {@link #prepend}: the packet would exceed the MTU (or 65535 bytes); unchanged. */
    static final int OVER_MTU = 2;
    /** {@link #prepend}: not a whole UDP datagram (another protocol, a fragment, a broken header); unchanged. */
    static final int NOT_APPLICABLE = 3;

    private static final long SIGNATURE_HI = 0x0D0A_0D0A_000D_0A51L;
    private static final int SIGNATURE_LO = 0x5549_540A;
    private static final int VERSION_PROXY = 0x21;
    private static final int FAMILY_UDP_IPV4 = 0x12;
    private static final int FAMILY_UDP_IPV6 = 0x22;
    private static final int FIXED_LENGTH = 16;
    private static final int SIGNATURE_SUM = Checksums.sum64(SIGNATURE_HI) + Checksums.sum32(SIGNATURE_LO);
    private static final int MAX_IP_LENGTH = 0xFFFF;

    /**
     * The header's length for a family: what a datagram grows by.
     *
     * @param ipv6 the family.
     * @return 52 for IPv6, 28 for IPv4.
     */
    static int headerLength(final boolean ipv6)
    {
        return ipv6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH;
    }

    /**
     * Prepends the PROXY v2 header to the datagram's payload. The context follows the frame.
     *
     * @param ctx        the packet, parsed, its frame starting at {@code packet}'s data start.
     * @param packet     its frame.
     * @param clientHi   the client's address, high half (IPv6; unused for IPv4).
     * @param clientLo   the client's address, low half; for IPv4 the address is its low 32 bits.
     * @param clientPort the client's port.
     * @param vipHi      the VIP, high half (IPv6; unused for IPv4).
     * @param vipLo      the VIP, low half; for IPv4 the address is its low 32 bits.
     * @param vipPort    the VIP's port.
     * @param mtu        the largest IP packet toward the backend.
     * @return {@link #PREPENDED}, {@link #NO_HEADROOM}, {@link #OVER_MTU} or {@link #NOT_APPLICABLE}.
     */
    int prepend(
        final PacketContext ctx, final PacketBuffer packet, final long clientHi, final long clientLo, final int clientPort,
        final long vipHi, final long vipLo, final int vipPort, final int mtu)
    {
        final long oldL4 = ctx.l4;
        if (ctx.protocol != Ipv4Flyweight.PROTOCOL_UDP || ctx.fragment || ctx.l4Length < UdpFlyweight.HEADER_LENGTH)
        {
            return NOT_APPLICABLE;
        }
        final int udpLength = getU16(oldL4 + UdpFlyweight.LENGTH_OFFSET);
        if (udpLength < UdpFlyweight.HEADER_LENGTH || udpLength > ctx.l4Length)
        {
            return NOT_APPLICABLE;
        }
        final boolean ipv6 = ctx.ipv6;
        final int length = headerLength(ipv6);
        final int ipLength = ctx.ipLength + length;
        if (ipLength > mtu || ipLength > MAX_IP_LENGTH)
        {
            return OVER_MTU;
        }
        if (packet.headroom() < length)
        {
            return NO_HEADROOM;
        }
        final long udp = HeaderGap.open(ctx, packet, UdpFlyweight.HEADER_LENGTH, length);
        final int headerSum = writeHeader(udp + UdpFlyweight.HEADER_LENGTH, ipv6, clientHi, clientLo, clientPort, vipHi, vipLo, vipPort);
        final int newUdpLength = udpLength + length;
        putU16(udp + UdpFlyweight.LENGTH_OFFSET, newUdpLength);
        final long checksumAt = udp + UdpFlyweight.CHECKSUM_OFFSET;
        final int checksum = getU16(checksumAt);
        if (checksum != 0)
        {
            final int updated = Checksums.adjust(checksum, headerSum + length + length);
            putU16(checksumAt, updated == 0 ? 0xFFFF : updated);
        }
        else if (ipv6)
        {
            final int computed = Checksums.finish(
                Checksums.ipv6PseudoHeader(ctx.l3, Ipv4Flyweight.PROTOCOL_UDP, newUdpLength) + Checksums.add(0, udp, newUdpLength));
            putU16(checksumAt, computed == 0 ? 0xFFFF : computed);
        }
        return PREPENDED;
    }

    private static int writeHeader(
        final long at, final boolean ipv6, final long clientHi, final long clientLo, final int clientPort,
        final long vipHi, final long vipLo, final int vipPort)
    {
        final int ports = ((clientPort & 0xFFFF) << 16) | (vipPort & 0xFFFF);
        final int versionFamilyLength = ipv6 ?
            (VERSION_PROXY << 24) | (FAMILY_UDP_IPV6 << 16) | (IPV6_HEADER_LENGTH - FIXED_LENGTH) :
            (VERSION_PROXY << 24) | (FAMILY_UDP_IPV4 << 16) | (IPV4_HEADER_LENGTH - FIXED_LENGTH);
        putI64(at, SIGNATURE_HI);
        putI32(at + 8, SIGNATURE_LO);
        putI32(at + 12, versionFamilyLength);
        final int fixedSum = SIGNATURE_SUM + Checksums.sum32(versionFamilyLength) + Checksums.sum32(ports);
        if (ipv6)
        {
            putI64(at + 16, clientHi);
            putI64(at + 24, clientLo);
            putI64(at + 32, vipHi);
            putI64(at + 40, vipLo);
            putI32(at + 48, ports);
            return fixedSum + Checksums.sum64(clientHi) + Checksums.sum64(clientLo) + Checksums.sum64(vipHi) + Checksums.sum64(vipLo);
        }
        putI32(at + 16, (int)clientLo);
        putI32(at + 20, (int)vipLo);
        putI32(at + 24, ports);
        return fixedSum + Checksums.sum32((int)clientLo) + Checksums.sum32((int)vipLo);
    }
}
