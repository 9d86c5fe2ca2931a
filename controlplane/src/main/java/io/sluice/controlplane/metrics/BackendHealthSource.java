package io.sluice.controlplane.metrics;

import java.util.Locale;

import io.sluice.dataplane.service.IpAddress;

/**
 * Where the metrics find each backend's health state: the control model implements it from the
 * health-check engine's results. Called on the scrape thread, once per backend per scrape, so an
 * implementation must be thread-safe and cheap (a map lookup, no probing).
 */
@FunctionalInterface
public interface BackendHealthSource
{
    /** A source that knows nothing: every backend is {@link HealthState#UNKNOWN}. */
    BackendHealthSource NONE = (service, backend) -> HealthState.UNKNOWN;

    /**
     * A backend's health state as health checking sees it.
     */
    enum HealthState
    {
        /** No result yet, or checks disabled for its service. */
        UNKNOWN,
        /** Passing its checks: it gets new flows. */
        UP,
        /** Failing its checks: out of the Maglev table. */
        DOWN;

        /** @return the {@code state} label value: {@code unknown}, {@code up} or {@code down}. */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The health state of one backend of one service.
     *
     * @param service the service.
     * @param backend the backend's address.
     * @return its state; {@link HealthState#UNKNOWN} for a backend the source does not know (never null).
     */
    HealthState state(ServiceKey service, IpAddress backend);
}
