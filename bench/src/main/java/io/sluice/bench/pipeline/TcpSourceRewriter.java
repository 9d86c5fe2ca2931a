package io.sluice.bench.pipeline;

import java.lang.foreign.MemorySegment;

import static io.sluice.bench.pipeline.TcpFrameEncoder.IPV4_HEADER_LENGTH;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IPV4_OFFSET;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IP_CHECKSUM_AT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IP_DST_AT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IP_SRC_AT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.PROTOCOL_TCP;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TCP_CHECKSUM_AT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TCP_HEADER_LENGTH;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TCP_OFFSET;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TCP_SRC_PORT_AT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.U32;
import static io.sluice.bench.pipeline.TcpFrameEncoder.checksum;
import static io.sluice.bench.pipeline.TcpFrameEncoder.putU16;
import static io.sluice.bench.pipeline.TcpFrameEncoder.u16;

/**
 * Gives frames copied from one template a new client source address and port, keeping the IPv4
 * header checksum and the TCP checksum valid. The parts of both sums that do not depend on the
 * source are computed once from the template, so a rewrite is four stores and a few additions:
 * that is how the new-flow benchmark makes every packet a 5-tuple never seen before.
 */
public final class TcpSourceRewriter
{
    private static final int IP_CHECKSUM_WORD = IP_CHECKSUM_AT - IPV4_OFFSET;
    private static final int IP_SRC_WORD = IP_SRC_AT - IPV4_OFFSET;
    private static final int TCP_CHECKSUM_WORD = TCP_CHECKSUM_AT - TCP_OFFSET;
    private static final int TCP_SRC_PORT_WORD = TCP_SRC_PORT_AT - TCP_OFFSET;

    private final long ipSumWithoutSource;
    private final long tcpSumWithoutSource;

    /**
     * Precomputes the source-independent sums of a template.
     *
     * @param memory   the segment holding the template.
     * @param template offset of a frame written by {@link TcpFrameEncoder#encode}.
     */
    public TcpSourceRewriter(final MemorySegment memory, final long template)
    {
        final long ip = template + IPV4_OFFSET;
        long ipSum = 0;
        for (int word = 0; word < IPV4_HEADER_LENGTH; word += 2)
        {
            final boolean skipped = word == IP_CHECKSUM_WORD || word == IP_SRC_WORD || word == IP_SRC_WORD + 2;
            ipSum += skipped ? 0 : u16(memory, ip + word);
        }
        ipSumWithoutSource = ipSum;

        final int dst = memory.get(U32, template + IP_DST_AT);
        long tcpSum = (dst >>> 16) + (dst & 0xFFFF) + PROTOCOL_TCP + TCP_HEADER_LENGTH;
        final long tcp = template + TCP_OFFSET;
        for (int word = 0; word < TCP_HEADER_LENGTH; word += 2)
        {
            final boolean skipped = word == TCP_CHECKSUM_WORD || word == TCP_SRC_PORT_WORD;
            tcpSum += skipped ? 0 : u16(memory, tcp + word);
        }
        tcpSumWithoutSource = tcpSum;
    }

    /**
     * Sets a copied frame's source address and port and patches both checksums. Allocation free;
     * the frame is afterwards byte for byte what {@link TcpFrameEncoder#encode} writes for that source.
     *
     * @param memory     the segment holding the frame.
     * @param frame      offset of the frame, a copy of the template.
     * @param srcAddress the new client address, a.b.c.d as 0xaabbccdd.
     * @param srcPort    the new client port.
     */
    public void rewrite(final MemorySegment memory, final long frame, final int srcAddress, final int srcPort)
    {
        final long addressSum = (srcAddress >>> 16) + (srcAddress & 0xFFFF);
        memory.set(U32, frame + IP_SRC_AT, srcAddress);
        putU16(memory, frame + TCP_SRC_PORT_AT, srcPort);
        putU16(memory, frame + IP_CHECKSUM_AT, checksum(ipSumWithoutSource + addressSum));
        putU16(memory, frame + TCP_CHECKSUM_AT, checksum(tcpSumWithoutSource + addressSum + srcPort));
    }
}
