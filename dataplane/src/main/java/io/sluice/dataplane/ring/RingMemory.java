package io.sluice.dataplane.ring;

import java.nio.ByteBuffer;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The memory of a ring: a direct buffer of a power-of-two capacity plus the Agrona trailer, checked
 * once with a message that names the ring, so a wrong size is a clear error at start-up rather than
 * an exception from inside Agrona.
 */
final class RingMemory
{
    private RingMemory()
    {
    }

    /**
     * Allocates the memory of a ring, cache-line aligned.
     *
     * @param capacity    ring capacity in bytes, a power of two.
     * @param minCapacity the smallest capacity the ring accepts.
     * @param what        the ring's name, for the error message.
     * @return a direct buffer of {@code capacity} plus {@link RingBufferDescriptor#TRAILER_LENGTH} bytes.
     */
    static ByteBuffer allocate(final int capacity, final int minCapacity, final String what)
    {
        checkCapacity(capacity, minCapacity, what);
        return BufferUtil.allocateDirectAligned(capacity + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH);
    }

    /**
     * Checks memory the caller provides for a ring.
     *
     * @param buffer      a direct buffer of a power-of-two capacity plus the trailer.
     * @param minCapacity the smallest capacity the ring accepts.
     * @param what        the ring's name, for the error message.
     * @return a view of the whole buffer (position 0, limit at its capacity).
     */
    static ByteBuffer check(final ByteBuffer buffer, final int minCapacity, final String what)
    {
        if (!buffer.isDirect())
        {
            throw new IllegalArgumentException(what + " needs a direct buffer");
        }
        checkCapacity(buffer.capacity() - RingBufferDescriptor.TRAILER_LENGTH, minCapacity, what);
        return buffer.duplicate().clear();
    }

    private static void checkCapacity(final int capacity, final int minCapacity, final String what)
    {
        if (capacity < minCapacity || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException(what + " capacity " + capacity + " is not a power of two >= " +
                minCapacity + " (plus a trailer of " + RingBufferDescriptor.TRAILER_LENGTH + " bytes)");
        }
    }
}
