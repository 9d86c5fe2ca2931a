package io.sluice.controlplane.vrrp;

import java.util.List;
import java.util.Objects;

import io.sluice.dataplane.service.IpAddress;

/**
 * One virtual router as configured (RFC 5798 §6.1). The record only holds values:
 * {@link VrrpConfigValidator} says what is wrong with them, and {@link VirtualRouter} refuses a
 * configuration that has any problem.
 *
 * @param name             a name for logs, metrics and notify hooks, e.g. {@code V4}.
 * @param vrid             the virtual router id, 1..255.
 * @param family           the family of every address below.
 * @param priority         1..254, or 255 for the owner of the virtual addresses.
 * @param advertIntervalCs Advertisement_Interval in centiseconds, 1..4095.
 * @param preempt          Preempt_Mode: a backup of higher priority takes over from a lower master.
 * @param preemptDelayNs   how long a backup that would preempt holds back first, 0 for none (not in the RFC;
 *                         keepalived's {@code preempt_delay}).
 * @param acceptMode       Accept_Mode: a non-owner master accepts packets to the virtual addresses.
 * @param virtualAddresses the protected addresses, at least one; for IPv6 the RFC puts the link-local one first.
 * @param primaryAddress   the source of adverts: the interface's primary IPv4 address or its IPv6 link-local.
 * @param unicastPeers     addresses to send adverts to instead of the multicast group, empty for multicast.
 */
public record VrrpConfig(
    String name, int vrid, VrrpFamily family, int priority, int advertIntervalCs, boolean preempt, long preemptDelayNs,
    boolean acceptMode, List<IpAddress> virtualAddresses, IpAddress primaryAddress, List<IpAddress> unicastPeers)
{
    /** The priority of the router that owns the virtual addresses. */
    public static final int OWNER_PRIORITY = 255;
    /** The default priority of a backup (RFC 5798 §6.1). */
    public static final int DEFAULT_PRIORITY = 100;
    /** The default advertisement interval: one second. */
    public static final int DEFAULT_ADVERT_INTERVAL_CS = 100;
    /** The longest advertisement interval the 12-bit field carries. */
    public static final int MAX_ADVERT_INTERVAL_CS = 4095;
    /** The longest preempt delay (keepalived's limit, 1000 s). */
    public static final long MAX_PREEMPT_DELAY_NS = 1000L * 1_000_000_000L;
    /** Nanoseconds in a centisecond. */
    public static final long NS_PER_CS = 10_000_000L;

    /**
     * Copies the lists; checks only that nothing is null.
     */
    public VrrpConfig
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(primaryAddress, "primaryAddress");
        virtualAddresses = List.copyOf(virtualAddresses);
        unicastPeers = List.copyOf(unicastPeers);
    }

    /**
     * A multicast virtual router with the RFC's defaults: preemption on, no delay, Accept_Mode off.
     *
     * @param name             the name.
     * @param vrid             the virtual router id.
     * @param priority         the priority.
     * @param advertIntervalCs the advertisement interval in centiseconds.
     * @param primaryAddress   the source of adverts; its family is the router's.
     * @param virtualAddresses the protected addresses.
     * @return the configuration (not validated).
     */
    public static VrrpConfig of(
        final String name, final int vrid, final int priority, final int advertIntervalCs, final IpAddress primaryAddress,
        final List<IpAddress> virtualAddresses)
    {
        return new VrrpConfig(name, vrid, VrrpFamily.of(primaryAddress.ipv6()), priority, advertIntervalCs, true, 0,
            false, virtualAddresses, primaryAddress, List.of());
    }

    /**
     * This configuration with other preemption settings.
     *
     * @param preempt        Preempt_Mode.
     * @param preemptDelayNs the hold before preempting, 0 for none.
     * @return a copy.
     */
    public VrrpConfig withPreempt(final boolean preempt, final long preemptDelayNs)
    {
        return new VrrpConfig(name, vrid, family, priority, advertIntervalCs, preempt, preemptDelayNs, acceptMode,
            virtualAddresses, primaryAddress, unicastPeers);
    }

    /**
     * This configuration with unicast peers.
     *
     * @param peers the peers' addresses.
     * @return a copy.
     */
    public VrrpConfig withUnicastPeers(final List<IpAddress> peers)
    {
        return new VrrpConfig(name, vrid, family, priority, advertIntervalCs, preempt, preemptDelayNs, acceptMode,
            virtualAddresses, primaryAddress, peers);
    }

    /** @return whether this router owns the virtual addresses (priority 255). */
    public boolean owner()
    {
        return priority == OWNER_PRIORITY;
    }

    /** @return Advertisement_Interval in nanoseconds. */
    public long advertIntervalNs()
    {
        return advertIntervalCs * NS_PER_CS;
    }

    /** @return the virtual router MAC address, 00:00:5e:00:0{1,2}:VRID, in the low 48 bits. */
    public long virtualMac()
    {
        return family.virtualMac(vrid);
    }

    /** @return how logs and errors name this router, e.g. {@code virtual router V4 (VRID 51, IPv4)}. */
    public String describe()
    {
        return "virtual router " + name + " (VRID " + vrid + ", " + (family.ipv6() ? "IPv6" : "IPv4") + ")";
    }
}
