package io.sluice.dataplane.pipeline;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.VirtualAddress;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VRRP's virtual addresses in the dataplane (RFC 5798 §6.4.3 and §6.4.2): a master answers ARP and
 * ND for them with the virtual MAC, takes frames sent to that MAC and forwards the traffic; a backup
 * answers nothing, drops the traffic as {@code standby}, and still punts the master's gratuitous ARP.
 */
class VirtualAddressTest
{
    private static final String VMAC = "00:00:5e:00:01:33";
    private static final String VMAC6 = "00:00:5e:00:02:33";
    private static final String OTHER_VMAC = "00:00:5e:00:01:34";
    private static final String NEXT_HOP = "10.0.0.50";
    private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
    private static final String ZERO_MAC = "00:00:00:00:00:00";

    private final PipelineHarness harness = new PipelineHarness();

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    private void roles(final boolean master)
    {
        harness.virtualAddresses(List.of(
            new VirtualAddress(IpAddress.parse(VIP_DSR), macLong(VMAC), master),
            new VirtualAddress(IpAddress.parse(NEXT_HOP), macLong(VMAC), master),
            new VirtualAddress(IpAddress.parse(VIP6_DSR), macLong(VMAC6), master)));
    }

    private static byte[] arpRequest(final String target)
    {
        return padded(ethernet(BROADCAST, ROUTER_MAC, ETHERTYPE_ARP, arp(1, ROUTER_MAC, GATEWAY, ZERO_MAC, target)));
    }

    private static byte[] syn(final String dstMac, final int sourcePort)
    {
        return ethernet(dstMac, ROUTER_MAC, ETHERTYPE_IPV4,
            ipv4(CLIENT, VIP_DSR, TCP, 64, 0, 0x4000, 1, tcp(CLIENT, VIP_DSR, sourcePort, 80, TCP_SYN, new byte[0])));
    }

    private static byte[] forwarded(final int sourcePort)
    {
        return ethernet(DSR_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(CLIENT, VIP_DSR, TCP, 64, 0, 0x4000, 1, tcp(CLIENT, VIP_DSR, sourcePort, 80, TCP_SYN, new byte[0])));
    }

