package io.sluice.controlplane.api;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.FieldMask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.Context;
import io.grpc.Status;

import io.sluice.controlplane.api.v1.AddBackendRequest;
import io.sluice.controlplane.api.v1.AddServiceRequest;
import io.sluice.controlplane.api.v1.BackendConfig;
import io.sluice.controlplane.api.v1.ChangeResponse;
import io.sluice.controlplane.api.v1.DrainBackendRequest;
import io.sluice.controlplane.api.v1.Event;
import io.sluice.controlplane.api.v1.EventKind;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.FragmentPolicy;
import io.sluice.controlplane.api.v1.GetServiceRequest;
import io.sluice.controlplane.api.v1.HaStateKind;
import io.sluice.controlplane.api.v1.HaTransition;
import io.sluice.controlplane.api.v1.HealthPolicy;
import io.sluice.controlplane.api.v1.HealthState;
import io.sluice.controlplane.api.v1.ListServicesRequest;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.RemoveBackendRequest;
import io.sluice.controlplane.api.v1.RemoveServiceRequest;
import io.sluice.controlplane.api.v1.Scheduler;
import io.sluice.controlplane.api.v1.Service;
import io.sluice.controlplane.api.v1.ServiceFlag;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.api.v1.SetBackendWeightRequest;
import io.sluice.controlplane.api.v1.SetHealthPolicyRequest;
import io.sluice.controlplane.api.v1.UpdateServiceRequest;
import io.sluice.controlplane.api.v1.VrrpRouterState;
import io.sluice.controlplane.api.v1.WatchEventsRequest;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.controlplane.model.ControlEvent;
import io.sluice.controlplane.model.HaState;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service and backend RPCs of {@code sluice.v1.LoadBalancer} against a real dataplane and a real
 * gRPC server: each happy path (the change runs on the worker when the call returns), each
 * validation error with its status code and message, and after each rejected call the proof that
 * nothing changed (same generation, same configuration text).
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancerApiTest
{
    private static final ServiceKey WEB = ServiceKey.newBuilder().setVip("192.0.2.10").setPort(80).build();

    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;
    private LoadBalancerGrpc.LoadBalancerBlockingStub client;

    @BeforeAll
    void startDataplane() throws Exception
    {
        daemon = ApiTestDaemon.start(directory, "net_ring70");
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
        client = daemon.client();
    }

    private void assertRejected(final Status.Code code, final String message, final Runnable call)
    {
        assertEquals(message, daemon.rejected(code, call));
    }

    private static AddServiceRequest.Builder dnsService()
    {
        return AddServiceRequest.newBuilder()
            .setKey(ServiceKey.newBuilder().setVip("192.0.2.53").setPort(53).setProtocol(Protocol.PROTOCOL_UDP))
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_IPIP)
                .setScheduler(Scheduler.SCHEDULER_SOURCE_HASH).addFlags(ServiceFlag.SERVICE_FLAG_OPS).setQuorum(2)
                .setSorryBackend("203.0.113.99").setMaglevSize(251))
            .addBackends(BackendConfig.newBuilder().setAddress("203.0.113.21"))
            .addBackends(BackendConfig.newBuilder().setAddress("203.0.113.22").setWeight(5));
    }

    @Test
    void shouldListAndGetTheServicesOfTheFileWithTheirDefaults()
    {
        final List<Service> services = client.listServices(ListServicesRequest.getDefaultInstance()).getServicesList();

        assertEquals(1, services.size());
        final Service web = services.getFirst();
        assertEquals(WEB.toBuilder().setProtocol(Protocol.PROTOCOL_TCP).build(), web.getKey());
        assertEquals(ForwardingMode.FORWARDING_MODE_DSR, web.getSettings().getMode());
        assertEquals(Scheduler.SCHEDULER_WEIGHTED_MAGLEV, web.getSettings().getScheduler());
        assertEquals(1, web.getSettings().getQuorum());
        assertEquals(65537, web.getSettings().getMaglevSize());
        assertEquals(300, web.getSettings().getTcpIdleTimeout().getSeconds());
        assertEquals(List.of("203.0.113.11", "203.0.113.12"), web.getBackendsList().stream().map(b -> b.getAddress()).toList());
        assertEquals(List.of(1, 2), web.getBackendsList().stream().map(b -> b.getEffectiveWeight()).toList());
        assertEquals(HealthState.HEALTH_STATE_UNKNOWN, web.getBackends(0).getHealth());
        assertTrue(web.getStatus().getUp());
        assertEquals(2, web.getStatus().getUpBackends());
        assertEquals(web, client.getService(GetServiceRequest.newBuilder().setKey(WEB).build()));
        assertRejected(Status.Code.NOT_FOUND, "no service 192.0.2.10:81/tcp (ListServices lists them)",
            () -> client.getService(GetServiceRequest.newBuilder().setKey(WEB.toBuilder().setPort(81)).build()));
    }

    @Test
    void shouldAddAServiceThatEveryWorkerRunsWhenTheCallReturns()
    {
        final long before = daemon.dataplane().snapshot().generation();

        final ChangeResponse added = client.addService(dnsService().build());

        assertEquals(before + 1, added.getGeneration());
        assertEquals(added.getGeneration(), daemon.dataplane().snapshot().generation(), "the worker runs it");
        assertEquals(2, daemon.dataplane().snapshot().serviceCount());
        assertEquals("added service 192.0.2.53:53/udp: ipip, source-hash, 2 backends, sorry 203.0.113.99, health check none",
            added.getSummary());
        final Service dns = added.getService();
        assertEquals(Scheduler.SCHEDULER_SOURCE_HASH, dns.getSettings().getScheduler());
        assertEquals(List.of(ServiceFlag.SERVICE_FLAG_OPS), dns.getSettings().getFlagsList());
        assertEquals(List.of(1, 5), dns.getBackendsList().stream().map(b -> b.getWeight()).toList());
        assertEquals("203.0.113.99", dns.getSettings().getSorryBackend());
        assertTrue(dns.getStatus().getUp(), "two backends serve, quorum 2");
        assertEquals(3, daemon.dataplane().snapshot().serviceAt(1).backendCount(), "the sorry backend is in the snapshot");
        assertEquals(dns, client.getService(GetServiceRequest.newBuilder().setKey(dns.getKey()).build()));
    }

    @Test
    void shouldRefuseEveryInvalidAddServiceAndChangeNothing()
    {
        assertRejected(Status.Code.INVALID_ARGUMENT, "key.vip: '192.0.2.300' is not valid: an IPv4 or IPv6 address literal, " +
            "e.g. 192.0.2.10 or 2001:db8::10", () -> client.addService(dnsService().setKey(WEB.toBuilder().setVip("192.0.2.300"))
            .build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "key.port: '0' is not valid: a port 1..65535",
            () -> client.addService(dnsService().setKey(WEB.toBuilder().setPort(0)).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "key.port: '70000' is not valid: a port 1..65535",
            () -> client.addService(dnsService().setKey(WEB.toBuilder().setPort(70000)).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "settings.mode: 'FORWARDING_MODE_UNSPECIFIED' is not valid: one of " +
            "FORWARDING_MODE_DSR, FORWARDING_MODE_IPIP, FORWARDING_MODE_GUE, FORWARDING_MODE_NAT, FORWARDING_MODE_FULLNAT (a service " +
            "needs a mode)",
            () -> client.addService(dnsService().setSettings(ServiceSettings.getDefaultInstance()).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "settings.mode: '9' is not valid: one of FORWARDING_MODE_DSR, " +
            "FORWARDING_MODE_IPIP, FORWARDING_MODE_GUE, FORWARDING_MODE_NAT, FORWARDING_MODE_FULLNAT (a service needs a mode)",
            () -> client.addService(dnsService().setSettings(dnsService().getSettings().toBuilder().setModeValue(9)).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "backends[1].weight: '70000' is not valid: an integer 0..65535 (0 drains)",
            () -> client.addService(dnsService().setBackends(1, BackendConfig.newBuilder().setAddress("203.0.113.22")
                .setWeight(70000)).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "settings.maglev_size: '4' is not valid: a prime from 2 to 16777213, e.g. 65537",
            () -> client.addService(dnsService().setSettings(dnsService().getSettings().toBuilder().setMaglevSize(4)).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "settings.flags[0]: 'SERVICE_FLAG_OPS' is not valid: a flag of UDP services " +
            "only (one-packet scheduling has no use for TCP)", () -> client.addService(dnsService()
            .setKey(ServiceKey.newBuilder().setVip("192.0.2.53").setPort(53)).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "settings.health_check: timeout must be less than interval PT2S (one check " +
            "at a time), not PT2S", () -> client.addService(dnsService().setSettings(dnsService().getSettings().toBuilder()
            .setHealthCheck(HealthPolicy.newBuilder().setKind(io.sluice.controlplane.api.v1.HealthCheckKind.HEALTH_CHECK_KIND_TCP)
                .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(2)))).build()));
        assertRejected(Status.Code.ALREADY_EXISTS, "service 192.0.2.10:80/tcp exists already (UpdateService changes its " +
            "settings, AddBackend its backends)", () -> client.addService(dnsService().setKey(WEB).clearSettings()
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_DSR)).build()));
        assertRejected(Status.Code.FAILED_PRECONDITION, "service 192.0.2.53:53/udp: DSR needs backends of the VIP's address " +
            "family, 2001:db8:0:0:0:0:0:21 is not (use GUE to mix IPv4 and IPv6)", () -> client.addService(dnsService()
            .setSettings(dnsService().getSettings().toBuilder().setMode(ForwardingMode.FORWARDING_MODE_DSR))
            .setBackends(0, BackendConfig.newBuilder().setAddress("2001:db8::21")).build()));
    }

    @Test
    void shouldAddAServiceWithFragmentsL3AndRefuseAnotherOfItsVipAndProtocol()
    {
        final ChangeResponse added = client.addService(dnsService()
            .setSettings(dnsService().getSettings().toBuilder().setFragments(FragmentPolicy.FRAGMENT_POLICY_L3)).build());

        assertEquals(FragmentPolicy.FRAGMENT_POLICY_L3, added.getService().getSettings().getFragments());
        final io.sluice.dataplane.service.IpAddress vip = io.sluice.dataplane.service.IpAddress.parse("192.0.2.53");
        assertEquals(io.sluice.dataplane.service.FragmentPolicy.L3,
            daemon.dataplane().snapshot().service(vip.hi(), vip.lo(), 53, 17).fragments(), "the worker runs it");
        assertRejected(Status.Code.FAILED_PRECONDITION, "service 192.0.2.53:53/udp: fragments l3 matches a fragment after the " +
            "first, which carries no port, by VIP and protocol alone, so it must be the only udp service of 192.0.2.53; " +
            "192.0.2.53:54/udp shares them (use fragments: drop, or another VIP)", () -> client.addService(dnsService()
            .setKey(ServiceKey.newBuilder().setVip("192.0.2.53").setPort(54).setProtocol(Protocol.PROTOCOL_UDP)).build()));
    }

    @Test
    void shouldUpdateTheFieldsTheMaskNamesAndRefuseAnUnknownOne()
    {
        final ChangeResponse updated = client.updateService(UpdateServiceRequest.newBuilder().setKey(WEB)
            .setSettings(ServiceSettings.newBuilder().setScheduler(Scheduler.SCHEDULER_LEAST_CONN).setQuorum(2)
                .setMode(ForwardingMode.FORWARDING_MODE_GUE))
            .setUpdateMask(FieldMask.newBuilder().addPaths("scheduler").addPaths("quorum")).build());

        assertEquals(Scheduler.SCHEDULER_LEAST_CONN, updated.getService().getSettings().getScheduler());
        assertEquals(2, updated.getService().getSettings().getQuorum());
        assertEquals(ForwardingMode.FORWARDING_MODE_DSR, updated.getService().getSettings().getMode(), "not in the mask");
        assertEquals("changed service 192.0.2.10:80/tcp: scheduler weighted-maglev -> least-conn, quorum 1 -> 2", updated.getSummary());
        assertRejected(Status.Code.INVALID_ARGUMENT, "update_mask: 'colour' is not valid: a field of ServiceSettings: mode, " +
            "scheduler, flags, quorum, sorry_backend, tcp_idle_timeout, udp_idle_timeout, maglev_size, health_check, backend_port, fragments, " +
            "client_address, toa_kind, mss_clamp",
            () -> client.updateService(UpdateServiceRequest.newBuilder().setKey(WEB)
                .setUpdateMask(FieldMask.newBuilder().addPaths("colour")).build()));
        assertRejected(Status.Code.NOT_FOUND, "no service 192.0.2.11:80/tcp (ListServices lists them)",
            () -> client.updateService(UpdateServiceRequest.newBuilder().setKey(WEB.toBuilder().setVip("192.0.2.11"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("quorum")).build()));
    }

    @Test
    void shouldRemoveAServiceFromEveryWorkerAndSayNotFoundTheSecondTime()
    {
        final ChangeResponse removed = client.removeService(RemoveServiceRequest.newBuilder().setKey(WEB).build());

        assertEquals(removed.getGeneration(), daemon.dataplane().snapshot().generation());
        assertEquals(0, daemon.dataplane().snapshot().serviceCount());
        assertEquals("removed service 192.0.2.10:80/tcp", removed.getSummary());
        assertRejected(Status.Code.NOT_FOUND, "no service 192.0.2.10:80/tcp (ListServices lists them)",
            () -> client.removeService(RemoveServiceRequest.newBuilder().setKey(WEB).build()));
    }

    @Test
    void shouldAddWeighDrainAndRemoveBackendsOnEveryWorker()
    {
        final ChangeResponse added = client.addBackend(AddBackendRequest.newBuilder().setKey(WEB)
            .setBackend(BackendConfig.newBuilder().setAddress("203.0.113.13").setWeight(4)).build());
        assertEquals(3, added.getService().getBackendsCount());
        assertEquals(4, daemon.dataplane().snapshot().serviceAt(0).backend(2).weight(), "the worker's snapshot has it");

        final ChangeResponse weighed = client.setBackendWeight(SetBackendWeightRequest.newBuilder().setKey(WEB)
            .setAddress("203.0.113.11").setWeight(7).build());
        assertEquals("changed backend 203.0.113.11 of 192.0.2.10:80/tcp: weight 1 -> 7", weighed.getSummary());
        assertEquals(7, daemon.dataplane().snapshot().serviceAt(0).backend(0).weight());

        final ChangeResponse drained = client.drainBackend(DrainBackendRequest.newBuilder().setKey(WEB).setAddress("203.0.113.12")
            .build());
        assertEquals(0, drained.getService().getBackends(1).getWeight());
        assertEquals(0, daemon.dataplane().snapshot().serviceAt(0).backend(1).weight(), "drained: weight 0, still listed");
        assertEquals(1, daemon.dataplane().snapshot().serviceAt(0).backend(1).maglevIndex());

        final ChangeResponse removed = client.removeBackend(RemoveBackendRequest.newBuilder().setKey(WEB).setAddress("203.0.113.13")
            .build());
        assertEquals(2, daemon.dataplane().snapshot().serviceAt(0).backendCount());
        assertEquals(removed.getGeneration(), daemon.dataplane().snapshot().generation());
        assertEquals(added.getGeneration() + 3, removed.getGeneration(), "one generation per change");
    }

    @Test
    void shouldRefuseEveryInvalidBackendChangeAndChangeNothing()
    {
        assertRejected(Status.Code.ALREADY_EXISTS, "backend 203.0.113.11 of 192.0.2.10:80/tcp exists already (SetBackendWeight " +
            "changes its weight)", () -> client.addBackend(AddBackendRequest.newBuilder().setKey(WEB)
            .setBackend(BackendConfig.newBuilder().setAddress("203.0.113.11")).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "backend.address: 'backend-1' is not valid: an IPv4 or IPv6 address literal, " +
            "e.g. 192.0.2.10 or 2001:db8::10", () -> client.addBackend(AddBackendRequest.newBuilder().setKey(WEB)
            .setBackend(BackendConfig.newBuilder().setAddress("backend-1")).build()));
        assertRejected(Status.Code.FAILED_PRECONDITION, "service 192.0.2.10:80/tcp: DSR needs backends of the VIP's address family, " +
            "2001:db8:0:0:0:0:0:13 is not (use GUE to mix IPv4 and IPv6)", () -> client.addBackend(AddBackendRequest.newBuilder()
            .setKey(WEB).setBackend(BackendConfig.newBuilder().setAddress("2001:db8::13")).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "weight: '70000' is not valid: an integer 0..65535 (0 drains)",
            () -> client.setBackendWeight(SetBackendWeightRequest.newBuilder().setKey(WEB).setAddress("203.0.113.11")
                .setWeight(70000).build()));
        assertRejected(Status.Code.NOT_FOUND, "service 192.0.2.10:80/tcp has no backend 203.0.113.99 (GetService lists its backends)",
            () -> client.setBackendWeight(SetBackendWeightRequest.newBuilder().setKey(WEB).setAddress("203.0.113.99")
                .setWeight(1).build()));
        assertRejected(Status.Code.NOT_FOUND, "service 192.0.2.10:80/tcp has no backend 203.0.113.99 (GetService lists its backends)",
            () -> client.drainBackend(DrainBackendRequest.newBuilder().setKey(WEB).setAddress("203.0.113.99").build()));
        assertRejected(Status.Code.NOT_FOUND, "service 192.0.2.10:80/tcp has no backend 203.0.113.99 (GetService lists its backends)",
            () -> client.removeBackend(RemoveBackendRequest.newBuilder().setKey(WEB).setAddress("203.0.113.99").build()));
        assertRejected(Status.Code.NOT_FOUND, "no service 192.0.2.10:80/udp (ListServices lists them)",
            () -> client.removeBackend(RemoveBackendRequest.newBuilder().setKey(WEB.toBuilder().setProtocol(Protocol.PROTOCOL_UDP))
                .setAddress("203.0.113.11").build()));
    }

    @Test
    void shouldSetAHealthPolicyAndRefuseOneOutOfRange()
    {
        final long before = daemon.model().generation();
        final ChangeResponse set = client.setHealthPolicy(SetHealthPolicyRequest.newBuilder().setKey(WEB)
            .setPolicy(HealthPolicy.newBuilder().setKind(io.sluice.controlplane.api.v1.HealthCheckKind.HEALTH_CHECK_KIND_HTTP)
                .setHttpPath("/healthz").setExpectStatus(204).setRise(3)).build());

        final HealthPolicy policy = set.getService().getSettings().getHealthCheck();
        assertEquals("/healthz", policy.getHttpPath());
        assertEquals(204, policy.getExpectStatus());
        assertEquals(3, policy.getRise());
        assertEquals(3, policy.getFall(), "the default");
        assertEquals(2, policy.getInterval().getSeconds(), "the default");
        assertEquals(before, set.getGeneration(), "no new generation: the checks run in the control plane");
        assertTrue(daemon.model().configYaml().contains("      kind: http\n"), daemon.model().configYaml());
        assertRejected(Status.Code.INVALID_ARGUMENT, "policy: rise must be 1..100, not 101", () -> client.setHealthPolicy(
            SetHealthPolicyRequest.newBuilder().setKey(WEB).setPolicy(HealthPolicy.newBuilder()
                .setKind(io.sluice.controlplane.api.v1.HealthCheckKind.HEALTH_CHECK_KIND_TCP).setRise(101)).build()));
        assertRejected(Status.Code.INVALID_ARGUMENT, "policy.interval: 'PT0.0005S' is not valid: whole milliseconds from 1ms to 1h",
            () -> client.setHealthPolicy(SetHealthPolicyRequest.newBuilder().setKey(WEB).setPolicy(HealthPolicy.newBuilder()
                .setKind(io.sluice.controlplane.api.v1.HealthCheckKind.HEALTH_CHECK_KIND_TCP)
                .setInterval(com.google.protobuf.Duration.newBuilder().setNanos(500_000))).build()));
    }

    @Test
    void shouldTakeABackendOutWhenItsHealthGoesDownAndStreamTheEvents() throws Exception
    {
        client.setHealthPolicy(SetHealthPolicyRequest.newBuilder().setKey(WEB).setPolicy(HealthPolicy.newBuilder()
            .setKind(io.sluice.controlplane.api.v1.HealthCheckKind.HEALTH_CHECK_KIND_TCP)).build());
        final Context.CancellableContext watch = Context.current().withCancellation();
        try
        {
            final Iterator<Event> events = watch.call(() -> LoadBalancerGrpc.newBlockingStub(daemon.connect(
                io.grpc.InsecureChannelCredentials.create())).withDeadlineAfter(60, TimeUnit.SECONDS)
                .watchEvents(WatchEventsRequest.newBuilder().addKinds(EventKind.EVENT_KIND_HEALTH)
                    .addKinds(EventKind.EVENT_KIND_GENERATION).build()));
            awaitWatcher();

            daemon.model().onHealthChange("192.0.2.10:80/tcp", IpAddress.parse("203.0.113.12"), BackendHealth.DOWN,
                "3 checks failed: connection refused", 3_000_000);

            final Event transition = events.next();
            assertEquals(HealthState.HEALTH_STATE_DOWN, transition.getHealth().getNewState());
            assertEquals("203.0.113.12", transition.getHealth().getBackend());
            assertEquals("3 checks failed: connection refused", transition.getHealth().getReason());
            assertEquals(3_000_000, transition.getHealth().getLatency().getNanos());
            final Event applied = events.next();
            assertEquals("health", applied.getGenerationApplied().getOrigin());
            assertEquals(daemon.dataplane().snapshot().generation(), applied.getGenerationApplied().getGeneration());
            assertEquals(transition.getSequence() + 1, applied.getSequence());
            assertEquals(0, daemon.dataplane().snapshot().serviceAt(0).backend(1).weight(), "DOWN: weight 0 on the worker");
            final Service web = daemon.client().getService(GetServiceRequest.newBuilder().setKey(WEB).build());
            assertEquals(2, web.getBackends(1).getWeight(), "the configured weight stays");
            assertEquals(0, web.getBackends(1).getEffectiveWeight());
            assertEquals(HealthState.HEALTH_STATE_DOWN, web.getBackends(1).getHealth());
        }
        finally
        {
            watch.cancel(null);
        }
    }

    @Test
    void shouldStreamEachVrrpTransitionAndRoleChangeWhenWatchingHaEvents() throws Exception
    {
        final Context.CancellableContext watch = Context.current().withCancellation();
        try
        {
            final Iterator<Event> events = watch.call(() -> LoadBalancerGrpc.newBlockingStub(daemon.connect(
                io.grpc.InsecureChannelCredentials.create())).withDeadlineAfter(60, TimeUnit.SECONDS)
                .watchEvents(WatchEventsRequest.newBuilder().addKinds(EventKind.EVENT_KIND_HA).build()));
            awaitWatcher();

            daemon.model().events().publish(new ControlEvent.GenerationApplied(9, "vrrp v6: BACKUP -> MASTER", "vrrp"));
            daemon.model().events().publish(new ControlEvent.VrrpChanged("v6", 52, true, VrrpState.BACKUP, VrrpState.MASTER,
                HaState.Role.BACKUP, HaState.Role.MIXED));
            daemon.model().events().publish(new ControlEvent.HaChanged(HaState.Role.BACKUP, HaState.Role.MIXED));

            final HaTransition router = events.next().getHa();
            assertEquals(HaTransition.newBuilder().setOldState(HaStateKind.HA_STATE_KIND_BACKUP)
                .setNewState(HaStateKind.HA_STATE_KIND_MIXED).setRouter("v6").setVrid(52).setIpv6(true)
                .setRouterOldState(VrrpRouterState.VRRP_ROUTER_STATE_BACKUP)
                .setRouterNewState(VrrpRouterState.VRRP_ROUTER_STATE_MASTER).build(), router);
            assertEquals(HaTransition.newBuilder().setOldState(HaStateKind.HA_STATE_KIND_BACKUP)
                .setNewState(HaStateKind.HA_STATE_KIND_MIXED).build(), events.next().getHa());
        }
        finally
        {
            watch.cancel(null);
        }
    }

    private void awaitWatcher() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (daemon.model().events().subscribers() == 0)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "the watch never subscribed");
            Thread.sleep(10);
        }
    }
}
