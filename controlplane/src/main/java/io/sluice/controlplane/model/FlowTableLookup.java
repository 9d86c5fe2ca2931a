package io.sluice.controlplane.model;

import io.sluice.dataplane.service.IpAddress;

/**
 * Whether a worker's flow table holds a flow, and where the flow is pinned.
 *
 * @param state   found, not found, or not known.
 * @param worker  {@link State#FOUND}: the worker whose table holds the flow, else -1.
 * @param backend {@link State#FOUND}: the backend the flow is pinned to, else null.
 */
public record FlowTableLookup(State state, int worker, IpAddress backend)
{
    /** The answer of a dataplane that cannot look into its workers' flow tables. */
    public static final FlowTableLookup UNAVAILABLE = new FlowTableLookup(State.UNAVAILABLE, -1, null);
    /** No worker's table holds the flow. */
    public static final FlowTableLookup NOT_FOUND = new FlowTableLookup(State.NOT_FOUND, -1, null);

    /**
     * What a lookup found.
     */
    public enum State
    {
        /** The dataplane cannot look into its workers' flow tables. */
        UNAVAILABLE,
        /** A worker's table holds the flow. */
        FOUND,
        /** No worker's table holds the flow. */
        NOT_FOUND
    }

    /**
     * A flow found in a worker's table.
     *
     * @param worker  the worker.
     * @param backend the backend it is pinned to.
     * @return the answer.
     */
    public static FlowTableLookup found(final int worker, final IpAddress backend)
    {
        return new FlowTableLookup(State.FOUND, worker, backend);
    }
}
