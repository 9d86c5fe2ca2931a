package io.sluice.dataplane.service;

import java.util.Objects;

/**
 * An address that moves between load balancers with VRRP (RFC 5798): a VIP, or a next hop the
 * router sends VIP traffic to. While this LB is master of the address's virtual router ({@code
 * active}) the dataplane answers ARP / ND for it with the virtual router's MAC, takes frames sent
 * to that MAC, and forwards the address's traffic; while it is backup, it does none of that and
 * drops the traffic as {@code standby} (RFC 5798 §6.4.2: a backup MUST NOT respond to ARP for the
 * virtual addresses nor accept packets addressed to them).
 *
 * @param address the virtual address.
 * @param mac     the virtual router's MAC in the low 48 bits: {@code 00:00:5e:00:01:VRID} for IPv4,
 *                {@code 00:00:5e:00:02:VRID} for IPv6.
 * @param active  whether this LB is master of the virtual router now.
 */
public record VirtualAddress(IpAddress address, long mac, boolean active)
{
    /**
     * Validates the MAC: a unicast 48-bit address, not all zeros.
     *
     * @throws IllegalArgumentException naming the address.
     */
    public VirtualAddress
    {
        Objects.requireNonNull(address, "address");
        if (mac <= 0 || mac > 0xFFFF_FFFF_FFFFL || (mac & 0x0100_0000_0000L) != 0)
        {
            throw new IllegalArgumentException("virtual address " + address + ": MAC " + Long.toHexString(mac) +
                " is not a unicast 48-bit address");
        }
    }

    /** @return a copy of this address with the given role. */
    public VirtualAddress withActive(final boolean nowActive)
    {
        return nowActive == active ? this : new VirtualAddress(address, mac, nowActive);
    }
}
