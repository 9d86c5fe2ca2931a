package io.sluice.dataplane.service;

import io.sluice.dataplane.maglev.MaglevTable;

/**
 * One service (VIP, port, protocol) in a snapshot: its forwarding mode, its backends and their
 * Maglev table. Immutable; the fields the hot path reads are plain finals.
 */
public final class Service
{
    private final int index;
    private final int id;
    private final ServiceSpec spec;
    private final long vipHi;
    private final long vipLo;
    private final int port;
    private final int protocol;
    private final ForwardingMode mode;
    private final Backend[] backends;
    private final MaglevTable maglev;
    private final long tcpIdleTimeoutNs;
    private final long udpIdleTimeoutNs;
    private final Scheduler scheduler;
    private final boolean onePacketScheduling;
    private final FragmentPolicy fragments;
    private final boolean l3Flows;
    private final boolean toa;
    private final boolean proxyV2;
    private final int toaKind;
    private final int mssClamp;

    /**
     * Made by {@code ServiceSnapshotBuilder}, which validates the parts.
     *
     * @param index    position in the snapshot.
     * @param id       stable id across snapshots.
     * @param spec     the service's specification.
     * @param backends its backends.
     * @param maglev   its Maglev table.
     */
    public Service(final int index, final int id, final ServiceSpec spec, final Backend[] backends, final MaglevTable maglev)
    {
        this.index = index;
        this.id = id;
        this.spec = spec;
        this.vipHi = spec.vip().hi();
        this.vipLo = spec.vip().lo();
        this.port = spec.port();
        this.protocol = spec.protocol();
        this.mode = spec.mode();
        this.backends = backends;
        this.maglev = maglev;
        this.tcpIdleTimeoutNs = spec.tcpIdleTimeoutNs();
        this.udpIdleTimeoutNs = spec.udpIdleTimeoutNs();
        this.scheduler = spec.scheduler();
        this.onePacketScheduling = spec.onePacketScheduling();
        this.fragments = spec.fragments();
        this.l3Flows = fragments == FragmentPolicy.L3;
        final RewriteOptions rewrite = spec.rewrite();
        this.toa = rewrite.clientAddress() == ClientAddress.TOA;
        this.proxyV2 = rewrite.clientAddress() == ClientAddress.PROXY_V2;
        this.toaKind = rewrite.toaKind();
        this.mssClamp = rewrite.mssClamp();
    }

    /** @return whether the client's TCP segments to the backends get the TOA option ({@link ClientAddress#TOA}). */
    public boolean insertsToa()
    {
        return toa;
    }

    /** @return whether the client's datagrams to the backends get a PROXY v2 header ({@link ClientAddress#PROXY_V2}). */
    public boolean prependsProxyV2()
    {
        return proxyV2;
    }

    /** @return the TOA option's kind. */
    public int toaKind()
    {
        return toaKind;
    }

    /** @return the largest MSS of a SYN or SYN-ACK passing the LB, or {@link RewriteOptions#NO_MSS_CLAMP}. */
    public int mssClamp()
    {
        return mssClamp;
    }

    /** @return what happens to the service's IP fragments. */
    public FragmentPolicy fragments()
    {
        return fragments;
    }

    /**
     * Whether the service's flows are (client address, VIP, protocol) with both ports 0, hashed and
     * kept so ({@link FragmentPolicy#L3}): every packet of a client address, whole or fragment,
     * is one flow.
     *
     * @return true for {@link FragmentPolicy#L3}.
     */
    public boolean l3Flows()
    {
        return l3Flows;
    }

    /** @return the destination port of the service's flow keys: 0 for {@link #l3Flows()}, else the VIP port. */
    public int flowPort()
    {
        return l3Flows ? 0 : port;
    }

    /** @return how new flows pick a backend. */
    public Scheduler scheduler()
    {
        return scheduler;
    }

    /** @return true when no flow state is kept and every packet is scheduled on its own. */
    public boolean onePacketScheduling()
    {
        return onePacketScheduling;
    }

    /** @return index of this service in its snapshot. */
    public int index()
    {
        return index;
    }

    /** @return stable id, below {@link ServiceSnapshot#MAX_SERVICES}: kept across snapshots for the same VIP, port and protocol. */
    public int id()
    {
        return id;
    }

    /** @return the definition this service was built from. */
    public ServiceSpec spec()
    {
        return spec;
    }

    /** @return upper 64 bits of the VIP. */
    public long vipHi()
    {
        return vipHi;
    }

    /** @return lower 64 bits of the VIP. */
    public long vipLo()
    {
        return vipLo;
    }

    /** @return true for an IPv6 VIP. */
    public boolean isIpv6()
    {
        return spec.vip().ipv6();
    }

    /** @return the VIP port. */
    public int port()
    {
        return port;
    }

    /** @return the IP protocol. */
    public int protocol()
    {
        return protocol;
    }

    /** @return the forwarding mode. */
    public ForwardingMode mode()
    {
        return mode;
    }

    /** @return number of backends (including drained ones). */
    public int backendCount()
    {
        return backends.length;
    }

    /** @return the backend at a Maglev index. */
    public Backend backend(final int maglevIndex)
    {
        return backends[maglevIndex];
    }

    /** @return the service's Maglev table. */
    public MaglevTable maglev()
    {
        return maglev;
    }

    /**
     * The backend Maglev picks for a flow hash, ignoring any flow state.
     *
     * @param flowHash {@code FlowKey.hash()}.
     * @return the backend, or null when no backend has a weight above 0.
     */
    public Backend pick(final long flowHash)
    {
        final int index = maglev.lookup(flowHash);
        return index < 0 ? null : backends[index];
    }

    /** @return idle timeout of a TCP flow. */
    public long tcpIdleTimeoutNs()
    {
        return tcpIdleTimeoutNs;
    }

    /** @return idle timeout of a UDP flow. */
    public long udpIdleTimeoutNs()
    {
        return udpIdleTimeoutNs;
    }

    @Override
    public String toString()
    {
        return "Service{" + spec.name() + " " + mode + ", " + backends.length + " backends}";
    }
}
