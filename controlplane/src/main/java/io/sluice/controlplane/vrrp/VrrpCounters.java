package io.sluice.controlplane.vrrp;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of a {@link VrrpInstance}: frames discarded by {@link VrrpDiscard reason}, adverts
 * accepted by checksum form, and frames sent. One thread (the one that runs the instance)
 * writes; any thread may read.
 */
public final class VrrpCounters
{
    private static final int DISCARDS = VrrpDiscard.values().length;
    private static final int ACCEPTED_RFC5798 = DISCARDS;
    private static final int ACCEPTED_RFC9568 = DISCARDS + 1;
    private static final int ADVERTS_SENT = DISCARDS + 2;
    private static final int ANNOUNCEMENTS_SENT = DISCARDS + 3;
    private static final int SEND_FAILURES = DISCARDS + 4;
    private static final int UNRESOLVED_PEERS = DISCARDS + 5;
    private static final int REPLIES_SUPPRESSED = DISCARDS + 6;
    private static final int COUNT = DISCARDS + 7;

    private final AtomicLongArray values = new AtomicLongArray(COUNT);

    /**
     * Counts one discarded frame.
     *
     * @param reason why it was discarded.
     */
    public void onDiscard(final VrrpDiscard reason)
    {
        increment(reason.ordinal());
    }

    /**
     * Counts one accepted advert by the checksum form that matched.
     *
     * @param withPseudoHeader true for the RFC 5798 form, false for the RFC 9568 IPv4 form without it.
     */
    public void onAccepted(final boolean withPseudoHeader)
    {
        increment(withPseudoHeader ? ACCEPTED_RFC5798 : ACCEPTED_RFC9568);
    }

    /** Counts one advertisement frame handed to the dataplane. */
    public void onAdvertSent()
    {
        increment(ADVERTS_SENT);
    }

    /** Counts one gratuitous ARP or unsolicited NA handed to the dataplane. */
    public void onAnnouncementSent()
    {
        increment(ANNOUNCEMENTS_SENT);
    }

    /** Counts one frame the dataplane refused (its ring full). */
    public void onSendFailure()
    {
        increment(SEND_FAILURES);
    }

    /** Counts one unicast advert not sent because the peer's MAC is not known yet. */
    public void onUnresolvedPeer()
    {
        increment(UNRESOLVED_PEERS);
    }

    /** Counts one lower-priority advert a master did not answer, having answered one within an advert interval. */
    public void onReplySuppressed()
    {
        increment(REPLIES_SUPPRESSED);
    }

    /**
     * @param reason a discard reason.
     * @return frames discarded for it.
     */
    public long discards(final VrrpDiscard reason)
    {
        return values.get(reason.ordinal());
    }

    /** @return adverts accepted whose checksum covered the pseudo-header (RFC 5798, keepalived 2.2.7). */
    public long acceptedWithPseudoHeader()
    {
        return values.get(ACCEPTED_RFC5798);
    }

    /** @return IPv4 adverts accepted whose checksum left out the pseudo-header (RFC 9568). */
    public long acceptedWithoutPseudoHeader()
    {
        return values.get(ACCEPTED_RFC9568);
    }

    /** @return advertisement frames sent. */
    public long advertsSent()
    {
        return values.get(ADVERTS_SENT);
    }

    /** @return gratuitous ARPs and unsolicited NAs sent. */
    public long announcementsSent()
    {
        return values.get(ANNOUNCEMENTS_SENT);
    }

    /** @return frames the dataplane refused. */
    public long sendFailures()
    {
        return values.get(SEND_FAILURES);
    }

    /** @return unicast adverts skipped for want of the peer's MAC. */
    public long unresolvedPeers()
    {
        return values.get(UNRESOLVED_PEERS);
    }

    /** @return lower-priority adverts a master left unanswered: it had answered one within an advert interval. */
    public long repliesSuppressed()
    {
        return values.get(REPLIES_SUPPRESSED);
    }

    private void increment(final int index)
    {
        values.lazySet(index, values.get(index) + 1);
    }
}
