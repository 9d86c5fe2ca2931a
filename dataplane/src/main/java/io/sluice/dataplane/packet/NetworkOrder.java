package io.sluice.dataplane.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Unaligned big-endian (network order) accessors over a {@link MemorySegment}. Every header
 * flyweight reads and writes through these so that each access names its byte order once.
 */
public final class NetworkOrder
{
    /** Unsigned byte. */
    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;

    /** 16-bit big-endian, unaligned. */
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** 32-bit big-endian, unaligned. */
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** 64-bit big-endian, unaligned. */
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private NetworkOrder()
    {
    }

    /** @return the unsigned byte at {@code offset}. */
    public static int getU8(final MemorySegment segment, final long offset)
    {
        return segment.get(U8, offset) & 0xFF;
    }

    /** Writes the low 8 bits of {@code value} at {@code offset}. */
    public static void putU8(final MemorySegment segment, final long offset, final int value)
    {
        segment.set(U8, offset, (byte)value);
    }

    /** @return the unsigned big-endian 16-bit value at {@code offset}. */
    public static int getU16(final MemorySegment segment, final long offset)
    {
        return segment.get(U16, offset) & 0xFFFF;
    }

    /** Writes the low 16 bits of {@code value} big-endian at {@code offset}. */
    public static void putU16(final MemorySegment segment, final long offset, final int value)
    {
        segment.set(U16, offset, (short)value);
    }

    /** @return the big-endian 32-bit value at {@code offset}. */
    public static int getI32(final MemorySegment segment, final long offset)
    {
        return segment.get(U32, offset);
    }

    /** Writes {@code value} big-endian at {@code offset}. */
    public static void putI32(final MemorySegment segment, final long offset, final int value)
    {
        segment.set(U32, offset, value);
    }

    /** @return the big-endian 64-bit value at {@code offset}. */
    public static long getI64(final MemorySegment segment, final long offset)
    {
        return segment.get(U64, offset);
    }

    /** Writes {@code value} big-endian at {@code offset}. */
    public static void putI64(final MemorySegment segment, final long offset, final long value)
    {
        segment.set(U64, offset, value);
    }

    /** @return the 48-bit MAC address at {@code offset} in the low bits of a long. */
    public static long getMac(final MemorySegment segment, final long offset)
    {
        return ((long)getU16(segment, offset) << 32) | (getI32(segment, offset + 2) & 0xFFFF_FFFFL);
    }

    /** Writes the 48-bit MAC address held in the low bits of {@code mac} at {@code offset}. */
    public static void putMac(final MemorySegment segment, final long offset, final long mac)
    {
        putU16(segment, offset, (int)(mac >>> 32));
        putI32(segment, offset + 2, (int)mac);
    }
}
