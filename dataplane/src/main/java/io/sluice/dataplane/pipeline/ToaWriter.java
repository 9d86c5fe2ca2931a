package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.packet.TcpFlyweight;
import io.sluice.dataplane.packet.TcpOptions;

import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_TCP;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;

/**
 * The TOA writer: in full NAT the backend sees the LB's address as the source, so the client's
 * address and port travel in a TCP option ("TCP option address", a de-facto format of LVS/DPVS
 * and the backend kernel modules that read it; not an IETF option). It goes right after the
 * 20-byte base header, the segment's own options after it:
 * <pre>
 *   IPv4:  kind | len = 8  | client port (2) | client address (4)
 *   IPv6:  kind | len = 20 | client port (2) | client address (16)
 * </pre>
 * The kind is configurable: 254 (an RFC 4727 experimental kind, used without RFC 6994's ExID) is
 * what DPVS and the usual {@code toa.ko} read; some vendors' modules use 200. Both lengths are
 * multiples of 4, so the options after it keep their alignment.
 * <p>
 * <b>Insertion.</b> {@link HeaderGap} moves the headers in front of the option 8 or 20 bytes into
 * the headroom; the segment's options and payload stay in place. The data offset, the IP length
 * (and the IPv4 header checksum) grow; the TCP checksum is updated, not recomputed: the option's
 * words, the data offset and the pseudo-header's length are what changed, and the moved options
 * keep their word alignment. The writer works on the segment as it will leave, after the full-NAT
 * rewrite, and is given the <em>original</em> client address and port. A segment that cannot take
 * the option is left as it was, with the reason returned for the caller to count: no headroom,
 * no room in the header (60 bytes at most: a segment with timestamps and SACK blocks may have
 * none), or a packet that would exceed the MTU toward the backend (the LB never fragments).
 * <p>
 * <b>Which segments.</b> The backend's module reads the option when the handshake completes (Linux
 * builds the socket from the ACK that completes it, and the module looks at that segment), so an
 * option in the SYN alone is not enough. DPVS adds it to the SYN and to every client-to-backend
 * segment until the server's first data (the ACK equals the server's ISN + 1), which costs 4 bytes
 * of state per flow. The stateless choice is the option in every client-to-backend segment that
 * has room: 8 or 20 bytes per packet, no state to keep or replicate, and still right after a
 * failover in the middle of a handshake.
 * <p>
 * <b>MSS.</b> The client does not know the option will be added, so its full-sized segments would
 * grow past the backend side's MTU. The backend's SYN-ACK has its MSS lowered on the way to the
 * client to {@code min(mss, clamp) - } {@link #optionLength}: {@link TcpOptions#clampMss} with that
 * length as {@code reduceBy}. A SYN-ACK without an MSS option is left alone: the default MSS (536
 * over IPv4, 1220 over IPv6) leaves room on all but minimum-MTU paths, where the MTU check skips
 * the option.
 * <p>
 * <b>Why not PROXY protocol v2 for TCP.</b> Its header is the first bytes of the byte stream, so
 * inserting it shifts every later sequence number: the client's sequence numbers up, and the
 * backend's acknowledgements and SACK blocks down, in every segment of the flow both ways. That is
 * per-flow state touched by every packet, which must also be replicated or the flow breaks after
 * a failover; retransmissions of the first segment must be recognised and get the header again;
 * and for protocols where the server speaks first (SMTP, MySQL) the LB would have to send a
 * segment of its own that nobody retransmits if it is lost. {@link ProxyV2Writer} serves UDP,
 * where every datagram carries the header and nothing is shifted.
 */
final class ToaWriter
{
    /** The default option kind (DPVS, {@code toa.ko}). */
    static final int DEFAULT_KIND = 254;
    /** The option's length over IPv4. */
    static final int IPV4_OPTION_LENGTH = 8;
    /** The option's length over IPv6. */
    static final int IPV6_OPTION_LENGTH = 20;

