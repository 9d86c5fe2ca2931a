package io.sluice.dataplane.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChecksumsTest
{
    private static MemorySegment segment(final Arena arena, final byte[] bytes)
    {
        final MemorySegment segment = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    @Test
    void shouldComputeRfc1071ExampleSum()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final byte[] rfc1071 = {0x00, 0x01, (byte)0xf2, 0x03, (byte)0xf4, (byte)0xf5, (byte)0xf6, (byte)0xf7};
            assertEquals(0xddf2, Checksums.fold(Checksums.add(0, segment(arena, rfc1071).address(), rfc1071.length)));
        }
    }

    @Test
    void shouldComputeKnownIpv4HeaderChecksumAndVerifyToZero()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final byte[] header = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
                (byte)0xc0, (byte)0xa8, 0x00, 0x01, (byte)0xc0, (byte)0xa8, 0x00, (byte)0xc7};
            final MemorySegment segment = segment(arena, header);
            assertEquals(0xb861, Checksums.compute(segment.address(), 20));
            NetworkOrder.putU16(segment.address() + 10, 0xb861);
            assertEquals(0, Checksums.compute(segment.address(), 20));
        }
    }

    @Test
    void shouldAgreeIncrementalUpdateWithFullRecomputation()
    {
        final Random random = new Random(1624);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(40);
            for (int round = 0; round < 10_000; round++)
            {
                final byte[] bytes = new byte[40];
                random.nextBytes(bytes);
                MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, 40);
                NetworkOrder.putU16(segment.address() + 10, 0);
                NetworkOrder.putU16(segment.address() + 10, Checksums.compute(segment.address(), 40));
                final int word = random.nextInt(20) * 2;
                if (word == 10)
                {
                    continue;
                }
                final int oldWord = NetworkOrder.getU16(segment.address() + word);
                final int newWord = random.nextInt(0x10000);
                NetworkOrder.putU16(segment.address() + word, newWord);
                final int updated = Checksums.update16(NetworkOrder.getU16(segment.address() + 10), oldWord, newWord);
                NetworkOrder.putU16(segment.address() + 10, updated);
                assertEquals(0, Checksums.fold(Checksums.add(0, segment.address(), 40)) ^ 0xFFFF, "round " + round);
            }
        }
    }

    @Test
    void shouldPadOddLengthWithZero()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = segment(arena, new byte[]{0x12, 0x34, 0x56});
            assertEquals(0x1234 + 0x5600, Checksums.add(0, segment.address(), 3));
        }
    }

    @Test
    void shouldFoldSmallSumsAsTheFullFoldDoes()
    {
        final Random random = new Random(0xF01D);
        final int[] edges = {0, 1, 0xFFFF, 0x10000, 0x1FFFE, 0x1FFFF, 0xFFFF_FFFF >>> 1, 3 * 0xFFFF};
        for (final int sum : edges)
        {
            assertEquals(Checksums.fold(sum), Checksums.foldSmall(sum), "sum " + sum);
            assertEquals(Checksums.finish(sum), Checksums.finishSmall(sum), "sum " + sum);
        }
        for (int i = 0; i < 100_000; i++)
        {
            final int sum = random.nextInt() >>> 1;
            assertEquals(Checksums.fold(sum), Checksums.foldSmall(sum), "sum " + sum);
            assertEquals(Checksums.finish(sum), Checksums.finishSmall(sum), "sum " + sum);
        }
    }
}
