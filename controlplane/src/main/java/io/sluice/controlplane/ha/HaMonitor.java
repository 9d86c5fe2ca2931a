package io.sluice.controlplane.ha;

import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

import org.agrona.concurrent.NanoClock;

import io.sluice.controlplane.config.SyncSection;
import io.sluice.controlplane.model.HaState;
import io.sluice.sync.SyncStatus;

/**
 * The read-only high-availability view the API and the metrics take: the running VRRP (or none) and
 * the running flow sync (or none) of a daemon, with the one {@link SyncLag} holder of the agent's
 * replication lag. Any thread may read; each read is a fresh {@link HaSnapshot}.
 */
public final class HaMonitor
{
    private final VrrpStatus vrrp;
    private final SyncStatus sync;
    private final SyncSection syncSection;
    private final LongSupplier ringLosses;
    private final SyncLag lag;
    private final Instant started;

    /**
     * @param vrrp        the running VRRP, or null.
     * @param sync        the running sync agent, or null.
     * @param syncSection the {@code sync:} section (node id and peers), or null without sync.
     * @param ringLosses  flow events the workers lost for a full ring (the dataplane's counter).
     * @param clock       times the lag's recent window.
     * @param started     when the daemon started: the "since" of a role that no transition set.
     */
    public HaMonitor(
        final VrrpStatus vrrp, final SyncStatus sync, final SyncSection syncSection, final LongSupplier ringLosses,
        final NanoClock clock, final Instant started)
    {
        if (sync != null && syncSection == null)
        {
            throw new IllegalArgumentException("an HA monitor with a sync agent needs its sync section");
        }
        this.vrrp = vrrp;
        this.sync = sync;
        this.syncSection = syncSection;
        this.ringLosses = ringLosses;
        this.lag = sync == null ? null : new SyncLag(sync, clock, SyncLag.DEFAULT_WINDOW_NS);
        this.started = started;
    }

    /**
     * A daemon with neither VRRP nor sync.
     *
     * @param started when it started.
     * @return its monitor: always standalone.
     */
    public static HaMonitor standalone(final Instant started)
    {
        return new HaMonitor(null, null, null, () -> 0, System::nanoTime, started);
    }

    /** @return the running VRRP, or null. */
    public VrrpStatus vrrp()
    {
        return vrrp;
    }

    /** @return the running sync agent, or null; read its lag through {@link #lag()} only. */
    public SyncStatus sync()
    {
        return sync;
    }

    /** @return the replication lag holder, or null without sync. */
    public SyncLag lag()
    {
        return lag;
    }

    /** @return the role and since when (cheaper than a whole snapshot). */
    public HaState state()
    {
        return state(vrrp == null ? List.of() : vrrp.routers());
    }

    /** @return the whole HA state now. */
    public HaSnapshot snapshot()
    {
        final List<VrrpService.RouterStatus> routers = vrrp == null ? List.of() : vrrp.routers();
        return new HaSnapshot(state(routers), routers, vrrp == null ? null : HaSnapshot.Vrrp.of(vrrp), sync == null ? null :
            HaSnapshot.Sync.of(syncSection.nodeId(), syncSection.peers(), sync, ringLosses.getAsLong(), lag));
    }

    private HaState state(final List<VrrpService.RouterStatus> routers)
    {
        Instant since = started;
        for (final VrrpService.RouterStatus router : routers)
        {
            if (router.transitions() > 0 && router.since().isAfter(since))
            {
                since = router.since();
            }
        }
        return new HaState(HaSnapshot.roleOf(vrrp != null, sync != null, routers), since);
    }
}
