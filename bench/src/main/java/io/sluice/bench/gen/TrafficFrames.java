package io.sluice.bench.gen;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import io.sluice.dpdk.Mbuf;

import static io.sluice.bench.pipeline.TcpFrameEncoder.U16;
import static io.sluice.bench.pipeline.TcpFrameEncoder.U32;
import static io.sluice.bench.gen.Stamp.U64;
import static io.sluice.bench.pipeline.TcpFrameEncoder.checksum;
import static io.sluice.bench.pipeline.TcpFrameEncoder.sum;

/**
 * The generator's frames, from a client to the VIP, built once as two templates in native memory
 * (a flow's first packet: TCP SYN or the first UDP datagram; and the packets after it: TCP ACK or
 * UDP) and per packet copied into the mbuf with the tuple, the sequence and the send time written in:
 * <pre>
 *  Ethernet II (14) | IPv4 (20, DF, TTL 64) or IPv6 (40, hop limit 64) | TCP (20) or UDP (8) | stamp (16) | zeros
 * </pre>
 * The frame is {@code frameSize - 4} bytes in the mbuf: the frame size counts the Ethernet FCS, as
 * on the wire. Checksums are valid: each template keeps the one's-complement sums of its headers with
 * the per-packet fields zero (client address's low 32 bits, source port, sequence, send time), and
 * {@link #write} adds those fields' words, so a packet costs a copy and a few adds, never a pass
 * over the payload. No per-flow memory: ten million flows cost what one does.
 */
final class TrafficFrames implements AutoCloseable
{
    static final int ETHERNET_LENGTH = 14;
    static final int IPV4_LENGTH = 20;
    static final int IPV6_LENGTH = 40;
    static final int TCP_LENGTH = 20;
    static final int UDP_LENGTH = 8;
    static final int FCS_LENGTH = 4;
    static final int PROTOCOL_TCP = 6;
    static final int PROTOCOL_UDP = 17;
    static final int TCP_FLAG_SYN = 0x02;
    static final int TCP_FLAG_ACK = 0x10;
    static final int TTL = 64;
    static final int FIRST_SEQUENCE = 0x1000_0000;

    private static final MemorySegment MEMORY = Mbuf.memory();
    private static final int ETHER_TYPE_IPV4 = 0x0800;
    private static final int ETHER_TYPE_IPV6 = 0x86DD;

    private final Arena arena = Arena.ofShared();
    private final ClientSpace clients;
    private final boolean ipv4;
    private final boolean udp;
    private final int frameLength;
    private final int l4At;
    private final int stampAt;
    private final int sourceLow32At;
    private final long firstTemplate;
    private final long nextTemplate;
    private final long ipBaseSum;
    private final long firstL4BaseSum;
    private final long nextL4BaseSum;

    /**
     * Builds the templates.
     *
     * @param config the generator's settings: family (the VIP's), protocol, MACs, client network, frame size.
     * @param srcMac the source MAC, as a 48-bit value.
     */
    TrafficFrames(final GenConfig config, final long srcMac)
    {
        ipv4 = config.vip().length == 4;
        udp = config.protocol() == PROTOCOL_UDP;
        clients = config.clients();
        frameLength = config.frameSize() - FCS_LENGTH;
        final int ipLength = ipv4 ? IPV4_LENGTH : IPV6_LENGTH;
        l4At = ETHERNET_LENGTH + ipLength;
        stampAt = l4At + (udp ? UDP_LENGTH : TCP_LENGTH);
        sourceLow32At = ETHERNET_LENGTH + (ipv4 ? 12 : 8 + 12);
        if (stampAt + Stamp.LENGTH > frameLength)
        {
            throw new IllegalArgumentException("frame size " + config.frameSize() + " is below the minimum " +
                minimumFrameSize(ipv4, udp) + " for " + (ipv4 ? "IPv4 " : "IPv6 ") + (udp ? "UDP" : "TCP"));
        }
        final byte[] first = template(config, srcMac, true);
        final byte[] next = template(config, srcMac, false);
        ipBaseSum = ipv4 ? sum(MemorySegment.ofArray(first), ETHERNET_LENGTH, IPV4_LENGTH) : 0;
        firstL4BaseSum = l4BaseSum(first);
        nextL4BaseSum = l4BaseSum(next);
        firstTemplate = copyToNative(first);
        nextTemplate = copyToNative(next);
    }

    /**
     * The smallest frame size, FCS included, that holds the headers and the stamp.
     *
     * @param ipv4 the family.
     * @param udp  UDP, else TCP.
     * @return the size in bytes.
     */
    static int minimumFrameSize(final boolean ipv4, final boolean udp)
    {
        return ETHERNET_LENGTH + (ipv4 ? IPV4_LENGTH : IPV6_LENGTH) + (udp ? UDP_LENGTH : TCP_LENGTH) + Stamp.LENGTH +
            FCS_LENGTH;
    }

