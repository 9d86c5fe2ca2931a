package io.sluice.controlplane.api;

import java.nio.file.Path;
import java.util.Iterator;
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
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import io.sluice.controlplane.api.v1.AddBackendRequest;
import io.sluice.controlplane.api.v1.ApplyConfigRequest;
import io.sluice.controlplane.api.v1.ApplyConfigResponse;
import io.sluice.controlplane.api.v1.BackendConfig;
import io.sluice.controlplane.api.v1.ChangeKind;
import io.sluice.controlplane.api.v1.ChangeResponse;
import io.sluice.controlplane.api.v1.DrainBackendRequest;
import io.sluice.controlplane.api.v1.Event;
import io.sluice.controlplane.api.v1.EventKind;
import io.sluice.controlplane.api.v1.FlowTableState;
import io.sluice.controlplane.api.v1.FragmentPolicy;
import io.sluice.controlplane.api.v1.GetConfigRequest;
import io.sluice.controlplane.api.v1.GetHaStateRequest;
import io.sluice.controlplane.api.v1.GetStatsRequest;
import io.sluice.controlplane.api.v1.GetStatsResponse;
import io.sluice.controlplane.api.v1.HaStateKind;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.LookupFlowRequest;
import io.sluice.controlplane.api.v1.LookupFlowResponse;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.api.v1.UpdateServiceRequest;
import io.sluice.controlplane.api.v1.WatchEventsRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read and whole-configuration RPCs against a real dataplane and gRPC server: stats, flow
 * lookup, HA state, GetConfig and ApplyConfig (dry run, applied, refused), and WatchEvents
 * receiving the generation a change applied.
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiOperationsTest
{
    private static final ServiceKey WEB = ServiceKey.newBuilder().setVip("192.0.2.10").setPort(80).build();

    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;
    private LoadBalancerGrpc.LoadBalancerBlockingStub client;

    @BeforeAll
    void startDataplane() throws Exception
    {
        daemon = ApiTestDaemon.start(directory, "net_ring71");
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

    private static LookupFlowRequest.Builder flow(final int clientPort)
    {
        return LookupFlowRequest.newBuilder().setClientAddress("198.51.100.7").setClientPort(clientPort).setVip("192.0.2.10")
            .setVipPort(80);
    }

    @Test
    void shouldReportCountersPerServiceBackendAndWorker()
    {
        final GetStatsResponse stats = client.getStats(GetStatsRequest.getDefaultInstance());

        assertEquals(daemon.dataplane().snapshot().generation(), stats.getGeneration());
        assertEquals(1, stats.getServicesCount());
        assertEquals(WEB.toBuilder().setProtocol(io.sluice.controlplane.api.v1.Protocol.PROTOCOL_TCP).build(),
            stats.getServices(0).getKey());
        assertEquals(2, stats.getServices(0).getBackendsCount());
        assertEquals(2, stats.getServices(0).getBackends(1).getEffectiveWeight());
        assertEquals(1, stats.getWorkersCount(), "one worker");
        assertEquals(stats.getGeneration(), stats.getWorkers(0).getCountersOrThrow("generation"), "the worker runs it");
        assertTrue(stats.getPortMap().containsKey("rx-missed"), stats.getPortMap().toString());
        assertEquals(stats.getServicesList(), client.getStats(GetStatsRequest.newBuilder().setService(WEB).build())
            .getServicesList(), "one service, the only one (worker counters such as duty cycles move between calls)");
        final StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
            () -> client.getStats(GetStatsRequest.newBuilder().setService(WEB.toBuilder().setPort(8080)).build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
    }

    @Test
    void shouldPredictTheOnlyBackendThatTakesNewFlowsWhenTheOtherIsDrained()
    {
        final LookupFlowResponse before = client.lookupFlow(flow(40000).build());
        assertTrue(before.getServiceFound());
        assertTrue(before.getMaglevSlot() < 65537);
        assertEquals(FlowTableState.FLOW_TABLE_STATE_NOT_FOUND, before.getFlowTable(), "no packet of it was received");

        client.drainBackend(DrainBackendRequest.newBuilder().setKey(WEB).setAddress("203.0.113.11").build());

        for (int port = 40000; port < 40050; port++)
        {
            final LookupFlowResponse after = client.lookupFlow(flow(port).build());
            assertEquals("203.0.113.12", after.getScheduledBackend(), "drained 203.0.113.11 takes no new flow");
            assertEquals(daemon.dataplane().snapshot().generation(), after.getGeneration());
        }
        assertEquals(before.getFlowHash(), client.lookupFlow(flow(40000).build()).getFlowHash(), "the hash depends on the 5-tuple");
        assertFalse(client.lookupFlow(flow(1).setVipPort(81).build()).getServiceFound(), "no service on port 81");
        final StatusRuntimeException family = assertThrows(StatusRuntimeException.class,
            () -> client.lookupFlow(flow(1).setClientAddress("2001:db8::7").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, family.getStatus().getCode());
        assertEquals("client address: '2001:db8:0:0:0:0:0:7' is not valid: an address of the VIP's family (IPv4): a packet has " +
            "one family", family.getStatus().getDescription());
        final StatusRuntimeException port = assertThrows(StatusRuntimeException.class,
            () -> client.lookupFlow(flow(70000).build()));
        assertEquals("client_port: '70000' is not valid: a port 0..65535", port.getStatus().getDescription());
    }

    @Test
    void shouldPredictOneFlowPerClientAddressWhenTheServiceHashesFragmentsByAddress()
    {
        assertNotEquals(client.lookupFlow(flow(40000).build()).getFlowHash(), client.lookupFlow(flow(40001).build()).getFlowHash());

        client.updateService(UpdateServiceRequest.newBuilder().setKey(WEB)
            .setSettings(ServiceSettings.newBuilder().setFragments(FragmentPolicy.FRAGMENT_POLICY_L3))
            .setUpdateMask(FieldMask.newBuilder().addPaths("fragments")).build());

        final LookupFlowResponse l3 = client.lookupFlow(flow(40000).build());
        assertTrue(l3.getServiceFound());
        assertEquals(l3.getFlowHash(), client.lookupFlow(flow(40001).build()).getFlowHash(), "the ports are not hashed");
    }

    @Test
    void shouldSayStandaloneForTheHaState()
    {
        assertEquals(HaStateKind.HA_STATE_KIND_STANDALONE, client.getHaState(GetHaStateRequest.getDefaultInstance()).getState());
    }

    @Test
    void shouldApplyAnEditedGetConfigAtomicallyAndOnlyComputeItOnADryRun()
    {
        final String yaml = client.getConfig(GetConfigRequest.getDefaultInstance()).getYaml();
        final String edited = yaml.replace("- { address: \"203.0.113.12\", weight: 2 }",
            "- { address: \"203.0.113.12\", weight: 5 }\n      - { address: \"203.0.113.13\", weight: 1 }");
        final long generation = daemon.dataplane().snapshot().generation();

        final ApplyConfigResponse dry = client.applyConfig(ApplyConfigRequest.newBuilder().setYaml(edited).setDryRun(true).build());
        assertFalse(dry.getApplied());
        assertEquals(generation, daemon.dataplane().snapshot().generation(), "a dry run applies nothing");
        assertEquals(2, dry.getChangesCount(), dry.toString());
        assertEquals(ChangeKind.CHANGE_KIND_CHANGED, dry.getChanges(0).getKind());
        assertEquals("backend 203.0.113.12 of 192.0.2.10:80/tcp", dry.getChanges(0).getSubject());
        assertEquals("weight 2 -> 5", dry.getChanges(0).getDetail());
        assertEquals(ChangeKind.CHANGE_KIND_ADDED, dry.getChanges(1).getKind());

        final ApplyConfigResponse applied = client.applyConfig(ApplyConfigRequest.newBuilder().setYaml(edited).build());
        assertTrue(applied.getApplied());
        assertEquals(generation + 1, applied.getGeneration());
        assertEquals(applied.getGeneration(), daemon.dataplane().snapshot().generation());
        assertEquals(3, daemon.dataplane().snapshot().serviceAt(0).backendCount());
        assertEquals(0, applied.getNotAppliedCount());
        assertFalse(client.applyConfig(ApplyConfigRequest.newBuilder().setYaml(edited).build()).getApplied(), "nothing left to do");
        final String after = client.getConfig(GetConfigRequest.getDefaultInstance()).getYaml();
        assertEquals(edited.substring(edited.indexOf("dataplane:")), after.substring(after.indexOf("dataplane:")),
            "GetConfig says what was applied");
    }

    @Test
    void shouldRefuseABadConfigurationWithEveryProblemAndApplyNothing()
    {
        final String yaml = client.getConfig(GetConfigRequest.getDefaultInstance()).getYaml();
        final long generation = daemon.dataplane().snapshot().generation();

        final StatusRuntimeException ex = assertThrows(StatusRuntimeException.class, () -> client.applyConfig(
            ApplyConfigRequest.newBuilder().setSourceName("edited.yaml").setYaml(yaml.replace("weight: 2 }", "weight: -2 }")
                .replace("mode: dsr", "mode: masquerade")).build()));

        assertEquals(Status.Code.INVALID_ARGUMENT, ex.getStatus().getCode());
        final String description = ex.getStatus().getDescription();
        assertTrue(description.startsWith("2 problem(s) in the configuration; nothing was applied:\nedited.yaml:"), description);
        assertTrue(description.contains(": services[0].mode: 'masquerade' is not valid: one of dsr, ipip, gue, nat"), description);
        assertTrue(description.contains(": services[0].backends[1].weight: '-2' is not valid: an integer 0..65535"), description);
        assertEquals(generation, daemon.dataplane().snapshot().generation());
        assertEquals(yaml.substring(yaml.indexOf("dataplane:")), daemon.model().configYaml().substring(
            daemon.model().configYaml().indexOf("dataplane:")));
    }

    @Test
    void shouldSayWhichSectionsNeedARestartWhenTheAppliedDataplaneDiffers()
    {
        final String yaml = client.getConfig(GetConfigRequest.getDefaultInstance()).getYaml();

        final ApplyConfigResponse applied = client.applyConfig(ApplyConfigRequest.newBuilder()
            .setYaml(yaml.replace("burst: 32", "burst: 64").replace("mtu: 1500", "mtu: 1400")).build());

        assertTrue(applied.getApplied());
        assertEquals(1, applied.getNotAppliedCount());
        assertTrue(applied.getNotApplied(0).startsWith("dataplane: "), applied.getNotApplied(0));
        assertEquals("changed network: mtu 1500 -> 1400", applied.getSummary());
        assertEquals(1400, daemon.dataplane().snapshot().settings().mtu());
    }

    @Test
    void shouldStreamTheGenerationAChangeApplied() throws Exception
    {
        final Context.CancellableContext watch = Context.current().withCancellation();
        try
        {
            final Iterator<Event> events = watch.call(() -> LoadBalancerGrpc.newBlockingStub(
                daemon.connect(InsecureChannelCredentials.create())).withDeadlineAfter(60, TimeUnit.SECONDS)
                .watchEvents(WatchEventsRequest.getDefaultInstance()));
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (daemon.model().events().subscribers() == 0)
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "the watch never subscribed");
                Thread.sleep(10);
            }

            final ChangeResponse change = LoadBalancerGrpc.newBlockingStub(daemon.connect(InsecureChannelCredentials.create()))
                .addBackend(AddBackendRequest.newBuilder().setKey(WEB)
                    .setBackend(BackendConfig.newBuilder().setAddress("203.0.113.14")).build());

            final Event event = events.next();
            assertEquals(change.getGeneration(), event.getGenerationApplied().getGeneration());
            assertEquals("api", event.getGenerationApplied().getOrigin());
            assertEquals("added backend 203.0.113.14 of 192.0.2.10:80/tcp: weight 1", event.getGenerationApplied().getChange());
            assertEquals(change.getSummary(), event.getGenerationApplied().getChange());
        }
        finally
        {
            watch.cancel(null);
        }
    }

    @Test
    void shouldRefuseAWatchOfAnUnknownEventKind()
    {
        final StatusRuntimeException ex = assertThrows(StatusRuntimeException.class, () -> client.watchEvents(
            WatchEventsRequest.newBuilder().addKinds(EventKind.EVENT_KIND_UNSPECIFIED).build()).hasNext());

        assertEquals(Status.Code.INVALID_ARGUMENT, ex.getStatus().getCode());
        assertEquals("kinds: 'EVENT_KIND_UNSPECIFIED' is not valid: one of EVENT_KIND_HEALTH, EVENT_KIND_GENERATION, " +
            "EVENT_KIND_QUORUM, EVENT_KIND_NO_BACKEND, EVENT_KIND_HA", ex.getStatus().getDescription());
        assertEquals(0, daemon.model().events().subscribers());
    }
}
