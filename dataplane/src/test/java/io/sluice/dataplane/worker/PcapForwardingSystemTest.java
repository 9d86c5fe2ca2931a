package io.sluice.dataplane.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.pipeline.Frames;
import io.sluice.dataplane.pipeline.IcmpResponder;
import io.sluice.dataplane.pipeline.PacketPipeline;
import io.sluice.dataplane.ring.FrameRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.service.SnapshotPublisher;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.Eal;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.PcapFile;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;

import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real forwarder (worker agent, DPDK net_pcap port, mbufs) on a pcap of thousands of generated
 * flows over four VIPs (IPIP 4in4, DSR, IPIP 6in6, GUE), three packets per flow. Every output frame
 * is compared byte for byte with the frame an independent model predicts (reference flow hash,
 * reference Maglev table, independently encoded headers); every flow stays on one backend; and
 * tcpdump, as an outside decoder, finds every checksum correct.
 */
@Tag("dpdk")
class PcapForwardingSystemTest
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final String ROUTER_MAC = "02:00:00:00:00:fe";
    private static final List<String> SOURCES = List.of("10.0.0.100", "10.0.0.101", "10.0.0.102");
    private static final List<String> SOURCES6 = List.of("2001:db8::100", "2001:db8::101");
    private static final int DF = 0x4000;
    private static final int TOS = 0x20;
    private static final int FLOWS_PER_VIP = 1500;
    private static final int[] TCP_FLAGS = {TCP_SYN, TCP_ACK | 0x08, TCP_FIN | TCP_ACK};

    private record VipCase(String vip, int port, int protocol, ForwardingMode mode, List<String> backends, List<Integer> weights)
    {
        boolean ipv6()
        {
            return vip.contains(":");
        }
    }

    private record Sent(VipCase service, String client, int sourcePort, int packet)
    {
    }

    private static final List<VipCase> CASES = List.of(
        new VipCase("192.0.2.10", 80, TCP, ForwardingMode.IPIP,
            List.of("10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5", "10.1.0.6", "10.1.0.7"), List.of(1, 2, 3, 4, 5, 6, 7)),
        new VipCase("192.0.2.11", 443, TCP, ForwardingMode.DSR,
            List.of("10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.14", "10.0.0.15"), List.of(1, 1, 1, 1, 1)),
        new VipCase("2001:db8:100::10", 80, TCP, ForwardingMode.IPIP,
            List.of("2001:db8:1::1", "2001:db8:1::2", "2001:db8:1::3", "2001:db8:1::4"), List.of(1, 1, 2, 2)),
        new VipCase("192.0.2.12", 53, UDP, ForwardingMode.GUE,
            List.of("10.1.1.1", "10.1.1.2", "10.1.1.3"), List.of(1, 1, 1)));

    @TempDir
    Path directory;

    @Test
    void shouldForwardEveryFlowToTheBackendTheReferenceModelPredicts() throws Exception
    {
        final List<Sent> sent = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();
        for (int packet = 0; packet < TCP_FLAGS.length; packet++)
        {
            for (final VipCase service : CASES)
            {
                for (int flow = 0; flow < FLOWS_PER_VIP; flow++)
                {
                    final Sent s = new Sent(service, client(service, flow), 1024 + (flow * 37) % 60000, packet);
                    sent.add(s);
                    frames.add(padded(ethernet(LB_MAC, ROUTER_MAC, service.ipv6() ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4, inner(s, 64))));
                }
            }
        }
        final Path in = directory.resolve("in.pcap");
        final Path out = directory.resolve("out.pcap");
        PcapFile.write(in, frames);

        final DataplaneCounters counters = forward(in, out, frames.size());

        final List<byte[]> received = PcapFile.read(out);
        assertEquals(frames.size(), received.size(), "one frame out per frame in");
        assertEquals(frames.size(), counters.get(WorkerCounter.RX_PACKETS));
        assertEquals(frames.size(), counters.get(WorkerCounter.FORWARDED));
        assertEquals(frames.size(), counters.get(WorkerCounter.TX_PACKETS));
        assertEquals(0, counters.get(WorkerCounter.DROPPED));
        assertEquals((long)FLOWS_PER_VIP * CASES.size(), counters.get(WorkerCounter.FLOW_NEW));
        assertEquals((long)FLOWS_PER_VIP * CASES.size() * (TCP_FLAGS.length - 1), counters.get(WorkerCounter.FLOW_HITS));

        final Map<String, Integer> backendOfFlow = new HashMap<>();
        final Map<VipCase, int[]> flowsPerBackend = new HashMap<>();
        for (int i = 0; i < sent.size(); i++)
        {
            final Sent s = sent.get(i);
            final int backend = expectedBackend(s);
            assertEquals(hex(expectedFrame(s, backend)), hex(received.get(i)), "frame " + i + " of " + s);
            final Integer previous = backendOfFlow.putIfAbsent(s.service().vip() + " " + s.client() + " " + s.sourcePort(), backend);
            assertTrue(previous == null || previous == backend, "a flow stays on one backend");
            if (s.packet() == 0)
            {
                flowsPerBackend.computeIfAbsent(s.service(), k -> new int[k.backends().size()])[backend]++;
            }
        }
        for (final VipCase service : CASES)
        {
            for (final int flows : flowsPerBackend.get(service))
            {
                assertTrue(flows > 0, "every backend of " + service.vip() + " gets flows");
            }
        }
        assertChecksumsCorrectPerTcpdump(out, sent);
    }

    private DataplaneCounters forward(final Path in, final Path out, final int expected)
    {
        final Eal eal = DpdkTestSupport.eal();
        final NeighbourTable neighbours = new NeighbourTable(64);
        neighbours.setStatic(IpAddress.parse("10.0.0.1"), macLong(ROUTER_MAC));
        neighbours.setStatic(IpAddress.parse("2001:db8::1"), macLong(ROUTER_MAC));
        final VipCase dsr = CASES.get(1);
        for (int b = 0; b < dsr.backends().size(); b++)
        {
            neighbours.setStatic(IpAddress.parse(dsr.backends().get(b)), dsrMac(b));
        }
        final List<ServiceSpec> specs = new ArrayList<>();
        for (final VipCase c : CASES)
        {
            final List<ServiceSpec.BackendSpec> backends = new ArrayList<>();
            for (int b = 0; b < c.backends().size(); b++)
            {
                backends.add(new ServiceSpec.BackendSpec(IpAddress.parse(c.backends().get(b)), c.weights().get(b)));
            }
            specs.add(new ServiceSpec(IpAddress.parse(c.vip()), c.port(), c.protocol(), c.mode(), backends, 65537,
                TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30)));
        }
        final DataplaneSettings settings = DataplaneSettings.of(
            List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("2001:db8::2")),
            SOURCES.stream().map(IpAddress::parse).toList(), SOURCES6.stream().map(IpAddress::parse).toList())
            .withGateways(IpAddress.parse("10.0.0.1"), IpAddress.parse("2001:db8::1"));
        final SnapshotPublisher snapshots = new SnapshotPublisher(ServiceSnapshotBuilder.build(settings, specs, neighbours));

        try (MbufPool pool = DpdkTestSupport.newPool(4095);
            Port port = Port.open("net_pcap40,rx_pcap=" + in + ",tx_pcap=" + out, new PortConfig(1, 1, 512, 512, false), pool);
            FlowTable flows = new FlowTable(1 << 16, TimeUnit.SECONDS.toNanos(1)))
        {
            final DataplaneCounters counters = new DataplaneCounters();
            final PacketPipeline processor = TestPipelines.of(flows, neighbours, counters);
            final WorkerAgent worker = new WorkerAgent(0, eal, port, 0, pool, macLong(LB_MAC), processor, snapshots,
                new FrameRing(1 << 16), new WorkerCommandRing(1 << 16), SystemNanoClock.INSTANCE, 32, 16);
            worker.onStart();
            try
            {
                int idle = 0;
                while (counters.get(WorkerCounter.RX_PACKETS) < expected && idle < 1_000_000)
                {
                    idle = worker.doWork() == 0 ? idle + 1 : 0;
                }
            }
            finally
            {
                worker.onClose();
            }
            assertEquals(0, pool.inUseCount(), "every mbuf returned to the pool");
            return counters;
        }
    }

    private static long dsrMac(final int backend)
    {
        return 0x0200_0000_0100L + backend + 1;
    }

    private static String client(final VipCase service, final int flow)
    {
        return service.ipv6() ?
            "2001:db8:ff::" + Integer.toHexString(flow + 1) :
            "198.51." + (flow / 250) + "." + (flow % 250 + 1);
    }

    private static byte[] inner(final Sent s, final int ttl)
    {
        final VipCase c = s.service();
        final byte[] data = s.packet() == 1 ? ("request " + s.client()).getBytes(StandardCharsets.US_ASCII) : new byte[0];
        final byte[] l4 = c.protocol() == TCP ?
            tcp(s.client(), c.vip(), s.sourcePort(), c.port(), TCP_FLAGS[s.packet()], data) :
            udp(s.client(), c.vip(), s.sourcePort(), c.port(), ("q" + s.packet()).getBytes(StandardCharsets.US_ASCII));
        return c.ipv6() ?
            ipv6(s.client(), c.vip(), c.protocol(), ttl, TOS, 0x54321, l4) :
            ipv4(s.client(), c.vip(), c.protocol(), ttl, TOS, DF, 100 + s.packet(), l4);
    }

    private static long flowHash(final Sent s)
    {
        final VipCase c = s.service();
        return ReferenceFlowModel.hash(ip(s.client()), ip(c.vip()), s.sourcePort(), c.port(), c.protocol());
    }

    private final Map<VipCase, ReferenceFlowModel> models = new HashMap<>();

    private int expectedBackend(final Sent s)
    {
        final ReferenceFlowModel model = models.computeIfAbsent(
            s.service(), c -> new ReferenceFlowModel(c.backends().stream().map(Frames::ip).toList(), c.weights()));
        return model.backendFor(flowHash(s));
    }

    private static byte[] expectedFrame(final Sent s, final int backend)
    {
        final VipCase c = s.service();
        final long hash = flowHash(s);
        final String backendAddress = c.backends().get(backend);
        final byte[] innerOut = inner(s, 63);
        return switch (c.mode())
        {
            case DSR -> padded(concat(u48(dsrMac(backend)), mac(LB_MAC), u16(ETHERTYPE_IPV4), inner(s, 64)));
            case IPIP -> c.ipv6() ?
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(SOURCES6.get(ReferenceFlowModel.sourceIndex(hash, SOURCES6.size())),
                    backendAddress, IPV6_IN_IP, 64, TOS, flowLabel(hash), innerOut)) :
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(SOURCES.get(ReferenceFlowModel.sourceIndex(hash, SOURCES.size())),
                    backendAddress, IPIP, 64, TOS, DF, 0, innerOut));
            case NAT, FULLNAT -> throw new IllegalStateException("no NAT case here: NatFixtures and NatChecksumTest cover NAT");
            case GUE -> ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(SOURCES.get(ReferenceFlowModel.sourceIndex(hash, SOURCES.size())),
                backendAddress, UDP, 64, TOS, DF, 0,
                udpNoChecksum(0xC000 | ((int)(hash >>> 18) & 0x3FFF), 6080, concat(new byte[]{0, IPIP, 0, 0}, innerOut))));
        };
    }

    private static int flowLabel(final long hash)
    {
        final int label = (int)(hash >>> 40) & 0xF_FFFF;
        return label == 0 ? 1 : label;
    }

    private static byte[] u48(final long value)
    {
        return new byte[]{(byte)(value >>> 40), (byte)(value >>> 32), (byte)(value >>> 24), (byte)(value >>> 16), (byte)(value >>> 8), (byte)value};
    }

    private static void assertChecksumsCorrectPerTcpdump(final Path pcap, final List<Sent> sent) throws IOException, InterruptedException
    {
        final Process tcpdump = new ProcessBuilder("tcpdump", "-nn", "-vv", "-r", pcap.toString()).redirectErrorStream(true).start();
        final String text = new String(tcpdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tcpdump.waitFor(), "tcpdump failed: " + text.lines().limit(5).toList());
        assertFalse(text.contains("incorrect"), "tcpdump found an incorrect checksum");
        assertFalse(text.contains("bad cksum"), "tcpdump found a bad IPv4 header checksum");
        final long tcpPackets = sent.stream().filter(s -> s.service().protocol() == TCP).count();
        final Matcher correct = Pattern.compile("\\(correct\\)").matcher(text);
        long verified = 0;
        while (correct.find())
        {
            verified++;
        }
        assertEquals(tcpPackets, verified, "tcpdump verified the TCP checksum of every TCP packet, inner ones included");
    }
}
