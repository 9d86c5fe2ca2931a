package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ServiceSpec;

/**
 * A validated configuration file, as {@link ConfigLoader} reads it. Every value in it has been
 * checked, including by the dataplane's own validation, so starting from it fails only for
 * reasons outside the file (hugepages, the device, the lock).
 *
 * @param source    the file it was read from.
 * @param dataplane the {@code dataplane:} section (a change needs a restart).
 * @param network   the {@code network:} section.
 * @param timeouts  the {@code timeouts:} section.
 * @param services  the {@code services:} list.
 * @param statsFile where the daemon publishes its counters.
 */
public record SluiceConfig(
    Path source, DataplaneSection dataplane, NetworkSection network, TimeoutSection timeouts, List<ServiceSection> services,
    Path statsFile)
{
    /**
     * Copies the service list.
     */
    public SluiceConfig
    {
        services = List.copyOf(services);
    }

    /**
     * The dataplane settings: network section and global timeouts.
     *
     * @return the settings {@code Dataplane.apply} takes.
     */
    public DataplaneSettings settings()
    {
        return network.toSettings(timeouts);
    }

    /**
     * The services in the dataplane's form.
     *
     * @return one spec per entry of {@link #services()}, in file order.
     */
    public List<ServiceSpec> serviceSpecs()
    {
        final List<ServiceSpec> specs = new ArrayList<>(services.size());
        for (final ServiceSection service : services)
        {
            specs.add(service.toSpec());
        }
        return specs;
    }

    /**
     * Whether another configuration can be applied to a daemon running this one without a restart:
     * the {@code dataplane:} section and the stats file are the same.
     *
     * @param next the configuration to apply.
     * @return true when only network, timeouts and services differ.
     */
    public boolean canReloadTo(final SluiceConfig next)
    {
        return dataplane.equals(next.dataplane) && statsFile.equals(next.statsFile);
    }
}
