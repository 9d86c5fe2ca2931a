package io.sluice.dataplane.packet;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.sluice.dataplane.packet.Memory.ALL;

/**
 * Unaligned big-endian (network order) accessors at absolute addresses (see {@link Memory}).
 * Every header flyweight reads and writes through these so that each access names its byte order
 * once.
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

    /** @return the unsigned byte at {@code address}. */
    public static int getU8(final long address)
    {
        return ALL.get(U8, address) & 0xFF;
    }

    /** Writes the low 8 bits of {@code value} at {@code address}. */
    public static void putU8(final long address, final int value)
    {
        ALL.set(U8, address, (byte)value);
    }

    /** @return the unsigned big-endian 16-bit value at {@code address}. */
    public static int getU16(final long address)
    {
        return ALL.get(U16, address) & 0xFFFF;
    }

    /** Writes the low 16 bits of {@code value} big-endian at {@code address}. */
    public static void putU16(final long address, final int value)
    {
        ALL.set(U16, address, (short)value);
    }

    /** @return the big-endian 32-bit value at {@code address}. */
    public static int getI32(final long address)
    {
        return ALL.get(U32, address);
    }

    /** Writes {@code value} big-endian at {@code address}. */
    public static void putI32(final long address, final int value)
    {
        ALL.set(U32, address, value);
    }

    /** @return the big-endian 64-bit value at {@code address}. */
    public static long getI64(final long address)
    {
        return ALL.get(U64, address);
    }

    /** Writes {@code value} big-endian at {@code address}. */
    public static void putI64(final long address, final long value)
    {
        ALL.set(U64, address, value);
    }

    /** @return the 48-bit MAC address at {@code address} in the low bits of a long. */
    public static long getMac(final long address)
    {
        return ((long)getU16(address) << 32) | (getI32(address + 2) & 0xFFFF_FFFFL);
    }

    /** Writes the 48-bit MAC address held in the low bits of {@code mac} at {@code address}. */
    public static void putMac(final long address, final long mac)
    {
        putU16(address, (int)(mac >>> 32));
        putI32(address + 2, (int)mac);
    }
}
