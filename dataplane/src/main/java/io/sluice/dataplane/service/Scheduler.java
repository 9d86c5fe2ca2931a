package io.sluice.dataplane.service;

/**
 * How a service picks the backend of a new flow. Every scheduler uses the backends' weights as the
 * {@link ServiceSpec} gives them (the control plane decides them: an unweighted Maglev service
 * gets weight 1 for every backend that takes flows, least response time gets weights scaled by
 * measured latency); a backend of weight 0 gets no new flows. Once picked, a flow stays on its
 * backend through the flow table.
 * <p>
 * The hash schedulers pick the same backend for a flow on every worker and on every LB with the
 * same backends, so they keep flows across a failover without connection sync; the stateful
 * schedulers depend on each worker's own counts and need the connection-table sync for that.
 * When a flow cannot be stored (its bucket is full of fresh flows), a stateful scheduler falls
 * back to Maglev for that packet, so that the packets of an unstored flow agree with each other.
 */
public enum Scheduler
{
    /** Maglev consistent hashing over the 5-tuple (weighted by the spec's weights). */
    MAGLEV,
    /** Maglev consistent hashing over the client address only: a client sticks to one backend. */
    SOURCE_HASH,
    /**
     * Weighted least connections, per worker: the backend with the fewest flows in this worker's
     * flow table per unit of weight. Costs one pass over the service's backends per new flow.
     */
    LEAST_CONNECTIONS,
    /**
     * Smooth weighted round robin, per worker: over any window each backend gets new flows in
     * proportion to its weight, interleaved. Costs one pass over the service's backends per new flow.
     */
    ROUND_ROBIN;

    /** @return true when the scheduler keeps per-worker state (least connections, round robin). */
    public boolean isStateful()
    {
        return this == LEAST_CONNECTIONS || this == ROUND_ROBIN;
    }
}
