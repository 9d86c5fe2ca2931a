package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.packet.ArpFlyweight;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.IcmpFlyweight;
import io.sluice.dataplane.packet.Icmpv6Flyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_ARP;
import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_IPV4;
import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_IPV6;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_ICMP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_TCP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_UDP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_VRRP;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;

/**
 * The classify stage: what a parsed packet is for. A TCP or UDP packet to a VIP gets its {@link
 * Service} and goes on to the flow stage; so does an ICMP error about a VIP's flow, by the flow it
 * quotes (ports swapped). Everything else ends here:
 * <pre>
 *   ARP, IPv6 ND ─► NeighbourResponder: answer for our addresses, punt what the table learns from
 *   VRRP, traffic to the LB's own addresses ─► punt
 *   traffic to a virtual address this LB is VRRP backup for ─► drop (standby)
 *   ICMP echo to a VIP ─► IcmpResponder: reply
 *   anything else ─► drop, by reason
 * </pre>
 * The check order decides which reason a packet with several faults is dropped for, and is fixed
 * by the packet fixtures. The common packet is looked up first, with a one-entry cache of the last
 * IPv4 service; the checks it skips cannot fail for it (an address with a service is a VIP).
 * <p>
 * Fragments go by their service's {@link FragmentPolicy}: a first fragment has its ports and is
 * looked up as a whole packet is; a later one has none and takes the one service of its VIP and
 * protocol ({@link ServiceSnapshot#fragmentService}), or for a NAT reply the one {@code l3} NAT
 * service of its source address and protocol. Under {@code drop}, or with no such service, it is
 * dropped as {@link DropReason#FRAGMENT}, counted for the service when there is one.
 */
final class PacketClassifier
{
    private static final int FRAGMENT = DropReason.FRAGMENT.ordinal();

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private final Ipv4Flyweight innerIpv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight innerIpv6 = new Ipv6Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final Icmpv6Flyweight icmpv6 = new Icmpv6Flyweight();
    private final NeighbourResponder neighbourResponder = new NeighbourResponder();
    private final IcmpResponder icmpResponder;
    private final long[] counters;
    private final TrafficStats traffic;

    private ServiceSnapshot snapshot;
    private long portMac;
    private Service lastService;
    private int lastAddress;
    private int lastPortProtocol;

    PacketClassifier(final IcmpResponder icmpResponder, final long[] counters, final TrafficStats traffic)
    {
        this.icmpResponder = icmpResponder;
        this.counters = counters;
        this.traffic = traffic;
    }

    void begin(final ServiceSnapshot snapshot, final long portMac)
    {
        if (snapshot != this.snapshot)
        {
            lastService = null;
        }
        this.snapshot = snapshot;
        this.portMac = portMac;
    }

    /**
     * Classifies a parsed packet.
     *
     * @return {@link Verdict#CONTINUE} with {@code ctx.service} set (and for an ICMP error {@code
     *         ctx.quoted} and {@code ctx.key}), or the packet's final verdict.
     */
    int classify(final PacketContext ctx, final PacketBuffer packet)
    {
        final int etherType = ctx.etherType;
        if (etherType == ETHER_TYPE_IPV4 || etherType == ETHER_TYPE_IPV6)
        {
            if (ctx.l4Valid && !ctx.groupMac)
            {
                final Service service = ctx.ipv6 ?
                    snapshot.service(ctx.dstHi, ctx.dstLo, ctx.dstPort, ctx.protocol) : ipv4Service(ctx);
                if (service != null)
                {
                    ctx.service = service;
                    ctx.quoted = false;
                    ctx.natReply = false;
                    ctx.natReverse = false;
                    return ctx.fragment ? fragmentOf(ctx, service) : Verdict.CONTINUE;
                }
                return noService(ctx, packet);
            }
            else if (ctx.laterFragment && !ctx.groupMac && snapshot.hasNatReplies() && natFragmentReply(ctx))
            {
                return Verdict.CONTINUE;
            }
            return ctx.ipv6 ? otherIpv6(ctx, packet) : otherIpv4(ctx, packet);
        }
        if (etherType == ETHER_TYPE_ARP)
        {
            final long l3 = ctx.l3;
            if (!arp.wrap(l3, ctx.frameLength - ctx.l2Length))
            {
                return ctx.drop(DropReason.MALFORMED_ARP);
            }
            ethernet.wrap(l3 - ctx.l2Length, ctx.frameLength);
            return neighbourResponder.onArp(ctx, ethernet, arp, snapshot, portMac);
        }
        return ctx.drop(DropReason.UNSUPPORTED_ETHERTYPE);
    }

