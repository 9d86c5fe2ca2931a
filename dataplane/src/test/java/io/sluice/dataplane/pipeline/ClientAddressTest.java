package io.sluice.dataplane.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.service.ClientAddress;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.RewriteOptions;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.dataplane.pipeline.ClientAddressFixtures.*;
import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The rewrite options through the pipeline, flow after flow: the TOA option's outcomes counted (and
 * every segment forwarded, so the counters still add up), the backend's SYN-ACK lowered by the
 * option's length, an ICMP error quoting a segment that carries the option translated back, a
 * datagram too big for the PROXY v2 header answered with the MTU less the header, and a change of
 * the option applied to a running flow's next packet. tcpdump checks every checksum of the output.
 */
class ClientAddressTest
{
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

    private byte[] forward(final byte[] frame, final String description)
    {
        final PipelineHarness.Result result = harness.run(frame);
        assertEquals(Verdict.name(Verdict.FORWARD), Verdict.name(result.verdict()), description);
        return result.output();
    }

    @Test
    void shouldForwardEverySegmentAndCountThoseSentWithoutTheOptionByReasonWhenToa() throws Exception
    {
        harness = new PipelineHarness();
        final List<byte[]> outputs = new ArrayList<>();
        for (final PacketFixture fixture : ClientAddressFixtures.toaFixtures())
        {
            final byte[] output = forward(fixture.input(), fixture.description());
            assertEquals(hex(fixture.expected()), hex(output), fixture.description());
            outputs.add(output);
        }

        assertEquals(4, harness.counters().get(WorkerCounter.TOA_INSERTED), "two segments of each family took the option");
        assertEquals(1, harness.counters().get(WorkerCounter.TOA_SKIPPED_NO_OPTION_ROOM), "the SYN with 40 bytes of options");
        assertEquals(1, harness.counters().get(WorkerCounter.TOA_SKIPPED_OVER_MTU), "the segment of exactly the MTU");
        assertEquals(0, harness.counters().get(WorkerCounter.TOA_SKIPPED_NO_HEADROOM));
        assertEquals(2, harness.counters().get(WorkerCounter.MSS_CLAMPED), "the IPv4 SYNs' MSS, to the clamp");
        assertEquals(6, harness.counters().get(WorkerCounter.FORWARDED), "skipping the option drops nothing");
        assertEquals(0, harness.counters().get(WorkerCounter.DROPPED));
        harness.assertCountersAddUp();
        assertChecksumsCorrect(outputs, outputs.size(), 0);
    }

