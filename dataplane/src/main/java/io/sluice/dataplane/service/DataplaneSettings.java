package io.sluice.dataplane.service;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.sluice.dataplane.flow.FlowTable;

/**
 * Settings of the forwarding path that are not per service: the LB's own addresses, gateways,
 * tunnel source pools, GUE, MTU. Part of every {@link ServiceSnapshot}.
 *
 * @param localAddresses      the LB's own addresses: answered in ARP/ND, their traffic punted.
 * @param gatewayIpv4         next hop of IPv4 tunnel packets, or null to send them to the backend on-link.
 * @param gatewayIpv6         next hop of IPv6 tunnel packets, or null for on-link.
 * @param tunnelSourcesIpv4   outer source addresses of IPv4 tunnels, chosen by flow hash.
 * @param tunnelSourcesIpv6   outer source addresses of IPv6 tunnels, chosen by flow hash.
 * @param guePort             UDP destination port of GUE.
 * @param gueVariant          0: a 4-byte GUE header (Linux fou "gue" mode); 1: IP directly in UDP.
 * @param outerTtl            TTL / hop limit of outer tunnel headers.
 * @param mtu                 largest IP packet the egress link carries (Ethernet payload).
 * @param tcpClosingTimeoutNs idle timeout of a TCP flow after a FIN or RST was seen.
 * @param otherIdleTimeoutNs  idle timeout of flows of other protocols (ICMP errors routed by flow).
 * @param staticNeighbours    next hops whose MAC is configured rather than learned.
 * @param virtualAddresses    addresses that VRRP moves between LBs, with this LB's role for each now.
 * @param natAddresses        the LB's source addresses for {@link ForwardingMode#FULLNAT} (answered in ARP / ND;
 *                            backends reply to them), either family. One may also be a virtual address: VRRP
 *                            then moves it with its router, and only the master of it takes ports from it.
 */
