package io.sluice.dataplane.pipeline;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * An encoder of test frames, written independently of the production flyweights (plain
 * {@link ByteBuffer}, its own checksum), so fixtures state expected bytes without trusting the
 * code under test.
 */
public final class Frames
{
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = 1;
    public static final int ICMPV6 = 58;
    public static final int IPIP = 4;
    public static final int IPV6_IN_IP = 41;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_ACK = 0x10;
    public static final int TCP_FIN = 0x01;
    public static final int TCP_RST = 0x04;

    private Frames()
    {
    }

    public static byte[] ip(final String literal)
    {
        try
        {
            return InetAddress.getByName(literal).getAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(literal, ex);
        }
    }

    public static byte[] mac(final String text)
    {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    public static long macLong(final String text)
    {
        long value = 0;
        for (final byte b : mac(text))
        {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
    }

    public static byte[] concat(final byte[]... parts)
    {
        int length = 0;
        for (final byte[] part : parts)
        {
            length += part.length;
        }
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        for (final byte[] part : parts)
        {
            buffer.put(part);
        }
        return buffer.array();
    }

    public static byte[] ethernet(final String dst, final String src, final int etherType, final byte[] payload)
    {
        return concat(mac(dst), mac(src), u16(etherType), payload);
    }

    public static byte[] ethernetVlan(final String dst, final String src, final int vlan, final int etherType, final byte[] payload)
    {
        return concat(mac(dst), mac(src), u16(0x8100), u16(vlan), u16(etherType), payload);
    }

    /** Pads a frame to the 60-byte Ethernet minimum, as a NIC would. */
    public static byte[] padded(final byte[] frame)
    {
        if (frame.length >= 60)
        {
            return frame;
        }
        final byte[] out = new byte[60];
        System.arraycopy(frame, 0, out, 0, frame.length);
        return out;
    }

    public static byte[] ipv4(
        final String src, final String dst, final int protocol, final int ttl, final int tos, final int flags, final int id,
        final byte[] payload)
    {
        return ipv4WithOptions(src, dst, protocol, ttl, tos, flags, id, new byte[0], payload);
    }

    public static byte[] ipv4WithOptions(
        final String src, final String dst, final int protocol, final int ttl, final int tos, final int flags, final int id,
        final byte[] options, final byte[] payload)
    {
        final int headerLength = 20 + options.length;
        final ByteBuffer b = ByteBuffer.allocate(headerLength + payload.length);
        b.put((byte)(0x40 | (headerLength / 4))).put((byte)tos).putShort((short)(headerLength + payload.length));
        b.putShort((short)id).putShort((short)flags).put((byte)ttl).put((byte)protocol).putShort((short)0);
        b.put(ip(src)).put(ip(dst)).put(options);
        final byte[] out = b.array();
        final int checksum = checksum(out, 0, headerLength, 0);
        out[10] = (byte)(checksum >>> 8);
        out[11] = (byte)checksum;
        System.arraycopy(payload, 0, out, headerLength, payload.length);
        return out;
    }

    public static byte[] ipv6(
        final String src, final String dst, final int nextHeader, final int hopLimit, final int trafficClass,
        final int flowLabel, final byte[] payload)
    {
        final ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.putInt((6 << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xFFFFF));
        b.putShort((short)payload.length).put((byte)nextHeader).put((byte)hopLimit);
        b.put(ip(src)).put(ip(dst)).put(payload);
        return b.array();
    }

    public static byte[] tcp(final String src, final String dst, final int sport, final int dport, final int flags, final byte[] data)
    {
        final ByteBuffer b = ByteBuffer.allocate(20 + data.length);
        b.putShort((short)sport).putShort((short)dport).putInt(1000).putInt(flags == TCP_SYN ? 0 : 2000);
        b.put((byte)0x50).put((byte)flags).putShort((short)65535).putShort((short)0).putShort((short)0).put(data);
        final byte[] out = b.array();
        setL4Checksum(out, 16, src, dst, TCP);
        return out;
    }

    /**
     * TCP with options (padded by the caller to a multiple of 4), sequence and acknowledgement
     * numbers as {@link #tcp}.
     */
    public static byte[] tcpWithOptions(
        final String src, final String dst, final int sport, final int dport, final int flags, final byte[] options, final byte[] data)
    {
        if (options.length % 4 != 0 || options.length > 40)
        {
            throw new IllegalArgumentException("TCP options of " + options.length + " bytes");
        }
        final ByteBuffer b = ByteBuffer.allocate(20 + options.length + data.length);
        b.putShort((short)sport).putShort((short)dport).putInt(1000).putInt((flags & TCP_ACK) == 0 ? 0 : 2000);
        b.put((byte)((5 + options.length / 4) << 4)).put((byte)flags).putShort((short)65535).putShort((short)0).putShort((short)0);
        b.put(options).put(data);
        final byte[] out = b.array();
        setL4Checksum(out, 16, src, dst, TCP);
        return out;
    }

    /** The MSS option (kind 2, length 4). */
    public static byte[] mssOption(final int mss)
    {
        return concat(new byte[]{2, 4}, u16(mss));
    }

    /** The TOA option: kind, length 8 or 20, the client's port and address. */
    public static byte[] toaOption(final int kind, final int port, final String address)
    {
        final byte[] ip = ip(address);
        return concat(new byte[]{(byte)kind, (byte)(4 + ip.length)}, u16(port), ip);
    }

    /** A PROXY protocol v2 header for UDP (family 0x12 or 0x22 by the addresses' family), no TLVs. */
    public static byte[] proxyV2Udp(final String src, final int sport, final String dst, final int dport)
    {
        final byte[] s = ip(src);
        final byte[] d = ip(dst);
        final byte[] signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
        final int family = s.length == 4 ? 0x12 : 0x22;
        return concat(signature, new byte[]{0x21, (byte)family}, u16(2 * s.length + 4), s, d, u16(sport), u16(dport));
    }

    public static byte[] udp(final String src, final String dst, final int sport, final int dport, final byte[] data)
    {
        final ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short)sport).putShort((short)dport).putShort((short)(8 + data.length)).putShort((short)0).put(data);
        final byte[] out = b.array();
        setL4Checksum(out, 6, src, dst, UDP);
        return out;
    }

