package io.sluice.dataplane.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dpdk.PcapFile;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.VirtualAddress;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Full NAT through the pipeline, packet after packet: a client's SYN leaves from the NAT address
 * and the pool's first port to the backend's port 8080; the backend's SYN-ACK to that address and
 * port comes back to the client from the VIP; the next flow takes the next port (first in, first
 * out); a packet to the NAT address that matches no flow is dropped as {@code nat-no-mapping}; a
 * pool with no free port drops the new flow as {@code nat-ports-exhausted} until a flow's entries
 * expire. Expected frames are built from scratch with full checksums; tcpdump reads them too.
 */
class FullNatTest
{
    private static final int DF = 0x4000;
    private static final int SYN_ACK = TCP_SYN | TCP_ACK;
    /** A second IPv4 NAT address: the peer LB's, a VRRP virtual address. */
    private static final String PEER_NAT_ADDRESS = "10.0.0.201";
    private static final String VIRTUAL_MAC = "00:00:5e:00:01:33";

    @TempDir
    Path directory;

    private PipelineHarness harness;

    @AfterEach
    void tearDown()
    {
        if (harness != null)
        {
            harness.close();
        }
    }

    private static byte[] clientSyn(final String vip, final int port)
    {
        return vip.contains(":") ?
            ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, ipv6(CLIENT6, vip, TCP, 64, 0, 0, tcp(CLIENT6, vip, port, 80, TCP_SYN, new byte[0]))) :
            padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, vip, TCP, 64, 0, DF, 1, tcp(CLIENT, vip, port, 80, TCP_SYN, new byte[0]))));
    }

    @Test
    void shouldTranslateBothWaysAndTakeTheNextPortForTheNextFlowWhenFullNat() throws Exception
    {
        harness = new PipelineHarness();
        final List<byte[]> outputs = new ArrayList<>();

        final PipelineHarness.Result syn = harness.run(clientSyn(VIP_FULLNAT, 40000));
        assertEquals(Verdict.name(Verdict.FORWARD), Verdict.name(syn.verdict()));
        assertEquals(hex(padded(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(NAT_ADDRESS, BACKEND_FULLNAT, TCP, 63, 0, DF, 1, tcp(NAT_ADDRESS, BACKEND_FULLNAT, 1024, NAT_TCP_PORT, TCP_SYN, new byte[0]))))),
            hex(syn.output()), "the SYN from the NAT address and the pool's first port");
        outputs.add(syn.output());
        final List<String> events = new ArrayList<>();
        harness.events().drain((type, record) -> events.add(type + " " + record.natLo() + ":" + record.natPort()), 16);
        assertEquals(List.of(io.sluice.dataplane.ring.FlowEventRing.NEW + " " +
            io.sluice.dataplane.flow.FlowKey.ipv4MappedLo(TunnelFixtures.v4(NAT_ADDRESS)) + ":1024"), events,
            "the new flow's event carries its NAT address and port, for the peer");

        final byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        final PipelineHarness.Result synAck = harness.run(padded(ethernet(LB_MAC, FULLNAT_BACKEND_MAC, ETHERTYPE_IPV4,
            ipv4(BACKEND_FULLNAT, NAT_ADDRESS, TCP, 64, 0, DF, 2, tcp(BACKEND_FULLNAT, NAT_ADDRESS, NAT_TCP_PORT, 1024, SYN_ACK, data)))));
        assertEquals(Verdict.name(Verdict.FORWARD), Verdict.name(synAck.verdict()));
        assertEquals(hex(padded(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(VIP_FULLNAT, CLIENT, TCP, 63, 0, DF, 2, tcp(VIP_FULLNAT, CLIENT, 80, 40000, SYN_ACK, data))))),
            hex(synAck.output()), "the reply to the client from the VIP");
        outputs.add(synAck.output());

        final PipelineHarness.Result second = harness.run(clientSyn(VIP_FULLNAT, 40001));
        assertEquals(hex(padded(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(NAT_ADDRESS, BACKEND_FULLNAT, TCP, 63, 0, DF, 1, tcp(NAT_ADDRESS, BACKEND_FULLNAT, 1025, NAT_TCP_PORT, TCP_SYN, new byte[0]))))),
            hex(second.output()), "the next flow, the next port");
        outputs.add(second.output());

        final PipelineHarness.Result again = harness.run(clientSyn(VIP_FULLNAT, 40000));
        assertEquals(hex(syn.output()), hex(again.output()), "the first flow keeps its port");

        final PipelineHarness.Result syn6 = harness.run(clientSyn(VIP6_FULLNAT, 40000));
        assertEquals(hex(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6,
            ipv6(NAT_ADDRESS6, BACKEND6_FULLNAT, TCP, 63, 0, 0, tcp(NAT_ADDRESS6, BACKEND6_FULLNAT, 1024, NAT_TCP_PORT, TCP_SYN, new byte[0])))),
            hex(syn6.output()), "IPv6: from the IPv6 NAT address, a pool of its own");
        outputs.add(syn6.output());
        final PipelineHarness.Result synAck6 = harness.run(ethernet(LB_MAC, FULLNAT_BACKEND_MAC, ETHERTYPE_IPV6,
            ipv6(BACKEND6_FULLNAT, NAT_ADDRESS6, TCP, 64, 0, 0, tcp(BACKEND6_FULLNAT, NAT_ADDRESS6, NAT_TCP_PORT, 1024, SYN_ACK, data))));
        assertEquals(hex(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV6,
            ipv6(VIP6_FULLNAT, CLIENT6, TCP, 63, 0, 0, tcp(VIP6_FULLNAT, CLIENT6, 80, 40000, SYN_ACK, data)))), hex(synAck6.output()));
        outputs.add(synAck6.output());

        final byte[] query = "query".getBytes(StandardCharsets.US_ASCII);
        final PipelineHarness.Result udp = harness.run(padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4,
            ipv4(CLIENT, VIP_FULLNAT, UDP, 64, 0, 0, 3, udp(CLIENT, VIP_FULLNAT, 40002, 53, query)))));
        assertEquals(hex(padded(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(NAT_ADDRESS, BACKEND_FULLNAT, UDP, 63, 0, 0, 3, udp(NAT_ADDRESS, BACKEND_FULLNAT, 1024, NAT_UDP_PORT, query))))),
            hex(udp.output()), "UDP: a pool of its own (another backend port and protocol)");
        outputs.add(udp.output());

        final PipelineHarness.Result stray = harness.run(padded(ethernet(LB_MAC, FULLNAT_BACKEND_MAC, ETHERTYPE_IPV4,
            ipv4(BACKEND_FULLNAT, NAT_ADDRESS, TCP, 64, 0, DF, 4, tcp(BACKEND_FULLNAT, NAT_ADDRESS, NAT_TCP_PORT, 2000, TCP_ACK, data)))));
        assertEquals(Verdict.name(Verdict.DROP), Verdict.name(stray.verdict()));
        assertEquals(1, harness.counters().get(DropReason.NAT_NO_MAPPING), "a packet to the NAT address of no flow");
        assertEquals(2, harness.counters().get(WorkerCounter.NAT_REPLIES), "the two SYN-ACKs translated back");
        harness.assertCountersAddUp();
        assertEquals(8, harness.flows().size(), "four flows, a forward and a reverse entry each");
        assertEquals(4, harness.counters().get(WorkerCounter.FLOW_NEW), "four new flows");
        assertCorrectPerTcpdump(outputs, 5, 1);
    }

    @Test
    void shouldDropNewFlowsWhenThePoolIsExhaustedAndTakeThePortsAgainOnceTheirFlowsExpire()
    {
        harness = new PipelineHarness(List.of(), DEFAULT_FLOW_CAPACITY, 1024, 1026);
        for (int flow = 0; flow < 3; flow++)
        {
            assertEquals(Verdict.name(Verdict.FORWARD), Verdict.name(harness.run(clientSyn(VIP_FULLNAT, 40000 + flow)).verdict()));
        }
        final PipelineHarness.Result refused = harness.run(clientSyn(VIP_FULLNAT, 40003));
        assertEquals(Verdict.name(Verdict.DROP), Verdict.name(refused.verdict()));
        assertEquals(1, harness.counters().get(DropReason.NAT_PORTS_EXHAUSTED), "three ports, three flows: the fourth is refused");

        harness.advance(TCP_TIMEOUT_NS + TimeUnit.SECONDS.toNanos(1));
        final PipelineHarness.Result later = harness.run(clientSyn(VIP_FULLNAT, 40003));
        assertEquals(Verdict.name(Verdict.FORWARD), Verdict.name(later.verdict()), "the first flows expired: their ports are free");
        assertEquals(1, harness.counters().get(DropReason.NAT_PORTS_EXHAUSTED));
        harness.assertCountersAddUp();
    }

    @Test
    void shouldTranslateIcmpErrorsAboutAFlowBothWaysWhenFullNat() throws Exception
    {
        harness = new PipelineHarness();
        harness.run(clientSyn(VIP_FULLNAT, 40000));
        final byte[] big = new byte[1400];
        final byte[] sent = ipv4(VIP_FULLNAT, CLIENT, TCP, 63, 0, DF, 30, tcp(VIP_FULLNAT, CLIENT, 80, 40000, TCP_ACK, big));
        final byte[] backendSent = ipv4(BACKEND_FULLNAT, NAT_ADDRESS, TCP, 63, 0, DF, 30,
            tcp(BACKEND_FULLNAT, NAT_ADDRESS, NAT_TCP_PORT, 1024, TCP_ACK, big));
        final PipelineHarness.Result toBackend = harness.run(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4,
            ipv4("198.51.100.1", VIP_FULLNAT, ICMP, 64, 0, 0, 20, icmpv4(3, 4, 1280, java.util.Arrays.copyOf(sent, 548)))));
        assertEquals(hex(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(NAT_ADDRESS, BACKEND_FULLNAT, ICMP, 63, 0, 0, 20, icmpv4(3, 4, 1280, java.util.Arrays.copyOf(backendSent, 548))))),
            hex(toBackend.output()), "frag-needed to the VIP: from the NAT address to the backend, quoting what the backend sent");

        final byte[] lbSent = ipv4(NAT_ADDRESS, BACKEND_FULLNAT, TCP, 63, 0, DF, 31, tcp(NAT_ADDRESS, BACKEND_FULLNAT, 1024, NAT_TCP_PORT, TCP_ACK, big));
        final byte[] clientSent = ipv4(CLIENT, VIP_FULLNAT, TCP, 63, 0, DF, 31, tcp(CLIENT, VIP_FULLNAT, 40000, 80, TCP_ACK, big));
        final PipelineHarness.Result toClient = harness.run(ethernet(LB_MAC, FULLNAT_BACKEND_MAC, ETHERTYPE_IPV4,
            ipv4(BACKEND_FULLNAT, NAT_ADDRESS, ICMP, 64, 0, 0, 21, icmpv4(3, 1, 0, java.util.Arrays.copyOf(lbSent, 68)))));
        assertEquals(hex(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(VIP_FULLNAT, CLIENT, ICMP, 63, 0, 0, 21, icmpv4(3, 1, 0, java.util.Arrays.copyOf(clientSent, 68))))),
            hex(toClient.output()), "an error from the backend's side: from the VIP to the client, quoting what the client sent");

        final PipelineHarness.Result noFlow = harness.run(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4,
            ipv4("198.51.100.1", VIP_FULLNAT, ICMP, 64, 0, 0, 22, icmpv4(3, 4, 1280, java.util.Arrays.copyOf(
                ipv4(VIP_FULLNAT, CLIENT, TCP, 63, 0, DF, 32, tcp(VIP_FULLNAT, CLIENT, 80, 40999, TCP_ACK, big)), 548)))));
        assertEquals(Verdict.name(Verdict.DROP), Verdict.name(noFlow.verdict()));
        assertEquals(1, harness.counters().get(DropReason.ICMP_NOT_HANDLED), "an error about no flow: no backend to tell");
        assertEquals(2, harness.counters().get(WorkerCounter.ICMP_ROUTED), "only the errors sent on count as routed");
        harness.assertCountersAddUp();
        assertCorrectPerTcpdump(List.of(toBackend.output(), toClient.output()), 0, 0);
    }

    @Test
    void shouldKeepAFlowAPeerReplicatedTranslatedBothWaysAndItsPortTaken()
    {
        harness = new PipelineHarness();
        final PipelineHarness.Result original = harness.run(clientSyn(VIP_FULLNAT, 40000));
        final io.sluice.dataplane.ring.FlowRecord forward = new io.sluice.dataplane.ring.FlowRecord();
        harness.events().drain((type, record) -> forward.set(record), 16);
        assertEquals(1024, forward.natPort(), "the event carries the NAT port");
        final io.sluice.dataplane.ring.FlowRecord reverse = reverseOf(forward);

        try (PipelineHarness peer = new PipelineHarness())
        {
            peer.run(new byte[0]);
            peer.pipeline().flows().onUpsert(reverse);
            peer.pipeline().flows().onUpsert(forward);
            assertEquals(2, peer.counters().get(WorkerCounter.FLOW_UPSERTS), "both entries installed");
            assertEquals(0, peer.counters().get(WorkerCounter.FLOW_UPSERTS_REJECTED));

            assertRepliesToTheClient(peer, "the peer sends the backend's reply to the client");
            assertEquals(hex(original.output()), hex(peer.run(clientSyn(VIP_FULLNAT, 40000)).output()),
                "the peer sends the client's packets from the same NAT address and port");
            final PipelineHarness.Result other = peer.run(clientSyn(VIP_FULLNAT, 40001));
            assertEquals(hex(padded(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
                ipv4(NAT_ADDRESS, BACKEND_FULLNAT, TCP, 63, 0, DF, 1, tcp(NAT_ADDRESS, BACKEND_FULLNAT, 1025, NAT_TCP_PORT, TCP_SYN, new byte[0]))))),
                hex(other.output()), "a new flow on the peer does not take the replicated flow's port");

            final io.sluice.dataplane.ring.FlowRecord forged = new io.sluice.dataplane.ring.FlowRecord();
            forged.set(reverse);
            forged.key().setIpv4(TunnelFixtures.v4(BACKEND_FULLNAT), TunnelFixtures.v4(CLIENT), NAT_TCP_PORT, 1030, TCP);
            peer.pipeline().flows().onUpsert(forged);
            assertEquals(1, peer.counters().get(WorkerCounter.FLOW_UPSERTS_REJECTED), "a reverse entry to an address that is no NAT address");
            peer.assertCountersAddUp();
        }
    }

    @Test
    void shouldTakePortsOnlyFromTheNatAddressesThisLbIsVrrpMasterOf()
    {
        harness = new PipelineHarness();
        final long virtualMac = Frames.macLong(VIRTUAL_MAC);
        harness.natAddresses(List.of(NAT_ADDRESS, PEER_NAT_ADDRESS, NAT_ADDRESS6));
        harness.virtualAddresses(List.of(new VirtualAddress(IpAddress.parse(PEER_NAT_ADDRESS), virtualMac, false)));

        for (int flow = 0; flow < 4; flow++)
        {
            final PipelineHarness.Result syn = harness.run(clientSyn(VIP_FULLNAT, 40000 + flow));
            assertEquals(hex(padded(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(NAT_ADDRESS, BACKEND_FULLNAT, TCP, 63, 0,
                DF, 1, tcp(NAT_ADDRESS, BACKEND_FULLNAT, 1024 + flow, NAT_TCP_PORT, TCP_SYN, new byte[0]))))), hex(syn.output()),
                "flow " + flow + ": from the NAT address this LB has, never from the peer's (VRRP backup here)");
        }
        assertEquals(Verdict.name(Verdict.DROP), Verdict.name(harness.run(arpRequest(PEER_NAT_ADDRESS)).verdict()),
            "the peer's NAT address is not answered while this LB is its backup");
        assertEquals(1, harness.counters().get(DropReason.STANDBY));

        harness.virtualAddresses(List.of(
            new VirtualAddress(IpAddress.parse(PEER_NAT_ADDRESS), virtualMac, true),
            new VirtualAddress(IpAddress.parse(NAT_ADDRESS), virtualMac, false)));
        final PipelineHarness.Result arp = harness.run(arpRequest(PEER_NAT_ADDRESS));
        assertEquals(hex(padded(ethernet(ROUTER_MAC, VIRTUAL_MAC, ETHERTYPE_ARP, arp(2, VIRTUAL_MAC, PEER_NAT_ADDRESS, ROUTER_MAC, GATEWAY)))),
            hex(arp.output()), "master of it now: answered with the virtual router's MAC");
        final PipelineHarness.Result taken = harness.run(clientSyn(VIP_FULLNAT, 40010));
        assertEquals(hex(padded(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(PEER_NAT_ADDRESS, BACKEND_FULLNAT, TCP, 63, 0,
            DF, 1, tcp(PEER_NAT_ADDRESS, BACKEND_FULLNAT, 1028, NAT_TCP_PORT, TCP_SYN, new byte[0]))))), hex(taken.output()),
            "a new flow now leaves from the address this LB took over (port 1028: each of the four flows before looked at " +
            "this pool's next port and passed it over, which turns a first-in-first-out pool by one)");
        final byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Verdict.name(Verdict.DROP), Verdict.name(harness.run(padded(ethernet(LB_MAC, FULLNAT_BACKEND_MAC, ETHERTYPE_IPV4,
            ipv4(BACKEND_FULLNAT, NAT_ADDRESS, TCP, 64, 0, DF, 2, tcp(BACKEND_FULLNAT, NAT_ADDRESS, NAT_TCP_PORT, 1024, SYN_ACK, data)))))
            .verdict()), "a reply to the address this LB is backup for now is the master's");
        assertEquals(2, harness.counters().get(DropReason.STANDBY));

        harness.virtualAddresses(List.of(
            new VirtualAddress(IpAddress.parse(PEER_NAT_ADDRESS), virtualMac, false),
            new VirtualAddress(IpAddress.parse(NAT_ADDRESS), virtualMac, false)));
        assertEquals(Verdict.name(Verdict.DROP), Verdict.name(harness.run(clientSyn(VIP_FULLNAT, 40011)).verdict()));
        assertEquals(1, harness.counters().get(DropReason.NAT_ADDRESS_STANDBY), "backup for every IPv4 NAT address: no port to take");
        assertEquals(0, harness.counters().get(DropReason.NAT_PORTS_EXHAUSTED), "not an exhaustion");
        harness.assertCountersAddUp();
    }

    @Test
    void shouldInstallAPeersFlowOnAVirtualNatAddressWhileBackupAndTranslateItsRepliesOnceMaster()
    {
        harness = new PipelineHarness();
        harness.run(clientSyn(VIP_FULLNAT, 40000));
        final io.sluice.dataplane.ring.FlowRecord forward = new io.sluice.dataplane.ring.FlowRecord();
        harness.events().drain((type, record) -> forward.set(record), 16);
        final io.sluice.dataplane.ring.FlowRecord reverse = reverseOf(forward);
        final VirtualAddress backup = new VirtualAddress(IpAddress.parse(NAT_ADDRESS), Frames.macLong(VIRTUAL_MAC), false);

        try (PipelineHarness peer = new PipelineHarness())
        {
            peer.virtualAddresses(List.of(backup));
            peer.run(new byte[0]);
            peer.pipeline().flows().onUpsert(reverse);
            peer.pipeline().flows().onUpsert(forward);
            assertEquals(2, peer.counters().get(WorkerCounter.FLOW_UPSERTS), "both entries installed while VRRP backup of the address");
            assertEquals(0, peer.counters().get(WorkerCounter.FLOW_UPSERTS_REJECTED));

            peer.virtualAddresses(List.of(backup.withActive(true)));
            assertRepliesToTheClient(peer, "master now: the backend's reply goes to the client");
            peer.assertCountersAddUp();
        }
    }

    @Test
    void shouldGiveTheFirstNewFlowAfterATakeoverAFreePortWhenAPeersFlowsHoldTheFrontOfThePool()
    {
        final int taken = 2 * FullNatFlows.MAX_PROBES;
        harness = new PipelineHarness();
        final List<io.sluice.dataplane.ring.FlowRecord> records = new ArrayList<>();
        for (int flow = 0; flow < taken; flow++)
        {
            harness.run(clientSyn(VIP_FULLNAT, 30000 + flow));
            harness.events().drain((type, record) ->
            {
                final io.sluice.dataplane.ring.FlowRecord forward = new io.sluice.dataplane.ring.FlowRecord();
                forward.set(record);
                records.add(forward);
            }, 16);
        }
        assertEquals(taken, records.size());
        assertEquals(1024 + taken - 1, records.getLast().natPort(), "the master handed out the pool's first ports");

        try (PipelineHarness peer = new PipelineHarness())
        {
            peer.run(new byte[0]);
            for (final io.sluice.dataplane.ring.FlowRecord forward : records)
            {
                peer.pipeline().flows().onUpsert(reverseOf(forward));
                peer.pipeline().flows().onUpsert(forward);
            }
            assertEquals(2L * taken, peer.counters().get(WorkerCounter.FLOW_UPSERTS));

            int moved = 0;
            for (int cycle = 0; cycle < taken; cycle++)
            {
                moved += peer.pipeline().expireFlows(1);
            }
            assertEquals(taken, moved, "the duty cycle moved every port a replicated flow holds to the back of the pool");
            final PipelineHarness.Result syn = peer.run(clientSyn(VIP_FULLNAT, 40000));
            assertEquals(hex(padded(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(NAT_ADDRESS, BACKEND_FULLNAT, TCP, 63, 0,
                DF, 1, tcp(NAT_ADDRESS, BACKEND_FULLNAT, 1024 + taken, NAT_TCP_PORT, TCP_SYN, new byte[0]))))), hex(syn.output()),
                "the first new flow takes the first port no replicated flow holds, not a drop after " + FullNatFlows.MAX_PROBES +
                " taken ones");
            assertEquals(0, peer.counters().get(DropReason.NAT_PORTS_EXHAUSTED));
            assertEquals(0, peer.pipeline().expireFlows(1), "the front is free: nothing more to move");
            peer.assertCountersAddUp();
        }
    }

    /** The backend's SYN-ACK to NAT_ADDRESS:1024 leaves to the client of port 40000 from the VIP. */
    private static void assertRepliesToTheClient(final PipelineHarness lb, final String message)
    {
        final byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        final PipelineHarness.Result reply = lb.run(padded(ethernet(LB_MAC, FULLNAT_BACKEND_MAC, ETHERTYPE_IPV4,
            ipv4(BACKEND_FULLNAT, NAT_ADDRESS, TCP, 64, 0, DF, 2, tcp(BACKEND_FULLNAT, NAT_ADDRESS, NAT_TCP_PORT, 1024, SYN_ACK, data)))));
        assertEquals(hex(padded(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(VIP_FULLNAT, CLIENT, TCP, 63, 0, DF, 2, tcp(VIP_FULLNAT, CLIENT, 80, 40000, SYN_ACK, data))))), hex(reply.output()), message);
    }

    /** The reverse record a peer's applier derives from a full-NAT flow's forward record (IPv4 TCP, to {@link PipelineHarness#NAT_ADDRESS}). */
    private static io.sluice.dataplane.ring.FlowRecord reverseOf(final io.sluice.dataplane.ring.FlowRecord forward)
    {
        final io.sluice.dataplane.ring.FlowRecord reverse = new io.sluice.dataplane.ring.FlowRecord();
        reverse.set(forward);
        reverse.key().setIpv4(TunnelFixtures.v4(BACKEND_FULLNAT), TunnelFixtures.v4(NAT_ADDRESS), NAT_TCP_PORT, forward.natPort(), TCP);
        reverse.nat(forward.key().srcHi(), forward.key().srcLo(), forward.key().srcPort())
            .flags(io.sluice.dataplane.ring.FlowRecord.FLAG_NAT_REVERSE);
        return reverse;
    }

    private static byte[] arpRequest(final String target)
    {
        return padded(ethernet("ff:ff:ff:ff:ff:ff", ROUTER_MAC, ETHERTYPE_ARP, arp(1, ROUTER_MAC, GATEWAY, "00:00:00:00:00:00", target)));
    }

    private void assertCorrectPerTcpdump(final List<byte[]> outputs, final int tcp, final int udp) throws Exception
    {
        final Path pcap = directory.resolve("fullnat.pcap");
        PcapFile.write(pcap, outputs);
        final Process tcpdump = new ProcessBuilder("tcpdump", "-nn", "-vv", "-r", pcap.toString()).redirectErrorStream(true).start();
        final String text = new String(tcpdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tcpdump.waitFor(), text);
        assertFalse(text.contains("incorrect") || text.contains("bad") || text.contains("wrong"), text);
        assertEquals(tcp, text.split("\\(correct\\)", -1).length - 1, "every TCP checksum verified:\n" + text);
        assertEquals(udp, text.split("\\[udp sum ok\\]", -1).length - 1, "the UDP checksum verified:\n" + text);
    }
}
