package io.sluice.dataplane.service;

/**
 * Which addresses can work in which role, by address class, for both families: the one rule that
 * every entry point (the configuration file, the gRPC API, {@code sluice ctl}, and the snapshot
 * builder behind them) applies, so an address that can never carry traffic is refused with the
 * same reason wherever it is given.
 * <p>
 * A VIP or a backend must be a unicast address that packets can be routed to: not unspecified,
 * not "this network" ({@code 0.0.0.0/8}), not loopback, not link-local, not multicast, not the
 * limited broadcast, not reserved ({@code 240.0.0.0/4}), not an IPv4-compatible IPv6 address.
 * An address of the LB itself (its own, a tunnel source, a gateway) follows the same rule, except
 * that a gateway or an own address may be link-local (IPv6 routers are usually reached by their
 * {@code fe80::} address). Documentation ranges (RFC 5737, RFC 3849) are accepted: labs use them.
 */
public final class AddressRules
{
    /** The roles an address can have in a configuration. */
    public enum Role
    {
        /** A service's virtual address. */
        VIP("VIP"),
        /** A backend of a service. */
        BACKEND("backend"),
        /** The sorry backend of a service. */
        SORRY("sorry backend"),
        /** An address of the LB that it answers ARP / ND for. */
        LOCAL("LB address"),
        /** An outer source address of tunnelled packets. */
        TUNNEL_SOURCE("tunnel source"),
        /** The next hop towards routed backends. */
        GATEWAY("gateway"),
        /** A neighbour whose MAC is configured. */
        STATIC_NEIGHBOUR("static neighbour");

        private final String label;

        Role(final String label)
        {
            this.label = label;
        }

        /** @return the role as people say it, e.g. {@code backend}. */
        public String label()
        {
            return label;
        }

        private boolean mayBeLinkLocal()
        {
            return this == LOCAL || this == GATEWAY || this == STATIC_NEIGHBOUR;
        }
    }

    private static final long IPV6_LINK_LOCAL_MASK = 0xFFC0_0000_0000_0000L;
    private static final long IPV6_LINK_LOCAL = 0xFE80_0000_0000_0000L;

    private AddressRules()
    {
    }

    /**
     * Why an address cannot have a role.
     *
     * @param role    the role.
     * @param address the address.
     * @return the reason, e.g. {@code 127.0.0.1 is a loopback address (127.0.0.0/8): packets to it never
     * leave a host}, or null when the address can have the role.
     */
    public static String refusal(final Role role, final IpAddress address)
    {
        final String kind = address.ipv6() ? ipv6Class(address.hi(), address.lo()) : ipv4Class(address.ipv4());
        if (kind == null || (role.mayBeLinkLocal() && kind.startsWith("a link-local")))
        {
            return null;
        }
        return address + " is " + kind + ", it cannot be a " + role.label();
    }

    /**
     * The class of an IPv4 address that no VIP or backend can have.
     *
     * @param address a.b.c.d as 0xaabbccdd.
     * @return the class with its range and why, or null for a routable unicast address.
     */
    static String ipv4Class(final int address)
    {
        final int first = address >>> 24;
        if (address == 0)
        {
            return "the unspecified address (0.0.0.0): it names no host";
        }
        if (address == -1)
        {
            return "the limited broadcast address (255.255.255.255): it reaches every host of a link";
        }
        if (first == 0)
        {
            return "a \"this network\" address (0.0.0.0/8, RFC 1122): no packet may be sent to it";
        }
        if (first == 127)
        {
            return "a loopback address (127.0.0.0/8): packets to it never leave a host";
        }
        if ((address >>> 16) == 0xA9FE)
        {
            return "a link-local address (169.254.0.0/16): it is not routed beyond its link";
        }
        if (first >= 224 && first <= 239)
        {
            return "a multicast address (224.0.0.0/4): it names a group, not one host";
        }
        if (first >= 240)
        {
            return "a reserved address (240.0.0.0/4, RFC 1112): hosts do not route it";
        }
        return null;
    }

    /**
     * The class of an IPv6 address that no VIP or backend can have.
     *
     * @return the class with its range and why, or null for a routable unicast address.
     */
    static String ipv6Class(final long hi, final long lo)
    {
        if (hi == 0 && lo == 0)
        {
            return "the unspecified address (::): it names no host";
        }
        if (hi == 0 && lo == 1)
        {
            return "the loopback address (::1): packets to it never leave a host";
        }
        if (hi == 0 && (lo >>> 32) == 0)
        {
            return "an IPv4-compatible IPv6 address (::/96, deprecated by RFC 4291): write the IPv4 address itself";
        }
        if ((hi >>> 56) == 0xFF)
        {
            return "a multicast address (ff00::/8): it names a group, not one host";
        }
        if ((hi & IPV6_LINK_LOCAL_MASK) == IPV6_LINK_LOCAL)
        {
            return "a link-local address (fe80::/10): it is not routed beyond its link";
        }
        return null;
    }
}