    /** {@link #insert}: the option is in, the packet 8 or 20 bytes longer. */
    static final int INSERTED = 0;
    /** {@link #insert}: not enough headroom to grow the frame; unchanged. */
    static final int NO_HEADROOM = 1;
    /** {@link #insert}: the TCP header would exceed 60 bytes; unchanged. */
    static final int NO_OPTION_ROOM = 2;
    /** {@link #insert}: the packet would exceed the MTU (or 65535 bytes); unchanged. */
    static final int OVER_MTU = 3;
    /** {@link #insert}: not a whole TCP segment (another protocol, a fragment, a broken header); unchanged. */
    static final int NOT_APPLICABLE = 4;

    private static final int DATA_OFFSET_OFFSET = 12;
    private static final int MAX_IP_LENGTH = 0xFFFF;

    /**
     * The option's length for a family, which is also what the MSS clamp subtracts.
     *
     * @param ipv6 the family.
     * @return 20 for IPv6, 8 for IPv4.
     */
    static int optionLength(final boolean ipv6)
    {
        return ipv6 ? IPV6_OPTION_LENGTH : IPV4_OPTION_LENGTH;
    }

    /**
     * Inserts the TOA option after the TCP base header. The context follows the frame (addresses,
     * lengths), so later stages see the grown packet.
     *
     * @param ctx        the packet, parsed, its frame starting at {@code packet}'s data start.
     * @param packet     its frame.
     * @param kind       the option kind, {@link #DEFAULT_KIND} or the service's.
     * @param clientHi   the client's address, high half (IPv6; unused for IPv4).
     * @param clientLo   the client's address, low half; for IPv4 the address is its low 32 bits.
     * @param clientPort the client's port.
     * @param mtu        the largest IP packet toward the backend.
     * @return {@link #INSERTED}, {@link #NO_HEADROOM}, {@link #NO_OPTION_ROOM}, {@link #OVER_MTU}
     *         or {@link #NOT_APPLICABLE}.
     */
    int insert(
        final PacketContext ctx, final PacketBuffer packet, final int kind, final long clientHi, final long clientLo,
        final int clientPort, final int mtu)
    {
        final long oldL4 = ctx.l4;
        final int l4Length = ctx.l4Length;
        if (ctx.protocol != PROTOCOL_TCP || ctx.fragment || l4Length < TcpFlyweight.MIN_HEADER_LENGTH)
        {
            return NOT_APPLICABLE;
        }
        final int offsetWord = getU16(oldL4 + DATA_OFFSET_OFFSET);
        final int headerLength = (offsetWord >>> 12) << 2;
        if (headerLength < TcpFlyweight.MIN_HEADER_LENGTH || headerLength > l4Length)
        {
            return NOT_APPLICABLE;
        }
        final boolean ipv6 = ctx.ipv6;
        final int length = optionLength(ipv6);
        if (headerLength + length > TcpOptions.MAX_HEADER_LENGTH)
        {
            return NO_OPTION_ROOM;
        }
        final int ipLength = ctx.ipLength + length;
        if (ipLength > mtu || ipLength > MAX_IP_LENGTH)
        {
            return OVER_MTU;
        }
        if (packet.headroom() < length)
        {
            return NO_HEADROOM;
        }
        final long tcp = HeaderGap.open(ctx, packet, TcpFlyweight.MIN_HEADER_LENGTH, length);
        final long option = tcp + TcpFlyweight.MIN_HEADER_LENGTH;
        final int head = ((kind & 0xFF) << 8) | length;
        final int port = clientPort & 0xFFFF;
        int delta = head + port;
        if (ipv6)
        {
            putI32(option, (head << 16) | port);
            putI64(option + 4, clientHi);
            putI64(option + 12, clientLo);
            delta += Checksums.sum64(clientHi) + Checksums.sum64(clientLo);
        }
        else
        {
            final int address = (int)clientLo;
            putI64(option, ((long)head << 48) | ((long)port << 32) | (address & 0xFFFF_FFFFL));
            delta += Checksums.sum32(address);
        }
        final int offsetDelta = (length >>> 2) << 12;
        putU16(tcp + DATA_OFFSET_OFFSET, offsetWord + offsetDelta);
        delta += offsetDelta + length;
        final long checksumAt = tcp + TcpFlyweight.CHECKSUM_OFFSET;
        putU16(checksumAt, Checksums.adjust(getU16(checksumAt), delta));
        return INSERTED;
    }
}
