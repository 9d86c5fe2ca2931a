package io.sluice.dataplane.packet;

import java.lang.foreign.MemorySegment;

/**
 * Base of the header flyweights: a view of one protocol header at an offset in a segment, with
 * the number of bytes the frame still holds from that offset. Subclasses check in {@code wrap}
 * that their header fits before any field is read, so a truncated frame is a {@code false}, never
 * an out-of-bounds access.
 */
public abstract class HeaderFlyweight
{
    /** Segment holding the frame. */
    protected MemorySegment segment;

    /** Offset of this header's first byte in {@link #segment}. */
    protected long offset;

    /** Bytes of the frame from {@link #offset} to its end. */
    protected int available;

    /**
     * Points the flyweight at a header without checking it; subclasses validate.
     *
     * @param segment   the segment.
     * @param offset    offset of the header.
     * @param available bytes of the frame from the offset on.
     */
    protected final void point(final MemorySegment segment, final long offset, final int available)
    {
        this.segment = segment;
        this.offset = offset;
        this.available = available;
    }

    /** @return the segment holding the frame. */
    public final MemorySegment segment()
    {
        return segment;
    }

    /** @return offset of the header in the segment. */
    public final long offset()
    {
        return offset;
    }

    /** @return bytes of the frame from the header's start to the frame's end. */
    public final int available()
    {
        return available;
    }
}
