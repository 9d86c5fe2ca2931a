package io.sluice.dataplane.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;

/**
 * A worker's answers to the lookups and dumps of its {@link WorkerCommandRing}, on their way to the
 * control side ({@link WorkerProxy}). An Agrona {@link OneToOneRingBuffer} underneath: the worker
 * offers without allocating or waiting; an answer that does not fit is not written, and the
 * requester sees no answer in time.
 * <p>
 * Message bodies, little-endian, the reply type as the ring's message type:
 * <pre>
 *  LOOKUP_REPLY  0                   1                   2                   3
 *                0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *               +---------------------------------------------------------------+
 *               |                         Request Id                            |
 *               |                                                               |
 *               +---------------+-----------------------------------------------+
 *               |     Found     |              Reserved (7 bytes)              ...
 *               +---------------+-----------------------------------------------+
 *               |       FlowRecord (FlowRecord.LENGTH bytes), only when found  ...
 *               +---------------------------------------------------------------+
 *  DUMP_RECORD  Request Id (8 bytes), then a FlowRecord
 *  DUMP_END     Request Id (8 bytes), Next Handle (4 bytes, END_OF_TABLE = -1 when done), Reserved (4 bytes)
 * </pre>
 * A worker answering a dump offers at most the records asked for, then one {@code DUMP_END}; when a
 * record does not fit it ends the page early with the handle of that record as the next handle.
 * Messages that do not decode are skipped and counted in {@link #malformed()}.
 */
public final class FlowReplyRing extends DrainedRing<FlowReplyRing.FlowReplyHandler>
{
    /** Reply type: the answer to a lookup. */
    public static final int LOOKUP_REPLY = 1;

    /** Reply type: one flow of a dump page. */
    public static final int DUMP_RECORD = 2;

    /** Reply type: the end of a dump page. */
    public static final int DUMP_END = 3;

    /** Smallest ring capacity in bytes. */
    public static final int MIN_CAPACITY = 4096;

    /** Next handle of the last page of a dump: the table has no more flows. */
    public static final int END_OF_TABLE = -1;

    /** Offset of the request id in every reply. */
    public static final int REQUEST_ID_OFFSET = 0;

    /** Offset of the found byte (1 found, 0 not) in a lookup reply. */
    public static final int FOUND_OFFSET = 8;

    /** Offset of the record in a lookup reply that found a flow. */
    public static final int LOOKUP_RECORD_OFFSET = 16;

    /** Length of a lookup reply that found nothing. */
    public static final int LOOKUP_NOT_FOUND_LENGTH = LOOKUP_RECORD_OFFSET;

    /** Length of a lookup reply that found a flow. */
    public static final int LOOKUP_FOUND_LENGTH = LOOKUP_RECORD_OFFSET + FlowRecord.LENGTH;

    /** Offset of the record in a dump record. */
    public static final int DUMP_RECORD_OFFSET = 8;

    /** Length of a dump record. */
    public static final int DUMP_RECORD_LENGTH = DUMP_RECORD_OFFSET + FlowRecord.LENGTH;

    /** Offset of the next handle in a dump end. */
    public static final int NEXT_HANDLE_OFFSET = 8;

    /** Length of a dump end. */
    public static final int DUMP_END_LENGTH = 16;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int DUMP_RECORD_SLOT = slot(DUMP_RECORD_LENGTH);
    private static final int DUMP_END_SLOT = slot(DUMP_END_LENGTH);

    /** Receives replies drained from the ring; every argument is valid only during the call. */
    public interface FlowReplyHandler
    {
        /**
         * The answer to a lookup.
         *
         * @param requestId the request's id.
         * @param found     whether the worker holds a live flow of that key.
         * @param record    the flow when found, a reset record when not; a reused instance.
         */
        void onLookupReply(long requestId, boolean found, FlowRecord record);

        /**
         * One flow of a dump page.
         *
         * @param requestId the request's id.
         * @param record    the flow; a reused instance.
         */
        void onDumpRecord(long requestId, FlowRecord record);

        /**
         * The end of a dump page.
         *
         * @param requestId  the request's id.
         * @param nextHandle the handle to ask the next page from, {@link #END_OF_TABLE} when the table is done.
         */
        void onDumpEnd(long requestId, int nextHandle);
    }

    private final OneToOneRingBuffer ring;
    private final FlowRecord record = new FlowRecord();
    private volatile long malformed;

    /**
     * A ring in memory of its own.
     *
     * @param capacity ring capacity in bytes, a power of two of at least {@link #MIN_CAPACITY}.
     */
    public FlowReplyRing(final int capacity)
    {
        this(RingMemory.allocate(capacity, MIN_CAPACITY, "flow reply ring"));
    }

    /**
     * A ring in memory the caller provides.
     *
     * @param buffer a direct buffer of a power-of-two capacity of at least {@link #MIN_CAPACITY} plus
     *               {@link org.agrona.concurrent.ringbuffer.RingBufferDescriptor#TRAILER_LENGTH} bytes.
     */
    public FlowReplyRing(final ByteBuffer buffer)
    {
        ring = new OneToOneRingBuffer(new UnsafeBuffer(RingMemory.check(buffer, MIN_CAPACITY, "flow reply ring")));
    }

