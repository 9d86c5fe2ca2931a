package io.sluice.sync;

/** What {@link ReplicaApplier} counts: flows from peers queued to a worker, or refused by reason. */
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
    COMMAND_RING_FULL
}
