package io.sluice.dataplane.flow;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

import static io.sluice.dataplane.packet.Memory.ALL;

/**
 * The full-NAT side of a worker's {@link FlowTable}: 32 bytes per entry, indexed by the entry's
 * handle, for what a translated flow needs beyond its 64-byte slot. Only full-NAT entries are
 * written or read; the others leave theirs stale. Off-heap, one writer (the worker).
 * <pre>
 *   forward entry (client to VIP)          reverse entry (backend to NAT address and port)
 *    0  the NAT address, upper 64 bits      the client's address, upper 64 bits
 *    8  the NAT address, lower 64 bits      the client's address, lower 64 bits
 *   16  the NAT port                        the client's port
 *   24  twin: the reverse entry's handle    the forward entry's handle, or -1
 * </pre>
 * Each entry is whole on its own (a flow replicated from a peer may have its twins on two workers,
 * each knowing only its half), so no pool handle or other per-LB number is stored.
 * A twin's handle is a hint, not a reference: the table may have reused the slot since, so a
 * reader confirms it (its flags and its key) before it acts on it.
 */
public final class NatSlots implements AutoCloseable
{
    /** Bytes per entry. */
    public static final int SLOT_LENGTH = 32;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final int PEER_HI_OFFSET = 0;
    private static final int PEER_LO_OFFSET = 8;
    private static final int PORT_OFFSET = 16;
    private static final int TWIN_OFFSET = 24;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private final long base;
    private final int capacity;

    /**
     * @param capacity the flow table's capacity: one slot per entry handle.
     */
    public NatSlots(final int capacity)
    {
        if (capacity < FlowTable.MIN_CAPACITY || capacity > FlowTable.MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("NAT slots for a flow table of " + capacity + " entries: a power of two " +
                FlowTable.MIN_CAPACITY + ".." + FlowTable.MAX_CAPACITY);
        }
        this.capacity = capacity;
        this.memory = arena.allocate((long)capacity * SLOT_LENGTH, 64);
        this.base = memory.address();
    }

    /**
     * @param table the flow table these slots serve.
     * @return whether these slots cover every handle of the table.
     */
    public boolean covers(final FlowTable table)
    {
        return table.capacity() == capacity;
    }

    private long slot(final int handle)
    {
        return base + (long)Objects.checkIndex(handle, capacity) * SLOT_LENGTH;
    }

    /**
     * Writes an entry's translation.
     *
     * @param handle the entry.
     * @param peerHi a forward entry's NAT address, or a reverse entry's client address: upper half.
     * @param peerLo the lower half.
     * @param port   the NAT port (forward) or the client's port (reverse).
     * @param twin   the other entry of the flow, or -1 when this worker does not hold it.
     */
    public void write(final int handle, final long peerHi, final long peerLo, final int port, final int twin)
    {
        final long slot = slot(handle);
        ALL.set(LONG, slot + PEER_HI_OFFSET, peerHi);
        ALL.set(LONG, slot + PEER_LO_OFFSET, peerLo);
        ALL.set(INT, slot + PORT_OFFSET, port);
        ALL.set(INT, slot + TWIN_OFFSET, twin);
    }

    /**
     * Links an entry to its twin.
     *
     * @param handle the entry.
     * @param twin   the other entry of the flow.
     */
    public void twin(final int handle, final int twin)
    {
        ALL.set(INT, slot(handle) + TWIN_OFFSET, twin);
    }

    /** @return a forward entry's NAT address, or a reverse entry's client address: upper half. */
    public long peerHi(final int handle)
    {
        return ALL.get(LONG, slot(handle) + PEER_HI_OFFSET);
    }

    /** @return a forward entry's NAT address, or a reverse entry's client address: lower half. */
    public long peerLo(final int handle)
    {
        return ALL.get(LONG, slot(handle) + PEER_LO_OFFSET);
    }

    /** @return the NAT port (forward) or the client's port (reverse). */
    public int port(final int handle)
    {
        return ALL.get(INT, slot(handle) + PORT_OFFSET);
    }

    /** @return the twin entry's handle, as written (confirm before use). */
    public int twin(final int handle)
    {
        return ALL.get(INT, slot(handle) + TWIN_OFFSET);
    }

    /** @return the bytes these slots take. */
    public long byteSize()
    {
        return memory.byteSize();
    }

    @Override
    public void close()
    {
        arena.close();
    }
}
