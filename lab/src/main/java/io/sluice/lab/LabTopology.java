package io.sluice.lab;

import java.util.List;

/**
 * The names and addresses {@code lab/lab.sh} uses, for code that drives the lab (system tests, the
 * demo): one place that must agree with the script, checked against it by the lab tests.
 * <pre>
 *  sl-client                sl-router                      sl-lan (bridge sl-br0)
 *  sl-cl0 ----------------- sl-rt-cl     sl-rt0 ---------- sl-br-rt
 *  198.51.100.2/24          198.51.100.1 203.0.113.1/24    sl-br-lb  ---------- sl-lb0      (sl-lb,  DPDK: 203.0.113.2)
 *  2001:db8:c::2/64         2001:db8:c::1 2001:db8:113::1  sl-br-lb2 ---------- sl-lb2-lan  (sl-lb2, DPDK: 203.0.113.4)
 *                                                          sl-br-mgmt, -mgmt2 - sl-lb-mgmt, sl-lb2-mgmt (203.0.113.3, .5)
 *                                                          sl-br-beN ---------- sl-beN-lan  (sl-beN: 203.0.113.1N)
 *
 *                                                          sl-lan (bridge sl-sync0, the sync network)
 *                                                          sl-bs-lb    -------- sl-lb-sync  (sl-lb:    198.18.0.1, 2001:db8:18::1)
 *                                                          sl-bs-lb2   -------- sl-lb2-sync (sl-lb2:   198.18.0.2, 2001:db8:18::2)
 *                                                          sl-bs-rogue -------- sl-rogue0   (sl-rogue: 198.18.0.3, 2001:db8:18::3)
 * </pre>
 * The router routes the VIP ranges {@value #VIP_RANGE_IPV4} and {@value #VIP_RANGE_IPV6} to the
 * first LB's LAN addresses ({@link #LB1}); {@code lab.sh ecmp} gives a VIP a multipath route over
 * both LBs ({@link LabScript#ecmp}). The backends hold the VIPs on {@code lo} and route back through
 * the router; {@link LabScript#natRoute} sends what leaves from their LAN addresses (the replies of
 * {@code nat} services) through an LB instead. The sync network has no router: nothing but the LBs and the rogue reach it.
 */
public final class LabTopology
{
    /** Namespace of the client. */
    public static final String CLIENT_NAMESPACE = "sl-client";

    /** Namespace of the router between the client and the LAN. */
    public static final String ROUTER_NAMESPACE = "sl-router";

    /** Namespace holding the LAN bridge {@value #LAN_BRIDGE} and the sync bridge {@value #SYNC_BRIDGE}; nothing in it has an address. */
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

    /** The first LB host's kernel interface on the LAN. */
    public static final String LB_MGMT_INTERFACE = "sl-lb-mgmt";

    /** MAC of {@value #LB_MGMT_INTERFACE}. */
    public static final String LB_MGMT_MAC = "02:00:cb:00:71:03";

    /** Namespace of the second load balancer. */
    public static final String LB2_NAMESPACE = "sl-lb2";

    /** The second LB's LAN interface, in {@value #LB2_NAMESPACE}, for DPDK (as {@value #LB_INTERFACE} is for the first). */
    public static final String LB2_INTERFACE = "sl-lb2-lan";

    /** MAC of {@value #LB2_INTERFACE}. */
    public static final String LB2_MAC = "02:00:cb:00:71:04";

    /** The second LB's LAN IPv4 address, owned by its daemon on {@value #LB2_INTERFACE}. */
    public static final String LB2_IPV4 = "203.0.113.4";

    /** The second LB's LAN IPv6 address, owned by its daemon on {@value #LB2_INTERFACE}. */
    public static final String LB2_IPV6 = "2001:db8:113::4";

    /** The second LB host's kernel interface on the LAN. */
    public static final String LB2_MGMT_INTERFACE = "sl-lb2-mgmt";

    /** MAC of {@value #LB2_MGMT_INTERFACE}. */
    public static final String LB2_MGMT_MAC = "02:00:cb:00:71:05";

    /** The second LB host's own kernel IPv4 address on the LAN (/24). */
    public static final String LB2_MGMT_IPV4 = "203.0.113.5";

    /** The second LB host's own kernel IPv6 address on the LAN (/64). */
    public static final String LB2_MGMT_IPV6 = "2001:db8:113::5";

    /** Namespace on the sync network only, for tests that send forged or replayed sync messages. */
    public static final String ROGUE_NAMESPACE = "sl-rogue";

    /** The sync network's bridge, in {@value #LAN_NAMESPACE}, apart from the LAN; no router on it. */
    public static final String SYNC_BRIDGE = "sl-sync0";

    /** The sync network's IPv4 subnet (the benchmarking range of RFC 2544: the documentation ranges are taken). */
    public static final String SYNC_SUBNET_IPV4 = "198.18.0.0/24";

