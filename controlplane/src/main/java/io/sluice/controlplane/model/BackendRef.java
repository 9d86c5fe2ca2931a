package io.sluice.controlplane.model;

import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.service.IpAddress;

/**
 * One backend of one service: the same address in two services is two backends, with a health of
 * its own each (their services may check different ports).
 *
 * @param service the service.
 * @param address the backend's address.
 */
public record BackendRef(ServiceKey service, IpAddress address)
{
    @Override
    public String toString()
    {
        return "backend " + AddressText.format(address) + " of " + service.name();
    }
}
