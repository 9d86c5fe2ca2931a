package io.sluice.lab;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.sluice.controlplane.api.v1.FlowTableState;
import io.sluice.controlplane.api.v1.GetHaStateRequest;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.LookupFlowRequest;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dpdk.PcapFile;
import io.sluice.sync.codec.FlowOp;
import io.sluice.sync.transport.SyncTransport;
import io.sluice.sync.transport.SyncTransportConfig;
import io.sluice.sync.wire.SyncKey;
import io.sluice.sync.wire.SyncMessageWriter;

import static io.sluice.lab.LabTopology.BACKENDS;
import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.LB2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A third host on the sync network ({@code sl-rogue}, 198.18.0.3) attacks lb2's sync channel
 * while lb1 and lb2 replicate: it publishes, through its own Aeron driver in its own namespace,
 * a flow batch signed with a wrong key (naming the VIP and a backend lb2 has), bytes that are no
 * sync message, and a hello of lb1's captured off the sync bridge (tcpdump on lb2's bridge port)
 * and sent again: lb2 counts them as {@code bad-mac}, a refusal of the malformed bytes and
 * {@code replayed} (its API's HA state), its flow table does not hold the forged flows, and the
 * real replication from lb1 goes on.
 */
@Tag("lab")
@Tag("dpdk")
@ExtendWith(SharedLab.class)
class LabSyncRogueTest
{
    private static final String VIP = "192.0.2.10";
    private static final int SYNC_PORT = 7311;
    private static final String ROGUE_NAMESPACE = "sl-rogue";
    private static final String ROGUE_ADDRESS = "198.18.0.3";
    private static final String LB2_BRIDGE_PORT = "sl-bs-lb2";
    /** Few enough for one Aeron frame: a longer message is dropped as too-long before its MAC is checked. */
    private static final int FORGED_FLOWS = 10;
    private static final int FORGED_FIRST_PORT = 50_000;
    private static final int AERON_HEADER = 32;
    private static final int AERON_DATA = 1;
    private static final int UNFRAGMENTED = 0xC0;
    private static final int HELLO_TEMPLATE = 2;
    private static final int ETHERNET_HEADER = 14;
    private static final int UDP_HEADER = 8;
    private static final int CAPTURE_ATTEMPTS = 5;

    private final LabScript lab = LabScript.locate();
    private final LabDaemons daemons = new LabDaemons(lab, "LabSyncRogueTest");

    @AfterEach
    void stopEverything() throws Exception
    {
        daemons.stopAll();
    }

    @Test
    void shouldCountAndIgnoreForgedMalformedAndReplayedSyncMessagesFromAThirdHost() throws Exception
    {
        final Path key = LbConfig.Sync.writeKey(lab.runDirectory().resolve("rogue-sync.key"));
        start(LB1, key, LB2);
        start(LB2, key, LB1);
        final byte[] capturedHello = captureHelloFromLb1();
        final Map<String, Long> before = verdicts();

        final SyncKey wrongKey = SyncKey.of(new byte[32]);
        NetworkNamespace.call(ROGUE_NAMESPACE, () ->
        {
            publishFromRogue(List.of(forgedBatch(wrongKey), "no sync message at all".getBytes(), capturedHello));
            return null;
        });

        final Map<String, Long> after = awaitVerdicts(before);
        System.out.println("LabSyncRogueTest: lb2's verdicts on messages from sl-rogue (after - before): bad-mac " +
            delta(before, after, "bad-mac") + ", replayed " + delta(before, after, "replayed") + ", malformed or truncated " +
            refused(before, after) +
            ", accepted " + delta(before, after, "accepted") + " (lb1's own hellos and batches meanwhile); all " + after);
        assertTrue(delta(before, after, "bad-mac") >= 1, "the wrong-key batch is counted bad-mac: " + after);
        assertTrue(delta(before, after, "replayed") >= 1, "the captured hello sent again is counted replayed: " + after);
        assertTrue(refused(before, after) >= 1,
            "the bytes that are no message are refused: " + after);
        assertTrue(delta(before, after, "accepted") >= 1, "lb1's real messages are still accepted: " + after);
        assertFalse(anyForgedFlowOnLb2(), "no forged flow is in lb2's flow table");
    }

    /**
     * Records lb1's sync datagrams on lb2's bridge port, 2 s at a time once tcpdump is listening, until
     * one window holds an unfragmented hello (a hello can wait behind a batch the peer held back): its bytes.
     */
    private byte[] captureHelloFromLb1() throws Exception
    {
        for (int attempt = 1; attempt < CAPTURE_ATTEMPTS; attempt++)
        {
            final byte[] hello = captureOnce();
            if (hello != null)
            {
                return hello;
            }
        }
        final byte[] hello = captureOnce();
        if (hello == null)
        {
            throw new AssertionError("no hello of lb1's in " + CAPTURE_ATTEMPTS + " captures of 2 s on " + LB2_BRIDGE_PORT);
        }
        return hello;
    }

    private byte[] captureOnce() throws Exception
    {
        final Path pcap = lab.runDirectory().resolve("rogue-capture.pcap");
        final Path output = lab.runDirectory().resolve("rogue-capture.out");
        Files.deleteIfExists(pcap);
        final Process tcpdump = new ProcessBuilder(Commands.namespaced("sl-lan", "tcpdump", "-i", LB2_BRIDGE_PORT, "-U", "-n",
            "-w", pcap.toString(), "udp and src host " + LB1.syncIpv4() + " and dst port " + SYNC_PORT))
            .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try
        {
            final Poll.Outcome<String> listening = Poll.until(Duration.ofSeconds(10), () -> Files.readString(output),
                text -> text.contains("listening on " + LB2_BRIDGE_PORT));
            assertTrue(listening.met(), "tcpdump did not start: " + listening.describe());
            Thread.sleep(2_000);
        }
        finally
        {
            tcpdump.destroy();
            tcpdump.waitFor(5, TimeUnit.SECONDS);
        }
        for (final byte[] frame : PcapFile.read(pcap))
        {
            final byte[] hello = helloIn(frame);
            if (hello != null)
            {
                return hello;
            }
        }
        return null;
    }

    /** The message of the first unfragmented Aeron data frame carrying a hello in an Ethernet / IPv4 / UDP frame, or null. */
    private static byte[] helloIn(final byte[] frame)
    {
        final int udp = ETHERNET_HEADER + (frame[ETHERNET_HEADER] & 0x0F) * 4;
        if (frame.length <= udp + UDP_HEADER || frame[ETHERNET_HEADER + 9] != 17)
        {
            return null;
        }
        final ByteBuffer frames = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        int offset = udp + UDP_HEADER;
        while (offset + AERON_HEADER <= frame.length)
        {
            final int frameLength = frames.getInt(offset);
            if (frameLength <= 0)
            {
                return null;
            }
            final int flags = frames.get(offset + 5) & 0xFF;
            final int type = frames.getShort(offset + 6) & 0xFFFF;
            final int messageLength = frameLength - AERON_HEADER;
            if (type == AERON_DATA && flags == UNFRAGMENTED && messageLength > 8 && offset + frameLength <= frame.length &&
                (frames.getShort(offset + AERON_HEADER + 2) & 0xFFFF) == HELLO_TEMPLATE)
            {
                final byte[] message = new byte[messageLength];
                System.arraycopy(frame, offset + AERON_HEADER, message, 0, messageLength);
                return message;
            }
            offset += (frameLength + 31) & ~31;
        }
        return null;
    }

    /** A batch of flows to the VIP through be1, as lb1 would send it, but signed with another key. */
    private static byte[] forgedBatch(final SyncKey wrongKey)
    {
        final SyncMessageWriter writer = new SyncMessageWriter(wrongKey);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[writer.maxMessageLength()]);
        writer.begin(buffer, 0, 1, System.currentTimeMillis(), 1, System.currentTimeMillis() * 1_000_000L);
        final IpAddress vip = IpAddress.parse(VIP);
        final IpAddress backend = IpAddress.parse(BACKENDS.getFirst().ipv4());
        for (int i = 0; i < FORGED_FLOWS; i++)
        {
            final FlowRecord record = new FlowRecord();
            record.key().setIpv4(IpAddress.parse(LabTopology.CLIENT_IPV4).ipv4(), vip.ipv4(), FORGED_FIRST_PORT + i,
                LbConfig.VIP_PORT, 6);
            writer.add(FlowOp.NEW, record.service(vip.hi(), vip.lo(), LbConfig.VIP_PORT, 6).backend(backend.hi(), backend.lo(),
                LbConfig.VIP_PORT).idleTimeoutNs(TimeUnit.SECONDS.toNanos(300)).createdNs(System.nanoTime()));
        }
        final int length = writer.finish();
        final byte[] message = new byte[length];
        buffer.getBytes(0, message);
        return message;
    }

    /** Publishes each message to lb2 from an Aeron driver of the calling thread (in sl-rogue), once the stream is up. */
    private static void publishFromRogue(final List<byte[]> messages) throws Exception
    {
        final String directory = LabDaemons.AERON_DIRECTORY_PREFIX + "rogue";
        final SyncTransportConfig config = new SyncTransportConfig(directory, ROGUE_ADDRESS + ":" + SYNC_PORT,
            List.of(LB2.syncIpv4() + ":" + SYNC_PORT), null, SyncTransportConfig.DEFAULT_STREAM_ID, SyncTransportConfig.MIN_TERM_LENGTH);
        try (SyncTransport transport = new SyncTransport(config, (session, source, up) -> { }))
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int next = 0;
            while (next < messages.size() && System.nanoTime() < deadlineNs)
            {
                transport.doWork();
                final byte[] message = messages.get(next);
                if (transport.offer(new UnsafeBuffer(message), 0, message.length) > 0)
                {
                    next++;
                }
                Thread.sleep(1);
            }
            assertEquals(messages.size(), next, "the rogue's stream to lb2 came up and took every message");
            final long lingerNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() < lingerNs)
            {
                transport.doWork();
                Thread.sleep(1);
            }
        }
        finally
        {
            LabDaemons.deleteTree(Path.of(directory));
        }
    }

    private Map<String, Long> awaitVerdicts(final Map<String, Long> before) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, Long> now = verdicts();
        while ((delta(before, now, "bad-mac") < 1 || delta(before, now, "replayed") < 1 || refused(before, now) < 1 ||
            delta(before, now, "accepted") < 1) && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(200);
            now = verdicts();
        }
        return now;
    }

    /** Messages refused as no message at all: truncated, of an unknown schema, or malformed. */
    private static long refused(final Map<String, Long> before, final Map<String, Long> after)
    {
        return delta(before, after, "truncated") + delta(before, after, "unknown-schema") + delta(before, after, "malformed");
    }

    private static long delta(final Map<String, Long> before, final Map<String, Long> after, final String verdict)
    {
        return after.getOrDefault(verdict, 0L) - before.getOrDefault(verdict, 0L);
    }

    private Map<String, Long> verdicts() throws Exception
    {
        final ManagedChannel channel = Grpc.newChannelBuilder("unix://" + daemons.socket(LB2), InsecureChannelCredentials.create()).build();
        try
        {
            return LoadBalancerGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .getHaState(GetHaStateRequest.getDefaultInstance()).getSync().getMessagesReceivedMap();
        }
        finally
        {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private boolean anyForgedFlowOnLb2() throws Exception
    {
        final ManagedChannel channel = Grpc.newChannelBuilder("unix://" + daemons.socket(LB2), InsecureChannelCredentials.create()).build();
        try
        {
            for (int i = 0; i < FORGED_FLOWS; i++)
            {
                final FlowTableState state = LoadBalancerGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .lookupFlow(LookupFlowRequest.newBuilder().setClientAddress(LabTopology.CLIENT_IPV4)
                        .setClientPort(FORGED_FIRST_PORT + i).setVip(VIP).setVipPort(LbConfig.VIP_PORT).build()).getFlowTable();
                if (state == FlowTableState.FLOW_TABLE_STATE_FOUND)
                {
                    return true;
                }
            }
            return false;
        }
        finally
        {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private void start(final LabLbHost host, final Path key, final LabLbHost peer) throws Exception
    {
        final List<LbConfig.Backend> backends = new ArrayList<>();
        for (final LabBackend backend : BACKENDS)
        {
            backends.add(new LbConfig.Backend(backend, backend.ipv4(), 1));
        }
        final LbConfig config = LbConfig.of(new LbConfig.Service(VIP, LbConfig.VIP_PORT, "dsr", List.copyOf(backends))).on(host)
            .withWorkerIdle("backoff")
            .withSections(daemons.apiSection(host))
            .withSync(LbConfig.Sync.between(host, key, peer));
        daemons.start(host.name(), config);
    }

}
