package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

/**
 * The IPIP writer: the client's packet inside an outer IP header to the backend, 4in4 (RFC 2003)
 * or 6in6 (RFC 2473); the backend's family matches the VIP's, which the snapshot builder checks.
 * The caller has checked TTL and MTU.
 */
final class IpipWriter
{
    /**
     * Encapsulates the packet in place.
     *
     * @param overhead the outer header's length, as the forward stage computed it for the MTU check.
     * @return {@link Verdict#FORWARD}, or a {@link DropReason#NO_HEADROOM} drop.
     */
    int write(
        final PacketContext ctx, final PacketBuffer packet, final int overhead, final long nextHopMac, final long portMac,
        final ServiceSnapshot snapshot)
    {
        final Backend backend = ctx.backend;
        final long outer = TunnelHeaders.open(ctx, packet, overhead, backend.isIpv6(), nextHopMac, portMac);
        if (outer == 0)
        {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        TunnelHeaders.decrementInnerTtl(ctx, outer + overhead);
        final int tos = ctx.tos;
        final int protocol = ctx.ipv6 ? Ipv4Flyweight.PROTOCOL_IPV6 : Ipv4Flyweight.PROTOCOL_IPIP;
        TunnelHeaders.outerIp(outer, tos, ctx.ipLength + overhead, protocol, backend, ctx.hash, snapshot);
        return Verdict.FORWARD;
    }
}
