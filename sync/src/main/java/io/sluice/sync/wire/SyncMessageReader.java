package io.sluice.sync.wire;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.sync.codec.BulkEndDecoder;
import io.sluice.sync.codec.FlowBatchDecoder;
import io.sluice.sync.codec.FlowBatchDecoder.FlowsDecoder;
import io.sluice.sync.codec.FlowOp;
import io.sluice.sync.codec.HelloDecoder;
import io.sluice.sync.codec.HelloDecoder.MaglevDigestsDecoder;
import io.sluice.sync.codec.MessageHeaderDecoder;

/**
 * Validates, authenticates and dispatches received sync messages. {@link #read} checks a message in
 * this order, stops at the first failure and counts it by {@link SyncVerdict}:
 * <ol>
 *   <li>within the buffer and at least a header and a tag long ({@code TRUNCATED}); at most
 *       {@link #maxMessageLength()} ({@code TOO_LONG});</li>
 *   <li>schema id ({@code UNKNOWN_SCHEMA}); exactly this reader's schema version ({@code OLD_VERSION}
 *       for an older one, whose number {@link #lastRefusedVersion()} keeps for the agent's log,
 *       {@code UNKNOWN_VERSION} for 0 or a newer one); template id ({@code UNKNOWN_TEMPLATE});</li>
 *   <li>block lengths at least this version's ({@code MALFORMED}); the fixed part present
 *       ({@code TRUNCATED}); the flows (or a hello's Maglev digests) exactly filling what is left
 *       before the tag, each entry at least as long as this version writes it ({@code MALFORMED}): a group
 *       count larger than the body never reads past the message;</li>
 *   <li>the tag, compared in constant time ({@code BAD_MAC});</li>
 *   <li>not from this load balancer ({@code OWN_MESSAGE}); every flow valid ({@code MALFORMED});</li>
 *   <li>replay: per sender its newest epoch, highest sequence and a 64-bit window ({@code STALE_EPOCH},
 *       {@code REPLAYED}); a sender never seen must not push the senders tracked past the limit
 *       ({@code PEER_LIMIT}) and must have sent the message recently by this reader's clock
 *       ({@code EXPIRED}), so that a message recorded before this reader started cannot be replayed
 *       into it.</li>
 * </ol>
 * Only then does the replay state advance and the {@link SyncMessageHandler} receive the message:
 * a rejected message changes nothing and delivers nothing. Nothing throws, whatever the bytes.
 * <p>
 * Lengths come from the message (SBE block and group lengths), so entries longer than this version's
 * are stepped over correctly; but only this reader's own version is taken, by policy: a peer of another
 * version could drop or not send a flow's NAT mapping (version 3), and a NAT flow without its mapping is
 * wrong, not merely incomplete. Both load balancers run the same schema version.
 * <p>
 * One thread. Reading allocates nothing in the steady state but inside the JDK's
 * {@link javax.crypto.Mac#doFinal(byte[], int)}: one 32-byte array (48 bytes of heap) per message,
 * whatever its number of flows. The first message of a new sender allocates its replay state.
 */
public final class SyncMessageReader
{
    /** Default longest message accepted, tag included: 64 KiB. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 64 * 1024;

    /** Default most senders tracked. */
    public static final int DEFAULT_MAX_PEERS = 64;

    /** Default largest difference between a new sender's send time and this reader's clock: 30 s. */
    public static final long DEFAULT_FIRST_CONTACT_MAX_AGE_NS = TimeUnit.SECONDS.toNanos(30);

    private static final int NO_EPOCH_EVENT = 0;
    private static final int FIRST_CONTACT = 1;
    private static final int RESTARTED = 2;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final FlowBatchDecoder batch = new FlowBatchDecoder();
    private final HelloDecoder hello = new HelloDecoder();
    private final BulkEndDecoder bulkEnd = new BulkEndDecoder();
    private final SyncEnvelope envelope = new SyncEnvelope();
    private final FlowRecord record = new FlowRecord();
    private final long[] counts = new long[SyncVerdict.count()];
    private final Int2ObjectHashMap<ReplayWindow> windows = new Int2ObjectHashMap<>();
    private final MessageAuthenticator authenticator;
    private final SyncMessageHandler handler;
    private final EpochNanoClock clock;
    private final int ownSenderId;
    private final int maxMessageLength;
    private final int maxPeers;
    private final long firstContactMaxAgeNs;
    private long flowsDelivered;
    private int templateId;
    private int groupBlockLength;
    private int epochEvent;
    private int lastRefusedVersion;

