package io.sluice.lab;

import java.util.List;

/**
 * The names and addresses {@code lab/lab.sh} uses, for code that drives the lab (system tests, the
 * demo): one place that must agree with the script, checked against it by the lab tests.
 * <pre>
 *  sl-client                sl-router                      sl-lan (bridge sl-br0)
 *  sl-cl0 ----------------- sl-rt-cl     sl-rt0 ---------- sl-br-rt
 *  198.51.100.2/24          198.51.100.1 203.0.113.1/24    sl-br-lb  ---------- sl-lb0     (sl-lb, DPDK: 203.0.113.2)
 *  2001:db8:c::2/64         2001:db8:c::1 2001:db8:113::1  sl-br-beN ---------- sl-beN-lan (sl-beN: 203.0.113.1N)
 * </pre>
 * The router routes the VIP ranges {@value #VIP_RANGE_IPV4} and {@value #VIP_RANGE_IPV6} to the
 * LB's LAN addresses; the backends hold the VIPs on {@code lo} and route back through the router.
 */
public final class LabTopology
{
    /** Namespace of the client. */
    public static final String CLIENT_NAMESPACE = "sl-client";

    /** Namespace of the router between the client and the LAN. */
    public static final String ROUTER_NAMESPACE = "sl-router";

    /** Namespace holding the LAN bridge {@value #LAN_BRIDGE}; nothing in it has an address. */
    public static final String LAN_NAMESPACE = "sl-lan";

    /** Namespace the load balancer runs in: {@code ip netns exec sl-lb sluice run ...}. */
    public static final String LB_NAMESPACE = "sl-lb";

    /** The LAN bridge, in {@value #LAN_NAMESPACE}. */
    public static final String LAN_BRIDGE = "sl-br0";

    /** The client's interface, towards the router. */
    public static final String CLIENT_INTERFACE = "sl-cl0";

    /** The router's interface towards the client. */
    public static final String ROUTER_CLIENT_INTERFACE = "sl-rt-cl";

    /** The router's LAN interface. */
    public static final String ROUTER_LAN_INTERFACE = "sl-rt0";

    /**
     * The LB's LAN interface, in {@value #LB_NAMESPACE}, for DPDK: one rx and one tx queue, no
     * kernel address, ARP off, IPv6 disabled.
     */
    public static final String LB_INTERFACE = "sl-lb0";

    /** MAC of {@value #LB_INTERFACE}: the MAC the LB's DPDK port reports. */
    public static final String LB_MAC = "02:00:cb:00:71:02";

    /** MAC of the router's LAN interface: the gateway MAC for tunnelled traffic. */
    public static final String ROUTER_LAN_MAC = "02:00:cb:00:71:01";

    /** MAC of the client's interface. */
    public static final String CLIENT_MAC = "02:00:c6:33:64:02";

    /** The client's IPv4 address (/24). */
    public static final String CLIENT_IPV4 = "198.51.100.2";

    /** The client's IPv6 address (/64). */
    public static final String CLIENT_IPV6 = "2001:db8:c::2";

    /** The router's IPv4 address on the client link. */
    public static final String ROUTER_CLIENT_IPV4 = "198.51.100.1";

    /** The router's IPv6 address on the client link. */
    public static final String ROUTER_CLIENT_IPV6 = "2001:db8:c::1";

    /** The router's LAN IPv4 address: the backends' default gateway. */
    public static final String ROUTER_LAN_IPV4 = "203.0.113.1";

    /** The router's LAN IPv6 address: the backends' default gateway. */
    public static final String ROUTER_LAN_IPV6 = "2001:db8:113::1";

    /** The LB host's own kernel address on the LAN (interface sl-lb-mgmt): health checks leave from it. */
    public static final String LB_MGMT_IPV4 = "203.0.113.3";

    /** The LB host's own kernel IPv6 address on the LAN. */
    public static final String LB_MGMT_IPV6 = "2001:db8:113::3";

    /** The LB's LAN IPv4 address, owned by the Sluice daemon on {@value #LB_INTERFACE}; the router's next hop for the VIPs. */
    public static final String LB_IPV4 = "203.0.113.2";

    /** The LB's LAN IPv6 address, owned by the Sluice daemon on {@value #LB_INTERFACE}. */
    public static final String LB_IPV6 = "2001:db8:113::2";

    /** IPv4 VIPs the router sends to the LB. */
    public static final String VIP_RANGE_IPV4 = "192.0.2.0/24";

    /** IPv6 VIPs the router sends to the LB. */
    public static final String VIP_RANGE_IPV6 = "2001:db8:100::/64";

    /** IPv4 VIPs every backend holds on {@code lo}. */
    public static final List<String> VIPS_IPV4 = List.of("192.0.2.10", "192.0.2.11", "192.0.2.12");

    /** IPv6 VIPs every backend holds on {@code lo}. */
    public static final List<String> VIPS_IPV6 = List.of("2001:db8:100::10", "2001:db8:100::11", "2001:db8:100::12");

    /** Port of the backends' HTTP servers (every address, IPv4 and IPv6). */
    public static final int HTTP_PORT = 80;

    /** Port of the backends' UDP echo (every address, IPv4 and IPv6). */
    public static final int UDP_ECHO_PORT = 53;

    /** UDP port the backends' decapsulator takes GUE on. */
    public static final int GUE_PORT = 6080;

    /** How many backends the lab has. */
    public static final int BACKEND_COUNT = 3;

    /** The backends, be1 to be3. */
    public static final List<LabBackend> BACKENDS =
        List.of(LabBackend.number(1), LabBackend.number(2), LabBackend.number(3));

    /** Every namespace the lab creates. */
    public static final List<String> NAMESPACES = List.of(CLIENT_NAMESPACE, ROUTER_NAMESPACE, LAN_NAMESPACE,
        LB_NAMESPACE, BACKENDS.get(0).namespace(), BACKENDS.get(1).namespace(), BACKENDS.get(2).namespace());

    private LabTopology()
    {
    }

    /**
     * The DPDK devargs of a {@code net_af_packet} port on the LB's interface; open it from a thread
     * in {@value #LB_NAMESPACE} (AF_PACKET binds to an interface of the opening thread's namespace).
     *
     * @param instance the vdev instance number, unique in the process: {@code net_af_packet0}.
     * @return e.g. {@code net_af_packet0,iface=sl-lb0}.
     */
    public static String afPacketDevice(final int instance)
    {
        return "net_af_packet" + instance + ",iface=" + LB_INTERFACE;
    }

    /**
     * The DPDK devargs of a {@code net_af_xdp} port on the LB's interface (one queue, like the veth).
     *
     * @param instance the vdev instance number, unique in the process: {@code net_af_xdp0}.
     * @return e.g. {@code net_af_xdp0,iface=sl-lb0}.
     */
    public static String afXdpDevice(final int instance)
    {
        return "net_af_xdp" + instance + ",iface=" + LB_INTERFACE;
    }

    /**
     * The backend of a given name.
     *
     * @param name {@code be1}, {@code be2} or {@code be3}.
     * @return the backend.
     * @throws IllegalArgumentException when the lab has no backend of that name.
     */
    public static LabBackend backend(final String name)
    {
        for (final LabBackend backend : BACKENDS)
        {
            if (backend.name().equals(name))
            {
                return backend;
            }
        }
        throw new IllegalArgumentException("the lab has no backend '" + name + "' (backends: be1, be2, be3)");
    }
}
