package io.sluice.dataplane.pipeline;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The TOA option inserted into TCP segments after the full-NAT rewrite (source the LB's address
 * and port, destination the backend), carrying the original client: expected frames built from
 * scratch by {@link Frames} with every checksum computed in full, so they check the writer's
 * moves and incremental updates. tcpdump reads the outputs as an outside decoder: it verifies the
 * checksums, prints kind 200 with all its bytes, and kind 254 as an RFC 6994 experiment, showing
 * only the first two bytes (the client's port) as its ExID.
 */
class ToaWriterTest
{
    static final String LB_MAC = "02:00:00:00:00:01";
    static final String BACKEND_MAC = "02:00:00:00:01:51";
    static final String LADDR = "10.0.0.2";
    static final String BACKEND = "10.0.0.51";
    static final String CLIENT = "198.51.100.7";
    static final String LADDR6 = "2001:db8::2";
    static final String BACKEND6 = "2001:db8::51";
    static final String CLIENT6 = "2001:db8:ff::7";
    static final int LPORT = 61000;
    static final int BPORT = 8080;
    static final int CPORT = 40000;
    static final int MTU = 1500;
    static final int DF = 0x4000;

    /** MSS 1460, SACK permitted, timestamps, NOP, window scale 7: a Linux SYN's 20 bytes. */
    static final byte[] SYN_OPTIONS = concat(
        mssOption(1460), new byte[]{4, 2}, new byte[]{8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0}, new byte[]{1, 3, 3, 7});
    /** NOP, NOP, timestamps: 12 bytes. */
    static final byte[] TS_OPTIONS = new byte[]{1, 1, 8, 10, 0, 0, 0x12, 0x35, 0, 0, 0x56, 0x78};
    /** Timestamps and two SACK blocks: 32 bytes, room for 8 more. */
    static final byte[] TS_SACK2_OPTIONS = concat(TS_OPTIONS, new byte[]{1, 1, 5, 18}, new byte[16]);
    /** Timestamps and three SACK blocks: 40 bytes, no room left. */
    static final byte[] TS_SACK3_OPTIONS = concat(TS_OPTIONS, new byte[]{1, 1, 5, 26}, new byte[24]);
    static final byte[] DATA = "GET / HTTP/1.1\r\n".getBytes();

    @TempDir
    Path directory;

    private final ToaWriter writer = new ToaWriter();

    record Case(String description, byte[] input, int headroom, int kind, String client, int mtu, int result, byte[] expected)
    {
    }

    static byte[] segment4(final int flags, final byte[] options, final byte[] data)
    {
        return ethernet(BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(LADDR, BACKEND, TCP, 63, 0, DF, 7, tcpWithOptions(LADDR, BACKEND, LPORT, BPORT, flags, options, data)));
    }

    static byte[] segment6(final int flags, final byte[] options, final byte[] data)
    {
        return ethernet(BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6,
            ipv6(LADDR6, BACKEND6, TCP, 63, 0, 0x12345, tcpWithOptions(LADDR6, BACKEND6, LPORT, BPORT, flags, options, data)));
    }

    static List<Case> inserted()
    {
        final int ack = TCP_ACK;
        final List<Case> cases = new ArrayList<>();
        cases.add(new Case("IPv4 SYN with MSS, SACK-permitted, timestamps, window scale: TOA first, the SYN's options after it",
            segment4(TCP_SYN, SYN_OPTIONS, new byte[0]), 128, 254, CLIENT, MTU, ToaWriter.INSERTED,
            segment4(TCP_SYN, concat(toaOption(254, CPORT, CLIENT), SYN_OPTIONS), new byte[0])));
        cases.add(new Case("IPv4 data segment without options",
            segment4(ack, new byte[0], DATA), 128, 254, CLIENT, MTU, ToaWriter.INSERTED,
            segment4(ack, toaOption(254, CPORT, CLIENT), DATA)));
        cases.add(new Case("IPv4 bare ACK padded to 60 bytes: the padding is cut, the frame 62 bytes",
            padded(segment4(ack, new byte[0], new byte[0])), 128, 254, CLIENT, MTU, ToaWriter.INSERTED,
            segment4(ack, toaOption(254, CPORT, CLIENT), new byte[0])));
        cases.add(new Case("IPv4 with timestamps and two SACK blocks: the header grows to exactly 60 bytes",
            segment4(ack, TS_SACK2_OPTIONS, DATA), 128, 254, CLIENT, MTU, ToaWriter.INSERTED,
            segment4(ack, concat(toaOption(254, CPORT, CLIENT), TS_SACK2_OPTIONS), DATA)));
        cases.add(new Case("IPv4, kind 200, exactly 8 bytes of headroom, exactly the MTU afterwards",
            segment4(ack, TS_OPTIONS, new byte[MTU - 40 - 12 - 8]), 8, 200, CLIENT, MTU, ToaWriter.INSERTED,
            segment4(ack, concat(toaOption(200, CPORT, CLIENT), TS_OPTIONS), new byte[MTU - 40 - 12 - 8])));
        cases.add(new Case("IPv4 with a VLAN tag and IP options: both move with the headers",
            ethernetVlan(BACKEND_MAC, LB_MAC, 100, ETHERTYPE_IPV4, ipv4WithOptions(LADDR, BACKEND, TCP, 63, 0, DF, 7, new byte[]{1, 1, 1, 0},
                tcpWithOptions(LADDR, BACKEND, LPORT, BPORT, ack, TS_OPTIONS, DATA))), 128, 254, CLIENT, MTU, ToaWriter.INSERTED,
            ethernetVlan(BACKEND_MAC, LB_MAC, 100, ETHERTYPE_IPV4, ipv4WithOptions(LADDR, BACKEND, TCP, 63, 0, DF, 7, new byte[]{1, 1, 1, 0},
                tcpWithOptions(LADDR, BACKEND, LPORT, BPORT, ack, concat(toaOption(254, CPORT, CLIENT), TS_OPTIONS), DATA)))));
        cases.add(new Case("IPv6 SYN with 20 bytes of options: the header grows to exactly 60 bytes",
            segment6(TCP_SYN, SYN_OPTIONS, new byte[0]), 128, 254, CLIENT6, MTU, ToaWriter.INSERTED,
            segment6(TCP_SYN, concat(toaOption(254, CPORT, CLIENT6), SYN_OPTIONS), new byte[0])));
        cases.add(new Case("IPv6 data segment with timestamps",
            segment6(ack, TS_OPTIONS, DATA), 128, 254, CLIENT6, MTU, ToaWriter.INSERTED,
            segment6(ack, concat(toaOption(254, CPORT, CLIENT6), TS_OPTIONS), DATA)));
        cases.add(new Case("IPv6, kind 200, exactly 20 bytes of headroom, exactly the MTU afterwards",
            segment6(ack, new byte[0], new byte[MTU - 60 - 20]), 20, 200, CLIENT6, MTU, ToaWriter.INSERTED,
            segment6(ack, toaOption(200, CPORT, CLIENT6), new byte[MTU - 60 - 20])));
        return cases;
    }

    static List<Case> refused()
    {
        final int ack = TCP_ACK;
        final List<Case> cases = new ArrayList<>();
        cases.add(new Case("IPv4 with timestamps and three SACK blocks: no option room",
            segment4(ack, TS_SACK3_OPTIONS, DATA), 128, 254, CLIENT, MTU, ToaWriter.NO_OPTION_ROOM, null));
        cases.add(new Case("IPv4 with 36 bytes of options: 64 would be 4 too many",
            segment4(ack, concat(TS_SACK2_OPTIONS, new byte[]{1, 1, 1, 1}), DATA), 128, 254, CLIENT, MTU, ToaWriter.NO_OPTION_ROOM, null));
        cases.add(new Case("IPv6 with timestamps and two SACK blocks: no room for 20 bytes",
            segment6(ack, TS_SACK2_OPTIONS, DATA), 128, 254, CLIENT6, MTU, ToaWriter.NO_OPTION_ROOM, null));
        cases.add(new Case("IPv4 with 7 bytes of headroom",
            segment4(ack, new byte[0], DATA), 7, 254, CLIENT, MTU, ToaWriter.NO_HEADROOM, null));
        cases.add(new Case("IPv6 with 19 bytes of headroom",
            segment6(ack, new byte[0], DATA), 19, 254, CLIENT6, MTU, ToaWriter.NO_HEADROOM, null));
        cases.add(new Case("IPv4 one byte over the MTU afterwards",
            segment4(ack, new byte[0], new byte[MTU - 40 - 7]), 128, 254, CLIENT, MTU, ToaWriter.OVER_MTU, null));
        cases.add(new Case("IPv6 one byte over the MTU afterwards",
            segment6(ack, new byte[0], new byte[MTU - 60 - 19]), 128, 254, CLIENT6, MTU, ToaWriter.OVER_MTU, null));
        cases.add(new Case("UDP: not a TCP segment",
            ethernet(BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(LADDR, BACKEND, UDP, 63, 0, 0, 7, udp(LADDR, BACKEND, LPORT, 53, DATA))),
            128, 254, CLIENT, MTU, ToaWriter.NOT_APPLICABLE, null));
        return cases;
    }

    @Test
    void shouldInsertTheOptionAfterTheBaseHeaderAndKeepTheContextTrueWhenThereIsRoom()
    {
        try (ParsedFrame frame = new ParsedFrame())
        {
            for (final Case c : inserted())
            {
                assertEquals(c.result(), insert(frame, c), c.description());
                assertEquals(hex(c.expected()), hex(frame.frame()), c.description());
                assertEquals(c.headroom() - ToaWriter.optionLength(ip(c.client()).length == 16), frame.packet.headroom(), c.description());
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
    void shouldShowTheOptionAndCorrectChecksumsToTcpdumpWhenInserted() throws Exception
    {
        final List<byte[]> outputs = new ArrayList<>();
        try (ParsedFrame frame = new ParsedFrame())
        {
            for (final Case c : inserted())
            {
                insert(frame, c);
                outputs.add(frame.frame());
            }
        }
        final String text = Tcpdump.read(directory.resolve("out.pcap"), outputs);
        assertFalse(text.contains("incorrect") || text.contains("bad"), "tcpdump found a bad checksum:\n" + text);
        assertEquals(outputs.size(), Tcpdump.count(text, "cksum 0x[0-9a-f]+ \\(correct\\)"), "every TCP checksum verified:\n" + text);
        assertEquals(outputs.size(), Tcpdump.count(text, "IP6? \\("), "every packet decoded:\n" + text);
        final String port = String.format("%04x", CPORT);
        final long kind254 = inserted().stream().filter(c -> c.kind() == 254).count();
        assertEquals(kind254, Tcpdump.count(text, "options \\[exp-" + port + "[,\\]]"),
            "kind 254 first, decoded as an RFC 6994 experiment whose ExID is the client's port:\n" + text);
        assertEquals(1, Tcpdump.count(text, "options \\[unknown-200 0x" + port + hex(ip(CLIENT)) + ","),
            "the IPv4 option of kind 200 first, with the client's port and address:\n" + text);
        assertEquals(1, Tcpdump.count(text, "options \\[unknown-200 0x" + port + hex(ip(CLIENT6)) + "\\]"),
            "the IPv6 option of kind 200 first, with the client's port and address:\n" + text);
    }

    @Test
    void shouldNotAllocateWhenInserting()
    {
        try (ParsedFrame frame = new ParsedFrame())
        {
            final Case c = inserted().getFirst();
            final long clientLo = lo(c.client());
            frame.assertNoAllocation("TOA insertions", c.input(), c.headroom(),
                () -> writer.insert(frame.ctx, frame.packet, c.kind(), 0, clientLo, CPORT, c.mtu()));
        }
    }

    private int insert(final ParsedFrame frame, final Case c)
    {
        frame.load(c.input(), c.headroom());
        return write(frame, c);
    }

    private int write(final ParsedFrame frame, final Case c)
    {
        return writer.insert(frame.ctx, frame.packet, c.kind(), hi(c.client()), lo(c.client()), CPORT, c.mtu());
    }

    static long hi(final String address)
    {
        final byte[] bytes = ip(address);
        return bytes.length == 16 ? ByteBuffer.wrap(bytes).getLong(0) : 0;
    }

    static long lo(final String address)
    {
        final byte[] bytes = ip(address);
        return bytes.length == 16 ? ByteBuffer.wrap(bytes).getLong(8) : ByteBuffer.wrap(bytes).getInt(0) & 0xFFFF_FFFFL;
    }
}
