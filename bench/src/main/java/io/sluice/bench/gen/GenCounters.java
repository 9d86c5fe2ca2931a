package io.sluice.bench.gen;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The generator's counters: written by the one polling thread (plain read, opaque write), read by
 * the reporting thread at any time (opaque read). "Measured" counts only packets sent after the
 * warm-up, judged by their send time, so a packet sent in the warm-up and received after it counts
 * in neither window.
 */
final class GenCounters
{
    /** Packets the port accepted for sending, after the warm-up. */
    static final int TX_PACKETS = 0;
    /** Bytes of those packets (without FCS). */
    static final int TX_BYTES = 1;
    /** Packets built but refused by the tx burst (a full queue, a link down), freed. */
    static final int TX_REFUSED = 2;
    /** Bursts not built because the mbuf pool was empty. */
    static final int TX_NO_MBUF = 3;
    /** Packets sent (accepted by the port) after the warm-up that were the first packet of a brand-new 5-tuple. */
    static final int TX_NEW_FLOWS = 4;
    /** Packets sent in the warm-up. */
    static final int TX_WARMUP = 5;
    /** Frames received, any frame. */
    static final int RX_FRAMES = 6;
    /** Generator packets received (decoded, stamped) that were sent after the warm-up. */
    static final int RX_PACKETS = 7;
    /** Bytes of those packets as received. */
    static final int RX_BYTES = 8;
    /** Generator packets received that were sent in the warm-up. */
    static final int RX_WARMUP = 9;
    /** Latencies above the histogram's range, recorded as its maximum. */
    static final int LATENCY_CLAMPED = 10;
    /** Received packets whose send time is after their receive time (another clock's stamp), not recorded. */
    static final int LATENCY_NEGATIVE = 11;
    /** Received packets to a backend beyond the backend table's maximum, not counted per backend. */
    static final int BACKENDS_OVERFLOW = 12;
    /** New-flow tuples that had to reuse a tuple used before because the client space was exhausted. */
    static final int TUPLES_REUSED = 13;
    /**
     * Frames not decoded, by reason: the counter {@code RX_UNDECODABLE + reason}, for each of the decoder's
     * reasons ({@code OutputDecoder.TOO_SHORT} to {@code OutputDecoder.MULTI_SEGMENT}, named in {@code OutputDecoder.REASONS}).
     */
    static final int RX_UNDECODABLE = 14;
    /** How many counters there are. */
    static final int COUNT = RX_UNDECODABLE + OutputDecoder.REASONS.length;

    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values = new long[COUNT];

    /**
     * Adds to a counter; on the polling thread only.
     *
     * @param counter the counter.
     * @param delta   what to add.
     */
    void add(final int counter, final long delta)
    {
        VALUES.setOpaque(values, counter, values[counter] + delta);
    }

    /**
     * Reads a counter from any thread.
     *
     * @param counter the counter.
     * @return its value.
     */
    long get(final int counter)
    {
        return (long)VALUES.getOpaque(values, counter);
    }
}
