package io.sluice.controlplane.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.dataplane.service.IpAddress;

import static io.sluice.controlplane.model.ChangeRejectedException.Reason;

/**
 * Finding a service in a configuration, and the edits the {@link ControlModel} makes to one: each
 * edit is a function from the service as it is to the service as it should be, refusing with a
 * {@link ChangeRejectedException} what cannot be done (the model validates the result whole).
 */
final class ServiceEdits
{
    private ServiceEdits()
    {
    }

    /**
     * Adds a backend; refuses one the service has, or its sorry backend.
     */
    static UnaryOperator<ServiceSection> addBackend(final ServiceKey key, final ServiceSection.BackendEntry backend)
    {
        return service ->
        {
            if (service.backend(backend.address()) != null)
            {
                throw new ChangeRejectedException(Reason.ALREADY_EXISTS, new BackendRef(key, backend.address()) +
                    " exists already (SetBackendWeight changes its weight)");
            }
            if (backend.address().equals(service.sorry()))
            {
                throw new ChangeRejectedException(Reason.FAILED_PRECONDITION, "service " + key + ": " + backend.address() +
                    " is its sorry backend; a backend cannot be both");
            }
            final List<ServiceSection.BackendEntry> backends = new ArrayList<>(service.backends());
            backends.add(backend);
            return service.withBackends(backends);
        };
    }

    /**
     * Removes a backend the service has.
     */
    static UnaryOperator<ServiceSection> removeBackend(final ServiceKey key, final IpAddress address)
    {
        return service ->
        {
            requireBackend(key, service, address);
            final List<ServiceSection.BackendEntry> backends = new ArrayList<>();
            for (final ServiceSection.BackendEntry backend : service.backends())
            {
                if (!backend.address().equals(address))
                {
                    backends.add(backend);
                }
            }
            return service.withBackends(backends);
        };
    }

    /**
     * Sets the configured weight of a backend the service has.
     */
    static UnaryOperator<ServiceSection> setWeight(final ServiceKey key, final IpAddress address, final int weight)
    {
        ServiceValidation.weight("weight", weight);
        return service ->
        {
            requireBackend(key, service, address);
            final List<ServiceSection.BackendEntry> backends = new ArrayList<>();
            for (final ServiceSection.BackendEntry backend : service.backends())
            {
                backends.add(backend.address().equals(address) ? new ServiceSection.BackendEntry(address, weight) : backend);
            }
            return service.withBackends(backends);
        };
    }

    /**
     * The configuration with one service replaced (same key).
     */
    static SluiceConfig replace(final SluiceConfig config, final ServiceKey key, final ServiceSection next)
    {
        final List<ServiceSection> services = new ArrayList<>();
        for (final ServiceSection service : config.services())
        {
            services.add(key.matches(service) ? next : service);
        }
        return config.withServices(services);
    }

    /**
     * The configuration without one service.
     */
    static SluiceConfig remove(final SluiceConfig config, final ServiceKey key)
    {
        final List<ServiceSection> services = new ArrayList<>();
        for (final ServiceSection service : config.services())
        {
            if (!key.matches(service))
            {
                services.add(service);
            }
        }
        return config.withServices(services);
    }

    static void requireBackend(final ServiceKey key, final ServiceSection service, final IpAddress address)
    {
        if (service.backend(address) == null)
        {
            throw new ChangeRejectedException(Reason.NOT_FOUND, "service " + key + " has no backend " + address +
                " (GetService lists its backends)");
        }
    }

    static ServiceSection require(final SluiceConfig config, final ServiceKey key)
    {
        final ServiceSection service = find(config, key);
        if (service == null)
        {
            throw new ChangeRejectedException(Reason.NOT_FOUND, "no service " + key + " (ListServices lists them)");
        }
        return service;
    }

    static ServiceSection find(final SluiceConfig config, final ServiceKey key)
    {
        for (final ServiceSection service : config.services())
        {
            if (key.matches(service))
            {
                return service;
            }
        }
        return null;
    }

    static ServiceSection findByName(final SluiceConfig config, final String name)
    {
        for (final ServiceSection service : config.services())
        {
            if (ServiceKey.of(service).name().equals(name))
            {
                return service;
            }
        }
        return null;
    }
}
