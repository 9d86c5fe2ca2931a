package io.sluice.controlplane.model;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * What the control model does with the health checks' results beyond a single transition: a failed
 * apply kept and applied later, a sorry backend that is DOWN itself, least-response-time weights
 * applied only on significant moves, the latency of every change, the listeners of configurations,
 * and what it tells the metrics.
 */
class HealthModelTest
{
    private static final Path FILE = Path.of("/etc/sluice/health.yaml");
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
          - vip: 192.0.2.20
            port: 80
            mode: dsr
            scheduler: least-response-time
            healthCheck: { kind: http }
            backends:
              - { address: 203.0.113.21, weight: 1 }
              - { address: 203.0.113.22, weight: 1 }
        """;
    private static final ServiceKey WEB = new ServiceKey(IpAddress.parse("192.0.2.10"), 80, ServiceKey.TCP);
    private static final ServiceKey LRT = new ServiceKey(IpAddress.parse("192.0.2.20"), 80, ServiceKey.TCP);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final long MS = 1_000_000L;

    private final EventBus events = new EventBus(CLOCK);
    private final EventSubscription watch = events.subscribe(64);
    private final SluiceConfig config = load(CONFIG);
    private final RecordingDataplane dataplane = new RecordingDataplane(config.settings(), ControlModel.initialSpecs(config));
    private final ControlModel model = new ControlModel(config, dataplane, events, CLOCK);

    private static SluiceConfig load(final String text)
    {
        try
        {
            return ConfigLoader.parse(FILE, text);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static IpAddress ip(final String text)
    {
        return IpAddress.parse(text);
    }

    private List<Integer> weights(final int service)
    {
        final List<Integer> weights = new ArrayList<>();
        for (final ServiceSpec.BackendSpec backend : dataplane.snapshot().serviceAt(service).spec().backends())
        {
            weights.add(backend.weight());
        }
        return weights;
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

    private void down(final String backend)
    {
        model.onHealthChange(WEB.name(), ip(backend), BackendHealth.DOWN, "connect refused", MS);
    }

    @Test
    void shouldKeepAHealthChangeTheDataplaneRefusedAndApplyItWithTheNextTransition()
    {
        dataplane.unavailable(true);
        down("203.0.113.12");

        assertEquals(List.of(new ControlEvent.HealthChanged(WEB, ip("203.0.113.12"), BackendHealth.UNKNOWN, BackendHealth.DOWN,
            "connect refused", MS)), drained(), "the transition is published, no generation");
        assertEquals(BackendHealth.DOWN, model.health(new BackendRef(WEB, ip("203.0.113.12"))).health(), "the model keeps it");
        assertEquals(3, model.service(WEB).backends().get(1).effectiveWeight(), "what runs is what the workers run");
        assertEquals(List.of(1, 3, 1, 0), weights(0));

        dataplane.unavailable(false);
        down("203.0.113.13");

        assertEquals(List.of(0, 0, 0, 1), weights(0), "both DOWN: below quorum 2, the sorry backend takes new flows");
        final List<ControlEvent.Detail> details = drained();
        assertEquals(new ControlEvent.QuorumChanged(WEB, true, 1, 2, true), details.get(2), details.toString());
        assertEquals(0, model.service(WEB).backends().get(1).effectiveWeight());
    }

    @Test
    void shouldReapplyAPendingHealthChangeWhenAskedAndOnlyThen()
    {
        dataplane.unavailable(true);
        down("203.0.113.12");
        assertFalse(model.reapplyIfPending(), "still unavailable");
        dataplane.unavailable(false);

        assertTrue(model.reapplyIfPending());
        assertFalse(model.reapplyIfPending(), "nothing pending any more");
        assertEquals(List.of(1, 0, 1, 0), weights(0));
    }

    @Test
    void shouldHaveNothingPendingWhileMasterOfAVirtualAddress()
    {
        final SluiceConfig vrrp = load(CONFIG + """
            vrrp:
              routers:
                - { name: v4, vrid: 51, addresses: [192.0.2.10] }
            """);
        final RecordingDataplane recording = new RecordingDataplane(vrrp.settings(), ControlModel.initialSpecs(vrrp));
        final ControlModel master = new ControlModel(vrrp, recording, events, CLOCK);
        master.onVirtualRoles(Set.of(ip("192.0.2.10")), "v4 MASTER");
        final int applies = recording.applied().size();

        assertFalse(master.reapplyIfPending(), "the roles are in force: nothing to reapply");
        assertEquals(applies, recording.applied().size(), "and nothing applied again");
    }

    @Test
    void shouldNotSendNewFlowsToASorryBackendThatIsDownItself()
    {
        model.onHealthChange(WEB.name(), ip("203.0.113.99"), BackendHealth.DOWN, "connect refused", MS);
        down("203.0.113.11");
        down("203.0.113.12");

        assertEquals(List.of(0, 0, 1, 0), weights(0), "below quorum, sorry backend DOWN: the serving backend keeps them");
        assertFalse(model.service(WEB).condition().sorryActive());
        assertTrue(model.service(WEB).condition().belowQuorum());

        model.onHealthChange(WEB.name(), ip("203.0.113.99"), BackendHealth.UP, "connected", MS);

        assertEquals(List.of(0, 0, 0, 1), weights(0));
        assertEquals(BackendHealth.UP, model.health(new BackendRef(WEB, ip("203.0.113.99"))).health());
    }

    @Test
    void shouldApplyResponseTimeWeightsOnlyWhenOneMovesByMoreThanTenPercent()
    {
        final BackendRef fast = new BackendRef(LRT, ip("203.0.113.21"));
        final BackendRef slow = new BackendRef(LRT, ip("203.0.113.22"));
        assertEquals(List.of(100, 100), weights(1), "no latency yet");

        assertTrue(model.onResponseTimes(Map.of(fast, MS, slow, 4 * MS)));
        assertEquals(List.of(100, 25), weights(1));
        final int applied = dataplane.applied().size();
        drained();

        assertFalse(model.onResponseTimes(Map.of(fast, MS, slow, 4_200_000L)), "25 -> 24 is 4%");
        assertEquals(applied, dataplane.applied().size());
        assertEquals(List.of(), drained());

        assertTrue(model.onResponseTimes(Map.of(fast, MS, slow, 2 * MS)));
        assertEquals(List.of(100, 50), weights(1));
        assertEquals(List.of(new ControlEvent.GenerationApplied(model.generation(),
            "least-response-time: backend 203.0.113.22 of 192.0.2.20:80/tcp: weight 25 -> 50", ControlModel.ORIGIN_HEALTH)),
            drained());
        assertEquals(50, model.service(LRT).backends().get(1).effectiveWeight());
    }

    @Test
    void shouldWeightByTheLatenciesLastAppliedWhenAHealthTransitionRecomputes()
    {
        final BackendRef fast = new BackendRef(LRT, ip("203.0.113.21"));
        final BackendRef slow = new BackendRef(LRT, ip("203.0.113.22"));
        model.onResponseTimes(Map.of(fast, MS, slow, 4 * MS));

        model.onHealthChange(LRT.name(), ip("203.0.113.21"), BackendHealth.DOWN, "HTTP 503, expected 200", MS);

        assertEquals(List.of(0, 100), weights(1), "the slow one is the fastest of those that serve");
        model.onHealthChange(LRT.name(), ip("203.0.113.21"), BackendHealth.UP, "HTTP 200", MS);
        assertEquals(List.of(100, 25), weights(1));
    }

    @Test
    void shouldTimeEveryChangeThatReturnsUnderItsOperation() throws Exception
    {
        model.setWeight(WEB, ip("203.0.113.11"), 2);
        model.drain(WEB, ip("203.0.113.11"));
        model.addBackend(WEB, new ServiceSection.BackendEntry(ip("203.0.113.14"), 1));
        model.removeBackend(WEB, ip("203.0.113.14"));
        model.setHealthPolicy(WEB, HealthPolicy.defaults(HealthCheckKind.HTTP));
        model.updateService(WEB, service -> service.withBackends(service.backends()));
        model.removeService(LRT);
        model.addService(config.services().get(1));
        model.applyConfig(config, false, ControlModel.ORIGIN_APPLY);
        model.applyConfig(config, false, ControlModel.ORIGIN_RELOAD);
        model.applyConfig(load(CONFIG.replace("weight: 3", "weight: 4")), true, ControlModel.ORIGIN_APPLY);
        down("203.0.113.12");
        model.onHealthChange(WEB.name(), ip("203.0.113.12"), BackendHealth.DOWN, "connect refused", MS);
        assertThrows(ChangeRejectedException.class, () -> model.setWeight(WEB, ip("203.0.113.77"), 2));

        final List<String> operations = new ArrayList<>();
        for (final ControlLatency.OperationLatency latency : model.controlLatency().snapshot())
        {
            operations.add(latency.operation() + " " + latency.count());
        }
        assertEquals(List.of("add-backend 1", "add-service 1", "apply-config 1", "drain 1", "health 1", "reload 1",
            "remove-backend 1", "remove-service 1", "set-health-policy 1", "set-weight 1", "update-service 1"), operations,
            "a dry run, a repeated health state and a refused change are not timed");
    }

    @Test
    void shouldTellListenersOfEachNewConfigurationAndNotOfHealthOrSameConfigurations()
    {
        final List<SluiceConfig> told = new ArrayList<>();
        model.addConfigListener(told::add);

        model.setWeight(WEB, ip("203.0.113.11"), 2);
        model.setWeight(WEB, ip("203.0.113.11"), 2);
        down("203.0.113.12");
        model.addConfigListener(next ->
        {
            throw new IllegalStateException("a listener that fails");
        });
        model.setWeight(WEB, ip("203.0.113.11"), 5);

        assertEquals(List.of(2, 5), told.stream().map(c -> c.services().getFirst().backends().getFirst().weight()).toList());
        assertEquals(5, model.config().services().getFirst().backends().getFirst().weight(), "a failing listener undoes nothing");
    }

    @Test
    void shouldTellTheMetricsEachBackendsStateTransitionsAndEachServicesStanding()
    {
        down("203.0.113.11");
        model.onHealthChange(WEB.name(), ip("203.0.113.12"), BackendHealth.UP, "connected", MS);
        model.onHealthChange(WEB.name(), ip("203.0.113.12"), BackendHealth.DOWN, "connect refused", MS);

        assertEquals(BackendHealthSource.HealthState.DOWN, model.state(WEB, ip("203.0.113.11")));
        assertEquals(BackendHealthSource.HealthState.UNKNOWN, model.state(WEB, ip("203.0.113.13")));
        assertEquals(2, model.transitions(WEB, ip("203.0.113.12")));
        assertEquals(0, model.transitions(WEB, ip("203.0.113.13")));
        assertEquals(new BackendHealthSource.ServiceHealth(1, 2, false, true, false), model.serviceHealth(WEB));
        assertEquals(new BackendHealthSource.ServiceHealth(2, 1, true, false, false), model.serviceHealth(LRT));
        assertNull(model.serviceHealth(new ServiceKey(ip("192.0.2.99"), 80, ServiceKey.TCP)));
    }
}
