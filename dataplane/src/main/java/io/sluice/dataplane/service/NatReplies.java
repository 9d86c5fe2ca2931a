package io.sluice.dataplane.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The replies of {@link ForwardingMode#NAT} services, recognised by their source: a packet from a
 * backend's address and port (the service's backend port) with the service's protocol is the
 * reply of one of that service's flows, whose source becomes the VIP and port again. Stateless:
 * the reply needs no flow entry, so it may reach any worker (the NIC hashes the reply tuple, not
 * the client's). One backend endpoint belongs to one NAT service at most, which the snapshot
 * builder checks. A reply's fragment after the first has no port: it is known by the backend's
 * address and protocol alone, as the reply of the one {@link FragmentPolicy#L3} NAT service of
 * that address and protocol, when there is exactly one.
 * <p>
 * An open-addressing table over primitive arrays, built on the control thread; lookups allocate
 * nothing.
 */
public final class NatReplies
{
    private static final int FRAGMENT_KEY = 1 << 24;
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
     * service's backend port and protocol; and for the later fragments of replies, which carry no
     * port, every backend of a {@link FragmentPolicy#L3} service by its address and protocol alone,
     * where that service is the only {@code l3} NAT service of the address and protocol.
     *
     * @param services the services that take traffic (not those of a virtual address in standby).
     * @return the table, shared and empty when there is no NAT service.
     * @throws IllegalArgumentException when two NAT services share a backend endpoint.
     */
    public static NatReplies of(final List<Service> services)
    {
        final List<Backend> entries = new ArrayList<>();
        final List<Integer> keys = new ArrayList<>();
        final List<Boolean> ofL3 = new ArrayList<>();
        final Map<List<Long>, Integer> l3Services = new HashMap<>();
        for (final Service service : services)
        {
            if (service.mode() == ForwardingMode.NAT)
            {
                for (int i = 0; i < service.backendCount(); i++)
                {
                    final Backend backend = service.backend(i);
                    entries.add(backend);
                    keys.add(endpointKey(service.spec().targetPort(), service.protocol()));
                    ofL3.add(service.l3Flows());
                    if (service.l3Flows())
                    {
                        l3Services.merge(addressProtocol(backend, service), 1, Integer::sum);
                    }
                }
            }
        }
        if (entries.isEmpty())
        {
            return EMPTY;
        }
        final int endpoints = entries.size();
        for (int e = 0; e < endpoints; e++)
        {
            final Backend backend = entries.get(e);
            final int protocol = keys.get(e) & 0xFF;
            if (ofL3.get(e) && l3Services.get(addressProtocol(backend, protocol)) == 1)
            {
                entries.add(backend);
                keys.add(fragmentKey(protocol));
            }
        }
        final NatReplies table = new NatReplies(entries);
        for (int e = 0; e < entries.size(); e++)
        {
            table.put(entries.get(e), keys.get(e));
        }
        return table;
    }

    private static List<Long> addressProtocol(final Backend backend, final Service service)
    {
        return addressProtocol(backend, service.protocol());
    }

    private static List<Long> addressProtocol(final Backend backend, final int protocol)
    {
        return List.of(backend.addressHi(), backend.addressLo(), (long)protocol);
    }

    private static int endpointKey(final int port, final int protocol)
    {
        return (port << 8) | protocol;
    }

    /** The key of a backend address's later fragments: above every port and protocol key. */
    private static int fragmentKey(final int protocol)
    {
        return FRAGMENT_KEY | protocol;
    }

    private void put(final Backend backend, final int key)
    {
        int i = slot(backend.addressHi(), backend.addressLo(), key);
        while (backends[i] != null)
        {
            if (hi[i] == backend.addressHi() && lo[i] == backend.addressLo() && portProtocol[i] == key)
            {
                throw new IllegalArgumentException("backend " + backend.address() + " port " + (key >>> 8) +
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
        return size == 0 ? null : find(addressHi, addressLo, endpointKey(port, protocol));
    }

    /**
     * The backend an IP fragment after the first comes from, when its source address is a backend
     * of the one {@link FragmentPolicy#L3} NAT service of that address and protocol.
     *
     * @param addressHi the source address, high half (IPv4-mapped for IPv4).
     * @param addressLo the source address, low half.
     * @param protocol  6 or 17.
     * @return the backend (of the {@code l3} service), or null.
     */
    public Backend fragmentBackendOf(final long addressHi, final long addressLo, final int protocol)
    {
        return size == 0 ? null : find(addressHi, addressLo, fragmentKey(protocol));
    }

    private Backend find(final long addressHi, final long addressLo, final int key)
    {
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
