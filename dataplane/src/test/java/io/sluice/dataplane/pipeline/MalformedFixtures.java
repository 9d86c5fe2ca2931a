package io.sluice.dataplane.pipeline;

import java.util.Arrays;
import java.util.List;

import io.sluice.dataplane.stats.DropReason;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;

/** Truncated, malformed and foreign frames: each one a counted drop (or a punt), never an exception. */
public final class MalformedFixtures
{
    private MalformedFixtures()
    {
    }

    public static List<PacketFixture> fixtures()
    {
        final byte[] good = ipv4(CLIENT, VIP_DSR, TCP, 64, 0, 0x4000, 1, tcp(CLIENT, VIP_DSR, 40000, 80, TCP_SYN, new byte[0]));
        final byte[] badVersion = good.clone();
        badVersion[0] = 0x65;
        final byte[] badIhl = good.clone();
        badIhl[0] = 0x44;
        final byte[] longTotal = good.clone();
        longTotal[2] = 0x05;
        final byte[] badTcpOffset = good.clone();
        badTcpOffset[20 + 12] = (byte)0xF0;
        final byte[] udpBadLength = ipv4(CLIENT, VIP_GUE, UDP, 64, 0, 0, 1, udp(CLIENT, VIP_GUE, 1, 53, new byte[4]));
        udpBadLength[20 + 4] = 0x01;
        final byte[] fragment = ipv4(CLIENT, VIP_DSR, TCP, 64, 0, 0x2000, 1, tcp(CLIENT, VIP_DSR, 40000, 80, TCP_ACK, new byte[8]));
        final byte[] laterFragment = ipv4(CLIENT, VIP_DSR, TCP, 64, 0, 0x0003, 1, new byte[24]);
        final byte[] v6 = ipv6(CLIENT6, VIP6_DSR, TCP, 64, 0, 0, tcp(CLIENT6, VIP6_DSR, 40000, 80, TCP_SYN, new byte[0]));
        final byte[] v6LongPayload = v6.clone();
        v6LongPayload[4] = 0x04;
        final byte[] v6Fragment = ipv6(CLIENT6, VIP6_DSR, 44, 64, 0, 0, concat(new byte[]{(byte)TCP, 0, 0, 1, 0, 0, 0, 1},
            tcp(CLIENT6, VIP6_DSR, 40000, 80, TCP_SYN, new byte[0])));
        final byte[] v6BrokenChain = ipv6(CLIENT6, VIP6_DSR, 0, 64, 0, 0, new byte[]{(byte)TCP, 9, 0, 0, 0, 0, 0, 0});
        final byte[] gre = ipv4(CLIENT, VIP_DSR, 47, 64, 0, 0, 1, new byte[8]);
        final byte[] vrrp = ipv4("10.0.0.3", "224.0.0.18", 112, 255, 0, 0, 1, new byte[20]);
        final byte[] broadcastUdp = ipv4(CLIENT, "255.255.255.255", UDP, 64, 0, 0, 1, udp(CLIENT, "255.255.255.255", 68, 67, new byte[8]));
        final byte[] full = ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, good);
        final byte[] toMappedVip = ipv6(CLIENT6, VIP6_DSR, TCP, 64, 0, 0, tcp(CLIENT6, VIP6_DSR, 40000, 80, TCP_SYN, new byte[0]));
        final byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)0xFF, (byte)0xFF, (byte)192, 0, 2, 10};
        System.arraycopy(mapped, 0, toMappedVip, 24, 16);
        return List.of(
            PacketFixture.drop("frame shorter than an Ethernet header", new byte[10], DropReason.MALFORMED_ETHERNET),
            PacketFixture.drop("VLAN tag cut short", Arrays.copyOf(ethernetVlan(LB_MAC, ROUTER_MAC, 5, ETHERTYPE_IPV4, good), 16),
                DropReason.MALFORMED_ETHERNET),
            PacketFixture.drop("VLAN tag cut short, to another host's MAC: the Ethernet header is judged first",
                Arrays.copyOf(ethernetVlan("02:00:00:00:00:99", ROUTER_MAC, 5, ETHERTYPE_IPV4, good), 16),
                DropReason.MALFORMED_ETHERNET),
            PacketFixture.drop("IPv4 header cut short", Arrays.copyOf(full, 14 + 12), DropReason.MALFORMED_IPV4),
            PacketFixture.drop("IPv4 with version 6 behind EtherType 0x0800",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, badVersion)), DropReason.MALFORMED_IPV4),
            PacketFixture.drop("IPv4 with IHL 4", padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, badIhl)), DropReason.MALFORMED_IPV4),
            PacketFixture.drop("IPv4 total length beyond the frame",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, longTotal)), DropReason.MALFORMED_IPV4),
            PacketFixture.drop("TCP data offset beyond the segment",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, badTcpOffset)), DropReason.MALFORMED_L4),
            PacketFixture.drop("UDP length beyond the datagram",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, udpBadLength)), DropReason.MALFORMED_L4),
            PacketFixture.drop("first IPv4 fragment to a VIP", padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, fragment)),
                DropReason.FRAGMENT),
            PacketFixture.drop("later IPv4 fragment to a VIP", padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, laterFragment)),
                DropReason.FRAGMENT),
            PacketFixture.drop("IPv6 payload length beyond the frame", ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, v6LongPayload),
                DropReason.MALFORMED_IPV6),
            PacketFixture.drop("IPv6 header cut short", Arrays.copyOf(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, v6), 14 + 30),
                DropReason.MALFORMED_IPV6),
            PacketFixture.drop("IPv6 fragment to a VIP", ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, v6Fragment), DropReason.FRAGMENT),
            PacketFixture.drop("IPv6 extension header longer than the packet",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, v6BrokenChain), DropReason.MALFORMED_IPV6),
            PacketFixture.drop("LLDP frame", padded(ethernet("01:80:c2:00:00:0e", ROUTER_MAC, 0x88CC, new byte[20])),
                DropReason.UNSUPPORTED_ETHERTYPE),
            PacketFixture.drop("unicast frame for another MAC", padded(ethernet("02:00:00:00:00:99", ROUTER_MAC, ETHERTYPE_IPV4, good)),
                DropReason.NOT_FOR_US),
            PacketFixture.drop("broadcast DHCP", padded(ethernet("ff:ff:ff:ff:ff:ff", CLIENT_MAC, ETHERTYPE_IPV4, broadcastUdp)),
                DropReason.NOT_FOR_US),
            PacketFixture.drop("IPv6 to ::ffff:192.0.2.10, the IPv4-mapped form of an IPv4 VIP",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, toMappedVip), DropReason.MALFORMED_IPV6),
            PacketFixture.drop("GRE to a VIP", padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, gre)), DropReason.UNSUPPORTED_PROTOCOL),
            PacketFixture.punt("VRRP advertisement to 224.0.0.18", padded(ethernet("01:00:5e:00:00:12", ROUTER_MAC, ETHERTYPE_IPV4, vrrp))));
    }
}
