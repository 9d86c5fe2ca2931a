package io.sluice.dataplane.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.packet.TcpFlyweight;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.stats.TrafficStats;
import org.junit.jupiter.api.Test;

import static io.sluice.dataplane.pipeline.Frames.ethernet;
import static io.sluice.dataplane.pipeline.Frames.ipv4;
import static io.sluice.dataplane.pipeline.Frames.ipv4WithOptions;
import static io.sluice.dataplane.pipeline.Frames.tcp;
import static io.sluice.dataplane.pipeline.Frames.udp;
import static io.sluice.dataplane.pipeline.PipelineHarness.CLIENT_MAC;
import static io.sluice.dataplane.pipeline.PipelineHarness.LB_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

/**
 * The pipeline's fast path (untagged IPv4 TCP/UDP to a DSR, IPIP or GUE VIP, taken in a few wide
 * loads and stores) against its general path on the same flows. The general path is reached
 * without any switch in the pipeline: a VLAN-tagged copy of a frame is a frame the fast path never
 * takes and the general path handles as the untagged one but for the 4 bytes of the tag. So one
 * pipeline gets each frame untagged and a second, with the same services, gets it tagged; for
 * every frame the verdicts must be equal and the outputs equal once the tag is taken out, and at
 * the end the worker counters, the flow table and the per-service and per-backend counters must be
 * equal, byte counts apart by 4 bytes a packet. The frames are built around the fast path's edges
 * (TTL 0 to 2, fragments, IP options, too big for the MTU, padded and truncated, FIN and RST, a
 * VIP with an IPv6 backend, a wrong MAC) and mutated at random, with flows that repeat so that
 * hits, new flows and backend changes after a reconfiguration all occur. Seeded, so a failure
 * names its round.
 */
class FastPathEquivalenceTest
{
    private static final long SEED = 0xFA57_9A7BL;
    private static final int ROUNDS = 60_000;
    private static final String VIP_4IN6 = "192.0.2.50";
    private static final int VLAN_TAG_LENGTH = 4;
    private static final int VLAN = 7;

    private static final String[] CLIENTS = {"198.51.100.7", "198.51.100.8", "203.0.113.9", "100.64.1.2"};
    private static final String[] DESTINATIONS = {
        PipelineHarness.VIP_DSR, PipelineHarness.VIP_IPIP, PipelineHarness.VIP_GUE, PipelineHarness.VIP_UNRESOLVED,
        VIP_4IN6, "192.0.2.99", PipelineHarness.LB_IP};
    private static final int[] TCP_FLAGS = {
        TcpFlyweight.FLAG_SYN, TcpFlyweight.FLAG_ACK, TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_FIN,
        TcpFlyweight.FLAG_RST, TcpFlyweight.FLAG_ACK};

