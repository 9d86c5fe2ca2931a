package io.sluice.dataplane.service;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sluice.dataplane.maglev.MaglevTable;

/**
 * The declarative form of one service (a VIP, port and protocol with its backends), as the control
 * plane hands it to {@link io.sluice.dataplane.snapshot.ServiceSnapshotBuilder}. Validated there, not here.
 *
 * @param vip                the virtual address.
 * @param port               the VIP port, 1..65535 (0 for a protocol without ports).
 * @param protocol           IP protocol number: 6 TCP or 17 UDP.
 * @param mode               forwarding mode.
 * @param backends           backends with weights.
 * @param maglevSize         Maglev table size (a prime), e.g. {@code MaglevTable.DEFAULT_SIZE}.
 * @param tcpIdleTimeoutNs   idle timeout of an established TCP flow.
 * @param udpIdleTimeoutNs   idle timeout of a UDP flow.
 * @param scheduler          how new flows pick a backend.
 * @param onePacketScheduling one-packet scheduling (UDP only, IPVS's "ops"): no flow state; every
 *                           packet is scheduled on its own, e.g. for DNS over a stateful scheduler.
 * @param backendPort        the port the backends serve on, which {@link ForwardingMode#NAT} rewrites
 *                           the VIP port to; 0 for the VIP port (the only choice of the other modes).
 * @param fragments          what happens to IP fragments of the service's datagrams.
 * @param rewrite            what the NAT rewrite adds: the client's address for the backends, the MSS clamp.
 */
