package io.sluice.dataplane.pipeline;

import java.lang.foreign.MemorySegment;

import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.GueFlyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Memory;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.packet.UdpFlyweight;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ServiceSnapshot;

import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.getU8;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * Wraps a client's IP packet for a backend: IPIP (RFC 2003 4in4, RFC 2473 6in6) or GUE (IP in
 * UDP, variant 0 with a 4-byte header or variant 1 without), in the buffer's headroom.
 * <p>
 * The Ethernet header (tags included) moves to the front; the outer header follows it. Outer
 * source: one of the LB's tunnel sources, picked by flow hash so that a backend's RSS still
 * spreads flows over its queues; for GUE the UDP source port carries flow entropy too, and for
 * IPv6 the flow label (RFC 6438). DSCP and ECN are copied to the outer header (RFC 6040 normal
 * mode); outer IPv4 sets DF with ID 0 (RFC 6864). The inner TTL / hop limit is decremented, as
 * for any forwarded packet (RFC 2003 3.1). The outer UDP checksum is 0 over IPv4 and computed
 * over IPv6.
 */
public final class TunnelEncapsulator
{
    /** Outer IPv4 header length. */
    public static final int IPV4_OVERHEAD = Ipv4Flyweight.MIN_HEADER_LENGTH;
    /** Outer IPv6 header length. */
    public static final int IPV6_OVERHEAD = Ipv6Flyweight.HEADER_LENGTH;

    /**
     * Bytes a tunnel adds in front of the inner IP packet.
     *
     * @param outerIpv6  outer family.
     * @param gue        GUE rather than IPIP.
     * @param gueVariant 0 or 1.
     * @return the overhead.
     */
    public static int overhead(final boolean outerIpv6, final boolean gue, final int gueVariant)
    {
        final int ip = outerIpv6 ? IPV6_OVERHEAD : IPV4_OVERHEAD;
        return gue ? ip + UdpFlyweight.HEADER_LENGTH + (gueVariant == 0 ? GueFlyweight.HEADER_LENGTH : 0) : ip;
    }

    /**
     * Encapsulates the packet in place. The caller has checked TTL and MTU; the inner TTL is
     * decremented here (its checksum updated incrementally for IPv4).
     *
     * @param packet      the buffer; its frame is trimmed to L2 + inner IP and then grown at the front.
     * @param l2Length    Ethernet header length with tags.
     * @param innerLength inner IP total length.
     * @param innerIpv6   inner family.
     * @param backend     the backend: outer destination.
     * @param gue         GUE rather than IPIP.
     * @param nextHopMac  destination MAC of the outer frame.
     * @param portMac     the LB port's MAC (source MAC).
     * @param flowHash    flow hash (outer source, UDP source port, flow label).
     * @param snapshot    the snapshot (tunnel sources, GUE settings, outer TTL).
     * @param counters    where a drop is counted.
     * @return {@link Verdict#FORWARD}, or a counted drop ({@link DropReason#NO_HEADROOM}).
     */
    public int encapsulate(
        final PacketBuffer packet, final int l2Length, final int innerLength, final boolean innerIpv6,
        final Backend backend, final boolean gue, final long nextHopMac, final long portMac, final long flowHash,
        final ServiceSnapshot snapshot, final DataplaneCounters counters)
    {
        final DataplaneSettings settings = snapshot.settings();
        final boolean outerIpv6 = backend.isIpv6();
        final int gueVariant = settings.gueVariant();
        final int overhead = overhead(outerIpv6, gue, gueVariant);

        if (!packet.length(l2Length + innerLength) || !packet.prepend(overhead))
        {
            return counters.drop(DropReason.NO_HEADROOM);
        }
        final long start = packet.dataAddress();
        final long innerStart = start + overhead + l2Length;
        final int tos = decrementInnerTtl(innerStart, innerIpv6);

        Memory.moveDown(start + overhead, start, l2Length);
        final long outer = start + l2Length;
        final int innerProtocol = innerIpv6 ? Ipv4Flyweight.PROTOCOL_IPV6 : Ipv4Flyweight.PROTOCOL_IPIP;
        final int outerProtocol = gue ? Ipv4Flyweight.PROTOCOL_UDP : innerProtocol;
        final int outerLength = innerLength + overhead;

        final long udp;
        if (outerIpv6)
        {
            final int count = snapshot.tunnelSourceCountIpv6();
            final int source = sourceIndex(flowHash, count);
            final int flowLabel = (int)(flowHash >>> 40) & 0xF_FFFF;
            Ipv6Flyweight.write(
                outer, tos, flowLabel == 0 ? 1 : flowLabel, outerLength - IPV6_OVERHEAD, outerProtocol,
                settings.outerTtl(), snapshot.tunnelSourceIpv6Hi(source), snapshot.tunnelSourceIpv6Lo(source),
                backend.addressHi(), backend.addressLo());
            udp = outer + IPV6_OVERHEAD;
        }
        else
        {
            final int source = snapshot.tunnelSourceIpv4(sourceIndex(flowHash, snapshot.tunnelSourceCountIpv4()));
            Ipv4Flyweight.write(
                outer, tos, outerLength, Ipv4Flyweight.FLAG_DONT_FRAGMENT, settings.outerTtl(), outerProtocol,
                source, (int)backend.addressLo());
            udp = outer + IPV4_OVERHEAD;
        }
        setEtherType(start, l2Length, outerIpv6);

        if (gue)
        {
            final int udpLength = outerLength - (outerIpv6 ? IPV6_OVERHEAD : IPV4_OVERHEAD);
            final int sourcePort = 0xC000 | ((int)(flowHash >>> 18) & 0x3FFF);
            UdpFlyweight.write(udp, sourcePort, settings.guePort(), udpLength);
            if (gueVariant == 0)
            {
                GueFlyweight.write(udp + UdpFlyweight.HEADER_LENGTH, innerProtocol);
            }
            if (outerIpv6)
            {
                UdpFlyweight.writeChecksum(
                    udp, udpLength, Checksums.ipv6PseudoHeader(outer, Ipv4Flyweight.PROTOCOL_UDP, udpLength));
            }
        }
        EthernetFlyweight.writeMacs(start, nextHopMac, portMac);
        return Verdict.FORWARD;
    }

    private static int sourceIndex(final long flowHash, final int count)
    {
        return (int)(((flowHash & 0xFFFF_FFFFL) * count) >>> 32);
    }

    private static void setEtherType(final long start, final int l2Length, final boolean ipv6)
    {
        putU16(start + l2Length - 2, ipv6 ? EthernetFlyweight.ETHER_TYPE_IPV6 : EthernetFlyweight.ETHER_TYPE_IPV4);
    }

    private static int decrementInnerTtl(final long inner, final boolean ipv6)
    {
        if (ipv6)
        {
            final long hopLimitAt = inner + Ipv6Flyweight.HOP_LIMIT_OFFSET;
            putU8(hopLimitAt, getU8(hopLimitAt) - 1);
            return (getU16(inner) >>> 4) & 0xFF;
        }
        final long ttlAt = inner + Ipv4Flyweight.TTL_OFFSET;
        final int oldWord = getU16(ttlAt);
        final int newWord = oldWord - 0x100;
        putU16(ttlAt, newWord);
        final long checksumAt = inner + Ipv4Flyweight.CHECKSUM_OFFSET;
        putU16(checksumAt, Checksums.update16(getU16(checksumAt), oldWord, newWord));
        return getU8(inner + Ipv4Flyweight.TOS_OFFSET);
    }
}
