package io.sluice.controlplane.model;

import io.sluice.dataplane.service.IpAddress;

/**
 * Where a 5-tuple goes.
 *
 * @param service          the service it matches, or null when no service has its VIP, port and protocol.
 * @param flowHash         the flow hash (the same on every Sluice for the same 5-tuple).
 * @param maglevSlot       its slot in the service's Maglev table, or -1 without a service.
 * @param scheduledBackend the backend a new flow with this 5-tuple goes to, or null when none can take it.
 * @param flowTable        whether a worker's flow table holds it.
 * @param generation       the generation the prediction was computed from.
 */
public record FlowPrediction(
    ServiceKey service, long flowHash, int maglevSlot, IpAddress scheduledBackend, FlowTableLookup flowTable, long generation)
{
}