    /**
     * A packet from a NAT service's backend endpoint to an address that is not the LB's: the reply
     * of one of the service's flows, on to the forward stage with its service and backend.
     */
    private boolean natReply(final PacketContext ctx)
    {
        final long srcHi = ctx.ipv6 ? ctx.srcHi : FlowKey.IPV4_MAPPED_HI;
        final long srcLo = ctx.ipv6 ? ctx.srcLo : FlowKey.ipv4MappedLo(ctx.src4);
        return replyFrom(ctx, snapshot.natReplyBackend(srcHi, srcLo, ctx.srcPort, ctx.protocol));
    }

    /**
     * A fragment after the first from an address of the one {@link FragmentPolicy#L3} NAT service
     * of its protocol, to an address that is not the LB's: part of that service's reply, whose
     * source address only is translated back to the VIP (it has no port).
     */
    private boolean natFragmentReply(final PacketContext ctx)
    {
        final long srcHi = ctx.ipv6 ? ctx.srcHi : FlowKey.IPV4_MAPPED_HI;
        final long srcLo = ctx.ipv6 ? ctx.srcLo : FlowKey.ipv4MappedLo(ctx.src4);
        return replyFrom(ctx, snapshot.natFragmentReplyBackend(srcHi, srcLo, ctx.protocol));
    }

    /** A packet from a NAT backend (or null), to an address that must not be the LB's: its reply, set in the context. */
    private boolean replyFrom(final PacketContext ctx, final Backend backend)
    {
        if (backend == null || (ctx.ipv6 ?
            snapshot.kindOf(ctx.dstHi, ctx.dstLo) : snapshot.kindOf(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(ctx.dst4))) !=
            ServiceSnapshot.KIND_NONE)
        {
            return false;
        }
        ctx.service = snapshot.serviceAt(backend.serviceIndex());
        ctx.backend = backend;
        ctx.quoted = false;
        ctx.natReply = true;
        ctx.natReverse = false;
        counters[WorkerCounter.NAT_REPLIES.ordinal()]++;
        return true;
    }

    /**
     * A whole TCP or UDP packet no service takes by its destination: a NAT service's reply (by its
     * source), a full-NAT reply (to a NAT address; never a fragment), or anything else by its checks.
     */
    private int noService(final PacketContext ctx, final PacketBuffer packet)
    {
        if (snapshot.hasNatReplies() && natReply(ctx))
        {
            return ctx.fragment ? fragmentOf(ctx, ctx.service) : Verdict.CONTINUE;
        }
        if (snapshot.natLayout() != null && toNatAddress(ctx))
        {
            return ctx.fragment ? ctx.drop(DropReason.FRAGMENT) : Verdict.CONTINUE;
        }
        return ctx.ipv6 ? otherIpv6(ctx, packet) : otherIpv4(ctx, packet);
    }

    /** TCP or UDP to one of the LB's NAT addresses: the reply of a full-NAT flow, which the flow stage looks up. */
    private boolean toNatAddress(final PacketContext ctx)
    {
        final int kind = ctx.ipv6 ?
            snapshot.kindOf(ctx.dstHi, ctx.dstLo) : snapshot.kindOf(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(ctx.dst4));
        if (kind != ServiceSnapshot.KIND_NAT)
        {
            return false;
        }
        ctx.service = null;
        ctx.quoted = false;
        ctx.natReply = false;
        ctx.natReverse = true;
        return true;
    }

