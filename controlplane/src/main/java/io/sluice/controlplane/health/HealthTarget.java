package io.sluice.controlplane.health;

import java.net.InetAddress;

import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.service.IpAddress;

/**
 * One thing to check: a backend of a service. The service's {@link HealthPolicy} says how.
 *
 * @param service     the service's identity as the control model names it; not blank.
 * @param address     the backend address, IPv4 or IPv6.
 * @param servicePort the service's port, 0..65535; probed when the policy's port is 0.
 */
public record HealthTarget(String service, InetAddress address, int servicePort)
{
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException on a blank service, a null address or a port out of range.
     */
    public HealthTarget
    {
        if (service == null || service.isBlank())
        {
            throw new IllegalArgumentException("service must not be blank, not '" + service + "'");
        }
        if (address == null)
        {
            throw new IllegalArgumentException("address must not be null (backend of service " + service + ")");
        }
        if (servicePort < 0 || servicePort > 65_535)
        {
            throw new IllegalArgumentException("servicePort must be 0..65535, not " + servicePort);
        }
    }

    /**
     * A short form for events and logs.
     *
     * @return e.g. {@code web 10.0.0.5:80} or {@code web [2001:db8::5]:80}.
     */
    @Override
    public String toString()
    {
        final String host = AddressText.format(IpAddress.of(address));
        return service + " " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + servicePort;
    }
}
