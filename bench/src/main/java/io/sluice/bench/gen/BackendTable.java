package io.sluice.bench.gen;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.sluice.dpdk.MacAddress;

/**
 * Packets received per backend, keyed by what names a backend in the load balancer's output (an
 * IPv4 or IPv6 address, or a MAC): an open-addressing table sized once for a maximum number of
 * backends, so counting allocates nothing. A backend beyond the maximum is refused (the caller
 * counts it). Single writer; read it when the writer has stopped.
 */
final class BackendTable
{
    static final int KIND_IPV4 = 1;
    static final int KIND_IPV6 = 2;
    static final int KIND_MAC = 3;

    private final int maxBackends;
    private final int mask;
    private final byte[] kinds;
    private final long[] highs;
    private final long[] lows;
    private final long[] counts;
    private int size;

    /**
     * @param maxBackends how many distinct backends may be counted, at least 1.
     */
    BackendTable(final int maxBackends)
    {
        this.maxBackends = maxBackends;
        final int capacity = Integer.highestOneBit(Math.max(2, maxBackends) * 2 - 1) << 1;
        mask = capacity - 1;
        kinds = new byte[capacity];
        highs = new long[capacity];
        lows = new long[capacity];
        counts = new long[capacity];
    }

    /**
     * Counts one packet to a backend.
     *
     * @param kind {@link #KIND_IPV4}, {@link #KIND_IPV6} or {@link #KIND_MAC}.
     * @param high the high 64 bits of an IPv6 address, else 0.
     * @param low  the low 64 bits of an IPv6 address, the IPv4 address, or the MAC.
     * @return false when the backend is new and the table already holds the maximum.
     */
    boolean increment(final int kind, final long high, final long low)
    {
        int slot = (int)mix(kind, high, low) & mask;
        while (kinds[slot] != 0)
        {
            if (kinds[slot] == kind && highs[slot] == high && lows[slot] == low)
            {
                counts[slot]++;
                return true;
            }
            slot = (slot + 1) & mask;
        }
        if (size == maxBackends)
        {
            return false;
        }
        kinds[slot] = (byte)kind;
        highs[slot] = high;
        lows[slot] = low;
        counts[slot] = 1;
        size++;
        return true;
    }

    /**
     * @return distinct backends counted.
     */
    int size()
    {
        return size;
    }

    /**
     * The counts, most packets first, each named: an address, or a MAC (by its name when
     * {@code macNames} has one).
     *
     * @param macNames names for MACs, by 48-bit value.
     * @return one entry per backend.
     */
    List<Count> counts(final Map<Long, String> macNames)
    {
        final List<Count> result = new ArrayList<>(size);
        for (int slot = 0; slot <= mask; slot++)
        {
            if (kinds[slot] != 0)
            {
                result.add(new Count(name(kinds[slot], highs[slot], lows[slot], macNames), counts[slot]));
            }
        }
        result.sort((a, b) -> a.packets() != b.packets() ? Long.compare(b.packets(), a.packets()) : a.name().compareTo(b.name()));
        return result;
    }

    /**
     * Names a backend key.
     *
     * @param kind     the key's kind.
     * @param high     the high bits.
     * @param low      the low bits.
     * @param macNames names for MACs.
     * @return an address, a MAC or a MAC's name.
     */
    static String name(final int kind, final long high, final long low, final Map<Long, String> macNames)
    {
        if (kind == KIND_MAC)
        {
            final String named = macNames.get(low);
            return named != null ? named : new MacAddress(low).toString();
        }
        final ByteBuffer bytes = ByteBuffer.allocate(kind == KIND_IPV4 ? 4 : 16);
        if (kind == KIND_IPV4)
        {
            bytes.putInt((int)low);
        }
        else
        {
            bytes.putLong(high).putLong(low);
        }
        try
        {
            return InetAddress.getByAddress(bytes.array()).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static long mix(final int kind, final long high, final long low)
    {
        long hash = (low ^ high * 0x9E37_79B9_7F4A_7C15L ^ kind) * 0xBF58_476D_1CE4_E5B9L;
        hash ^= hash >>> 31;
        return hash ^ hash >>> 17;
    }

    /**
     * One backend's count.
     *
     * @param name    the backend's address, MAC or name.
     * @param packets packets received to it.
     */
    record Count(String name, long packets)
    {
    }
}
