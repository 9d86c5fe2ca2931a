package io.sluice.dataplane.ring;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * A single-producer single-consumer queue of Ethernet frames between a worker and the control
 * thread: punted frames one way, frames to inject (ARP / ND requests) the other. An Agrona
 * {@link OneToOneRingBuffer} underneath; frames are copied in from any {@link MemorySegment}
 * (an mbuf) and handed out as a segment view, so neither side allocates.
 */
public final class FrameRing extends DrainedRing<FrameRing.FrameHandler>
{
    /** Message type of a frame. */
    public static final int FRAME_MESSAGE = 1;

    /** Receives frames drained from the ring. */
    @FunctionalInterface
    public interface FrameHandler
    {
        /**
         * One frame; the memory is valid only during the call.
         *
         * @param segment segment holding the frame.
         * @param offset  offset of its first byte.
         * @param length  its length.
         */
        void onFrame(MemorySegment segment, long offset, int length);
    }

    private final OneToOneRingBuffer ring;
    private final MemorySegment memory;
    private final int maxFrameLength;

    /**
     * @param capacity ring capacity in bytes, a power of two of at least 64 KiB.
     */
    public FrameRing(final int capacity)
    {
        if (capacity < 65536 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("frame ring capacity " + capacity + " is not a power of two >= 65536");
        }
        final ByteBuffer buffer = ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH);
        ring = new OneToOneRingBuffer(new UnsafeBuffer(buffer));
        memory = MemorySegment.ofBuffer(buffer);
        maxFrameLength = ring.maxMsgLength();
    }

    /**
     * Copies a frame in. Producer thread only.
     *
     * @return false when the ring is full (or the frame longer than a ring message may be).
     */
    public boolean offer(final MemorySegment source, final long offset, final int length)
    {
        if (length <= 0 || length > maxFrameLength)
        {
            return false;
        }
        final int index = ring.tryClaim(FRAME_MESSAGE, length);
        if (index <= 0)
        {
            return false;
        }
        MemorySegment.copy(source, offset, memory, index, length);
        ring.commit(index);
        return true;
    }

    /**
     * Hands up to {@code limit} frames to a handler. Consumer thread only.
     *
     * @return the number of frames handed out.
     */
    public int drain(final FrameHandler frameHandler, final int limit)
    {
        return drain(ring, frameHandler, limit);
    }

    /** {@inheritDoc} */
    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        handler.onFrame(memory, index, length);
    }

    /** @return bytes queued and not yet read (approximate from another thread). */
    public int size()
    {
        return ring.size();
    }
}
