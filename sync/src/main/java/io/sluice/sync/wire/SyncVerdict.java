package io.sluice.sync.wire;

/**
 * What {@link SyncMessageReader#read} made of a message: accepted, or the first reason it was
 * rejected, in the order the reader checks them. A rejected message changes nothing and delivers
 * nothing. Each verdict has a stable id and a label for counters and metrics, as Aeron's
 * {@code SystemCounterDescriptor} does.
 */
public enum SyncVerdict
{
    /** Authentic, fresh and well formed: its flows were delivered. */
    ACCEPTED(0, "accepted"),

    /** Shorter than a header and a tag, outside the buffer, or shorter than its template's fixed part. */
    TRUNCATED(1, "truncated"),

    /** Longer than the reader's {@link SyncMessageReader#maxMessageLength()}, or than one transport frame ({@link SyncMessageReader#countTooLong()}). */
    TOO_LONG(2, "too-long"),

    /** Not of the sync schema. */
    UNKNOWN_SCHEMA(3, "unknown-schema"),

    /** Of a schema version this reader does not know (0, or newer than its own): see {@link #OLD_VERSION}. */
    UNKNOWN_VERSION(4, "unknown-version"),

    /** Of a message template this reader does not know. */
    UNKNOWN_TEMPLATE(5, "unknown-template"),

    /** Lengths that do not add up, or (after its tag verified) a flow that is not valid. */
    MALFORMED(6, "malformed"),

    /** Its tag is wrong: forged, altered, or signed with another key. */
    BAD_MAC(7, "bad-mac"),

    /** Sent by this load balancer itself (multicast loopback, a misconfigured peer list). */
    OWN_MESSAGE(8, "own-message"),

    /** From a sender not seen before, when the reader already tracks as many senders as it may. */
    PEER_LIMIT(9, "peer-limit"),

    /** From a sender not seen before, sent too long ago (or in the future) to be taken as fresh. */
    EXPIRED(10, "expired"),

    /** From an epoch older than the sender's newest: sent before the sender restarted. */
    STALE_EPOCH(11, "stale-epoch"),

    /** A sequence already seen, or too far behind the newest to tell. */
    REPLAYED(12, "replayed"),

    /**
     * Of an older schema version than this reader's (a peer that has not been upgraded): refused, as
     * both load balancers must run the same version, so that no flow's NAT mapping is dropped on the
     * way. {@link SyncMessageReader#lastRefusedVersion()} says which version the peer speaks.
     */
    OLD_VERSION(13, "old-version");

    private static final SyncVerdict[] BY_ID = values();

    private final int id;
    private final String label;

    SyncVerdict(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    /** @return the verdict's stable id, also its index in a counters array. */
    public int id()
    {
        return id;
    }

    /** @return the verdict's label for counters and metrics, e.g. {@code bad-mac}. */
    public String label()
    {
        return label;
    }

    /** @return true for every verdict but {@link #ACCEPTED}. */
    public boolean isRejection()
    {
        return this != ACCEPTED;
    }

    /** @return the number of verdicts. */
    public static int count()
    {
        return BY_ID.length;
    }

    /**
     * The verdict of an id.
     *
     * @param id a verdict's {@link #id()}.
     * @return the verdict.
     * @throws IndexOutOfBoundsException for an unknown id.
     */
    public static SyncVerdict get(final int id)
    {
        return BY_ID[id];
    }
}
