package io.sluice.dataplane.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.ToaWriterTest.hi;
import static io.sluice.dataplane.pipeline.ToaWriterTest.lo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The PROXY v2 header prepended to UDP payloads after the full-NAT rewrite, naming the original
 * client and the VIP: expected frames built from scratch by {@link Frames} (checksums computed in
 * full), and tcpdump as an outside decoder of the outputs.
 */
class ProxyV2WriterTest
{
    private static final String LB_MAC = ToaWriterTest.LB_MAC;
    private static final String BACKEND_MAC = ToaWriterTest.BACKEND_MAC;
    private static final String LADDR = ToaWriterTest.LADDR;
    private static final String BACKEND = ToaWriterTest.BACKEND;
    private static final String CLIENT = ToaWriterTest.CLIENT;
    private static final String LADDR6 = ToaWriterTest.LADDR6;
    private static final String BACKEND6 = ToaWriterTest.BACKEND6;
    private static final String CLIENT6 = ToaWriterTest.CLIENT6;
    private static final String VIP = "192.0.2.70";
    private static final String VIP6 = "2001:db8:100::70";
    private static final int LPORT = ToaWriterTest.LPORT;
    private static final int BPORT = 7777;
    private static final int CPORT = 40001;
    private static final int VPORT = 53;
    private static final int MTU = ToaWriterTest.MTU;
    private static final byte[] QUERY = "query".getBytes();

    @TempDir
    Path directory;

    private final ProxyV2Writer writer = new ProxyV2Writer();

    record Case(String description, byte[] input, int headroom, int result, byte[] expected)
    {
        boolean ipv6()
        {
            return (input[12] & 0xFF) == 0x86;
        }
    }

    private static byte[] datagram4(final byte[] udp)
    {
        return ethernet(BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(LADDR, BACKEND, UDP, 63, 0, 0, 3, udp));
    }

    private static byte[] datagram6(final byte[] udp)
    {
        return ethernet(BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(LADDR6, BACKEND6, UDP, 63, 0, 0, udp));
    }

    private static byte[] header4()
    {
        return proxyV2Udp(CLIENT, CPORT, VIP, VPORT);
    }

    private static byte[] header6()
    {
        return proxyV2Udp(CLIENT6, CPORT, VIP6, VPORT);
    }

    static List<Case> prepended()
    {
        final List<Case> cases = new ArrayList<>();
        cases.add(new Case("IPv4, checksum updated; the input padded to 60 bytes, the padding cut",
            padded(datagram4(udp(LADDR, BACKEND, LPORT, BPORT, QUERY))), 128, ProxyV2Writer.PREPENDED,
            datagram4(udp(LADDR, BACKEND, LPORT, BPORT, concat(header4(), QUERY)))));
        cases.add(new Case("IPv4 without a checksum: it stays 0",
            padded(datagram4(udpNoChecksum(LPORT, BPORT, QUERY))), 128, ProxyV2Writer.PREPENDED,
            datagram4(udpNoChecksum(LPORT, BPORT, concat(header4(), QUERY)))));
        cases.add(new Case("IPv4 with a VLAN tag, exactly 28 bytes of headroom, exactly the MTU afterwards",
            ethernetVlan(BACKEND_MAC, LB_MAC, 100, ETHERTYPE_IPV4,
                ipv4(LADDR, BACKEND, UDP, 63, 0, 0, 3, udp(LADDR, BACKEND, LPORT, BPORT, new byte[MTU - 28 - 28]))), 28, ProxyV2Writer.PREPENDED,
            ethernetVlan(BACKEND_MAC, LB_MAC, 100, ETHERTYPE_IPV4,
                ipv4(LADDR, BACKEND, UDP, 63, 0, 0, 3, udp(LADDR, BACKEND, LPORT, BPORT, concat(header4(), new byte[MTU - 28 - 28]))))));
        cases.add(zeroSum());
        cases.add(new Case("IPv6, checksum updated",
            datagram6(udp(LADDR6, BACKEND6, LPORT, BPORT, QUERY)), 128, ProxyV2Writer.PREPENDED,
            datagram6(udp(LADDR6, BACKEND6, LPORT, BPORT, concat(header6(), QUERY)))));
        cases.add(new Case("IPv6 with checksum 0 (invalid over IPv6): computed in full",
            datagram6(udpNoChecksum(LPORT, BPORT, QUERY)), 128, ProxyV2Writer.PREPENDED,
            datagram6(udp(LADDR6, BACKEND6, LPORT, BPORT, concat(header6(), QUERY)))));
        cases.add(new Case("IPv6, exactly 52 bytes of headroom, exactly the MTU afterwards",
            datagram6(udp(LADDR6, BACKEND6, LPORT, BPORT, new byte[MTU - 48 - 52])), 52, ProxyV2Writer.PREPENDED,
            datagram6(udp(LADDR6, BACKEND6, LPORT, BPORT, concat(header6(), new byte[MTU - 48 - 52])))));
        return cases;
    }

