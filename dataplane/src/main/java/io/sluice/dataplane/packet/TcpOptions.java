package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.getU8;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;

/**
 * TCP options (RFC 9293 3.1) and the MSS clamp: a SYN's Maximum Segment Size option lowered in
 * place, so that the segments the other end sends fit a path with less room than it thinks.
 * <pre>
 *   options: kind 0 (end of list) | kind 1 (no-op) | kind, length (2..40, covers both), value
 *   MSS:     kind 2, length 4, value (2 bytes, network order); only in a SYN or SYN-ACK
 * </pre>
 * The list is walked within the header's data offset: an option whose length byte is missing,
 * below 2 or past the header, or an MSS option whose length is not 4, makes the list malformed,
 * and a malformed list is left alone ({@link #MALFORMED}): a receiver would not parse it the same
 * way. Every MSS option in the list is clamped (Linux uses the last, others the first).
 * <p>
 * The TCP checksum is updated, not recomputed (RFC 1624 eqn. 3). A 16-bit value at an odd offset
 * from the TCP header's start (an MSS option after a single no-op) straddles two checksum words:
 * its high byte is the low half of one, its low byte the high half of the next, so it adds its
 * byte-swapped value to the sum, and the update uses the swapped old and new values.
 * <p>
 * A SYN without an MSS option is left alone ({@link #MSS_ABSENT}): the other end then assumes the
 * default of RFC 9293 3.7.1 (536 bytes over IPv4, 1220 over IPv6, RFC 8200 8.3), already as
 * small as paths get, and adding an option would mean growing the header.
 */
public final class TcpOptions
{
    /** Option kind: end of the option list. */
    public static final int KIND_END = 0;
    /** Option kind: no-operation (one byte, for alignment). */
    public static final int KIND_NOP = 1;
    /** Option kind: maximum segment size. */
    public static final int KIND_MSS = 2;
    /** Length of the MSS option. */
    public static final int MSS_LENGTH = 4;
    /** The largest TCP header: a data offset of 15 words. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** The smallest MSS the clamp writes (Linux's {@code TCP_MIN_MSS}); an MSS already smaller is kept. */
    public static final int MIN_MSS = 88;

    /** {@link #clampMss}: at least one MSS option lowered, the checksum updated. */
    public static final int MSS_CLAMPED = 0;
    /** {@link #clampMss}: the MSS is already at most the target; nothing written. */
    public static final int MSS_UNCHANGED = 1;
    /** {@link #clampMss}: a SYN without an MSS option; nothing written. */
    public static final int MSS_ABSENT = 2;
    /** {@link #clampMss}: not a SYN, the MSS option has no meaning there; nothing written. */
    public static final int NOT_SYN = 3;
    /** {@link #clampMss}: the header or its option list is malformed; nothing written. */
    public static final int MALFORMED = 4;

    private static final int DATA_OFFSET_OFFSET = 12;
    private static final int NONE = -1;
    private static final int BROKEN = -2;

    private TcpOptions()
    {
    }

    /**
     * Lowers the MSS of a SYN (or SYN-ACK) to {@code min(mss, maxMss) - reduceBy}, never raising it
     * and never writing less than {@link #MIN_MSS}, and updates the TCP checksum. {@code reduceBy}
     * is the room an option added on the way back needs (a TOA option's 8 or 20 bytes), 0 for a
     * plain clamp.
     *
     * @param tcp       absolute address of the TCP header.
     * @param available bytes from {@code tcp} to the end of the IP payload (the header must fit).
     * @param maxMss    the clamp, 1..65535.
     * @param reduceBy  bytes to take off the MSS after the clamp, 0..40.
     * @return {@link #MSS_CLAMPED}, {@link #MSS_UNCHANGED}, {@link #MSS_ABSENT}, {@link #NOT_SYN}
     *         or {@link #MALFORMED}.
     */
    public static int clampMss(final long tcp, final int available, final int maxMss, final int reduceBy)
    {
        if (available < TcpFlyweight.MIN_HEADER_LENGTH)
        {
            return MALFORMED;
        }
        final int headerLength = (getU8(tcp + DATA_OFFSET_OFFSET) >>> 4) << 2;
        if (headerLength < TcpFlyweight.MIN_HEADER_LENGTH || headerLength > available)
        {
            return MALFORMED;
        }
        if ((getU8(tcp + TcpFlyweight.FLAGS_OFFSET) & TcpFlyweight.FLAG_SYN) == 0)
        {
            return NOT_SYN;
        }
        final int found = findMss(tcp, headerLength, TcpFlyweight.MIN_HEADER_LENGTH);
        if (found < 0)
        {
            return found == NONE ? MSS_ABSENT : MALFORMED;
        }
        int delta = 0;
        boolean clamped = false;
        for (int at = found; at >= 0; at = findMss(tcp, headerLength, at + MSS_LENGTH))
        {
            final int mss = getU16(tcp + at + 2);
            final int target = Math.max(Math.min(mss, maxMss) - reduceBy, Math.min(mss, MIN_MSS));
            if (target < mss)
            {
                putU16(tcp + at + 2, target);
                clamped = true;
                delta += (at & 1) == 0 ? Checksums.delta16(mss, target) : Checksums.delta16(swap(mss), swap(target));
            }
        }
        if (!clamped)
        {
            return MSS_UNCHANGED;
        }
        final long checksumAt = tcp + TcpFlyweight.CHECKSUM_OFFSET;
        putU16(checksumAt, Checksums.adjust(getU16(checksumAt), delta));
        return MSS_CLAMPED;
    }

    /**
     * Walks the option list from {@code from} (an option boundary) to the end of the header.
     *
     * @return the offset of the next MSS option from the header's start, {@link #NONE} when there is
     *         none, or {@link #BROKEN} when the rest of the list is malformed (checked to the end).
     */
    private static int findMss(final long tcp, final int headerLength, final int from)
    {
        int mss = NONE;
        int at = from;
        while (at < headerLength)
        {
            final int kind = getU8(tcp + at);
            if (kind == KIND_END)
            {
                break;
            }
            if (kind == KIND_NOP)
            {
                at++;
                continue;
            }
            if (at + 1 >= headerLength)
            {
                return BROKEN;
            }
            final int length = getU8(tcp + at + 1);
            if (length < 2 || at + length > headerLength || (kind == KIND_MSS && length != MSS_LENGTH))
            {
                return BROKEN;
            }
            if (kind == KIND_MSS && mss == NONE)
            {
                mss = at;
            }
            at += length;
        }
        return mss;
    }

    private static int swap(final int value)
    {
        return ((value & 0xFF) << 8) | (value >>> 8);
    }
}