    @Test
    void shouldGiveTheSameVerdictsBytesAndCountersAsTheGeneralPath()
    {
        final Random random = new Random(SEED);
        try (PipelineHarness fast = new PipelineHarness(extraServices(false));
            PipelineHarness general = new PipelineHarness(extraServices(false)))
        {
            int forwarded = 0;
            for (int round = 0; round < ROUNDS; round++)
            {
                if (round % 10_000 == 5_000)
                {
                    final boolean alternative = (round / 10_000) % 2 == 0;
                    fast.reconfigure(extraServices(alternative));
                    general.reconfigure(extraServices(alternative));
                }
                byte[] frame = frame(random);
                if (random.nextInt(8) == 0)
                {
                    frame = mutate(frame, random);
                }
                final PipelineHarness.Result expected = general.run(tagged(frame));
                final PipelineHarness.Result actual = fast.run(frame);
                final byte[] expectedOutput = untagged(expected.output());
                if (expected.verdict() != actual.verdict() || !Arrays.equals(expectedOutput, actual.output()))
                {
                    fail("round " + round + " (seed " + SEED + "): frame " + Frames.hex(frame) +
                        "\n general " + Verdict.name(expected.verdict()) + " " + Frames.hex(expectedOutput) +
                        "\n fast    " + Verdict.name(actual.verdict()) + " " + Frames.hex(actual.output()));
                }
                if (expected.verdict() == Verdict.FORWARD)
                {
                    forwarded++;
                }
                final long step = random.nextInt(2_000) == 0 ? 40_000_000_000L : 1_000_000L;
                fast.advance(step);
                general.advance(step);
            }

            final long packets = fast.counters().get(WorkerCounter.RX_PACKETS);
            for (int i = 0; i < WorkerCounter.count(); i++)
            {
                final WorkerCounter counter = WorkerCounter.of(i);
                final long tagBytes = counter == WorkerCounter.RX_BYTES ? VLAN_TAG_LENGTH * packets : 0;
                assertEquals(general.counters().get(counter), fast.counters().get(counter) + tagBytes, counter.label());
            }
            for (int i = 0; i < DropReason.count(); i++)
            {
                final DropReason reason = DropReason.of(i);
                assertEquals(general.counters().get(reason), fast.counters().get(reason), "drop " + reason.label());
            }
            assertEquals(general.flows().size(), fast.flows().size(), "flows in the table");
            assertTrafficEqual(general, fast);
            fast.assertCountersAddUp();
            assertTrue(forwarded > ROUNDS / 4, "most frames should be forwarded, got " + forwarded);
            assertEquals(0, general.processor().fastPathPackets());
            assertTrue(fast.processor().fastPathPackets() > ROUNDS / 4,
                "the fast path should take most frames, took " + fast.processor().fastPathPackets());
            assertTrue(fast.counters().get(WorkerCounter.FLOW_HITS) > ROUNDS / 8, "flows should repeat");
            assertTrue(fast.counters().get(WorkerCounter.FLOW_REHASHED) > 0, "reconfiguration should move flows");
            assertTrue(fast.counters().get(DropReason.TTL_EXPIRED) > 0);
            assertTrue(fast.counters().get(WorkerCounter.ICMP_TOO_BIG_SENT) > 0, "some frames are too big for the tunnel");
        }
    }

    private static void assertTrafficEqual(final PipelineHarness general, final PipelineHarness fast)
    {
        final ServiceSnapshot snapshot = fast.snapshot();
        int servicesSeen = 0;
        for (int s = 0; s < snapshot.serviceCount(); s++)
        {
            final Service service = snapshot.serviceAt(s);
            final long packets = TrafficStats.service(fast.traffic(), service.id(), TrafficStats.PACKETS);
            servicesSeen += packets > 0 ? 1 : 0;
            for (int stat = 0; stat < TrafficStats.SERVICE_STRIDE; stat++)
            {
                final long tagBytes = stat == TrafficStats.BYTES ? VLAN_TAG_LENGTH * packets : 0;
                assertEquals(TrafficStats.service(general.traffic(), service.id(), stat),
                    TrafficStats.service(fast.traffic(), service.id(), stat) + tagBytes, service + " stat " + stat);
            }
            for (int b = 0; b < service.backendCount(); b++)
            {
                final int id = service.backend(b).id();
                final long backendPackets = TrafficStats.backend(fast.traffic(), id, TrafficStats.PACKETS);
                for (int stat = 0; stat < TrafficStats.BACKEND_STRIDE; stat++)
                {
                    final long tagBytes = stat == TrafficStats.BYTES ? VLAN_TAG_LENGTH * backendPackets : 0;
                    assertEquals(TrafficStats.backend(general.traffic(), id, stat),
                        TrafficStats.backend(fast.traffic(), id, stat) + tagBytes, service.backend(b) + " stat " + stat);
                }
            }
        }
        assertTrue(servicesSeen >= 4, "traffic reached " + servicesSeen + " services");
    }

    private static byte[] tagged(final byte[] frame)
    {
        if (frame.length < 12)
        {
            return frame;
        }
        final byte[] out = new byte[frame.length + VLAN_TAG_LENGTH];
        System.arraycopy(frame, 0, out, 0, 12);
        out[12] = (byte)0x81;
        out[15] = (byte)VLAN;
        System.arraycopy(frame, 12, out, 16, frame.length - 12);
        return out;
    }

