package io.sluice.controlplane.model;

import java.util.List;

import io.sluice.controlplane.stat.StatsSample;
import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.neighbour.NeighbourEntry;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.worker.Dataplane;

/**
 * The {@link DataplaneControl} of a running {@link Dataplane}: changes go to
 * {@link Dataplane#apply}, counters come from the stats file the dataplane publishes in.
 */
public final class RunningDataplane implements DataplaneControl
{
    private final Dataplane dataplane;

    /**
     * @param dataplane the running dataplane; its owner closes it.
     */
    public RunningDataplane(final Dataplane dataplane)
    {
        this.dataplane = dataplane;
    }

    @Override
    public long apply(final DataplaneSettings settings, final List<ServiceSpec> services)
    {
        return dataplane.apply(settings, services);
    }

    @Override
    public ServiceSnapshot snapshot()
    {
        return dataplane.snapshot();
    }

    @Override
    public FlowTableLookup lookupFlow(final FlowKey key, final long hash)
    {
        try
        {
            final Dataplane.FlowLocation found = dataplane.lookupFlow(key);
            return found == null ? FlowTableLookup.NOT_FOUND : FlowTableLookup.found(found.worker(), found.backend());
        }
        catch (final IllegalStateException ex)
        {
            return FlowTableLookup.UNAVAILABLE;
        }
    }

    @Override
    public List<NeighbourEntry> neighbours()
    {
        return dataplane.neighbourEntries();
    }

    @Override
    public StatsSample stats()
    {
        return StatsSample.read(dataplane.stats());
    }
}
