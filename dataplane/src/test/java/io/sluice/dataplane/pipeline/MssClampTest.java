package io.sluice.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dataplane.packet.TcpOptions;
import io.sluice.dataplane.support.SteadyStateAllocation;

import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link TcpOptions#clampMss}: the MSS of a SYN lowered in place, at even and odd offsets, with
 * the expected segments built from scratch by the test encoder (checksums computed in full), and
 * every list it must not touch left byte for byte as it was.
 */
class MssClampTest
{
    private static final String A = "10.0.0.2";
    private static final String B = "10.0.0.51";
    private static final String A6 = "2001:db8::2";
    private static final String B6 = "2001:db8::51";
    private static final int SYN_ACK = TCP_SYN | TCP_ACK;
    private static final byte[] NONE = new byte[0];
    private static final byte[] SACK_OK = {4, 2};
    private static final byte[] TIMESTAMPS = {8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0};
    private static final byte[] NOP_WSCALE = {1, 3, 3, 7};

    @TempDir
    Path directory;

    record Case(String description, byte[] input, int maxMss, int reduceBy, int result, byte[] expected)
    {
    }

    private static byte[] syn4(final int flags, final byte[] options)
    {
        return ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", ETHERTYPE_IPV4,
            ipv4(A, B, TCP, 64, 0, 0x4000, 1, tcpWithOptions(A, B, 40000, 80, flags, options, NONE)));
    }

    private static byte[] syn6(final int flags, final byte[] options)
    {
        return ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", ETHERTYPE_IPV6,
            ipv6(A6, B6, TCP, 64, 0, 0, tcpWithOptions(A6, B6, 40000, 80, flags, options, NONE)));
    }

    /** NOP, MSS, NOP, window scale, SACK permitted, end: the MSS value at offset 23 of the header. */
    private static byte[] oddOptions(final int mss)
    {
        return concat(new byte[]{1}, mssOption(mss), new byte[]{1, 3, 3, 7}, SACK_OK, new byte[]{0});
    }

    /** Two MSS options, the first's value at an even offset (22), the second's at an odd one (27). */
    private static byte[] twoMss(final int first, final int second)
    {
        return concat(mssOption(first), new byte[]{1}, mssOption(second), new byte[]{1, 1, 0});
    }

    static List<Case> clamped()
    {
        final List<Case> cases = new ArrayList<>();
        cases.add(new Case("IPv4 SYN, Linux's options, 1460 clamped to 1400 (even offset)",
            syn4(TCP_SYN, concat(mssOption(1460), SACK_OK, TIMESTAMPS, NOP_WSCALE)), 1400, 0, TcpOptions.MSS_CLAMPED,
            syn4(TCP_SYN, concat(mssOption(1400), SACK_OK, TIMESTAMPS, NOP_WSCALE))));
        cases.add(new Case("IPv4 SYN-ACK, the MSS after one NOP (odd offset), 1460 clamped to 1400",
            syn4(SYN_ACK, oddOptions(1460)), 1400, 0, TcpOptions.MSS_CLAMPED, syn4(SYN_ACK, oddOptions(1400))));
        cases.add(new Case("IPv6 SYN, odd offset, 1440 clamped to 1440 less a TOA's 20",
            syn6(TCP_SYN, oddOptions(1440)), 1440, 20, TcpOptions.MSS_CLAMPED, syn6(TCP_SYN, oddOptions(1420))));
        cases.add(new Case("IPv6 SYN-ACK, even offset, 1440 below the clamp of 1460 still loses a TOA's 20",
            syn6(SYN_ACK, concat(mssOption(1440), SACK_OK, TIMESTAMPS, NOP_WSCALE)), 1460, 20, TcpOptions.MSS_CLAMPED,
            syn6(SYN_ACK, concat(mssOption(1420), SACK_OK, TIMESTAMPS, NOP_WSCALE))));
        cases.add(new Case("IPv4 SYN-ACK, 1200 below the clamp loses a TOA's 8",
            syn4(SYN_ACK, oddOptions(1200)), 1460, 8, TcpOptions.MSS_CLAMPED, syn4(SYN_ACK, oddOptions(1192))));
        cases.add(new Case("IPv4 SYN, an MSS of 100 less 20 stops at the minimum of 88",
            syn4(TCP_SYN, oddOptions(100)), 1460, 20, TcpOptions.MSS_CLAMPED, syn4(TCP_SYN, oddOptions(88))));
        cases.add(new Case("IPv4 SYN with two MSS options (even and odd offsets): both clamped",
            syn4(TCP_SYN, twoMss(1460, 9000)), 1400, 0, TcpOptions.MSS_CLAMPED, syn4(TCP_SYN, twoMss(1400, 1400))));
        cases.add(new Case("IPv6 SYN with two MSS options, only the larger one above the clamp",
            syn6(TCP_SYN, twoMss(1200, 9000)), 1400, 0, TcpOptions.MSS_CLAMPED, syn6(TCP_SYN, twoMss(1200, 1400))));
        return cases;
    }

    static List<Case> untouched()
    {
        final List<Case> cases = new ArrayList<>();
        cases.add(new Case("MSS below the clamp", syn4(TCP_SYN, oddOptions(1360)), 1400, 0, TcpOptions.MSS_UNCHANGED, null));
        cases.add(new Case("MSS equal to the clamp", syn6(SYN_ACK, oddOptions(1400)), 1400, 0, TcpOptions.MSS_UNCHANGED, null));
        cases.add(new Case("MSS of 80, below the minimum: never lowered", syn4(TCP_SYN, oddOptions(80)), 1400, 8, TcpOptions.MSS_UNCHANGED, null));
        cases.add(new Case("SYN without options", syn4(TCP_SYN, NONE), 1400, 0, TcpOptions.MSS_ABSENT, null));
        cases.add(new Case("SYN with options but no MSS", syn6(TCP_SYN, concat(SACK_OK, TIMESTAMPS, NOP_WSCALE)), 1400, 0,
            TcpOptions.MSS_ABSENT, null));
        cases.add(new Case("an MSS after the end of the list is padding", syn4(TCP_SYN, concat(new byte[]{1, 1, 1, 0}, mssOption(1460))), 1400, 0,
            TcpOptions.MSS_ABSENT, null));
        cases.add(new Case("ACK with an MSS option: not a SYN", syn4(TCP_ACK, mssOption(1460)), 1400, 0, TcpOptions.NOT_SYN, null));
        cases.add(new Case("an option of length 0 after the MSS", syn4(TCP_SYN, concat(mssOption(1460), new byte[]{8, 0, 0, 0})), 1400, 0,
            TcpOptions.MALFORMED, null));
        cases.add(new Case("an option of length 1", syn6(TCP_SYN, concat(mssOption(1460), new byte[]{5, 1, 1, 1})), 1400, 0,
            TcpOptions.MALFORMED, null));
        cases.add(new Case("an option running past the header", syn4(TCP_SYN, concat(mssOption(1460), new byte[]{1, 1, 8, 10}, new byte[4])),
            1400, 0, TcpOptions.MALFORMED, null));
        cases.add(new Case("a kind in the header's last byte without its length", syn4(TCP_SYN, concat(mssOption(1460), new byte[]{1, 1, 1, 3})),
            1400, 0, TcpOptions.MALFORMED, null));
        cases.add(new Case("an MSS option of length 3", syn4(TCP_SYN, new byte[]{2, 3, 5, 1}), 1400, 0, TcpOptions.MALFORMED, null));
        final byte[] overlong = syn4(TCP_SYN, NONE);
        overlong[14 + 20 + 12] = (byte)0xF0;
        cases.add(new Case("a data offset of 60 in a 20-byte segment", overlong, 1400, 0, TcpOptions.MALFORMED, null));
        return cases;
    }

    @Test
    void shouldLowerTheMssAndUpdateTheChecksumWhenAboveTheTarget()
    {
        assertOutcomes(clamped());
    }

    @Test
    void shouldLeaveTheSegmentUntouchedWhenNothingIsToBeClampedOrTheListIsMalformed()
    {
        assertOutcomes(untouched());
    }

    @Test
    void shouldShowTheClampedMssAndCorrectChecksumsToTcpdump() throws Exception
    {
        final List<byte[]> outputs = new ArrayList<>();
        try (Arena arena = Arena.ofConfined())
        {
            for (final Case c : clamped())
            {
                final MemorySegment frame = load(arena, c.input());
                clamp(frame, c);
                outputs.add(frame.toArray(ValueLayout.JAVA_BYTE));
            }
        }
        final String text = Tcpdump.read(directory.resolve("out.pcap"), outputs);
        assertFalse(text.contains("incorrect") || text.contains("bad"), "tcpdump found a bad checksum:\n" + text);
        assertEquals(outputs.size(), Tcpdump.count(text, "cksum 0x[0-9a-f]+ \\(correct\\)"), "every TCP checksum verified:\n" + text);
        assertEquals(5, Tcpdump.count(text, "mss 1400"), "the clamped MSS options:\n" + text);
        assertEquals(2, Tcpdump.count(text, "mss 1420"), "1440 less a TOA's 20:\n" + text);
        assertEquals(0, Tcpdump.count(text, "mss (1460|9000|1440)\\b"), "no MSS left above its target:\n" + text);
    }

    @Test
    void shouldNotAllocateWhenClamping()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final Case c = clamped().get(1);
            final MemorySegment input = load(arena, c.input());
            final MemorySegment frame = arena.allocate(input.byteSize());
            final long tcp = frame.address() + 14 + 20;
            final int available = c.input().length - 14 - 20;
            SteadyStateAllocation.assertZero("MSS clamps", () ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    frame.copyFrom(input);
                    TcpOptions.clampMss(tcp, available, c.maxMss(), c.reduceBy());
                }
            });
        }
    }

    /** Each case's result, and its expected segment (the input when there is none). */
    private static void assertOutcomes(final List<Case> cases)
    {
        try (Arena arena = Arena.ofConfined())
        {
            for (final Case c : cases)
            {
                final MemorySegment frame = load(arena, c.input());
                assertEquals(c.result(), clamp(frame, c), c.description());
                assertEquals(hex(c.expected() != null ? c.expected() : c.input()), hex(frame.toArray(ValueLayout.JAVA_BYTE)), c.description());
            }
        }
    }

    private static MemorySegment load(final Arena arena, final byte[] frame)
    {
        final MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        return segment;
    }

    private static int clamp(final MemorySegment frame, final Case c)
    {
        final int ipHeader = frame.get(ValueLayout.JAVA_BYTE, 14) >>> 4 == 6 ? 40 : 20;
        return TcpOptions.clampMss(frame.address() + 14 + ipHeader, (int)frame.byteSize() - 14 - ipHeader, c.maxMss(), c.reduceBy());
    }
}
