package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.sluice.dpdk.DpdkTestSupport.contents;
import static io.sluice.dpdk.DpdkTestSupport.frame;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File in, file out through DPDK's net_pcap driver, the way golden tests drive the dataplane.
 */
@Tag("dpdk")
class PcapPortTest
{
    private static final int[] FRAME_LENGTHS = {60, 64, 128, 512, 1000, 1514, 90};
    private static final int MAX_EMPTY_POLLS = 1000;

    @TempDir
    Path directory;

    @Test
    void shouldReplayEveryFrameWhenReadingAndWritingPcapFiles() throws Exception
    {
        final List<byte[]> frames = new ArrayList<>();
        long totalBytes = 0;
        for (int i = 0; i < FRAME_LENGTHS.length; i++)
        {
            frames.add(frame(i, FRAME_LENGTHS[i]));
            totalBytes += FRAME_LENGTHS[i];
        }
        final Path in = directory.resolve("in.pcap");
        final Path out = directory.resolve("out.pcap");
        PcapFile.write(in, frames);

        try (MbufPool pool = DpdkTestSupport.newPool(255); Arena arena = Arena.ofConfined())
        {
            final MemorySegment burst = arena.allocate(JAVA_LONG, 32);
            final Port port = Port.open(
                "net_pcap0,rx_pcap=" + in + ",tx_pcap=" + out, new PortConfig(1, 1, 64, 64, false), pool);
            final int received = receiveAll(port, burst, frames.size());

            assertEquals(frames.size(), received);
            final Mbuf mbuf = new Mbuf();
            for (int i = 0; i < received; i++)
            {
                assertArrayEquals(frames.get(i), contents(mbuf.wrap(burst.getAtIndex(JAVA_LONG, i))), "frame " + i);
            }
            assertEquals(0, port.rxBurst(0, burst, 32));

            assertEquals(received, port.txBurst(0, burst, received));
            final PortStats stats = port.stats(null);
            assertEquals(frames.size(), stats.rxPackets());
            assertEquals(totalBytes, stats.rxBytes());
            assertEquals(frames.size(), stats.txPackets());
            assertEquals(totalBytes, stats.txBytes());
            assertEquals(0, stats.rxNoMbuf());
            port.close();

            assertEquals(0, pool.inUseCount());
        }

        final List<byte[]> written = PcapFile.read(out);
        assertEquals(frames.size(), written.size());
        for (int i = 0; i < frames.size(); i++)
        {
            assertArrayEquals(frames.get(i), written.get(i), "written frame " + i);
        }
    }

    @Test
    void shouldClampQueuesAndSayWhyWhenDeviceHasFewer() throws Exception
    {
        final Path in = directory.resolve("empty.pcap");
        PcapFile.write(in, List.of());

        try (MbufPool pool = DpdkTestSupport.newPool(255);
            Port port = Port.open("net_pcap1,rx_pcap=" + in + ",tx_pcap=" + directory.resolve("empty-out.pcap"), new PortConfig(4, 1, 64, 64, true), pool))
        {
            assertEquals(1, port.config().rxQueues());
            assertEquals(0L, port.rssHashFunctions());
            assertTrue(port.adjustments().contains("rxQueues 4 -> 1 (device maximum 1)"), port.adjustments().toString());
        }
    }

    @Test
    void shouldReportPcapDriverMacWhenAsked() throws Exception
    {
        final Path in = directory.resolve("mac.pcap");
        PcapFile.write(in, List.of());

        try (MbufPool pool = DpdkTestSupport.newPool(255);
            Port port = Port.open("net_pcap2,rx_pcap=" + in + ",tx_pcap=" + directory.resolve("mac-out.pcap"),
                new PortConfig(1, 1, 64, 64, false), pool))
        {
            final byte[] mac = port.macAddress().bytes();

            assertArrayEquals(new byte[] {0x02, 'p', 'c', 'a', 'p'}, java.util.Arrays.copyOf(mac, 5));
        }
    }

    private static int receiveAll(final Port port, final MemorySegment burst, final int expected)
    {
        int received = 0;
        int emptyPolls = 0;
        while (received < expected && emptyPolls < MAX_EMPTY_POLLS)
        {
            final int count = port.rxBurst(
                0, burst.asSlice((long)received * Long.BYTES), (int)(burst.byteSize() / Long.BYTES) - received);
            received += count;
            emptyPolls = count == 0 ? emptyPolls + 1 : 0;
        }
        return received;
    }
}
