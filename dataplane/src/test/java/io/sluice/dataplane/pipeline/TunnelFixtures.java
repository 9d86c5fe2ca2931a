package io.sluice.dataplane.pipeline;

import java.util.Arrays;
import java.util.List;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;

/**
 * IPIP (4in4, 6in6) and GUE tunnels: the expected outer headers are built independently here;
 * the inner packet arrives with its TTL / hop limit one lower (and its checksum fixed).
 */
public final class TunnelFixtures
{
    private static final int TOS = 0xB9;
    private static final int DF = 0x4000;

    private TunnelFixtures()
    {
    }

    static int v4(final String literal)
    {
        return IpAddress.parse(literal).ipv4();
    }

    static long hashV4(final String src, final String dst, final int sport, final int dport, final int protocol)
    {
        return new FlowKey().setIpv4(v4(src), v4(dst), sport, dport, protocol).hash();
    }

    static long hashV6(final String src, final String dst, final int sport, final int dport, final int protocol)
    {
        final IpAddress s = IpAddress.parse(src);
        final IpAddress d = IpAddress.parse(dst);
        return new FlowKey().setIpv6(s.hi(), s.lo(), d.hi(), d.lo(), sport, dport, protocol).hash();
    }

    static int gueSourcePort(final long hash)
    {
        return 0xC000 | ((int)(hash >>> 18) & 0x3FFF);
    }

    static int flowLabel(final long hash)
    {
        final int label = (int)(hash >>> 40) & 0xFFFFF;
        return label == 0 ? 1 : label;
    }

    static byte[] gueHeader(final int innerProtocol)
    {
        return new byte[]{0, (byte)innerProtocol, 0, 0};
    }

