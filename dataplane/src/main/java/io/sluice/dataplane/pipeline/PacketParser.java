package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.NetworkOrder;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_IPV4;
import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_IPV6;
import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_QINQ;
import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_VLAN;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_TCP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_UDP;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;

/**
 * The parse stage: reads the frame's headers into the {@link PacketContext} and decides nothing
 * but what the bytes alone decide (a truncated or malformed header, an IPv6 header with an
 * IPv4-mapped address, a frame for another host).
 * <p>
 * The common frame, untagged Ethernet with an IPv4 header of 20 bytes, is read in a few wide loads;
 * a VLAN tag, IPv4 options or IPv6 (with its extension headers) go through the header flyweights.
 * Both fill the same fields, so every later stage sees one shape. Ports are read for a TCP or UDP
 * packet whole or a first fragment, and {@code l4Valid} says whether its header is whole (a first
 * fragment's UDP length is the datagram's, beyond the fragment): whether a broken L4 header is a
 * drop, and for which reason, is the classifier's to decide. A fragment after the first has no
 * L4 header: {@code laterFragment}, no ports, no TCP flags. An IPv6 Fragment header is read
 * through: the protocol is its next header and {@code l4} follows it; an atomic fragment (offset
 * 0, no more fragments, RFC 8200 4.5) is a whole packet.
 * <pre>
 *   Ethernet ─► dst MAC ours or a group? ─► IPv4 (wide loads; options: flyweight) ─► TCP / UDP ports
 *                                        └► IPv6 (flyweight, extension headers)   ─► TCP / UDP ports
 *                                        └► ARP and the rest: etherType only
 * </pre>
 */
final class PacketParser
{
    private static final int ETHERNET_LENGTH = EthernetFlyweight.HEADER_LENGTH;
    private static final int IPV4_VERSION_IHL_5 = 0x45;
    private static final int FRAGMENT_HEADER_LENGTH = 8;
    private static final int FRAGMENT_OFFSET_BITS = 0xFFF8;
    private static final int FRAGMENT_RESERVED_BITS = 0x0006;

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private ServiceSnapshot snapshot;

    /**
     * Sets the snapshot whose virtual MACs (VRRP, while master) frames may be sent to besides the port's.
     *
     * @param snapshot the snapshot in force.
     */
    void begin(final ServiceSnapshot snapshot)
    {
        this.snapshot = snapshot;
    }

    /**
     * Parses a frame.
     *
     * @param ctx     the context, {@link PacketContext#reset reset} for this frame.
     * @param start   address of the frame's first byte.
     * @param length  the frame's length.
     * @param portMac the port's MAC: frames to another unicast MAC (but a virtual router's this LB is master of) are not for us.
     * @return {@link Verdict#CONTINUE}, or {@link Verdict#DROP} with the reason in the context.
     */
    int parse(final PacketContext ctx, final long start, final int length, final long portMac)
    {
        if (length < ETHERNET_LENGTH)
        {
            return ctx.drop(DropReason.MALFORMED_ETHERNET);
        }
        int etherType = length >= ETHERNET_LENGTH + 2 ?
            (int)(NetworkOrder.getI64(start + 8) >>> 16) & 0xFFFF : getU16(start + EthernetFlyweight.ETHER_TYPE_OFFSET);
        int l2Length = ETHERNET_LENGTH;
        if (etherType == ETHER_TYPE_VLAN || etherType == ETHER_TYPE_QINQ)
        {
            if (!ethernet.wrap(start, length))
            {
                return ctx.drop(DropReason.MALFORMED_ETHERNET);
            }
            etherType = ethernet.etherType();
            l2Length = ethernet.headerLength();
        }
        final long dstMac = NetworkOrder.getI64(start) >>> 16;
        final boolean group = EthernetFlyweight.isGroupMac(dstMac);
        if (!group && dstMac != portMac && (snapshot == null || !snapshot.acceptsVirtualMac(dstMac)))
        {
            return ctx.drop(DropReason.NOT_FOR_US);
        }
        ctx.groupMac = group;
        ctx.l2Length = l2Length;
        ctx.etherType = etherType;
        final long l3 = start + l2Length;
        ctx.l3 = l3;
        if (etherType == ETHER_TYPE_IPV4)
        {
            return ipv4(ctx, l3, length - l2Length);
        }
        if (etherType == ETHER_TYPE_IPV6)
        {
            return ipv6(ctx, l3, length - l2Length);
        }
        return Verdict.CONTINUE;
    }

