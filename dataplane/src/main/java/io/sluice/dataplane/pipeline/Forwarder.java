package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.packet.TcpFlyweight;
import io.sluice.dataplane.packet.TcpOptions;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_TCP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_UDP;

/**
 * The forward stage: the packet, with its backend picked, rewritten by its service's mode. What
 * every mode needs is checked here once (the next hop's MAC, the TTL for the tunnels, the MTU with
 * the mode's overhead); then one writer per mode rewrites the frame in place:
 * <pre>
 *   DSR  ─► {@link DsrWriter}     the MACs
 *   IPIP ─► {@link IpipWriter}    an outer IP header
 *   GUE  ─► {@link GueWriter}     an outer IP, UDP and GUE header
 *   NAT  ─► {@link NatWriter}     the destination address and port (to the backend), or a
 *                                 reply's source (to the VIP), sent to the gateway
 * </pre>
 * A packet too big for the egress MTU once the overhead is added is answered with ICMP
 * "fragmentation needed" (IPv4 with DF) or ICMPv6 "packet too big", rate-limited by the {@link
 * IcmpResponder}, else dropped as {@link DropReason#TOO_BIG}; an ICMP error being routed to a
 * backend is never answered with another. Sluice never fragments.
 * <p>
 * What a NAT service's {@link io.sluice.dataplane.service.RewriteOptions} add comes after its
 * rewrite, on whole packets of its flows (not on ICMP errors about them):
 * <pre>
 *   SYN, SYN-ACK (nat, fullnat)      ─► {@link TcpOptions#clampMss}: to the mssClamp; a SYN-ACK to the client
 *                                       also by the TOA option's length when the client's segments get it
 *   client's TCP segment (fullnat)   ─► {@link ToaWriter}: the option where it fits, else sent without it,
 *                                       counted by reason (the option is a hint, the segment is the data)
 *   client's datagram (fullnat)      ─► {@link ProxyV2Writer}: the header is the mode's overhead, so a datagram
 *                                       that would not fit is answered as too big like a tunnel's, never
 *                                       sent without it (a backend that expects the header would take the
 *                                       client's first bytes for one, which a client could forge)
 * </pre>
 */
final class Forwarder
{
    private static final int MSS_CLAMPED = WorkerCounter.MSS_CLAMPED.ordinal();
    private static final int TOA_INSERTED = WorkerCounter.TOA_INSERTED.ordinal();
    private static final int TOA_SKIPPED_NO_HEADROOM = WorkerCounter.TOA_SKIPPED_NO_HEADROOM.ordinal();
    private static final int TOA_SKIPPED_NO_OPTION_ROOM = WorkerCounter.TOA_SKIPPED_NO_OPTION_ROOM.ordinal();
    private static final int TOA_SKIPPED_OVER_MTU = WorkerCounter.TOA_SKIPPED_OVER_MTU.ordinal();
    private static final int PROXY_V2_PREPENDED = WorkerCounter.PROXY_V2_PREPENDED.ordinal();

    private final NeighbourTable neighbours;
    private final IcmpResponder icmpResponder;
    private final DsrWriter dsr = new DsrWriter();
    private final IpipWriter ipip = new IpipWriter();
    private final GueWriter gue = new GueWriter();
    private final NatWriter nat = new NatWriter();
    private final IcmpNatWriter icmpNat = new IcmpNatWriter();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private final ToaWriter toa = new ToaWriter();
    private final ProxyV2Writer proxyV2 = new ProxyV2Writer();
    private final long[] counters;

    private ServiceSnapshot snapshot;
    private long portMac;
    private long nowNs;

    Forwarder(final NeighbourTable neighbours, final IcmpResponder icmpResponder, final long[] counters)
    {
        this.neighbours = neighbours;
        this.icmpResponder = icmpResponder;
        this.counters = counters;
    }

    void begin(final ServiceSnapshot snapshot, final long portMac, final long nowNs)
    {
        this.snapshot = snapshot;
        this.portMac = portMac;
        this.nowNs = nowNs;
    }

