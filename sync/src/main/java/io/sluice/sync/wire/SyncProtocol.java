package io.sluice.sync.wire;

import io.sluice.sync.codec.BulkEndEncoder;
import io.sluice.sync.codec.FlowBatchEncoder;
import io.sluice.sync.codec.HelloEncoder;
import io.sluice.sync.codec.MessageHeaderEncoder;

/**
 * The sizes of the sync wire format, from the SBE schema {@code sluice-sync.xml}. Every message is
 * an SBE message ({@link #HEADER_LENGTH}-byte header, fixed block, groups) followed by a
 * {@link #TAG_LENGTH}-byte tag: the first 16 bytes of HMAC-SHA-256 over header and body.
 * <pre>
 *  +---------------------------+----------------------------+------------------+-------------+
 *  | SBE header (8)            | block: epoch, sequence,    | flows group      | tag (16)    |
 *  | blockLength templateId    | sentEpochNanos, senderId,  | (FlowBatch only) | HMAC-SHA-256|
 *  | schemaId version          | template fields            | header + N x 114 | truncated   |
 *  +---------------------------+----------------------------+------------------+-------------+
 *  |&lt;------------------------- covered by the tag ---------------------------&gt;|
 * </pre>
 * A {@code Hello} has, after its block, the {@code maglevDigests} group: a page of up to
 * {@link #MAX_DIGESTS_PER_HELLO} entries of {@link #DIGEST_LENGTH} bytes. Every message's header carries
 * {@link #VERSION}, and a reader takes that version only: both load balancers run the same schema
 * version, so that a flow's NAT mapping (version 3) is never dropped by a peer that cannot read it.
 */
public final class SyncProtocol
{
    /** The MAC algorithm, as {@link javax.crypto.Mac#getInstance(String)} names it. */
    public static final String MAC_ALGORITHM = "HmacSHA256";

    /** Length of the tag after every message: HMAC-SHA-256 truncated to 128 bits (RFC 4868). */
    public static final int TAG_LENGTH = 16;

    /** Length of the SBE message header. */
    public static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    /** Length of a repeating group's header (block length and count). */
    public static final int GROUP_HEADER_LENGTH = FlowBatchEncoder.FlowsEncoder.HEADER_SIZE;

    /** Length of one flow in a {@code FlowBatch} as this version writes it. */
    public static final int FLOW_LENGTH = FlowBatchEncoder.FlowsEncoder.sbeBlockLength();

    /** Most flows one {@code FlowBatch} can carry (the SBE group count limit). */
    public static final int MAX_FLOWS_PER_BATCH = FlowBatchEncoder.FlowsEncoder.countMaxValue();

    /** Length of a {@code FlowBatch} without flows, tag included. */
    public static final int EMPTY_FLOW_BATCH_LENGTH =
        HEADER_LENGTH + FlowBatchEncoder.BLOCK_LENGTH + GROUP_HEADER_LENGTH + TAG_LENGTH;

    /** Length of a {@code FlowBatch} of one flow, tag included: the smallest useful message length limit. */
    public static final int MIN_MAX_MESSAGE_LENGTH = EMPTY_FLOW_BATCH_LENGTH + FLOW_LENGTH;

    /**
     * The schema version every message's header carries, and the only one a reader takes: 3, the
     * version that added the flows' NAT mapping (version 2 added the hello's Maglev digests).
     */
    public static final int VERSION = MessageHeaderEncoder.SCHEMA_VERSION;

    /** Length of a {@code Hello} with no digests (an empty group), tag included. */
    public static final int HELLO_LENGTH = HEADER_LENGTH + HelloEncoder.BLOCK_LENGTH + GROUP_HEADER_LENGTH + TAG_LENGTH;

    /** Length of one Maglev digest entry in a {@code Hello} as this version writes it. */
    public static final int DIGEST_LENGTH = HelloEncoder.MaglevDigestsEncoder.sbeBlockLength();

    /**
     * Most digests one {@code Hello} carries: 32 make a message of 1,049 bytes, one frame under Aeron's
     * default MTU of 1,408 (1,376 bytes of payload), far under the 8 KiB most message of the smallest term
     * (64 KiB, a message at most an eighth of it).
     */
    public static final int MAX_DIGESTS_PER_HELLO = 32;

    /** Length of a {@code BulkEnd}, tag included. */
    public static final int BULK_END_LENGTH = HEADER_LENGTH + BulkEndEncoder.BLOCK_LENGTH + TAG_LENGTH;

    /** Largest message length either side accepts as a limit: 1 MiB. */
    public static final int MAX_MAX_MESSAGE_LENGTH = 1 << 20;

    private SyncProtocol()
    {
    }

    /**
     * The most flows that fit one {@code FlowBatch} of at most {@code maxMessageLength} bytes.
     *
     * @param maxMessageLength the message length limit, tag included.
     * @return flows per batch, 0 when not even one fits, at most {@link #MAX_FLOWS_PER_BATCH}.
     */
    public static int flowsThatFit(final int maxMessageLength)
    {
        final int room = maxMessageLength - EMPTY_FLOW_BATCH_LENGTH;
        return room < FLOW_LENGTH ? 0 : Math.min(room / FLOW_LENGTH, MAX_FLOWS_PER_BATCH);
    }

    /**
     * The most digests that fit one {@code Hello} of at most {@code maxMessageLength} bytes.
     *
     * @param maxMessageLength the message length limit, tag included.
     * @return digests per hello, 0 to {@link #MAX_DIGESTS_PER_HELLO}.
     */
    public static int digestsThatFit(final int maxMessageLength)
    {
        final int room = maxMessageLength - HELLO_LENGTH;
        return room < DIGEST_LENGTH ? 0 : Math.min(room / DIGEST_LENGTH, MAX_DIGESTS_PER_HELLO);
    }

    static int checkMaxMessageLength(final int maxMessageLength)
    {
        if (maxMessageLength < MIN_MAX_MESSAGE_LENGTH || maxMessageLength > MAX_MAX_MESSAGE_LENGTH)
        {
            throw new IllegalArgumentException("maxMessageLength " + maxMessageLength + " is outside " +
                MIN_MAX_MESSAGE_LENGTH + ".." + MAX_MAX_MESSAGE_LENGTH);
        }
        return maxMessageLength;
    }
}
