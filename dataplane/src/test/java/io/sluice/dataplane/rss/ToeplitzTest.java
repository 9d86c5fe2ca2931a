package io.sluice.dataplane.rss;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Toeplitz} against Microsoft's RSS verification vectors (the 40-byte default key; also in DPDK's
 * {@code app/test/test_thash.c}) and against a bit-by-bit reference on random keys and inputs.
 */
class ToeplitzTest
{
    /** The default ("Intel / Microsoft") key of the verification suite. */
    static final byte[] DEFAULT_KEY = HexFormat.of().parseHex(
        "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

    private final Toeplitz toeplitz = new Toeplitz(DEFAULT_KEY);

    @Test
    void shouldMatchPublishedVectorsWhenHashingIpv4()
    {
        assertEquals(0x323e8fc2, toeplitz.hashIpv4(ipv4(66, 9, 149, 187), ipv4(161, 142, 100, 80)));
        assertEquals(0x51ccc178, toeplitz.hashIpv4(ipv4(66, 9, 149, 187), ipv4(161, 142, 100, 80), 2794, 1766));
        assertEquals(0xd718262a, toeplitz.hashIpv4(ipv4(199, 92, 111, 2), ipv4(65, 69, 140, 83)));
        assertEquals(0xc626b0ea, toeplitz.hashIpv4(ipv4(199, 92, 111, 2), ipv4(65, 69, 140, 83), 14230, 4739));
    }

    @Test
    void shouldMatchPublishedVectorsWhenHashingIpv6()
    {
        final long srcHi = 0x3ffe_2501_0200_1fffL;
        final long srcLo = 0x7L;
        final long dstHi = 0x3ffe_2501_0200_0003L;
        final long dstLo = 0x1L;

        assertEquals(0x2cc18cd5, toeplitz.hashIpv6(srcHi, srcLo, dstHi, dstLo));
        assertEquals(0x40207d3d, toeplitz.hashIpv6(srcHi, srcLo, dstHi, dstLo, 2794, 1766));
    }

    @Test
    void shouldMatchReferenceWhenPublishedVectorsAreHashedBitByBit()
    {
        final byte[] input = ByteBuffer.allocate(12).putInt(ipv4(66, 9, 149, 187)).putInt(ipv4(161, 142, 100, 80))
            .putShort((short)2794).putShort((short)1766).array();

        assertEquals(0x51ccc178, ToeplitzReference.hash(DEFAULT_KEY, input));
        assertEquals(0x323e8fc2, ToeplitzReference.hash(DEFAULT_KEY, Arrays.copyOf(input, 8)));
    }

    @Test
    void shouldMatchBitByBitReferenceWhenKeysAndTuplesAreRandom()
    {
        final SplittableRandom random = new SplittableRandom(12);
        for (int round = 0; round < 300; round++)
        {
            final byte[] key = new byte[round % 3 == 0 ? 52 : round % 3 == 1 ? 40 : 4 + random.nextInt(60)];
            random.nextBytes(key);
            final Toeplitz hash = new Toeplitz(key);
            for (int tuple = 0; tuple < 20; tuple++)
            {
                final int src4 = random.nextInt();
                final int dst4 = random.nextInt();
                final long srcHi = random.nextLong();
                final long srcLo = random.nextLong();
                final long dstHi = random.nextLong();
                final long dstLo = random.nextLong();
                final int srcPort = random.nextInt(0x10000);
                final int dstPort = random.nextInt(0x10000);
                final byte[] v4 = ByteBuffer.allocate(12).putInt(src4).putInt(dst4)
                    .putShort((short)srcPort).putShort((short)dstPort).array();
                final byte[] v6 = ByteBuffer.allocate(36).putLong(srcHi).putLong(srcLo).putLong(dstHi).putLong(dstLo)
                    .putShort((short)srcPort).putShort((short)dstPort).array();
                final String what = "key " + HexFormat.of().formatHex(key) + ", tuple " + tuple;

                assertEquals(ToeplitzReference.hash(key, Arrays.copyOf(v4, 8)), hash.hashIpv4(src4, dst4), what);
                assertEquals(ToeplitzReference.hash(key, v4), hash.hashIpv4(src4, dst4, srcPort, dstPort), what);
                assertEquals(ToeplitzReference.hash(key, Arrays.copyOf(v6, 32)),
                    hash.hashIpv6(srcHi, srcLo, dstHi, dstLo), what);
                assertEquals(ToeplitzReference.hash(key, v6), hash.hashIpv6(srcHi, srcLo, dstHi, dstLo, srcPort, dstPort), what);
                final int length = random.nextInt(Toeplitz.MAX_INPUT_LENGTH + 1);
                assertEquals(ToeplitzReference.hash(key, Arrays.copyOf(v6, length)), hash.hash(v6, 0, length), what);
            }
        }
    }

    @Test
    void shouldHashBothDirectionsAlikeWhenKeyIsSymmetric()
    {
        final byte[] key = new byte[40];
        for (int i = 0; i < key.length; i += 2)
        {
            key[i] = 0x6d;
            key[i + 1] = 0x5a;
        }
        final Toeplitz symmetric = new Toeplitz(key);
        final SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 1000; i++)
        {
            final int a = random.nextInt();
            final int b = random.nextInt();
            final long aHi = random.nextLong();
            final long bHi = random.nextLong();
            final int p = random.nextInt(0x10000);
            final int q = random.nextInt(0x10000);

            assertEquals(symmetric.hashIpv4(a, b, p, q), symmetric.hashIpv4(b, a, q, p));
            assertEquals(symmetric.hashIpv6(aHi, a, bHi, b, p, q), symmetric.hashIpv6(bHi, b, aHi, a, q, p));
        }
    }

    @Test
    void shouldRejectKeyOrInputWhenOutOfRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new Toeplitz(new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> toeplitz.hash(new byte[40], 0, Toeplitz.MAX_INPUT_LENGTH + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> toeplitz.hash(new byte[8], 4, 8));
        assertEquals(0, toeplitz.hash(new byte[0], 0, 0));
    }

    static int ipv4(final int a, final int b, final int c, final int d)
    {
        return a << 24 | b << 16 | c << 8 | d;
    }
}
