package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

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
 */
final class Forwarder
{
    private final NeighbourTable neighbours;
    private final IcmpResponder icmpResponder;
    private final DsrWriter dsr = new DsrWriter();
    private final IpipWriter ipip = new IpipWriter();
    private final GueWriter gue = new GueWriter();
    private final NatWriter nat = new NatWriter();
    private final IcmpNatWriter icmpNat = new IcmpNatWriter();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();

    private ServiceSnapshot snapshot;
    private long portMac;
    private long nowNs;

    Forwarder(final NeighbourTable neighbours, final IcmpResponder icmpResponder)
    {
        this.neighbours = neighbours;
        this.icmpResponder = icmpResponder;
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
        final int overhead = mode.overhead(ctx.backend.isIpv6(), settings.gueVariant());
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
            return nat.both(ctx, packet, service.vipHi(), service.vipLo(), service.port(), ctx.natHi, ctx.natLo, ctx.natPort,
                nextHopMac, portMac);
        }
        final Backend backend = ctx.backend;
        return nat.both(ctx, packet, ctx.natHi, ctx.natLo, ctx.natPort, backend.addressHi(), backend.addressLo(),
            service.spec().targetPort(), nextHopMac, portMac);
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
                nat.toClient(ctx, packet, service.vipHi(), service.vipLo(), service.port(), nextHopMac, portMac);
        }
        return ctx.quoted ?
            icmpNat.toBackend(ctx, packet, backend.addressHi(), backend.addressLo(), service.spec().targetPort(), nextHopMac, portMac) :
            nat.toBackend(ctx, packet, backend.addressHi(), backend.addressLo(), service.spec().targetPort(), nextHopMac, portMac);
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
