package io.sluice.controlplane.ctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.Duration;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.Test;

import io.sluice.controlplane.api.v1.ApplyConfigResponse;
import io.sluice.controlplane.api.v1.Backend;
import io.sluice.controlplane.api.v1.BackendStats;
import io.sluice.controlplane.api.v1.ChangeKind;
import io.sluice.controlplane.api.v1.ConfigChange;
import io.sluice.controlplane.api.v1.Event;
import io.sluice.controlplane.api.v1.EventsDropped;
import io.sluice.controlplane.api.v1.FlowTableState;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.GetStatsResponse;
import io.sluice.controlplane.api.v1.HaStateKind;
import io.sluice.controlplane.api.v1.HaTransition;
import io.sluice.controlplane.api.v1.HealthState;
import io.sluice.controlplane.api.v1.HealthTransition;
import io.sluice.controlplane.api.v1.LookupFlowResponse;
import io.sluice.controlplane.api.v1.NoBackend;
import io.sluice.controlplane.api.v1.QuorumChange;
import io.sluice.controlplane.api.v1.Scheduler;
import io.sluice.controlplane.api.v1.Service;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.api.v1.ServiceStats;
import io.sluice.controlplane.api.v1.ServiceStatus;
import io.sluice.controlplane.api.v1.VrrpRouterState;
import io.sluice.controlplane.api.v1.WorkerStats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The text {@code sluice ctl} prints, from hand-made replies with counters a test daemon without
 * traffic cannot show: shares, the sorry backend's row, several workers, drops, event lines, a
 * found flow, and the composite JSON document of {@code list}.
 */
class CtlTextTest
{
    private static final Timestamp WHEN = Timestamp.newBuilder().setSeconds(1_795_000_000L).setNanos(125_000_000).build();

