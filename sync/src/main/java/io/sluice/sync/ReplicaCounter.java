package io.sluice.sync;

/** What {@link ReplicaApplier} counts: flows from peers queued to a worker, or refused by reason, and whether the LBs' Maglev picks agree. */
public enum ReplicaCounter
{
    /** Queued to its worker (or to every worker). */
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
    PICK_DIFFERS
}
