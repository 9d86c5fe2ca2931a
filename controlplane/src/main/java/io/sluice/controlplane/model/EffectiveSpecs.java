package io.sluice.controlplane.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sluice.controlplane.config.Scheduler;
import io.sluice.controlplane.config.ServiceFlag;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;

/**
 * The dataplane's form of the desired configuration, given the health of the backends and, for
 * {@code least-response-time} services, their measured latencies: what the workers actually run.
 * Per service:
 * <ul>
 *   <li>a backend that is DOWN gets weight 0 (no new flows; its established flows stay pinned);</li>
 *   <li>a drained backend (configured weight 0) keeps weight 0;</li>
 *   <li>a {@code least-response-time} service weights its other backends by latency
 *       ({@link ResponseTimeWeights}); every other service uses the configured weights;</li>
 *   <li>a service whose serving backends (not DOWN, weight above 0) are fewer than its quorum is
 *       below quorum: with a sorry backend that is not DOWN itself, every backend gets weight 0 and
 *       the sorry backend weight 1, so only it takes new flows; otherwise the serving backends keep
 *       them (and with none, new flows are dropped with the reason no-backend);</li>
 *   <li>the sorry backend is always in the spec (weight 0 while it is not needed), so its next hop
 *       is resolved before it is.</li>
 * </ul>
 *
 * @param specs      one spec per service, in configuration order.
 * @param conditions where each service stands.
 * @param weights    the weight in force of each backend (the sorry backend not included).
 */