    private static Service web()
    {
        return Service.newBuilder().setKey(CtlArguments.serviceKey("192.0.2.10:80"))
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_DSR)
                .setScheduler(Scheduler.SCHEDULER_WEIGHTED_MAGLEV).setSorryBackend("203.0.113.99"))
            .addBackends(Backend.newBuilder().setAddress("203.0.113.11").setWeight(1).setEffectiveWeight(1)
                .setHealth(HealthState.HEALTH_STATE_UP))
            .addBackends(Backend.newBuilder().setAddress("203.0.113.12").setWeight(3).setEffectiveWeight(0)
                .setHealth(HealthState.HEALTH_STATE_DOWN))
            .setStatus(ServiceStatus.newBuilder().setUp(true).setUpBackends(1))
            .build();
    }

    private static GetStatsResponse stats()
    {
        return GetStatsResponse.newBuilder().setGeneration(4).setStarted(WHEN)
            .addServices(ServiceStats.newBuilder().setKey(CtlArguments.serviceKey("192.0.2.10:80")).setPackets(300).setBytes(18000)
                .setNewFlows(300).setDrops(7)
                .addBackends(BackendStats.newBuilder().setAddress("203.0.113.11").setEffectiveWeight(1).setPackets(160)
                    .setBytes(9600).setNewFlows(160).setHealth(HealthState.HEALTH_STATE_UP))
                .addBackends(BackendStats.newBuilder().setAddress("203.0.113.12").setEffectiveWeight(0).setPackets(140)
                    .setBytes(8400).setNewFlows(140).setHealth(HealthState.HEALTH_STATE_DOWN)))
            .addWorkers(worker(0, 200, 12000, 190, 11400, 180, 10, 3, 7, 120))
            .addWorkers(worker(1, 110, 6600, 110, 6600, 120, 0, 0, 0, 180))
            .putDrops("no-vip", 5).putDrops("no-backend", 2)
            .putPort("rx-packets", 310).putPort("rx-missed", 0)
            .build();
    }

    private static WorkerStats worker(final int number, final long... counters)
    {
        final String[] labels = {"rx-packets", "rx-bytes", "tx-packets", "tx-bytes", "forwarded", "replied", "punted", "dropped",
            "flow-active"};
        final WorkerStats.Builder worker = WorkerStats.newBuilder().setWorker(number).putCounters("generation", 4)
            .putCounters("busy-ppm", 375_000);
        for (int i = 0; i < labels.length; i++)
        {
            worker.putCounters(labels[i], counters[i]);
        }
        return worker.build();
    }

    private static String local(final Timestamp timestamp, final String pattern)
    {
        return DateTimeFormatter.ofPattern(pattern).withZone(ZoneId.systemDefault())
            .format(Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
    }

    @Test
    void shouldListNatModesWithTheBackendPortWhenItIsNotTheVipPort()
    {
        final Service web = Service.newBuilder().setKey(CtlArguments.serviceKey("[2001:db8::10]:80"))
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_FULLNAT).setBackendPort(8080)
                .setScheduler(Scheduler.SCHEDULER_WEIGHTED_MAGLEV).setSorryBackend("2001:db8::99"))
            .addBackends(Backend.newBuilder().setAddress("2001:db8::11").setWeight(1).setEffectiveWeight(1)
                .setHealth(HealthState.HEALTH_STATE_UP))
            .setStatus(ServiceStatus.newBuilder().setUp(true).setUpBackends(1)).build();
        final Service dns = Service.newBuilder().setKey(CtlArguments.serviceKey("192.0.2.53:53/udp"))
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_NAT).setBackendPort(53)
                .setScheduler(Scheduler.SCHEDULER_MAGLEV))
            .addBackends(Backend.newBuilder().setAddress("203.0.113.53").setWeight(1).setEffectiveWeight(1)
                .setHealth(HealthState.HEALTH_STATE_UP))
            .setStatus(ServiceStatus.newBuilder().setUp(true).setUpBackends(1)).build();

        assertEquals("""
            SERVICE                   MODE     SCHEDULER        STATUS      WEIGHT  EFFECTIVE  PACKETS  BYTES  NEW-FLOWS  SHARE
            [2001:db8::10]:80/tcp     fullnat  weighted-maglev  up                                   0      0          0
              -> [2001:db8::11]:8080                            up               1          1        0      0          0      -
              -> [2001:db8::99]:8080                            sorry-idle
            192.0.2.53:53/udp         nat      maglev           up                                   0      0          0
              -> 203.0.113.53                                   up               1          1        0      0          0      -
            """, ServiceTables.services(List.of(web, dns), GetStatsResponse.getDefaultInstance()));
    }

    @Test
    void shouldListSharesTheSorryBackendAndAServiceWithoutBackends()
    {
        final Service dns = Service.newBuilder().setKey(CtlArguments.serviceKey("[2001:db8::53]:53/udp"))
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_GUE))
            .setStatus(ServiceStatus.newBuilder().setNoBackend(true)).build();

        assertEquals("""
            SERVICE                MODE  SCHEDULER        STATUS      WEIGHT  EFFECTIVE  PACKETS  BYTES  NEW-FLOWS  SHARE
            192.0.2.10:80/tcp      dsr   weighted-maglev  up                                 300  18000        300
              -> 203.0.113.11                             up               1          1      160   9600        160  53.3%
              -> 203.0.113.12                             down             3          0      140   8400        140  46.7%
              -> 203.0.113.99                             sorry-idle
            [2001:db8::53]:53/udp  gue   maglev           no-backend                           0      0          0
            """, ServiceTables.services(List.of(web(), dns), stats()));
        assertEquals("""
            SERVICE  MODE  SCHEDULER  STATUS  WEIGHT  EFFECTIVE  PACKETS  BYTES  NEW-FLOWS  SHARE
            (no services)
            """, ServiceTables.services(List.of(), GetStatsResponse.getDefaultInstance()));
    }

    @Test
    void shouldNameTheServiceStatusInOneWord()
    {
        assertEquals("up", ServiceTables.status(ServiceStatus.newBuilder().setUp(true).build()));
        assertEquals("down", ServiceTables.status(ServiceStatus.newBuilder().setUp(false).build()));
        assertEquals("sorry", ServiceTables.status(ServiceStatus.newBuilder().setSorryActive(true).build()));
        assertEquals("no-backend", ServiceTables.status(ServiceStatus.newBuilder().setNoBackend(true).build()));
        assertEquals("-", ServiceTables.share(5, 0));
        assertEquals("33.3%", ServiceTables.share(1, 3));
    }

    @Test
    void shouldShowStatsWithAnAllRowForSeveralWorkers()
    {
        assertEquals("generation 4  started " + local(WHEN, "yyyy-MM-dd HH:mm:ss") + "  errors 0\n\n" + """
            SERVICE            HEALTH  EFFECTIVE  PACKETS  BYTES  NEW-FLOWS  DROPS  SHARE
            192.0.2.10:80/tcp                         300  18000        300      7
              -> 203.0.113.11  up              1      160   9600        160         53.3%
              -> 203.0.113.12  down            0      140   8400        140         46.7%

            WORKER  RX-PACKETS  RX-BYTES  TX-PACKETS  TX-BYTES  FORWARDED  REPLIED  PUNTED  DROPPED  ACTIVE-FLOWS  GENERATION
            0              200     12000         190     11400        180       10       3        7           120           4
            1              110      6600         110      6600        120        0       0        0           180           4
            all            310     18600         300     18000        300       10       3        7           300

            DROPS  no-backend 2  no-vip 5
            PORT  rx-missed 0  rx-packets 310
            """, ServiceTables.stats(stats()));
    }

    @Test
    void shouldMarkEachChangeOfAnApplyAndSayWhatHappened()
    {
        final ApplyConfigResponse.Builder reply = ApplyConfigResponse.newBuilder().setGeneration(9)
            .addChanges(ConfigChange.newBuilder().setKind(ChangeKind.CHANGE_KIND_CHANGED).setSubject("network")
                .setDetail("mtu 1500 -> 1400"))
            .addChanges(ConfigChange.newBuilder().setKind(ChangeKind.CHANGE_KIND_REMOVED).setSubject("service 192.0.2.20:80/tcp"))
            .addChanges(ConfigChange.newBuilder().setKind(ChangeKind.CHANGE_KIND_ADDED).setSubject("service 192.0.2.53:53/udp")
                .setDetail("ipip, maglev, 1 backend, health check none"))
            .addNotApplied("dataplane: burst 32 -> 64");

        assertEquals("""
            ~ network: mtu 1500 -> 1400
            - service 192.0.2.20:80/tcp
            + service 192.0.2.53:53/udp: ipip, maglev, 1 backend, health check none
            ! not applied, needs a restart: dataplane: burst 32 -> 64
            applied 3 changes: generation 9
            """, CtlViews.applied(reply.setApplied(true).build(), false));
        assertEquals("dry run: no change; generation 9 stays in force\n",
            CtlViews.applied(ApplyConfigResponse.newBuilder().setGeneration(9).build(), true));
        assertEquals("~ network: mtu 1500 -> 1400\ndry run: 1 change, nothing applied; generation 9 stays in force\n",
            CtlViews.applied(ApplyConfigResponse.newBuilder().setGeneration(9).addChanges(reply.getChanges(0)).build(), true));
    }

    @Test
    void shouldPrintOneLinePerEventKind()
    {
        final String time = local(WHEN, "yyyy-MM-dd HH:mm:ss.SSS");
        final Event.Builder event = Event.newBuilder().setSequence(12).setTime(WHEN);

        assertEquals(time + " #12 health 192.0.2.10:80/tcp backend 203.0.113.12: unknown -> down (3 checks failed: connection " +
            "refused; check 3.00ms)\n", CtlViews.event(event.setHealth(HealthTransition.newBuilder()
            .setService(CtlArguments.serviceKey("192.0.2.10:80")).setBackend("203.0.113.12").setOldState(HealthState.HEALTH_STATE_UNKNOWN)
            .setNewState(HealthState.HEALTH_STATE_DOWN).setReason("3 checks failed: connection refused")
            .setLatency(Duration.newBuilder().setNanos(3_000_000))).build()));
        assertEquals(time + " #12 quorum lost 192.0.2.10:80/tcp: 0 backends take new flows, quorum 1, the sorry backend takes " +
            "them\n", CtlViews.event(event.setQuorum(QuorumChange.newBuilder().setService(CtlArguments.serviceKey("192.0.2.10:80"))
            .setLost(true).setQuorum(1).setSorryActive(true)).build()));
        assertEquals(time + " #12 no-backend 192.0.2.10:80/tcp: no backend takes new flows, they are dropped (reason " +
            "no-backend)\n", CtlViews.event(event.setNoBackend(NoBackend.newBuilder()
            .setService(CtlArguments.serviceKey("192.0.2.10:80")).setNoBackend(true)).build()));
        assertEquals(time + " events-dropped 40: this watch read too slowly and lost them\n", CtlViews.event(Event.newBuilder()
            .setTime(WHEN).setDropped(EventsDropped.newBuilder().setCount(40)).build()));
    }

    @Test
    void shouldPrintARoutersTransitionAndTheRoleChangeWhenWatchingHaEvents()
    {
        final String time = local(WHEN, "yyyy-MM-dd HH:mm:ss.SSS");
        final Event.Builder event = Event.newBuilder().setSequence(7).setTime(WHEN);
        final HaTransition.Builder ha = HaTransition.newBuilder().setOldState(HaStateKind.HA_STATE_KIND_BACKUP)
            .setNewState(HaStateKind.HA_STATE_KIND_MASTER);

        assertEquals(time + " #7 vrrp v6 (VRID 52, ipv6): backup -> master (role backup -> master)\n",
            CtlViews.event(event.setHa(ha.clone().setRouter("v6").setVrid(52).setIpv6(true)
                .setRouterOldState(VrrpRouterState.VRRP_ROUTER_STATE_BACKUP)
                .setRouterNewState(VrrpRouterState.VRRP_ROUTER_STATE_MASTER)).build()));
        assertEquals(time + " #7 vrrp v4 (VRID 51, ipv4): initialize -> backup (role mixed)\n",
            CtlViews.event(event.setHa(HaTransition.newBuilder().setOldState(HaStateKind.HA_STATE_KIND_MIXED)
                .setNewState(HaStateKind.HA_STATE_KIND_MIXED).setRouter("v4").setVrid(51)
                .setRouterOldState(VrrpRouterState.VRRP_ROUTER_STATE_INITIALIZE)
                .setRouterNewState(VrrpRouterState.VRRP_ROUTER_STATE_BACKUP)).build()));
        assertEquals(time + " #7 ha backup -> master\n", CtlViews.event(event.setHa(ha).build()));
    }

    @Test
    void shouldSayWhichWorkerHoldsAFoundFlow()
    {
        final LookupFlowResponse found = LookupFlowResponse.newBuilder().setServiceFound(true)
            .setService(CtlArguments.serviceKey("192.0.2.10:80")).setFlowHash(0xabcdefL).setMaglevSlot(42)
            .setScheduledBackend("").setFlowTable(FlowTableState.FLOW_TABLE_STATE_FOUND).setWorker(1)
            .setPinnedBackend("203.0.113.11").setGeneration(3).build();

        assertEquals("""
            flow         198.51.100.7:40000 -> 192.0.2.10:80/tcp
            service      192.0.2.10:80/tcp
            flow hash    0x0000000000abcdef
            maglev slot  42
            new flow to  none predicted: no backend takes new flows (dropped as no-backend), or the service's scheduler (least-conn, weighted-round-robin, least-response-time) picks per worker
            flow table   found on worker 1, pinned to 203.0.113.11
            generation   3
            """, CtlViews.lookup("198.51.100.7:40000", "192.0.2.10:80/tcp", found));
    }

    @Test
    void shouldNestSeveralRepliesInOneJsonDocument() throws Exception
    {
        final StringWriter text = new StringWriter();
        final Map<String, MessageOrBuilder> replies = new LinkedHashMap<>();
        replies.put("service", web());
        replies.put("stats", stats());

        new CtlOutput(new PrintWriter(text), true).json(replies);

        final Struct.Builder document = Struct.newBuilder();
        JsonFormat.parser().merge(text.toString(), document);
        final Service.Builder service = Service.newBuilder();
        JsonFormat.parser().merge(JsonFormat.printer().print(document.getFieldsOrThrow("service")), service);
        assertEquals(web(), service.build());
        final GetStatsResponse.Builder stats = GetStatsResponse.newBuilder();
        JsonFormat.parser().merge(JsonFormat.printer().print(document.getFieldsOrThrow("stats")), stats);
        assertEquals(stats(), stats.build());
    }

    @Test
    void shouldRefuseARowOfTheWrongWidth()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new TextTable("A", "B").row("1"));
        assertEquals("1 cells for 2 columns", ex.getMessage());
    }
}