    /**
     * Rewrites the packet for {@code ctx.backend}.
     *
     * @return {@link Verdict#FORWARD}, {@link Verdict#REPLY} (an ICMP too-big answer), or a drop.
     */
    int forward(final PacketContext ctx, final PacketBuffer packet)
    {
        final ServiceSnapshot snapshot = this.snapshot;
        final long nextHopMac = neighbours.mac(ctx.natReply || ctx.natReverse ?
            snapshot.clientNextHop(ctx.ipv6) : ctx.backend.neighbourIndex());
        if (nextHopMac == NeighbourTable.UNRESOLVED)
        {
            return ctx.drop(DropReason.NEIGHBOUR_UNRESOLVED);
        }
        final DataplaneSettings settings = snapshot.settings();
        final ForwardingMode mode = ctx.service.mode();
        if (mode != ForwardingMode.DSR && ctx.ttl <= 1)
        {
            return ctx.drop(DropReason.TTL_EXPIRED);
        }
        final int overhead = mode.overhead(ctx.backend.isIpv6(), settings.gueVariant()) + proxyV2Overhead(ctx);
        if (ctx.ipLength + overhead > settings.mtu())
        {
            return tooBig(ctx, packet, settings.mtu() - overhead);
        }
        return switch (mode)
        {
            case DSR -> dsr.write(packet, nextHopMac, portMac);
            case IPIP -> ipip.write(ctx, packet, overhead, nextHopMac, portMac, snapshot);
            case GUE -> gue.write(ctx, packet, overhead, nextHopMac, portMac, snapshot);
            case NAT -> nat(ctx, packet, nextHopMac);
            case FULLNAT -> fullNat(ctx, packet, nextHopMac);
        };
    }

    /**
     * A full-NAT service's packet: a client's to its backend from the flow's NAT address and port, or
     * a backend's reply to the client from the VIP, or an ICMP error about either ({@link IcmpNatWriter}).
     */
    private int fullNat(final PacketContext ctx, final PacketBuffer packet, final long nextHopMac)
    {
        final Service service = ctx.service;
        if (ctx.quoted)
        {
            return ctx.natReverse ?
                icmpNat.fullNatToClient(ctx, packet, service.vipHi(), service.vipLo(), service.port(), nextHopMac, portMac) :
                icmpNat.fullNatToBackend(ctx, packet, ctx.backend.addressHi(), ctx.backend.addressLo(), service.spec().targetPort(),
                    nextHopMac, portMac);
        }
        if (ctx.natReverse)
        {
            return clampSyn(ctx, nat.both(ctx, packet, service.vipHi(), service.vipLo(), service.port(), ctx.natHi, ctx.natLo,
                ctx.natPort, nextHopMac, portMac), true);
        }
        final Backend backend = ctx.backend;
        final int verdict = clampSyn(ctx, nat.both(ctx, packet, ctx.natHi, ctx.natLo, ctx.natPort, backend.addressHi(),
            backend.addressLo(), service.spec().targetPort(), nextHopMac, portMac), false);
        if (verdict != Verdict.FORWARD || ctx.fragment)
        {
            return verdict;
        }
        if (service.insertsToa() && ctx.protocol == PROTOCOL_TCP)
        {
            insertToa(ctx, packet, service);
        }
        else if (service.prependsProxyV2() && ctx.protocol == PROTOCOL_UDP)
        {
            return prependProxyV2(ctx, packet, service);
        }
        return verdict;
    }

    /** The PROXY v2 header a client's datagram of the service gets: part of the mode's overhead, for the MTU check. */
    private static int proxyV2Overhead(final PacketContext ctx)
    {
        return ctx.service.prependsProxyV2() && !ctx.natReverse && !ctx.quoted && ctx.protocol == PROTOCOL_UDP ?
            ProxyV2Writer.headerLength(ctx.ipv6) : 0;
    }

    /**
     * A SYN or SYN-ACK of a NAT flow, rewritten: its MSS lowered to the service's clamp, and a SYN-ACK's
     * to the client by the TOA option's length as well when the service adds the option.
     *
     * @param verdict  the rewrite's.
     * @param toClient whether the packet goes to the client (a backend's reply).
     * @return the verdict.
     */
    private int clampSyn(final PacketContext ctx, final int verdict, final boolean toClient)
    {
        if (verdict != Verdict.FORWARD || ctx.protocol != PROTOCOL_TCP || ctx.fragment || (ctx.tcpFlags & TcpFlyweight.FLAG_SYN) == 0)
        {
            return verdict;
        }
        final Service service = ctx.service;
        final int clamp = service.mssClamp();
        final int reduceBy = toClient && service.insertsToa() ? ToaWriter.optionLength(ctx.ipv6) : 0;
        if ((clamp != 0 || reduceBy != 0) &&
            TcpOptions.clampMss(ctx.l4, ctx.l4Length, clamp != 0 ? clamp : 0xFFFF, reduceBy) == TcpOptions.MSS_CLAMPED)
        {
            counters[MSS_CLAMPED]++;
        }
        return verdict;
    }

