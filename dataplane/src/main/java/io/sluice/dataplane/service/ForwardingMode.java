package io.sluice.dataplane.service;

import io.sluice.dataplane.packet.GueFlyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.UdpFlyweight;

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
    GUE,
    /**
     * Destination NAT: the destination address and port are rewritten to the backend's, whose
     * replies are routed back through the LB, which rewrites their source to the VIP and port. The
     * backend sees the client's address; it needs nothing but its route. Backends on-link, of the
     * VIP's family.
     */
    NAT,
    /**
     * Full NAT: the destination becomes the backend's address and port, the source one of the LB's
     * NAT addresses and a port of its pool for that backend, so the backend's replies come back to
     * the LB with no route or configuration on the backend; the reply is translated back by the
     * flow's reverse entry. The backend sees the LB's address, not the client's. Backends on-link,
     * of the VIP's family.
     */
    FULLNAT;

    /**
     * Bytes this mode adds in front of the client's IP packet.
     *
     * @param outerIpv6  the outer family (the backend's).
     * @param gueVariant 0 (a 4-byte GUE header) or 1 (none); only GUE reads it.
     * @return the overhead: 0 for DSR and the NAT modes, the outer IP header for IPIP, plus UDP and GUE for GUE.
     */
    public int overhead(final boolean outerIpv6, final int gueVariant)
    {
        if (this == DSR || this == NAT || this == FULLNAT)
        {
            return 0;
        }
        final int ip = outerIpv6 ? Ipv6Flyweight.HEADER_LENGTH : Ipv4Flyweight.MIN_HEADER_LENGTH;
        return this == GUE ? ip + UdpFlyweight.HEADER_LENGTH + (gueVariant == 0 ? GueFlyweight.HEADER_LENGTH : 0) : ip;
    }
}