public record EffectiveSpecs(
    List<ServiceSpec> specs, Map<ServiceKey, ServiceCondition> conditions, Map<BackendRef, Integer> weights)
{
    /**
     * Copies the collections.
     */
    public EffectiveSpecs
    {
        specs = List.copyOf(specs);
        conditions = Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
        weights = Map.copyOf(weights);
    }

    /**
     * Computes the form in force without latencies (every backend as fast as the fastest).
     *
     * @param config the desired configuration.
     * @param health the health of the backends; a backend absent from it is UNKNOWN (counts as up).
     * @return the specs and conditions.
     */
    public static EffectiveSpecs of(final SluiceConfig config, final Map<BackendRef, BackendStatus> health)
    {
        return of(config, health, Map.of());
    }

    /**
     * Computes the form in force.
     *
     * @param config    the desired configuration.
     * @param health    the health of the backends; a backend absent from it is UNKNOWN (counts as up).
     * @param latencies the latency of the backends of {@code least-response-time} services, in ns; a backend
     *                  absent from it counts as as fast as the fastest.
     * @return the specs and conditions.
     */
    public static EffectiveSpecs of(
        final SluiceConfig config, final Map<BackendRef, BackendStatus> health, final Map<BackendRef, Long> latencies)
    {
        final List<ServiceSpec> specs = new ArrayList<>(config.services().size());
        final Map<ServiceKey, ServiceCondition> conditions = new LinkedHashMap<>();
        final Map<BackendRef, Integer> weights = new HashMap<>();
        for (final ServiceSection service : config.services())
        {
            final ServiceKey key = ServiceKey.of(service);
            int serving = 0;
            for (final ServiceSection.BackendEntry backend : service.backends())
            {
                if (backend.weight() > 0 && healthOf(health, key, backend.address()).countsAsUp())
                {
                    serving++;
                }
            }
            final boolean belowQuorum = serving < service.quorum();
            final boolean sorryActive = belowQuorum && service.sorry() != null &&
                healthOf(health, key, service.sorry()).countsAsUp();
            final List<ServiceSpec.BackendSpec> backends = new ArrayList<>(service.backends().size() + 1);
            final Map<IpAddress, Integer> inForce = sorryActive ? Map.of() : weightsOfServing(service, key, health, latencies);
            for (final ServiceSection.BackendEntry backend : service.backends())
            {
                final int weight = inForce.getOrDefault(backend.address(), 0);
                final boolean up = healthOf(health, key, backend.address()).countsAsUp();
                weights.put(new BackendRef(key, backend.address()), weight);
                backends.add(new ServiceSpec.BackendSpec(backend.address(), weight,
                    !up && service.flags().contains(ServiceFlag.RESET_ON_DOWN)));
            }
            if (service.sorry() != null)
            {
                backends.add(new ServiceSpec.BackendSpec(service.sorry(), sorryActive ? 1 : 0));
            }
            specs.add(toDataplane(service, backends));
            conditions.put(key, new ServiceCondition(serving, belowQuorum, sorryActive, !sorryActive && serving == 0));
        }
        return new EffectiveSpecs(specs, conditions, weights);
    }

    /**
     * The weights of the backends that are not DOWN: configured, or by latency for least-response-time.
     */
    private static Map<IpAddress, Integer> weightsOfServing(
        final ServiceSection service, final ServiceKey key, final Map<BackendRef, BackendStatus> health,
        final Map<BackendRef, Long> latencies)
    {
        final boolean byLatency = service.scheduler() == Scheduler.LEAST_RESPONSE_TIME;
        long fastestNs = 0;
        int maxConfigured = 0;
        for (final ServiceSection.BackendEntry backend : service.backends())
        {
            final long latencyNs = latencies.getOrDefault(new BackendRef(key, backend.address()), 0L);
            if (backend.weight() > 0 && latencyNs > 0 && healthOf(health, key, backend.address()).countsAsUp())
            {
                fastestNs = fastestNs == 0 ? latencyNs : Math.min(fastestNs, latencyNs);
            }
            maxConfigured = Math.max(maxConfigured, backend.weight());
        }
        final int scale = ResponseTimeWeights.scale(maxConfigured);
        final Map<IpAddress, Integer> weights = new HashMap<>();
        for (final ServiceSection.BackendEntry backend : service.backends())
        {
            if (!healthOf(health, key, backend.address()).countsAsUp())
            {
                continue;
            }
            final long latencyNs = latencies.getOrDefault(new BackendRef(key, backend.address()), 0L);
            weights.put(backend.address(), byLatency ?
                ResponseTimeWeights.weight(backend.weight(), scale, fastestNs, latencyNs) : backend.weight());
        }
        return weights;
    }

    private static BackendHealth healthOf(
        final Map<BackendRef, BackendStatus> health, final ServiceKey key, final IpAddress address)
    {
        final BackendStatus status = health.get(new BackendRef(key, address));
        return status == null ? BackendHealth.UNKNOWN : status.health();
    }

    /**
     * The one mapping of a service's model form to the dataplane's: everything the dataplane knows
     * of a service is decided here.
     * <ul>
     *   <li>{@code maglev}: Maglev over the 5-tuple with every backend that takes new flows counted
     *       once (weight 1); {@code weighted-maglev}: the same with the weights in force;</li>
     *   <li>{@code source-hash}: weighted Maglev over the client address;</li>
     *   <li>{@code least-conn}: weighted least connections; {@code weighted-round-robin}: smooth
     *       weighted round robin;</li>
     *   <li>{@code least-response-time}: weighted least connections over the weights in force,
     *       which the model scales by measured health-check latency;</li>
     *   <li>{@code reset-on-down} was applied to the backends by the caller; {@code ops} becomes
     *       one-packet scheduling;</li>
     *   <li>the backend port and the fragment policy go through as configured.</li>
     * </ul>
     *
     * @param service  the service as configured.
     * @param backends its backends with their weights in force.
     * @return the spec.
     */
    static ServiceSpec toDataplane(final ServiceSection service, final List<ServiceSpec.BackendSpec> backends)
    {
        final io.sluice.dataplane.service.Scheduler scheduler;
        List<ServiceSpec.BackendSpec> inForce = backends;
        switch (service.scheduler())
        {
            case MAGLEV ->
            {
                scheduler = io.sluice.dataplane.service.Scheduler.MAGLEV;
                inForce = new ArrayList<>(backends.size());
                for (final ServiceSpec.BackendSpec backend : backends)
                {
                    inForce.add(new ServiceSpec.BackendSpec(backend.address(), backend.weight() > 0 ? 1 : 0, backend.resetFlows()));
                }
            }
            case WEIGHTED_MAGLEV -> scheduler = io.sluice.dataplane.service.Scheduler.MAGLEV;
            case SOURCE_HASH -> scheduler = io.sluice.dataplane.service.Scheduler.SOURCE_HASH;
            case LEAST_CONN, LEAST_RESPONSE_TIME -> scheduler = io.sluice.dataplane.service.Scheduler.LEAST_CONNECTIONS;
            case WEIGHTED_ROUND_ROBIN -> scheduler = io.sluice.dataplane.service.Scheduler.ROUND_ROBIN;
            default -> throw new IllegalStateException("scheduler " + service.scheduler() + " has no dataplane form");
        }
        return new ServiceSpec(service.vip(), service.port(), service.protocol(), service.mode(), inForce,
            service.maglevSize(), service.tcpIdleNs(), service.udpIdleNs(), scheduler,
            service.flags().contains(ServiceFlag.OPS)).withTranslation(service.backendPort(), service.fragments())
            .withRewrite(service.rewrite());
    }
}
