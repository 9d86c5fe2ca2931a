package io.sluice.dataplane.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.sluice.dataplane.nat.NatPoolLayout;

/**
 * An immutable, complete view of the forwarding configuration: services keyed by (VIP, port,
 * protocol), their backends and Maglev tables, and the {@link DataplaneSettings}. The control
 * plane builds a new one for every change ({@link io.sluice.dataplane.snapshot.ServiceSnapshotBuilder}); each worker picks the
 * newest up at the top of its duty cycle and reports the {@link #generation()} it runs.
 * <p>
 * Lookups are open-addressing probes over primitive arrays: no allocation, no boxing.
 */
public final class ServiceSnapshot
{
    /** Most backends (over all services) a configuration may have: backend ids are below this. */
    public static final int MAX_BACKENDS = io.sluice.dataplane.flow.FlowTable.COUNTED_BACKEND_IDS;
    /** Most services a configuration may have: service ids are below this. */
    public static final int MAX_SERVICES = 4096;

    private final long generation;
    private final DataplaneSettings settings;
    private final Service[] services;
    private final Service[] vipTable;
    private final Service[] fragmentTable;
    private final int vipMask;
    private final long[] addressTableHi;
    private final long[] addressTableLo;
    private final byte[] addressTableKind;
    private final long[] addressTableMac;
    private final long[] virtualMacs;
    private final int addressMask;
    private final Backend[] backendsById;
    private final int[] tunnelSourcesIpv4;
    private final long[] tunnelSourcesIpv6;
    /** The configured NAT addresses, active or standby, as hi, lo pairs. */
    private final long[] natAddresses;
    private final Map<String, Integer> backendIds;
    private final Map<String, Integer> serviceIds;
    private final NatReplies natReplies;
    private final int clientNextHopIpv4;
    private final int clientNextHopIpv6;
    private final NatPoolLayout natLayout;
    private final int[] natGroupBase;

    /** {@link #kindOf}: the address is neither a VIP nor one of the LB's own. */
    public static final byte KIND_NONE = 0;
    /** {@link #kindOf}: the address is the VIP of at least one service. */
    public static final byte KIND_VIP = 1;
    /** {@link #kindOf}: the address is one of the LB's own addresses (or a virtual one that is no VIP, while master). */
    public static final byte KIND_LOCAL = 2;
    /** {@link #kindOf}: the address is a virtual address this LB is VRRP backup for: not answered, its traffic dropped. */
    public static final byte KIND_STANDBY = 3;
    /**
     * {@link #kindOf}: the address is a NAT address of the LB: TCP and UDP to it are replies of full-NAT flows.
     * A NAT address that is also a virtual address is this kind only while this LB is its master, else
     * {@link #KIND_STANDBY}.
     */
    public static final byte KIND_NAT = 4;