    /**
     * A fragment of a service's datagram (or of a NAT service's reply), its service in the context:
     * on to the flow stage when the service takes fragments ({@link FragmentPolicy#L3}), else
     * dropped, counted for the service too.
     */
    private int fragmentOf(final PacketContext ctx, final Service service)
    {
        if (service.l3Flows())
        {
            return Verdict.CONTINUE;
        }
        traffic.serviceDrop(service.id(), FRAGMENT);
        return ctx.drop(DropReason.FRAGMENT);
    }

    /**
     * A fragment to a VIP that the fast path did not match: a fragment after the first goes to the
     * one service of its VIP and protocol, if there is exactly one; a first fragment that matched
     * no service by its port, or whose L4 header is cut short, is dropped.
     */
    private int fragmentToVip(final PacketContext ctx, final long dstHi, final long dstLo)
    {
        final Service service = ctx.laterFragment ? snapshot.fragmentService(dstHi, dstLo, ctx.protocol) : null;
        if (service == null)
        {
            return ctx.drop(DropReason.FRAGMENT);
        }
        ctx.service = service;
        ctx.quoted = false;
        ctx.natReply = false;
        ctx.natReverse = false;
        return fragmentOf(ctx, service);
    }

    private Service ipv4Service(final PacketContext ctx)
    {
        final int dst = ctx.dst4;
        final int portProtocol = (ctx.dstPort << 8) | ctx.protocol;
        Service service = lastService;
        if (service == null || dst != lastAddress || portProtocol != lastPortProtocol)
        {
            service = snapshot.service(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(dst), ctx.dstPort, ctx.protocol);
            if (service != null)
            {
                lastService = service;
                lastAddress = dst;
                lastPortProtocol = portProtocol;
            }
        }
        return service;
    }

    /** An IPv4 packet that is not a TCP or UDP packet of a service, in the order of its checks. */
    private int otherIpv4(final PacketContext ctx, final PacketBuffer packet)
    {
        final int protocol = ctx.protocol;
        if (protocol == PROTOCOL_VRRP)
        {
            return Verdict.PUNT;
        }
        if (protocol == PROTOCOL_ICMP && !ctx.groupMac && !ctx.fragment &&
            (snapshot.hasNatReplies() && natIcmpv4(ctx) || snapshot.natLayout() != null && fullNatIcmpv4(ctx)))
        {
            return Verdict.CONTINUE;
        }
        final int verdict = toVip(ctx, FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(ctx.dst4));
        if (verdict != Verdict.CONTINUE)
        {
            return verdict;
        }
        if (ctx.fragment)
        {
            return fragmentToVip(ctx, FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(ctx.dst4));
        }
        if (protocol == PROTOCOL_ICMP)
        {
            return icmpv4(ctx, packet);
        }
        return notServed(ctx, protocol);
    }

    /** An IPv6 packet that is not a TCP or UDP packet of a service, in the order of its checks. */
    private int otherIpv6(final PacketContext ctx, final PacketBuffer packet)
    {
        final int protocol = ctx.protocol;
        if (protocol == Ipv6Flyweight.NEXT_ICMPV6 && !ctx.fragment && icmpv6.wrap(ctx.l4, ctx.l4Length) &&
            icmpv6.isNeighbourDiscovery())
        {
            ethernet.wrap(ctx.l3 - ctx.l2Length, ctx.frameLength);
            ipv6.wrap(ctx.l3, ctx.frameLength - ctx.l2Length);
            return neighbourResponder.onNeighbourDiscovery(ctx, packet, ethernet, ipv6, icmpv6, snapshot, portMac);
        }
        if (protocol == PROTOCOL_VRRP)
        {
            return Verdict.PUNT;
        }
        if (protocol == Ipv6Flyweight.NEXT_ICMPV6 && !ctx.groupMac && !ctx.fragment &&
            (snapshot.hasNatReplies() && natIcmpv6(ctx) || snapshot.natLayout() != null && fullNatIcmpv6(ctx)))
        {
            return Verdict.CONTINUE;
        }
        final int verdict = toVip(ctx, ctx.dstHi, ctx.dstLo);
        if (verdict != Verdict.CONTINUE)
        {
            return verdict;
        }
        if (ctx.fragment)
        {
            return fragmentToVip(ctx, ctx.dstHi, ctx.dstLo);
        }
        if (protocol == Ipv6Flyweight.NEXT_ICMPV6)
        {
            return icmpv6(ctx, packet);
        }
        return notServed(ctx, protocol);
    }

