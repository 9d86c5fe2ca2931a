package io.sluice.controlplane.vrrp;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * The Internet checksum (RFC 1071) over an Agrona buffer. Sums are carried unfolded in a
 * {@code long}, so the sums of a pseudo-header and a payload simply add.
 */
final class InternetChecksum
{
    private InternetChecksum()
    {
    }

    static long add(final long sum, final DirectBuffer buffer, final int offset, final int length)
    {
        long acc = sum;
        int index = offset;
        final int end = offset + length;
        while (end - index >= 2)
        {
            acc += buffer.getShort(index, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            index += 2;
        }
        if (index < end)
        {
            acc += (buffer.getByte(index) & 0xFF) << 8;
        }
        return acc;
    }

    static long addLong(final long sum, final long value)
    {
        return sum + (value >>> 48) + ((value >>> 32) & 0xFFFF) + ((value >>> 16) & 0xFFFF) + (value & 0xFFFF);
    }

    static long addInt(final long sum, final int value)
    {
        return sum + (value >>> 16) + (value & 0xFFFF);
    }

    static int fold(final long sum)
    {
        long acc = sum;
        while ((acc >>> 16) != 0)
        {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int)acc;
    }

    static int finish(final long sum)
    {
        return ~fold(sum) & 0xFFFF;
    }
}