    /**
     * Made by {@code ServiceSnapshotBuilder}, which validates the parts; the arrays are taken as they are.
     *
     * @param generation   the snapshot's generation.
     * @param settings     dataplane settings.
     * @param services     services by index.
     * @param backendsById backends by id (null where no backend has the id).
     * @param backendIds   backend ids by key.
     * @param serviceIds   service ids by key.
     * @param clientNextHops the neighbour slots of the next hops toward clients (the gateways), IPv4
     *                     then IPv6, -1 where there is none: where NAT replies go.
     * @param natLayout    the full-NAT port pools, or null when no service forwards by full NAT.
     * @param natGroupBase by service index, the pool group of its first backend ({@link #natGroup}), -1 for none.
     */
    public ServiceSnapshot(
        final long generation, final DataplaneSettings settings, final Service[] services, final Backend[] backendsById,
        final Map<String, Integer> backendIds, final Map<String, Integer> serviceIds, final int[] clientNextHops,
        final NatPoolLayout natLayout, final int[] natGroupBase)
    {
        this.natLayout = natLayout;
        this.natGroupBase = natGroupBase;
        this.clientNextHopIpv4 = clientNextHops[0];
        this.clientNextHopIpv6 = clientNextHops[1];
        this.generation = generation;
        this.settings = settings;
        this.services = services;
        this.backendsById = backendsById;
        this.backendIds = Map.copyOf(backendIds);
        this.serviceIds = Map.copyOf(serviceIds);

        final Set<IpAddress> standby = new HashSet<>();
        final Set<IpAddress> vips = new HashSet<>();
        final Set<Long> activeMacs = new LinkedHashSet<>();
        for (final VirtualAddress virtual : settings.virtualAddresses())
        {
            if (virtual.active())
            {
                activeMacs.add(virtual.mac());
            }
            else
            {
                standby.add(virtual.address());
            }
        }
        virtualMacs = activeMacs.stream().mapToLong(Long::longValue).toArray();

        final int vipCapacity = tableCapacity(services.length);
        vipTable = new Service[vipCapacity];
        vipMask = vipCapacity - 1;
        final List<Service> serving = new ArrayList<>(services.length);
        for (final Service service : services)
        {
            final IpAddress vip = service.spec().vip();
            vips.add(vip);
            if (standby.contains(vip))
            {
                continue;
            }
            serving.add(service);
            int i = vipSlot(service.vipHi(), service.vipLo(), service.port(), service.protocol());
            while (vipTable[i] != null)
            {
                i = (i + 1) & vipMask;
            }
            vipTable[i] = service;
        }

        fragmentTable = new Service[vipCapacity];
        fillFragmentTable(serving);
        natReplies = NatReplies.of(serving);

        final List<IpAddress> locals = settings.localAddresses();
        final int addressCapacity = tableCapacity(services.length + locals.size() + settings.virtualAddresses().size() +
            settings.natAddresses().size());
        addressTableHi = new long[addressCapacity];
        addressTableLo = new long[addressCapacity];
        addressTableKind = new byte[addressCapacity];
        addressTableMac = new long[addressCapacity];
        addressMask = addressCapacity - 1;
        for (final VirtualAddress virtual : settings.virtualAddresses())
        {
            final IpAddress a = virtual.address();
            final byte kind = !virtual.active() ? KIND_STANDBY : vips.contains(a) ? KIND_VIP :
                settings.natAddresses().contains(a) ? KIND_NAT : KIND_LOCAL;
            putAddress(a.hi(), a.lo(), kind, virtual.active() ? virtual.mac() : 0);
        }
        for (final Service service : services)
        {
            putAddress(service.vipHi(), service.vipLo(), KIND_VIP, 0);
        }
        for (final IpAddress local : locals)
        {
            putAddress(local.hi(), local.lo(), KIND_LOCAL, 0);
        }
        natAddresses = new long[2 * settings.natAddresses().size()];
        for (int i = 0; i < settings.natAddresses().size(); i++)
        {
            final IpAddress nat = settings.natAddresses().get(i);
            putAddress(nat.hi(), nat.lo(), KIND_NAT, 0);
            natAddresses[2 * i] = nat.hi();
            natAddresses[2 * i + 1] = nat.lo();
        }

        tunnelSourcesIpv4 = new int[settings.tunnelSourcesIpv4().size()];
        for (int i = 0; i < tunnelSourcesIpv4.length; i++)
        {
            tunnelSourcesIpv4[i] = settings.tunnelSourcesIpv4().get(i).ipv4();
        }
        tunnelSourcesIpv6 = new long[2 * settings.tunnelSourcesIpv6().size()];
        for (int i = 0; i < settings.tunnelSourcesIpv6().size(); i++)
        {
            tunnelSourcesIpv6[2 * i] = settings.tunnelSourcesIpv6().get(i).hi();
            tunnelSourcesIpv6[2 * i + 1] = settings.tunnelSourcesIpv6().get(i).lo();
        }
    }

    /** The services alone on their (VIP, protocol), by (VIP, port 0, protocol): see {@link #fragmentService}. */
    private void fillFragmentTable(final List<Service> serving)
    {
        final Map<List<Long>, Integer> counts = new HashMap<>();
        for (final Service service : serving)
        {
            counts.merge(List.of(service.vipHi(), service.vipLo(), (long)service.protocol()), 1, Integer::sum);
        }
        for (final Service service : serving)
        {
            if (counts.get(List.of(service.vipHi(), service.vipLo(), (long)service.protocol())) == 1)
            {
                int i = vipSlot(service.vipHi(), service.vipLo(), 0, service.protocol());
                while (fragmentTable[i] != null)
                {
                    i = (i + 1) & vipMask;
                }
                fragmentTable[i] = service;
            }
        }
    }

    private static int tableCapacity(final int entries)
    {
        return Math.max(8, Integer.highestOneBit(Math.max(1, entries) * 4 - 1) << 1);
    }

    private void putAddress(final long hi, final long lo, final byte kind, final long mac)
    {
        int i = addressSlot(hi, lo);
        while (addressTableKind[i] != KIND_NONE)
        {
            if (addressTableHi[i] == hi && addressTableLo[i] == lo)
            {
                return;
            }
            i = (i + 1) & addressMask;
        }
        addressTableHi[i] = hi;
        addressTableLo[i] = lo;
        addressTableKind[i] = kind;
        addressTableMac[i] = mac;
    }

    private int vipSlot(final long hi, final long lo, final int port, final int protocol)
    {
        long h = (lo ^ Long.rotateLeft(hi, 17) ^ ((long)port << 40) ^ ((long)protocol << 56)) * 0x9E37_79B9_7F4A_7C15L;
        h ^= h >>> 29;
        return (int)h & vipMask;
    }

