package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;
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
 * @param api       the {@code api:} section, or null when the daemon runs no API.
 * @param metrics   the {@code metrics:} section, or null when the daemon serves no metrics.
 * @param sync      the {@code sync:} section, or null when this LB replicates no flows.
 * @param vrrp      the {@code vrrp:} section, or null when this LB runs no VRRP.
 */
public record SluiceConfig(
    Path source, DataplaneSection dataplane, NetworkSection network, TimeoutSection timeouts, List<ServiceSection> services,
    Path statsFile, ApiSection api, MetricsSection metrics, SyncSection sync, VrrpSection vrrp)
{
    /**
     * Copies the service list.
     */
    public SluiceConfig
    {
        services = List.copyOf(services);
    }

    /**
     * A configuration without an API and without metrics.
     */
    public SluiceConfig(
        final Path source, final DataplaneSection dataplane, final NetworkSection network, final TimeoutSection timeouts,
        final List<ServiceSection> services, final Path statsFile)
    {
        this(source, dataplane, network, timeouts, services, statsFile, null, null, null, null);
    }

    /**
     * This configuration with other network, timeouts and services: what a reload or an applied
     * configuration changes (the rest needs a restart).
     *
     * @param next where the network, timeouts and services come from.
     * @return a new configuration with this one's source, dataplane, stats file, API and metrics.
     */
    public SluiceConfig withReloadable(final SluiceConfig next)
    {
        return new SluiceConfig(source, dataplane, next.network, next.timeouts, next.services, statsFile, api, metrics, sync, vrrp);
    }

    /**
     * This configuration with other services.
     *
     * @param nextServices the services.
     * @return a new configuration.
     */
    public SluiceConfig withServices(final List<ServiceSection> nextServices)
    {
        return new SluiceConfig(source, dataplane, network, timeouts, nextServices, statsFile, api, metrics, sync, vrrp);
    }

    /**
     * The dataplane settings: network section and global timeouts, and VRRP's virtual addresses, all
     * standby (the control model overlays which ones this LB is master of).
     *
     * @return the settings {@code Dataplane.apply} takes.
     */
    public DataplaneSettings settings()
    {
        final DataplaneSettings settings = network.toSettings(timeouts);
        if (vrrp == null)
        {
            return settings;
        }
        final List<IpAddress> locals = new ArrayList<>(settings.localAddresses());
        locals.removeAll(vrrp.ownedAddresses());
        return settings.withLocalAddresses(locals).withVirtualAddresses(vrrp.standbyAddresses());
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
     * the {@code dataplane:}, {@code api:}, {@code metrics:}, {@code sync:} and {@code vrrp:} sections and the stats file are the same.
     *
     * @param next the configuration to apply.
     * @return true when only network, timeouts and services differ.
     */
    public boolean canReloadTo(final SluiceConfig next)
    {
        return dataplane.equals(next.dataplane) && statsFile.equals(next.statsFile) && Objects.equals(api, next.api) &&
            Objects.equals(metrics, next.metrics) && Objects.equals(sync, next.sync) &&
            Objects.equals(vrrp, next.vrrp);
    }
}
