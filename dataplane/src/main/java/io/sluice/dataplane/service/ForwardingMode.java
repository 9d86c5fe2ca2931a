package io.sluice.dataplane.service;

/**
 * How packets of a service reach its backends.
 */
public enum ForwardingMode
{
    /** Direct server return: only the destination MAC is rewritten; backends hold the VIP on a loopback. */
    DSR,
    /** IP-in-IP: 4in4 or 6in6; the backend family must match the VIP's. */
    IPIP,
    /** Generic UDP Encapsulation to the configured GUE port; any inner/outer family mix. */
    GUE;

    /** Outer IPv4 header length of a tunnel. */
    public static final int IPV4_HEADER_LENGTH = 20;
    /** Outer IPv6 header length of a tunnel. */
    public static final int IPV6_HEADER_LENGTH = 40;
    /** UDP header length. */
    public static final int UDP_HEADER_LENGTH = 8;
    /** GUE variant 0 header length (no optional fields). */
    public static final int GUE_HEADER_LENGTH = 4;

    /**
     * Bytes this mode adds in front of the client's IP packet.
     *
     * @param outerIpv6  the outer family (the backend's).
     * @param gueVariant 0 (a 4-byte GUE header) or 1 (none); only GUE reads it.
     * @return the overhead: 0 for DSR, the outer IP header for IPIP, plus UDP and GUE for GUE.
     */
    public int overhead(final boolean outerIpv6, final int gueVariant)
    {
        if (this == DSR)
        {
            return 0;
        }
        final int ip = outerIpv6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH;
        return this == GUE ? ip + UDP_HEADER_LENGTH + (gueVariant == 0 ? GUE_HEADER_LENGTH : 0) : ip;
    }
}
