package io.sluice.controlplane.config;

import java.util.ArrayList;
import java.util.List;

import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;

/**
 * One entry of {@code services:}: a VIP, port and protocol, how it forwards, and its backends.
 *
 * @param vip        the virtual address.
 * @param port       the VIP port.
 * @param protocol   IP protocol number, 6 (tcp) or 17 (udp).
 * @param mode       forwarding mode.
 * @param maglevSize Maglev table size, a prime.
 * @param tcpIdleNs  idle timeout of its TCP flows (the service's own, or the global one).
 * @param udpIdleNs  idle timeout of its UDP flows.
 * @param backends   the backends.
 */
public record ServiceSection(
    IpAddress vip, int port, int protocol, ForwardingMode mode, int maglevSize, long tcpIdleNs, long udpIdleNs,
    List<BackendEntry> backends)
{
    /**
     * One backend.
     *
     * @param address its address.
     * @param weight  its weight, 0..65535; 0 drains it.
     */
    public record BackendEntry(IpAddress address, int weight)
    {
    }

    /**
     * Copies the backend list.
     */
    public ServiceSection
    {
        backends = List.copyOf(backends);
    }

    /**
     * The dataplane's form of this service.
     *
     * @return the definition {@code Dataplane.apply} takes.
     */
    public ServiceSpec toSpec()
    {
        final List<ServiceSpec.BackendSpec> specs = new ArrayList<>(backends.size());
        for (final BackendEntry backend : backends)
        {
            specs.add(new ServiceSpec.BackendSpec(backend.address(), backend.weight()));
        }
        return new ServiceSpec(vip, port, protocol, mode, specs, maglevSize, tcpIdleNs, udpIdleNs);
    }
}
