package io.sluice.controlplane.ctl;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.controlplane.api.ApiTestDaemon;
import io.sluice.controlplane.api.v1.ChangeResponse;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.GetHaStateRequest;
import io.sluice.controlplane.api.v1.GetServiceRequest;
import io.sluice.controlplane.api.v1.GetStatsRequest;
import io.sluice.controlplane.api.v1.GetStatsResponse;
import io.sluice.controlplane.api.v1.HaState;
import io.sluice.controlplane.api.v1.HaStateKind;
import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.HealthPolicy;
import io.sluice.controlplane.api.v1.ListServicesRequest;
import io.sluice.controlplane.api.v1.ListServicesResponse;
import io.sluice.controlplane.api.v1.LookupFlowRequest;
import io.sluice.controlplane.api.v1.LookupFlowResponse;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.Scheduler;
import io.sluice.controlplane.api.v1.Service;
import io.sluice.controlplane.api.v1.ServiceFlag;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.ha.FakeVrrp;
import io.sluice.controlplane.ha.HaMonitor;
import io.sluice.controlplane.vrrp.VrrpState;

import static io.sluice.controlplane.ctl.CtlRun.ctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service, backend, health and read subcommands of {@code sluice ctl}, run in-process against a
 * real dataplane and a real API server: each happy path with its exact text, its {@code --json}
 * parsed back into the reply it prints, and the errors the daemon sends with their exit code.
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtlCommandsTest
{
    private static final String WEB = "192.0.2.10:80/tcp";
    private static final ServiceKey WEB_KEY = ServiceKey.newBuilder().setVip("192.0.2.10").setPort(80)
        .setProtocol(Protocol.PROTOCOL_TCP).build();

    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;
    private String server;

    @BeforeAll
    void startDataplane() throws Exception
    {
        daemon = ApiTestDaemon.start(directory, "net_ring80");
    }

    @AfterAll
    void stopDataplane()
    {
        daemon.close();
    }

    @BeforeEach
    void resetModel() throws Exception
    {
        daemon.reset(daemon.plaintext());
        server = daemon.server().listening();
    }

    private CtlRun run(final String... args)
    {
        return CtlRun.ctlOn(server, args);
    }

    private CtlRun succeeded(final String... args)
    {
        return CtlRun.succeededOn(server, args);
    }

    private static <B extends Message.Builder> B parsed(final String json, final B builder) throws InvalidProtocolBufferException
    {
        JsonFormat.parser().merge(json, builder);
        return builder;
    }

    private static String member(final String json, final String name) throws InvalidProtocolBufferException
    {
        final Struct.Builder document = parsed(json, Struct.newBuilder());
        return JsonFormat.printer().print(document.getFieldsOrThrow(name).getStructValue());
    }

    private long generation()
    {
        return daemon.dataplane().snapshot().generation();
    }

    @Test
    void shouldListServicesAndBackendsAsATable()
    {
        final CtlRun list = succeeded("list");

        assertEquals("""
            SERVICE            MODE  SCHEDULER        STATUS   WEIGHT  EFFECTIVE  PACKETS  BYTES  NEW-FLOWS  SHARE
            192.0.2.10:80/tcp  dsr   weighted-maglev  up                                0      0          0
              -> 203.0.113.11                         unknown       1          1        0      0          0      -
              -> 203.0.113.12                         unknown       2          2        0      0          0      -
            """, list.out());
        assertEquals(list.out(), succeeded("list", "-s", "192.0.2.10:80").out(), "the only service");
    }

    @Test
    void shouldListTheDaemonsRepliesAsJson() throws Exception
    {
        final CtlRun list = succeeded("list", "--json");

        final ListServicesResponse services = daemon.client().listServices(ListServicesRequest.getDefaultInstance());
        assertEquals(services, parsed(member(list.out(), "services"), ListServicesResponse.newBuilder()).build());
        final GetStatsResponse stats = parsed(member(list.out(), "stats"), GetStatsResponse.newBuilder()).build();
        assertEquals(1, stats.getServicesCount());
        assertEquals(WEB_KEY, stats.getServices(0).getKey());
        assertEquals(2, stats.getServices(0).getBackendsCount());
        assertTrue(list.out().contains("\"packets\": \"0\""), "zero counters are printed: " + list.out());

        final CtlRun one = succeeded("list", "--json", "-s", WEB);
        assertEquals(services.getServices(0), parsed(member(one.out(), "service"), Service.newBuilder()).build());
    }

    @Test
    void shouldAddAServiceWithTheGivenSettings() throws Exception
    {
        final long before = generation();

        final CtlRun added = succeeded("add-service", "192.0.2.53:53/udp", "--mode", "ipip", "--scheduler", "source-hash",
            "--flag", "ops", "--quorum", "2", "--sorry", "203.0.113.99", "--maglev-size", "251", "--udp-idle", "45s");

        assertEquals("generation " + (before + 1) + ": added service 192.0.2.53:53/udp: ipip, source-hash, 0 backends, " +
            "sorry 203.0.113.99, health check none\n", added.out());
        assertEquals(before + 1, generation(), "every worker runs it when the command returns");
        final Service dns = daemon.client().getService(GetServiceRequest.newBuilder().setKey(CtlArguments.serviceKey("192.0.2.53:53/udp"))
            .build());
        assertEquals(ForwardingMode.FORWARDING_MODE_IPIP, dns.getSettings().getMode());
        assertEquals(Scheduler.SCHEDULER_SOURCE_HASH, dns.getSettings().getScheduler());
        assertEquals(List.of(ServiceFlag.SERVICE_FLAG_OPS), dns.getSettings().getFlagsList());
        assertEquals(2, dns.getSettings().getQuorum());
        assertEquals("203.0.113.99", dns.getSettings().getSorryBackend());
        assertEquals(251, dns.getSettings().getMaglevSize());
        assertEquals(45, dns.getSettings().getUdpIdleTimeout().getSeconds());

        final CtlRun json = succeeded("--json", "add-service", "[2001:db8::10]:443", "--mode", "gue");
        final ChangeResponse reply = parsed(json.out(), ChangeResponse.newBuilder()).build();
        assertEquals(before + 2, reply.getGeneration());
        assertEquals("2001:db8::10", reply.getService().getKey().getVip());
        assertEquals(ForwardingMode.FORWARDING_MODE_GUE, reply.getService().getSettings().getMode());
    }

    @Test
    void shouldUpdateOnlyTheGivenSettings()
    {
        final CtlRun updated = succeeded("update-service", WEB, "--scheduler", "least-conn", "--quorum", "2");

        assertEquals("generation " + generation() + ": changed service 192.0.2.10:80/tcp: scheduler weighted-maglev -> least-conn, " +
            "quorum 1 -> 2\n", updated.out());
        final Service web = daemon.client().getService(GetServiceRequest.newBuilder().setKey(WEB_KEY).build());
        assertEquals(ForwardingMode.FORWARDING_MODE_DSR, web.getSettings().getMode(), "not given, unchanged");
        assertEquals(65537, web.getSettings().getMaglevSize(), "not given, unchanged");

        final CtlRun sorry = succeeded("update-service", WEB, "--sorry", "203.0.113.99");
        assertEquals("generation " + generation() + ": changed service 192.0.2.10:80/tcp: sorry none -> 203.0.113.99\n",
            sorry.out());
        final CtlRun cleared = succeeded("update-service", WEB, "--no-sorry");
        assertEquals("generation " + generation() + ": changed service 192.0.2.10:80/tcp: sorry 203.0.113.99 -> none\n",
            cleared.out());
        assertEquals(Scheduler.SCHEDULER_LEAST_CONN, daemon.client().getService(GetServiceRequest.newBuilder().setKey(WEB_KEY)
            .build()).getSettings().getScheduler(), "the earlier change stays");
    }

    @Test
    void shouldRefuseAnUpdateWithNothingToChangeAsBadUsage()
    {
        final long before = generation();

        final CtlRun nothing = run("update-service", WEB);
        final CtlRun both = run("update-service", WEB, "--sorry", "203.0.113.99", "--no-sorry");

        assertEquals(2, nothing.exit(), nothing.toString());
        assertTrue(nothing.err().startsWith("nothing to change: give at least one of --mode, --scheduler"), nothing.err());
        assertTrue(nothing.err().contains("Usage: ctl update-service"), nothing.err());
        assertEquals(2, both.exit(), both.toString());
        assertTrue(both.err().startsWith("give --sorry or --no-sorry, not both"), both.err());
        assertEquals(before, generation());
    }

    @Test
    void shouldRemoveAServiceAndSayNotFoundTheSecondTime()
    {
        final CtlRun removed = succeeded("remove-service", WEB);
        assertEquals("generation " + generation() + ": removed service 192.0.2.10:80/tcp\n", removed.out());
        assertEquals(0, daemon.dataplane().snapshot().serviceCount());

        final CtlRun again = run("remove-service", WEB);

        assertEquals(1, again.exit(), again.toString());
        assertEquals("", again.out());
        assertEquals("sluice ctl: NOT_FOUND: no service 192.0.2.10:80/tcp (ListServices lists them)\n", again.err());
    }

    @Test
    void shouldAddWeighDrainAndRemoveABackend()
    {
        final long before = generation();

        assertEquals("generation " + (before + 1) + ": added backend 203.0.113.13 of 192.0.2.10:80/tcp: weight 4\n",
            succeeded("add-backend", WEB, "203.0.113.13", "--weight", "4").out());
        assertEquals("generation " + (before + 2) + ": changed backend 203.0.113.11 of 192.0.2.10:80/tcp: weight 1 -> 7\n",
            succeeded("set-weight", WEB, "203.0.113.11", "7").out());
        assertEquals("generation " + (before + 3) + ": changed backend 203.0.113.12 of 192.0.2.10:80/tcp: weight 2 -> 0\n",
            succeeded("drain", WEB, "203.0.113.12").out());
        assertEquals(7, daemon.dataplane().snapshot().serviceAt(0).backend(0).weight());
        assertEquals(0, daemon.dataplane().snapshot().serviceAt(0).backend(1).weight(), "drained, still listed");
        assertEquals(4, daemon.dataplane().snapshot().serviceAt(0).backend(2).weight());
        assertEquals("generation " + (before + 4) + ": removed backend 203.0.113.13 of 192.0.2.10:80/tcp\n",
            succeeded("remove-backend", WEB, "203.0.113.13").out());
        assertEquals(2, daemon.dataplane().snapshot().serviceAt(0).backendCount());
    }

    @Test
    void shouldPrintTheDaemonsInvalidArgumentAndChangeNothing()
    {
        final long before = generation();
        final String config = daemon.model().configYaml();

        final CtlRun weight = run("set-weight", WEB, "203.0.113.11", "70000");
        final CtlRun address = run("add-backend", WEB, "backend-1");
        final CtlRun missing = run("drain", WEB, "203.0.113.99");

        assertEquals(1, weight.exit(), weight.toString());
        assertEquals("sluice ctl: INVALID_ARGUMENT: weight: '70000' is not valid: an integer 0..65535 (0 drains)\n", weight.err());
        assertEquals(1, address.exit(), address.toString());
        assertEquals("sluice ctl: INVALID_ARGUMENT: backend.address: 'backend-1' is not valid: an IPv4 or IPv6 address literal, " +
            "e.g. 192.0.2.10 or 2001:db8::10\n", address.err());
        assertEquals(1, missing.exit(), missing.toString());
        assertEquals("sluice ctl: NOT_FOUND: service 192.0.2.10:80/tcp has no backend 203.0.113.99 (GetService lists its " +
            "backends)\n", missing.err());
        assertEquals(before, generation());
        assertEquals(config, daemon.model().configYaml());
    }

    @Test
    void shouldRefuseMalformedArgumentsAsBadUsageWithoutCallingTheDaemon()
    {
        final long before = generation();

        final CtlRun negative = run("set-weight", WEB, "203.0.113.11", "-1");
        final CtlRun noPort = run("add-service", "192.0.2.20", "--mode", "dsr");
        final CtlRun mode = run("add-service", "192.0.2.20:80", "--mode", "masquerade");
        final CtlRun ipv6 = run("lookup", "2001:db8::7:4000", WEB);
        final CtlRun none = ctl();

        assertEquals(2, negative.exit(), negative.toString());
        assertEquals(2, noPort.exit(), noPort.toString());
        assertTrue(noPort.err().startsWith("Invalid value for positional parameter at index 0 (VIP:PORT[/tcp|udp]): '192.0.2.20' " +
            "is not a service: VIP:PORT[/tcp|udp], e.g. 192.0.2.10:80/tcp or [2001:db8::10]:443/tcp"), noPort.err());
        assertEquals(2, mode.exit(), mode.toString());
        assertTrue(mode.err().startsWith("Invalid value for option '--mode': 'masquerade' is not one of dsr, ipip, gue, nat, fullnat"), mode.err());
        assertEquals(2, ipv6.exit(), ipv6.toString());
        assertTrue(ipv6.err().contains("(write an IPv6 address in brackets)"), ipv6.err());
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().startsWith("Usage: ctl "), none.err());
        assertEquals(before, generation());
    }

    @Test
    void shouldSetAHealthPolicyAndTurnItOff() throws Exception
    {
        final CtlRun set = succeeded("health", WEB, "--kind", "http", "--path", "/healthz", "--expect-status", "204",
            "--interval", "5s", "--timeout", "500ms", "--rise", "3");

        assertTrue(set.out().startsWith("generation " + generation() + ": changed service 192.0.2.10:80/tcp: healthCheck none -> " +
            "http ("), set.out());
        final HealthPolicy policy = daemon.client().getService(GetServiceRequest.newBuilder().setKey(WEB_KEY).build()).getSettings()
            .getHealthCheck();
        assertEquals(HealthCheckKind.HEALTH_CHECK_KIND_HTTP, policy.getKind());
        assertEquals("/healthz", policy.getHttpPath());
        assertEquals(204, policy.getExpectStatus());
        assertEquals(5, policy.getInterval().getSeconds());
        assertEquals(500_000_000, policy.getTimeout().getNanos());
        assertEquals(3, policy.getRise());
        assertEquals(3, policy.getFall(), "the default");

        final CtlRun udp = succeeded("--json", "health", WEB, "--kind", "udp", "--send", "hex:00ff", "--expect", "pong");
        final ChangeResponse reply = parsed(udp.out(), ChangeResponse.newBuilder()).build();
        assertEquals("00ff", HexFormat.of().formatHex(reply.getService().getSettings().getHealthCheck().getUdpSend()
            .toByteArray()));
        assertEquals("pong", reply.getService().getSettings().getHealthCheck().getUdpExpect().toStringUtf8());

        final CtlRun off = succeeded("health", WEB, "--kind", "none");
        assertTrue(off.out().contains("healthCheck udp -> none"), off.out());
        assertFalse(daemon.client().getService(GetServiceRequest.newBuilder().setKey(WEB_KEY).build()).getSettings()
            .hasHealthCheck());
    }

    @Test
    void shouldRefuseHealthOptionsTheDaemonOrTheKindRejects()
    {
        final CtlRun rise = run("health", WEB, "--kind", "tcp", "--rise", "101");
        final CtlRun none = run("health", WEB, "--kind", "none", "--port", "8080");

        assertEquals(1, rise.exit(), rise.toString());
        assertEquals("sluice ctl: INVALID_ARGUMENT: policy: rise must be 1..100, not 101\n", rise.err());
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().startsWith("--kind none turns the checks off: it takes no other health-check option"), none.err());
    }

    @Test
    void shouldShowStatsPerServiceBackendAndWorker() throws Exception
    {
        final CtlRun stats = succeeded("stats");

        final GetStatsResponse reply = daemon.client().getStats(GetStatsRequest.getDefaultInstance());
        final String started = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault())
            .format(Instant.ofEpochSecond(reply.getStarted().getSeconds()));
        final String[] parts = stats.out().split("\n\n");
        assertEquals(4, parts.length, stats.out());
        assertEquals("generation " + generation() + "  started " + started + "  errors 0", parts[0]);
        assertEquals("""
            SERVICE            HEALTH   EFFECTIVE  PACKETS  BYTES  NEW-FLOWS  DROPS  SHARE
            192.0.2.10:80/tcp                            0      0          0      0
              -> 203.0.113.11  unknown          1        0      0          0             -
              -> 203.0.113.12  unknown          2        0      0          0             -""", parts[1]);
        final String[] workers = parts[2].split("\n");
        assertEquals("WORKER  RX-PACKETS  RX-BYTES  TX-PACKETS  TX-BYTES  FORWARDED  REPLIED  PUNTED  DROPPED  ACTIVE-FLOWS  " +
            "GENERATION", workers[0]);
        assertEquals(2, workers.length, parts[2]);
        assertTrue(workers[1].matches("0( +[0-9]+){9} +" + generation()),
            "one worker; its counters move (the dataplane's own ARP requests loop back through the ring): " + workers[1]);
        assertTrue(parts[3].matches("DROPS  .+\nPORT  .*rx-packets [0-9]+.*\n"), parts[3]);

        final CtlRun json = succeeded("stats", "--json", "-s", WEB);
        final GetStatsResponse parsed = parsed(json.out(), GetStatsResponse.newBuilder()).build();
        assertEquals(reply.getServicesList(), parsed.getServicesList());
        assertEquals(reply.getStarted(), parsed.getStarted());
        assertEquals(1, parsed.getWorkersCount());
    }

    @Test
    void shouldSayWhereAFlowGoes() throws Exception
    {
        final LookupFlowResponse expected = daemon.client().lookupFlow(LookupFlowRequest.newBuilder().setClientAddress("198.51.100.7")
            .setClientPort(40000).setVip("192.0.2.10").setVipPort(80).build());

        final CtlRun lookup = succeeded("lookup", "198.51.100.7:40000", WEB);

        assertEquals("flow         198.51.100.7:40000 -> 192.0.2.10:80/tcp\n" +
            "service      192.0.2.10:80/tcp\n" +
            "flow hash    0x" + String.format("%016x", expected.getFlowHash()) + "\n" +
            "maglev slot  " + expected.getMaglevSlot() + "\n" +
            "new flow to  " + expected.getScheduledBackend() + "\n" +
            "flow table   not found: its next packet is scheduled as a new flow\n" +
            "generation   " + generation() + "\n", lookup.out());
        assertEquals(expected, parsed(succeeded("lookup", "--json", "198.51.100.7:40000", WEB).out(), LookupFlowResponse.newBuilder())
            .build());
        assertEquals("flow         198.51.100.7:40000 -> 192.0.2.10:81/tcp\n" +
            "service      none: no service has this VIP, port and protocol (the packet is dropped as no-vip)\n" +
            "generation   " + generation() + "\n", succeeded("lookup", "198.51.100.7:40000", "192.0.2.10:81").out());
    }

    @Test
    void shouldShowTheHaState() throws Exception
    {
        final HaState state = daemon.client().getHaState(GetHaStateRequest.getDefaultInstance());
        final String since = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault())
            .format(Instant.ofEpochSecond(state.getSince().getSeconds()));

        assertEquals("role         standalone\nsince        " + since + "\n", succeeded("ha").out());
        assertEquals(HaStateKind.HA_STATE_KIND_STANDALONE, parsed(succeeded("ha", "--json").out(), HaState.newBuilder()).getState());
    }

    @Test
    void shouldShowEachVirtualRouterWhenTheDaemonRunsVrrp() throws Exception
    {
        final FakeVrrp vrrp = new FakeVrrp();
        final Instant since = Instant.parse("2026-12-06T09:00:00Z");
        vrrp.routers = List.of(FakeVrrp.router("web", 51, VrrpState.BACKUP, since, 1, "192.0.2.100"));
        vrrp.counters.onAccepted(true);
        daemon.reset(daemon.plaintext(), new HaMonitor(vrrp, null, null, () -> 0, () -> 0, since.minusSeconds(60)));
        server = daemon.server().listening();

        final String text = succeeded("ha").out();
        final HaState json = parsed(succeeded("ha", "--json").out(), HaState.newBuilder()).build();

        assertTrue(text.startsWith("role         backup\n"), text);
        assertTrue(text.contains("web       51  ipv4    backup"), text);
        assertTrue(text.contains("adverts      sent 0, accepted 1, discarded 0\n"), text);
        assertEquals(HaStateKind.HA_STATE_KIND_BACKUP, json.getState());
        assertEquals("web", json.getRouters(0).getName());
        assertEquals(1, json.getVrrp().getAcceptedWithPseudoHeader());
        assertEquals(since.getEpochSecond(), json.getSince().getSeconds());
    }
}
