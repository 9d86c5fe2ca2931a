package io.sluice.controlplane.model;

import java.util.List;

import io.sluice.controlplane.config.ServiceSection;
import io.sluice.dataplane.service.IpAddress;

/**
 * A service as it runs: its configuration, each backend with its weight in force and health, and
 * where the service stands.
 *
 * @param config    the service as configured.
 * @param backends  its backends, in configuration order.
 * @param condition where it stands.
 */
public record ServiceView(ServiceSection config, List<BackendView> backends, ServiceCondition condition)
{
    /**
     * One backend as it runs.
     *
     * @param address         its address.
     * @param weight          its configured weight (0: drained).
     * @param effectiveWeight the weight in force in the dataplane.
     * @param status          its health.
     */
    public record BackendView(IpAddress address, int weight, int effectiveWeight, BackendStatus status)
    {
    }

    /**
     * Copies the backends.
     */
    public ServiceView
    {
        backends = List.copyOf(backends);
    }

    /**
     * The service's key.
     *
     * @return VIP, port and protocol.
     */
    public ServiceKey key()
    {
        return ServiceKey.of(config);
    }
}