    @Test
    void shouldLowerTheSynAcksMssByTheOptionsLengthAndToTheClampWhenToa() throws Exception
    {
        harness = new PipelineHarness();
        forward(fromClient4(VIP_CLIENT, 40000, TCP_SYN, synOptions(1460), NONE), "IPv4 SYN");
        forward(fromClient6(VIP6_CLIENT, 40000, TCP_SYN, synOptions(1440), NONE), "IPv6 SYN");
        final long clampedBefore = harness.counters().get(WorkerCounter.MSS_CLAMPED);

        final byte[] synAck4 = forward(ethernet(LB_MAC, CLIENT_BACKEND_MAC, ETHERTYPE_IPV4, ipv4(BACKEND_CLIENT, NAT_ADDRESS, TCP, 64, 0, DF, 60,
            tcpWithOptions(BACKEND_CLIENT, NAT_ADDRESS, NAT_TCP_PORT, 1024, SYN_ACK, synOptions(1460), NONE))), "IPv4 SYN-ACK");
        assertEquals(hex(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_CLIENT, CLIENT, TCP, 63, 0, DF, 60,
            tcpWithOptions(VIP_CLIENT, CLIENT, 80, 40000, SYN_ACK, synOptions(MSS_CLAMP - ToaWriter.IPV4_OPTION_LENGTH), NONE)))),
            hex(synAck4), "IPv4: min(1460, clamp 1400) less the option's 8 bytes");
        final byte[] synAck6 = forward(ethernet(LB_MAC, CLIENT_BACKEND_MAC, ETHERTYPE_IPV6, ipv6(BACKEND6_CLIENT, NAT_ADDRESS6, TCP, 64, 0, 0,
            tcpWithOptions(BACKEND6_CLIENT, NAT_ADDRESS6, NAT_TCP_PORT, 1024, SYN_ACK, synOptions(1440), NONE))), "IPv6 SYN-ACK");
        assertEquals(hex(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(VIP6_CLIENT, CLIENT6, TCP, 63, 0, 0,
            tcpWithOptions(VIP6_CLIENT, CLIENT6, 80, 40000, SYN_ACK, synOptions(1440 - ToaWriter.IPV6_OPTION_LENGTH), NONE)))),
            hex(synAck6), "IPv6, no clamp set: 1440 less the option's 20 bytes all the same");
        assertEquals(clampedBefore + 2, harness.counters().get(WorkerCounter.MSS_CLAMPED));

        final byte[] ack = forward(ethernet(LB_MAC, CLIENT_BACKEND_MAC, ETHERTYPE_IPV4, ipv4(BACKEND_CLIENT, NAT_ADDRESS, TCP, 64, 0, DF, 61,
            tcpWithOptions(BACKEND_CLIENT, NAT_ADDRESS, NAT_TCP_PORT, 1024, TCP_ACK, TS_OPTIONS, DATA))), "the backend's data");
        assertEquals(hex(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_CLIENT, CLIENT, TCP, 63, 0, DF, 61,
            tcpWithOptions(VIP_CLIENT, CLIENT, 80, 40000, TCP_ACK, TS_OPTIONS, DATA)))), hex(ack), "replies carry no option and lose none");
        harness.assertCountersAddUp();
        assertChecksumsCorrect(List.of(synAck4, synAck6, ack), 3, 0);
    }

    @Test
    void shouldTranslateAnIcmpErrorQuotingASegmentThatCarriesTheOptionBackToTheClient() throws Exception
    {
        harness = new PipelineHarness();
        forward(fromClient4(VIP_CLIENT, 40000, TCP_SYN, synOptions(1460), NONE), "the flow's SYN");
        final byte[] big = new byte[1400];
        Arrays.fill(big, (byte)0x5a);
        final byte[] lbSent = ipv4(NAT_ADDRESS, BACKEND_CLIENT, TCP, 63, 0, DF, 70,
            tcpWithOptions(NAT_ADDRESS, BACKEND_CLIENT, 1024, NAT_TCP_PORT, TCP_ACK, concat(toaOption(254, 40000, CLIENT), TS_OPTIONS), big));
        final byte[] clientSees = ipv4(CLIENT, VIP_CLIENT, TCP, 63, 0, DF, 70,
            tcpWithOptions(CLIENT, VIP_CLIENT, 40000, 80, TCP_ACK, concat(toaOption(254, 40000, CLIENT), TS_OPTIONS), big));
        final List<byte[]> outputs = new ArrayList<>();
        for (final int quoted : new int[]{28, 68, 548})
        {
            final byte[] output = forward(ethernet(LB_MAC, CLIENT_BACKEND_MAC, ETHERTYPE_IPV4, ipv4(BACKEND_CLIENT, NAT_ADDRESS, ICMP, 64, 0, 0, 71,
                icmpv4(3, 4, 1400, Arrays.copyOf(lbSent, quoted)))), "frag-needed quoting " + quoted + " bytes");
            assertEquals(hex(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_CLIENT, CLIENT, ICMP, 63, 0, 0, 71,
                icmpv4(3, 4, 1400, Arrays.copyOf(clientSees, quoted))))), hex(output),
                "quoting " + quoted + " bytes: ports and addresses at their offsets, the option left in the longer header");
            outputs.add(output);
        }
        assertEquals(3, harness.counters().get(WorkerCounter.ICMP_ROUTED));
        harness.assertCountersAddUp();
        final String text = Tcpdump.read(directory.resolve("icmp.pcap"), outputs);
        assertFalse(text.contains("wrong") || text.contains("bad"), "tcpdump found a bad checksum:\n" + text);
    }

    @Test
    void shouldAnswerADatagramTooBigForTheProxyHeaderWithTheMtuLessTheHeader()
    {
        harness = new PipelineHarness();
        final PipelineHarness.Result v4 = harness.run(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4,
            ipv4(CLIENT, VIP_CLIENT, UDP, 64, 0, DF, 80, udp(CLIENT, VIP_CLIENT, 40005, 53, new byte[1500 - 28]))));
        assertEquals(Verdict.name(Verdict.REPLY), Verdict.name(v4.verdict()), "IPv4 with DF: fragmentation needed");
        assertEquals(1500 - ProxyV2Writer.IPV4_HEADER_LENGTH, ((v4.output()[14 + 20 + 6] & 0xFF) << 8) | (v4.output()[14 + 20 + 7] & 0xFF),
            "the next-hop MTU leaves room for the 28-byte header");
        final PipelineHarness.Result v6 = harness.run(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6,
            ipv6(CLIENT6, VIP6_CLIENT, UDP, 64, 0, 0, udp(CLIENT6, VIP6_CLIENT, 40005, 53, new byte[1500 - 48]))));
        assertEquals(Verdict.name(Verdict.REPLY), Verdict.name(v6.verdict()), "IPv6: packet too big");
        assertEquals(1500 - ProxyV2Writer.IPV6_HEADER_LENGTH, ((v6.output()[14 + 40 + 6] & 0xFF) << 8) | (v6.output()[14 + 40 + 7] & 0xFF),
            "the MTU leaves room for the 52-byte header");
        final byte[] fits = forward(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4,
            ipv4(CLIENT, VIP_CLIENT, UDP, 64, 0, DF, 81, udp(CLIENT, VIP_CLIENT, 40006, 53, new byte[1500 - 28 - 28]))), "exactly the MTU with it");
        assertEquals(14 + 1500, fits.length);
        assertEquals(1, harness.counters().get(WorkerCounter.FORWARDED));
        assertEquals(1, harness.counters().get(WorkerCounter.PROXY_V2_PREPENDED), "only datagrams sent count as prepended");
        assertEquals(2, harness.counters().get(WorkerCounter.ICMP_TOO_BIG_SENT));
        assertEquals(0, harness.counters().get(DropReason.TOO_BIG));
        harness.assertCountersAddUp();
    }

    @Test
    void shouldApplyAChangedOptionToTheNextPacketOfARunningFlowWhenReconfigured()
    {
        final String vip = "192.0.2.150";
        final ServiceSpec plain = new ServiceSpec(IpAddress.parse(vip), 80, TCP, ForwardingMode.FULLNAT,
            List.of(new ServiceSpec.BackendSpec(IpAddress.parse(BACKEND_CLIENT), 1)), MaglevTable.DEFAULT_SIZE, TCP_TIMEOUT_NS, UDP_TIMEOUT_NS)
            .withTranslation(8081, FragmentPolicy.DROP);
        harness = new PipelineHarness(List.of(plain));
        final byte[] data = fromClient4(vip, 40000, TCP_ACK, NONE, DATA);
        final byte[] without = padded(ethernet(CLIENT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(NAT_ADDRESS, BACKEND_CLIENT, TCP, 63, 0, DF, 50, tcpWithOptions(NAT_ADDRESS, BACKEND_CLIENT, 1024, 8081, TCP_ACK, NONE, DATA))));
        assertEquals(hex(without), hex(forward(data, "clientAddress none")));

        harness.reconfigure(List.of(plain.withRewrite(new RewriteOptions(ClientAddress.TOA, 200, RewriteOptions.NO_MSS_CLAMP))));
        assertEquals(hex(padded(ethernet(CLIENT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(NAT_ADDRESS, BACKEND_CLIENT, TCP, 63, 0, DF, 50,
            tcpWithOptions(NAT_ADDRESS, BACKEND_CLIENT, 1024, 8081, TCP_ACK, toaOption(200, 40000, CLIENT), DATA))))),
            hex(forward(data, "clientAddress toa")), "the same flow (same NAT port), the option from its next packet");

        harness.reconfigure(List.of(plain));
        assertEquals(hex(without), hex(forward(data, "back to none")));
        assertEquals(1, harness.counters().get(WorkerCounter.FLOW_NEW), "one flow throughout");
        harness.assertCountersAddUp();
    }

    @Test
    void shouldLeaveEveryChecksumCorrectPerTcpdumpForEveryFixture() throws Exception
    {
        final List<byte[]> outputs = new ArrayList<>();
        int tcp = 0;
        int udp = 0;
        int udpNone = 0;
        for (final PacketFixture fixture : ClientAddressFixtures.fixtures())
        {
            if (fixture.verdict() != Verdict.FORWARD)
            {
                continue;
            }
            try (PipelineHarness fresh = new PipelineHarness())
            {
                final PipelineHarness.Result result = fresh.run(fixture.input());
                assertEquals(Verdict.name(Verdict.FORWARD), Verdict.name(result.verdict()), fixture.description());
                outputs.add(result.output());
                final byte[] frame = result.output();
                final boolean ipv6 = (frame[12] & 0xFF) == 0x86;
                final int protocol = frame[ipv6 ? 20 : 23] & 0xFF;
                final int l4 = 14 + (ipv6 ? 40 : 20);
                tcp += protocol == TCP ? 1 : 0;
                udp += protocol == UDP && (frame[l4 + 6] != 0 || frame[l4 + 7] != 0) ? 1 : 0;
                udpNone += protocol == UDP && frame[l4 + 6] == 0 && frame[l4 + 7] == 0 ? 1 : 0;
            }
        }
        assertEquals(1, udpNone, "the one datagram without a checksum");
        assertChecksumsCorrect(outputs, tcp, udp);
    }

    private void assertChecksumsCorrect(final List<byte[]> outputs, final int tcp, final int udp) throws Exception
    {
        final String text = Tcpdump.read(directory.resolve("client-address.pcap"), outputs);
        assertFalse(text.contains("incorrect") || text.contains("bad") || text.contains("wrong"), "tcpdump found a bad checksum:\n" + text);
        assertEquals(tcp, Tcpdump.count(text, "cksum 0x[0-9a-f]+ \\(correct\\)"), "every TCP checksum verified:\n" + text);
        assertEquals(udp, Tcpdump.count(text, "\\[udp sum ok\\]"), "every UDP checksum verified:\n" + text);
    }
}