    /** IPv4 whose updated checksum comes to 0: written as 0xffff (RFC 768). */
    private static Case zeroSum()
    {
        final byte[] withZero = udp(LADDR, BACKEND, LPORT, BPORT, concat(header4(), new byte[2]));
        final byte[] filler = {withZero[6], withZero[7]};
        final byte[] expected = datagram4(udp(LADDR, BACKEND, LPORT, BPORT, concat(header4(), filler)));
        assertEquals(0xFFFF, ((expected[14 + 20 + 6] & 0xFF) << 8) | (expected[14 + 20 + 7] & 0xFF), "the fixture sums to 0");
        return new Case("IPv4 whose new checksum sums to 0: written as 0xffff",
            padded(datagram4(udp(LADDR, BACKEND, LPORT, BPORT, filler))), 128, ProxyV2Writer.PREPENDED, expected);
    }

    static List<Case> refused()
    {
        final List<Case> cases = new ArrayList<>();
        cases.add(new Case("IPv4 with 27 bytes of headroom",
            padded(datagram4(udp(LADDR, BACKEND, LPORT, BPORT, QUERY))), 27, ProxyV2Writer.NO_HEADROOM, null));
        cases.add(new Case("IPv6 with 51 bytes of headroom",
            datagram6(udp(LADDR6, BACKEND6, LPORT, BPORT, QUERY)), 51, ProxyV2Writer.NO_HEADROOM, null));
        cases.add(new Case("IPv4 one byte over the MTU afterwards",
            datagram4(udp(LADDR, BACKEND, LPORT, BPORT, new byte[MTU - 28 - 27])), 128, ProxyV2Writer.OVER_MTU, null));
        cases.add(new Case("IPv6 one byte over the MTU afterwards",
            datagram6(udp(LADDR6, BACKEND6, LPORT, BPORT, new byte[MTU - 48 - 51])), 128, ProxyV2Writer.OVER_MTU, null));
        cases.add(new Case("TCP: not a UDP datagram",
            datagram4Tcp(), 128, ProxyV2Writer.NOT_APPLICABLE, null));
        return cases;
    }

    private static byte[] datagram4Tcp()
    {
        return ethernet(BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(LADDR, BACKEND, TCP, 63, 0, 0, 3, tcp(LADDR, BACKEND, LPORT, 80, TCP_ACK, QUERY)));
    }

    @Test
    void shouldPrependTheHeaderAndKeepTheContextTrueWhenThereIsRoom()
    {
        try (ParsedFrame frame = new ParsedFrame())
        {
            for (final Case c : prepended())
            {
                assertEquals(c.result(), prepend(frame, c), c.description());
                assertEquals(hex(c.expected()), hex(frame.frame()), c.description());
                assertEquals(c.headroom() - (c.ipv6() ? 52 : 28), frame.packet.headroom(), c.description());
                frame.assertContextDescribesFrame(c.description());
            }
        }
    }

    @Test
    void shouldLeaveThePacketUntouchedWhenRefused()
    {
        try (ParsedFrame frame = new ParsedFrame())
        {
            for (final Case c : refused())
            {
                frame.assertRefused(c.input(), c.headroom(), c.result(), () -> write(frame, c), c.description());
            }
        }
    }

    @Test
    void shouldShowCorrectChecksumsToTcpdumpWhenPrepended() throws Exception
    {
        final List<byte[]> outputs = new ArrayList<>();
        try (ParsedFrame frame = new ParsedFrame())
        {
            for (final Case c : prepended())
            {
                prepend(frame, c);
                outputs.add(frame.frame());
            }
        }
        final String text = Tcpdump.read(directory.resolve("out.pcap"), outputs);
        assertFalse(text.contains("incorrect") || text.contains("bad"), "tcpdump found a bad checksum:\n" + text);
        assertEquals(outputs.size() - 1, Tcpdump.count(text, "\\[udp sum ok\\]"), "every UDP checksum verified:\n" + text);
        assertEquals(1, Tcpdump.count(text, "\\[no cksum\\]"), "the IPv4 datagram without a checksum kept none:\n" + text);
        assertEquals(outputs.size(), Tcpdump.count(text, "UDP, length \\d+"), "every datagram decoded:\n" + text);
    }

    @Test
    void shouldNotAllocateWhenPrepending()
    {
        try (ParsedFrame frame = new ParsedFrame())
        {
            final Case c = prepended().getFirst();
            final long clientLo = lo(CLIENT);
            final long vipLo = lo(VIP);
            frame.assertNoAllocation("PROXY v2 headers", c.input(), c.headroom(),
                () -> writer.prepend(frame.ctx, frame.packet, 0, clientLo, CPORT, 0, vipLo, VPORT, MTU));
        }
    }

    private int prepend(final ParsedFrame frame, final Case c)
    {
        frame.load(c.input(), c.headroom());
        return write(frame, c);
    }

    private int write(final ParsedFrame frame, final Case c)
    {
        final String client = c.ipv6() ? CLIENT6 : CLIENT;
        final String vip = c.ipv6() ? VIP6 : VIP;
        return writer.prepend(frame.ctx, frame.packet, hi(client), lo(client), CPORT, hi(vip), lo(vip), VPORT, MTU);
    }
}
