package io.sluice.sync;

import java.util.Objects;
import java.util.function.Supplier;

import org.agrona.collections.Long2LongHashMap;

import io.sluice.dataplane.service.Scheduler;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.sync.wire.MaglevDigestList;

/**
 * Asserts that this load balancer and its peers have identical Maglev tables, which active-active
 * (ECMP over the LBs) needs: a new flow must get the same backend whichever LB its first packet reaches.
 * <p>
 * Sending: the digests of every Maglev service of the snapshot in force ({@link
 * io.sluice.dataplane.maglev.MaglevTable#digest()}, computed when the table was built), listed again
 * only when the snapshot's generation changes, and handed out a page per hello, rotating, so that
 * {@code ceil(services / page)} hellos cover every service.
 * <p>
 * Receiving: each peer's digest is compared with this LB's table of the same service (VIP, port,
 * protocol) and counted by {@link DigestCounter}. When a service's tables turn different for a peer,
 * one WARNING says so (not one per hello); when they agree again, one INFO. Tables legitimately differ
 * while the two LBs' health checks disagree (a backend down or drained on one of them only owns no
 * slot there): the warning says so rather than hiding it.
 * <p>
 * One thread: the sync agent's. Allocates only when the snapshot changes (its list grows) and for a
 * peer's service seen for the first time, and logs only on a change.
 */
final class MaglevDigestExchange
{
    private static final System.Logger LOG = System.getLogger("sluice.sync");
    private static final long NONE = -1;

    private final Supplier<ServiceSnapshot> snapshots;
    private final MaglevDigestList own = new MaglevDigestList();
    private final Long2LongHashMap lastOutcome = new Long2LongHashMap(NONE);
    private final long[] counts = new long[DigestCounter.values().length];
    private ServiceSnapshot listed;
    private int from;

    /**
     * @param snapshots the snapshot in force.
     */
    MaglevDigestExchange(final Supplier<ServiceSnapshot> snapshots)
    {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    }

    /** @return this LB's digests, listed again when the snapshot changed since the last call. */
    MaglevDigestList own()
    {
        final ServiceSnapshot snapshot = snapshots.get();
        if (snapshot != listed)
        {
            listed = snapshot;
            own.clear();
            for (int i = 0, count = snapshot == null ? 0 : snapshot.serviceCount(); i < count; i++)
            {
                final Service service = snapshot.serviceAt(i);
                if (service.scheduler() == Scheduler.MAGLEV)
                {
                    own.add(service.vipHi(), service.vipLo(), service.port(), service.protocol(), service.maglev().size(),
                        service.maglev().digest());
                }
            }
            from = 0;
        }
        return own;
    }

    /** @return the first entry of the next page of {@link #own()}. */
    int pageStart()
    {
        return own.count() == 0 ? 0 : from % own.count();
    }

    /**
     * The page went out.
     *
     * @param sent digests it held.
     */
    void onPageSent(final int sent)
    {
        counts[DigestCounter.SENT.ordinal()] += sent;
        from = own.count() == 0 ? 0 : (pageStart() + sent) % own.count();
    }

    /**
     * Compares one of a peer's digests with this LB's table of the service, counts the outcome and logs
     * a change to or from {@link DigestCounter#DIFFERENT}.
     *
     * @param peer       the peer's sender id.
     * @param vipHi      upper 64 bits of the VIP.
     * @param vipLo      lower 64 bits of the VIP.
     * @param port       the service port.
     * @param protocol   the service's IP protocol number.
     * @param maglevSize the peer's table size.
     * @param digest     the peer's table digest.
     */
    void onPeerDigest(
        final int peer, final long vipHi, final long vipLo, final int port, final int protocol, final long maglevSize,
        final long digest)
    {
        final ServiceSnapshot snapshot = snapshots.get();
        final Service service = snapshot == null ? null : snapshot.service(vipHi, vipLo, port, protocol);
        final DigestCounter outcome;
        if (service == null)
        {
            outcome = DigestCounter.SERVICE_MISSING;
        }
        else if (service.scheduler() != Scheduler.MAGLEV)
        {
            outcome = DigestCounter.NOT_MAGLEV;
        }
        else if (service.maglev().size() != maglevSize || service.maglev().digest() != digest)
        {
            outcome = DigestCounter.DIFFERENT;
        }
        else
        {
            outcome = DigestCounter.SAME;
        }
        counts[outcome.ordinal()]++;
        if (service != null)
        {
            noteOutcome(peer, service, outcome, maglevSize);
        }
    }

    private void noteOutcome(final int peer, final Service service, final DigestCounter outcome, final long peerSize)
    {
        final long key = (long)peer << 32 | (service.id() & 0xFFFF_FFFFL);
        final long before = lastOutcome.put(key, outcome.ordinal());
        if (before == outcome.ordinal())
        {
            return;
        }
        final String peerName = Integer.toUnsignedString(peer);
        if (outcome == DigestCounter.DIFFERENT)
        {
            LOG.log(System.Logger.Level.WARNING, "service {0}: its Maglev table differs from sync peer {1}''s " +
                "(table size here {2}, there {3}): a new flow may get another backend on each LB. Check that both LBs " +
                "give it the same backends, weights and maglev size; a backend drained (weight 0) or health-down on one " +
                "LB only also changes its table, legitimately while the two LBs'' health checks disagree",
                service.spec().name(), peerName, Integer.toString(service.maglev().size()), Long.toString(peerSize));
        }
        else if (before == DigestCounter.DIFFERENT.ordinal())
        {
            LOG.log(System.Logger.Level.INFO, "service {0}: its Maglev table is {1} with sync peer {2}''s again",
                service.spec().name(), outcome == DigestCounter.SAME ? "the same" : "no longer compared (" + outcome + ")",
                peerName);
        }
    }

    /**
     * @param counter which count.
     * @return its value since the start.
     */
    long counter(final DigestCounter counter)
    {
        return counts[counter.ordinal()];
    }
}
