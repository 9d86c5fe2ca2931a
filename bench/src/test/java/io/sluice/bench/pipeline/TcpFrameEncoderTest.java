package io.sluice.bench.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TcpFrameEncoderTest
{
    private static final long DST_MAC = 0x02_00_00_00_00_01L;
    private static final long SRC_MAC = 0x02_00_00_00_00_FEL;
    private static final int VIP = 0xC000_0214;

    @Test
    void shouldWriteExpectedHeadersWhenEncoding()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment frame = arena.allocate(TcpFrameEncoder.FRAME_LENGTH);
            TcpFrameEncoder.encode(frame, 0, DST_MAC, SRC_MAC, 0x0A01_0203, 40000, VIP, 80);
            final byte[] bytes = frame.toArray(ValueLayout.JAVA_BYTE);

            assertEquals(0x02, bytes[0] & 0xFF);
            assertEquals(0x01, bytes[5] & 0xFF);
            assertEquals(0xFE, bytes[11] & 0xFF);
            assertEquals(0x0800, u16(bytes, 12));
            assertEquals(0x45, bytes[14] & 0xFF);
            assertEquals(40, u16(bytes, 16));
            assertEquals(0x4000, u16(bytes, 20));
            assertEquals(64, bytes[22] & 0xFF);
            assertEquals(6, bytes[23] & 0xFF);
            assertEquals(0x0A01_0203, u32(bytes, 26));
            assertEquals(VIP, u32(bytes, 30));
            assertEquals(40000, u16(bytes, 34));
            assertEquals(80, u16(bytes, 36));
            assertEquals(0x5010, u16(bytes, 46));
            assertEquals(0, u16(bytes, 54) | u16(bytes, 56) | u16(bytes, 58));
        }
    }

    @Test
    void shouldWriteChecksumsThatVerifyWhenEncoding()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment frame = arena.allocate(TcpFrameEncoder.FRAME_LENGTH);
            TcpFrameEncoder.encode(frame, 0, DST_MAC, SRC_MAC, 0xFFFF_FFFF, 65535, VIP, 80);
            final byte[] bytes = frame.toArray(ValueLayout.JAVA_BYTE);

            assertEquals(0xFFFF, referenceSum(bytes, 14, 20, 0));
            final long pseudoHeader = u16(bytes, 26) + u16(bytes, 28) + u16(bytes, 30) + u16(bytes, 32) + 6 + 20;
            assertEquals(0xFFFF, referenceSum(bytes, 34, 20, pseudoHeader));
        }
    }

    @Test
    void shouldProduceFreshEncodingWhenRewritingSourceOfCopiedTemplate()
    {
        final int[][] sources = {{0x0A00_0000, 32768}, {0x0A12_3456, 65535}, {0xFFFF_FFFF, 65535}, {0, 0}, {0x0A00_0001, 1}};
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment template = arena.allocate(TcpFrameEncoder.FRAME_LENGTH);
            final MemorySegment copy = arena.allocate(TcpFrameEncoder.FRAME_LENGTH);
            final MemorySegment expected = arena.allocate(TcpFrameEncoder.FRAME_LENGTH);
            TcpFrameEncoder.encode(template, 0, DST_MAC, SRC_MAC, 0x0A00_0000, 32768, VIP, 80);
            final TcpSourceRewriter rewriter = new TcpSourceRewriter(template, 0);
            for (final int[] source : sources)
            {
                MemorySegment.copy(template, 0, copy, 0, TcpFrameEncoder.FRAME_LENGTH);
                rewriter.rewrite(copy, 0, source[0], source[1]);
                TcpFrameEncoder.encode(expected, 0, DST_MAC, SRC_MAC, source[0], source[1], VIP, 80);

                assertArrayEquals(expected.toArray(ValueLayout.JAVA_BYTE), copy.toArray(ValueLayout.JAVA_BYTE),
                    "source " + Integer.toHexString(source[0]) + ":" + source[1]);
            }
        }
    }

    private static int referenceSum(final byte[] bytes, final int offset, final int length, final long initial)
    {
        long sum = initial;
        for (int i = offset; i < offset + length; i += 2)
        {
            sum += u16(bytes, i);
        }
        while (sum > 0xFFFF)
        {
            sum = (sum >>> 16) + (sum & 0xFFFF);
        }
        return (int)sum;
    }

    private static int u16(final byte[] bytes, final int offset)
    {
        return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
    }

    private static int u32(final byte[] bytes, final int offset)
    {
        return (u16(bytes, offset) << 16) | u16(bytes, offset + 2);
    }
}