    private int ipv4(final PacketContext ctx, final long l3, final int available)
    {
        if (available < Ipv4Flyweight.MIN_HEADER_LENGTH)
        {
            return ctx.drop(DropReason.MALFORMED_IPV4);
        }
        final long w0 = NetworkOrder.getI64(l3);
        final long w1 = NetworkOrder.getI64(l3 + 8);
        final int totalLength = (int)(w0 >>> 32) & 0xFFFF;
        final int headerLength;
        if ((w0 >>> 56) == IPV4_VERSION_IHL_5 && totalLength >= Ipv4Flyweight.MIN_HEADER_LENGTH && totalLength <= available)
        {
            headerLength = Ipv4Flyweight.MIN_HEADER_LENGTH;
        }
        else if (ipv4.wrap(l3, available))
        {
            headerLength = ipv4.headerLength();
        }
        else
        {
            return ctx.drop(DropReason.MALFORMED_IPV4);
        }
        final int fragmentWord = (int)w0 & 0xFFFF;
        final int protocol = (int)(w1 >>> 48) & 0xFF;
        ctx.ipv6 = false;
        ctx.ipLength = totalLength;
        ctx.protocol = protocol;
        ctx.ttl = (int)(w1 >>> 56);
        ctx.ttlWord = (int)(w1 >>> 32);
        ctx.tos = (int)(w0 >>> 48) & 0xFF;
        ctx.fragment = (fragmentWord & 0x3FFF) != 0;
        ctx.laterFragment = (fragmentWord & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) != 0;
        ctx.dontFragment = (fragmentWord & Ipv4Flyweight.FLAG_DONT_FRAGMENT) != 0;
        ctx.src4 = (int)w1;
        ctx.l4 = l3 + headerLength;
        ctx.l4Length = totalLength - headerLength;
        ctx.l4Valid = false;
        ctx.tcpFlags = 0;
        final boolean withPorts = !ctx.laterFragment && (protocol == PROTOCOL_TCP || protocol == PROTOCOL_UDP);
        if (headerLength == Ipv4Flyweight.MIN_HEADER_LENGTH && totalLength >= Ipv4Flyweight.MIN_HEADER_LENGTH + 4)
        {
            final long w2 = NetworkOrder.getI64(l3 + Ipv4Flyweight.DST_ADDRESS_OFFSET);
            ctx.dst4 = (int)(w2 >>> 32);
            if (withPorts)
            {
                ports(ctx, protocol, (int)w2);
            }
            return Verdict.CONTINUE;
        }
        ctx.dst4 = NetworkOrder.getI32(l3 + Ipv4Flyweight.DST_ADDRESS_OFFSET);
        if (withPorts && ctx.l4Length >= 4)
        {
            ports(ctx, protocol, NetworkOrder.getI32(ctx.l4));
        }
        return Verdict.CONTINUE;
    }

    private int ipv6(final PacketContext ctx, final long l3, final int available)
    {
        final Ipv6Flyweight ip = ipv6;
        if (!ip.wrap(l3, available) ||
            FlowKey.isIpv4Mapped(ip.dstHi(), ip.dstLo()) || FlowKey.isIpv4Mapped(ip.srcHi(), ip.srcLo()))
        {
            return ctx.drop(DropReason.MALFORMED_IPV6);
        }
        ctx.ipv6 = true;
        ctx.ipLength = ip.totalLength();
        ctx.ttl = ip.hopLimit();
        ctx.tos = ip.trafficClass();
        ctx.dontFragment = true;
        ctx.srcHi = ip.srcHi();
        ctx.srcLo = ip.srcLo();
        ctx.dstHi = ip.dstHi();
        ctx.dstLo = ip.dstLo();
        ctx.l4Valid = false;
        ctx.tcpFlags = 0;
        long l4 = ip.upperOffset();
        int l4Length = ip.upperLength();
        int protocol = ip.upperProtocol();
        boolean fragment = false;
        boolean laterFragment = false;
        if (ip.isFragment())
        {
            if (l4Length < FRAGMENT_HEADER_LENGTH)
            {
                return ctx.drop(DropReason.MALFORMED_IPV6);
            }
            final int offsetAndFlags = getU16(l4 + 2);
            protocol = NetworkOrder.getU8(l4);
            fragment = (offsetAndFlags & ~FRAGMENT_RESERVED_BITS) != 0;
            laterFragment = (offsetAndFlags & FRAGMENT_OFFSET_BITS) != 0;
            l4 += FRAGMENT_HEADER_LENGTH;
            l4Length -= FRAGMENT_HEADER_LENGTH;
        }
        ctx.protocol = protocol;
        ctx.fragment = fragment;
        ctx.laterFragment = laterFragment;
        ctx.l4 = l4;
        ctx.l4Length = l4Length;
        if (!laterFragment && (protocol == PROTOCOL_TCP || protocol == PROTOCOL_UDP) && l4Length >= 4)
        {
            ports(ctx, protocol, NetworkOrder.getI32(l4));
        }
        return Verdict.CONTINUE;
    }

    /**
     * The ports, and for TCP the flags, when the L4 header is whole: TCP's data offset or UDP's
     * length within the payload.
     *
     * @param ports the L4 header's first four bytes (both ports), read by the caller.
     */
    private static void ports(final PacketContext ctx, final int protocol, final int ports)
    {
        final long l4 = ctx.l4;
        final int l4Length = ctx.l4Length;
        final boolean valid;
        if (protocol == PROTOCOL_TCP)
        {
            if (l4Length < 20)
            {
                return;
            }
            final int offsetAndFlags = getU16(l4 + 12);
            final int dataOffset = (offsetAndFlags >>> 12) << 2;
            valid = dataOffset >= 20 && dataOffset <= l4Length;
            ctx.tcpFlags = offsetAndFlags & 0xFF;
        }
        else
        {
            if (l4Length < 8)
            {
                return;
            }
            final int udpLength = getU16(l4 + 4);
            valid = udpLength >= 8 && (udpLength <= l4Length || ctx.fragment);
            ctx.tcpFlags = 0;
        }
        ctx.srcPort = ports >>> 16;
        ctx.dstPort = ports & 0xFFFF;
        ctx.l4Valid = valid;
    }
}
