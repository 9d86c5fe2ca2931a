package io.sluice.controlplane.model;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control model's bookkeeping over a dataplane without DPDK: the weights in force for health,
 * drain, quorum and the sorry backend; the events each change publishes; a failed change leaving
 * everything as it was; a reload replacing the model and saying what needs a restart.
 */
class ControlModelTest
{
    private static final Path FILE = Path.of("/etc/sluice/model.yaml");
    private static final String CONFIG = """
        dataplane: { device: net_null0, workers: 1 }
        network: { addresses: [203.0.113.2] }
        services:
          - vip: 192.0.2.10
            port: 80
            mode: dsr
            quorum: 2
            sorry: 203.0.113.99
            healthCheck: { kind: tcp }
            backends:
              - { address: 203.0.113.11, weight: 1 }
              - { address: 203.0.113.12, weight: 3 }
              - { address: 203.0.113.13, weight: 1 }
        """;
    private static final ServiceKey WEB = new ServiceKey(IpAddress.parse("192.0.2.10"), 80, ServiceKey.TCP);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final EventBus events = new EventBus(CLOCK);
    private final EventSubscription watch = events.subscribe(64);

    private static IpAddress ip(final String text)
    {
        return IpAddress.parse(text);
    }

    private ControlModel model(final RecordingDataplane dataplane, final SluiceConfig config)
    {
        return new ControlModel(config, dataplane, events, CLOCK);
    }

    private static RecordingDataplane dataplaneFor(final SluiceConfig config)
    {
        return new RecordingDataplane(config.settings(), ControlModel.initialSpecs(config));
    }

    private List<ControlEvent.Detail> drained()
    {
        final List<ControlEvent.Detail> details = new ArrayList<>();
        for (EventSubscription.Delivery delivery = watch.poll(); delivery != null; delivery = watch.poll())
        {
            details.add(delivery.event().detail());
        }
        return details;
    }

    private static List<Integer> weights(final ServiceSpec spec)
    {
        final List<Integer> weights = new ArrayList<>();
        for (final ServiceSpec.BackendSpec backend : spec.backends())
        {
            weights.add(backend.weight());
        }
        return weights;
    }

