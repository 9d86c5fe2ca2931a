package io.sluice.dataplane.pipeline;

import java.util.Arrays;
import java.util.List;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;

/** ICMP to VIPs: echo answered; errors routed to the backend of the flow they quote. */
public final class IcmpFixtures
{
    private static final String ROUTER_ON_PATH = "203.0.113.1";
    private static final String ROUTER_ON_PATH6 = "2001:db8:fe::1";

    private IcmpFixtures()
    {
    }

    public static List<PacketFixture> fixtures()
    {
        final byte[] ping = "ping".getBytes();
        final byte[] quotedV4 = Arrays.copyOf(
            ipv4(VIP_DSR, CLIENT, TCP, 64, 0, 0x4000, 0, tcp(VIP_DSR, CLIENT, 80, 40000, TCP_ACK, new byte[100])), 28);
        final byte[] fragNeeded = padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4,
            ipv4(ROUTER_ON_PATH, VIP_DSR, ICMP, 60, 0, 0, 5, icmpv4(3, 4, 1400, quotedV4))));
        final byte[] quotedV6 = Arrays.copyOf(
            ipv6(VIP6_DSR, CLIENT6, TCP, 64, 0, 0, tcp(VIP6_DSR, CLIENT6, 80, 40000, TCP_ACK, new byte[100])), 48);
        final byte[] packetTooBig = ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6,
            ipv6(ROUTER_ON_PATH6, VIP6_DSR, ICMPV6, 60, 0, 0, icmpv6(ROUTER_ON_PATH6, VIP6_DSR, 2, 0, 1400, quotedV6)));
        final byte[] quotedUnknown = Arrays.copyOf(
            ipv4(VIP_DSR, CLIENT, TCP, 64, 0, 0, 0, tcp(VIP_DSR, CLIENT, 8080, 40000, TCP_ACK, new byte[0])), 28);
        return List.of(
            PacketFixture.transmit("ICMP echo to a VIP: echo reply from the VIP, TTL 64",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_DSR, ICMP, 57, 0, 0, 77, icmpv4(8, 0, 0x12340001, ping)))),
                Verdict.REPLY,
                padded(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_DSR, CLIENT, ICMP, 64, 0, 0, 77, icmpv4(0, 0, 0x12340001, ping))))),
            PacketFixture.transmit("ICMPv6 echo to a VIP: echo reply from the VIP, hop limit 64",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, ipv6(CLIENT6, VIP6_DSR, ICMPV6, 57, 0, 0, icmpv6(CLIENT6, VIP6_DSR, 128, 0, 0x12340001, ping))),
                Verdict.REPLY,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(VIP6_DSR, CLIENT6, ICMPV6, 64, 0, 0, icmpv6(VIP6_DSR, CLIENT6, 129, 0, 0x12340001, ping)))),
            PacketFixture.transmit("ICMP fragmentation needed quoting a VIP flow: goes to that flow's backend",
                fragNeeded, Verdict.FORWARD, withMacs(fragNeeded, DSR_BACKEND_MAC, LB_MAC)),
            PacketFixture.transmit("ICMPv6 packet too big quoting a VIP flow: goes to that flow's backend",
                packetTooBig, Verdict.FORWARD, withMacs(packetTooBig, DSR6_BACKEND_MAC, LB_MAC)),
            PacketFixture.drop("ICMP error quoting a port with no service",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(ROUTER_ON_PATH, VIP_DSR, ICMP, 60, 0, 0, 5, icmpv4(3, 4, 1400, quotedUnknown)))),
                DropReason.ICMP_NOT_HANDLED),
            PacketFixture.drop("ICMP timestamp request to a VIP",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_DSR, ICMP, 64, 0, 0, 1, icmpv4(13, 0, 0, new byte[12])))),
                DropReason.ICMP_NOT_HANDLED),
            PacketFixture.drop("ICMP error whose quote is cut before the ports",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4,
                    ipv4(ROUTER_ON_PATH, VIP_DSR, ICMP, 60, 0, 0, 5, icmpv4(3, 4, 1400, Arrays.copyOf(quotedV4, 24))))),
                DropReason.ICMP_NOT_HANDLED));
    }

    static byte[] withMacs(final byte[] frame, final String dst, final String src)
    {
        final byte[] out = frame.clone();
        System.arraycopy(mac(dst), 0, out, 0, 6);
        System.arraycopy(mac(src), 0, out, 6, 6);
        return out;
    }
}
