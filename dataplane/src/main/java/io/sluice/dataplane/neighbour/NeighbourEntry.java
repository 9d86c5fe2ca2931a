package io.sluice.dataplane.neighbour;

import io.sluice.dataplane.service.IpAddress;

/**
 * One neighbour-table entry as the control thread saw it at one moment: what an operator lists.
 *
 * @param address         the next hop.
 * @param state           incomplete, reachable, probe, stale or static (see {@link NeighbourTable#state}).
 * @param mac             the MAC in the low 48 bits, or {@link NeighbourTable#UNRESOLVED}.
 * @param retired         true when no configuration in force uses it (its slot is held for older ones).
 * @param unresolvedForNs how long it has been incomplete or stale, 0 otherwise.
 * @param attempts        requests sent in its current state (counting again from 0 when it turns stale).
 */
public record NeighbourEntry(
    IpAddress address, String state, long mac, boolean retired, long unresolvedForNs, int attempts)
{
}
