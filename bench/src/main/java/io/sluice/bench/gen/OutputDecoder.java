package io.sluice.bench.gen;

import java.lang.foreign.MemorySegment;

import io.sluice.dpdk.Mbuf;

import static io.sluice.bench.pipeline.TcpFrameEncoder.U16;
import static io.sluice.bench.pipeline.TcpFrameEncoder.U32;
import static io.sluice.bench.gen.Stamp.U64;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Decodes what the load balancer sent on: skips Ethernet and up to two VLAN tags, the outer IP
 * header and the tunnel (IPIP; UDP and GUE variant 0 or 1), the client's IP and TCP or UDP
 * header, and reads the generator's {@link Stamp}. Every header is bounds-checked against the
 * frame before it is read; a frame that is not the generator's traffic in the expected form gets a
 * reason, never an exception. After {@link #OK} the backend ({@link #backendKind()},
 * {@link #backendHigh()}, {@link #backendLow()}), {@link #sequence()} and {@link #sendNs()} are
 * those of the frame. Allocates nothing; one per receiving thread.
 */
final class OutputDecoder
{
    static final int OK = 0;
    static final int TOO_SHORT = 1;
    static final int NOT_IP = 2;
    static final int FRAGMENT = 3;
    static final int NOT_TUNNELLED = 4;
    static final int BAD_GUE = 5;
    static final int NOT_TCP_OR_UDP = 6;
    static final int NO_MAGIC = 7;
    static final int MULTI_SEGMENT = 8;

    /** Names of the reasons, by code; {@code [OK]} is unused. */
    static final String[] REASONS =
    {
        "ok", "too-short", "not-ip", "fragment", "not-tunnelled", "bad-gue", "not-tcp-or-udp", "no-magic", "multi-segment"
    };

    private static final MemorySegment MEMORY = Mbuf.memory();
    private static final int ETHERNET_LENGTH = 14;
    private static final int VLAN_LENGTH = 4;
    private static final int MAX_VLAN_TAGS = 2;
    private static final int ETHER_TYPE_IPV4 = 0x0800;
    private static final int ETHER_TYPE_IPV6 = 0x86DD;
    private static final int ETHER_TYPE_VLAN = 0x8100;
    private static final int ETHER_TYPE_QINQ = 0x88A8;
    private static final int PROTOCOL_IPIP = 4;
    private static final int PROTOCOL_IPV6 = 41;
    private static final int PROTOCOL_FRAGMENT = 44;
    private static final int GUE_HEADER_LENGTH = 4;

    private final Expect expect;
    private final int guePort;
    private int ipProtocol;
    private int ipPayloadAt;
    private int ipKind;
    private long ipDstHigh;
    private long ipDstLow;
    private int backendKind;
    private long backendHigh;
    private long backendLow;
    private int sequence;
    private long sendNs;

    /**
     * @param expect  the load balancer's output mode.
     * @param guePort the UDP destination port of GUE packets.
     */
    OutputDecoder(final Expect expect, final int guePort)
    {
        this.expect = expect;
        this.guePort = guePort;
    }

    /**
     * Decodes one frame.
     *
     * @param frame  the frame's address.
     * @param length its length.
     * @return {@link #OK} or the reason it is not the generator's traffic as expected.
     */
    int decode(final long frame, final int length)
    {
        if (length < ETHERNET_LENGTH)
        {
            return TOO_SHORT;
        }
        int at = ETHERNET_LENGTH;
        int etherType = u16(frame + 12);
        for (int tags = 0; tags < MAX_VLAN_TAGS && (etherType == ETHER_TYPE_VLAN || etherType == ETHER_TYPE_QINQ); tags++)
        {
            if (at + VLAN_LENGTH > length)
            {
                return TOO_SHORT;
            }
            etherType = u16(frame + at + 2);
            at += VLAN_LENGTH;
        }
        final int version = etherType == ETHER_TYPE_IPV4 ? 4 : etherType == ETHER_TYPE_IPV6 ? 6 : 0;
        if (version == 0)
        {
            return NOT_IP;
        }
        int result = ip(frame, at, length, version);
        if (result != OK)
        {
            return result;
        }
        backendKind = ipKind;
        backendHigh = ipDstHigh;
        backendLow = ipDstLow;
        if (expect == Expect.DSR)
        {
            backendKind = BackendTable.KIND_MAC;
            backendHigh = 0;
            backendLow = (u16(frame) & 0xFFFFL) << 32 | (MEMORY.get(U32, frame + 2) & 0xFFFF_FFFFL);
        }
        else if (expect == Expect.IPIP)
        {
            result = ipip(frame, length);
        }
        else if (expect == Expect.GUE)
        {
            result = gue(frame, length);
        }
        return result == OK ? transport(frame, length) : result;
    }

    /**
     * @return the backend's key kind: {@link BackendTable#KIND_IPV4}, {@code KIND_IPV6} or {@code KIND_MAC}.
     */
    int backendKind()
    {
        return backendKind;
    }

    /**
     * @return the high 64 bits of an IPv6 backend address, else 0.
     */
    long backendHigh()
    {
        return backendHigh;
    }

    /**
     * @return the low 64 bits of an IPv6 backend address, an IPv4 address or a MAC.
     */
    long backendLow()
    {
        return backendLow;
    }

    /**
     * @return the stamp's sequence number.
     */
    int sequence()
    {
        return sequence;
    }

    /**
     * @return the stamp's send time.
     */
    long sendNs()
    {
        return sendNs;
    }

    private int ipip(final long frame, final int length)
    {
        if (ipProtocol != PROTOCOL_IPIP && ipProtocol != PROTOCOL_IPV6)
        {
            return NOT_TUNNELLED;
        }
        return ip(frame, ipPayloadAt, length, ipProtocol == PROTOCOL_IPIP ? 4 : 6);
    }

    private int gue(final long frame, final int length)
    {
        final int udp = ipPayloadAt;
        if (ipProtocol != TrafficFrames.PROTOCOL_UDP || udp + TrafficFrames.UDP_LENGTH > length ||
            u16(frame + udp + 2) != guePort)
        {
            return NOT_TUNNELLED;
        }
        final int gue = udp + TrafficFrames.UDP_LENGTH;
        if (gue + 1 > length)
        {
            return TOO_SHORT;
        }
        final int first = u8(frame + gue);
        final int variant = first >>> 6;
        if (variant == 1)
        {
            final int version = first >>> 4;
            return version == 4 || version == 6 ? ip(frame, gue, length, version) : BAD_GUE;
        }
        if (variant != 0 || gue + GUE_HEADER_LENGTH > length)
        {
            return variant != 0 ? BAD_GUE : TOO_SHORT;
        }
        final int protocol = u8(frame + gue + 1);
        if ((first & 0x20) != 0 || protocol != PROTOCOL_IPIP && protocol != PROTOCOL_IPV6)
        {
            return BAD_GUE;
        }
        return ip(frame, gue + GUE_HEADER_LENGTH + (first & 0x1F) * 4, length, protocol == PROTOCOL_IPIP ? 4 : 6);
    }

    private int ip(final long frame, final int at, final int length, final int version)
    {
        if (version == 4)
        {
            if (at + TrafficFrames.IPV4_LENGTH > length)
            {
                return TOO_SHORT;
            }
            final int versionAndLength = u8(frame + at);
            final int headerLength = (versionAndLength & 0xF) * 4;
            if (versionAndLength >>> 4 != 4 || headerLength < TrafficFrames.IPV4_LENGTH)
            {
                return NOT_IP;
            }
            if ((u16(frame + at + 6) & 0x3FFF) != 0)
            {
                return FRAGMENT;
            }
            ipProtocol = u8(frame + at + 9);
            ipKind = BackendTable.KIND_IPV4;
            ipDstHigh = 0;
            ipDstLow = MEMORY.get(U32, frame + at + 16) & 0xFFFF_FFFFL;
            ipPayloadAt = at + headerLength;
            return OK;
        }
        if (at + TrafficFrames.IPV6_LENGTH > length)
        {
            return TOO_SHORT;
        }
        if (u8(frame + at) >>> 4 != 6)
        {
            return NOT_IP;
        }
        ipProtocol = u8(frame + at + 6);
        if (ipProtocol == PROTOCOL_FRAGMENT)
        {
            return FRAGMENT;
        }
        ipKind = BackendTable.KIND_IPV6;
        ipDstHigh = MEMORY.get(U64, frame + at + 24);
        ipDstLow = MEMORY.get(U64, frame + at + 32);
        ipPayloadAt = at + TrafficFrames.IPV6_LENGTH;
        return OK;
    }

    private int transport(final long frame, final int length)
    {
        final int l4 = ipPayloadAt;
        final int payload;
        if (ipProtocol == TrafficFrames.PROTOCOL_TCP)
        {
            if (l4 + TrafficFrames.TCP_LENGTH > length)
            {
                return TOO_SHORT;
            }
            payload = l4 + (u8(frame + l4 + 12) >>> 4) * 4;
        }
        else if (ipProtocol == TrafficFrames.PROTOCOL_UDP)
        {
            payload = l4 + TrafficFrames.UDP_LENGTH;
        }
        else
        {
            return NOT_TCP_OR_UDP;
        }
        if (payload + Stamp.LENGTH > length)
        {
            return TOO_SHORT;
        }
        if (MEMORY.get(U32, frame + payload + Stamp.MAGIC_OFFSET) != Stamp.MAGIC)
        {
            return NO_MAGIC;
        }
        sequence = MEMORY.get(U32, frame + payload + Stamp.SEQUENCE_OFFSET);
        sendNs = MEMORY.get(U64, frame + payload + Stamp.TIME_OFFSET);
        return OK;
    }

    private static int u8(final long address)
    {
        return MEMORY.get(JAVA_BYTE, address) & 0xFF;
    }

    private static int u16(final long address)
    {
        return MEMORY.get(U16, address) & 0xFFFF;
    }
}
