package io.sluice.dataplane.pipeline;

import java.util.List;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;

/** ARP and neighbour discovery: answers for our addresses and VIPs, learning material punted. */
public final class NeighbourFixtures
{
    private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
    private static final String ZERO_MAC = "00:00:00:00:00:00";
    private static final String SOLICITED_LB = "ff02::1:ff00:2";
    private static final String SOLICITED_LB_MAC = "33:33:ff:00:00:02";

    private NeighbourFixtures()
    {
    }

    static byte[] arpRequest(final String target)
    {
        return padded(ethernet(BROADCAST, ROUTER_MAC, ETHERTYPE_ARP, arp(1, ROUTER_MAC, GATEWAY, ZERO_MAC, target)));
    }

    static byte[] arpReply(final String sender)
    {
        return padded(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_ARP, arp(2, LB_MAC, sender, ROUTER_MAC, GATEWAY)));
    }

    static byte[] solicitation(final String src, final String dstIp, final String dstMac, final String target, final int hopLimit)
    {
        final byte[] option = "::".equals(src) ? new byte[0] : concat(new byte[]{1, 1}, mac(ROUTER_MAC));
        return ethernet(dstMac, ROUTER_MAC, ETHERTYPE_IPV6,
            ipv6(src, dstIp, ICMPV6, hopLimit, 0, 0, icmpv6(src, dstIp, 135, 0, 0, concat(ip(target), option))));
    }

    static byte[] advertisement(final String target, final String dstIp, final String dstMac, final int flags)
    {
        return ethernet(dstMac, LB_MAC, ETHERTYPE_IPV6,
            ipv6(target, dstIp, ICMPV6, 255, 0, 0, icmpv6(target, dstIp, 136, 0, flags, concat(ip(target), new byte[]{2, 1}, mac(LB_MAC)))));
    }

    public static List<PacketFixture> fixtures()
    {
        final byte[] gatewayAdvert = ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, ipv6(GATEWAY6, LB_IP6, ICMPV6, 255, 0, 0,
            icmpv6(GATEWAY6, LB_IP6, 136, 0, 0x60000000, concat(ip(GATEWAY6), new byte[]{2, 1}, mac(ROUTER_MAC)))));
        return List.of(
            PacketFixture.transmit("ARP request for the LB's address: answered in place",
                arpRequest(LB_IP), Verdict.REPLY, arpReply(LB_IP)),
            PacketFixture.transmit("ARP request for a VIP: answered in place",
                arpRequest(VIP_DSR), Verdict.REPLY, arpReply(VIP_DSR)),
            PacketFixture.drop("ARP request for somebody else", arpRequest("10.0.0.77"), DropReason.ARP_NOT_OURS),
            PacketFixture.punt("gratuitous ARP (RFC 5227 announcement): learning material for the control plane",
                padded(ethernet(BROADCAST, ROUTER_MAC, ETHERTYPE_ARP, arp(1, ROUTER_MAC, GATEWAY, ZERO_MAC, GATEWAY)))),
            PacketFixture.punt("ARP reply: learning material for the control plane",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_ARP, arp(2, ROUTER_MAC, GATEWAY, LB_MAC, LB_IP)))),
            PacketFixture.drop("ARP for a non-IPv4 protocol",
                padded(ethernet(BROADCAST, ROUTER_MAC, ETHERTYPE_ARP, concat(u16(1), u16(0x86DD), new byte[]{6, 4}, u16(1), new byte[20]))),
                DropReason.MALFORMED_ARP),
            PacketFixture.transmit("NS for the LB's IPv6 address to its solicited-node group: NA with S and O set",
                solicitation(GATEWAY6, SOLICITED_LB, SOLICITED_LB_MAC, LB_IP6, 255), Verdict.REPLY,
                advertisement(LB_IP6, GATEWAY6, ROUTER_MAC, 0x60000000)),
            PacketFixture.transmit("NS for an IPv6 VIP: NA for the VIP",
                solicitation(GATEWAY6, "ff02::1:ff00:10", "33:33:ff:00:00:10", VIP6_DSR, 255), Verdict.REPLY,
                advertisement(VIP6_DSR, GATEWAY6, ROUTER_MAC, 0x60000000)),
            PacketFixture.transmit("DAD probe for our address (source ::): NA to all-nodes, O only",
                solicitation("::", SOLICITED_LB, SOLICITED_LB_MAC, LB_IP6, 255), Verdict.REPLY,
                padTo(advertisement(LB_IP6, "ff02::1", "33:33:00:00:00:01", 0x20000000), 86)),
            PacketFixture.drop("NS for somebody else",
                solicitation(GATEWAY6, "ff02::1:ff00:77", "33:33:ff:00:00:77", "2001:db8::77", 255), DropReason.ND_NOT_OURS),
            PacketFixture.drop("NS with hop limit 64 (RFC 4861 requires 255)",
                solicitation(GATEWAY6, SOLICITED_LB, SOLICITED_LB_MAC, LB_IP6, 64), DropReason.ND_NOT_OURS),
            PacketFixture.punt("NA from the gateway: learning material for the control plane", gatewayAdvert));
    }

    private static byte[] padTo(final byte[] frame, final int length)
    {
        return java.util.Arrays.copyOf(frame, Math.max(length, frame.length));
    }
}
