package io.sluice.controlplane.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.controlplane.api.v1.HaState;
import io.sluice.controlplane.api.v1.HaStateKind;
import io.sluice.controlplane.api.v1.SyncStats;
import io.sluice.controlplane.api.v1.VrrpRouter;
import io.sluice.controlplane.api.v1.VrrpRouterState;
import io.sluice.controlplane.api.v1.VrrpStats;
import io.sluice.controlplane.config.SyncSection;
import io.sluice.controlplane.ha.FakeVrrp;
import io.sluice.controlplane.ha.HaMonitor;
import io.sluice.controlplane.ha.ScriptedSyncStatus;
import io.sluice.controlplane.vrrp.VrrpDiscard;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.wire.SyncVerdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HaRepliesTest
{
    private static final Instant START = Instant.parse("2026-12-06T09:00:00Z");
    private static final SyncSection SYNC = new SyncSection(7, Path.of("/etc/sluice/sync.key"), "0.0.0.0:4790",
        List.of("192.0.2.2:4790", "192.0.2.3:4790"), null, null, 1 << 16, SyncSection.DEFAULT_EVENT_RING_BYTES,
        1_000_000_000L, 1_000_000L, Path.of("/var/lib/sluice/sync-7.epoch"));

    @Test
    void shouldSayStandaloneWithNoSectionWhenNeitherVrrpNorSyncRuns()
    {
        final HaState reply = HaReplies.haState(HaMonitor.standalone(START).snapshot());

        assertEquals(HaStateKind.HA_STATE_KIND_STANDALONE, reply.getState());
        assertEquals(START.getEpochSecond(), reply.getSince().getSeconds());
        assertEquals(0, reply.getRoutersCount());
        assertFalse(reply.hasVrrp());
        assertFalse(reply.hasSync());
    }

    @Test
    void shouldMapEveryRouterAndCounterWhenVrrpAndSyncRun()
    {
        final FakeVrrp vrrp = new FakeVrrp();
        final Instant since = START.plusSeconds(42);
        vrrp.routers = List.of(FakeVrrp.router("web", 51, VrrpState.MASTER, since, 2, "192.0.2.100"),
            FakeVrrp.router("dns", 52, VrrpState.BACKUP, START.plusSeconds(1), 1, "192.0.2.101"));
        vrrp.counters.onAccepted(true);
        vrrp.counters.onDiscard(VrrpDiscard.OWN_ADVERT);
        vrrp.counters.onDiscard(VrrpDiscard.OWN_ADVERT);
        vrrp.counters.onAdvertSent();
        vrrp.counters.onSendFailure();
        vrrp.counters.onReplySuppressed();
        vrrp.inboundDropped = 5;
        final ScriptedSyncStatus agent = new ScriptedSyncStatus();
        agent.counters.put(SyncCounter.EVENT_FLOWS_SENT, 100L);
        agent.counters.put(SyncCounter.REFRESH_FLOWS_SENT, 9L);
        agent.counters.put(SyncCounter.FLOWS_RECEIVED, 80L);
        agent.counters.put(SyncCounter.BULKS_STARTED, 1L);
        agent.verdicts.put(SyncVerdict.ACCEPTED, 20L);
        agent.verdicts.put(SyncVerdict.BAD_MAC, 3L);
        agent.replicas.put(ReplicaCounter.QUEUED, 78L);
        agent.replicas.put(ReplicaCounter.SERVICE_UNKNOWN, 2L);
        agent.replicas.put(ReplicaCounter.PICK_DIFFERS, 4L);
        agent.bulk = true;
        agent.record(150_000, 250_000, 4_000_000);

        final HaState reply = HaReplies.haState(new HaMonitor(vrrp, agent, SYNC, () -> 11, () -> 0, START).snapshot());

        assertEquals(HaStateKind.HA_STATE_KIND_MIXED, reply.getState());
        assertEquals(since.getEpochSecond(), reply.getSince().getSeconds(), "the last transition");
        final VrrpRouter web = reply.getRouters(0);
        assertEquals("web", web.getName());
        assertEquals(51, web.getVrid());
        assertFalse(web.getIpv6());
        assertEquals(VrrpRouterState.VRRP_ROUTER_STATE_MASTER, web.getState());
        assertEquals(200, web.getPriority());
        assertEquals(100, web.getAdvertIntervalCs());
        assertEquals(List.of("192.0.2.100"), web.getAddressesList());
        assertEquals(since.getEpochSecond(), web.getSince().getSeconds());
        assertEquals(2, web.getTransitions());
        assertEquals(VrrpRouterState.VRRP_ROUTER_STATE_BACKUP, reply.getRouters(1).getState());

        final VrrpStats counts = reply.getVrrp();
        assertEquals(1, counts.getAcceptedWithPseudoHeader());
        assertEquals(2, counts.getDiscardsOrThrow("own-advert"));
        assertEquals(VrrpDiscard.values().length, counts.getDiscardsCount());
        assertEquals(1, counts.getAdvertsSent());
        assertEquals(1, counts.getSendFailures());
        assertEquals(1, counts.getRepliesSuppressed());
        assertEquals(5, counts.getInboundDropped());
        assertFalse(counts.hasNotify());

        final SyncStats sync = reply.getSync();
        assertEquals(7, sync.getNodeId());
        assertEquals(List.of("192.0.2.2:4790", "192.0.2.3:4790"), sync.getPeersList());
        assertEquals(100, sync.getFlowsSentOrThrow("event"));
        assertEquals(9, sync.getFlowsSentOrThrow("refresh"));
        assertEquals(20, sync.getMessagesReceivedOrThrow("accepted"));
        assertEquals(3, sync.getMessagesReceivedOrThrow("bad-mac"));
        assertEquals(78, sync.getReplicatedFlowsOrThrow("queued"));
        assertEquals(2, sync.getReplicatedFlowsOrThrow("service-unknown"));
        assertFalse(sync.containsReplicatedFlows("pick-differs"), "Maglev agreement has fields of its own");
        assertEquals(4, sync.getMaglevPicksDiffer());
        assertEquals(80, sync.getFlowsReceived());
        assertEquals(11, sync.getRingLosses());
        assertEquals(1, sync.getBulksStarted());
        assertTrue(sync.getBulkInProgress());
        assertEquals(3, sync.getLag().getCount());
        assertEquals(250, sync.getLag().getP50Us(), 1);
        assertEquals(4_000, sync.getLag().getMaxUs(), 4);
        assertEquals(3, sync.getRecentLag().getCount());
    }
}
