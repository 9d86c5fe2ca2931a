package io.sluice.controlplane.model;

import io.sluice.controlplane.AddressText;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.dataplane.service.IpAddress;

/**
 * The identity of a service: VIP, port and protocol. No two services of a configuration share one.
 *
 * @param vip      the virtual address.
 * @param port     the VIP port, 1..65535.
 * @param protocol IP protocol number, 6 (tcp) or 17 (udp).
 */
public record ServiceKey(IpAddress vip, int port, int protocol)
{
    /** IP protocol number of TCP. */
    public static final int TCP = 6;
    /** IP protocol number of UDP. */
    public static final int UDP = 17;

    /**
     * The key of a configured service.
     *
     * @param service the service.
     * @return its key.
     */
    public static ServiceKey of(final ServiceSection service)
    {
        return new ServiceKey(service.vip(), service.port(), service.protocol());
    }

    /**
     * Whether a service has this key.
     *
     * @param service the service.
     * @return true when its VIP, port and protocol are this key's.
     */
    public boolean matches(final ServiceSection service)
    {
        return vip.equals(service.vip()) && port == service.port() && protocol == service.protocol();
    }

    /**
     * The name of the service in messages, events and the health checks: the one name of a service
     * outside the dataplane.
     *
     * @return e.g. {@code 192.0.2.10:80/tcp} or {@code [2001:db8::10]:443/tcp}.
     */
    public String name()
    {
        final String address = AddressText.format(vip);
        return (vip.ipv6() ? "[" + address + "]" : address) + ":" + port + "/" + (protocol == UDP ? "udp" : "tcp");
    }

    @Override
    public String toString()
    {
        return name();
    }
}
