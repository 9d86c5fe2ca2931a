package io.sluice.bench.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The queues' pcap files: one valid frame per flow to the VIP and the LB's MAC, flows distinct within and between queues. */
class ScalingFramesTest
{
    private static final long LB_MAC = 0x02_00_00_00_00_01L;
    private static final long PEER_MAC = 0x02_00_00_00_00_02L;

    @TempDir
    Path dir;

    /** Reads a pcap file without DPDK or libpcap: the frames of its records, after checking the global header. */
    private static List<byte[]> frames(final Path file) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xA1B2C3D4, bytes.getInt(), "magic");
        assertEquals(2, bytes.getShort());
        assertEquals(4, bytes.getShort());
        bytes.position(PcapWriter.GLOBAL_HEADER_LENGTH - 4);
        assertEquals(1, bytes.getInt(), "Ethernet");
        final List<byte[]> frames = new ArrayList<>();
        while (bytes.hasRemaining())
        {
            bytes.position(bytes.position() + 8);
            final int included = bytes.getInt();
            assertEquals(included, bytes.getInt(), "the whole frame is captured");
            final byte[] frame = new byte[included];
            bytes.get(frame);
            frames.add(frame);
        }
        return frames;
    }

    private static long tuple(final byte[] frame)
    {
        final ByteBuffer b = ByteBuffer.wrap(frame);
        return (b.getInt(26) & 0xFFFF_FFFFL) << 16 | b.getShort(34) & 0xFFFF;
    }

    private static int ipv4HeaderSum(final byte[] frame)
    {
        int sum = 0;
        for (int i = 14; i < 34; i += 2)
        {
            sum += (frame[i] & 0xFF) << 8 | frame[i + 1] & 0xFF;
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }

    @Test
    void shouldWriteOneFramePerFlowToTheVipWithFlowsDistinctWithinAndBetweenQueues() throws IOException
    {
        final int flows = 20_000;
        final Set<Long> all = new HashSet<>();
        for (int queue = 0; queue < 2; queue++)
        {
            final Path file = dir.resolve("q" + queue + ".pcap");
            ScalingFrames.write(file, queue, flows, LB_MAC, PEER_MAC);
            final List<byte[]> frames = frames(file);
            assertEquals(flows, frames.size());
            final Set<Long> tuples = new HashSet<>();
            for (final byte[] frame : frames)
            {
                final ByteBuffer b = ByteBuffer.wrap(frame);
                assertEquals(60, frame.length);
                assertEquals(LB_MAC, (b.getLong(0) >>> 16), "destination MAC");
                assertEquals(0x0800, b.getShort(12));
                assertEquals(6, frame[23], "TCP");
                assertEquals(0xC0000214, b.getInt(30), "to 192.0.2.20");
                assertEquals(80, b.getShort(36));
                assertEquals(0x10, frame[47], "ACK");
                assertEquals(0xFFFF, ipv4HeaderSum(frame), "a valid IPv4 header checksum");
                tuples.add(tuple(frame));
            }
            assertEquals(flows, tuples.size(), "every flow of queue " + queue + " distinct");
            all.addAll(tuples);
        }
        assertEquals(2 * flows, all.size(), "no flow on both queues");
    }

    @Test
    void shouldBeReadableByTcpdump() throws Exception
    {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")), "tcpdump is not installed");
        final Path file = dir.resolve("q1.pcap");
        ScalingFrames.write(file, 1, 3, LB_MAC, PEER_MAC);
        final Process tcpdump = new ProcessBuilder("/usr/bin/tcpdump", "-nr", file.toString()).redirectErrorStream(true).start();
        final String output = new String(tcpdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tcpdump.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, tcpdump.exitValue(), output);
        final List<String> packets = output.lines().filter(line -> line.contains(" IP ")).toList();
        assertEquals(3, packets.size(), output);
        assertTrue(packets.get(0).contains("IP 10.4.0.0.1024 > 192.0.2.20.80: Flags [.]"), output);
        assertTrue(packets.get(2).contains("IP 10.4.0.0.1026 > 192.0.2.20.80: Flags [.]"), output);
    }

    @Test
    void shouldRefuseAQueueOrFlowCountNetPcapCannotTake()
    {
        final Path file = dir.resolve("bad.pcap");
        assertThrows(IllegalArgumentException.class, () -> ScalingFrames.write(file, ScalingFrames.MAX_QUEUES, 1, LB_MAC, PEER_MAC));
        assertThrows(IllegalArgumentException.class, () -> ScalingFrames.write(file, 0, 0, LB_MAC, PEER_MAC));
        assertThrows(IllegalArgumentException.class,
            () -> ScalingFrames.write(file, 0, ScalingFrames.MAX_FLOWS_PER_QUEUE + 1, LB_MAC, PEER_MAC));
    }
}
