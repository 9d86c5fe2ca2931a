package io.sluice.dataplane.service;

/**
 * A backend of one service as the dataplane sees it in a snapshot. Immutable.
 * <p>
 * {@link #id()} is stable across snapshots for the same (service, backend address) pair, so a
 * flow-table entry that names it still finds it after a configuration change, and finds nothing
 * once the backend was removed. {@link #neighbourIndex()} is the slot in the
 * {@link io.sluice.dataplane.neighbour.NeighbourTable} of the next hop packets to this backend go
 * to: the backend itself when it is on-link (DSR, or a tunnel without a gateway), else the gateway.
 */
public final class Backend
{
    private final int id;
    private final int serviceIndex;
    private final int maglevIndex;
    private final IpAddress address;
    private final int weight;
    private final int neighbourIndex;
    private final boolean resetFlows;

    /**
     * @param id             stable id, unique in the snapshot.
     * @param serviceIndex   index of the owning service in the snapshot.
     * @param maglevIndex    position of this backend in the service's backend array (the Maglev index).
     * @param address        the backend's address.
     * @param weight         Maglev weight; 0 drains (no new flows, established ones stay).
     * @param neighbourIndex neighbour-table slot of the next hop.
     * @param resetFlows     whether flows pinned to it re-pick (see {@link #resetsFlows()}).
     */
    public Backend(
        final int id, final int serviceIndex, final int maglevIndex, final IpAddress address, final int weight,
        final int neighbourIndex, final boolean resetFlows)
    {
        this.resetFlows = resetFlows;
        this.id = id;
        this.serviceIndex = serviceIndex;
        this.maglevIndex = maglevIndex;
        this.address = address;
        this.weight = weight;
        this.neighbourIndex = neighbourIndex;
    }

    /** @return stable id. */
    public int id()
    {
        return id;
    }

    /** @return index of the owning service in its snapshot. */
    public int serviceIndex()
    {
        return serviceIndex;
    }

    /** @return position in the service's backend array. */
    public int maglevIndex()
    {
        return maglevIndex;
    }

    /** @return the backend address. */
    public IpAddress address()
    {
        return address;
    }

    /** @return upper 64 bits of the address. */
    public long addressHi()
    {
        return address.hi();
    }

    /** @return lower 64 bits of the address. */
    public long addressLo()
    {
        return address.lo();
    }

    /** @return true for an IPv6 backend. */
    public boolean isIpv6()
    {
        return address.ipv6();
    }

    /** @return the Maglev weight. */
    public int weight()
    {
        return weight;
    }

    /**
     * Whether flows pinned to this backend must leave it: their next packet picks a backend anew
     * (a backend that is down, of a service with reset-on-down).
     *
     * @return true when pinned flows re-pick.
     */
    public boolean resetsFlows()
    {
        return resetFlows;
    }

    /** @return neighbour-table slot of the next hop. */
    public int neighbourIndex()
    {
        return neighbourIndex;
    }

    @Override
    public String toString()
    {
        return "Backend{id=" + id + ", " + address + ", weight=" + weight + "}";
    }
}
