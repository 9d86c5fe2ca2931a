package io.sluice.controlplane.ha;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.controlplane.config.SyncSection;
import io.sluice.controlplane.model.HaState;
import io.sluice.controlplane.vrrp.VrrpDiscard;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.wire.SyncVerdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HaMonitorTest
{
    private static final Instant START = Instant.parse("2026-12-06T09:00:00Z");
    private static final SyncSection SYNC = new SyncSection(7, Path.of("/etc/sluice/sync.key"), "0.0.0.0:4790",
        List.of("192.0.2.2:4790"), null, null, 1 << 16, SyncSection.DEFAULT_EVENT_RING_BYTES, 1_000_000_000L, 1_000_000L,
        Path.of("/var/lib/sluice/sync-7.epoch"));

    private final FakeVrrp vrrp = new FakeVrrp();
    private final ScriptedSyncStatus agent = new ScriptedSyncStatus();

    private HaMonitor monitor(final VrrpStatus withVrrp, final boolean withSync)
    {
        return new HaMonitor(withVrrp, withSync ? agent : null, withSync ? SYNC : null, () -> 3, () -> 0, START);
    }

    private static VrrpService.RouterStatus router(final String name, final VrrpState state, final Instant since)
    {
        return FakeVrrp.router(name, name.length(), state, since, since.equals(START) ? 0 : 1, "192.0.2.100");
    }

    @Test
    void shouldBeStandaloneSinceTheStartWhenNeitherVrrpNorSyncRuns()
    {
        final HaSnapshot snapshot = monitor(null, false).snapshot();

        assertEquals(new HaState(HaState.Role.STANDALONE, START), snapshot.state());
        assertTrue(snapshot.routers().isEmpty());
        assertNull(snapshot.vrrp());
        assertNull(snapshot.sync());
    }

    @Test
    void shouldBeActiveWhenSyncRunsWithoutVrrp()
    {
        assertEquals(HaState.Role.ACTIVE, monitor(null, true).state().role());
    }

    @Test
    void shouldTakeTheRoleFromTheRoutersWhenVrrpRuns()
    {
        final HaMonitor monitor = monitor(vrrp, true);
        final Instant later = START.plusSeconds(5);
        final Instant latest = START.plusSeconds(9);

        vrrp.routers = List.of(router("a", VrrpState.MASTER, later), router("bb", VrrpState.MASTER, latest));
        assertEquals(new HaState(HaState.Role.MASTER, latest), monitor.state(), "since the last transition");
        vrrp.routers = List.of(router("a", VrrpState.BACKUP, later), router("bb", VrrpState.BACKUP, later));
        assertEquals(HaState.Role.BACKUP, monitor.state().role());
        vrrp.routers = List.of(router("a", VrrpState.MASTER, later), router("bb", VrrpState.BACKUP, later));
        assertEquals(HaState.Role.MIXED, monitor.state().role());
        vrrp.routers = List.of(router("a", VrrpState.MASTER, later), router("bb", VrrpState.INITIALIZE, START));
        assertEquals(HaState.Role.INITIALIZE, monitor.state().role());
    }

    @Test
    void shouldCopyTheVrrpCountersWhenVrrpRuns()
    {
        vrrp.counters.onAccepted(true);
        vrrp.counters.onAccepted(false);
        vrrp.counters.onDiscard(VrrpDiscard.CHECKSUM);
        vrrp.counters.onAdvertSent();
        vrrp.switchFailures = 2;

        final HaSnapshot.Vrrp counts = monitor(vrrp, false).snapshot().vrrp();

        assertEquals(2, counts.accepted());
        assertEquals(1, counts.discards().get(VrrpDiscard.CHECKSUM));
        assertEquals(0, counts.discards().get(VrrpDiscard.TTL), "every reason, 0 included");
        assertEquals(1, counts.advertsSent());
        assertEquals(2, counts.switchFailures());
        assertNull(counts.hooks());
    }

    @Test
    void shouldCopyTheSyncFiguresAndLagWhenSyncRuns()
    {
        agent.counters.put(SyncCounter.EVENT_FLOWS_SENT, 10L);
        agent.verdicts.put(SyncVerdict.REPLAYED, 4L);
        agent.replicas.put(ReplicaCounter.QUEUED, 8L);
        agent.bulk = true;
        agent.record(2_000_000);

        final HaSnapshot.Sync sync = monitor(null, true).snapshot().sync();

        assertEquals(7, sync.nodeId());
        assertEquals(List.of("192.0.2.2:4790"), sync.peers());
        assertEquals(10, sync.counter(SyncCounter.EVENT_FLOWS_SENT));
        assertEquals(4, sync.messages().get(SyncVerdict.REPLAYED));
        assertEquals(8, sync.replicas().get(ReplicaCounter.QUEUED));
        assertTrue(sync.bulkInProgress());
        assertEquals(3, sync.ringLosses());
        assertEquals(1, sync.lag().count());
        assertEquals(1, sync.recentLag().count());
    }

    @Test
    void shouldRefuseWhenSyncRunsWithoutItsSection()
    {
        assertThrows(IllegalArgumentException.class, () -> new HaMonitor(null, agent, null, () -> 0, () -> 0, START));
    }
}
