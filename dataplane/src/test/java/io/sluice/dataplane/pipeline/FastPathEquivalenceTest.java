package io.sluice.dataplane.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.packet.TcpFlyweight;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
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

/**
 * The pipeline's fast path (IPv4 TCP/UDP to a DSR, IPIP or GUE VIP, taken in a few wide loads and
 * stores) against its general path on the same frames: two pipelines with the same services, one
 * with the fast path turned off, get every frame, and must give the same verdict and the same
 * bytes out for each, and the same worker counters, flow table and per-service and per-backend
 * traffic counters at the end. The frames are built around the fast path's edges (TTL 0 to 2,
 * fragments, IP options, too big for the MTU, padded and truncated, FIN and RST, a VIP with an
 * IPv6 backend, a wrong MAC) and mutated at random, with flows that repeat so that hits, new flows
 * and backend changes after a reconfiguration all occur. Seeded, so a failure names its round.
 */
class FastPathEquivalenceTest
{
    private static final long SEED = 0xFA57_9A7BL;
    private static final int ROUNDS = 60_000;
    private static final String VIP_4IN6 = "192.0.2.50";

    private static final String[] CLIENTS = {"198.51.100.7", "198.51.100.8", "203.0.113.9", "100.64.1.2"};
    private static final String[] DESTINATIONS = {
        PipelineHarness.VIP_DSR, PipelineHarness.VIP_IPIP, PipelineHarness.VIP_GUE, PipelineHarness.VIP_UNRESOLVED,
        VIP_4IN6, "192.0.2.99", PipelineHarness.LB_IP};
    private static final int[] TCP_FLAGS = {
        TcpFlyweight.FLAG_SYN, TcpFlyweight.FLAG_ACK, TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_FIN,
        TcpFlyweight.FLAG_RST, TcpFlyweight.FLAG_ACK};

    @Test
    void shouldGiveTheSameVerdictsBytesAndCountersWithAndWithoutTheFastPath()
    {
        final Random random = new Random(SEED);
        try (PipelineHarness fast = new PipelineHarness(extraServices(false));
            PipelineHarness general = new PipelineHarness(extraServices(false)))
        {
            general.processor().useFastPath(false);
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
                final PipelineHarness.Result expected = general.run(frame);
                final PipelineHarness.Result actual = fast.run(frame);
                if (expected.verdict() != actual.verdict() || !java.util.Arrays.equals(expected.output(), actual.output()))
                {
                    fail("round " + round + " (seed " + SEED + "): frame " + Frames.hex(frame) +
                        "\n general " + Verdict.name(expected.verdict()) + " " + Frames.hex(expected.output()) +
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

            for (int i = 0; i < WorkerCounter.count(); i++)
            {
                final WorkerCounter counter = WorkerCounter.of(i);
                assertEquals(general.counters().get(counter), fast.counters().get(counter), counter.label());
            }
            for (int i = 0; i < DropReason.count(); i++)
            {
                final DropReason reason = DropReason.of(i);
                assertEquals(general.counters().get(reason), fast.counters().get(reason), "drop " + reason.label());
            }
            assertEquals(general.flows().size(), fast.flows().size(), "flows in the table");
            assertEquals(-1L, general.traffic().mismatch(fast.traffic()), "traffic counters differ at this byte");
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
        final int payloadLength = random.nextInt(6) == 0 ? 1400 + random.nextInt(100) : random.nextInt(64);
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
            case 0 -> frame = java.util.Arrays.copyOf(frame, frame.length + 1 + random.nextInt(20));
            case 1 -> frame = java.util.Arrays.copyOf(frame, Math.max(0, frame.length - 1 - random.nextInt(30)));
            default ->
            {
            }
        }
        return frame;
    }

    private static byte[] mutate(final byte[] input, final Random random)
    {
        final byte[] frame = input.clone();
        if (frame.length > 0)
        {
            final int at = random.nextInt(Math.min(frame.length, 60));
            frame[at] = (byte)random.nextInt(256);
        }
        return frame;
    }
}
