package io.sluice.sync.wire;

import org.agrona.MutableDirectBuffer;

import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.sync.codec.BulkEndEncoder;
import io.sluice.sync.codec.FlowBatchEncoder;
import io.sluice.sync.codec.FlowBatchEncoder.FlowsEncoder;
import io.sluice.sync.codec.FlowOp;
import io.sluice.sync.codec.HelloEncoder;
import io.sluice.sync.codec.HelloEncoder.MaglevDigestsEncoder;
import io.sluice.sync.codec.MessageHeaderEncoder;

/**
 * Encodes and signs sync messages into a buffer the caller supplies (and then publishes): a
 * {@code FlowBatch} built flow by flow, a {@code Hello}, a {@code BulkEnd}. Every message ends with
 * the {@link SyncProtocol#TAG_LENGTH}-byte HMAC-SHA-256-128 tag over all its bytes before the tag.
 * <pre>
 *  writer.begin(buffer, 0, senderId, epoch, ++sequence, nowEpochNs);
 *  while (there is a flow &amp;&amp; writer.add(FlowOp.NEW, record)) { ... }
 *  int length = writer.finish();   // publish buffer[0, length)
 * </pre>
 * One thread (the sync agent's). Encoding allocates nothing; signing calls {@link javax.crypto.Mac},
 * initialised once, whose {@code doFinal} allocates one 32-byte array per message inside the JDK
 * (48 bytes of heap): a little garbage per message, not per flow, acceptable on the sync thread and
 * never on a worker. The caller chooses the sequence: one more for every message of an epoch, over
 * all three message types. Every message's header carries {@link SyncProtocol#VERSION}.
 */