    private int addressSlot(final long hi, final long lo)
    {
        long h = (lo ^ Long.rotateLeft(hi, 17)) * 0xBF58_476D_1CE4_E5B9L;
        h ^= h >>> 31;
        return (int)h & addressMask;
    }

    /**
     * The backend a packet comes from when it is the reply of a {@link ForwardingMode#NAT} flow.
     *
     * @param hi       upper half of the source address (0 for IPv4).
     * @param lo       lower half (IPv4-mapped for IPv4).
     * @param port     source port.
     * @param protocol IP protocol.
     * @return the backend, or null.
     */
    public Backend natReplyBackend(final long hi, final long lo, final int port, final int protocol)
    {
        return natReplies.backendOf(hi, lo, port, protocol);
    }

    /** @return whether any service that takes traffic forwards by {@link ForwardingMode#NAT}. */
    public boolean hasNatReplies()
    {
        return !natReplies.isEmpty();
    }

    /** @return the full-NAT port pools of this configuration, or null when no service forwards by full NAT. */
    public NatPoolLayout natLayout()
    {
        return natLayout;
    }

    /**
     * The full-NAT pool group of a backend: its pool for each of the service's NAT addresses.
     *
     * @param backend a backend of a full-NAT service.
     * @return the group's index in {@link #natLayout()}, or -1 when the backend's service does not use full NAT.
     */
    public int natGroup(final Backend backend)
    {
        final int base = natGroupBase[backend.serviceIndex()];
        return base < 0 ? -1 : base + backend.maglevIndex();
    }

    /**
     * The neighbour slot of the next hop toward clients of a family: where NAT replies go.
     *
     * @param ipv6 the family.
     * @return the slot, or -1 when no gateway of the family is configured.
     */
    public int clientNextHop(final boolean ipv6)
    {
        return ipv6 ? clientNextHopIpv6 : clientNextHopIpv4;
    }

    /**
     * The service for a destination, or null. Zero allocation.
     *
     * @param hi       upper 64 bits of the destination address (0 for IPv4).
     * @param lo       lower 64 bits (IPv4-mapped for IPv4).
     * @param port     destination port.
     * @param protocol IP protocol.
     * @return the service, or null when no VIP matches.
     */
    public Service service(final long hi, final long lo, final int port, final int protocol)
    {
        int i = vipSlot(hi, lo, port, protocol);
        while (true)
        {
            final Service service = vipTable[i];
            if (service == null)
            {
                return null;
            }
            if (service.vipLo() == lo && service.vipHi() == hi && service.port() == port && service.protocol() == protocol)
            {
                return service;
            }
            i = (i + 1) & vipMask;
        }
    }

    /**
     * The service of an IP fragment after the first, which carries no port: the one service of its
     * VIP and protocol, or null when there is none or several (then no port can tell them apart).
     * A {@link FragmentPolicy#L3} service is always the only one of its VIP and protocol. Zero allocation.
     *
     * @param hi       upper 64 bits of the destination address (0 for IPv4).
     * @param lo       lower 64 bits (IPv4-mapped for IPv4).
     * @param protocol IP protocol.
     * @return the service, or null.
     */
    public Service fragmentService(final long hi, final long lo, final int protocol)
    {
        int i = vipSlot(hi, lo, 0, protocol);
        while (true)
        {
            final Service service = fragmentTable[i];
            if (service == null)
            {
                return null;
            }
            if (service.vipLo() == lo && service.vipHi() == hi && service.protocol() == protocol)
            {
                return service;
            }
            i = (i + 1) & vipMask;
        }
    }

    /**
     * The backend an IP fragment after the first comes from when it is part of the reply of a
     * {@link ForwardingMode#NAT} service with {@link FragmentPolicy#L3}: it carries no port, so it
     * is known by its source address and protocol only (see {@link NatReplies}).
     *
     * @param hi       upper half of the source address (0 for IPv4).
     * @param lo       lower half (IPv4-mapped for IPv4).
     * @param protocol IP protocol.
     * @return the backend, or null.
     */
    public Backend natFragmentReplyBackend(final long hi, final long lo, final int protocol)
    {
        return natReplies.fragmentBackendOf(hi, lo, protocol);
    }

    /**
     * What an address is to this LB, in one lookup: {@link #KIND_VIP}, {@link #KIND_LOCAL},
     * {@link #KIND_STANDBY} or {@link #KIND_NONE}.
     *
     * @param hi upper half of the address (0 for IPv4, see {@code FlowKey}).
     * @param lo lower half.
     * @return the kind.
     */
    public int kindOf(final long hi, final long lo)
    {
        return addressKind(hi, lo);
    }

