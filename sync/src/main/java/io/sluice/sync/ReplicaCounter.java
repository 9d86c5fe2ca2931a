package io.sluice.sync;

/** What {@link ReplicaApplier} counts: flows from peers queued to a worker, or refused by reason, and whether the LBs' Maglev picks agree. */
public enum ReplicaCounter
{
    /** Queued to its worker (or to every worker); for a NAT flow, its forward record. */
    QUEUED,
    /** The flow's service (VIP, port, protocol) is not configured here. */
    SERVICE_UNKNOWN,
    /** The service here has no backend at the flow's backend address. */
    BACKEND_UNKNOWN,
    /** The flow's destination is not the service's VIP and port. */
    NOT_TO_SERVICE,
    /** No worker's command ring had room. */
    COMMAND_RING_FULL,
    /** A new flow of a Maglev service for which this LB's table picks the backend the peer picked. */
    PICK_AGREES,
    /**
     * A new flow of a Maglev service for which this LB's table picks another backend than the peer
     * did: the two LBs' tables differ (different backends, weights or health; least-response-time
     * weights differ by design). The flow keeps the peer's backend.
     */
    PICK_DIFFERS,
    /**
     * The backend's port in the flow is not the one this LB's service sends to
     * ({@code ServiceSpec.targetPort()}): the two LBs configure the service's backend port differently.
     */
    BACKEND_PORT_DIFFERS,
    /** A NAT flow's reverse record (key backend:bport to laddr:lport) queued to the worker that tuple reaches. */
    NAT_REVERSE_QUEUED,
    /** No command ring had room for a NAT flow's reverse record: neither of its records was queued. */
    NAT_REVERSE_RING_FULL,
    /** A NAT flow whose NAT address this LB does not own ({@code ReplicaApplier.NatAddresses}). */
    NAT_ADDRESS_UNKNOWN;

    /** @return whether the count is of flows refused (not queued, and not a Maglev comparison). */
    public boolean isRefusal()
    {
        return this != QUEUED && this != NAT_REVERSE_QUEUED && this != PICK_AGREES && this != PICK_DIFFERS;
    }
}
