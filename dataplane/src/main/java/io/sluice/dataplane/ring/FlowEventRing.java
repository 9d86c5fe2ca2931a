package io.sluice.dataplane.ring;

import java.nio.ByteBuffer;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;

/**
 * The flow events of one worker on their way to one consumer (the sync agent): one
 * {@link FlowRecord} per new flow, re-pin and close, the event type as the ring's message type.
 * An Agrona {@link OneToOneRingBuffer} underneath: the worker offers without allocating, locking
 * or waiting, and a full ring is a loss the caller counts, never a stall of the data path.
 * <p>
 * Every event takes {@link #SLOT_LENGTH} bytes of the ring. A message that does not decode (of an
 * unknown type, the wrong length or an unknown record version: only possible when something other
 * than {@link #offer} wrote the ring's memory) is skipped and counted in {@link #malformed()}.
 */
public final class FlowEventRing extends DrainedRing<FlowEventRing.FlowEventHandler>
{
    /** Event type: a flow was inserted. */
    public static final int NEW = 1;

    /** Event type: a flow was pinned to another backend. */
    public static final int REPIN = 2;

    /** Event type: a flow was closed or removed. */
    public static final int CLOSE = 3;

    /** Smallest ring capacity in bytes. */
    public static final int MIN_CAPACITY = 1024;

    /** Bytes of the ring one event takes: record header plus {@link FlowRecord#LENGTH}, aligned. */
    public static final int SLOT_LENGTH =
        BitUtil.align(RecordDescriptor.HEADER_LENGTH + FlowRecord.LENGTH, RecordDescriptor.ALIGNMENT);

    /** Receives flow events drained from the ring. */
    @FunctionalInterface
    public interface FlowEventHandler
    {
        /**
         * One event.
         *
         * @param type   {@link #NEW}, {@link #REPIN} or {@link #CLOSE}.
         * @param record the flow; a reused instance, valid only during the call.
         */
        void onFlowEvent(int type, FlowRecord record);
    }

    private final OneToOneRingBuffer ring;
    private final FlowRecord record = new FlowRecord();
    private volatile long malformed;

    /**
     * A ring in memory of its own.
     *
     * @param capacity ring capacity in bytes, a power of two of at least {@link #MIN_CAPACITY}.
     */
    public FlowEventRing(final int capacity)
    {
        this(RingMemory.allocate(capacity, MIN_CAPACITY, "flow event ring"));
    }

    /**
     * A ring in memory the caller provides, such as a memory-mapped file another process reads.
     *
     * @param buffer a direct buffer of a power-of-two capacity of at least {@link #MIN_CAPACITY} plus
     *               {@link org.agrona.concurrent.ringbuffer.RingBufferDescriptor#TRAILER_LENGTH} bytes.
     */
    public FlowEventRing(final ByteBuffer buffer)
    {
        ring = new OneToOneRingBuffer(new UnsafeBuffer(RingMemory.check(buffer, MIN_CAPACITY, "flow event ring")));
    }

    /**
     * Appends one event. Producer (worker) thread only; never allocates, blocks or spins.
     *
     * @param type   {@link #NEW}, {@link #REPIN} or {@link #CLOSE}.
     * @param record the flow, copied into the ring.
     * @return false when the ring is full (nothing was written) or the type is unknown.
     */
    public boolean offer(final int type, final FlowRecord record)
    {
        if (type < NEW || type > CLOSE)
        {
            return false;
        }
        final int index = ring.tryClaim(type, FlowRecord.LENGTH);
        if (index <= 0)
        {
            return false;
        }
        record.encode(ring.buffer(), index);
        ring.commit(index);
        return true;
    }

    /**
     * Hands up to {@code limit} events to a handler, in the order they were offered. Consumer thread only.
     *
     * @param eventHandler receives each event.
     * @param limit        most messages to read.
     * @return the number of messages read, malformed ones included; a read stops at the end of the
     *         ring's memory, so 0 or fewer than {@code limit} does not mean the ring is empty.
     */
    public int drain(final FlowEventHandler eventHandler, final int limit)
    {
        return drain(ring, eventHandler, limit);
    }

    /**
     * Decodes one message for {@link #drain}; not for callers.
     */
    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (msgTypeId >= NEW && msgTypeId <= CLOSE && record.decode(buffer, index, length))
        {
            handler.onFlowEvent(msgTypeId, record);
        }
        else
        {
            malformed++;
        }
    }

    /** @return messages skipped because they did not decode; 0 unless the ring's memory was written by something else. */
    public long malformed()
    {
        return malformed;
    }

    /** @return bytes queued and not yet read (approximate from another thread). */
    public int size()
    {
        return ring.size();
    }

    /** @return ring capacity in bytes. */
    public int capacity()
    {
        return ring.capacity();
    }

    /**
     * How many events an empty ring always holds, wherever its positions stand: one slot fewer than
     * fit its capacity, for the padding a message may need at the wrap.
     *
     * @return events that always fit an empty ring.
     */
    public int capacityInEvents()
    {
        return (ring.capacity() - SLOT_LENGTH) / SLOT_LENGTH;
    }
}
