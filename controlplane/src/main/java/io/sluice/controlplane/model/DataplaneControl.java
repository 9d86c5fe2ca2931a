package io.sluice.controlplane.model;

import java.util.List;

import io.sluice.controlplane.stat.StatsSample;
import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.neighbour.NeighbourEntry;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.worker.Dataplane;

/**
 * What the {@link ControlModel} needs of a running dataplane: the model is its only caller, so
 * every change to the forwarding configuration, whether from the configuration file or the API,
 * goes through the model's validation and bookkeeping. {@link RunningDataplane} is the one over a
 * real {@link Dataplane}.
 */
public interface DataplaneControl
{
    /**
     * Replaces the settings and services atomically and returns once every worker runs them.
     *
     * @param settings the settings.
     * @param services every service, in the dataplane's form.
     * @return the generation every worker runs now.
     * @throws IllegalArgumentException                  when the dataplane refuses the configuration; nothing changed.
     * @throws Dataplane.GenerationNotConfirmedException when it is published but a worker did not confirm it in time.
     * @throws IllegalStateException                     when the dataplane did not take the change; nothing changed.
     */
    long apply(DataplaneSettings settings, List<ServiceSpec> services);

    /**
     * The snapshot in force: services, backends with their stable ids, Maglev tables.
     *
     * @return the snapshot the workers run (or are about to).
     */
    ServiceSnapshot snapshot();

    /**
     * The counters of the dataplane, read from its stats file.
     *
     * @return a sample of every counter.
     */
    StatsSample stats();

    /**
     * Whether a worker's flow table holds a flow. The default is the answer of a dataplane that
     * cannot look into its workers' tables (they belong to the workers' threads).
     *
     * @param key  the flow's 5-tuple.
     * @param hash {@code key.hash()}.
     * @return where the flow is pinned, or that it is not known.
     */
    default FlowTableLookup lookupFlow(final FlowKey key, final long hash)
    {
        return FlowTableLookup.UNAVAILABLE;
    }

    /**
     * The entries of the neighbour table as the dataplane's control thread sees them. The default
     * is the answer of a dataplane without one.
     *
     * @return the entries, in table order.
     */
    default List<NeighbourEntry> neighbours()
    {
        return List.of();
    }
}
