package io.sluice.controlplane.config;

import java.util.ArrayList;
import java.util.List;

import io.sluice.controlplane.vrrp.VrrpConfig;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.VirtualAddress;

/**
 * The {@code vrrp:} section: the VRRPv3 virtual routers (RFC 5798) this load balancer runs on its
 * dataplane port, and the command run on each transition. A change needs a restart (a reload says so).
 *
 * @param notifyCommand the command run on every transition with {@code INSTANCE NAME STATE PRIORITY} as
 *                arguments (as keepalived's {@code notify}), or null for none.
 * @param routers the virtual routers, at least one.
 */
public record VrrpSection(String notifyCommand, List<VrrpConfig> routers)
{
    /**
     * Copies the list.
     */
    public VrrpSection
    {
        routers = List.copyOf(routers);
    }

    /**
     * The virtual addresses of every router in the dataplane's form, none of them active: what the
     * dataplane starts with, before VRRP has said which routers this LB is master of.
     *
     * @return the addresses with their virtual MACs, all standby.
     */
    public List<VirtualAddress> standbyAddresses()
    {
        final List<VirtualAddress> addresses = new ArrayList<>();
        for (final VrrpConfig router : routers)
        {
            for (final IpAddress address : router.virtualAddresses())
            {
                addresses.add(new VirtualAddress(address, router.virtualMac(), false));
            }
        }
        return addresses;
    }

    /**
     * The virtual addresses of the routers with priority 255: they are the LB's own addresses too
     * (RFC 5798's address owner), moved from the local addresses to the virtual ones.
     *
     * @return the owned virtual addresses.
     */
    public List<IpAddress> ownedAddresses()
    {
        final List<IpAddress> owned = new ArrayList<>();
        for (final VrrpConfig router : routers)
        {
            if (router.owner())
            {
                owned.addAll(router.virtualAddresses());
            }
        }
        return owned;
    }
}
