package io.sluice.dataplane.nat;

import java.util.function.IntPredicate;

/**
 * The local ports of one full-NAT pool (one LB address towards one backend) that one worker hands
 * out: the ports of its class, those whose replies the NIC delivers to this worker (chosen by the
 * caller through the {@code mine} predicate at construction, e.g. from the port's RSS).
 * <p>
 * Ports wait in a FIFO ring: a freed port goes to the back and comes out again as late as possible,
 * so a backend still holding the old connection in TIME_WAIT rarely meets a new SYN on the same
 * tuple. Two bitmaps keep allocate and free O(1) (amortised) without searching: {@code inUse} (held
 * by a flow, or reserved for a peer's flow through sync) and {@code inRing} (waiting in the ring). A
 * port reserved while it waits in the ring stays there and is skipped, and dropped from the ring, when
 * it comes out (lazy deletion); freed, it is queued again. A port is never handed out while in use,
 * and never queued twice.
 * <p>
 * Exhaustion is counted, never a silent reuse. One writer (the owning worker); no allocation after
 * construction.
 */
public final class PortPool
{
    /** What {@link #allocate()} returns when every port of the pool is in use. */
    public static final int NO_PORT = -1;
    /** The lowest port a pool may hold: below it are the well-known ports. */
    public static final int MIN_PORT = 1024;
    /** The highest port. */
    public static final int MAX_PORT = 65535;

    private final int firstPort;
    private final int lastPort;
    private final int capacity;
    private final char[] ring;
    private final long[] inUse;
    private final long[] inRing;
    private int head;
    private int queued;
    private int used;
    private long exhausted;

    /**
     * A pool of the ports in {@code firstPort..lastPort} that {@code mine} accepts, all free, in
     * ascending order.
     *
     * @param firstPort the lowest port, at least {@link #MIN_PORT}.
     * @param lastPort  the highest port, at most {@link #MAX_PORT}.
     * @param mine      which ports of the range belong to this worker's pool.
     * @throws IllegalArgumentException when the range is invalid or no port of it is this pool's.
     */
    public PortPool(final int firstPort, final int lastPort, final IntPredicate mine)
    {
        this(firstPort, lastPort, offsetsOf(firstPort, lastPort, mine));
    }

    /**
     * A pool of given ports, all free, in the order given.
     *
     * @param firstPort the lowest port of the range, at least {@link #MIN_PORT}.
     * @param lastPort  the highest port of the range, at most {@link #MAX_PORT}.
     * @param offsets   the pool's ports less {@code firstPort}, each once, at least one; taken, not copied.
     * @throws IllegalArgumentException when the range is invalid or there is no port.
     */
    PortPool(final int firstPort, final int lastPort, final char[] offsets)
    {
        checkRange(firstPort, lastPort);
        if (offsets.length == 0)
        {
            throw new IllegalArgumentException("no port of " + firstPort + ".." + lastPort + " belongs to this pool");
        }
        this.firstPort = firstPort;
        this.lastPort = lastPort;
        final int span = lastPort - firstPort + 1;
        this.capacity = offsets.length;
        this.ring = offsets;
        this.inUse = new long[(span + 63) >>> 6];
        this.inRing = new long[(span + 63) >>> 6];
        for (final char offset : offsets)
        {
            set(inRing, offset);
        }
        this.queued = capacity;
    }

    private static char[] offsetsOf(final int firstPort, final int lastPort, final IntPredicate mine)
    {
        checkRange(firstPort, lastPort);
        int count = 0;
        for (int port = firstPort; port <= lastPort; port++)
        {
            count += mine.test(port) ? 1 : 0;
        }
        final char[] offsets = new char[count];
        for (int port = firstPort, i = 0; port <= lastPort && i < count; port++)
        {
            if (mine.test(port))
            {
                offsets[i++] = (char)(port - firstPort);
            }
        }
        return offsets;
    }

    static void checkRange(final int firstPort, final int lastPort)
    {
        if (firstPort < MIN_PORT || lastPort > MAX_PORT || firstPort > lastPort)
        {
            throw new IllegalArgumentException("NAT port range " + firstPort + ".." + lastPort + " is not within " + MIN_PORT +
                ".." + MAX_PORT + " with the first port not above the last");
        }
    }

    /**
     * Takes the port that has waited longest.
     *
     * @return the port, or {@link #NO_PORT} when every port of the pool is in use (counted in {@link #exhausted()}).
     */
    public int allocate()
    {
        while (queued > 0)
        {
            final int offset = ring[head];
            head = head + 1 == capacity ? 0 : head + 1;
            queued--;
            clear(inRing, offset);
            if (!isSet(inUse, offset))
            {
                set(inUse, offset);
                used++;
                return firstPort + offset;
            }
        }
        exhausted++;
        return NO_PORT;
    }

    /**
     * The port {@link #allocate()} would take next, left where it is (ports reserved while queued
     * are dropped from the front of the queue on the way, as {@link #allocate()} drops them).
     *
     * @return the port, or {@link #NO_PORT} when none is free.
     */
    public int peek()
    {
        while (queued > 0)
        {
            final int offset = ring[head];
            if (!isSet(inUse, offset))
            {
                return firstPort + offset;
            }
            head = head + 1 == capacity ? 0 : head + 1;
            queued--;
            clear(inRing, offset);
        }
        return NO_PORT;
    }

    /**
     * Gives a port back: it waits behind every free port before it is handed out again.
     *
     * @param port a port this pool handed out or reserved.
     * @return false, changing nothing, when the port is not this pool's or not in use.
     */
    public boolean free(final int port)
    {
        if (port < firstPort || port > lastPort || !isSet(inUse, port - firstPort))
        {
            return false;
        }
        final int offset = port - firstPort;
        clear(inUse, offset);
        used--;
        if (!isSet(inRing, offset))
        {
            ring[(head + queued) % capacity] = (char)offset;
            queued++;
            set(inRing, offset);
        }
        return true;
    }

    /**
     * Marks a port in use without handing it out: a flow a peer load balancer translated to this
     * port (learnt through sync), so that this pool never gives the port to another flow.
     *
     * @param port the peer's port.
     * @return false, changing nothing, when the port is outside the pool's range, not one of its ports, or in use.
     */
    public boolean reserve(final int port)
    {
        if (port < firstPort || port > lastPort)
        {
            return false;
        }
        final int offset = port - firstPort;
        if (isSet(inUse, offset) || !isSet(inRing, offset))
        {
            return false;
        }
        set(inUse, offset);
        used++;
        return true;
    }

    /** @return whether the port is held by a flow or reserved. */
    public boolean inUse(final int port)
    {
        return port >= firstPort && port <= lastPort && isSet(inUse, port - firstPort);
    }

    /** @return the pool's ports (those of the range that are this pool's). */
    public int capacity()
    {
        return capacity;
    }

    /** @return ports neither held nor reserved. */
    public int available()
    {
        return capacity - used;
    }

    /** @return allocations refused because every port was in use, since the start. */
    public long exhausted()
    {
        return exhausted;
    }

    private static boolean isSet(final long[] bits, final int index)
    {
        return (bits[index >>> 6] & (1L << index)) != 0;
    }

    private static void set(final long[] bits, final int index)
    {
        bits[index >>> 6] |= 1L << index;
    }

    private static void clear(final long[] bits, final int index)
    {
        bits[index >>> 6] &= ~(1L << index);
    }
}
