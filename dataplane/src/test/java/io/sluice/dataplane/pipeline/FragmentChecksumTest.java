package io.sluice.dataplane.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dataplane.stats.Verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The fragments the pipeline sends for every NAT {@code l3} fixture, read by tcpdump as an outside
 * decoder: every IPv4 header checksum of the fragments is correct, and each datagram put back
 * together from its two translated fragments (here, by the test) has a correct TCP or UDP
 * checksum: the first fragment's incremental update covers the whole datagram.
 */
class FragmentChecksumTest
{
    private static final int ETHERNET = 14;

    @TempDir
    Path directory;

    @Test
    void shouldLeaveEveryChecksumCorrectPerTcpdumpWhenTranslatingFragments() throws Exception
    {
        final List<byte[]> fragments = new ArrayList<>();
        try (PipelineHarness harness = FragmentFixtures.harness())
        {
            for (final PacketFixture fixture : FragmentFixtures.fixtures())
            {
                if (fixture.description().startsWith("NAT l3"))
                {
                    final PipelineHarness.Result result = harness.run(fixture.input());
                    assertEquals(Verdict.FORWARD, result.verdict(), fixture.description());
                    fragments.add(result.output());
                }
            }
        }
        final List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < fragments.size(); i += 2)
        {
            datagrams.add(reassemble(fragments.get(i), fragments.get(i + 1)));
        }

        final String fragmentText = tcpdump("fragments.pcap", fragments);
        assertFalse(fragmentText.contains("incorrect") || fragmentText.contains("bad"), "a bad checksum:\n" + fragmentText);
        final String text = tcpdump("datagrams.pcap", datagrams);
        assertFalse(text.contains("incorrect") || text.contains("bad"), "a bad checksum:\n" + text);
        final int tcp = Tcpdump.count(text, " Flags \\[");
        assertEquals(2, tcp, "one TCP datagram each way:\n" + text);
        assertEquals(tcp, Tcpdump.count(text, "cksum 0x[0-9a-f]+ \\(correct\\)"), "every TCP checksum verified:\n" + text);
        assertEquals(datagrams.size() - tcp, Tcpdump.count(text, "\\[udp sum ok\\]"), "every UDP checksum verified:\n" + text);
    }

    /** The datagram of a first and a later fragment (of {@link FragmentFixtures#fragments}), as one frame. */
    private static byte[] reassemble(final byte[] first, final byte[] later)
    {
        if ((first[ETHERNET] >>> 4) == 4)
        {
            final int firstLength = u16(first, ETHERNET + 2);
            final int laterLength = u16(later, ETHERNET + 2);
            final byte[] frame = Frames.concat(Arrays.copyOf(first, ETHERNET + firstLength),
                Arrays.copyOfRange(later, ETHERNET + 20, ETHERNET + laterLength));
            putU16(frame, ETHERNET + 2, frame.length - ETHERNET);
            putU16(frame, ETHERNET + 6, 0);
            putU16(frame, ETHERNET + 10, 0);
            putU16(frame, ETHERNET + 10, Frames.checksum(frame, ETHERNET, 20, 0));
            return frame;
        }
        final int headers = ETHERNET + 40 + 8;
        final byte[] frame = Frames.concat(Arrays.copyOf(first, ETHERNET + 40),
            Arrays.copyOfRange(first, headers, ETHERNET + 40 + u16(first, ETHERNET + 4)),
            Arrays.copyOfRange(later, headers, ETHERNET + 40 + u16(later, ETHERNET + 4)));
        frame[ETHERNET + 6] = first[ETHERNET + 40];
        putU16(frame, ETHERNET + 4, frame.length - ETHERNET - 40);
        return frame;
    }

    private String tcpdump(final String name, final List<byte[]> frames) throws Exception
    {
        return Tcpdump.read(directory.resolve(name), frames);
    }

    private static int u16(final byte[] bytes, final int at)
    {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private static void putU16(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte)(value >>> 8);
        bytes[at + 1] = (byte)value;
    }
}