public record DataplaneSettings(
    List<IpAddress> localAddresses, IpAddress gatewayIpv4, IpAddress gatewayIpv6,
    List<IpAddress> tunnelSourcesIpv4, List<IpAddress> tunnelSourcesIpv6,
    int guePort, int gueVariant, int outerTtl, int mtu, long tcpClosingTimeoutNs, long otherIdleTimeoutNs,
    List<StaticNeighbour> staticNeighbours, List<VirtualAddress> virtualAddresses, List<IpAddress> natAddresses)
{
    /**
     * A configured neighbour.
     *
     * @param address the next hop's address.
     * @param mac     its MAC in the low 48 bits.
     */
    public record StaticNeighbour(IpAddress address, long mac)
    {
        /**
         * Validates the MAC: a unicast 48-bit address, not all zeros.
         *
         * @throws IllegalArgumentException naming the neighbour.
         */
        public StaticNeighbour
        {
            if (mac <= 0 || mac > 0xFFFF_FFFF_FFFFL || (mac & 0x0100_0000_0000L) != 0)
            {
                throw new IllegalArgumentException("static neighbour " + address + ": MAC " + Long.toHexString(mac) +
                    " is not a unicast 48-bit address");
            }
        }
    }

    /** Default MTU: standard Ethernet. */
    public static final int DEFAULT_MTU = 1500;
    /** Default outer TTL. */
    public static final int DEFAULT_OUTER_TTL = 64;
    /** Default idle timeout of a closing TCP flow. */
    public static final long DEFAULT_TCP_CLOSING_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** Default idle timeout of other flows. */
    public static final long DEFAULT_OTHER_IDLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException naming the setting and what would be valid.
     */
    public DataplaneSettings
    {
        localAddresses = List.copyOf(localAddresses);
        tunnelSourcesIpv4 = List.copyOf(tunnelSourcesIpv4);
        tunnelSourcesIpv6 = List.copyOf(tunnelSourcesIpv6);
        staticNeighbours = List.copyOf(staticNeighbours);
        virtualAddresses = List.copyOf(virtualAddresses);
        natAddresses = List.copyOf(natAddresses);
        requireNat(localAddresses, virtualAddresses, natAddresses);
        requireFamily("gatewayIpv4", gatewayIpv4, false);
        requireFamily("gatewayIpv6", gatewayIpv6, true);
        requireUsable(AddressRules.Role.GATEWAY, gatewayIpv4);
        requireUsable(AddressRules.Role.GATEWAY, gatewayIpv6);
        for (final IpAddress a : localAddresses)
        {
            requireUsable(AddressRules.Role.LOCAL, a);
        }
        for (final IpAddress a : tunnelSourcesIpv4)
        {
            requireFamily("tunnelSourcesIpv4", a, false);
            requireUsable(AddressRules.Role.TUNNEL_SOURCE, a);
        }
        for (final IpAddress a : tunnelSourcesIpv6)
        {
            requireFamily("tunnelSourcesIpv6", a, true);
            requireUsable(AddressRules.Role.TUNNEL_SOURCE, a);
        }
        for (final StaticNeighbour neighbour : staticNeighbours)
        {
            requireUsable(AddressRules.Role.STATIC_NEIGHBOUR, neighbour.address());
        }
        requireVirtual(localAddresses, virtualAddresses);
        if (guePort < 1 || guePort > 65535)
        {
            throw new IllegalArgumentException("guePort " + guePort + " is not a UDP port (1..65535)");
        }
        if (gueVariant != 0 && gueVariant != 1)
        {
            throw new IllegalArgumentException("gueVariant " + gueVariant + " is not 0 (GUE header) or 1 (direct IP in UDP)");
        }
        if (outerTtl < 1 || outerTtl > 255)
        {
            throw new IllegalArgumentException("outerTtl " + outerTtl + " is not 1..255");
        }
        if (mtu < 1280 || mtu > 9216)
        {
            throw new IllegalArgumentException("mtu " + mtu + " is not 1280..9216 (IPv6 needs at least 1280)");
        }
        if (tcpClosingTimeoutNs <= 0 || otherIdleTimeoutNs <= 0 ||
            tcpClosingTimeoutNs > FlowTable.MAX_IDLE_TIMEOUT_NS || otherIdleTimeoutNs > FlowTable.MAX_IDLE_TIMEOUT_NS)
        {
            throw new IllegalArgumentException("tcpClosingTimeoutNs " + tcpClosingTimeoutNs + " and otherIdleTimeoutNs " +
                otherIdleTimeoutNs + " must be 1.." + FlowTable.MAX_IDLE_TIMEOUT_NS + " ns");
        }
    }

    /**
     * Settings with the defaults and the given local addresses and tunnel sources.
     *
     * @return the settings.
     */
    public static DataplaneSettings of(
        final List<IpAddress> localAddresses, final List<IpAddress> tunnelSourcesIpv4, final List<IpAddress> tunnelSourcesIpv6)
    {
        return new DataplaneSettings(
            localAddresses, null, null, tunnelSourcesIpv4, tunnelSourcesIpv6, 6080, 0, DEFAULT_OUTER_TTL, DEFAULT_MTU,
            DEFAULT_TCP_CLOSING_TIMEOUT_NS, DEFAULT_OTHER_IDLE_TIMEOUT_NS, List.of(), List.of(), List.of());
    }

    /** @return a copy with the given gateways. */
    public DataplaneSettings withGateways(final IpAddress ipv4, final IpAddress ipv6)
    {
        return new DataplaneSettings(
            localAddresses, ipv4, ipv6, tunnelSourcesIpv4, tunnelSourcesIpv6, guePort, gueVariant, outerTtl, mtu,
            tcpClosingTimeoutNs, otherIdleTimeoutNs, staticNeighbours, virtualAddresses, natAddresses);
    }

    /** @return a copy with the given MTU. */
    public DataplaneSettings withMtu(final int newMtu)
    {
        return new DataplaneSettings(
            localAddresses, gatewayIpv4, gatewayIpv6, tunnelSourcesIpv4, tunnelSourcesIpv6, guePort, gueVariant, outerTtl,
            newMtu, tcpClosingTimeoutNs, otherIdleTimeoutNs, staticNeighbours, virtualAddresses, natAddresses);
    }

    /** @return a copy with the given GUE port and variant. */
    public DataplaneSettings withGue(final int port, final int variant)
    {
        return new DataplaneSettings(
            localAddresses, gatewayIpv4, gatewayIpv6, tunnelSourcesIpv4, tunnelSourcesIpv6, port, variant, outerTtl, mtu,
            tcpClosingTimeoutNs, otherIdleTimeoutNs, staticNeighbours, virtualAddresses, natAddresses);
    }

    /** @return a copy with the given static neighbours. */
    public DataplaneSettings withStaticNeighbours(final List<StaticNeighbour> neighbours)
    {
        return new DataplaneSettings(
            localAddresses, gatewayIpv4, gatewayIpv6, tunnelSourcesIpv4, tunnelSourcesIpv6, guePort, gueVariant, outerTtl, mtu,
            tcpClosingTimeoutNs, otherIdleTimeoutNs, neighbours, virtualAddresses, natAddresses);
    }

    /** @return a copy with the given own addresses. */
    public DataplaneSettings withLocalAddresses(final List<IpAddress> addresses)
    {
        return new DataplaneSettings(
            addresses, gatewayIpv4, gatewayIpv6, tunnelSourcesIpv4, tunnelSourcesIpv6, guePort, gueVariant, outerTtl, mtu,
            tcpClosingTimeoutNs, otherIdleTimeoutNs, staticNeighbours, virtualAddresses, natAddresses);
    }

    /**
     * A copy with the given virtual addresses (the VRRP roles of this LB).
     *
     * @param addresses the virtual addresses and whether this LB is master of each.
     * @return the copy.
     */
    public DataplaneSettings withVirtualAddresses(final List<VirtualAddress> addresses)
    {
        return new DataplaneSettings(
            localAddresses, gatewayIpv4, gatewayIpv6, tunnelSourcesIpv4, tunnelSourcesIpv6, guePort, gueVariant, outerTtl, mtu,
            tcpClosingTimeoutNs, otherIdleTimeoutNs, staticNeighbours, addresses, natAddresses);
    }

    /**
     * A copy with the given NAT source addresses.
     *
     * @param addresses the LB's addresses for full NAT.
     * @return the copy.
     */
    public DataplaneSettings withNatAddresses(final List<IpAddress> addresses)
    {
        return new DataplaneSettings(
            localAddresses, gatewayIpv4, gatewayIpv6, tunnelSourcesIpv4, tunnelSourcesIpv6, guePort, gueVariant, outerTtl, mtu,
            tcpClosingTimeoutNs, otherIdleTimeoutNs, staticNeighbours, virtualAddresses, addresses);
    }

    private static void requireNat(
        final List<IpAddress> locals, final List<VirtualAddress> virtualAddresses, final List<IpAddress> natAddresses)
    {
        final Set<IpAddress> seen = new HashSet<>();
        for (final IpAddress address : natAddresses)
        {
            requireUsable(AddressRules.Role.LOCAL, address);
            if (locals.contains(address))
            {
                throw new IllegalArgumentException("NAT address " + address + " is also an own address of the LB: " +
                    "what the backends send to a NAT address is taken as the reply of a translated flow");
            }
            if (!seen.add(address))
            {
                throw new IllegalArgumentException("NAT address " + address + " is listed twice");
            }
        }
    }

    private static void requireVirtual(final List<IpAddress> locals, final List<VirtualAddress> virtualAddresses)
    {
        final Set<IpAddress> seen = new HashSet<>();
        for (final VirtualAddress virtual : virtualAddresses)
        {
            requireUsable(AddressRules.Role.LOCAL, virtual.address());
            if (locals.contains(virtual.address()))
            {
                throw new IllegalArgumentException("virtual address " + virtual.address() +
                    " is also one of the LB's own addresses: an address either moves with VRRP or stays");
            }
            if (!seen.add(virtual.address()))
            {
                throw new IllegalArgumentException("virtual address " + virtual.address() + " is listed twice");
            }
        }
    }

    private static void requireUsable(final AddressRules.Role role, final IpAddress address)
    {
        final String refusal = address == null ? null : AddressRules.refusal(role, address);
        if (refusal != null)
        {
            throw new IllegalArgumentException(refusal);
        }
    }

    private static void requireFamily(final String name, final IpAddress address, final boolean ipv6)
    {
        if (address != null && address.ipv6() != ipv6)
        {
            throw new IllegalArgumentException(name + " " + address + " is not an " + (ipv6 ? "IPv6" : "IPv4") + " address");
        }
    }
}