    /**
     * @return bytes of a frame in the mbuf (the frame size without the FCS).
     */
    int frameLength()
    {
        return frameLength;
    }

    /**
     * Writes one packet.
     *
     * @param frame    where to write {@link #frameLength()} bytes.
     * @param first    the flow's first packet (TCP SYN), else one after it (TCP ACK); the same for UDP.
     * @param tuple    the client tuple's number, see {@link ClientSpace}.
     * @param sequence the packet's sequence number for the stamp.
     * @param sendNs   the send time for the stamp.
     */
    void write(final long frame, final boolean first, final long tuple, final int sequence, final long sendNs)
    {
        MemorySegment.copy(MEMORY, first ? firstTemplate : nextTemplate, MEMORY, frame, frameLength);
        final int source = clients.addressLow32(tuple);
        final int port = clients.port(tuple);
        MEMORY.set(U32, frame + sourceLow32At, source);
        MEMORY.set(U16, frame + l4At, (short)port);
        MEMORY.set(U32, frame + stampAt + Stamp.SEQUENCE_OFFSET, sequence);
        MEMORY.set(U64, frame + stampAt + Stamp.TIME_OFFSET, sendNs);
        final long sourceWords = (source >>> 16) + (source & 0xFFFF);
        if (ipv4)
        {
            MEMORY.set(U16, frame + ETHERNET_LENGTH + 10, (short)checksum(ipBaseSum + sourceWords));
        }
        final long l4Sum = (first ? firstL4BaseSum : nextL4BaseSum) + sourceWords + port + (sequence >>> 16) +
            (sequence & 0xFFFF) + (sendNs >>> 48) + ((sendNs >>> 32) & 0xFFFF) + ((sendNs >>> 16) & 0xFFFF) + (sendNs & 0xFFFF);
        final int l4Checksum = checksum(l4Sum);
        MEMORY.set(U16, frame + l4At + (udp ? 6 : 16), (short)(udp && l4Checksum == 0 ? 0xFFFF : l4Checksum));
    }

    /**
     * Frees the templates.
     */
    @Override
    public void close()
    {
        arena.close();
    }

    private byte[] template(final GenConfig config, final long srcMac, final boolean first)
    {
        final byte[] frame = new byte[frameLength];
        final ByteBuffer buffer = ByteBuffer.wrap(frame);
        putMac(buffer, config.dstMac());
        putMac(buffer, srcMac);
        buffer.putShort((short)(ipv4 ? ETHER_TYPE_IPV4 : ETHER_TYPE_IPV6));
        final int l4Length = frameLength - l4At;
        if (ipv4)
        {
            buffer.put((byte)0x45).put((byte)0).putShort((short)(IPV4_LENGTH + l4Length)).putShort((short)0)
                .putShort((short)0x4000).put((byte)TTL).put((byte)config.protocol()).putShort((short)0).putInt(0)
                .put(config.vip());
        }
        else
        {
            final byte[] network = config.clientNetwork().clone();
            network[12] = 0;
            network[13] = 0;
            network[14] = 0;
            network[15] = 0;
            buffer.putInt(0x6000_0000).putShort((short)l4Length).put((byte)config.protocol()).put((byte)TTL).put(network)
                .put(config.vip());
        }
        if (udp)
        {
            buffer.putShort((short)0).putShort((short)config.vipPort()).putShort((short)l4Length).putShort((short)0);
        }
        else
        {
            buffer.putShort((short)0).putShort((short)config.vipPort()).putInt(first ? FIRST_SEQUENCE : FIRST_SEQUENCE + 1)
                .putInt(first ? 0 : 1).put((byte)(TCP_LENGTH / 4 << 4)).put((byte)(first ? TCP_FLAG_SYN : TCP_FLAG_ACK))
                .putShort((short)0xFFFF).putInt(0);
        }
        buffer.putInt(Stamp.MAGIC);
        return frame;
    }

    private long l4BaseSum(final byte[] frame)
    {
        final MemorySegment segment = MemorySegment.ofArray(frame);
        final int l4Length = frameLength - l4At;
        final int addresses = ipv4 ? 8 : 32;
        final long pseudoHeader = sum(segment, l4At - addresses, addresses) + (frame[ETHERNET_LENGTH + (ipv4 ? 9 : 6)] & 0xFF) +
            l4Length;
        final int even = l4Length & ~1;
        final long odd = (l4Length & 1) == 0 ? 0 : (frame[frameLength - 1] & 0xFF) << 8;
        return pseudoHeader + sum(segment, l4At, even) + odd;
    }

    private long copyToNative(final byte[] frame)
    {
        final MemorySegment template = arena.allocate(frame.length, 64);
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, template, 0, frame.length);
        return template.address();
    }

    private static void putMac(final ByteBuffer buffer, final long mac)
    {
        buffer.putShort((short)(mac >>> 32)).putInt((int)mac);
    }
}