    /** The TOA option into a client's segment, rewritten for the backend; the segment goes on either way, counted by outcome. */
    private void insertToa(final PacketContext ctx, final PacketBuffer packet, final Service service)
    {
        final int result = toa.insert(ctx, packet, service.toaKind(), ctx.ipv6 ? ctx.srcHi : 0, ctx.ipv6 ? ctx.srcLo : ctx.src4,
            ctx.srcPort, snapshot.settings().mtu());
        counters[switch (result)
        {
            case ToaWriter.INSERTED -> TOA_INSERTED;
            case ToaWriter.NO_HEADROOM -> TOA_SKIPPED_NO_HEADROOM;
            case ToaWriter.NO_OPTION_ROOM -> TOA_SKIPPED_NO_OPTION_ROOM;
            default -> TOA_SKIPPED_OVER_MTU;
        }]++;
    }

    /**
     * The PROXY v2 header in front of a client's datagram, rewritten for the backend. The MTU check has
     * counted it in; a frame without the headroom, or a datagram whose UDP length is broken, is
     * dropped rather than sent without it.
     */
    private int prependProxyV2(final PacketContext ctx, final PacketBuffer packet, final Service service)
    {
        final int result = proxyV2.prepend(ctx, packet, ctx.ipv6 ? ctx.srcHi : 0, ctx.ipv6 ? ctx.srcLo : ctx.src4, ctx.srcPort,
            service.vipHi(), service.vipLo(), service.port(), snapshot.settings().mtu());
        if (result == ProxyV2Writer.PREPENDED)
        {
            counters[PROXY_V2_PREPENDED]++;
            return Verdict.FORWARD;
        }
        return ctx.drop(result == ProxyV2Writer.NO_HEADROOM ? DropReason.NO_HEADROOM :
            result == ProxyV2Writer.OVER_MTU ? DropReason.TOO_BIG : DropReason.MALFORMED_L4);
    }

    /** A NAT service's packet: a client's to its backend, a backend's reply to its client, or an ICMP error about either. */
    private int nat(final PacketContext ctx, final PacketBuffer packet, final long nextHopMac)
    {
        final Service service = ctx.service;
        final Backend backend = ctx.backend;
        if (ctx.natReply)
        {
            return ctx.quoted ?
                icmpNat.toClient(ctx, packet, service.vipHi(), service.vipLo(), service.port(), nextHopMac, portMac) :
                clampSyn(ctx, nat.toClient(ctx, packet, service.vipHi(), service.vipLo(), service.port(), nextHopMac, portMac), true);
        }
        return ctx.quoted ?
            icmpNat.toBackend(ctx, packet, backend.addressHi(), backend.addressLo(), service.spec().targetPort(), nextHopMac, portMac) :
            clampSyn(ctx, nat.toBackend(ctx, packet, backend.addressHi(), backend.addressLo(), service.spec().targetPort(), nextHopMac,
                portMac), false);
    }

    /** The answer to a packet that does not fit: {@code fits} is the largest that would. */
    private int tooBig(final PacketContext ctx, final PacketBuffer packet, final int fits)
    {
        if (ctx.quoted)
        {
            return ctx.drop(DropReason.TOO_BIG);
        }
        final int available = ctx.frameLength - ctx.l2Length;
        if (ctx.ipv6)
        {
            ipv6.wrap(ctx.l3, available);
            return icmpResponder.packetTooBig(ctx, packet, ipv6, fits, portMac, nowNs);
        }
        if (ctx.dontFragment)
        {
            ipv4.wrap(ctx.l3, available);
            return icmpResponder.fragmentationNeeded(ctx, packet, ipv4, fits, portMac, nowNs);
        }
        return ctx.drop(DropReason.TOO_BIG);
    }
}
