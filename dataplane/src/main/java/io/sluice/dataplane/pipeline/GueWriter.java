package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.GueFlyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.packet.UdpFlyweight;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.packet.NetworkOrder.putI64;

/**
 * The GUE writer: the client's packet inside UDP to the configured GUE port (Generic UDP
 * Encapsulation, variant 0 with its 4-byte header or variant 1 without), any mix of inner and outer
 * family. The UDP source port carries flow entropy (0xC000 + 14 bits of the flow hash). The UDP
 * checksum is 0 over IPv4 (RFC 768) and computed over IPv6 (RFC 8200 8.1). The caller has checked
 * TTL and MTU.
 */
final class GueWriter
{
    /**
     * Encapsulates the packet in place.
     *
     * @param overhead outer IP, UDP and GUE headers' length, as the forward stage computed it for the MTU check.
     * @return {@link Verdict#FORWARD}, or a {@link DropReason#NO_HEADROOM} drop.
     */
    int write(
        final PacketContext ctx, final PacketBuffer packet, final int overhead, final long nextHopMac, final long portMac,
        final ServiceSnapshot snapshot)
    {
        final Backend backend = ctx.backend;
        final DataplaneSettings settings = snapshot.settings();
        final boolean outerIpv6 = backend.isIpv6();
        final int ipLength = TunnelHeaders.outerIpLength(backend);
        final int variant = settings.gueVariant();
        final long outer = TunnelHeaders.open(ctx, packet, overhead, outerIpv6, nextHopMac, portMac);
        if (outer == 0)
        {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        TunnelHeaders.decrementInnerTtl(ctx, outer + overhead);
        final int tos = ctx.tos;
        final int outerLength = ctx.ipLength + overhead;
        TunnelHeaders.outerIp(outer, tos, outerLength, Ipv4Flyweight.PROTOCOL_UDP, backend, ctx.hash, snapshot);

        final long udp = outer + ipLength;
        final int udpLength = outerLength - ipLength;
        final long sourcePort = 0xC000 | ((int)(ctx.hash >>> 18) & 0x3FFF);
        putI64(udp, (sourcePort << 48) | ((long)settings.guePort() << 32) | ((long)udpLength << 16));
        if (variant == 0)
        {
            GueFlyweight.write(udp + UdpFlyweight.HEADER_LENGTH, ctx.ipv6 ? Ipv4Flyweight.PROTOCOL_IPV6 : Ipv4Flyweight.PROTOCOL_IPIP);
        }
        if (outerIpv6)
        {
            UdpFlyweight.writeChecksum(udp, udpLength, Checksums.ipv6PseudoHeader(outer, Ipv4Flyweight.PROTOCOL_UDP, udpLength));
        }
        return Verdict.FORWARD;
    }
}