public record ServiceSpec(
    IpAddress vip, int port, int protocol, ForwardingMode mode, List<BackendSpec> backends, int maglevSize,
    long tcpIdleTimeoutNs, long udpIdleTimeoutNs, Scheduler scheduler, boolean onePacketScheduling,
    int backendPort, FragmentPolicy fragments, RewriteOptions rewrite)
{
    /** Default idle timeout of an established TCP flow. */
    public static final long DEFAULT_TCP_IDLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(300);
    /** Default idle timeout of a UDP flow. */
    public static final long DEFAULT_UDP_IDLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * A service with the default Maglev size and idle timeouts.
     *
     * @return the definition.
     */
    public static ServiceSpec of(
        final IpAddress vip, final int port, final int protocol, final ForwardingMode mode, final List<BackendSpec> backends)
    {
        return new ServiceSpec(vip, port, protocol, mode, backends, MaglevTable.DEFAULT_SIZE,
            DEFAULT_TCP_IDLE_TIMEOUT_NS, DEFAULT_UDP_IDLE_TIMEOUT_NS);
    }

    /**
     * Copies the backend list.
     */
    public ServiceSpec
    {
        backends = List.copyOf(backends);
        if (scheduler == null || fragments == null || rewrite == null)
        {
            throw new IllegalArgumentException(
                "service " + vip + ":" + port + ": scheduler, fragment policy and rewrite options must be given");
        }
    }

    /**
     * A service whose rewrite adds nothing ({@link RewriteOptions#NONE}).
     *
     * @param vip                 the VIP.
     * @param port                the VIP port.
     * @param protocol            6 or 17.
     * @param mode                how packets reach the backends.
     * @param backends            the backends.
     * @param maglevSize          the Maglev table size.
     * @param tcpIdleTimeoutNs    TCP idle timeout.
     * @param udpIdleTimeoutNs    UDP idle timeout.
     * @param scheduler           how new flows pick a backend.
     * @param onePacketScheduling one-packet scheduling.
     * @param backendPort         the port the backends serve on, 0 for the VIP port.
     * @param fragments           what happens to fragments.
     */
    public ServiceSpec(
        final IpAddress vip, final int port, final int protocol, final ForwardingMode mode, final List<BackendSpec> backends,
        final int maglevSize, final long tcpIdleTimeoutNs, final long udpIdleTimeoutNs, final Scheduler scheduler,
        final boolean onePacketScheduling, final int backendPort, final FragmentPolicy fragments)
    {
        this(vip, port, protocol, mode, backends, maglevSize, tcpIdleTimeoutNs, udpIdleTimeoutNs, scheduler,
            onePacketScheduling, backendPort, fragments, RewriteOptions.NONE);
    }

    /**
     * A service whose backends serve on the VIP port and whose fragments are dropped.
     *
     * @param vip                 the VIP.
     * @param port                the VIP port.
     * @param protocol            6 or 17.
     * @param mode                how packets reach the backends.
     * @param backends            the backends.
     * @param maglevSize          the Maglev table size.
     * @param tcpIdleTimeoutNs    TCP idle timeout.
     * @param udpIdleTimeoutNs    UDP idle timeout.
     * @param scheduler           how new flows pick a backend.
     * @param onePacketScheduling one-packet scheduling.
     */
    public ServiceSpec(
        final IpAddress vip, final int port, final int protocol, final ForwardingMode mode, final List<BackendSpec> backends,
        final int maglevSize, final long tcpIdleTimeoutNs, final long udpIdleTimeoutNs, final Scheduler scheduler,
        final boolean onePacketScheduling)
    {
        this(vip, port, protocol, mode, backends, maglevSize, tcpIdleTimeoutNs, udpIdleTimeoutNs, scheduler,
            onePacketScheduling, 0, FragmentPolicy.DROP);
    }

    /**
     * A Maglev service whose flows are tracked.
     *
     * @param vip              the VIP.
     * @param port             the VIP port.
     * @param protocol         6 or 17.
     * @param mode             how packets reach the backends.
     * @param backends         the backends.
     * @param maglevSize       the Maglev table size.
     * @param tcpIdleTimeoutNs TCP idle timeout.
     * @param udpIdleTimeoutNs UDP idle timeout.
     */
    public ServiceSpec(
        final IpAddress vip, final int port, final int protocol, final ForwardingMode mode, final List<BackendSpec> backends,
        final int maglevSize, final long tcpIdleTimeoutNs, final long udpIdleTimeoutNs)
    {
        this(vip, port, protocol, mode, backends, maglevSize, tcpIdleTimeoutNs, udpIdleTimeoutNs, Scheduler.MAGLEV, false);
    }

    /**
     * The same service with another scheduler and one-packet-scheduling setting.
     *
     * @param newScheduler the scheduler.
     * @param onePacket    true for one-packet scheduling (UDP only: no flow state, every packet scheduled).
     * @return the new spec.
     */
    public ServiceSpec withScheduling(final Scheduler newScheduler, final boolean onePacket)
    {
        return new ServiceSpec(vip, port, protocol, mode, backends, maglevSize, tcpIdleTimeoutNs, udpIdleTimeoutNs,
            newScheduler, onePacket, backendPort, fragments, rewrite);
    }

    /**
     * The same service with another backend port and fragment policy.
     *
     * @param newBackendPort the port the backends serve on (NAT), 0 for the VIP port.
     * @param newFragments   what happens to fragments.
     * @return the new spec.
     */
    public ServiceSpec withTranslation(final int newBackendPort, final FragmentPolicy newFragments)
    {
        return new ServiceSpec(vip, port, protocol, mode, backends, maglevSize, tcpIdleTimeoutNs, udpIdleTimeoutNs,
            scheduler, onePacketScheduling, newBackendPort, newFragments, rewrite);
    }

    /**
     * The same service with other rewrite options.
     *
     * @param newRewrite the client-address carrier, TOA kind and MSS clamp.
     * @return the new spec.
     */
    public ServiceSpec withRewrite(final RewriteOptions newRewrite)
    {
        return new ServiceSpec(vip, port, protocol, mode, backends, maglevSize, tcpIdleTimeoutNs, udpIdleTimeoutNs,
            scheduler, onePacketScheduling, backendPort, fragments, newRewrite);
    }

    /** @return the port the backends serve on: {@link #backendPort} when set, else the VIP port. */
    public int targetPort()
    {
        return backendPort != 0 ? backendPort : port;
    }

    /**
     * One backend of a service.
     *
     * @param address    backend address.
     * @param weight     weight, 0..65535; 0 takes no new flows (drain, or down).
     * @param resetFlows true when flows pinned to it must leave it (a backend down, of a service
     *                   with reset-on-down): their next packet picks a backend anew.
     */
    public record BackendSpec(IpAddress address, int weight, boolean resetFlows)
    {
        /**
         * A backend whose pinned flows stay.
         *
         * @param address backend address.
         * @param weight  weight, 0..65535.
         */
        public BackendSpec(final IpAddress address, final int weight)
        {
            this(address, weight, false);
        }
    }

    /** @return a short name for messages: {@code 10.0.0.1:80/tcp}. */
    public String name()
    {
        final String proto = protocol == 6 ? "tcp" : protocol == 17 ? "udp" : Integer.toString(protocol);
        return (vip.ipv6() ? "[" + vip + "]" : vip.toString()) + ":" + port + "/" + proto;
    }
}
