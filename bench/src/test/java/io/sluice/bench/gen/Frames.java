package io.sluice.bench.gen;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Test helpers over frames as byte arrays, written here without the generator's code: the
 * one's-complement checksum, and the load balancer's outputs built around a client frame (IPIP,
 * GUE, DSR, NAT), as the expected bytes a decoder must read.
 */
final class Frames
{
    static final int ETHERNET = 14;

    private Frames()
    {
    }

    static byte[] read(final long address, final int length)
    {
        final byte[] bytes = new byte[length];
        MemorySegment.copy(MemorySegment.NULL.reinterpret(Long.MAX_VALUE), JAVA_BYTE, address, bytes, 0, length);
        return bytes;
    }

    static long write(final Arena arena, final byte[] frame)
    {
        final MemorySegment segment = arena.allocate(Math.max(1, frame.length));
        MemorySegment.copy(frame, 0, segment, JAVA_BYTE, 0, frame.length);
        return segment.address();
    }

    static int u16(final byte[] bytes, final int at)
    {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }

    static int onesComplementSum(final byte[] bytes, final int from, final int to, final int initial)
    {
        long sum = initial;
        for (int i = from; i < to; i += 2)
        {
            sum += (bytes[i] & 0xFF) << 8 | (i + 1 < to ? bytes[i + 1] & 0xFF : 0);
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    /** Whether the TCP or UDP checksum of the IP packet at {@code ip} verifies (sums to 0xFFFF). */
    static boolean l4ChecksumValid(final byte[] frame, final int ip)
    {
        final boolean ipv4 = (frame[ip] & 0xF0) == 0x40;
        final int l4 = ip + (ipv4 ? (frame[ip] & 0xF) * 4 : 40);
        final int end = ipv4 ? ip + u16(frame, ip + 2) : l4 + u16(frame, ip + 4);
        final int protocol = frame[ip + (ipv4 ? 9 : 6)] & 0xFF;
        final int pseudo = onesComplementSum(frame, ip + (ipv4 ? 12 : 8), ip + (ipv4 ? 20 : 40), protocol + end - l4);
        return onesComplementSum(frame, l4, end, pseudo) == 0xFFFF;
    }

    static byte[] ethernet(final long dst, final long src, final int etherType, final byte[] payload)
    {
        return ByteBuffer.allocate(ETHERNET + payload.length).putShort((short)(dst >>> 32)).putInt((int)dst)
            .putShort((short)(src >>> 32)).putInt((int)src).putShort((short)etherType).put(payload).array();
    }

    static byte[] ipv4(final int protocol, final int src, final int dst, final byte[] payload)
    {
        final ByteBuffer ip = ByteBuffer.allocate(20 + payload.length);
        ip.put((byte)0x45).put((byte)0).putShort((short)(20 + payload.length)).putShort((short)7).putShort((short)0x4000)
            .put((byte)64).put((byte)protocol).putShort((short)0).putInt(src).putInt(dst).put(payload);
        final byte[] bytes = ip.array();
        final int checksum = ~onesComplementSum(bytes, 0, 20, 0) & 0xFFFF;
        bytes[10] = (byte)(checksum >>> 8);
        bytes[11] = (byte)checksum;
        return bytes;
    }

    static byte[] ipv6(final int nextHeader, final byte[] src, final byte[] dst, final byte[] payload)
    {
        return ByteBuffer.allocate(40 + payload.length).putInt(0x6000_0000).putShort((short)payload.length)
            .put((byte)nextHeader).put((byte)64).put(src).put(dst).put(payload).array();
    }

    static byte[] udp(final int srcPort, final int dstPort, final byte[] payload)
    {
        return ByteBuffer.allocate(8 + payload.length).putShort((short)srcPort).putShort((short)dstPort)
            .putShort((short)(8 + payload.length)).putShort((short)0).put(payload).array();
    }

    /** The IP packet of a frame: what follows its 14-byte Ethernet header. */
    static byte[] ipPacket(final byte[] frame)
    {
        final byte[] packet = new byte[frame.length - ETHERNET];
        System.arraycopy(frame, ETHERNET, packet, 0, packet.length);
        return packet;
    }

    static byte[] concat(final byte[] first, final byte[] second)
    {
        return ByteBuffer.allocate(first.length + second.length).put(first).put(second).array();
    }
}
