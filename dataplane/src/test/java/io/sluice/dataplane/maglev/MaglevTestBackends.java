package io.sluice.dataplane.maglev;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Backend sets for the Maglev tests: deterministic IPv4 and IPv6 identities, equal or mixed weights.
 */
final class MaglevTestBackends
{
    private MaglevTestBackends()
    {
    }

    /**
     * An IPv4 backend 10.a.b.c where a.b.c is the number.
     */
    static MaglevBackend ipv4(final int number, final int weight)
    {
        return new MaglevBackend(new byte[]{ 10, (byte)(number >>> 16), (byte)(number >>> 8), (byte)number }, weight);
    }

    /**
     * An IPv6 backend 2001:db8::n followed by a port: an 18-byte identity.
     */
    static MaglevBackend ipv6WithPort(final int number, final int port, final int weight)
    {
        final byte[] identity = new byte[18];
        identity[0] = 0x20;
        identity[1] = 0x01;
        identity[2] = 0x0d;
        identity[3] = (byte)0xb8;
        identity[12] = (byte)(number >>> 24);
        identity[13] = (byte)(number >>> 16);
        identity[14] = (byte)(number >>> 8);
        identity[15] = (byte)number;
        identity[16] = (byte)(port >>> 8);
        identity[17] = (byte)port;
        return new MaglevBackend(identity, weight);
    }

    /**
     * Backends 10.0.0.1 .. with weight 1.
     */
    static List<MaglevBackend> equalWeights(final int count)
    {
        final List<MaglevBackend> backends = new ArrayList<>(count);
        for (int i = 1; i <= count; i++)
        {
            backends.add(ipv4(i, 1));
        }
        return backends;
    }

    /**
     * Backends 10.0.0.1 .. with weights drawn uniformly from 1..10 by a seeded generator.
     */
    static List<MaglevBackend> mixedWeights(final int count, final long seed)
    {
        final Random random = new Random(seed);
        final List<MaglevBackend> backends = new ArrayList<>(count);
        for (int i = 1; i <= count; i++)
        {
            backends.add(ipv4(i, 1 + random.nextInt(10)));
        }
        return backends;
    }

    /**
     * A copy of the list in a seeded random order.
     */
    static List<MaglevBackend> shuffled(final List<MaglevBackend> backends, final long seed)
    {
        final List<MaglevBackend> copy = new ArrayList<>(backends);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }

    /**
     * The owner identity of every slot, or null for a slot with no owner.
     */
    static byte[][] ownerIdentities(final MaglevTable table)
    {
        final byte[][] owners = new byte[table.size()][];
        for (int slot = 0; slot < owners.length; slot++)
        {
            final int index = table.backendIndexAt(slot);
            owners[slot] = index < 0 ? null : table.backend(index).identity();
        }
        return owners;
    }

    /**
     * The sum of all weights of a list.
     */
    static long totalWeight(final List<MaglevBackend> backends)
    {
        long total = 0;
        for (final MaglevBackend backend : backends)
        {
            total += backend.weight();
        }
        return total;
    }
}
