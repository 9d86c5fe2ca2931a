package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.Memory;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.ServiceSnapshot;

import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * What the two tunnel writers, {@link IpipWriter} and {@link GueWriter}, write alike: the frame
 * grown at the front into the headroom, the Ethernet header in front of the outer IP header, the
 * inner TTL or hop limit decremented (RFC 2003 3.1), and the outer IP header itself.
 * <pre>
 *   before:  | headroom            | Ethernet | inner IP ... |
 *   after:   | Ethernet | outer IP [| UDP | GUE] | inner IP ... |
 * </pre>
 * Outer source: one of the LB's tunnel sources, picked by flow hash so that a backend's RSS still
 * spreads flows over its queues; for IPv6 the flow label carries flow entropy too (RFC 6438). DSCP
 * and ECN are copied from the inner header (RFC 6040 normal mode); an outer IPv4 header sets DF with
 * ID 0 (RFC 6864). An untagged Ethernet header is written in two overlapping stores and an outer
 * IPv4 header in three; a tagged one is moved down with its tags.
 */
final class TunnelHeaders
{
    /** Outer IPv4 header length. */
    static final int IPV4_LENGTH = Ipv4Flyweight.MIN_HEADER_LENGTH;
    /** Outer IPv6 header length. */
    static final int IPV6_LENGTH = Ipv6Flyweight.HEADER_LENGTH;

    private TunnelHeaders()
    {
    }

    /**
     * Grows the frame by {@code overhead} bytes at the front, cutting Ethernet padding after the
     * inner packet, and writes the Ethernet header of the outer frame.
     *
     * @return the address of the outer IP header, or 0 (nothing changed that matters: the packet is
     *         dropped) when the headroom is too small.
     */
    static long open(
        final PacketContext ctx, final PacketBuffer packet, final int overhead, final boolean outerIpv6,
        final long nextHopMac, final long portMac)
    {
        final int l2Length = ctx.l2Length;
        if (!packet.length(l2Length + ctx.ipLength) || !packet.prepend(overhead))
        {
            return 0;
        }
        final long start = packet.dataAddress();
        final int etherType = outerIpv6 ? EthernetFlyweight.ETHER_TYPE_IPV6 : EthernetFlyweight.ETHER_TYPE_IPV4;
        if (l2Length == EthernetFlyweight.HEADER_LENGTH)
        {
            putI64(start, (nextHopMac << 16) | (portMac >>> 32));
            putI64(start + 6, (portMac << 16) | etherType);
        }
        else
        {
            Memory.moveDown(start + overhead, start, l2Length);
            putU16(start + l2Length - 2, etherType);
            EthernetFlyweight.writeMacs(start, nextHopMac, portMac);
        }
        return start + l2Length;
    }

    /**
     * Decrements the inner packet's TTL, its checksum updated (RFC 1624) from the TTL word the
     * parser read, or its hop limit.
     *
     * @param ctx   the packet: its family, and for IPv4 the word of TTL, protocol and checksum.
     * @param inner the inner IP header.
     */
    static void decrementInnerTtl(final PacketContext ctx, final long inner)
    {
        if (ctx.ipv6)
        {
            putU8(inner + Ipv6Flyweight.HOP_LIMIT_OFFSET, ctx.ttl - 1);
            return;
        }
        final int oldWord = ctx.ttlWord >>> 16;
        final int newWord = oldWord - 0x100;
        putI32(inner + Ipv4Flyweight.TTL_OFFSET, (newWord << 16) | Checksums.update16(ctx.ttlWord & 0xFFFF, oldWord, newWord));
    }

    /**
     * Writes the outer IP header to the backend.
     *
     * @param outer        where it goes.
     * @param tos          DSCP and ECN.
     * @param outerLength  the outer packet's length.
     * @param protocol     what follows it (4, 41, or UDP).
     * @param backend      the destination.
     * @param flowHash     picks the tunnel source and the IPv6 flow label.
     * @param snapshot     tunnel sources and the outer TTL.
     */
    static void outerIp(
        final long outer, final int tos, final int outerLength, final int protocol, final Backend backend,
        final long flowHash, final ServiceSnapshot snapshot)
    {
        final int ttl = snapshot.settings().outerTtl();
        if (backend.isIpv6())
        {
            final int source = sourceIndex(flowHash, snapshot.tunnelSourceCountIpv6());
            final int flowLabel = (int)(flowHash >>> 40) & 0xF_FFFF;
            Ipv6Flyweight.write(
                outer, tos, flowLabel == 0 ? 1 : flowLabel, outerLength - IPV6_LENGTH, protocol, ttl,
                snapshot.tunnelSourceIpv6Hi(source), snapshot.tunnelSourceIpv6Lo(source),
                backend.addressHi(), backend.addressLo());
            return;
        }
        final int source = snapshot.tunnelSourceIpv4(sourceIndex(flowHash, snapshot.tunnelSourceCountIpv4()));
        final int destination = (int)backend.addressLo();
        final int ttlProtocol = (ttl << 8) | protocol;
        final int sum = 0x4500 + tos + outerLength + Ipv4Flyweight.FLAG_DONT_FRAGMENT + ttlProtocol +
            (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF);
        putI64(outer, ((0x4500L | tos) << 48) | ((long)outerLength << 32) | Ipv4Flyweight.FLAG_DONT_FRAGMENT);
        putI64(outer + 8, ((long)ttlProtocol << 48) | ((long)Checksums.finishSmall(sum) << 32) | (source & 0xFFFF_FFFFL));
        putI32(outer + 16, destination);
    }

    /** @return the length of the outer IP header to a backend. */
    static int outerIpLength(final Backend backend)
    {
        return backend.isIpv6() ? IPV6_LENGTH : IPV4_LENGTH;
    }

    private static int sourceIndex(final long flowHash, final int count)
    {
        return (int)(((flowHash & 0xFFFF_FFFFL) * count) >>> 32);
    }
}
