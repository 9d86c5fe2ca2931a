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
    private int outerDelta;
    private int innerIpDelta;
    private int innerL4Delta;

    /**
     * Translates an error about a client's NAT flow, sent to the VIP, for the flow's backend.
     *
     * @param ctx         the ICMP error, classified as quoting a NAT flow.
     * @param packet      its frame.
     * @param backendHi   the backend's address, high half (IPv6).
     * @param backendLo   the backend's address, low half (IPv4: its low 32 bits).
     * @param backendPort the service's backend port.
     * @param nextHopMac  the backend's MAC.
     * @param portMac     the port's MAC.
     * @return {@link Verdict#FORWARD}.
     */
    int toBackend(
        final PacketContext ctx, final PacketBuffer packet, final long backendHi, final long backendLo, final int backendPort,
        final long nextHopMac, final long portMac)
    {
        start();
        outer(ctx, true, backendHi, backendLo);
        inner(ctx, false, backendHi, backendLo, backendPort);
        return finish(ctx, packet, nextHopMac, portMac);
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
        start();
        outer(ctx, false, vipHi, vipLo);
        inner(ctx, true, vipHi, vipLo, vipPort);
        return finish(ctx, packet, nextHopMac, portMac);
    }

    /**
     * Translates an error about a full-NAT flow for its backend: from the flow's NAT address (the
     * backend may have no route to whoever sent it) to the backend, quoting the packet the backend
     * sent (backend endpoint to NAT address and port).
     *
     * @param ctx     the ICMP error, to the VIP, quoting VIP to client; {@code ctx.natHi/natLo/natPort}
     *                the flow's NAT address and port.
     * @param backendPort the service's backend port.
     * @return {@link Verdict#FORWARD}.
     */
    int fullNatToBackend(
        final PacketContext ctx, final PacketBuffer packet, final long backendHi, final long backendLo, final int backendPort,
        final long nextHopMac, final long portMac)
    {
        start();
        outer(ctx, false, ctx.natHi, ctx.natLo);
        outer(ctx, true, backendHi, backendLo);
        inner(ctx, false, backendHi, backendLo, backendPort);
        inner(ctx, true, ctx.natHi, ctx.natLo, ctx.natPort);
        return finish(ctx, packet, nextHopMac, portMac);
    }

    /**
     * Translates an error about a full-NAT flow from the backend's side (to the NAT address) for the
     * client: from the VIP to the client, quoting the packet the client sent (client to VIP).
     *
     * @param ctx  the ICMP error; {@code ctx.natHi/natLo/natPort} the flow's client address and port.
     * @return {@link Verdict#FORWARD}.
     */
    int fullNatToClient(
        final PacketContext ctx, final PacketBuffer packet, final long vipHi, final long vipLo, final int vipPort,
        final long nextHopMac, final long portMac)
    {
        start();
        outer(ctx, false, vipHi, vipLo);
        outer(ctx, true, ctx.natHi, ctx.natLo);
        inner(ctx, false, ctx.natHi, ctx.natLo, ctx.natPort);
        inner(ctx, true, vipHi, vipLo, vipPort);
        return finish(ctx, packet, nextHopMac, portMac);
    }

    private void start()
    {
        outerDelta = 0;
        innerIpDelta = 0;
        innerL4Delta = 0;
    }

    /** One outer address: the source or the destination (IPv4: its low 32 bits). */
    private void outer(final PacketContext ctx, final boolean destination, final long hi, final long lo)
    {
        if (ctx.ipv6)
        {
            final long at = ctx.l3 + (destination ? Ipv6Flyweight.DST_ADDRESS_OFFSET : Ipv6Flyweight.SRC_ADDRESS_OFFSET);
            putI64(at, hi);
            putI64(at + 8, lo);
        }
        else
        {
            final long at = ctx.l3 + (destination ? Ipv4Flyweight.DST_ADDRESS_OFFSET : Ipv4Flyweight.SRC_ADDRESS_OFFSET);
            outerDelta += Checksums.delta32(getI32(at), (int)lo);
            putI32(at, (int)lo);
        }
    }

    /** One end of the quoted packet: its address and port. */
    private void inner(final PacketContext ctx, final boolean destination, final long hi, final long lo, final int port)
    {
        final long portAt = ctx.innerL4 + (destination ? 2 : 0);
        innerL4Delta += Checksums.delta16(getU16(portAt), port);
        putU16(portAt, port);
        if (ctx.ipv6)
        {
            final long at = ctx.innerL3 + (destination ? Ipv6Flyweight.DST_ADDRESS_OFFSET : Ipv6Flyweight.SRC_ADDRESS_OFFSET);
            innerL4Delta += Checksums.delta64(getI64(at), hi) + Checksums.delta64(getI64(at + 8), lo);
            putI64(at, hi);
            putI64(at + 8, lo);
        }
        else
        {
            final long at = ctx.innerL3 + (destination ? Ipv4Flyweight.DST_ADDRESS_OFFSET : Ipv4Flyweight.SRC_ADDRESS_OFFSET);
            innerIpDelta += Checksums.delta32(getI32(at), (int)lo);
            putI32(at, (int)lo);
        }
    }

    /** The checksums, the TTL, the ICMP checksum anew, and the MACs. */
    private int finish(final PacketContext ctx, final PacketBuffer packet, final long nextHopMac, final long portMac)
    {
        final long l3 = ctx.l3;
        if (ctx.ipv6)
        {
            putU8(l3 + Ipv6Flyweight.HOP_LIMIT_OFFSET, ctx.ttl - 1);
        }
        else
        {
            final int oldTtlWord = ctx.ttlWord >>> 16;
            final int newTtlWord = oldTtlWord - 0x100;
            putI32(l3 + Ipv4Flyweight.TTL_OFFSET,
                (newTtlWord << 16) | Checksums.adjust(ctx.ttlWord & 0xFFFF, outerDelta + Checksums.delta16(oldTtlWord, newTtlWord)));
            final long innerChecksumAt = ctx.innerL3 + Ipv4Flyweight.CHECKSUM_OFFSET;
            putU16(innerChecksumAt, Checksums.adjust(getU16(innerChecksumAt), innerIpDelta));
        }
        updateQuotedL4Checksum(ctx, ctx.innerL4, innerL4Delta + innerIpDelta);
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
