package io.sluice.dataplane.service;

import java.util.ArrayList;
import java.util.List;

/**
 * The replies of {@link ForwardingMode#NAT} services, recognised by their source: a packet from a
 * backend's address and port (the service's backend port) with the service's protocol is the
 * reply of one of that service's flows, whose source becomes the VIP and port again. Stateless:
 * the reply needs no flow entry, so it may reach any worker (the NIC hashes the reply tuple, not
 * the client's). One backend endpoint belongs to one NAT service at most, which the snapshot
 * builder checks.
 * <p>
 * An open-addressing table over primitive arrays, built on the control thread; lookups allocate
 * nothing.
 */
public final class NatReplies
{
    private static final NatReplies EMPTY = new NatReplies(List.of());

    private final long[] hi;
    private final long[] lo;
    private final int[] portProtocol;
    private final Backend[] backends;
    private final int mask;
    private final int size;

    private NatReplies(final List<Backend> entries)
    {
        int capacity = 4;
        while (capacity < entries.size() * 2)
        {
            capacity <<= 1;
        }
        hi = new long[capacity];
        lo = new long[capacity];
        portProtocol = new int[capacity];
        backends = new Backend[capacity];
        mask = capacity - 1;
        size = entries.size();
    }

    /**
     * The table of the NAT services among these: every backend of each, by its address and the
     * service's backend port and protocol.
     *
     * @param services the services that take traffic (not those of a virtual address in standby).
     * @return the table, shared and empty when there is no NAT service.
     * @throws IllegalArgumentException when two NAT services share a backend endpoint.
     */
    public static NatReplies of(final List<Service> services)
    {
        final List<Backend> entries = new ArrayList<>();
        final List<Service> owners = new ArrayList<>();
        for (final Service service : services)
        {
            if (service.mode() == ForwardingMode.NAT)
            {
                for (int i = 0; i < service.backendCount(); i++)
                {
                    entries.add(service.backend(i));
                    owners.add(service);
                }
            }
        }
        if (entries.isEmpty())
        {
            return EMPTY;
        }
        final NatReplies table = new NatReplies(entries);
        for (int e = 0; e < entries.size(); e++)
        {
            final Backend backend = entries.get(e);
            final Service service = owners.get(e);
            table.put(backend, service.spec().targetPort(), service.protocol());
        }
        return table;
    }

    private void put(final Backend backend, final int port, final int protocol)
    {
        final int key = (port << 8) | protocol;
        int i = slot(backend.addressHi(), backend.addressLo(), key);
        while (backends[i] != null)
        {
            if (hi[i] == backend.addressHi() && lo[i] == backend.addressLo() && portProtocol[i] == key)
            {
                throw new IllegalArgumentException("backend " + backend.address() + " port " + port +
                    " serves two NAT services: its replies could not be told apart");
            }
            i = (i + 1) & mask;
        }
        hi[i] = backend.addressHi();
        lo[i] = backend.addressLo();
        portProtocol[i] = key;
        backends[i] = backend;
    }

    private int slot(final long addressHi, final long addressLo, final int key)
    {
        long h = (addressHi * 0x9E3779B97F4A7C15L) ^ addressLo ^ ((long)key << 40);
        h *= 0xC2B2AE3D27D4EB4FL;
        return (int)(h >>> 40) & mask;
    }

    /** @return whether there is no NAT service. */
    public boolean isEmpty()
    {
        return size == 0;
    }

    /**
     * The backend a packet comes from, when its source is a NAT service's backend endpoint.
     *
     * @param addressHi the source address, high half (IPv4-mapped for IPv4).
     * @param addressLo the source address, low half.
     * @param port      the source port.
     * @param protocol  6 or 17.
     * @return the backend (its {@link Backend#serviceIndex()} names the service), or null.
     */
    public Backend backendOf(final long addressHi, final long addressLo, final int port, final int protocol)
    {
        if (size == 0)
        {
            return null;
        }
        final int key = (port << 8) | protocol;
        int i = slot(addressHi, addressLo, key);
        Backend backend;
        while ((backend = backends[i]) != null)
        {
            if (hi[i] == addressHi && lo[i] == addressLo && portProtocol[i] == key)
            {
                return backend;
            }
            i = (i + 1) & mask;
        }
        return null;
    }
}