public final class SyncMessageWriter
{
    /** Default longest message, tag included: 8 KiB, 71 flows per batch. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 8 * 1024;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final FlowBatchEncoder batch = new FlowBatchEncoder();
    private final HelloEncoder hello = new HelloEncoder();
    private final BulkEndEncoder bulkEnd = new BulkEndEncoder();
    private final MessageAuthenticator authenticator;
    private final int maxMessageLength;
    private final int maxFlows;
    private final int maxDigests;
    private final MaglevDigestList noDigests = new MaglevDigestList();
    private MutableDirectBuffer buffer;
    private int offset;
    private FlowsEncoder flows;
    private int flowCount;

    /**
     * A writer of messages of up to {@link #DEFAULT_MAX_MESSAGE_LENGTH} bytes.
     *
     * @param key the shared key.
     */
    public SyncMessageWriter(final SyncKey key)
    {
        this(key, DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /**
     * A writer of messages of up to {@code maxMessageLength} bytes. Keep it at most the peers'
     * {@link SyncMessageReader#maxMessageLength()}; at most Aeron's {@code maxPayloadLength} (MTU
     * minus 32) for messages that need no fragment reassembly.
     *
     * @param key              the shared key.
     * @param maxMessageLength the longest message, tag included, {@link SyncProtocol#MIN_MAX_MESSAGE_LENGTH}
     *                         to {@link SyncProtocol#MAX_MAX_MESSAGE_LENGTH}.
     */
    public SyncMessageWriter(final SyncKey key, final int maxMessageLength)
    {
        this.maxMessageLength = SyncProtocol.checkMaxMessageLength(maxMessageLength);
        this.maxFlows = SyncProtocol.flowsThatFit(maxMessageLength);
        this.maxDigests = SyncProtocol.digestsThatFit(maxMessageLength);
        this.authenticator = new MessageAuthenticator(key, maxMessageLength);
    }

    /**
     * The op that carries a worker's flow event.
     *
     * @param eventType {@link FlowEventRing#NEW}, {@link FlowEventRing#REPIN} or {@link FlowEventRing#CLOSE}.
     * @return the op, or null for an unknown event type.
     */
    public static FlowOp opOf(final int eventType)
    {
        return switch (eventType)
        {
            case FlowEventRing.NEW -> FlowOp.NEW;
            case FlowEventRing.REPIN -> FlowOp.REPIN;
            case FlowEventRing.CLOSE -> FlowOp.CLOSE;
            default -> null;
        };
    }

    /**
     * Starts a {@code FlowBatch}, replacing one begun and not finished.
     *
     * @param buffer         where to encode; at least {@link #maxMessageLength()} bytes from {@code offset}.
     * @param offset         where the message starts.
     * @param senderId       this load balancer's id (unsigned 32 bits).
     * @param epoch          this load balancer's epoch (unsigned 64 bits).
     * @param sequence       the message's sequence number in the epoch (unsigned 64 bits).
     * @param sentEpochNanos now, in nanoseconds since the epoch.
     * @return this writer.
     * @throws IllegalArgumentException when the buffer is too small.
     */
    public SyncMessageWriter begin(
        final MutableDirectBuffer buffer,
        final int offset,
        final int senderId,
        final long epoch,
        final long sequence,
        final long sentEpochNanos)
    {
        checkRoom(buffer, offset, maxMessageLength);
        this.buffer = buffer;
        this.offset = offset;
        batch.wrapAndApplyHeader(buffer, offset, header)
            .epoch(epoch)
            .sequence(sequence)
            .sentEpochNanos(sentEpochNanos)
            .senderId(senderId & 0xFFFF_FFFFL);
        flows = batch.flowsCount(maxFlows);
        flowCount = 0;
        return this;
    }

    /**
     * Appends one flow to the batch begun, if it fits.
     *
     * @param op     what happened to the flow (not {@link FlowOp#NULL_VAL} or {@link FlowOp#SBE_UNKNOWN}).
     * @param record the flow; copied, its NAT mapping included.
     * @return false, leaving the batch as it was, when the flow would make the message longer than
     *         {@link #maxMessageLength()}: finish this batch and begin another.
     * @throws IllegalStateException when no batch is begun.
     */
    public boolean add(final FlowOp op, final FlowRecord record)
    {
        if (flows == null)
        {
            throw new IllegalStateException("no FlowBatch begun");
        }
        if (op == FlowOp.NULL_VAL || op == FlowOp.SBE_UNKNOWN)
        {
            throw new IllegalArgumentException("not a flow op: " + op);
        }
        if (flowCount == maxFlows)
        {
            return false;
        }
        flows.next();
        FlowCodec.encode(buffer, batch.limit() - SyncProtocol.FLOW_LENGTH, flows, op, record);
        flowCount++;
        return true;
    }

    /** @return flows in the batch begun, 0 when none is. */
    public int flowCount()
    {
        return flows == null ? 0 : flowCount;
    }

    /**
     * Ends the batch begun: writes its flow count and signs it.
     *
     * @return the message's length, tag included: publish {@code [offset, offset + length)}.
     * @throws IllegalStateException when no batch is begun.
     */
    public int finish()
    {
        if (flows == null)
        {
            throw new IllegalStateException("no FlowBatch begun");
        }
        flows.resetCountToIndex();
        flows = null;
        return sign(buffer, offset, batch.limit() - offset);
    }

    /**
     * Encodes and signs a {@code Hello} without Maglev digests.
     *
     * @param buffer         where to encode; at least {@link SyncProtocol#HELLO_LENGTH} bytes from {@code offset}.
     * @param offset         where the message starts.
     * @param senderId       this load balancer's id.
     * @param epoch          this load balancer's epoch.
     * @param sequence       the message's sequence number in the epoch.
     * @param sentEpochNanos now, in nanoseconds since the epoch.
     * @param wantsBulk      whether this load balancer asks its peers for a bulk transfer.
     * @return the message's length, tag included.
     */
    public int writeHello(
        final MutableDirectBuffer buffer,
        final int offset,
        final int senderId,
        final long epoch,
        final long sequence,
        final long sentEpochNanos,
        final boolean wantsBulk)
    {
        return writeHello(buffer, offset, senderId, epoch, sequence, sentEpochNanos, wantsBulk, noDigests, 0);
    }

    /**
     * Encodes and signs a {@code Hello} with a page of Maglev digests: {@code min(digests.count(),
     * maxDigestsPerHello())} entries from {@code from} on, wrapping round to the list's start.
     *
     * @param buffer         where to encode; at least {@link #maxMessageLength()} bytes from {@code offset}.
     * @param offset         where the message starts.
     * @param senderId       this load balancer's id.
     * @param epoch          this load balancer's epoch.
     * @param sequence       the message's sequence number in the epoch.
     * @param sentEpochNanos now, in nanoseconds since the epoch.
     * @param wantsBulk      whether this load balancer asks its peers for a bulk transfer.
     * @param digests        this load balancer's Maglev services' digests.
     * @param from           the first entry of the page, {@code 0 <= from < digests.count()} (any value when empty).
     * @return the message's length, tag included.
     */
    public int writeHello(
        final MutableDirectBuffer buffer,
        final int offset,
        final int senderId,
        final long epoch,
        final long sequence,
        final long sentEpochNanos,
        final boolean wantsBulk,
        final MaglevDigestList digests,
        final int from)
    {
        final int total = digests.count();
        final int count = Math.min(total, maxDigests);
        checkRoom(buffer, offset, SyncProtocol.HELLO_LENGTH + count * SyncProtocol.DIGEST_LENGTH);
        hello.wrapAndApplyHeader(buffer, offset, header)
            .epoch(epoch)
            .sequence(sequence)
            .sentEpochNanos(sentEpochNanos)
            .senderId(senderId & 0xFFFF_FFFFL)
            .flags().clear().wantsBulk(wantsBulk);
        final MaglevDigestsEncoder page = hello.maglevDigestsCount(count);
        for (int i = 0; i < count; i++)
        {
            final int entry = (from + i) % total;
            page.next()
                .digest(digests.digest(entry))
                .maglevSize(digests.maglevSize(entry) & 0xFFFF_FFFFL)
                .servicePort(digests.port(entry))
                .serviceProtocol((short)digests.protocol(entry));
            FlowCodec.putAddress(buffer, hello.limit() - SyncProtocol.DIGEST_LENGTH +
                MaglevDigestsEncoder.serviceEncodingOffset(), digests.vipHi(entry), digests.vipLo(entry));
        }
        return sign(buffer, offset, hello.limit() - offset);
    }

    /**
     * Encodes and signs a {@code BulkEnd}.
     *
     * @param buffer         where to encode; at least {@link SyncProtocol#BULK_END_LENGTH} bytes from {@code offset}.
     * @param offset         where the message starts.
     * @param senderId       this load balancer's id.
     * @param epoch          this load balancer's epoch.
     * @param sequence       the message's sequence number in the epoch.
     * @param sentEpochNanos now, in nanoseconds since the epoch.
     * @param flowsSent      {@link FlowOp#BULK} flows sent in the transfer this message ends.
     * @return the message's length, tag included.
     */
    public int writeBulkEnd(
        final MutableDirectBuffer buffer,
        final int offset,
        final int senderId,
        final long epoch,
        final long sequence,
        final long sentEpochNanos,
        final long flowsSent)
    {
        checkRoom(buffer, offset, SyncProtocol.BULK_END_LENGTH);
        bulkEnd.wrapAndApplyHeader(buffer, offset, header)
            .epoch(epoch)
            .sequence(sequence)
            .sentEpochNanos(sentEpochNanos)
            .senderId(senderId & 0xFFFF_FFFFL)
            .flowsSent(flowsSent);
        return sign(buffer, offset, SyncProtocol.BULK_END_LENGTH - SyncProtocol.TAG_LENGTH);
    }

    /** @return the longest message this writer makes, tag included. */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /** @return the most Maglev digests one hello of this writer holds. */
    public int maxDigestsPerHello()
    {
        return maxDigests;
    }

    /** @return the most flows one batch of this writer holds. */
    public int maxFlowsPerBatch()
    {
        return maxFlows;
    }

    private int sign(final MutableDirectBuffer buffer, final int offset, final int bodyLength)
    {
        authenticator.sign(buffer, offset, bodyLength);
        return bodyLength + SyncProtocol.TAG_LENGTH;
    }

    private static void checkRoom(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (offset < 0 || (long)offset + length > buffer.capacity())
        {
            throw new IllegalArgumentException("a buffer of " + buffer.capacity() + " bytes has no room for " +
                length + " bytes at offset " + offset);
        }
    }
}
