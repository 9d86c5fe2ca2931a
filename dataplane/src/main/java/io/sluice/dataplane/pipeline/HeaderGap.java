package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.Memory;
import io.sluice.dataplane.packet.PacketBuffer;

import static io.sluice.dataplane.packet.NetworkOrder.getI32;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;

/**
 * What {@link ToaWriter} and {@link ProxyV2Writer} do alike: open a gap of {@code length} bytes
 * inside a packet, right after the first {@code before} bytes of its L4 header, by moving
 * everything in front of the gap (Ethernet with its tags, the IP header with its options or
 * extension headers, the start of the L4 header) toward the headroom. The bytes after the gap (the
 * rest of the L4 header and the payload) stay where they are: the cost is the headers' length,
 * whatever the payload's.
 * <pre>
 *   before:  | headroom          | Ethernet | IP | L4 [0, before) | rest of L4, payload |
 *   after:   | headroom | Ethernet | IP | L4 [0, before) | gap    | rest of L4, payload |
 * </pre>
 * The IP length (and the IPv4 header checksum, RFC 1624) grows by the gap and Ethernet padding
 * after the IP packet is cut. The context follows the frame: its addresses, lengths and IPv4 TTL
 * word (TTL, protocol and header checksum as the packet now holds them), so a NAT rewrite may
 * come before or after. The L4 header's own fields and checksum are the caller's. The caller has
 * checked the headroom, that the grown packet is at most 65535 bytes, and that the L4 header's
 * first {@code before} bytes are in the packet.
 */
final class HeaderGap
{
    private HeaderGap()
    {
    }

    /**
     * Opens the gap.
     *
     * @param ctx    the packet, parsed: its frame start, l2Length, l3, l4 and lengths.
     * @param packet its frame, with at least {@code length} bytes of headroom.
     * @param before bytes of the L4 header that move with the headers in front of the gap.
     * @param length the gap's length.
     * @return the new address of the L4 header; the gap starts {@code before} bytes after it.
     */
    static long open(final PacketContext ctx, final PacketBuffer packet, final int before, final int length)
    {
        final int oldIpLength = ctx.ipLength;
        final int ipLength = oldIpLength + length;
        packet.length(ctx.l2Length + oldIpLength);
        packet.prepend(length);
        final long start = packet.dataAddress();
        final long l4 = ctx.l4 - length;
        Memory.moveDown(start + length, start, (int)(l4 - start) + before);
        final long l3 = ctx.l3 - length;
        if (ctx.ipv6)
        {
            putU16(l3 + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET, ipLength - Ipv6Flyweight.HEADER_LENGTH);
        }
        else
        {
            putU16(l3 + Ipv4Flyweight.TOTAL_LENGTH_OFFSET, ipLength);
            final long checksumAt = l3 + Ipv4Flyweight.CHECKSUM_OFFSET;
            putU16(checksumAt, Checksums.update16(getU16(checksumAt), oldIpLength, ipLength));
            ctx.ttlWord = getI32(l3 + Ipv4Flyweight.TTL_OFFSET);
        }
        ctx.l3 = l3;
        ctx.l4 = l4;
        ctx.ipLength = ipLength;
        ctx.l4Length += length;
        ctx.frameLength = packet.dataLength();
        return l4;
    }
}
