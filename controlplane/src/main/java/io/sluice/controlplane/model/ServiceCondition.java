package io.sluice.controlplane.model;

/**
 * Where a service stands, as the control model computed it for the configuration in force.
 *
 * @param serving     backends that take new flows: not DOWN, with a configured weight above 0.
 * @param belowQuorum true when fewer than the quorum serve: the service is DOWN.
 * @param sorryActive true when the sorry backend takes the new flows.
 * @param noBackend   true when no backend can take a new flow: new flows are dropped (reason no-backend).
 */
public record ServiceCondition(int serving, boolean belowQuorum, boolean sorryActive, boolean noBackend)
{
}
