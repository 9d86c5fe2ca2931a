package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getI32;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.getU8;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 * <p>
 * Sums are carried as a non-negative {@code long} of 16-bit words not yet folded, so partial sums
 * of several ranges (a pseudo-header and a payload) can simply be added before {@link #finish}.
 */
public final class Checksums
{
    private Checksums()
    {
    }

    /**
     * Adds the bytes {@code [address, address + length)} to a running sum, as big-endian 16-bit
     * words, an odd last byte padded with zero.
     *
     * @param sum     running sum (0 to start).
     * @param address absolute address of the first byte.
     * @param length  number of bytes.
     * @return the new running sum.
     */
    public static long add(final long sum, final long address, final int length)
    {
        long acc = sum;
        long position = address;
        int remaining = length;
        while (remaining >= 4)
        {
            acc += getI32(position) & 0xFFFF_FFFFL;
            position += 4;
            remaining -= 4;
        }
        if (remaining >= 2)
        {
            acc += getU16(position);
            position += 2;
            remaining -= 2;
        }
        if (remaining == 1)
        {
            acc += (long)getU8(position) << 8;
        }
        return acc;
    }

    /**
     * Folds a running sum to 16 bits and complements it: the value to store in a checksum field.
     *
     * @param sum running sum.
     * @return the checksum, 0..0xffff.
     */
    public static int finish(final long sum)
    {
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * Folds a running sum to 16 bits without complementing it.
     *
     * @param sum running sum.
     * @return the ones'-complement sum, 0..0xffff.
     */
    public static int fold(final long sum)
    {
        long s = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int)s;
    }

    /**
     * {@link #fold} of a sum below 2^31, such as a few dozen 16-bit words: two folding steps,
     * small enough for the compiler to inline into a large caller, where {@link #fold} stays a call.
     *
     * @param sum running sum, 0 to 2^31 - 1.
     * @return the ones'-complement sum, 0..0xffff.
     */
    public static int foldSmall(final int sum)
    {
        final int s = (sum & 0xFFFF) + (sum >>> 16);
        return (s & 0xFFFF) + (s >>> 16);
    }

    /**
     * {@link #finish} of a sum below 2^31: the complemented {@link #foldSmall}.
     *
     * @param sum running sum, 0 to 2^31 - 1.
     * @return the checksum to store.
     */
    public static int finishSmall(final int sum)
    {
        return ~foldSmall(sum) & 0xFFFF;
    }

    /**
     * The checksum of a byte range alone (an IPv4 header or an ICMPv4 message): a range whose
     * checksum field holds a correct value gives 0.
     *
     * @return the checksum.
     */
    public static int compute(final long address, final int length)
    {
        return finish(add(0, address, length));
    }

    /**
     * RFC 1624 eqn. 3 incremental update: the checksum after a 16-bit word changed from
     * {@code oldWord} to {@code newWord}, {@code HC' = ~(~HC + ~m + m')}.
     *
     * @param checksum the stored checksum.
     * @param oldWord  the old 16-bit value.
     * @param newWord  the new 16-bit value.
     * @return the updated checksum.
     */
    public static int update16(final int checksum, final int oldWord, final int newWord)
    {
        return finishSmall((~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF));
    }

    /**
     * RFC 1624 update for a 32-bit value (an IPv4 address) that changed.
     *
     * @return the updated checksum.
     */
    public static int update32(final int checksum, final int oldValue, final int newValue)
    {
        return finishSmall((~checksum & 0xFFFF) +
            (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF) +
            ((newValue >>> 16) & 0xFFFF) + (newValue & 0xFFFF));
    }

    /**
     * What replacing a 16-bit word adds to a ones'-complement sum (RFC 1624 eqn. 3: {@code ~m + m'}),
     * to be given to {@link #adjust} with the deltas of the packet's other changed words.
     *
     * @param oldWord the old value.
     * @param newWord the new value.
     * @return the delta, below 2^17.
     */
    public static int delta16(final int oldWord, final int newWord)
    {
        return (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
    }

    /**
     * What replacing a 32-bit value (an IPv4 address) adds to a ones'-complement sum.
     *
     * @param oldValue the old value.
     * @param newValue the new value.
     * @return the delta, below 2^18.
     */
    public static int delta32(final int oldValue, final int newValue)
    {
        return (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF) + ((newValue >>> 16) & 0xFFFF) + (newValue & 0xFFFF);
    }

    /**
     * What replacing a 64-bit value (half an IPv6 address) adds to a ones'-complement sum.
     *
     * @param oldValue the old value.
     * @param newValue the new value.
     * @return the delta, below 2^19.
     */
    public static int delta64(final long oldValue, final long newValue)
    {
        return delta32((int)(oldValue >>> 32), (int)(newValue >>> 32)) + delta32((int)oldValue, (int)newValue);
    }

    /**
     * A stored checksum updated by the sum of the deltas of every word that changed under it (RFC 1624
     * eqn. 3, {@code HC' = ~(~HC + ~m + m')}), which never yields -0 (0xffff from 0x0000) by itself.
     *
     * @param checksum the stored checksum.
     * @param delta    the summed deltas ({@link #delta16}, {@link #delta32}, {@link #delta64}), below 2^30.
     * @return the checksum to store.
     */
    public static int adjust(final int checksum, final int delta)
    {
        return finishSmall((~checksum & 0xFFFF) + delta);
    }

    /**
     * The IPv4 pseudo-header sum for TCP/UDP/ICMP-less protocols (RFC 793 / 768).
     *
     * @return running sum of src, dst, protocol and upper-layer length.
     */
    public static long ipv4PseudoHeader(final int src, final int dst, final int protocol, final int length)
    {
        return ((src >>> 16) & 0xFFFF) + (src & 0xFFFF) + ((dst >>> 16) & 0xFFFF) + (dst & 0xFFFF) + protocol + length;
    }

    /**
     * The IPv6 pseudo-header sum (RFC 8200 section 8.1) from the addresses in the packet.
     *
     * @param ipv6Start address of the IPv6 header.
     * @param protocol  upper-layer protocol (next header of the upper layer).
     * @param length    upper-layer packet length.
     * @return running sum.
     */
    public static long ipv6PseudoHeader(final long ipv6Start, final int protocol, final int length)
    {
        return add(0, ipv6Start + Ipv6Flyweight.SRC_ADDRESS_OFFSET, 32) + protocol + (length & 0xFFFF) + (length >>> 16);
    }

    /**
     * The 16-bit words of a 32-bit value (an IPv4 address written into a packet) summed: what it
     * adds to a ones'-complement sum when it lands at an even offset.
     *
     * @param value the value.
     * @return the sum, below 2^17.
     */
    public static int sum32(final int value)
    {
        return (value >>> 16) + (value & 0xFFFF);
    }

    /**
     * The 16-bit words of a 64-bit value (half an IPv6 address written into a packet) summed.
     *
     * @param value the value.
     * @return the sum, below 2^18.
     */
    public static int sum64(final long value)
    {
        return sum32((int)(value >>> 32)) + sum32((int)value);
    }
}

