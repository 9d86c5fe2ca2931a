package io.sluice.dataplane.packet;

import java.lang.foreign.MemorySegment;

/**
 * A packet in a buffer with headroom: {@code [base, base + bufferLength)} is the whole buffer and
 * {@code [base + dataOffset, base + dataOffset + dataLength)} the frame, as in a DPDK mbuf. The
 * pipeline grows the frame at the front for encapsulation ({@link #prepend(int)}) and shrinks or
 * grows its length for replies; the worker copies the window back into the mbuf afterwards.
 * <p>
 * One instance is reused by a worker for every packet (no allocation): {@link #wrap} points it at
 * the next buffer. Addresses are offsets into {@link #segment()}, which for DPDK is the
 * process-wide all-memory segment and in tests a plain allocated segment.
 */
public final class PacketBuffer
{
    private MemorySegment segment;
    private long base;
    private int bufferLength;
    private int dataOffset;
    private int dataLength;

    /**
     * Points this buffer at a frame.
     *
     * @param segment      the segment holding the buffer.
     * @param base         offset of the buffer's first byte in the segment.
     * @param bufferLength size of the buffer in bytes.
     * @param dataOffset   offset of the frame's first byte from {@code base} (the headroom).
     * @param dataLength   length of the frame in bytes.
     * @return this buffer.
     */
    public PacketBuffer wrap(
        final MemorySegment segment, final long base, final int bufferLength, final int dataOffset, final int dataLength)
    {
        if (dataOffset < 0 || dataLength < 0 || bufferLength < 0 || dataOffset + dataLength > bufferLength ||
            base < 0 || base > segment.byteSize() - bufferLength)
        {
            throw new IllegalArgumentException("frame [" + dataOffset + ", +" + dataLength + ") or buffer [" + base + ", +" +
                bufferLength + ") outside its segment of " + segment.byteSize() + " bytes");
        }
        this.segment = segment;
        this.base = base;
        this.bufferLength = bufferLength;
        this.dataOffset = dataOffset;
        this.dataLength = dataLength;
        return this;
    }

    /** @return the segment that holds the buffer. */
    public MemorySegment segment()
    {
        return segment;
    }

    /** @return offset of the frame's first byte in {@link #segment()}. */
    public long dataStart()
    {
        return base + dataOffset;
    }

    /** @return absolute address of the frame's first byte. */
    public long dataAddress()
    {
        return segment.address() + base + dataOffset;
    }

    /** @return offset of the frame's first byte from the start of the buffer. */
    public int dataOffset()
    {
        return dataOffset;
    }

    /** @return length of the frame. */
    public int dataLength()
    {
        return dataLength;
    }

    /** @return size of the whole buffer. */
    public int bufferLength()
    {
        return bufferLength;
    }

    /** @return free bytes in front of the frame. */
    public int headroom()
    {
        return dataOffset;
    }

    /** @return free bytes after the frame. */
    public int tailroom()
    {
        return bufferLength - dataOffset - dataLength;
    }

    /**
     * Grows the frame at the front by {@code length} bytes (the new bytes are not initialised).
     *
     * @param length bytes to add in front.
     * @return false, leaving the frame unchanged, when the headroom is too small.
     */
    public boolean prepend(final int length)
    {
        if (length < 0 || length > dataOffset)
        {
            return false;
        }
        dataOffset -= length;
        dataLength += length;
        return true;
    }

    /**
     * Removes {@code length} bytes from the front of the frame.
     *
     * @param length bytes to remove.
     * @return false, leaving the frame unchanged, when the frame is shorter than that.
     */
    public boolean adjust(final int length)
    {
        if (length < 0 || length > dataLength)
        {
            return false;
        }
        dataOffset += length;
        dataLength -= length;
        return true;
    }

    /**
     * Sets the frame length, keeping its start.
     *
     * @param length the new length.
     * @return false, leaving the frame unchanged, when it would not fit the buffer.
     */
    public boolean length(final int length)
    {
        if (length < 0 || dataOffset + length > bufferLength)
        {
            return false;
        }
        dataLength = length;
        return true;
    }
}