    /**
     * A reader with the defaults: messages up to {@link #DEFAULT_MAX_MESSAGE_LENGTH}, up to
     * {@link #DEFAULT_MAX_PEERS} senders, {@link #DEFAULT_FIRST_CONTACT_MAX_AGE_NS}, the system clock.
     *
     * @param key         the shared key.
     * @param ownSenderId this load balancer's sender id: its own messages are rejected.
     * @param handler     receives what is accepted.
     */
    public SyncMessageReader(final SyncKey key, final int ownSenderId, final SyncMessageHandler handler)
    {
        this(key, ownSenderId, handler, SystemEpochNanoClock.INSTANCE, DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_PEERS,
            DEFAULT_FIRST_CONTACT_MAX_AGE_NS);
    }

    /**
     * A reader.
     *
     * @param key                  the shared key.
     * @param ownSenderId          this load balancer's sender id: its own messages are rejected.
     * @param handler              receives what is accepted.
     * @param clock                epoch nanoseconds, read only for a sender's first message.
     * @param maxMessageLength     longest message accepted, tag included, at least the peers' writer's.
     * @param maxPeers             most senders tracked, at least 1.
     * @param firstContactMaxAgeNs how far a sender's first message's send time may lie from the clock.
     */
    public SyncMessageReader(
        final SyncKey key,
        final int ownSenderId,
        final SyncMessageHandler handler,
        final EpochNanoClock clock,
        final int maxMessageLength,
        final int maxPeers,
        final long firstContactMaxAgeNs)
    {
        if (maxPeers < 1 || firstContactMaxAgeNs < 0)
        {
            throw new IllegalArgumentException("maxPeers " + maxPeers + " must be at least 1 and firstContactMaxAgeNs " +
                firstContactMaxAgeNs + " not negative");
        }
        this.maxMessageLength = SyncProtocol.checkMaxMessageLength(maxMessageLength);
        this.authenticator = new MessageAuthenticator(key, maxMessageLength);
        this.handler = handler;
        this.clock = clock;
        this.ownSenderId = ownSenderId;
        this.maxPeers = maxPeers;
        this.firstContactMaxAgeNs = firstContactMaxAgeNs;
    }

    /**
     * Checks one message and, when it is accepted, hands it to the handler. Never throws for any
     * content, length or offset (an exception from the handler itself propagates).
     *
     * @param buffer the buffer holding the message.
     * @param offset where the message starts.
     * @param length its length, tag included.
     * @return {@link SyncVerdict#ACCEPTED}, or why the message was rejected; either is counted.
     */
    public SyncVerdict read(final DirectBuffer buffer, final int offset, final int length)
    {
        final SyncVerdict verdict = check(buffer, offset, length);
        counts[verdict.id()]++;
        if (verdict == SyncVerdict.ACCEPTED)
        {
            deliver(buffer);
        }
        return verdict;
    }

    /**
     * Counts a message that was dropped unread for being longer than the transport carries in one
     * frame (its fragments are not reassembled): a {@link SyncVerdict#TOO_LONG} rejection.
     */
    public void countTooLong()
    {
        counts[SyncVerdict.TOO_LONG.id()]++;
    }

    /**
     * How many messages got a verdict, for the agent to publish as counters.
     *
     * @param verdict the verdict.
     * @return messages read with that verdict since this reader was made.
     */
    public long count(final SyncVerdict verdict)
    {
        return counts[verdict.id()];
    }

    /** @return messages rejected, for any reason. */
    public long rejected()
    {
        long total = 0;
        for (int i = 1; i < counts.length; i++)
        {
            total += counts[i];
        }
        return total;
    }

    /** @return flows handed to the handler. */
    public long flowsDelivered()
    {
        return flowsDelivered;
    }

    /** @return senders whose replay state this reader keeps. */
    public int peerCount()
    {
        return windows.size();
    }

    /**
     * Whether a sender has had a message accepted.
     *
     * @param senderId the sender.
     * @return true when this reader keeps its replay state.
     */
    public boolean knowsPeer(final int senderId)
    {
        return windows.containsKey(senderId);
    }

    /**
     * A sender's newest epoch.
     *
     * @param senderId the sender.
     * @return its newest epoch accepted (unsigned), 0 when {@link #knowsPeer} is false.
     */
    public long peerEpoch(final int senderId)
    {
        final ReplayWindow window = windows.get(senderId);
        return window == null ? 0 : window.epoch();
    }

    /**
     * A sender's highest sequence in its newest epoch.
     *
     * @param senderId the sender.
     * @return the highest sequence accepted (unsigned), 0 when {@link #knowsPeer} is false.
     */
    public long peerHighestSequence(final int senderId)
    {
        final ReplayWindow window = windows.get(senderId);
        return window == null ? 0 : window.highestSequence();
    }

