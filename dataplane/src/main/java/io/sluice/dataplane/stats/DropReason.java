package io.sluice.dataplane.stats;

/**
 * Why a received packet was dropped. Every drop names one of these and increments its counter, so
 * {@code rx = forwarded + replied + punted + sum(drops)} holds per worker.
 */
public enum DropReason
{
    /** Frame shorter than its Ethernet header and tags. */
    MALFORMED_ETHERNET("malformed-ethernet"),
    /** ARP that is truncated or not Ethernet/IPv4. */
    MALFORMED_ARP("malformed-arp"),
    /** IPv4 header truncated, wrong version or IHL, or total length beyond the frame. */
    MALFORMED_IPV4("malformed-ipv4"),
    /** IPv6 header truncated, payload length beyond the frame, extension headers malformed, or an IPv4-mapped address. */
    MALFORMED_IPV6("malformed-ipv6"),
    /** TCP, UDP or ICMP header truncated or inconsistent. */
    MALFORMED_L4("malformed-l4"),
    /** EtherType that is neither IPv4, IPv6 nor ARP. */
    UNSUPPORTED_ETHERTYPE("unsupported-ethertype"),
    /** Unicast frame for another MAC, or broadcast / multicast IP that Sluice does not serve. */
    NOT_FOR_US("not-for-us"),
    /** IP packet for an address and port that is no service and no LB address. */
    NO_VIP("no-vip"),
    /** IP protocol a VIP does not serve (neither TCP, UDP nor ICMP). */
    UNSUPPORTED_PROTOCOL("unsupported-protocol"),
    /** IP fragment to a VIP: fragments carry no ports to hash on. */
    FRAGMENT("fragment"),
    /** TTL or hop limit would reach 0 when tunnelling. */
    TTL_EXPIRED("ttl-expired"),
    /** The service has no backend with a weight above 0. */
    NO_BACKEND("no-backend"),
    /** The next hop's MAC is not known yet (ARP / ND in progress). */
    NEIGHBOUR_UNRESOLVED("neighbour-unresolved"),
    /** Not enough headroom in the buffer for the tunnel headers. */
    NO_HEADROOM("no-headroom"),
    /** Encapsulated packet exceeds the MTU and may be fragmented (no DF): it cannot be sent whole. */
    TOO_BIG("too-big"),
    /** ICMP to a VIP that is neither an echo request nor an error quoting a VIP flow. */
    ICMP_NOT_HANDLED("icmp-not-handled"),
    /** ARP request for an address that is not the LB's. */
    ARP_NOT_OURS("arp-not-ours"),
    /** Neighbour solicitation for another address, or an ND message failing RFC 4861 checks. */
    ND_NOT_OURS("nd-not-ours"),
    /** The NIC TX queue had no room for the packet. */
    TX_QUEUE_FULL("tx-queue-full"),
    /** The punt queue to the control plane was full. */
    PUNT_QUEUE_FULL("punt-queue-full"),
    /** A chained (multi-segment) mbuf: Sluice forwards single-segment frames only. */
    MULTI_SEGMENT("multi-segment"),
    /**
     * For a virtual address this LB is VRRP backup for: its traffic, ARP requests and neighbour
     * solicitations (the master answers them).
     */
    STANDBY("standby"),
    /** UDP over IPv6 with checksum 0 (invalid, RFC 8200 8.1) to be translated by NAT: no receiver would take it. */
    UDP_ZERO_CHECKSUM("udp6-zero-checksum"),
    /** A new full-NAT flow found no free port in its backend's pools (every NAT address tried). */
    NAT_PORTS_EXHAUSTED("nat-ports-exhausted"),
    /** TCP or UDP to a NAT address that matches no live full-NAT flow: a late reply, or a scan. */
    NAT_NO_MAPPING("nat-no-mapping"),
    /** A new full-NAT flow found no flow-table slot for its forward or reverse entry (buckets full of fresh flows). */
    NAT_NO_SLOT("nat-no-slot"),
    /**
     * A new full-NAT flow whose backend's NAT addresses are all virtual addresses this LB is VRRP
     * backup for: the backends' replies would go to the master.
     */
    NAT_ADDRESS_STANDBY("nat-address-standby"),
    /** The pipeline threw: a defect; the packet and the rest of its burst were freed, not leaked. */
    INTERNAL_ERROR("internal-error");

    private static final DropReason[] VALUES = values();
    private final String label;

    DropReason(final String label)
    {
        this.label = label;
    }

    /** @return the label used in counters and metrics. */
    public String label()
    {
        return label;
    }

    /** @return the reason with an ordinal. */
    public static DropReason of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    /** @return the number of reasons. */
    public static int count()
    {
        return VALUES.length;
    }
}
