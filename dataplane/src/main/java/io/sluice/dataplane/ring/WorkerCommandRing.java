package io.sluice.dataplane.ring;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;

import io.sluice.dataplane.flow.FlowKey;

/**
 * The typed commands to one worker from any number of other threads: frames to inject (ARP / ND
 * from the control thread), flow upserts (replicated flows from the sync agent), slices of the flow
 * table to dump and flow lookups (gRPC threads, through a {@link WorkerProxy}). The worker is the
 * only thread that reads or writes its flow table; everything else reaches it through here.
 * An Agrona {@link ManyToOneRingBuffer} underneath; offering never blocks, and draining decodes
 * into reused instances, so the worker allocates nothing.
 * <p>
 * Message bodies, little-endian, the command type as the ring's message type:
 * <pre>
 *  FRAME        the frame's bytes, 1 .. maxFrameLength()
 *  FLOW_UPSERT  a FlowRecord, FlowRecord.LENGTH bytes
 *  FLOW_DUMP    0                   1                   2                   3
 *               0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *              +---------------------------------------------------------------+
 *              |                         Request Id                            |
 *              |                                                               |
 *              +---------------------------------------------------------------+
 *              |                         From Handle                           |
 *              +---------------------------------------------------------------+
 *              |                          Max Flows                            |
 *              +---------------------------------------------------------------+
 *  FLOW_LOOKUP +---------------------------------------------------------------+
 *              |                         Request Id                            |
 *              |                                                               |
 *              +---------------------------------------------------------------+
 *              |                 Key (40 bytes, see FlowKeyCodec)             ...
 *              +---------------------------------------------------------------+
 * </pre>
 * A message of an unknown type or of the wrong length, an empty frame, a dump with a negative
 * handle or no flows asked for, or a record or key that does not decode is skipped and counted in
 * {@link #malformed()}.
 */
public final class WorkerCommandRing extends DrainedRing<WorkerCommandRing.WorkerCommandHandler>
{
    /** Command type: inject a frame. */
    public static final int FRAME = 1;

    /** Command type: insert a replicated flow unless a live local flow has its key. */
    public static final int FLOW_UPSERT = 2;

    /** Command type: answer with a slice of the flow table. */
    public static final int FLOW_DUMP = 3;

    /** Command type: answer with the flow of a key, or that there is none. */
    public static final int FLOW_LOOKUP = 4;

    /** Smallest ring capacity in bytes: room for an 8 KiB frame (a ring message is at most 1/8 of it). */
    public static final int MIN_CAPACITY = 65536;

    /** Offset of the request id in a dump or lookup command. */
    public static final int REQUEST_ID_OFFSET = 0;

    /** Offset of the first slot handle to dump. */
    public static final int FROM_HANDLE_OFFSET = 8;

    /** Offset of the most flows to dump. */
    public static final int MAX_FLOWS_OFFSET = 12;

    /** Length of a dump command. */
    public static final int DUMP_LENGTH = 16;

    /** Offset of the key in a lookup command. */
    public static final int LOOKUP_KEY_OFFSET = 8;

    /** Length of a lookup command. */
    public static final int LOOKUP_LENGTH = LOOKUP_KEY_OFFSET + FlowKeyCodec.LENGTH;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Receives commands drained from the ring; every argument is valid only during the call. */
    public interface WorkerCommandHandler
    {
        /**
         * A frame to send.
         *
         * @param segment segment holding the frame.
         * @param offset  offset of its first byte.
         * @param length  its length.
         */
        void onFrame(MemorySegment segment, long offset, int length);

        /**
         * A flow to insert unless a live local flow has its key.
         *
         * @param record the flow; a reused instance.
         */
        void onUpsert(FlowRecord record);

        /**
         * A request for up to {@code maxFlows} live flows from slot handle {@code fromHandle} on,
         * answered on the worker's {@link FlowReplyRing}.
         *
         * @param requestId  the id to answer with.
         * @param fromHandle first slot handle to look at, {@code >= 0}.
         * @param maxFlows   most flows to answer with, {@code >= 1}.
         */
        void onDump(long requestId, int fromHandle, int maxFlows);

        /**
         * A request for the flow of a key, answered on the worker's {@link FlowReplyRing}.
         *
         * @param requestId the id to answer with.
         * @param key       the tuple; a reused instance.
         */
        void onLookup(long requestId, FlowKey key);
    }

    private final ManyToOneRingBuffer ring;
    private final MemorySegment memory;
    private final int maxFrameLength;
    private final FlowRecord record = new FlowRecord();
    private final FlowKey key = new FlowKey();
    private volatile long malformed;

    /**
     * A ring in memory of its own.
     *
     * @param capacity ring capacity in bytes, a power of two of at least {@link #MIN_CAPACITY}.
     */
    public WorkerCommandRing(final int capacity)
    {
        this(RingMemory.allocate(capacity, MIN_CAPACITY, "worker command ring"));
    }

    /**
     * A ring in memory the caller provides.
     *
     * @param buffer a direct buffer of a power-of-two capacity of at least {@link #MIN_CAPACITY} plus
     *               {@link org.agrona.concurrent.ringbuffer.RingBufferDescriptor#TRAILER_LENGTH} bytes.
     */
    public WorkerCommandRing(final ByteBuffer buffer)
    {
        final ByteBuffer whole = RingMemory.check(buffer, MIN_CAPACITY, "worker command ring");
        ring = new ManyToOneRingBuffer(new UnsafeBuffer(whole));
        memory = MemorySegment.ofBuffer(whole);
        maxFrameLength = ring.maxMsgLength();
    }