    /** UDP with a zero checksum (allowed over IPv4). */
    public static byte[] udpNoChecksum(final int sport, final int dport, final byte[] data)
    {
        final ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short)sport).putShort((short)dport).putShort((short)(8 + data.length)).putShort((short)0).put(data);
        return b.array();
    }

    public static byte[] icmpv4(final int type, final int code, final int rest, final byte[] data)
    {
        final ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put((byte)type).put((byte)code).putShort((short)0).putInt(rest).put(data);
        final byte[] out = b.array();
        final int checksum = checksum(out, 0, out.length, 0);
        out[2] = (byte)(checksum >>> 8);
        out[3] = (byte)checksum;
        return out;
    }

    public static byte[] icmpv6(final String src, final String dst, final int type, final int code, final int rest, final byte[] data)
    {
        final ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put((byte)type).put((byte)code).putShort((short)0).putInt(rest).put(data);
        final byte[] out = b.array();
        setL4Checksum(out, 2, src, dst, ICMPV6);
        return out;
    }

    public static byte[] arp(final int operation, final String senderMac, final String senderIp, final String targetMac, final String targetIp)
    {
        return concat(u16(1), u16(0x0800), new byte[]{6, 4}, u16(operation), mac(senderMac), ip(senderIp), mac(targetMac), ip(targetIp));
    }

    public static byte[] u16(final int value)
    {
        return new byte[]{(byte)(value >>> 8), (byte)value};
    }

    public static byte[] u32(final int value)
    {
        return new byte[]{(byte)(value >>> 24), (byte)(value >>> 16), (byte)(value >>> 8), (byte)value};
    }

    /** Computes and stores a TCP/UDP/ICMPv6 checksum over the pseudo-header of src/dst. */
    public static void setL4Checksum(final byte[] segment, final int checksumOffset, final String src, final String dst, final int protocol)
    {
        segment[checksumOffset] = 0;
        segment[checksumOffset + 1] = 0;
        final byte[] s = ip(src);
        final byte[] d = ip(dst);
        long sum = 0;
        sum += sumBytes(s) + sumBytes(d) + protocol + segment.length;
        if (s.length == 16)
        {
            sum = sumBytes(s) + sumBytes(d) + (segment.length >>> 16) + (segment.length & 0xFFFF) + protocol;
        }
        int checksum = checksum(segment, 0, segment.length, sum);
        if (protocol == UDP && checksum == 0)
        {
            checksum = 0xFFFF;
        }
        segment[checksumOffset] = (byte)(checksum >>> 8);
        segment[checksumOffset + 1] = (byte)checksum;
    }

    private static long sumBytes(final byte[] bytes)
    {
        long sum = 0;
        for (int i = 0; i < bytes.length; i += 2)
        {
            sum += ((bytes[i] & 0xFF) << 8) | (i + 1 < bytes.length ? bytes[i + 1] & 0xFF : 0);
        }
        return sum;
    }

    /** Internet checksum of bytes [offset, offset+length) plus an initial sum. */
    public static int checksum(final byte[] bytes, final int offset, final int length, final long initial)
    {
        long sum = initial;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = bytes[offset + i] & 0xFF;
            final int lo = i + 1 < length ? bytes[offset + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    /** Whether the Internet checksum over a range (with its checksum field in place) verifies. */
    public static boolean verifies(final byte[] bytes, final int offset, final int length, final long initial)
    {
        return checksum(bytes, offset, length, initial) == 0;
    }

    public static String hex(final byte[] bytes)
    {
        return HexFormat.of().formatHex(bytes);
    }
}
