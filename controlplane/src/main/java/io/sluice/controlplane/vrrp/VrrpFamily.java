package io.sluice.controlplane.vrrp;

/**
 * The address family of a virtual router: RFC 5798 runs one virtual router per family, so a
 * VRID may be used once for IPv4 and once for IPv6, and the two are separate machines.
 */
public enum VrrpFamily
{
    /** IPv4: adverts to 224.0.0.18, virtual MAC 00:00:5e:00:01:VRID, gratuitous ARP. */
    IPV4(4, 0x0000_5E00_0100L, 0x0100_5E00_0012L),
    /** IPv6: adverts to ff02::12, virtual MAC 00:00:5e:00:02:VRID, unsolicited NA. */
    IPV6(16, 0x0000_5E00_0200L, 0x3333_0000_0012L);

    private final int addressLength;
    private final long virtualMacBase;
    private final long groupMac;

    VrrpFamily(final int addressLength, final long virtualMacBase, final long groupMac)
    {
        this.addressLength = addressLength;
        this.virtualMacBase = virtualMacBase;
        this.groupMac = groupMac;
    }

    /**
     * The family of an address.
     *
     * @param ipv6 whether the address is IPv6.
     * @return the family.
     */
    public static VrrpFamily of(final boolean ipv6)
    {
        return ipv6 ? IPV6 : IPV4;
    }

    /** @return bytes of one address in an advert: 4 or 16. */
    public int addressLength()
    {
        return addressLength;
    }

    /**
     * The virtual router MAC address (RFC 5798 §7.3) in the low 48 bits, first byte most significant.
     *
     * @param vrid the virtual router id, 1..255.
     * @return 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6.
     */
    public long virtualMac(final int vrid)
    {
        return virtualMacBase | (vrid & 0xFF);
    }

    /** @return the Ethernet multicast address of the VRRP group: 01:00:5e:00:00:12 or 33:33:00:00:00:12. */
    public long groupMac()
    {
        return groupMac;
    }

    /** @return true for IPv6. */
    public boolean ipv6()
    {
        return this == IPV6;
    }
}
