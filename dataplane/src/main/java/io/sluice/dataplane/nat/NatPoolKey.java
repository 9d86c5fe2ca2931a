package io.sluice.dataplane.nat;

import io.sluice.dataplane.flow.FlowKey;

/**
 * The identity of one full-NAT port pool: an LB-owned NAT address (laddr), a backend endpoint and the
 * transport protocol. Two flows translated to the same laddr and port towards the same backend endpoint
 * would be one connection for the backend, so there is exactly one pool per key, whichever services use
 * it. Addresses are two longs each in network order, IPv4 held IPv4-mapped, as in {@link FlowKey}; the
 * laddr and the backend are of one family.
 *
 * @param ipv6        whether both addresses are IPv6.
 * @param laddrHi     upper 64 bits of the NAT address.
 * @param laddrLo     lower 64 bits of the NAT address.
 * @param backendHi   upper 64 bits of the backend's address.
 * @param backendLo   lower 64 bits of the backend's address.
 * @param backendPort the backend's port, 1..65535.
 * @param protocol    {@link #TCP} or {@link #UDP}.
 */
public record NatPoolKey(
    boolean ipv6, long laddrHi, long laddrLo, long backendHi, long backendLo, int backendPort, int protocol)
{
    /** The IP protocol number of TCP. */
    public static final int TCP = 6;
    /** The IP protocol number of UDP. */
    public static final int UDP = 17;

    /**
     * Validates the key.
     *
     * @throws IllegalArgumentException when the protocol is not TCP or UDP, the port is out of range, or an
     *     IPv4 key holds an address that is not IPv4-mapped.
     */
    public NatPoolKey
    {
        if (protocol != TCP && protocol != UDP)
        {
            throw new IllegalArgumentException("a NAT port pool is for TCP (6) or UDP (17), not protocol " + protocol);
        }
        if (backendPort < 1 || backendPort > PortPool.MAX_PORT)
        {
            throw new IllegalArgumentException("backend port " + backendPort + " is outside 1.." + PortPool.MAX_PORT);
        }
        if (!ipv6 && !(FlowKey.isIpv4Mapped(laddrHi, laddrLo) && FlowKey.isIpv4Mapped(backendHi, backendLo)))
        {
            throw new IllegalArgumentException("an IPv4 NAT pool holds its addresses IPv4-mapped (::ffff:a.b.c.d)");
        }
    }

    /**
     * An IPv4 pool key.
     *
     * @param laddr       the NAT address, {@code a.b.c.d} as {@code 0xaabbccdd}.
     * @param backend     the backend's address, same form.
     * @param backendPort the backend's port.
     * @param protocol    {@link #TCP} or {@link #UDP}.
     * @return the key.
     */
    public static NatPoolKey ipv4(final int laddr, final int backend, final int backendPort, final int protocol)
    {
        return new NatPoolKey(false, FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(laddr), FlowKey.IPV4_MAPPED_HI,
            FlowKey.ipv4MappedLo(backend), backendPort, protocol);
    }

    /**
     * An IPv6 pool key.
     *
     * @param laddrHi     upper 64 bits of the NAT address (network order).
     * @param laddrLo     lower 64 bits of the NAT address.
     * @param backendHi   upper 64 bits of the backend's address.
     * @param backendLo   lower 64 bits of the backend's address.
     * @param backendPort the backend's port.
     * @param protocol    {@link #TCP} or {@link #UDP}.
     * @return the key.
     */
    public static NatPoolKey ipv6(
        final long laddrHi, final long laddrLo, final long backendHi, final long backendLo, final int backendPort,
        final int protocol)
    {
        return new NatPoolKey(true, laddrHi, laddrLo, backendHi, backendLo, backendPort, protocol);
    }

    /**
     * The tuple of a reply as the NIC sees it: from the backend endpoint to the NAT address and a local port.
     *
     * @param into      the key to set.
     * @param localPort the local (NAT) port, 0..65535.
     * @return {@code into}.
     */
    public FlowKey replyKey(final FlowKey into, final int localPort)
    {
        return ipv6 ?
            into.setIpv6(backendHi, backendLo, laddrHi, laddrLo, backendPort, localPort, protocol) :
            into.setIpv4((int)backendLo, (int)laddrLo, backendPort, localPort, protocol);
    }

    /**
     * For a log line.
     *
     * @return the laddr, the backend endpoint and the protocol.
     */
    @Override
    public String toString()
    {
        final String backend = address(backendHi, backendLo);
        return (protocol == TCP ? "tcp " : "udp ") + address(laddrHi, laddrLo) + " -> " +
            (ipv6 ? "[" + backend + "]" : backend) + ":" + backendPort;
    }

    private String address(final long hi, final long lo)
    {
        if (!ipv6)
        {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        final StringBuilder text = new StringBuilder();
        for (int group = 0; group < 8; group++)
        {
            final long word = group < 4 ? hi : lo;
            text.append(group == 0 ? "" : ":").append(Long.toHexString((word >>> (48 - 16 * (group & 3))) & 0xFFFF));
        }
        return text.toString();
    }
}
