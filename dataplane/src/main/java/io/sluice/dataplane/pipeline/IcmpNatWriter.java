package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.IcmpFlyweight;
import io.sluice.dataplane.packet.Icmpv6Flyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.packet.TcpFlyweight;
import io.sluice.dataplane.packet.UdpFlyweight;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_TCP;
import static io.sluice.dataplane.packet.NetworkOrder.getI32;
import static io.sluice.dataplane.packet.NetworkOrder.getI64;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * ICMP errors through NAT (RFC 5508 4): an error about a translated flow is translated as the
 * flow's packets are, so that the host that sent the quoted packet recognises it.
 * <pre>
 *   to the VIP (a router on the client's path: fragmentation needed, time exceeded, ...),
 *   quoting VIP:vport to client:cport           ─► {@link #toBackend}
 *       outer destination VIP ─► backend; quoted source VIP:vport ─► backend:bport
 *   from a NAT backend (port unreachable, ...) to the client,
 *   quoting client:cport to backend:bport       ─► {@link #toClient}
 *       outer source backend ─► VIP; quoted destination backend:bport ─► VIP:vport
 * </pre>
 * The outer IPv4 header's address and TTL and the quoted IPv4 header's address are updated with
 * RFC 1624 deltas; the quoted TCP or UDP checksum only when the quote holds it whole (RFC 792
 * promises 8 bytes of the quoted payload: the ports, and UDP's checksum, but not TCP's) and, for
 * UDP, is not 0 (netfilter does the same); the quoted checksums are never checked. The ICMP
 * checksum (ICMPv6: over the outer pseudo-header too) is computed anew over the message, as IPVS
 * does: errors are rare and at most 576 or 1280 bytes, and a class of incremental mistakes goes
 * away. A frag-needed or packet-too-big MTU passes unchanged: NAT adds no bytes.
 * <p>
 * The classifier has checked the quote (a whole quoted IP header and 8 bytes of its payload, TCP
 * or UDP) and set {@code ctx.innerL3}, {@code ctx.innerL4} and {@code ctx.innerEnd}; the forward
 * stage has checked the TTL.
 */
final class IcmpNatWriter
{
    /**
     * Translates an error about a client's flow, sent to the VIP, for the flow's backend.
     *
     * @param ctx        the ICMP error, classified as quoting a NAT flow.
     * @param packet     its frame.
     * @param backendHi  the backend's address, high half (IPv6).
     * @param backendLo  the backend's address, low half (IPv4: its low 32 bits).
     * @param backendPort the service's backend port.
     * @param nextHopMac the backend's MAC.
     * @param portMac    the port's MAC.
     * @return {@link Verdict#FORWARD}.
     */
    int toBackend(
        final PacketContext ctx, final PacketBuffer packet, final long backendHi, final long backendLo, final int backendPort,
        final long nextHopMac, final long portMac)
    {
        return translate(ctx, packet, false, backendHi, backendLo, backendPort, nextHopMac, portMac);
    }

    /**
     * Translates an error a NAT backend sent about a client's flow, for the client.
     *
     * @param ctx        the ICMP error, classified as quoting a NAT flow from its backend's side.
     * @param packet     its frame.
     * @param vipHi      the VIP, high half (IPv6).
     * @param vipLo      the VIP, low half (IPv4: its low 32 bits).
     * @param vipPort    the VIP port.
     * @param nextHopMac the gateway's MAC.
     * @param portMac    the port's MAC.
     * @return {@link Verdict#FORWARD}.
     */
    int toClient(
        final PacketContext ctx, final PacketBuffer packet, final long vipHi, final long vipLo, final int vipPort,
        final long nextHopMac, final long portMac)
    {
        return translate(ctx, packet, true, vipHi, vipLo, vipPort, nextHopMac, portMac);
    }

    /**
     * @param fromBackend true: the outer source and the quoted destination change (an error from
     *                    the backend); false: the outer destination and the quoted source.
     */
    private static int translate(
        final PacketContext ctx, final PacketBuffer packet, final boolean fromBackend, final long addressHi,
        final long addressLo, final int port, final long nextHopMac, final long portMac)
    {
        final long l3 = ctx.l3;
        final long inner = ctx.innerL3;
        final long innerL4 = ctx.innerL4;
        // the outer header's changed address is the quoted header's other one: the quoted packet went the other way
        final int outerOffset = fromBackend ? 0 : 1;
        final int innerOffset = fromBackend ? 1 : 0;
        int innerL4Delta = Checksums.delta16(getU16(innerL4 + 2 * innerOffset), port);
        putU16(innerL4 + 2 * innerOffset, port);
        if (ctx.ipv6)
        {
            final long outerAt = l3 + Ipv6Flyweight.SRC_ADDRESS_OFFSET + 16L * outerOffset;
            final long innerAt = inner + Ipv6Flyweight.SRC_ADDRESS_OFFSET + 16L * innerOffset;
            innerL4Delta += Checksums.delta64(getI64(innerAt), addressHi) + Checksums.delta64(getI64(innerAt + 8), addressLo);
            putI64(outerAt, addressHi);
            putI64(outerAt + 8, addressLo);
            putI64(innerAt, addressHi);
            putI64(innerAt + 8, addressLo);
            putU8(l3 + Ipv6Flyweight.HOP_LIMIT_OFFSET, ctx.ttl - 1);
        }
        else
        {
            final int address = (int)addressLo;
            final long outerAt = l3 + Ipv4Flyweight.SRC_ADDRESS_OFFSET + 4L * outerOffset;
            final int outerDelta = Checksums.delta32(getI32(outerAt), address);
            putI32(outerAt, address);
            final int oldTtlWord = ctx.ttlWord >>> 16;
            final int newTtlWord = oldTtlWord - 0x100;
            putI32(l3 + Ipv4Flyweight.TTL_OFFSET,
                (newTtlWord << 16) | Checksums.adjust(ctx.ttlWord & 0xFFFF, outerDelta + Checksums.delta16(oldTtlWord, newTtlWord)));
            final long innerAt = inner + Ipv4Flyweight.SRC_ADDRESS_OFFSET + 4L * innerOffset;
            final int innerDelta = Checksums.delta32(getI32(innerAt), address);
            putI32(innerAt, address);
            final long innerChecksumAt = inner + Ipv4Flyweight.CHECKSUM_OFFSET;
            putU16(innerChecksumAt, Checksums.adjust(getU16(innerChecksumAt), innerDelta));
            innerL4Delta += innerDelta;
        }
        updateQuotedL4Checksum(ctx, innerL4, innerL4Delta);
        final long icmp = ctx.l4;
        final int icmpLength = ctx.l4Length;
        putU16(icmp + IcmpFlyweight.CHECKSUM_OFFSET, 0);
        final long sum = Checksums.add(ctx.ipv6 ?
            Checksums.ipv6PseudoHeader(l3, Ipv6Flyweight.NEXT_ICMPV6, icmpLength) : 0, icmp, icmpLength);
        putU16(icmp + (ctx.ipv6 ? Icmpv6Flyweight.CHECKSUM_OFFSET : IcmpFlyweight.CHECKSUM_OFFSET), Checksums.finish(sum));
        EthernetFlyweight.writeMacs(packet.dataAddress(), nextHopMac, portMac);
        return Verdict.FORWARD;
    }

    /** The quoted TCP or UDP checksum, when the quote holds it whole (and for UDP it is not 0, "none"). */
    private static void updateQuotedL4Checksum(final PacketContext ctx, final long innerL4, final int delta)
    {
        final boolean tcp = ctx.innerProtocol == PROTOCOL_TCP;
        final long checksumAt = innerL4 + (tcp ? TcpFlyweight.CHECKSUM_OFFSET : UdpFlyweight.CHECKSUM_OFFSET);
        if (checksumAt + 2 > ctx.innerEnd)
        {
            return;
        }
        final int checksum = getU16(checksumAt);
        if (!tcp && checksum == 0)
        {
            return;
        }
        final int updated = Checksums.adjust(checksum, delta);
        putU16(checksumAt, updated == 0 && !tcp ? 0xFFFF : updated);
    }
}