    @Test
    void shouldGiveADownBackendWeightZeroAndTheSorryBackendTheFlowsBelowQuorum() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, CONFIG);
        final RecordingDataplane dataplane = dataplaneFor(config);
        final ControlModel model = model(dataplane, config);
        assertEquals(List.of(1, 3, 1, 0), weights(dataplane.snapshot().serviceAt(0).spec()), "the sorry backend waits at 0");

        model.onHealthChange(WEB.name(), ip("203.0.113.12"), BackendHealth.DOWN, "refused", 2_000_000);
        assertEquals(List.of(1, 0, 1, 0), weights(dataplane.snapshot().serviceAt(0).spec()));
        assertEquals(List.of(new ControlEvent.HealthChanged(WEB, ip("203.0.113.12"), BackendHealth.UNKNOWN, BackendHealth.DOWN,
            "refused", 2_000_000), new ControlEvent.GenerationApplied(2, "backend 203.0.113.12 of 192.0.2.10:80/tcp DOWN", "health")),
            drained());

        model.onHealthChange(WEB.name(), ip("203.0.113.11"), BackendHealth.DOWN, "refused", 2_000_000);
        assertEquals(List.of(0, 0, 0, 1), weights(dataplane.snapshot().serviceAt(0).spec()), "below quorum 2: only the sorry backend");
        final List<ControlEvent.Detail> lost = drained();
        assertEquals(new ControlEvent.QuorumChanged(WEB, true, 1, 2, true), lost.get(2));
        assertTrue(model.service(WEB).condition().sorryActive());
        assertFalse(model.service(WEB).condition().noBackend());

        model.onHealthChange(WEB.name(), ip("203.0.113.11"), BackendHealth.UP, "2 checks passed", 1_000_000);
        assertEquals(List.of(1, 0, 1, 0), weights(dataplane.snapshot().serviceAt(0).spec()));
        assertEquals(new ControlEvent.QuorumChanged(WEB, false, 2, 2, false), drained().get(2));
        assertEquals(BackendHealth.UP, model.health(new BackendRef(WEB, ip("203.0.113.11"))).health());
        assertEquals(CLOCK.instant(), model.health(new BackendRef(WEB, ip("203.0.113.11"))).since());
    }

    @Test
    void shouldSayNoBackendTakesNewFlowsWhenAllAreDownAndThereIsNoSorryBackend() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, CONFIG.replace("    sorry: 203.0.113.99\n", "")
            .replace("quorum: 2", "quorum: 1"));
        final RecordingDataplane dataplane = dataplaneFor(config);
        final ControlModel model = model(dataplane, config);

        for (final String backend : List.of("203.0.113.11", "203.0.113.12", "203.0.113.13"))
        {
            model.onHealthChange(WEB.name(), ip(backend), BackendHealth.DOWN, "", 0);
        }

        assertEquals(List.of(0, 0, 0), weights(dataplane.snapshot().serviceAt(0).spec()));
        final List<ControlEvent.Detail> details = drained();
        assertTrue(details.contains(new ControlEvent.NoBackendChanged(WEB, true)), details.toString());
        assertTrue(details.contains(new ControlEvent.QuorumChanged(WEB, true, 0, 1, false)), details.toString());
        assertTrue(model.service(WEB).condition().noBackend());
    }

    @Test
    void shouldIgnoreHealthResultsOfUnknownBackendsAndServicesWithoutChecks() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, CONFIG.replace("    healthCheck: { kind: tcp }\n", ""));
        final RecordingDataplane dataplane = dataplaneFor(config);
        final ControlModel model = model(dataplane, config);

        model.onHealthChange(WEB.name(), ip("203.0.113.12"), BackendHealth.DOWN, "checks are off", 0);
        model.onHealthChange("192.0.2.99:80/tcp", ip("203.0.113.12"), BackendHealth.DOWN, "no such service", 0);

        assertEquals(List.of(), dataplane.applied());
        assertEquals(List.of(), drained());
        assertEquals(BackendHealth.UNKNOWN, model.health(new BackendRef(WEB, ip("203.0.113.12"))).health());
    }

    @Test
    void shouldKeepEverythingAsItWasWhenTheDataplaneDoesNotTakeTheChange() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, CONFIG);
        final RecordingDataplane dataplane = dataplaneFor(config);
        final ControlModel model = model(dataplane, config);
        dataplane.unavailable(true);

        final ChangeRejectedException ex = assertThrows(ChangeRejectedException.class,
            () -> model.setWeight(WEB, ip("203.0.113.11"), 9));

        assertEquals(ChangeRejectedException.Reason.UNAVAILABLE, ex.reason());
        assertEquals("the dataplane did not take the change: the control thread did not answer within 5 s; the change was not " +
            "applied; nothing changed, try again", ex.getMessage());
        assertEquals(config, model.config());
        assertEquals(1, model.generation());
        assertEquals(List.of(), drained());
    }

    @Test
    void shouldRefuseAnInvalidServiceBeforeTheDataplaneSeesIt() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, CONFIG);
        final ControlModel model = model(dataplaneFor(config), config);
        final ServiceSection twice = model.config().services().getFirst().withBackends(List.of(
            new ServiceSection.BackendEntry(ip("203.0.113.11"), 1), new ServiceSection.BackendEntry(ip("203.0.113.11"), 2)));

        final ChangeRejectedException ex = assertThrows(ChangeRejectedException.class, () -> model.updateService(WEB, s -> twice));

        assertEquals(ChangeRejectedException.Reason.INVALID_ARGUMENT, ex.reason());
        assertEquals("service 192.0.2.10:80/tcp: backend 203.0.113.11 is listed twice", ex.getMessage());
        assertEquals(config, model.config());
    }

    @Test
    void shouldReplaceTheModelOnReloadAndNameTheSectionsThatNeedARestart() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, CONFIG);
        final RecordingDataplane dataplane = dataplaneFor(config);
        final ControlModel model = model(dataplane, config);
        model.setHealthPolicy(WEB, HealthPolicy.defaults(HealthCheckKind.NONE));
        model.onHealthChange(WEB.name(), ip("203.0.113.13"), BackendHealth.DOWN, "", 0);
        final SluiceConfig file = ConfigLoader.parse(FILE, CONFIG.replace("workers: 1", "workers: 2")
            .replace("      - { address: 203.0.113.13, weight: 1 }\n", ""));

        final ApplyResult result = model.applyConfig(file, false, ControlModel.ORIGIN_RELOAD);

        assertTrue(result.applied());
        assertEquals(List.of("dataplane: the device, workers, EAL, pools, flow table and NAT ports are set at start; the running " +
            "ones stay until a restart"), result.notApplied());
        assertEquals(1, model.config().dataplane().workers(), "the running dataplane section stays");
        assertEquals(List.of(1, 3, 0), weights(dataplane.snapshot().serviceAt(0).spec()));
        assertEquals("removed backend 203.0.113.13 of 192.0.2.10:80/tcp", result.changes().get(1).toString());
        assertEquals(HealthCheckKind.TCP, model.config().services().getFirst().healthCheck().kind(), "the file's checks are back");
        assertNull(model.service(WEB).backends().stream().filter(b -> b.address().equals(ip("203.0.113.13"))).findFirst()
            .orElse(null));
    }

    @Test
    void shouldApplyNatAddressesButKeepTheRunningNatPortsWhenReloaded() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, CONFIG);
        final RecordingDataplane dataplane = dataplaneFor(config);
        final ControlModel model = model(dataplane, config);
        final SluiceConfig file = ConfigLoader.parse(FILE, CONFIG
            .replace("workers: 1 }", "workers: 1, natPorts: { first: 20000, last: 29999 } }")
            .replace("addresses: [203.0.113.2] }", "addresses: [203.0.113.2], nat: { addresses: [203.0.113.20, 2001:db8::20] } }"));

        final ApplyResult result = model.applyConfig(file, false, ControlModel.ORIGIN_RELOAD);

        assertTrue(result.applied());
        assertEquals("changed network: nat addresses [] -> [203.0.113.20, 2001:db8::20]", result.changes().getFirst().toString());
        assertEquals(List.of("dataplane: the device, workers, EAL, pools, flow table and NAT ports are set at start; the running " +
            "ones stay until a restart"), result.notApplied());
        assertEquals(List.of(ip("203.0.113.20"), ip("2001:db8::20")), dataplane.snapshot().settings().natAddresses());
        assertEquals(1024, model.config().dataplane().natFirstPort(), "the running ports stay");
        assertEquals(65535, model.config().dataplane().natLastPort(), "the running ports stay");
    }

    @Test
    void shouldRoundTripGetConfigWithoutChangesEvenWhenTheTokenIsInline() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, CONFIG + "api: { listen: \"127.0.0.1:50051\", token: 0123456789abcdef }\n");
        final ControlModel model = model(dataplaneFor(config), config);

        final ApplyResult same = model.applyConfig(ConfigLoader.parse("apply", FILE.getParent(), model.configYaml()), false,
            ControlModel.ORIGIN_APPLY);
        final ApplyResult moved = model.applyConfig(ConfigLoader.parse("apply", FILE.getParent(),
            model.configYaml().replace("50051", "50052")), true, ControlModel.ORIGIN_APPLY);

        assertEquals(List.of(), same.changes());
        assertEquals(List.of(), same.notApplied(), "a text without the inline token is the same API");
        assertFalse(same.applied());
        assertEquals(List.of("api: the API keeps its socket, listen address, TLS and token until a restart"), moved.notApplied());
    }

    @Test
    void shouldSayTheMetricsEndpointNeedsARestartWhenTheAppliedSectionDiffers() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, CONFIG + "metrics: { listen: \"127.0.0.1:9301\" }\n");
        final ControlModel model = model(dataplaneFor(config), config);

        final ApplyResult same = model.applyConfig(ConfigLoader.parse(FILE, model.configYaml()), true, ControlModel.ORIGIN_APPLY);
        final ApplyResult off = model.applyConfig(ConfigLoader.parse(FILE, CONFIG), true, ControlModel.ORIGIN_APPLY);

        assertEquals(List.of(), same.notApplied());
        assertEquals(List.of("metrics: the metrics endpoint keeps its listen address (or stays off) until a restart"),
            off.notApplied());
        assertEquals(config.metrics(), model.config().metrics());
    }
}