    @Test
    void shouldAnswerArpWithTheVirtualMacWhenMaster()
    {
        roles(true);

        final PipelineHarness.Result vip = harness.run(arpRequest(VIP_DSR));
        final PipelineHarness.Result nextHop = harness.run(arpRequest(NEXT_HOP));
        final PipelineHarness.Result own = harness.run(arpRequest(LB_IP));

        assertEquals(Verdict.REPLY, vip.verdict());
        assertEquals(hex(padded(ethernet(ROUTER_MAC, VMAC, ETHERTYPE_ARP, arp(2, VMAC, VIP_DSR, ROUTER_MAC, GATEWAY)))),
            hex(vip.output()), "a VIP that is a virtual address is answered with the virtual MAC");
        assertEquals(hex(padded(ethernet(ROUTER_MAC, VMAC, ETHERTYPE_ARP, arp(2, VMAC, NEXT_HOP, ROUTER_MAC, GATEWAY)))),
            hex(nextHop.output()), "a virtual next hop is answered with the virtual MAC");
        assertEquals(hex(padded(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_ARP, arp(2, LB_MAC, LB_IP, ROUTER_MAC, GATEWAY)))),
            hex(own.output()), "the LB's own address keeps the port's MAC");
        harness.assertCountersAddUp();
    }

    @Test
    void shouldAnswerNeighbourSolicitationWithTheVirtualMacWhenMaster()
    {
        roles(true);

        final PipelineHarness.Result result = harness.run(NeighbourFixtures.solicitation(
            GATEWAY6, "ff02::1:ff00:10", "33:33:ff:00:00:10", VIP6_DSR, 255));

        assertEquals(Verdict.REPLY, result.verdict());
        final byte[] expected = ethernet(ROUTER_MAC, VMAC6, ETHERTYPE_IPV6, ipv6(VIP6_DSR, GATEWAY6, ICMPV6, 255, 0, 0,
            icmpv6(VIP6_DSR, GATEWAY6, 136, 0, 0x60000000, concat(ip(VIP6_DSR), new byte[]{2, 1}, mac(VMAC6)))));
        assertEquals(hex(expected), hex(result.output()));
    }

    @Test
    void shouldForwardFramesSentToTheVirtualMacOfAMasterRouterOnly()
    {
        roles(true);

        final PipelineHarness.Result toVirtual = harness.run(syn(VMAC, 40100));
        final PipelineHarness.Result toOtherRouter = harness.run(syn(OTHER_VMAC, 40101));

        assertEquals(Verdict.FORWARD, toVirtual.verdict());
        assertEquals(hex(forwarded(40100)), hex(toVirtual.output()), "forwarded from the port's MAC, as any DSR packet");
        assertEquals(Verdict.DROP, toOtherRouter.verdict());
        assertEquals(1, harness.counters().get(DropReason.NOT_FOR_US), "another virtual router's MAC is not ours");
        harness.assertCountersAddUp();
    }

    @Test
    void shouldNeitherAnswerNorForwardWhenBackup()
    {
        roles(false);

        assertEquals(Verdict.DROP, harness.run(arpRequest(VIP_DSR)).verdict(), "ARP for a standby VIP");
        assertEquals(Verdict.DROP, harness.run(arpRequest(NEXT_HOP)).verdict(), "ARP for a standby next hop");
        assertEquals(Verdict.DROP, harness.run(NeighbourFixtures.solicitation(
            GATEWAY6, "ff02::1:ff00:10", "33:33:ff:00:00:10", VIP6_DSR, 255)).verdict(), "NS for a standby VIP");
        assertEquals(Verdict.DROP, harness.run(syn(LB_MAC, 40102)).verdict(), "traffic of a standby VIP, to the port's MAC");
        assertEquals(Verdict.DROP, harness.run(syn(VMAC, 40103)).verdict(), "traffic to the virtual MAC of a router we back up");

        assertEquals(4, harness.counters().get(DropReason.STANDBY));
        assertEquals(1, harness.counters().get(DropReason.NOT_FOR_US));
        assertEquals(Verdict.REPLY, harness.run(arpRequest(LB_IP)).verdict(), "the LB's own address is still answered");
        assertEquals(Verdict.PUNT, harness.run(padded(ethernet(BROADCAST, VMAC, ETHERTYPE_ARP,
            arp(1, VMAC, VIP_DSR, ZERO_MAC, VIP_DSR)))).verdict(), "the master's gratuitous ARP is still learning material");
        harness.assertCountersAddUp();
    }

    @Test
    void shouldForwardAnEstablishedFlowToItsBackendAgainAfterStandby()
    {
        roles(true);
        assertEquals(Verdict.FORWARD, harness.run(syn(VMAC, 40104)).verdict());

        roles(false);
        assertEquals(Verdict.DROP, harness.run(syn(LB_MAC, 40104)).verdict(), "a flow the table holds is not forwarded by a backup");
        roles(true);
        final PipelineHarness.Result again = harness.run(syn(VMAC, 40104));

        assertEquals(Verdict.FORWARD, again.verdict());
        assertEquals(hex(forwarded(40104)), hex(again.output()));
        assertEquals(1, harness.counters().get(DropReason.STANDBY));
        harness.assertCountersAddUp();
    }

    @Test
    void shouldRefuseAVirtualAddressThatIsTheLbsOwnOrListedTwice()
    {
        final DataplaneSettings settings = DataplaneSettings.of(List.of(IpAddress.parse(LB_IP)), List.of(), List.of());
        final VirtualAddress own = new VirtualAddress(IpAddress.parse(LB_IP), macLong(VMAC), true);
        final VirtualAddress vip = new VirtualAddress(IpAddress.parse(VIP_DSR), macLong(VMAC), true);

        final IllegalArgumentException ownRefused =
            assertThrows(IllegalArgumentException.class, () -> settings.withVirtualAddresses(List.of(own)));
        final IllegalArgumentException twiceRefused =
            assertThrows(IllegalArgumentException.class, () -> settings.withVirtualAddresses(List.of(vip, vip.withActive(false))));
        assertThrows(IllegalArgumentException.class, () -> new VirtualAddress(IpAddress.parse(VIP_DSR), 0x0100_5e00_0012L, true));

        assertTrue(ownRefused.getMessage().contains("one of the LB's own addresses"), ownRefused.getMessage());
        assertTrue(twiceRefused.getMessage().contains("listed twice"), twiceRefused.getMessage());
    }
}
