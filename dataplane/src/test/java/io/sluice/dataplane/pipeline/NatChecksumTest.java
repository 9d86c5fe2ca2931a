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
 * finds every IPv4 header, TCP, UDP, ICMP and ICMPv6 checksum correct (a UDP checksum of 0 over
 * IPv4 means none and is not counted; tcpdump says "wrong icmp cksum" only when one is wrong).
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
        assertFalse(text.contains("incorrect") || text.contains("bad") || text.contains("wrong"), "tcpdump found a bad checksum:\n" + text);
        int tcp = 0;
        int udp = 0;
        int icmpv6 = 0;
        for (final byte[] frame : outputs)
        {
            final boolean ipv6 = (frame[12] & 0xFF) == 0x86;
            final int protocol = frame[ipv6 ? 20 : 23] & 0xFF;
            tcp += protocol == 6 ? 1 : 0;
            udp += protocol == 17 ? 1 : 0;
            icmpv6 += protocol == 58 ? 1 : 0;
        }
        assertEquals(tcp, Tcpdump.count(text, "cksum 0x[0-9a-f]+ \\(correct\\)"), "every TCP checksum verified:\n" + text);
        assertEquals(udp + 1, Tcpdump.count(text, "\\[udp sum ok\\]") + Tcpdump.count(text, "\\[no cksum\\]"),
            "every UDP checksum verified, or none sent, and the UDP datagram quoted whole by the ICMPv4 error:\n" + text);
        assertEquals(1, Tcpdump.count(text, "\\[no cksum\\]"), "the one UDP datagram without a checksum kept none:\n" + text);
        assertEquals(icmpv6, Tcpdump.count(text, "\\[icmp6 sum ok\\]"), "every ICMPv6 checksum verified:\n" + text);
    }
}
