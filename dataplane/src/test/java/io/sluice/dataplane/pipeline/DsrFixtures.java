package io.sluice.dataplane.pipeline;

import java.util.Arrays;
import java.util.List;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;

/** DSR: only the MACs change; the IP packet reaches the backend untouched. */
public final class DsrFixtures
{
    private DsrFixtures()
    {
    }

    static byte[] tcpV4(final String vip, final int port, final int ttl, final int flags)
    {
        return ipv4(CLIENT, vip, TCP, ttl, 0, 0x4000, 1, tcp(CLIENT, vip, 40000, port, flags, new byte[0]));
    }

    static byte[] tcpV6(final String vip, final int port, final int hopLimit)
    {
        return ipv6(CLIENT6, vip, TCP, hopLimit, 0, 0x12345, tcp(CLIENT6, vip, 40000, port, TCP_SYN, new byte[0]));
    }

    public static List<PacketFixture> fixtures()
    {
        final byte[] v4 = tcpV4(VIP_DSR, 80, 64, TCP_SYN);
        final byte[] v6 = tcpV6(VIP6_DSR, 80, 64);
        final byte[] hopByHop = concat(new byte[]{(byte)TCP, 0, 1, 4, 0, 0, 0, 0}, tcp(CLIENT6, VIP6_DSR, 40001, 80, TCP_SYN, new byte[0]));
        final byte[] v6WithHopByHop = ipv6(CLIENT6, VIP6_DSR, 0, 64, 0, 0, hopByHop);
        final byte[] ttlOne = tcpV4(VIP_DSR, 80, 1, TCP_ACK);
        final byte[] payload = tcpV4(VIP_DSR, 80, 64, TCP_ACK | 0x08);
        final byte[] full = ipv4(CLIENT, VIP_DSR, TCP, 64, 0, 0x4000, 2, tcp(CLIENT, VIP_DSR, 40010, 80, TCP_ACK, new byte[MTU - 40]));
        final byte[] big = ipv4(CLIENT, VIP_DSR, TCP, 64, 0, 0x4000, 3, tcp(CLIENT, VIP_DSR, 40011, 80, TCP_ACK, new byte[MTU - 39]));
        final byte[] bigNoDf = ipv4(CLIENT, VIP_DSR, TCP, 64, 0, 0, 4, tcp(CLIENT, VIP_DSR, 40012, 80, TCP_ACK, new byte[MTU - 39]));
        final byte[] big6 = ipv6(CLIENT6, VIP6_DSR, TCP, 64, 0, 0, tcp(CLIENT6, VIP6_DSR, 40013, 80, TCP_ACK, new byte[MTU - 59]));
        return List.of(
            PacketFixture.transmit("DSR IPv4 of exactly the MTU: forwarded whole",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, full), Verdict.FORWARD,
                ethernet(DSR_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, full)),
            PacketFixture.transmit("DSR IPv4 one byte above the MTU with DF: ICMP fragmentation needed, next-hop MTU 1500, from the VIP",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, big), Verdict.REPLY,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_DSR, CLIENT, ICMP, 64, 0, 0, 0,
                    icmpv4(3, 4, MTU, Arrays.copyOf(big, 548))))),
            PacketFixture.drop("DSR IPv4 above the MTU without DF: Sluice does not fragment",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, bigNoDf), DropReason.TOO_BIG),
            PacketFixture.transmit("DSR IPv6 above the MTU: ICMPv6 packet too big, MTU 1500, quoting up to 1280 bytes in all",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, big6), Verdict.REPLY,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(VIP6_DSR, CLIENT6, ICMPV6, 64, 0, 0,
                    icmpv6(VIP6_DSR, CLIENT6, 2, 0, MTU, Arrays.copyOf(big6, 1232))))),
            PacketFixture.transmit("DSR IPv4 TCP SYN: destination MAC becomes the backend's, source MAC the LB's",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, v4)), Verdict.FORWARD,
                padded(ethernet(DSR_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, v4))),
            PacketFixture.transmit("DSR IPv4 with an 802.1Q tag: the tag is kept",
                padded(ethernetVlan(LB_MAC, ROUTER_MAC, 100, ETHERTYPE_IPV4, payload)), Verdict.FORWARD,
                padded(ethernetVlan(DSR_BACKEND_MAC, LB_MAC, 100, ETHERTYPE_IPV4, payload))),
            PacketFixture.transmit("DSR IPv4 TTL 1: an L2 rewrite does not touch the TTL",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ttlOne)), Verdict.FORWARD,
                padded(ethernet(DSR_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ttlOne))),
            PacketFixture.transmit("DSR IPv6 TCP SYN: destination MAC becomes the backend's",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, v6), Verdict.FORWARD,
                ethernet(DSR6_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6, v6)),
            PacketFixture.transmit("DSR IPv6 behind a Hop-by-Hop header: the header is skipped to find the ports",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, v6WithHopByHop), Verdict.FORWARD,
                ethernet(DSR6_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6, v6WithHopByHop)),
            PacketFixture.drop("TCP to a VIP address on a port with no service",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, tcpV4(VIP_DSR, 81, 64, TCP_SYN))), DropReason.NO_VIP),
            PacketFixture.drop("TCP to an address that is no VIP",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, tcpV4("192.0.2.99", 80, 64, TCP_SYN))), DropReason.NO_VIP),
            PacketFixture.drop("backend MAC not resolved yet",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, tcpV4(VIP_UNRESOLVED, 80, 64, TCP_SYN))),
                DropReason.NEIGHBOUR_UNRESOLVED),
            PacketFixture.punt("TCP to the LB's own address goes to the control plane",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, tcpV4(LB_IP, 22, 64, TCP_SYN)))));
    }
}
