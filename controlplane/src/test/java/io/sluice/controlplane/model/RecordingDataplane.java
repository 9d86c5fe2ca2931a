package io.sluice.controlplane.model;

import java.util.ArrayList;
import java.util.List;

import io.sluice.controlplane.stat.StatsSample;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;

/**
 * A {@link DataplaneControl} without DPDK for the model's tests: builds real snapshots with the
 * dataplane's own builder (so its validation runs), records every applied list of specs, and can
 * be told to refuse the next change the way a stuck control thread does.
 */
final class RecordingDataplane implements DataplaneControl
{
    private final NeighbourTable neighbours = new NeighbourTable(4096);
    private final List<List<ServiceSpec>> applied = new ArrayList<>();
    private ServiceSnapshot snapshot;
    private boolean unavailable;

    RecordingDataplane(final DataplaneSettings settings, final List<ServiceSpec> specs)
    {
        snapshot = ServiceSnapshotBuilder.build(settings, specs, neighbours);
    }

    @Override
    public long apply(final DataplaneSettings settings, final List<ServiceSpec> services)
    {
        if (unavailable)
        {
            throw new IllegalStateException("the control thread did not answer within 5 s; the change was not applied");
        }
        snapshot = ServiceSnapshotBuilder.build(snapshot, settings, services, neighbours);
        applied.add(services);
        return snapshot.generation();
    }

    @Override
    public ServiceSnapshot snapshot()
    {
        return snapshot;
    }

    @Override
    public StatsSample stats()
    {
        throw new UnsupportedOperationException("no stats file without a dataplane");
    }

    void unavailable(final boolean refuse)
    {
        unavailable = refuse;
    }

    List<List<ServiceSpec>> applied()
    {
        return applied;
    }
}