    /**
     * Answers a lookup. The worker thread only.
     *
     * @param requestId the request's id.
     * @param found     whether a live flow was found.
     * @param flow      the flow when found (copied into the ring); ignored, and may be null, when not.
     * @return false when the ring is full.
     */
    public boolean offerLookupReply(final long requestId, final boolean found, final FlowRecord flow)
    {
        final int index = ring.tryClaim(LOOKUP_REPLY, found ? LOOKUP_FOUND_LENGTH : LOOKUP_NOT_FOUND_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + REQUEST_ID_OFFSET, requestId, ORDER);
        buffer.putLong(index + FOUND_OFFSET, found ? 1L : 0L, ORDER);
        if (found)
        {
            flow.encode(buffer, index + LOOKUP_RECORD_OFFSET);
        }
        ring.commit(index);
        return true;
    }

    /**
     * Offers one flow of a dump page. The worker thread only.
     *
     * @param requestId the request's id.
     * @param flow      the flow, copied into the ring.
     * @return false when the ring is full.
     */
    public boolean offerDumpRecord(final long requestId, final FlowRecord flow)
    {
        final int index = ring.tryClaim(DUMP_RECORD, DUMP_RECORD_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        ring.buffer().putLong(index + REQUEST_ID_OFFSET, requestId, ORDER);
        flow.encode(ring.buffer(), index + DUMP_RECORD_OFFSET);
        ring.commit(index);
        return true;
    }

    /**
     * Ends a dump page. The worker thread only.
     *
     * @param requestId  the request's id.
     * @param nextHandle the handle to ask the next page from, {@link #END_OF_TABLE} when the table is done.
     * @return false when the ring is full.
     */
    public boolean offerDumpEnd(final long requestId, final int nextHandle)
    {
        final int index = ring.tryClaim(DUMP_END, DUMP_END_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + REQUEST_ID_OFFSET, requestId, ORDER);
        buffer.putInt(index + NEXT_HANDLE_OFFSET, nextHandle, ORDER);
        buffer.putInt(index + NEXT_HANDLE_OFFSET + 4, 0, ORDER);
        ring.commit(index);
        return true;
    }

    /**
     * Hands up to {@code limit} replies to a handler, in the order they were offered. Consumer thread only.
     *
     * @param replyHandler receives each reply.
     * @param limit        most messages to read.
     * @return the number of messages read, malformed ones included; a read stops at the end of the
     *         ring's memory, so 0 or fewer than {@code limit} does not mean the ring is empty.
     */
    public int drain(final FlowReplyHandler replyHandler, final int limit)
    {
        return drain(ring, replyHandler, limit);
    }

    /**
     * Decodes one message for {@link #drain}; not for callers.
     */
    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final boolean decoded = switch (msgTypeId)
        {
            case LOOKUP_REPLY -> onLookupReply(buffer, index, length);
            case DUMP_RECORD -> onDumpRecord(buffer, index, length);
            case DUMP_END -> onDumpEnd(buffer, index, length);
            default -> false;
        };
        if (!decoded)
        {
            malformed++;
        }
    }

    private boolean onLookupReply(final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long found = length >= LOOKUP_NOT_FOUND_LENGTH ? buffer.getLong(index + FOUND_OFFSET, ORDER) : -1;
        if (found == 0 && length == LOOKUP_NOT_FOUND_LENGTH)
        {
            handler.onLookupReply(buffer.getLong(index + REQUEST_ID_OFFSET, ORDER), false, record.reset());
            return true;
        }
        if (found == 1 && record.decode(buffer, index + LOOKUP_RECORD_OFFSET, length - LOOKUP_RECORD_OFFSET))
        {
            handler.onLookupReply(buffer.getLong(index + REQUEST_ID_OFFSET, ORDER), true, record);
            return true;
        }
        return false;
    }

    private boolean onDumpRecord(final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (length >= DUMP_RECORD_OFFSET && record.decode(buffer, index + DUMP_RECORD_OFFSET, length - DUMP_RECORD_OFFSET))
        {
            handler.onDumpRecord(buffer.getLong(index + REQUEST_ID_OFFSET, ORDER), record);
            return true;
        }
        return false;
    }

    private boolean onDumpEnd(final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int nextHandle = length == DUMP_END_LENGTH ? buffer.getInt(index + NEXT_HANDLE_OFFSET, ORDER) : -2;
        if (nextHandle >= END_OF_TABLE)
        {
            handler.onDumpEnd(buffer.getLong(index + REQUEST_ID_OFFSET, ORDER), nextHandle);
            return true;
        }
        return false;
    }

    /**
     * The most dump records a page may ask for so that the page and its end fit an empty ring
     * wherever the ring's positions stand (one record's room is kept for the padding at the wrap).
     *
     * @return records per page that always fit.
     */
    public int maxDumpRecords()
    {
        return (ring.capacity() - DUMP_END_SLOT - DUMP_RECORD_SLOT) / DUMP_RECORD_SLOT;
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

    private static int slot(final int length)
    {
        return BitUtil.align(RecordDescriptor.HEADER_LENGTH + length, RecordDescriptor.ALIGNMENT);
    }
}
