package io.sluice.dataplane.rss;

import java.util.Objects;

/**
 * The Toeplitz hash of receive-side scaling (Microsoft's "RSS hashing functions", DPDK's
 * {@code rte_softrss}) over one key, precomputed so that hashing a flow costs one table load per
 * input byte and allocates nothing.
 * <p>
 * The hash of an input byte string: for every input bit set, counted from the most significant bit
 * of the first byte, bit {@code i} XORs in the 32 key bits starting at key bit {@code i}. Because
 * XOR is linear, the contribution of input byte {@code p} holding value {@code v} depends only on
 * {@code p} and {@code v}: the table holds it for every position up to {@link #MAX_INPUT_LENGTH} and
 * every value, 256 ints per position. Key bits past the end of the key count as zero, so a key
 * shorter than the input plus four bytes hashes as if padded with zeros (NICs use 40-byte keys or
 * longer, enough for every input here).
 * <p>
 * Inputs are the tuple as on the wire, in network byte order, as the NIC and {@code rte_softrss}
 * take it: source address, destination address, then for the L4 forms source port and destination
 * port. IPv4 addresses are ints of their network-order bytes ({@code a.b.c.d} = {@code 0xaabbccdd}),
 * IPv6 addresses two longs each, as in {@link io.sluice.dataplane.flow.FlowKey}. Instances are
 * immutable and thread safe.
 */
public final class Toeplitz
{
    /** The longest input hashed: the IPv6 L4 tuple, 16 + 16 + 2 + 2 bytes. */
    public static final int MAX_INPUT_LENGTH = 36;

    private static final int BYTE_VALUES = 256;

    private final int[] table = new int[MAX_INPUT_LENGTH * BYTE_VALUES];
    private final int keyLength;

    /**
     * Precomputes the hash of one key.
     *
     * @param key the RSS hash key, at least 4 bytes (40 on most NICs); copied.
     * @throws IllegalArgumentException when the key is shorter than 4 bytes.
     */
    public Toeplitz(final byte[] key)
    {
        Objects.requireNonNull(key, "key");
        if (key.length < Integer.BYTES)
        {
            throw new IllegalArgumentException("an RSS key has at least 4 bytes, this one " + key.length);
        }
        keyLength = key.length;
        final int[] windows = new int[MAX_INPUT_LENGTH * Byte.SIZE];
        for (int bit = 0; bit < windows.length; bit++)
        {
            windows[bit] = window(key, bit);
        }
        for (int position = 0; position < MAX_INPUT_LENGTH; position++)
        {
            for (int value = 0; value < BYTE_VALUES; value++)
            {
                int hash = 0;
                for (int bit = 0; bit < Byte.SIZE; bit++)
                {
                    if ((value & (0x80 >>> bit)) != 0)
                    {
                        hash ^= windows[position * Byte.SIZE + bit];
                    }
                }
                table[position * BYTE_VALUES + value] = hash;
            }
        }
    }

    private static int window(final byte[] key, final int firstBit)
    {
        final int firstByte = firstBit >>> 3;
        long bits = 0;
        for (int i = 0; i < 5; i++)
        {
            bits = (bits << 8) | (firstByte + i < key.length ? key[firstByte + i] & 0xFF : 0);
        }
        return (int)(bits >>> (8 - (firstBit & 7)));
    }

    /**
     * The length of the key this hash was built from.
     *
     * @return bytes.
     */
    public int keyLength()
    {
        return keyLength;
    }

    /**
     * The hash of a byte string.
     *
     * @param input  the bytes.
     * @param offset where the string starts.
     * @param length its length, 0 to {@link #MAX_INPUT_LENGTH}.
     * @return the hash.
     * @throws IllegalArgumentException when the length is out of range.
     */
    public int hash(final byte[] input, final int offset, final int length)
    {
        if (length < 0 || length > MAX_INPUT_LENGTH)
        {
            throw new IllegalArgumentException("input length " + length + " is outside 0.." + MAX_INPUT_LENGTH);
        }
        Objects.checkFromIndexSize(offset, length, input.length);
        int hash = 0;
        for (int position = 0; position < length; position++)
        {
            hash ^= table[position * BYTE_VALUES + (input[offset + position] & 0xFF)];
        }
        return hash;
    }

    /**
     * The IPv4 L3 hash: source address, destination address (8 bytes).
     *
     * @param srcAddress source address, {@code a.b.c.d} as {@code 0xaabbccdd}.
     * @param dstAddress destination address, same form.
     * @return the hash.
     */
    public int hashIpv4(final int srcAddress, final int dstAddress)
    {
        return hashInt(0, srcAddress) ^ hashInt(4, dstAddress);
    }

    /**
     * The IPv4 L4 hash: source address, destination address, source port, destination port (12 bytes).
     *
     * @param srcAddress source address, {@code a.b.c.d} as {@code 0xaabbccdd}.
     * @param dstAddress destination address, same form.
     * @param srcPort    source port, 0..65535.
     * @param dstPort    destination port, 0..65535.
     * @return the hash.
     */
    public int hashIpv4(final int srcAddress, final int dstAddress, final int srcPort, final int dstPort)
    {
        return hashInt(0, srcAddress) ^ hashInt(4, dstAddress) ^ hashPorts(8, srcPort, dstPort);
    }

    /**
     * The IPv6 L3 hash: source address, destination address (32 bytes).
     *
     * @param srcHi upper 64 bits of the source address (network order: first byte most significant).
     * @param srcLo lower 64 bits of the source address.
     * @param dstHi upper 64 bits of the destination address.
     * @param dstLo lower 64 bits of the destination address.
     * @return the hash.
     */
    public int hashIpv6(final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        return hashLong(0, srcHi) ^ hashLong(8, srcLo) ^ hashLong(16, dstHi) ^ hashLong(24, dstLo);
    }

    /**
     * The IPv6 L4 hash: source address, destination address, source port, destination port (36 bytes).
     *
     * @param srcHi   upper 64 bits of the source address (network order: first byte most significant).
     * @param srcLo   lower 64 bits of the source address.
     * @param dstHi   upper 64 bits of the destination address.
     * @param dstLo   lower 64 bits of the destination address.
     * @param srcPort source port, 0..65535.
     * @param dstPort destination port, 0..65535.
     * @return the hash.
     */
    public int hashIpv6(
        final long srcHi, final long srcLo, final long dstHi, final long dstLo, final int srcPort, final int dstPort)
    {
        return hashIpv6(srcHi, srcLo, dstHi, dstLo) ^ hashPorts(32, srcPort, dstPort);
    }

    private int hashPorts(final int position, final int srcPort, final int dstPort)
    {
        return hashInt(position, ((srcPort & 0xFFFF) << 16) | (dstPort & 0xFFFF));
    }

    private int hashLong(final int position, final long value)
    {
        return hashInt(position, (int)(value >>> 32)) ^ hashInt(position + 4, (int)value);
    }

    private int hashInt(final int position, final int value)
    {
        final int base = position * BYTE_VALUES;
        return table[base + (value >>> 24)] ^
            table[base + BYTE_VALUES + ((value >>> 16) & 0xFF)] ^
            table[base + 2 * BYTE_VALUES + ((value >>> 8) & 0xFF)] ^
            table[base + 3 * BYTE_VALUES + (value & 0xFF)];
    }
}
