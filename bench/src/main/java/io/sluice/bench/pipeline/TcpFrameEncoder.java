package io.sluice.bench.pipeline;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes the frames the pipeline benchmarks feed in: a minimum-size Ethernet II / IPv4 / TCP ACK
 * segment from a client to a VIP, as a router would deliver it to the load balancer.
 * <pre>
 *   offset  0  Ethernet: dst MAC (the LB port), src MAC (the router), EtherType 0x0800
 *          14  IPv4: 0x45, TOS 0, total length 40, ID 0, DF, TTL 64, TCP, checksum, src, dst
 *          34  TCP: src port, dst port, seq, ack, data offset 5, ACK, window 65535, checksum, urgent 0
 *          54  6 bytes of zero Ethernet padding up to the 60-byte minimum (FCS not included)
 * </pre>
 * Written independently of the dataplane's flyweights (its own big-endian layouts, its own
 * one's-complement sum), so a frame is not shaped by the code it measures. Both checksums are
 * valid; {@link TcpSourceRewriter} changes the source of a copied frame and keeps them valid.
 */
public final class TcpFrameEncoder
{
    /** Length of every frame: the Ethernet minimum without FCS. */
    public static final int FRAME_LENGTH = 60;

    /** Bytes between consecutive frames in a frame array: one cache line. */
    public static final int FRAME_STRIDE = 64;

    /** Offset of the IPv4 header in the frame. */
    public static final int IPV4_OFFSET = 14;

    /** Offset of the TCP header in the frame. */
    public static final int TCP_OFFSET = 34;

    /** Length of the IPv4 header (no options). */
    public static final int IPV4_HEADER_LENGTH = 20;

    /** Length of the TCP header (no options, no payload). */
    public static final int TCP_HEADER_LENGTH = 20;

    /** TTL of the client's packet. */
    public static final int TTL = 64;

    /** 16-bit big-endian, unaligned. */
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** 32-bit big-endian, unaligned. */
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Offset of the IPv4 header checksum in the frame. */
    public static final int IP_CHECKSUM_AT = IPV4_OFFSET + 10;

    /** Offset of the IPv4 source address in the frame. */
    public static final int IP_SRC_AT = IPV4_OFFSET + 12;

    /** Offset of the IPv4 destination address in the frame. */
    public static final int IP_DST_AT = IPV4_OFFSET + 16;

    /** Offset of the TCP source port in the frame. */
    public static final int TCP_SRC_PORT_AT = TCP_OFFSET;

    /** Offset of the TCP checksum in the frame. */
    public static final int TCP_CHECKSUM_AT = TCP_OFFSET + 16;

    /** IP protocol number of TCP. */
    public static final int PROTOCOL_TCP = 6;

    private static final int ETHER_TYPE_IPV4 = 0x0800;
    private static final int FLAG_DONT_FRAGMENT = 0x4000;
    private static final int TCP_FLAG_ACK = 0x10;
    private static final int TCP_DATA_OFFSET_WORDS = 5;
    private static final int WINDOW = 0xFFFF;
    private static final int SEQUENCE = 0x1000_0001;
    private static final int ACKNOWLEDGEMENT = 0x2000_0001;
    private static final int PADDING_LENGTH = FRAME_LENGTH - TCP_OFFSET - TCP_HEADER_LENGTH;

    private TcpFrameEncoder()
    {
    }

    /**
     * Writes a frame.
     *
     * @param memory     the segment to write into.
     * @param frame      offset of the frame's first byte; {@link #FRAME_LENGTH} bytes are written.
     * @param dstMac     destination MAC in the low 48 bits.
     * @param srcMac     source MAC in the low 48 bits.
     * @param srcAddress client address, a.b.c.d as 0xaabbccdd.
     * @param srcPort    client port.
     * @param dstAddress VIP, a.b.c.d as 0xaabbccdd.
     * @param dstPort    VIP port.
     */
    public static void encode(
        final MemorySegment memory, final long frame, final long dstMac, final long srcMac,
        final int srcAddress, final int srcPort, final int dstAddress, final int dstPort)
    {
        encode(memory, frame, dstMac, srcMac, srcAddress, srcPort, dstAddress, dstPort, TTL);
    }

