package io.sluice.dataplane.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sluice.dpdk.PcapFile;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** tcpdump as an outside decoder of frames the pipeline sent: what it prints of them, verbosely. */
final class Tcpdump
{
    private Tcpdump()
    {
    }

    /**
     * Writes the frames to a pcap file and reads it with {@code tcpdump -nn -vv}.
     *
     * @param pcap   where the file goes.
     * @param frames the frames, one per packet.
     * @return what tcpdump printed; it must have exited 0.
     */
    static String read(final Path pcap, final List<byte[]> frames) throws Exception
    {
        PcapFile.write(pcap, frames);
        final Process tcpdump = new ProcessBuilder("tcpdump", "-nn", "-vv", "-r", pcap.toString()).redirectErrorStream(true).start();
        final String text = new String(tcpdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tcpdump.waitFor(), "tcpdump failed: " + text);
        return text;
    }

    /** @return how often a regular expression matches in a text. */
    static int count(final String text, final String regex)
    {
        final Matcher matcher = Pattern.compile(regex).matcher(text);
        int count = 0;
        while (matcher.find())
        {
            count++;
        }
        return count;
    }
}
