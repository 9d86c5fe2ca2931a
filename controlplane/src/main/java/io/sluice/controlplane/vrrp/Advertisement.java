package io.sluice.controlplane.vrrp;

import io.sluice.dataplane.service.IpAddress;

/**
 * The fields of one received VRRP advertisement that the state machine uses, filled by
 * {@link AdvertisementDecoder} into one reused object (or by {@link #set} in a test).
 * Addresses are held as {@link IpAddress} does, two longs with IPv4 mapped, so comparing them as
 * unsigned numbers compares them in network byte order (RFC 9568 §6.4.3).
 */
public final class Advertisement
{
    private VrrpFamily family = VrrpFamily.IPV4;
    private int vrid;
    private int priority;
    private int maxAdvertIntervalCs;
    private int count;
    private long sourceHi;
    private long sourceLo;
    private long sourceMac;
    private boolean withPseudoHeader;

    /**
     * Sets every field.
     *
     * @param family              the family of the IP packet.
     * @param vrid                the VRID field.
     * @param priority            the priority field, 0..255.
     * @param maxAdvertIntervalCs the Max Adver Int field, centiseconds.
     * @param count               the Count IPvX Addr field.
     * @param source              the IP source address (the sender's primary address).
     * @param sourceMac           the Ethernet source address.
     * @param withPseudoHeader    whether the checksum covered the pseudo-header.
     * @return this.
     */
    public Advertisement set(
        final VrrpFamily family, final int vrid, final int priority, final int maxAdvertIntervalCs, final int count,
        final IpAddress source, final long sourceMac, final boolean withPseudoHeader)
    {
        return set(family, vrid, priority, maxAdvertIntervalCs, count, source.hi(), source.lo(), sourceMac, withPseudoHeader);
    }

    Advertisement set(
        final VrrpFamily family, final int vrid, final int priority, final int maxAdvertIntervalCs, final int count,
        final long sourceHi, final long sourceLo, final long sourceMac, final boolean withPseudoHeader)
    {
        this.family = family;
        this.vrid = vrid;
        this.priority = priority;
        this.maxAdvertIntervalCs = maxAdvertIntervalCs;
        this.count = count;
        this.sourceHi = sourceHi;
        this.sourceLo = sourceLo;
        this.sourceMac = sourceMac;
        this.withPseudoHeader = withPseudoHeader;
        return this;
    }

    /** @return the family of the IP packet that carried it. */
    public VrrpFamily family()
    {
        return family;
    }

    /** @return the virtual router id, 1..255. */
    public int vrid()
    {
        return vrid;
    }

    /** @return the sender's priority: 255 owner, 1..254 backup, 0 a master giving up. */
    public int priority()
    {
        return priority;
    }

    /** @return the sender's advertisement interval in centiseconds, 0..4095. */
    public int maxAdvertIntervalCs()
    {
        return maxAdvertIntervalCs;
    }

    /** @return the number of addresses it carries. */
    public int count()
    {
        return count;
    }

    /** @return the sender's primary address (the IP source). */
    public IpAddress source()
    {
        return new IpAddress(sourceHi, sourceLo, family.ipv6());
    }

    /**
     * Compares the sender's primary address with another as unsigned numbers in network byte order.
     *
     * @param address an address of the same family.
     * @return negative, zero or positive as the sender's address is lower, equal or higher.
     */
    public int compareSourceTo(final IpAddress address)
    {
        final int high = Long.compareUnsigned(sourceHi, address.hi());
        return high != 0 ? high : Long.compareUnsigned(sourceLo, address.lo());
    }

    /** @return the Ethernet source: the virtual MAC, or the interface MAC from keepalived without use_vmac. */
    public long sourceMac()
    {
        return sourceMac;
    }

    /** @return true when the checksum covered the pseudo-header (RFC 5798), false for the RFC 9568 IPv4 form. */
    public boolean withPseudoHeader()
    {
        return withPseudoHeader;
    }

    @Override
    public String toString()
    {
        return "Advertisement{vrid=" + vrid + ", family=" + family + ", priority=" + priority + ", intervalCs=" +
            maxAdvertIntervalCs + ", source=" + source() + "}";
    }
}
