package io.sluice.controlplane.ctl;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;

import io.sluice.controlplane.api.v1.HaState;
import io.sluice.controlplane.api.v1.HaStateKind;
import io.sluice.controlplane.api.v1.NotifyHookStats;
import io.sluice.controlplane.api.v1.ReplicationLag;
import io.sluice.controlplane.api.v1.SyncStats;
import io.sluice.controlplane.api.v1.VrrpRouter;
import io.sluice.controlplane.api.v1.VrrpRouterState;
import io.sluice.controlplane.api.v1.VrrpStats;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The text of {@code sluice ctl ha} from hand-made replies: a standalone daemon, and a master with
 * VRRP and flow sync whose counters a test daemon cannot show.
 */
class HaViewsTest
{
    private static final Timestamp WHEN = Timestamp.newBuilder().setSeconds(1_795_000_000L).build();
    private static final String WHEN_TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault())
        .format(Instant.ofEpochSecond(1_795_000_000L));

    @Test
    void shouldShowTheRoleOnlyWhenStandalone()
    {
        final HaState state = HaState.newBuilder().setState(HaStateKind.HA_STATE_KIND_STANDALONE).setSince(WHEN).build();

        assertEquals("role         standalone\nsince        " + WHEN_TEXT + "\n", HaViews.ha(state));
    }

    @Test
    void shouldShowRoutersVrrpCountersSyncAndLagWhenVrrpAndSyncRun()
    {
        final HaState state = HaState.newBuilder().setState(HaStateKind.HA_STATE_KIND_MASTER).setSince(WHEN)
            .addRouters(VrrpRouter.newBuilder().setName("web").setVrid(51).setState(VrrpRouterState.VRRP_ROUTER_STATE_MASTER)
                .setPriority(200).setAdvertIntervalCs(100).setSince(WHEN).setTransitions(2).addAddresses("192.0.2.100")
                .addAddresses("192.0.2.101"))
            .addRouters(VrrpRouter.newBuilder().setName("web6").setVrid(51).setIpv6(true)
                .setState(VrrpRouterState.VRRP_ROUTER_STATE_MASTER).setPriority(255).setAdvertIntervalCs(50).setSince(WHEN)
                .setTransitions(1).addAddresses("2001:db8::100"))
            .setVrrp(VrrpStats.newBuilder().setAdvertsSent(120).setAcceptedWithPseudoHeader(30).setAcceptedWithoutPseudoHeader(4)
                .putDiscards("checksum", 2).putDiscards("ttl", 0).putDiscards("own-advert", 1).setAnnouncementsSent(6)
                .setRepliesSuppressed(9)
                .setNotify(NotifyHookStats.newBuilder().setStarted(3).setSucceeded(2).setFailed(1)))
            .setSync(SyncStats.newBuilder().setNodeId(7).addPeers("192.0.2.2:4790")
                .putFlowsSent("event", 1000).putFlowsSent("bulk", 200).putFlowsSent("refresh", 0)
                .putMessagesReceived("accepted", 40).putMessagesReceived("bad-mac", 2).putMessagesReceived("replayed", 0)
                .setFlowsReceived(900).putReplicatedFlows("queued", 880).putReplicatedFlows("service-unknown", 20)
                .setMaglevPicksAgree(95).setMaglevPicksDiffer(5).setEventsDrained(1000).setRingLosses(3)
                .setBulkInProgress(true).setBulksStarted(1).setBulksReceived(1)
                .setLag(ReplicationLag.newBuilder().setCount(1234).setP50Us(120).setP99Us(850).setP999Us(12_500)
                    .setMaxUs(3_200_000))
                .setRecentLag(ReplicationLag.newBuilder()))
            .build();

        assertEquals("""
            role         master
            since        %1$s

            ROUTER  VRID  FAMILY  STATE   PRIORITY  ADVERT  SINCE                TRANSITIONS  ADDRESSES
            web       51  ipv4    master       200   100cs  %1$s            2  192.0.2.100, 192.0.2.101
            web6      51  ipv6    master       255    50cs  %1$s            1  2001:db8::100

            adverts      sent 120, accepted 34, discarded 3 (checksum 2, own-advert 1); replies to lower priorities \
            suppressed 9 (one per interval)
            announced    6 gratuitous ARP / unsolicited NA
            failures     send 0, inbound dropped 0, dataplane switch 0, unresolved peers 0
            notify hooks started 3, succeeded 2, failed 1, timed out 0, rejected 0

            sync node    7, peers 192.0.2.2:4790
            flows sent   event 1000, bulk 200, refresh 0; messages unsent 0
            received     messages accepted 40, refused 2 (bad-mac 2); flows 900
            applied      flows queued 880, rejected 20 (service-unknown 20); maglev picks differ 5 of 100
            events       drained 1000, ring losses 3
            bulk         in progress; started 1, completed 0, received 1; peer restarts 0
            lag          p50 120us, p99 850us, p99.9 12.5ms, max 3.20s (1234 flows) since the start
            recent lag   no flow measured over the last window
            """.formatted(WHEN_TEXT), HaViews.ha(state));
    }
}
