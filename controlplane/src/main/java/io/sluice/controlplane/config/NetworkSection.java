package io.sluice.controlplane.config;

import java.util.ArrayList;
import java.util.List;

import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;

/**
 * The {@code network:} section: the LB's own addresses, gateways, MTU, tunnel settings and static
 * neighbours. A reload applies changes to it without a restart.
 *
 * @param addresses     the LB's own addresses (answered in ARP / ND, their traffic punted).
 * @param gatewayIpv4   next hop of IPv4 tunnel packets, or null to send them to backends on-link.
 * @param gatewayIpv6   next hop of IPv6 tunnel packets, or null.
 * @param mtu           largest IP packet the egress link carries.
 * @param tunnelSources outer source addresses of tunnels, both families, chosen by flow hash.
 * @param guePort       UDP destination port of GUE.
 * @param gueVariant    0 for a 4-byte GUE header (Linux fou "gue"), 1 for IP directly in UDP.
 * @param outerTtl      TTL / hop limit of outer headers.
 * @param neighbours    next hops whose MAC is configured rather than learned.
 */
public record NetworkSection(
    List<IpAddress> addresses, IpAddress gatewayIpv4, IpAddress gatewayIpv6, int mtu, List<IpAddress> tunnelSources,
    int guePort, int gueVariant, int outerTtl, List<DataplaneSettings.StaticNeighbour> neighbours)
{
    /** Default GUE port. */
    public static final int DEFAULT_GUE_PORT = 6080;

    /**
     * Copies the lists.
     */
    public NetworkSection
    {
        addresses = List.copyOf(addresses);
        tunnelSources = List.copyOf(tunnelSources);
        neighbours = List.copyOf(neighbours);
    }

    /**
     * The dataplane's settings for this section and the global timeouts.
     *
     * @param timeouts the {@code timeouts:} section.
     * @return the settings.
     * @throws IllegalArgumentException when the dataplane refuses a value (the loader checks them all first).
     */
    public DataplaneSettings toSettings(final TimeoutSection timeouts)
    {
        final List<IpAddress> sourcesIpv4 = new ArrayList<>();
        final List<IpAddress> sourcesIpv6 = new ArrayList<>();
        for (final IpAddress source : tunnelSources)
        {
            (source.ipv6() ? sourcesIpv6 : sourcesIpv4).add(source);
        }
        return new DataplaneSettings(addresses, gatewayIpv4, gatewayIpv6, sourcesIpv4, sourcesIpv6, guePort, gueVariant,
            outerTtl, mtu, timeouts.tcpClosingNs(), timeouts.otherIdleNs(), neighbours, List.of(), List.of());
    }
}
