package io.sluice.dataplane.packet;

import java.lang.foreign.MemorySegment;

/**
 * The one view of native memory the hot path reads and writes through: a {@code static final}
 * segment over all of the address space, so the JIT folds its scope and bounds checks away and an
 * access costs what a load or store costs. Safety comes from checks made once, where the real
 * extent is known: {@link PacketBuffer#wrap} checks a frame against its buffer's segment, every
 * header flyweight checks in {@code wrap} that its header lies inside the frame, and the flow
 * table and stats regions compute offsets only inside their own allocations.
 */
public final class Memory
{
    /** All of memory; index with absolute addresses. */
    public static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private Memory()
    {
    }

    /**
     * Copies bytes between absolute addresses; the ranges may overlap.
     *
     * @param from   source address.
     * @param to     destination address.
     * @param length bytes to copy.
     */
    public static void copy(final long from, final long to, final long length)
    {
        MemorySegment.copy(ALL, from, ALL, to, length);
    }

    /**
     * Moves a short run of bytes towards lower addresses ({@code to < from}), 8 bytes at a time:
     * cheaper than a {@link MemorySegment#copy} call for an Ethernet header, safe for overlap in
     * that direction.
     *
     * @param from   source address.
     * @param to     destination address, below {@code from}.
     * @param length bytes to move.
     */
    public static void moveDown(final long from, final long to, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            ALL.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, to + i, ALL.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, from + i));
        }
        for (; i < length; i++)
        {
            ALL.set(java.lang.foreign.ValueLayout.JAVA_BYTE, to + i, ALL.get(java.lang.foreign.ValueLayout.JAVA_BYTE, from + i));
        }
    }
}
