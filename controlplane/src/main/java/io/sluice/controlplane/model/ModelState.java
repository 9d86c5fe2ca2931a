package io.sluice.controlplane.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ServiceSpec;

/**
 * The {@link ControlModel}'s immutable state: what is desired (configuration, health, latencies) and
 * what runs (the effective form last applied, the settings and specs the dataplane has, its generation).
 * The two differ only while an apply after a health change has failed: the next change applies both.
 *
 * @param config          the desired configuration.
 * @param health          what the checks said of each backend (and sorry backend) of the services with checks on.
 * @param latencies       the latencies the weights of least-response-time services were last computed from, ns.
 * @param effective       the form in force: weights and conditions the workers run.
 * @param appliedSettings the settings the dataplane runs.
 * @param appliedSpecs    the specs the dataplane runs.
 * @param generation      the generation the dataplane runs.
 * @param pending         whether the dataplane runs something else than the desired configuration and health
 *                        give: a health change whose apply failed, kept for the next change or retry.
 */
record ModelState(
    SluiceConfig config, Map<BackendRef, BackendStatus> health, Map<BackendRef, Long> latencies, EffectiveSpecs effective,
    DataplaneSettings appliedSettings, List<ServiceSpec> appliedSpecs, long generation, boolean pending)
{
    /**
     * This state with other health that changes nothing the dataplane runs (no backend changed state),
     * the rest as it is.
     */
    ModelState withHealth(final Map<BackendRef, BackendStatus> nextHealth)
    {
        return new ModelState(config, Map.copyOf(nextHealth), latencies, effective, appliedSettings, appliedSpecs, generation,
            pending);
    }

    /**
     * This state with health whose apply failed: {@link #pending()} until a change or a retry applies it.
     */
    ModelState withUnappliedHealth(final Map<BackendRef, BackendStatus> nextHealth)
    {
        return new ModelState(config, Map.copyOf(nextHealth), latencies, effective, appliedSettings, appliedSpecs, generation,
            true);
    }

    /**
     * The values of the backends (sorry backends included) that a configuration still has, of its
     * services with health checks on: what a change keeps of the health and latencies.
     */
    static <V> Map<BackendRef, V> prune(final Map<BackendRef, V> values, final SluiceConfig next)
    {
        final Map<BackendRef, V> kept = new HashMap<>();
        for (final ServiceSection service : next.services())
        {
            if (service.healthCheck().kind() == HealthCheckKind.NONE)
            {
                continue;
            }
            final ServiceKey key = ServiceKey.of(service);
            for (final ServiceSection.BackendEntry backend : service.backends())
            {
                keep(values, kept, new BackendRef(key, backend.address()));
            }
            if (service.sorry() != null)
            {
                keep(values, kept, new BackendRef(key, service.sorry()));
            }
        }
        return Map.copyOf(kept);
    }

    private static <V> void keep(final Map<BackendRef, V> values, final Map<BackendRef, V> kept, final BackendRef ref)
    {
        final V value = values.get(ref);
        if (value != null)
        {
            kept.put(ref, value);
        }
    }
}