    private static byte[] untagged(final byte[] output)
    {
        if (output.length < 16 || (output[12] & 0xFF) != 0x81 || output[13] != 0 || output[14] != 0 || output[15] != VLAN)
        {
            return output;
        }
        final byte[] out = new byte[output.length - VLAN_TAG_LENGTH];
        System.arraycopy(output, 0, out, 0, 12);
        System.arraycopy(output, 16, out, 12, out.length - 12);
        return out;
    }

    private static List<ServiceSpec> extraServices(final boolean alternative)
    {
        final List<ServiceSpec> specs = new ArrayList<>();
        specs.add(new ServiceSpec(
            IpAddress.parse(VIP_4IN6), 80, 6, ForwardingMode.GUE,
            List.of(new ServiceSpec.BackendSpec(IpAddress.parse(PipelineHarness.BACKEND6_IPIP), 1)),
            MaglevTable.DEFAULT_SIZE, PipelineHarness.TCP_TIMEOUT_NS, PipelineHarness.UDP_TIMEOUT_NS));
        final List<ServiceSpec.BackendSpec> backends = new ArrayList<>();
        backends.add(new ServiceSpec.BackendSpec(IpAddress.parse("10.1.0.41"), 1));
        backends.add(new ServiceSpec.BackendSpec(IpAddress.parse(alternative ? "10.1.0.43" : "10.1.0.42"), 2));
        specs.add(new ServiceSpec(
            IpAddress.parse(VIP_4IN6), 8080, 17, ForwardingMode.GUE, backends,
            MaglevTable.DEFAULT_SIZE, PipelineHarness.TCP_TIMEOUT_NS, PipelineHarness.UDP_TIMEOUT_NS));
        return specs;
    }

    private static byte[] frame(final Random random)
    {
        final String client = CLIENTS[random.nextInt(CLIENTS.length)];
        final String destination = DESTINATIONS[random.nextInt(DESTINATIONS.length)];
        final boolean udpFrame = random.nextInt(4) == 0;
        final int clientPort = 40000 + random.nextInt(6);
        final int vipPort = udpFrame ? (random.nextBoolean() ? 53 : 8080) : (random.nextInt(10) == 0 ? 81 : 80);
        final int payloadLength = random.nextInt(8) == 0 ? 1400 + random.nextInt(100) : random.nextInt(64);
        final byte[] payload = new byte[payloadLength];
        random.nextBytes(payload);
        final byte[] segment = udpFrame ?
            udp(client, destination, clientPort, vipPort, payload) :
            tcp(client, destination, clientPort, vipPort, TCP_FLAGS[random.nextInt(TCP_FLAGS.length)], payload);
        final int ttl = switch (random.nextInt(12))
        {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> 2;
            default -> 64;
        };
        final int fragment = switch (random.nextInt(20))
        {
            case 0 -> 0x2000;
            case 1 -> 0x0010;
            case 2, 3, 4, 5, 6, 7 -> 0;
            default -> 0x4000;
        };
        final int protocol = udpFrame ? 17 : 6;
        final byte[] packet = random.nextInt(20) == 0 ?
            ipv4WithOptions(client, destination, protocol, ttl, random.nextInt(256), fragment, 7, new byte[] {1, 1, 1, 0}, segment) :
            ipv4(client, destination, protocol, ttl, random.nextInt(256), fragment, 7, segment);
        final String dstMac = random.nextInt(30) == 0 ? "02:00:00:00:00:99" : LB_MAC;
        byte[] frame = ethernet(dstMac, CLIENT_MAC, 0x0800, packet);
        switch (random.nextInt(10))
        {
            case 0 -> frame = Arrays.copyOf(frame, frame.length + 1 + random.nextInt(20));
            case 1 -> frame = Arrays.copyOf(frame, Math.max(14, frame.length - 1 - random.nextInt(30)));
            default ->
            {
            }
        }
        return frame;
    }

    private static byte[] mutate(final byte[] input, final Random random)
    {
        final byte[] frame = input.clone();
        int at = random.nextInt(Math.min(frame.length, 60));
        if (at == 12 || at == 13)
        {
            at += 2;
        }
        frame[at] = (byte)random.nextInt(256);
        return frame;
    }
}
