package io.sluice.controlplane.api;

import io.sluice.controlplane.api.v1.GetNeighboursResponse;
import io.sluice.controlplane.api.v1.Neighbour;
import io.sluice.controlplane.model.ControlModel;
import io.sluice.dataplane.neighbour.NeighbourEntry;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dpdk.MacAddress;

/**
 * The {@code GetNeighbours} reply: the neighbour counters of the stats file and the entries of the
 * dataplane's neighbour table.
 */
final class NeighbourReplies
{
    private NeighbourReplies()
    {
    }

    /**
     * Reads the neighbour table.
     *
     * @param model          the model.
     * @param unresolvedOnly only the entries without a confirmed MAC (incomplete or stale).
     * @return the reply.
     */
    static GetNeighboursResponse neighbours(final ControlModel model, final boolean unresolvedOnly)
    {
        final GetNeighboursResponse.Builder response = GetNeighboursResponse.newBuilder()
            .putAllCounts(model.stats().neighbours());
        for (final NeighbourEntry entry : model.neighbours())
        {
            final boolean unresolved = "incomplete".equals(entry.state()) || "stale".equals(entry.state());
            if (unresolvedOnly && (!unresolved || entry.retired()))
            {
                continue;
            }
            final Neighbour.Builder neighbour = Neighbour.newBuilder().setAddress(ProtoReplies.address(entry.address()))
                .setState(entry.state()).setRetired(entry.retired()).setAttempts(entry.attempts());
            if (entry.mac() != NeighbourTable.UNRESOLVED)
            {
                neighbour.setMac(new MacAddress(entry.mac()).toString());
            }
            if (entry.unresolvedForNs() > 0)
            {
                neighbour.setUnresolvedFor(ProtoReplies.duration(entry.unresolvedForNs()));
            }
            response.addNeighbours(neighbour);
        }
        return response.build();
    }
}