    public static List<PacketFixture> fixtures()
    {
        final byte[] data = "GET / HTTP/1.1\r\n".getBytes();
        final byte[] inner = ipv4(CLIENT, VIP_IPIP, TCP, 64, TOS, DF, 7, tcp(CLIENT, VIP_IPIP, 40000, 80, TCP_ACK, data));
        final byte[] innerOut = ipv4(CLIENT, VIP_IPIP, TCP, 63, TOS, DF, 7, tcp(CLIENT, VIP_IPIP, 40000, 80, TCP_ACK, data));

        final byte[] options = {(byte)0x94, 4, 0, 0};
        final byte[] withOptions = ipv4WithOptions(CLIENT, VIP_IPIP, TCP, 64, 0, DF, 8, options, tcp(CLIENT, VIP_IPIP, 40002, 80, TCP_SYN, new byte[0]));
        final byte[] withOptionsOut = ipv4WithOptions(CLIENT, VIP_IPIP, TCP, 63, 0, DF, 8, options, tcp(CLIENT, VIP_IPIP, 40002, 80, TCP_SYN, new byte[0]));

        final byte[] inner6 = ipv6(CLIENT6, VIP6_IPIP, TCP, 64, 0x28, 0xABCDE, tcp(CLIENT6, VIP6_IPIP, 40000, 80, TCP_SYN, new byte[0]));
        final byte[] inner6Out = ipv6(CLIENT6, VIP6_IPIP, TCP, 63, 0x28, 0xABCDE, tcp(CLIENT6, VIP6_IPIP, 40000, 80, TCP_SYN, new byte[0]));
        final long hash6 = hashV6(CLIENT6, VIP6_IPIP, 40000, 80, TCP);

        final byte[] dns = udp(CLIENT, VIP_GUE, 40000, 53, "query".getBytes());
        final byte[] gueInner = ipv4(CLIENT, VIP_GUE, UDP, 64, 0, 0, 9, dns);
        final byte[] gueInnerOut = ipv4(CLIENT, VIP_GUE, UDP, 63, 0, 0, 9, dns);
        final int gueSport = gueSourcePort(hashV4(CLIENT, VIP_GUE, 40000, 53, UDP));
        final byte[] gueUdpPayload = concat(gueHeader(IPIP), gueInnerOut);

        final byte[] gue6Inner = ipv6(CLIENT6, VIP6_GUE, TCP, 64, 0, 0, tcp(CLIENT6, VIP6_GUE, 40000, 443, TCP_SYN, new byte[0]));
        final byte[] gue6InnerOut = ipv6(CLIENT6, VIP6_GUE, TCP, 63, 0, 0, tcp(CLIENT6, VIP6_GUE, 40000, 443, TCP_SYN, new byte[0]));
        final int gue6Sport = gueSourcePort(hashV6(CLIENT6, VIP6_GUE, 40000, 443, TCP));
        final byte[] gue6UdpPayload = concat(gueHeader(IPV6_IN_IP), gue6InnerOut);

        final byte[] big = ipv4(CLIENT, VIP_IPIP, TCP, 64, 0, DF, 11, tcp(CLIENT, VIP_IPIP, 40003, 80, TCP_ACK, new byte[1460]));
        final byte[] bigNoDf = ipv4(CLIENT, VIP_IPIP, TCP, 64, 0, 0, 12, tcp(CLIENT, VIP_IPIP, 40004, 80, TCP_ACK, new byte[1460]));
        final byte[] big6 = ipv6(CLIENT6, VIP6_IPIP, TCP, 64, 0, 0, tcp(CLIENT6, VIP6_IPIP, 40005, 80, TCP_ACK, new byte[1440]));
        final byte[] ttlOne = ipv4(CLIENT, VIP_IPIP, TCP, 1, 0, DF, 13, tcp(CLIENT, VIP_IPIP, 40006, 80, TCP_SYN, new byte[0]));

        return List.of(
            PacketFixture.transmit("IPIP 4in4: outer header from the tunnel source to the backend, via the gateway MAC; DSCP/ECN copied",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, inner), Verdict.FORWARD,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(TUNNEL_SOURCE, BACKEND_IPIP, IPIP, 64, TOS, DF, 0, innerOut))),
            PacketFixture.transmit("IPIP 4in4 of a minimum-size frame: Ethernet padding is not carried into the tunnel",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, withOptions)), Verdict.FORWARD,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(TUNNEL_SOURCE, BACKEND_IPIP, IPIP, 64, 0, DF, 0, withOptionsOut))),
            PacketFixture.transmit("IPIP 6in6: outer flow label from the flow hash, traffic class copied",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, inner6), Verdict.FORWARD,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV6,
                    ipv6(TUNNEL_SOURCE6, BACKEND6_IPIP, IPV6_IN_IP, 64, 0x28, flowLabel(hash6), inner6Out))),
            PacketFixture.transmit("GUE IPv4 in IPv4/UDP: variant 0 header, source port from the flow hash, UDP checksum 0",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, gueInner)), Verdict.FORWARD,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(TUNNEL_SOURCE, BACKEND_GUE, UDP, 64, 0, DF, 0,
                    udpNoChecksum(gueSport, 6080, gueUdpPayload)))),
            PacketFixture.transmit("GUE IPv6 in IPv4/UDP: an IPv6 VIP served by an IPv4 backend",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, gue6Inner), Verdict.FORWARD,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(TUNNEL_SOURCE, BACKEND_GUE, UDP, 64, 0, DF, 0,
                    udpNoChecksum(gue6Sport, 6080, gue6UdpPayload)))),
            PacketFixture.drop("IPIP with TTL 1: it would expire in the tunnel",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ttlOne)), DropReason.TTL_EXPIRED),
            PacketFixture.transmit("IPIP too big with DF: ICMP fragmentation needed, next-hop MTU 1480, from the VIP, quoting 548 bytes",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, big), Verdict.REPLY,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_IPIP, CLIENT, ICMP, 64, 0, 0, 0,
                    icmpv4(3, 4, 1480, Arrays.copyOf(big, 548))))),
            PacketFixture.transmit("6in6 too big: ICMPv6 packet too big, MTU 1460, quoting up to 1280 bytes in all",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, big6), Verdict.REPLY,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(VIP6_IPIP, CLIENT6, ICMPV6, 64, 0, 0,
                    icmpv6(VIP6_IPIP, CLIENT6, 2, 0, 1460, Arrays.copyOf(big6, 1232))))),
            PacketFixture.drop("IPIP too big without DF: cannot be sent whole",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, bigNoDf), DropReason.TOO_BIG));
    }
}