    /**
     * Whether an address is one of the configured NAT addresses, whether this LB is master of it now
     * or not (a replicated full-NAT flow on it is kept: a VRRP takeover makes it live). No allocation.
     *
     * @param hi upper half of the address (0 for IPv4, see {@code FlowKey}).
     * @param lo lower half.
     * @return true for a NAT address.
     */
    public boolean isNatAddress(final long hi, final long lo)
    {
        for (int i = 0; i < natAddresses.length; i += 2)
        {
            if (natAddresses[i] == hi && natAddresses[i + 1] == lo)
            {
                return true;
            }
        }
        return false;
    }

    /** @return true when the address is the VIP of at least one service. */
    public boolean isVipAddress(final long hi, final long lo)
    {
        return addressKind(hi, lo) == KIND_VIP;
    }

    /** @return true when the address is one of the LB's own addresses. */
    public boolean isLocalAddress(final long hi, final long lo)
    {
        return addressKind(hi, lo) == KIND_LOCAL;
    }

    /** @return true when the LB answers ARP / ND for the address (a VIP, an own address, a virtual one while master). */
    public boolean ownsAddress(final long hi, final long lo)
    {
        final byte kind = addressKind(hi, lo);
        return kind != KIND_NONE && kind != KIND_STANDBY;
    }

    /**
     * The MAC that ARP / ND answers for an address carry: the virtual router's for a virtual
     * address while this LB is its master, else the port's.
     *
     * @param hi      upper half of the address.
     * @param lo      lower half.
     * @param portMac the port's MAC.
     * @return the MAC in the low 48 bits.
     */
    public long replyMac(final long hi, final long lo, final long portMac)
    {
        int i = addressSlot(hi, lo);
        while (addressTableKind[i] != KIND_NONE)
        {
            if (addressTableLo[i] == lo && addressTableHi[i] == hi)
            {
                final long mac = addressTableMac[i];
                return mac != 0 ? mac : portMac;
            }
            i = (i + 1) & addressMask;
        }
        return portMac;
    }

    /**
     * Whether a unicast destination MAC other than the port's is one this LB takes: the MAC of a
     * virtual router it is master of. A scan of a short array, on the path of frames to other MACs only.
     *
     * @param mac the destination MAC in the low 48 bits.
     * @return true when the frame is for this LB.
     */
    public boolean acceptsVirtualMac(final long mac)
    {
        for (final long virtualMac : virtualMacs)
        {
            if (virtualMac == mac)
            {
                return true;
            }
        }
        return false;
    }

    private byte addressKind(final long hi, final long lo)
    {
        int i = addressSlot(hi, lo);
        while (true)
        {
            final byte kind = addressTableKind[i];
            if (kind == KIND_NONE || (addressTableLo[i] == lo && addressTableHi[i] == hi))
            {
                return kind;
            }
            i = (i + 1) & addressMask;
        }
    }

    /**
     * A backend by its stable id.
     *
     * @return the backend, or null when no backend of this snapshot has the id.
     */
    public Backend backendById(final int id)
    {
        return id >= 0 && id < backendsById.length ? backendsById[id] : null;
    }

    /** @return the generation number: strictly increasing from one snapshot to the next. */
    public long generation()
    {
        return generation;
    }

    /** @return the settings. */
    public DataplaneSettings settings()
    {
        return settings;
    }

    /** @return number of services. */
    public int serviceCount()
    {
        return services.length;
    }

    /** @return a service by index. */
    public Service serviceAt(final int index)
    {
        return services[index];
    }

    /** @return the number of IPv4 tunnel sources. */
    public int tunnelSourceCountIpv4()
    {
        return tunnelSourcesIpv4.length;
    }

    /** @return an IPv4 tunnel source by index. */
    public int tunnelSourceIpv4(final int index)
    {
        return tunnelSourcesIpv4[index];
    }

    /** @return the number of IPv6 tunnel sources. */
    public int tunnelSourceCountIpv6()
    {
        return tunnelSourcesIpv6.length >> 1;
    }

    /** @return upper 64 bits of an IPv6 tunnel source. */
    public long tunnelSourceIpv6Hi(final int index)
    {
        return tunnelSourcesIpv6[2 * index];
    }

    /** @return lower 64 bits of an IPv6 tunnel source. */
    public long tunnelSourceIpv6Lo(final int index)
    {
        return tunnelSourcesIpv6[2 * index + 1];
    }

    /** @return backend ids by backend key, kept so the next snapshot gives a backend the same id (for the snapshot builder). */
    public Map<String, Integer> backendIds()
    {
        return backendIds;
    }

    /** @return service ids by service key, kept so the next snapshot gives a service the same id (for the snapshot builder). */
    public Map<String, Integer> serviceIds()
    {
        return serviceIds;
    }

    @Override
    public String toString()
    {
        return "ServiceSnapshot{generation=" + generation + ", services=" + Arrays.toString(services) + "}";
    }
}
