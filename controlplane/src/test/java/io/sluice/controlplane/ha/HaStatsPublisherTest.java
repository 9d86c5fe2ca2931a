package io.sluice.controlplane.ha;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.sluice.controlplane.config.SyncSection;
import io.sluice.controlplane.model.HaState;
import io.sluice.controlplane.stat.HaCounter;
import io.sluice.controlplane.stat.StatsSample;
import io.sluice.controlplane.stat.StatsView;
import io.sluice.controlplane.vrrp.VrrpDiscard;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.wire.SyncVerdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HaStatsPublisherTest
{
    private static final Instant START = Instant.parse("2026-12-06T09:00:00Z");
    private static final SyncSection SYNC = new SyncSection(7, Path.of("/etc/sluice/sync.key"), "0.0.0.0:4790",
        List.of("192.0.2.2:4790"), null, null, 1 << 16, SyncSection.DEFAULT_EVENT_RING_BYTES, 1_000_000_000L, 1_000_000L,
        Path.of("/var/lib/sluice/sync-7.epoch"));

    @Test
    void shouldShowTheRoleVrrpAndSyncLinesInSluiceStatWhenBothRun()
    {
        final FakeVrrp vrrp = new FakeVrrp();
        vrrp.routers = List.of(FakeVrrp.router("web", 51, VrrpState.MASTER, START, 3, "192.0.2.100"));
        vrrp.counters.onAdvertSent();
        vrrp.counters.onAccepted(true);
        vrrp.counters.onDiscard(VrrpDiscard.TTL);
        final ScriptedSyncStatus agent = new ScriptedSyncStatus();
        agent.counters.put(SyncCounter.EVENT_FLOWS_SENT, 10L);
        agent.counters.put(SyncCounter.BULK_FLOWS_SENT, 5L);
        agent.counters.put(SyncCounter.FLOWS_RECEIVED, 9L);
        agent.replicas.put(ReplicaCounter.QUEUED, 7L);
        agent.replicas.put(ReplicaCounter.BACKEND_UNKNOWN, 2L);
        agent.replicas.put(ReplicaCounter.PICK_AGREES, 7L);
        agent.verdicts.put(SyncVerdict.ACCEPTED, 3L);
        agent.verdicts.put(SyncVerdict.BAD_MAC, 1L);
        agent.record(250_000);
        try (StatsFile stats = StatsFile.inMemory(1))
        {
            final HaStatsPublisher publisher = HaStatsPublisher.allocate(stats.countersManager(), true, true);

            publisher.publish(new HaMonitor(vrrp, agent, SYNC, () -> 0, () -> 0, START).snapshot());
            final String text = StatsView.render(Path.of("x"), StatsSample.read(stats), null);

            assertTrue(text.contains("HA  role master  masters 1  backups 0  transitions 3  adverts-sent 1  adverts-accepted 1  " +
                "discarded 1\n"), text);
            assertTrue(text.contains("SYNC  flows-sent 15  flows-received 9  flows-applied 7  flows-rejected 2  " +
                "messages-rejected 1  bulk-in-progress 0  lag-p99-us 250  lag-max-us 250\n"), text);
        }
    }

    @Test
    void shouldLeaveTheSyncLineOutWhenOnlyVrrpRuns()
    {
        final FakeVrrp vrrp = new FakeVrrp();
        vrrp.routers = List.of(FakeVrrp.router("web", 51, VrrpState.BACKUP, START, 1, "192.0.2.100"));
        try (StatsFile stats = StatsFile.inMemory(1))
        {
            HaStatsPublisher.allocate(stats.countersManager(), true, false)
                .publish(new HaMonitor(vrrp, null, null, () -> 0, () -> 0, START).snapshot());

            final StatsSample sample = StatsSample.read(stats);
            final String text = StatsView.render(Path.of("x"), sample, null);

            assertEquals(HaState.Role.BACKUP.ordinal(), sample.ha().get(HaCounter.ROLE));
            assertTrue(text.contains("HA  role backup  masters 0  backups 1"), text);
            assertFalse(text.contains("SYNC"), text);
        }
    }

    @Test
    void shouldNameEveryRoleAsTheModelDoesWhenReadingTheRoleBack()
    {
        for (final HaState.Role role : HaState.Role.values())
        {
            assertEquals(role.name().toLowerCase(Locale.ROOT), HaCounter.role(role.ordinal()));
        }
        assertEquals("unknown", HaCounter.role(HaState.Role.values().length));
    }
}
