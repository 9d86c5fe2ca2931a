package io.sluice.lab;

/**
 * One load-balancer host of the lab as {@code lab.sh} builds it: a network namespace with three
 * interfaces. The LAN interface is DPDK's port (no kernel address, ARP off, IPv6 disabled; the
 * Sluice daemon owns {@link #ipv4()} and {@link #ipv6()} on it); the management interface, on the
 * same LAN, is the host kernel's own (health checks, a keepalived peer); the sync interface joins
 * the sync network, apart from the LAN, where the LBs replicate flows to each other.
 *
 * @param name          what {@code lab.sh ecmp} calls it: {@code lb1} or {@code lb2}.
 * @param namespace     its network namespace: {@code sl-lb}, {@code sl-lb2}.
 * @param interfaceName its LAN interface for DPDK: {@code sl-lb0}, {@code sl-lb2-lan}.
 * @param mac           the MAC of that interface, which the DPDK port reports.
 * @param ipv4          its LAN IPv4 address, owned by the daemon: the router's next hop for the VIPs.
 * @param ipv6          its LAN IPv6 address, owned by the daemon.
 * @param mgmtInterface its kernel's LAN interface: {@code sl-lb-mgmt}, {@code sl-lb2-mgmt}.
 * @param mgmtMac       the MAC of the management interface.
 * @param mgmtIpv4      the kernel's LAN IPv4 address (/24).
 * @param mgmtIpv6      the kernel's LAN IPv6 address (/64).
 * @param syncInterface its interface on the sync network: {@code sl-lb-sync}, {@code sl-lb2-sync}.
 * @param syncMac       the MAC of the sync interface.
 * @param syncIpv4      its IPv4 address on the sync network (/24).
 * @param syncIpv6      its IPv6 address on the sync network (/64).
 */
public record LabLbHost(
    String name,
    String namespace,
    String interfaceName,
    String mac,
    String ipv4,
    String ipv6,
    String mgmtInterface,
    String mgmtMac,
    String mgmtIpv4,
    String mgmtIpv6,
    String syncInterface,
    String syncMac,
    String syncIpv4,
    String syncIpv6)
{
    /**
     * The DPDK devargs of a {@code net_af_packet} port on this LB's LAN interface; open it from a
     * thread in {@link #namespace()}.
     *
     * @param instance the vdev instance number, unique in the process.
     * @return e.g. {@code net_af_packet0,iface=sl-lb2-lan}.
     */
    public String afPacketDevice(final int instance)
    {
        return "net_af_packet" + instance + ",iface=" + interfaceName;
    }

    /**
     * The DPDK devargs of a {@code net_af_xdp} port on this LB's LAN interface (one queue, like the veth).
     *
     * @param instance the vdev instance number, unique in the process.
     * @return e.g. {@code net_af_xdp0,iface=sl-lb2-lan}.
     */
    public String afXdpDevice(final int instance)
    {
        return "net_af_xdp" + instance + ",iface=" + interfaceName;
    }
}
