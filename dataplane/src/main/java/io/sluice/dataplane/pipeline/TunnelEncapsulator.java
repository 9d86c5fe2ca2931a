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
import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.Verdict;

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

    /**
     * IPIP or GUE encapsulation of an IPv4 packet in IPv4 for the pipeline's fast path, which has
     * read the header in two words and checked TTL, MTU and headroom: byte for byte what {@link
     * #encapsulate} writes, in six wide stores instead of a dozen narrow ones and a header copy.
     *
     * @param packet      the frame: untagged Ethernet and an IPv4 header without options.
     * @param start       address of the frame's first byte.
     * @param w0          the IPv4 header's bytes 0 to 7, big-endian.
     * @param w1          the IPv4 header's bytes 8 to 15, big-endian.
     * @param totalLength the IPv4 total length; Ethernet padding after it is cut.
     * @param gue         GUE rather than IPIP.
     * @param destination the backend's IPv4 address.
     * @param nextHopMac  the next hop's MAC.
     * @param portMac     the port's MAC.
     * @param flowHash    the flow hash, which picks the tunnel source and the GUE source port.
     * @param snapshot    the snapshot in force (tunnel sources, outer TTL, GUE port and variant).
     */
    public void encapsulateIpv4InIpv4(
        final PacketBuffer packet, final long start, final long w0, final long w1, final int totalLength,
        final boolean gue, final int destination, final long nextHopMac, final long portMac, final long flowHash,
        final ServiceSnapshot snapshot)
    {
        final DataplaneSettings settings = snapshot.settings();
        final int overhead = overhead(false, gue, settings.gueVariant());
        packet.length(EthernetFlyweight.HEADER_LENGTH + totalLength);
        packet.prepend(overhead);
        decrementTtl(start + EthernetFlyweight.HEADER_LENGTH, w1);
        final long frame = start - overhead;
        writeEthernetIpv4(frame, nextHopMac, portMac);

        final int tos = (int)(w0 >>> 48) & 0xFF;
        final int outerLength = totalLength + overhead;
        final int ttlProtocol = (settings.outerTtl() << 8) | (gue ? Ipv4Flyweight.PROTOCOL_UDP : Ipv4Flyweight.PROTOCOL_IPIP);
        final int source = snapshot.tunnelSourceIpv4(sourceIndex(flowHash, snapshot.tunnelSourceCountIpv4()));
        final int sum = 0x4500 + tos + outerLength + Ipv4Flyweight.FLAG_DONT_FRAGMENT + ttlProtocol +
            (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF);
        final long outer = frame + EthernetFlyweight.HEADER_LENGTH;
        putI64(outer, ((0x4500L | tos) << 48) | ((long)outerLength << 32) | Ipv4Flyweight.FLAG_DONT_FRAGMENT);
        putI64(outer + 8,
            ((long)ttlProtocol << 48) | ((long)Checksums.finishSmall(sum) << 32) | (source & 0xFFFF_FFFFL));
        putI32(outer + 16, destination);
        if (gue)
        {
            writeGue(outer + Ipv4Flyweight.MIN_HEADER_LENGTH, outerLength - Ipv4Flyweight.MIN_HEADER_LENGTH, flowHash, settings);
        }
    }

    /** The inner IPv4 TTL less one and its checksum updated (RFC 1624), from header bytes 8 to 15 read as {@code w1}. */
    private static void decrementTtl(final long l3, final long w1)
    {
        final int oldTtlWord = (int)(w1 >>> 48) & 0xFFFF;
        final int newTtlWord = oldTtlWord - 0x100;
        putI32(l3 + 8, (newTtlWord << 16) | Checksums.update16((int)(w1 >>> 32) & 0xFFFF, oldTtlWord, newTtlWord));
    }

    private static void writeEthernetIpv4(final long frame, final long dstMac, final long srcMac)
    {
        putI64(frame, (dstMac << 16) | (srcMac >>> 32));
        putI32(frame + 8, (int)srcMac);
        putU16(frame + 12, EthernetFlyweight.ETHER_TYPE_IPV4);
    }

    /** UDP header (checksum 0, as IPv4 allows) and, for variant 0, the GUE header. */
    private static void writeGue(final long udp, final int udpLength, final long flowHash, final DataplaneSettings settings)
    {
        final long sourcePort = 0xC000 | ((int)(flowHash >>> 18) & 0x3FFF);
        putI64(udp, (sourcePort << 48) | ((long)settings.guePort() << 32) | ((long)udpLength << 16));
        if (settings.gueVariant() == 0)
        {
            GueFlyweight.write(udp + UdpFlyweight.HEADER_LENGTH, Ipv4Flyweight.PROTOCOL_IPIP);
        }
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
