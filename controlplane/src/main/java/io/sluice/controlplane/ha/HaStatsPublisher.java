package io.sluice.controlplane.ha;

import java.util.EnumMap;
import java.util.Map;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import io.sluice.controlplane.stat.HaCounter;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.wire.SyncVerdict;

/**
 * Writes the HA figures ({@link HaCounter}) into the stats file for {@code sluice stat}. The counters
 * are allocated once, before the dataplane starts (its control thread allocates in the same file
 * later, and a {@link CountersManager} takes one allocating thread at a time); {@link #publish} only
 * writes values, from one thread.
 */
public final class HaStatsPublisher
{
    private final Map<HaCounter, AtomicCounter> counters = new EnumMap<>(HaCounter.class);

    private HaStatsPublisher()
    {
    }

    /**
     * Allocates the counters of what runs: the role always, the VRRP figures with VRRP, the sync
     * figures with sync.
     *
     * @param manager the stats file's counters, before the dataplane starts.
     * @param vrrp    whether VRRP is configured.
     * @param sync    whether flow sync is configured.
     * @return the publisher.
     */
    public static HaStatsPublisher allocate(final CountersManager manager, final boolean vrrp, final boolean sync)
    {
        final HaStatsPublisher publisher = new HaStatsPublisher();
        for (final HaCounter counter : HaCounter.values())
        {
            if (counter == HaCounter.ROLE || (counter.sync() ? sync : vrrp))
            {
                publisher.counters.put(counter, manager.newCounter("ha " + counter.label(), HaCounter.TYPE, key ->
                {
                    key.putInt(0, -1);
                    key.putInt(4, counter.ordinal());
                }));
            }
        }
        return publisher;
    }

    /**
     * Writes a snapshot's figures.
     *
     * @param snapshot the HA state now.
     */
    public void publish(final HaSnapshot snapshot)
    {
        set(HaCounter.ROLE, snapshot.state().role().ordinal());
        long masters = 0;
        long backups = 0;
        long transitions = 0;
        for (final VrrpService.RouterStatus router : snapshot.routers())
        {
            masters += router.state() == VrrpState.MASTER ? 1 : 0;
            backups += router.state() == VrrpState.BACKUP ? 1 : 0;
            transitions += router.transitions();
        }
        set(HaCounter.VRRP_MASTERS, masters);
        set(HaCounter.VRRP_BACKUPS, backups);
        set(HaCounter.VRRP_TRANSITIONS, transitions);
        final HaSnapshot.Vrrp vrrp = snapshot.vrrp();
        if (vrrp != null)
        {
            set(HaCounter.VRRP_ADVERTS_SENT, vrrp.advertsSent());
            set(HaCounter.VRRP_ACCEPTED, vrrp.accepted());
            set(HaCounter.VRRP_DISCARDED, vrrp.discards().values().stream().mapToLong(Long::longValue).sum());
        }
        final HaSnapshot.Sync sync = snapshot.sync();
        if (sync != null)
        {
            set(HaCounter.SYNC_FLOWS_SENT, sync.counter(SyncCounter.EVENT_FLOWS_SENT) + sync.counter(SyncCounter.BULK_FLOWS_SENT) +
                sync.counter(SyncCounter.REFRESH_FLOWS_SENT));
            set(HaCounter.SYNC_FLOWS_RECEIVED, sync.counter(SyncCounter.FLOWS_RECEIVED));
            long rejected = 0;
            for (final Map.Entry<ReplicaCounter, Long> outcome : sync.replicas().entrySet())
            {
                rejected += outcome.getKey().isRefusal() ? outcome.getValue() : 0;
            }
            set(HaCounter.SYNC_FLOWS_APPLIED, sync.replicas().getOrDefault(ReplicaCounter.QUEUED, 0L));
            set(HaCounter.SYNC_FLOWS_REJECTED, rejected);
            long refused = 0;
            for (final Map.Entry<SyncVerdict, Long> verdict : sync.messages().entrySet())
            {
                refused += verdict.getKey().isRejection() ? verdict.getValue() : 0;
            }
            set(HaCounter.SYNC_MESSAGES_REJECTED, refused);
            set(HaCounter.SYNC_BULK_IN_PROGRESS, sync.bulkInProgress() ? 1 : 0);
            set(HaCounter.SYNC_LAG_P99_US, sync.recentLag().p99Ns() / 1_000);
            set(HaCounter.SYNC_LAG_MAX_US, sync.recentLag().maxNs() / 1_000);
        }
    }

    private void set(final HaCounter counter, final long value)
    {
        final AtomicCounter allocated = counters.get(counter);
        if (allocated != null)
        {
            allocated.setRelease(value);
        }
    }
}