    /**
     * Writes a frame with another TTL: what a router that forwarded it, translated or not, must send.
     *
     * @param memory     the segment to write into.
     * @param frame      offset of the frame's first byte; {@link #FRAME_LENGTH} bytes are written.
     * @param dstMac     destination MAC in the low 48 bits.
     * @param srcMac     source MAC in the low 48 bits.
     * @param srcAddress source address, a.b.c.d as 0xaabbccdd.
     * @param srcPort    source port.
     * @param dstAddress destination address, a.b.c.d as 0xaabbccdd.
     * @param dstPort    destination port.
     * @param ttl        the TTL.
     */
    public static void encode(
        final MemorySegment memory, final long frame, final long dstMac, final long srcMac,
        final int srcAddress, final int srcPort, final int dstAddress, final int dstPort, final int ttl)
    {
        putMac(memory, frame, dstMac);
        putMac(memory, frame + 6, srcMac);
        putU16(memory, frame + 12, ETHER_TYPE_IPV4);

        final long ip = frame + IPV4_OFFSET;
        putU16(memory, ip, 0x4500);
        putU16(memory, ip + 2, IPV4_HEADER_LENGTH + TCP_HEADER_LENGTH);
        putU16(memory, ip + 4, 0);
        putU16(memory, ip + 6, FLAG_DONT_FRAGMENT);
        putU16(memory, ip + 8, (ttl << 8) | PROTOCOL_TCP);
        putU16(memory, ip + 10, 0);
        memory.set(U32, ip + 12, srcAddress);
        memory.set(U32, ip + 16, dstAddress);
        putU16(memory, ip + 10, checksum(sum(memory, ip, IPV4_HEADER_LENGTH)));

        final long tcp = frame + TCP_OFFSET;
        putU16(memory, tcp, srcPort);
        putU16(memory, tcp + 2, dstPort);
        memory.set(U32, tcp + 4, SEQUENCE);
        memory.set(U32, tcp + 8, ACKNOWLEDGEMENT);
        putU16(memory, tcp + 12, (TCP_DATA_OFFSET_WORDS << 12) | TCP_FLAG_ACK);
        putU16(memory, tcp + 14, WINDOW);
        putU16(memory, tcp + 16, 0);
        putU16(memory, tcp + 18, 0);
        final long pseudoHeader = (srcAddress >>> 16) + (srcAddress & 0xFFFF) + (dstAddress >>> 16) + (dstAddress & 0xFFFF) +
            PROTOCOL_TCP + TCP_HEADER_LENGTH;
        putU16(memory, tcp + 16, checksum(pseudoHeader + sum(memory, tcp, TCP_HEADER_LENGTH)));

        memory.asSlice(frame + TCP_OFFSET + TCP_HEADER_LENGTH, PADDING_LENGTH).fill((byte)0);
    }

    /**
     * The one's-complement sum of 16-bit big-endian words, not folded.
     *
     * @param memory the segment.
     * @param offset first byte.
     * @param length bytes to sum, even.
     * @return the sum.
     */
    public static long sum(final MemorySegment memory, final long offset, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            sum += u16(memory, offset + i);
        }
        return sum;
    }

    /**
     * Folds a one's-complement sum to 16 bits and complements it.
     *
     * @param sum a sum of 16-bit words.
     * @return the checksum field value.
     */
    public static int checksum(final long sum)
    {
        long folded = sum;
        while ((folded >>> 16) != 0)
        {
            folded = (folded & 0xFFFF) + (folded >>> 16);
        }
        return (int)~folded & 0xFFFF;
    }

    /**
     * @param memory the segment.
     * @param offset where the value is.
     * @return the unsigned big-endian 16-bit value at the offset.
     */
    public static int u16(final MemorySegment memory, final long offset)
    {
        return memory.get(U16, offset) & 0xFFFF;
    }

    /**
     * Writes the low 16 bits of a value big-endian.
     *
     * @param memory the segment.
     * @param offset where to write.
     * @param value  the value.
     */
    public static void putU16(final MemorySegment memory, final long offset, final int value)
    {
        memory.set(U16, offset, (short)value);
    }

    private static void putMac(final MemorySegment memory, final long offset, final long mac)
    {
        putU16(memory, offset, (int)(mac >>> 32));
        memory.set(U32, offset + 2, (int)mac);
    }
}