    /** The sync network's IPv6 subnet. */
    public static final String SYNC_SUBNET_IPV6 = "2001:db8:18::/64";

    /** The first LB's interface on the sync network. */
    public static final String LB_SYNC_INTERFACE = "sl-lb-sync";

    /** MAC of {@value #LB_SYNC_INTERFACE}. */
    public static final String LB_SYNC_MAC = "02:00:c6:12:00:01";

    /** The first LB's IPv4 address on the sync network (/24). */
    public static final String LB_SYNC_IPV4 = "198.18.0.1";

    /** The first LB's IPv6 address on the sync network (/64). */
    public static final String LB_SYNC_IPV6 = "2001:db8:18::1";

    /** The second LB's interface on the sync network. */
    public static final String LB2_SYNC_INTERFACE = "sl-lb2-sync";

    /** MAC of {@value #LB2_SYNC_INTERFACE}. */
    public static final String LB2_SYNC_MAC = "02:00:c6:12:00:02";

    /** The second LB's IPv4 address on the sync network (/24). */
    public static final String LB2_SYNC_IPV4 = "198.18.0.2";

    /** The second LB's IPv6 address on the sync network (/64). */
    public static final String LB2_SYNC_IPV6 = "2001:db8:18::2";

    /** The rogue's interface on the sync network. */
    public static final String ROGUE_SYNC_INTERFACE = "sl-rogue0";

    /** MAC of {@value #ROGUE_SYNC_INTERFACE}. */
    public static final String ROGUE_SYNC_MAC = "02:00:c6:12:00:03";

    /** The rogue's IPv4 address on the sync network (/24). */
    public static final String ROGUE_SYNC_IPV4 = "198.18.0.3";

    /** The rogue's IPv6 address on the sync network (/64). */
    public static final String ROGUE_SYNC_IPV6 = "2001:db8:18::3";

    /** The first load balancer, {@code lb1}: the one the VIP ranges are routed to by default. */
    public static final LabLbHost LB1 = new LabLbHost("lb1", LB_NAMESPACE, LB_INTERFACE, LB_MAC, LB_IPV4, LB_IPV6,
        LB_MGMT_INTERFACE, LB_MGMT_MAC, LB_MGMT_IPV4, LB_MGMT_IPV6, LB_SYNC_INTERFACE, LB_SYNC_MAC, LB_SYNC_IPV4, LB_SYNC_IPV6);

    /** The second load balancer, {@code lb2}: gets VIP traffic only through {@code lab.sh ecmp}. */
    public static final LabLbHost LB2 = new LabLbHost("lb2", LB2_NAMESPACE, LB2_INTERFACE, LB2_MAC, LB2_IPV4, LB2_IPV6,
        LB2_MGMT_INTERFACE, LB2_MGMT_MAC, LB2_MGMT_IPV4, LB2_MGMT_IPV6, LB2_SYNC_INTERFACE, LB2_SYNC_MAC, LB2_SYNC_IPV4,
        LB2_SYNC_IPV6);

    /** Both load balancers, lb1 then lb2. */
    public static final List<LabLbHost> LOAD_BALANCERS = List.of(LB1, LB2);

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

    /**
     * The backends' second HTTP port, serving as {@value #HTTP_PORT} does: the backend port of NAT
     * services, apart from the port the DSR and tunnel services use.
     */
    public static final int NAT_HTTP_PORT = 8080;

    /** The locked MTU {@code lab.sh pmtu on} gives the router's routes to the client when not told another. */
    public static final int PMTU_DEFAULT = 1280;

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
        LB_NAMESPACE, BACKENDS.get(0).namespace(), BACKENDS.get(1).namespace(), BACKENDS.get(2).namespace(),
        LB2_NAMESPACE, ROGUE_NAMESPACE);

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
        return LB1.afPacketDevice(instance);
    }

    /**
     * The DPDK devargs of a {@code net_af_xdp} port on the LB's interface (one queue, like the veth).
     *
     * @param instance the vdev instance number, unique in the process: {@code net_af_xdp0}.
     * @return e.g. {@code net_af_xdp0,iface=sl-lb0}.
     */
    public static String afXdpDevice(final int instance)
    {
        return LB1.afXdpDevice(instance);
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

    /**
     * The load balancer of a given name.
     *
     * @param name {@code lb1} or {@code lb2}.
     * @return the load balancer.
     * @throws IllegalArgumentException when the lab has no load balancer of that name.
     */
    public static LabLbHost loadBalancer(final String name)
    {
        for (final LabLbHost lb : LOAD_BALANCERS)
        {
            if (lb.name().equals(name))
            {
                return lb;
            }
        }
        throw new IllegalArgumentException("the lab has no load balancer '" + name + "' (load balancers: lb1, lb2)");
    }
}