    /** The checks shared by both families before a packet to a VIP is looked at by protocol. */
    private int toVip(final PacketContext ctx, final long dstHi, final long dstLo)
    {
        if (ctx.groupMac)
        {
            return ctx.drop(DropReason.NOT_FOR_US);
        }
        final int kind = snapshot.kindOf(dstHi, dstLo);
        if (kind != ServiceSnapshot.KIND_VIP)
        {
            return kind == ServiceSnapshot.KIND_LOCAL ? Verdict.PUNT :
                ctx.drop(kind == ServiceSnapshot.KIND_STANDBY ? DropReason.STANDBY : DropReason.NO_VIP);
        }
        return Verdict.CONTINUE;
    }

    /** A packet to a VIP that no service takes: the reason, by how far it got. */
    private static int notServed(final PacketContext ctx, final int protocol)
    {
        if (protocol != PROTOCOL_TCP && protocol != PROTOCOL_UDP)
        {
            return ctx.drop(DropReason.UNSUPPORTED_PROTOCOL);
        }
        return ctx.drop(ctx.l4Valid ? DropReason.NO_VIP : DropReason.MALFORMED_L4);
    }

    private int icmpv4(final PacketContext ctx, final PacketBuffer packet)
    {
        final long l4 = ctx.l4;
        final int l4Length = ctx.l4Length;
        if (!icmp.wrap(l4, l4Length))
        {
            return ctx.drop(DropReason.MALFORMED_L4);
        }
        if (icmp.type() == IcmpFlyweight.TYPE_ECHO_REQUEST && icmp.code() == 0)
        {
            ipv4.wrap(ctx.l3, ctx.frameLength - ctx.l2Length);
            return icmpResponder.echoReplyIpv4(packet, ipv4, icmp, portMac);
        }
        if (!icmp.isError() || !innerIpv4.wrapQuoted(icmp.dataOffset(), l4Length - IcmpFlyweight.HEADER_LENGTH))
        {
            return ctx.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final int innerProtocol = innerIpv4.protocol();
        if (innerProtocol != PROTOCOL_TCP && innerProtocol != PROTOCOL_UDP)
        {
            return ctx.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final long ports = innerIpv4.payloadOffset();
        final int vipPort = getU16(ports);
        final Service service = snapshot.service(
            FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(innerIpv4.srcAddress()), vipPort, innerProtocol);
        if (service == null)
        {
            return ctx.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final boolean l3 = service.l3Flows();
        ctx.key.setIpv4(innerIpv4.dstAddress(), innerIpv4.srcAddress(), l3 ? 0 : getU16(ports + 2), l3 ? 0 : vipPort, innerProtocol);
        quote(ctx, icmp.dataOffset(), ports, l4 + l4Length, innerProtocol);
        return quoted(ctx, service);
    }

    private int icmpv6(final PacketContext ctx, final PacketBuffer packet)
    {
        final long l4 = ctx.l4;
        final int l4Length = ctx.l4Length;
        if (!icmpv6.wrap(l4, l4Length))
        {
            return ctx.drop(DropReason.MALFORMED_L4);
        }
        if (icmpv6.type() == Icmpv6Flyweight.TYPE_ECHO_REQUEST && icmpv6.code() == 0 &&
            l4 == ctx.l3 + Ipv6Flyweight.HEADER_LENGTH)
        {
            ipv6.wrap(ctx.l3, ctx.frameLength - ctx.l2Length);
            return icmpResponder.echoReplyIpv6(packet, ipv6, icmpv6, portMac);
        }
        final Ipv6Flyweight inner = innerIpv6;
        if (!icmpv6.isError() || !inner.wrapQuoted(icmpv6.dataOffset(), l4Length - Icmpv6Flyweight.HEADER_LENGTH))
        {
            return ctx.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final int innerProtocol = inner.upperProtocol();
        if ((innerProtocol != PROTOCOL_TCP && innerProtocol != PROTOCOL_UDP) || FlowKey.isIpv4Mapped(inner.srcHi(), inner.srcLo()))
        {
            return ctx.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final long ports = inner.upperOffset();
        final int vipPort = getU16(ports);
        final Service service = snapshot.service(inner.srcHi(), inner.srcLo(), vipPort, innerProtocol);
        if (service == null)
        {
            return ctx.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final boolean l3 = service.l3Flows();
        ctx.key.setIpv6(inner.dstHi(), inner.dstLo(), inner.srcHi(), inner.srcLo(), l3 ? 0 : getU16(ports + 2), l3 ? 0 : vipPort,
            innerProtocol);
        quote(ctx, icmpv6.dataOffset(), ports, l4 + l4Length, innerProtocol);
        return quoted(ctx, service);
    }

    private static void quote(final PacketContext ctx, final long innerL3, final long innerL4, final long innerEnd, final int protocol)
    {
        ctx.innerL3 = innerL3;
        ctx.innerL4 = innerL4;
        ctx.innerEnd = innerEnd;
        ctx.innerProtocol = protocol;
    }

    /**
     * An ICMPv4 error from a NAT service's backend about one of its flows (quoting client to
     * backend endpoint), on its way to the client: classified with its backend, as a reply.
     */
    private boolean natIcmpv4(final PacketContext ctx)
    {
        final long l4 = ctx.l4;
        final int l4Length = ctx.l4Length;
        if (!icmp.wrap(l4, l4Length) || !icmp.isError() ||
            !innerIpv4.wrapQuoted(icmp.dataOffset(), l4Length - IcmpFlyweight.HEADER_LENGTH) ||
            innerIpv4.srcAddress() != ctx.dst4 || innerIpv4.dstAddress() != ctx.src4)
        {
            return false;
        }
        final int innerProtocol = innerIpv4.protocol();
        final long ports = innerIpv4.payloadOffset();
        final Backend backend = snapshot.natReplyBackend(
            FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(innerIpv4.dstAddress()), getU16(ports + 2), innerProtocol);
        if (backend == null || snapshot.kindOf(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(ctx.dst4)) != ServiceSnapshot.KIND_NONE)
        {
            return false;
        }
        quote(ctx, icmp.dataOffset(), ports, l4 + l4Length, innerProtocol);
        return natQuoted(ctx, backend);
    }

    /** {@link #natIcmpv4} for ICMPv6. */
    private boolean natIcmpv6(final PacketContext ctx)
    {
        final long l4 = ctx.l4;
        final int l4Length = ctx.l4Length;
        final Ipv6Flyweight inner = innerIpv6;
        if (!icmpv6.wrap(l4, l4Length) || !icmpv6.isError() ||
            !inner.wrapQuoted(icmpv6.dataOffset(), l4Length - Icmpv6Flyweight.HEADER_LENGTH) ||
            inner.srcHi() != ctx.dstHi || inner.srcLo() != ctx.dstLo || inner.dstHi() != ctx.srcHi || inner.dstLo() != ctx.srcLo)
        {
            return false;
        }
        final int innerProtocol = inner.upperProtocol();
        final long ports = inner.upperOffset();
        final Backend backend = snapshot.natReplyBackend(inner.dstHi(), inner.dstLo(), getU16(ports + 2), innerProtocol);
        if (backend == null || snapshot.kindOf(ctx.dstHi, ctx.dstLo) != ServiceSnapshot.KIND_NONE)
        {
            return false;
        }
        quote(ctx, icmpv6.dataOffset(), ports, l4 + l4Length, innerProtocol);
        return natQuoted(ctx, backend);
    }

    /**
     * An ICMPv4 error to one of the LB's NAT addresses quoting a packet the LB sent from it (NAT
     * address and port to a backend): about a full-NAT flow, whose reverse entry (the quoted packet's
     * tuple swapped) the flow stage looks up.
     */
    private boolean fullNatIcmpv4(final PacketContext ctx)
    {
        if (snapshot.kindOf(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(ctx.dst4)) != ServiceSnapshot.KIND_NAT)
        {
            return false;
        }
        final long l4 = ctx.l4;
        final int l4Length = ctx.l4Length;
        if (!icmp.wrap(l4, l4Length) || !icmp.isError() ||
            !innerIpv4.wrapQuoted(icmp.dataOffset(), l4Length - IcmpFlyweight.HEADER_LENGTH) || innerIpv4.srcAddress() != ctx.dst4)
        {
            return false;
        }
        final int innerProtocol = innerIpv4.protocol();
        if (innerProtocol != PROTOCOL_TCP && innerProtocol != PROTOCOL_UDP)
        {
            return false;
        }
        final long ports = innerIpv4.payloadOffset();
        ctx.key.setIpv4(innerIpv4.dstAddress(), innerIpv4.srcAddress(), getU16(ports + 2), getU16(ports), innerProtocol);
        quote(ctx, icmp.dataOffset(), ports, l4 + l4Length, innerProtocol);
        return fullNatQuoted(ctx);
    }

    /** {@link #fullNatIcmpv4} for ICMPv6. */
    private boolean fullNatIcmpv6(final PacketContext ctx)
    {
        if (snapshot.kindOf(ctx.dstHi, ctx.dstLo) != ServiceSnapshot.KIND_NAT)
        {
            return false;
        }
        final long l4 = ctx.l4;
        final int l4Length = ctx.l4Length;
        final Ipv6Flyweight inner = innerIpv6;
        if (!icmpv6.wrap(l4, l4Length) || !icmpv6.isError() ||
            !inner.wrapQuoted(icmpv6.dataOffset(), l4Length - Icmpv6Flyweight.HEADER_LENGTH) ||
            inner.srcHi() != ctx.dstHi || inner.srcLo() != ctx.dstLo)
        {
            return false;
        }
        final int innerProtocol = inner.upperProtocol();
        if (innerProtocol != PROTOCOL_TCP && innerProtocol != PROTOCOL_UDP)
        {
            return false;
        }
        final long ports = inner.upperOffset();
        ctx.key.setIpv6(inner.dstHi(), inner.dstLo(), inner.srcHi(), inner.srcLo(), getU16(ports + 2), getU16(ports), innerProtocol);
        quote(ctx, icmpv6.dataOffset(), ports, l4 + l4Length, innerProtocol);
        return fullNatQuoted(ctx);
    }

    private boolean fullNatQuoted(final PacketContext ctx)
    {
        ctx.service = null;
        ctx.quoted = true;
        ctx.natReply = false;
        ctx.natReverse = true;
        return true;
    }

    private boolean natQuoted(final PacketContext ctx, final Backend backend)
    {
        ctx.service = snapshot.serviceAt(backend.serviceIndex());
        ctx.backend = backend;
        ctx.quoted = true;
        ctx.natReply = true;
        ctx.natReverse = false;
        return true;
    }

    /** An ICMP error about one of a service's flows, whose key (client to VIP) is set: on to the flow stage. */
    private int quoted(final PacketContext ctx, final Service service)
    {
        ctx.service = service;
        ctx.quoted = true;
        ctx.natReply = false;
        ctx.natReverse = false;
        return Verdict.CONTINUE;
    }
}
