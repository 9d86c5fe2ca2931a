package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.packet.TcpFlyweight;
import io.sluice.dataplane.packet.UdpFlyweight;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_TCP;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * The NAT writer: the addresses and ports of a TCP or UDP packet rewritten in place, as a router
 * that translates: the destination of a client's packet to the backend's ({@link #toBackend}),
 * the source of the backend's reply to the VIP's ({@link #toClient}), or both ends at once for
 * full NAT ({@link #both}; an end that keeps its address and port adds nothing to the checksum
 * delta, {@code ~x + x} being zero in ones' complement). The TTL or hop limit goes
 * down by one, the MACs are the next hop's and the port's.
 * <p>
 * Checksums are updated, never recomputed or checked (RFC 1624 eqn. 3): one delta of the changed
 * words serves the IPv4 header (address and TTL) and the TCP or UDP checksum (address, through
 * the pseudo-header, and port), so a packet that arrived with a bad checksum leaves with a bad
 * one and its receiver still sees the damage. UDP over IPv4 with checksum 0 (none) keeps 0, and
 * an update that comes to 0 is written as 0xffff (RFC 768); UDP over IPv6 with checksum 0 is
 * invalid (RFC 8200 8.1) and dropped as {@link DropReason#UDP_ZERO_CHECKSUM}, since no receiver
 * would take it. The caller has checked the TTL and that the L4 header is whole.
 * <p>
 * Fragments ({@code fragments: l3}): the first holds the ports and the checksum of the whole
 * datagram, so it is rewritten as a whole packet is (the checksum delta does not depend on where
 * the datagram is cut); a later one has neither, and only its address, TTL or hop limit and IPv4
 * header checksum change.
 */
final class NatWriter
{
    private static final int TCP_CHECKSUM_OFFSET = TcpFlyweight.CHECKSUM_OFFSET;
    private static final int UDP_CHECKSUM_OFFSET = UdpFlyweight.CHECKSUM_OFFSET;

    /**
     * Rewrites a client's packet to the backend: destination address and port.
     *
     * @param ctx        the packet, parsed.
     * @param packet     its frame.
     * @param addressHi  the backend's address, high half (IPv6; unused for IPv4).
     * @param addressLo  the backend's address, low half; for IPv4 the address is its low 32 bits.
     * @param port       the backend's port.
     * @param nextHopMac the backend's MAC.
     * @param portMac    the port's MAC.
     * @return {@link Verdict#FORWARD} or a drop.
     */
    int toBackend(
        final PacketContext ctx, final PacketBuffer packet, final long addressHi, final long addressLo, final int port,
        final long nextHopMac, final long portMac)
    {
        return both(ctx, packet, ctx.ipv6 ? ctx.srcHi : 0, ctx.ipv6 ? ctx.srcLo : ctx.src4, ctx.srcPort, addressHi, addressLo, port,
            nextHopMac, portMac);
    }

    /**
     * Rewrites a backend's reply to the client: source address and port become the VIP's.
     *
     * @param ctx        the packet, parsed.
     * @param packet     its frame.
     * @param addressHi  the VIP, high half (IPv6; unused for IPv4).
     * @param addressLo  the VIP, low half; for IPv4 the address is its low 32 bits.
     * @param port       the VIP port.
     * @param nextHopMac the MAC of the next hop toward the client.
     * @param portMac    the port's MAC.
     * @return {@link Verdict#FORWARD} or a drop.
     */
    int toClient(
        final PacketContext ctx, final PacketBuffer packet, final long addressHi, final long addressLo, final int port,
        final long nextHopMac, final long portMac)
    {
        return both(ctx, packet, addressHi, addressLo, port, ctx.ipv6 ? ctx.dstHi : 0, ctx.ipv6 ? ctx.dstLo : ctx.dst4, ctx.dstPort,
            nextHopMac, portMac);
    }

    /**
     * Rewrites both ends of a packet (full NAT): source and destination address and port.
     *
     * @param ctx        the packet, parsed.
     * @param packet     its frame.
     * @param srcHi      the new source address, high half (IPv6; unused for IPv4).
     * @param srcLo      the new source address, low half; for IPv4 the address is its low 32 bits.
     * @param srcPort    the new source port.
     * @param dstHi      the new destination address, high half.
     * @param dstLo      the new destination address, low half.
     * @param dstPort    the new destination port.
     * @param nextHopMac the next hop's MAC.
     * @param portMac    the port's MAC.
     * @return {@link Verdict#FORWARD} or a drop.
     */
    int both(
        final PacketContext ctx, final PacketBuffer packet, final long srcHi, final long srcLo, final int srcPort,
        final long dstHi, final long dstLo, final int dstPort, final long nextHopMac, final long portMac)
    {
        if (ctx.laterFragment)
        {
            rewriteAddresses(ctx, srcHi, srcLo, dstHi, dstLo);
            EthernetFlyweight.writeMacs(packet.dataAddress(), nextHopMac, portMac);
            return Verdict.FORWARD;
        }
        final long l4 = ctx.l4;
        final boolean tcp = ctx.protocol == PROTOCOL_TCP;
        final long checksumAt = l4 + (tcp ? TCP_CHECKSUM_OFFSET : UDP_CHECKSUM_OFFSET);
        final int l4Checksum = getU16(checksumAt);
        if (!tcp && l4Checksum == 0 && ctx.ipv6)
        {
            return ctx.drop(DropReason.UDP_ZERO_CHECKSUM);
        }
        final int delta = Checksums.delta16(ctx.srcPort, srcPort) + Checksums.delta16(ctx.dstPort, dstPort) +
            rewriteAddresses(ctx, srcHi, srcLo, dstHi, dstLo);
        putU16(l4, srcPort);
        putU16(l4 + 2, dstPort);
        if (tcp || l4Checksum != 0)
        {
            final int updated = Checksums.adjust(l4Checksum, delta);
            putU16(checksumAt, updated == 0 && !tcp ? 0xFFFF : updated);
        }
        EthernetFlyweight.writeMacs(packet.dataAddress(), nextHopMac, portMac);
        return Verdict.FORWARD;
    }

    /**
     * The IP half of a rewrite: the address, the TTL or hop limit one lower, the IPv4 header checksum.
     *
     * @return the checksum delta of the address change, for the L4 checksum's pseudo-header.
     */
    /**
     * Both addresses and the TTL or hop limit (and the IPv4 header checksum); a fragment after the
     * first needs no more.
     *
     * @return what the addresses add to the TCP or UDP checksum (through the pseudo-header).
     */
    private static int rewriteAddresses(final PacketContext ctx, final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        final long l3 = ctx.l3;
        if (ctx.ipv6)
        {
            putI64(l3 + Ipv6Flyweight.SRC_ADDRESS_OFFSET, srcHi);
            putI64(l3 + Ipv6Flyweight.SRC_ADDRESS_OFFSET + 8, srcLo);
            putI64(l3 + Ipv6Flyweight.DST_ADDRESS_OFFSET, dstHi);
            putI64(l3 + Ipv6Flyweight.DST_ADDRESS_OFFSET + 8, dstLo);
            putU8(l3 + Ipv6Flyweight.HOP_LIMIT_OFFSET, ctx.ttl - 1);
            return Checksums.delta64(ctx.srcHi, srcHi) + Checksums.delta64(ctx.srcLo, srcLo) +
                Checksums.delta64(ctx.dstHi, dstHi) + Checksums.delta64(ctx.dstLo, dstLo);
        }
        final int addressDelta = Checksums.delta32(ctx.src4, (int)srcLo) + Checksums.delta32(ctx.dst4, (int)dstLo);
        putI32(l3 + Ipv4Flyweight.SRC_ADDRESS_OFFSET, (int)srcLo);
        putI32(l3 + Ipv4Flyweight.DST_ADDRESS_OFFSET, (int)dstLo);
        final int oldTtlWord = ctx.ttlWord >>> 16;
        final int newTtlWord = oldTtlWord - 0x100;
        final int headerChecksum = Checksums.adjust(ctx.ttlWord & 0xFFFF, addressDelta + Checksums.delta16(oldTtlWord, newTtlWord));
        putI32(l3 + Ipv4Flyweight.TTL_OFFSET, (newTtlWord << 16) | headerChecksum);
        return addressDelta;
    }
}
