package io.sluice.controlplane.model;

import java.util.Locale;

import io.sluice.dataplane.service.IpAddress;

/**
 * Where the metrics find each backend's health state and each service's standing (quorum, sorry
 * backend, no backend): the control model implements it from the health-check engine's results.
 * Called on the scrape thread, once per backend or service per scrape, so an implementation must be
 * thread-safe and cheap (a map lookup, no probing).
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
     * Where a service stands.
     *
     * @param upBackends  backends that take new flows: not DOWN, with a weight above 0.
     * @param quorum      the fewest such backends with which the service is up.
     * @param quorumOk    whether {@code upBackends} reaches the quorum.
     * @param sorryActive whether the sorry backend takes the new flows.
     * @param noBackend   whether no backend can take a new flow (they are dropped, reason no-backend).
     */
    record ServiceHealth(int upBackends, int quorum, boolean quorumOk, boolean sorryActive, boolean noBackend)
    {
    }

    /**
     * The health state of one backend of one service.
     *
     * @param service the service.
     * @param backend the backend's address.
     * @return its state; {@link HealthState#UNKNOWN} for a backend the source does not know (never null).
     */
    HealthState state(ServiceKey service, IpAddress backend);

    /**
     * How many health transitions a backend went through.
     *
     * @param service the service.
     * @param backend the backend's address.
     * @return the count since the backend (or its service's checks) came; 0 when unknown.
     */
    default long transitions(final ServiceKey service, final IpAddress backend)
    {
        return 0;
    }

    /**
     * Where a service stands.
     *
     * @param service the service.
     * @return its standing, or null when the source does not know the service.
     */
    default ServiceHealth serviceHealth(final ServiceKey service)
    {
        return null;
    }
}