    /**
     * The schema version of the last message refused for its version ({@link SyncVerdict#OLD_VERSION} or
     * {@link SyncVerdict#UNKNOWN_VERSION}), for a log line that names both versions. Read before the
     * message's tag is checked (a message of another layout cannot be), so it says what a peer, or
     * anyone who can reach the port, claims.
     *
     * @return the version, 0 when no message was refused for its version.
     */
    public int lastRefusedVersion()
    {
        return lastRefusedVersion;
    }

    /** @return the longest message accepted, tag included. */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    private SyncVerdict check(final DirectBuffer buffer, final int offset, final int length)
    {
        if (offset < 0 || length < SyncProtocol.HEADER_LENGTH + SyncProtocol.TAG_LENGTH ||
            offset > buffer.capacity() - length)
        {
            return SyncVerdict.TRUNCATED;
        }
        if (length > maxMessageLength)
        {
            return SyncVerdict.TOO_LONG;
        }
        header.wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            return SyncVerdict.UNKNOWN_SCHEMA;
        }
        final int version = header.version();
        if (version != SyncProtocol.VERSION)
        {
            lastRefusedVersion = version;
            return version >= 1 && version < SyncProtocol.VERSION ? SyncVerdict.OLD_VERSION : SyncVerdict.UNKNOWN_VERSION;
        }
        final SyncVerdict structure = checkStructure(buffer, offset, length, version);
        if (structure != SyncVerdict.ACCEPTED)
        {
            return structure;
        }
        if (!authenticator.verify(buffer, offset, length))
        {
            return SyncVerdict.BAD_MAC;
        }
        readEnvelope();
        if (envelope.senderId() == ownSenderId)
        {
            return SyncVerdict.OWN_MESSAGE;
        }
        if (!flowsValid(buffer))
        {
            return SyncVerdict.MALFORMED;
        }
        return checkReplay();
    }

    private SyncVerdict checkStructure(final DirectBuffer buffer, final int offset, final int length, final int version)
    {
        templateId = header.templateId();
        final int blockLength = header.blockLength();
        final int blockOffset = offset + SyncProtocol.HEADER_LENGTH;
        final int bodyLength = length - SyncProtocol.HEADER_LENGTH - SyncProtocol.TAG_LENGTH;
        switch (templateId)
        {
            case FlowBatchDecoder.TEMPLATE_ID:
                if (blockLength < FlowBatchDecoder.BLOCK_LENGTH)
                {
                    return SyncVerdict.MALFORMED;
                }
                if (blockLength + SyncProtocol.GROUP_HEADER_LENGTH > bodyLength)
                {
                    return SyncVerdict.TRUNCATED;
                }
                batch.wrap(buffer, blockOffset, blockLength, version);
                return checkGroupFits(buffer, blockOffset + blockLength, bodyLength - blockLength, SyncProtocol.FLOW_LENGTH);

            case HelloDecoder.TEMPLATE_ID:
                hello.wrap(buffer, blockOffset, blockLength, version);
                if (blockLength < HelloDecoder.BLOCK_LENGTH)
                {
                    return SyncVerdict.MALFORMED;
                }
                if (blockLength + SyncProtocol.GROUP_HEADER_LENGTH > bodyLength)
                {
                    return SyncVerdict.TRUNCATED;
                }
                return checkGroupFits(buffer, blockOffset + blockLength, bodyLength - blockLength, SyncProtocol.DIGEST_LENGTH);

            case BulkEndDecoder.TEMPLATE_ID:
                bulkEnd.wrap(buffer, blockOffset, blockLength, version);
                return checkBlockOnly(blockLength, BulkEndDecoder.BLOCK_LENGTH, bodyLength);

            default:
                return SyncVerdict.UNKNOWN_TEMPLATE;
        }
    }

    private SyncVerdict checkGroupFits(
        final DirectBuffer buffer, final int groupOffset, final int groupLength, final int minEntryLength)
    {
        groupBlockLength = buffer.getShort(groupOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupOffset + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (groupBlockLength < minEntryLength ||
            (long)count * groupBlockLength != groupLength - SyncProtocol.GROUP_HEADER_LENGTH)
        {
            return SyncVerdict.MALFORMED;
        }
        return SyncVerdict.ACCEPTED;
    }

    private static SyncVerdict checkBlockOnly(final int blockLength, final int minBlockLength, final int bodyLength)
    {
        if (blockLength < minBlockLength)
        {
            return SyncVerdict.MALFORMED;
        }
        if (blockLength > bodyLength)
        {
            return SyncVerdict.TRUNCATED;
        }
        return blockLength == bodyLength ? SyncVerdict.ACCEPTED : SyncVerdict.MALFORMED;
    }

    private void readEnvelope()
    {
        switch (templateId)
        {
            case FlowBatchDecoder.TEMPLATE_ID -> envelope.set((int)batch.senderId(), batch.epoch(), batch.sequence(),
                batch.sentEpochNanos(), batch.flows().count());
            case HelloDecoder.TEMPLATE_ID -> envelope.set((int)hello.senderId(), hello.epoch(), hello.sequence(),
                hello.sentEpochNanos(), 0);
            default -> envelope.set((int)bulkEnd.senderId(), bulkEnd.epoch(), bulkEnd.sequence(),
                bulkEnd.sentEpochNanos(), 0);
        }
    }

    private boolean flowsValid(final DirectBuffer buffer)
    {
        if (templateId != FlowBatchDecoder.TEMPLATE_ID)
        {
            return true;
        }
        final FlowsDecoder flows = batch.sbeRewind().flows();
        while (flows.hasNext())
        {
            flows.next();
            if (!FlowCodec.isValid(buffer, batch.limit() - groupBlockLength, flows))
            {
                return false;
            }
        }
        return true;
    }

    private SyncVerdict checkReplay()
    {
        final int senderId = envelope.senderId();
        final ReplayWindow window = windows.get(senderId);
        if (window == null)
        {
            if (windows.size() >= maxPeers)
            {
                return SyncVerdict.PEER_LIMIT;
            }
            if (!isRecent(envelope.sentEpochNanos(), clock.nanoTime(), firstContactMaxAgeNs))
            {
                return SyncVerdict.EXPIRED;
            }
            windows.put(senderId, new ReplayWindow(envelope.epoch(), envelope.sequence()));
            epochEvent = FIRST_CONTACT;
            return SyncVerdict.ACCEPTED;
        }

        switch (window.accept(envelope.epoch(), envelope.sequence()))
        {
            case ReplayWindow.FRESH:
                epochEvent = NO_EPOCH_EVENT;
                return SyncVerdict.ACCEPTED;
            case ReplayWindow.NEW_EPOCH:
                epochEvent = RESTARTED;
                return SyncVerdict.ACCEPTED;
            case ReplayWindow.STALE_EPOCH:
                return SyncVerdict.STALE_EPOCH;
            default:
                return SyncVerdict.REPLAYED;
        }
    }

    /**
     * Whether two times lie at most {@code maxDifference} apart, without overflow: a difference
     * that does not fit a long wraps negative, and is not recent.
     */
    static boolean isRecent(final long sentNs, final long nowNs, final long maxDifferenceNs)
    {
        final long difference = sentNs >= nowNs ? sentNs - nowNs : nowNs - sentNs;
        return difference >= 0 && difference <= maxDifferenceNs;
    }

    private void deliver(final DirectBuffer buffer)
    {
        if (epochEvent != NO_EPOCH_EVENT)
        {
            handler.onPeerEpoch(envelope, epochEvent == RESTARTED);
        }
        switch (templateId)
        {
            case FlowBatchDecoder.TEMPLATE_ID -> deliverFlows(buffer);
            case HelloDecoder.TEMPLATE_ID -> deliverHello(buffer);
            default -> handler.onBulkEnd(envelope, bulkEnd.flowsSent());
        }
    }

    private void deliverHello(final DirectBuffer buffer)
    {
        handler.onHello(envelope, hello.flags().wantsBulk());
        final MaglevDigestsDecoder digests = hello.sbeRewind().maglevDigests();
        while (digests.hasNext())
        {
            digests.next();
            final int vipOffset = hello.limit() - groupBlockLength + MaglevDigestsDecoder.serviceEncodingOffset();
            handler.onMaglevDigest(envelope, buffer.getLong(vipOffset, ByteOrder.BIG_ENDIAN),
                buffer.getLong(vipOffset + 8, ByteOrder.BIG_ENDIAN), digests.servicePort(), digests.serviceProtocol(),
                digests.maglevSize(), digests.digest());
        }
    }

    private void deliverFlows(final DirectBuffer buffer)
    {
        final FlowsDecoder flows = batch.sbeRewind().flows();
        while (flows.hasNext())
        {
            flows.next();
            FlowCodec.decode(buffer, batch.limit() - groupBlockLength, flows, record);
            flowsDelivered++;
            handler.onFlow(envelope, FlowOp.get(flows.opRaw()), record);
        }
    }
}
