package io.sluice.dataplane.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dataplane.stats.Verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The frames the pipeline sends for every NAT fixture, read by tcpdump as an outside decoder: it
 * finds every IPv4 header, TCP and UDP checksum correct (a UDP checksum of 0 over IPv4 means none
 * and is not counted).
 */
class NatChecksumTest
{
    @TempDir
    Path directory;

    @Test
    void shouldLeaveEveryChecksumCorrectPerTcpdumpWhenTranslating() throws Exception
    {
        final List<byte[]> outputs = new ArrayList<>();
        try (PipelineHarness harness = new PipelineHarness())
        {
            for (final PacketFixture fixture : NatFixtures.fixtures())
            {
                final PipelineHarness.Result result = harness.run(fixture.input());
                if (fixture.verdict() == Verdict.FORWARD)
                {
                    assertEquals(Verdict.FORWARD, result.verdict(), fixture.description());
                    outputs.add(result.output());
                }
            }
        }
        final String text = Tcpdump.read(directory.resolve("nat.pcap"), outputs);
        assertFalse(text.contains("incorrect") || text.contains("bad"), "tcpdump found a bad checksum:\n" + text);
        final int tcp = Tcpdump.count(text, " Flags \\[");
        assertEquals(tcp, Tcpdump.count(text, "cksum 0x[0-9a-f]+ \\(correct\\)"), "every TCP checksum verified:\n" + text);
        assertEquals(Tcpdump.count(text, "\\[udp sum ok\\]") + Tcpdump.count(text, "\\[no cksum\\]"), outputs.size() - tcp,
            "every UDP checksum verified, or none sent:\n" + text);
        assertEquals(1, Tcpdump.count(text, "\\[no cksum\\]"), "the one UDP datagram without a checksum kept none:\n" + text);
    }
}