    /**
     * Queues a frame to inject. Any thread.
     *
     * @param segment segment holding the frame, copied into the ring.
     * @param offset  offset of its first byte.
     * @param length  its length.
     * @return false when the ring is full, or the frame is empty, longer than {@link #maxFrameLength()}
     *         or not within {@code segment}.
     */
    public boolean offerFrame(final MemorySegment segment, final long offset, final int length)
    {
        if (length <= 0 || length > maxFrameLength || offset < 0 || offset > segment.byteSize() - length)
        {
            return false;
        }
        final int index = ring.tryClaim(FRAME, length);
        if (index <= 0)
        {
            return false;
        }
        try
        {
            MemorySegment.copy(segment, offset, memory, index, length);
        }
        catch (final RuntimeException ex)
        {
            ring.abort(index);
            throw ex;
        }
        ring.commit(index);
        return true;
    }

    /**
     * Queues a flow upsert. Any thread.
     *
     * @param flow the flow, copied into the ring.
     * @return false when the ring is full.
     */
    public boolean offerUpsert(final FlowRecord flow)
    {
        final int index = ring.tryClaim(FLOW_UPSERT, FlowRecord.LENGTH);
        if (index <= 0)
        {
            return false;
        }
        flow.encode(ring.buffer(), index);
        ring.commit(index);
        return true;
    }

    /**
     * Queues a request for a slice of the flow table. Any thread.
     *
     * @param requestId  the id the worker answers with.
     * @param fromHandle first slot handle to look at, {@code >= 0}.
     * @param maxFlows   most flows to answer with, {@code >= 1}.
     * @return false when the ring is full or an argument is out of range.
     */
    public boolean offerDump(final long requestId, final int fromHandle, final int maxFlows)
    {
        if (fromHandle < 0 || maxFlows < 1)
        {
            return false;
        }
        final int index = ring.tryClaim(FLOW_DUMP, DUMP_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + REQUEST_ID_OFFSET, requestId, ORDER);
        buffer.putInt(index + FROM_HANDLE_OFFSET, fromHandle, ORDER);
        buffer.putInt(index + MAX_FLOWS_OFFSET, maxFlows, ORDER);
        ring.commit(index);
        return true;
    }

    /**
     * Queues a request for the flow of a key. Any thread.
     *
     * @param requestId the id the worker answers with.
     * @param flowKey   the tuple, copied into the ring.
     * @return false when the ring is full.
     */
    public boolean offerLookup(final long requestId, final FlowKey flowKey)
    {
        final int index = ring.tryClaim(FLOW_LOOKUP, LOOKUP_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        ring.buffer().putLong(index + REQUEST_ID_OFFSET, requestId, ORDER);
        FlowKeyCodec.encode(flowKey, ring.buffer(), index + LOOKUP_KEY_OFFSET);
        ring.commit(index);
        return true;
    }

    /**
     * Hands up to {@code limit} commands to a handler. The worker thread only.
     *
     * @param commandHandler receives each command.
     * @param limit          most messages to read.
     * @return the number of messages read, malformed ones included; a read stops at the end of the
     *         ring's memory, so 0 or fewer than {@code limit} does not mean the ring is empty.
     */
    public int drain(final WorkerCommandHandler commandHandler, final int limit)
    {
        return drain(ring, commandHandler, limit);
    }

    /**
     * Decodes one message for {@link #drain}; not for callers.
     */
    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        switch (msgTypeId)
        {
            case FRAME -> onFrame(index, length);
            case FLOW_UPSERT -> onUpsert(buffer, index, length);
            case FLOW_DUMP -> onDump(buffer, index, length);
            case FLOW_LOOKUP -> onLookup(buffer, index, length);
            default -> malformed++;
        }
    }

    private void onFrame(final int index, final int length)
    {
        if (length > 0)
        {
            handler.onFrame(memory, index, length);
        }
        else
        {
            malformed++;
        }
    }

    private void onUpsert(final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (record.decode(buffer, index, length))
        {
            handler.onUpsert(record);
        }
        else
        {
            malformed++;
        }
    }

    private void onDump(final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int fromHandle = length == DUMP_LENGTH ? buffer.getInt(index + FROM_HANDLE_OFFSET, ORDER) : -1;
        final int maxFlows = length == DUMP_LENGTH ? buffer.getInt(index + MAX_FLOWS_OFFSET, ORDER) : 0;
        if (fromHandle >= 0 && maxFlows >= 1)
        {
            handler.onDump(buffer.getLong(index + REQUEST_ID_OFFSET, ORDER), fromHandle, maxFlows);
        }
        else
        {
            malformed++;
        }
    }

    private void onLookup(final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (length == LOOKUP_LENGTH && FlowKeyCodec.decode(buffer, index + LOOKUP_KEY_OFFSET, key))
        {
            handler.onLookup(buffer.getLong(index + REQUEST_ID_OFFSET, ORDER), key);
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

    /** @return the longest frame {@link #offerFrame} accepts. */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /** @return bytes queued and not yet read (approximate from another thread). */
    public int size()
    {
        return ring.size();
    }

    /**
     * Whether the ring has room for some more flow upserts now, with one record to spare: a record is
     * never split across the ring's end, so up to one record of the free space may not be usable. Other
     * threads may write to the ring meanwhile (frames, dumps, lookups), so an offer can still be
     * refused: callers count that.
     *
     * @param upserts how many.
     * @return true when that many would most likely fit.
     */
    public boolean hasRoomForUpserts(final int upserts)
    {
        final long record = BitUtil.align(RecordDescriptor.HEADER_LENGTH + FlowRecord.LENGTH, RecordDescriptor.ALIGNMENT);
        return ring.capacity() - ring.size() >= (upserts + 1L) * record;
    }

    /** @return ring capacity in bytes. */
    public int capacity()
    {
        return ring.capacity();
    }
}
