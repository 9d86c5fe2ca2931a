package io.sluice.dataplane.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sluice.dpdk.PcapFile;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * tcpdump as an outside decoder: frames written to a pcap file and read back with
 * {@code tcpdump -nn -vv -r}, whose text the tests search (checksum verdicts, options).
 */
public final class Tcpdump
{
    private Tcpdump()
    {
    }

    /**
     * Decodes frames.
     *
     * @param directory where the pcap file goes.
     * @param frames    Ethernet frames.
     * @return tcpdump's text, one packet per frame.
     */
    public static String decode(final Path directory, final List<byte[]> frames) throws Exception
    {
        final Path pcap = directory.resolve("frames.pcap");
        PcapFile.write(pcap, frames);
        final Process tcpdump = new ProcessBuilder("tcpdump", "-nn", "-vv", "-r", pcap.toString()).redirectErrorStream(true).start();
        final String text = new String(tcpdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tcpdump.waitFor(), "tcpdump failed: " + text);
        return text;
    }

    /** @return how often a regular expression matches the text. */
    public static int count(final String text, final String regex)
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
