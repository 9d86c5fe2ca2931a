package io.sluice.dataplane.snapshot;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.maglev.MaglevBackend;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.maglev.MaglevTableBuilder;
import io.sluice.dataplane.nat.NatPoolKey;
import io.sluice.dataplane.nat.NatPoolLayout;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.service.AddressRules;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.ClientAddress;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.RewriteOptions;
import io.sluice.dataplane.service.Scheduler;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;

/**
 * Builds a {@link ServiceSnapshot} from service definitions: validates them, assigns stable
 * backend ids (the same (service, backend address) keeps its id from the previous snapshot),
 * sets the static neighbours, registers every next hop in the neighbour table and builds each
 * service's Maglev table.
 * Runs on the control thread; either the whole snapshot is built or an
 * {@link IllegalArgumentException} names what is wrong and nothing changes.
 */
public final class ServiceSnapshotBuilder
{
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;

    private ServiceSnapshotBuilder()
    {
    }

    /**
     * Builds the first snapshot.
     *
     * @return the snapshot, generation 1.
     */
    public static ServiceSnapshot build(
        final DataplaneSettings settings, final List<ServiceSpec> specs, final NeighbourTable neighbours)
    {
        return build(null, settings, specs, neighbours);
    }

    /**
     * Runs every check {@link #build} runs, without building anything: for validating a
     * configuration before it is applied, at a cost that grows with the number of services and
     * backends, not with their Maglev tables.
     *
     * @param settings          dataplane settings.
     * @param specs             every service.
     * @param neighbourCapacity the size of the neighbour table the configuration must fit in.
     * @throws IllegalArgumentException naming the service and the problem, as {@link #build} would.
     */
    public static void check(final DataplaneSettings settings, final List<ServiceSpec> specs, final int neighbourCapacity)
    {
        validate(settings, specs);
        final Set<IpAddress> neighbourAddresses = neighbourAddresses(nextHops(settings, specs), settings);
        int backends = 0;
        for (final ServiceSpec spec : specs)
        {
            backends += spec.backends().size();
        }
        if (neighbourAddresses.size() > neighbourCapacity)
        {
            throw new IllegalArgumentException("too many next hops: the neighbour table holds " + neighbourCapacity +
                " addresses and this configuration adds " + neighbourAddresses.size() + "; raise dataplane.neighbours.capacity");
        }
        if (specs.size() > ServiceSnapshot.MAX_SERVICES || backends > ServiceSnapshot.MAX_BACKENDS)
        {
            throw new IllegalArgumentException("too many services or backends: at most " + ServiceSnapshot.MAX_SERVICES +
                " services and " + ServiceSnapshot.MAX_BACKENDS + " backends in all, this configuration has " + specs.size() +
                " and " + backends);
        }
    }

    /** The next hop of every backend, in configuration order. */
    private static Set<IpAddress> nextHops(final DataplaneSettings settings, final List<ServiceSpec> specs)
    {
        final Set<IpAddress> nextHops = new LinkedHashSet<>();
        for (final ServiceSpec spec : specs)
        {
            for (final ServiceSpec.BackendSpec backend : spec.backends())
            {
                nextHops.add(nextHop(spec.mode(), backend.address(), settings));
            }
            if (spec.mode() == ForwardingMode.NAT || spec.mode() == ForwardingMode.FULLNAT)
            {
                nextHops.add(clientGateway(settings, spec.vip().ipv6()));
            }
        }
        return nextHops;
    }

    /** Every address that takes a neighbour slot: the next hops and the static neighbours. */
    private static Set<IpAddress> neighbourAddresses(final Set<IpAddress> nextHops, final DataplaneSettings settings)
    {
        final Set<IpAddress> addresses = new LinkedHashSet<>(nextHops);
        for (final DataplaneSettings.StaticNeighbour neighbour : settings.staticNeighbours())
        {
            addresses.add(neighbour.address());
        }
        return addresses;
    }

    /**
     * Builds the snapshot that follows {@code previous}.
     *
     * @param previous   the snapshot in force, or null for the first.
     * @param settings   dataplane settings.
     * @param specs      every service, in any order.
     * @param neighbours the neighbour table to register next hops in.
     * @return the new snapshot, its generation one above the previous.
     * @throws IllegalArgumentException naming the service and the problem.
     */
    public static ServiceSnapshot build(
        final ServiceSnapshot previous, final DataplaneSettings settings, final List<ServiceSpec> specs,
        final NeighbourTable neighbours)
    {
        return build(previous, settings, specs, neighbours, null);
    }

    /**
     * The full-NAT pool groups of a configuration, in the order {@link #build} numbers them: for each
     * full-NAT service, in configuration order, one group per backend, in its order, holding the
     * backend endpoint's pool key for each NAT address of the VIP's family.
     *
     * @param settings dataplane settings (the NAT addresses).
     * @param specs    every service.
     * @return the groups; empty when no service forwards by full NAT.
     */
    public static List<List<NatPoolKey>> natGroups(final DataplaneSettings settings, final List<ServiceSpec> specs)
    {
        final List<List<NatPoolKey>> groups = new ArrayList<>();
        for (final ServiceSpec spec : specs)
        {
            if (spec.mode() != ForwardingMode.FULLNAT)
            {
                continue;
            }
            for (final ServiceSpec.BackendSpec backend : spec.backends())
            {
                final List<NatPoolKey> group = new ArrayList<>();
                for (final IpAddress laddr : settings.natAddresses())
                {
                    if (laddr.ipv6() != spec.vip().ipv6() || backend.address().ipv6() != laddr.ipv6())
                    {
                        continue;
                    }
                    group.add(laddr.ipv6() ?
                        NatPoolKey.ipv6(laddr.hi(), laddr.lo(), backend.address().hi(), backend.address().lo(), spec.targetPort(),
                            spec.protocol()) :
                        NatPoolKey.ipv4(laddr.ipv4(), backend.address().ipv4(), spec.targetPort(), spec.protocol()));
                }
                groups.add(group);
            }
        }
        return groups;
    }

    /**
     * {@link #build} with the full-NAT port pools of the configuration, from a registry that was
     * given {@link #natGroups} of the same settings and services.
     *
     * @param natLayout the pools, or null when no service forwards by full NAT.
     * @return the new snapshot.
     * @throws IllegalArgumentException naming the service and the problem.
     */
    public static ServiceSnapshot build(
        final ServiceSnapshot previous, final DataplaneSettings settings, final List<ServiceSpec> specs,
        final NeighbourTable neighbours, final NatPoolLayout natLayout)
    {
        validate(settings, specs);
        final int[] natGroupBase = new int[specs.size()];
        int groups = 0;
        for (int s = 0; s < specs.size(); s++)
        {
            final boolean fullNat = specs.get(s).mode() == ForwardingMode.FULLNAT;
            natGroupBase[s] = fullNat ? groups : -1;
            groups += fullNat ? specs.get(s).backends().size() : 0;
        }
        if (groups > 0 && (natLayout == null || natLayout.groups() != groups))
        {
            throw new IllegalArgumentException("full NAT needs its port pools: " + groups + " backend groups, the layout has " +
                (natLayout == null ? "none" : Integer.toString(natLayout.groups())) + " (restart with network.nat addresses " +
                "to enable full NAT)");
        }
        final MaglevTable[] maglevs = buildMaglevTables(previous, specs);
        final Set<IpAddress> nextHops = nextHops(settings, specs);
        requireNeighbourRoom(neighbourAddresses(nextHops, settings), neighbours);
        final StableIds backendIds = new StableIds(
            "backends", previous == null ? Map.of() : previous.backendIds(), ServiceSnapshot.MAX_BACKENDS);
        final StableIds serviceIds = new StableIds(
            "services", previous == null ? Map.of() : previous.serviceIds(), ServiceSnapshot.MAX_SERVICES);
        final int[][] ids = new int[specs.size()][];
        final int[] serviceIdOf = new int[specs.size()];
        for (int s = 0; s < specs.size(); s++)
        {
            final ServiceSpec spec = specs.get(s);
            final String name = spec.name();
            ids[s] = new int[spec.backends().size()];
            for (int b = 0; b < ids[s].length; b++)
            {
                ids[s][b] = backendIds.idFor(name + " " + spec.backends().get(b).address());
            }
            serviceIdOf[s] = serviceIds.idFor(name);
        }

        final long generation = previous == null ? 1 : previous.generation() + 1;
        applyNeighbours(previous, settings, nextHops, neighbours, generation);

        final Service[] services = new Service[specs.size()];
        final List<Backend> allBackends = new ArrayList<>();
        for (int s = 0; s < specs.size(); s++)
        {
            final ServiceSpec spec = specs.get(s);
            final Backend[] backends = new Backend[spec.backends().size()];
            for (int b = 0; b < backends.length; b++)
            {
                final ServiceSpec.BackendSpec backendSpec = spec.backends().get(b);
                final int neighbourIndex = neighbours.indexOf(nextHop(spec.mode(), backendSpec.address(), settings));
                backends[b] = new Backend(ids[s][b], s, b, backendSpec.address(), backendSpec.weight(), neighbourIndex,
                    backendSpec.resetFlows());
                allBackends.add(backends[b]);
            }
            services[s] = new Service(s, serviceIdOf[s], spec, backends, maglevs[s]);
        }

        final Backend[] byId = new Backend[backendIds.limit()];
        for (final Backend backend : allBackends)
        {
            byId[backend.id()] = backend;
        }
        final int[] clientNextHops = {gatewayIndex(settings.gatewayIpv4(), neighbours), gatewayIndex(settings.gatewayIpv6(), neighbours)};
        return new ServiceSnapshot(generation, settings, services, byId, backendIds.assigned(), serviceIds.assigned(), clientNextHops,
            groups > 0 ? natLayout : null, natGroupBase);
    }

    /**
     * Stable small ids: a key keeps the id it had in the previous snapshot; a new key gets the
     * lowest id that neither this nor the previous snapshot uses. So an id is only ever reused
     * once no worker can still run a snapshot in which it meant something else (apply returns
     * only when every worker runs the new snapshot), and counters indexed by id stay meaningful.
     */
    private static final class StableIds
    {
        private final String what;
        private final Map<String, Integer> previous;
        private final BitSet taken = new BitSet();
        private final Map<String, Integer> assigned = new HashMap<>();
        private final int max;

        StableIds(final String what, final Map<String, Integer> previous, final int max)
        {
            this.what = what;
            this.previous = previous;
            this.max = max;
            previous.values().forEach(taken::set);
        }

        int idFor(final String key)
        {
            Integer id = previous.get(key);
            if (id == null)
            {
                id = taken.nextClearBit(0);
                if (id >= max)
                {
                    throw new IllegalArgumentException("too many " + what + ": at most " + max +
                        " (counting those the running configuration still uses)");
                }
                taken.set(id);
            }
            assigned.put(key, id);
            return id;
        }

        Map<String, Integer> assigned()
        {
            return assigned;
        }

        int limit()
        {
            return Math.max(taken.length(), 1);
        }
    }

    /**
     * The Maglev table of every service: the previous snapshot's table where the service's backends,
     * weights and table size are unchanged (a table depends on nothing else), so that a change costs
     * the tables it changes, not the tables of every service.
     */
    private static MaglevTable[] buildMaglevTables(final ServiceSnapshot previous, final List<ServiceSpec> specs)
    {
        final Map<String, Service> previousServices = new HashMap<>();
        for (int s = 0; previous != null && s < previous.serviceCount(); s++)
        {
            previousServices.put(previous.serviceAt(s).spec().name(), previous.serviceAt(s));
        }
        final MaglevTable[] tables = new MaglevTable[specs.size()];
        for (int s = 0; s < specs.size(); s++)
        {
            final ServiceSpec spec = specs.get(s);
            final Service before = previousServices.get(spec.name());
            if (before != null && before.spec().maglevSize() == spec.maglevSize() && sameMaglevInputs(before.spec(), spec))
            {
                tables[s] = before.maglev();
                continue;
            }
            final List<MaglevBackend> backends = new ArrayList<>(spec.backends().size());
            for (final ServiceSpec.BackendSpec backend : spec.backends())
            {
                backends.add(new MaglevBackend(backend.address().bytes(), backend.weight()));
            }
            try
            {
                tables[s] = MaglevTableBuilder.build(backends, spec.maglevSize());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("service " + spec.name() + ": " + ex.getMessage(), ex);
            }
        }
        return tables;
    }

    private static boolean sameMaglevInputs(final ServiceSpec before, final ServiceSpec next)
    {
        final List<ServiceSpec.BackendSpec> a = before.backends();
        final List<ServiceSpec.BackendSpec> b = next.backends();
        if (a.size() != b.size())
        {
            return false;
        }
        for (int i = 0; i < a.size(); i++)
        {
            if (!a.get(i).address().equals(b.get(i).address()) || a.get(i).weight() != b.get(i).weight())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The table must have a slot for every address of this configuration it does not hold yet. Slots
     * of addresses no configuration uses are freed by {@link NeighbourTable#reclaim} once no worker
     * runs a snapshot that used them; those still held count as taken.
     */
    private static void requireNeighbourRoom(final Set<IpAddress> addresses, final NeighbourTable neighbours)
    {
        int unregistered = 0;
        for (final IpAddress address : addresses)
        {
            if (neighbours.indexOf(address) < 0)
            {
                unregistered++;
            }
        }
        if (neighbours.size() + unregistered > neighbours.capacity())
        {
            final int inUse = neighbours.size() - neighbours.retired();
            throw new IllegalArgumentException("too many next hops: the neighbour table holds " + neighbours.capacity() +
                " addresses, " + inUse + " are in use, " + neighbours.retired() + " more are held until every worker leaves" +
                " the configurations that used them, and this configuration adds " + unregistered +
                "; raise dataplane.neighbours.capacity");
        }
    }

    /**
     * The one step that changes the neighbour table, run once everything else is known to be good:
     * unpins static entries the settings no longer list, pins the listed ones, registers the next
     * hops, and marks as used exactly the entries this configuration uses (the others are retired at
     * this generation: kept, so an older snapshot still in flight finds its slots, but no longer
     * resolved, and freed once every worker runs this generation).
     */
    private static void applyNeighbours(
        final ServiceSnapshot previous, final DataplaneSettings settings, final Set<IpAddress> nextHops,
        final NeighbourTable neighbours, final long generation)
    {
        final Set<IpAddress> pinned = new HashSet<>();
        for (final DataplaneSettings.StaticNeighbour neighbour : settings.staticNeighbours())
        {
            pinned.add(neighbour.address());
        }
        if (previous != null)
        {
            for (final DataplaneSettings.StaticNeighbour old : previous.settings().staticNeighbours())
            {
                final int index = neighbours.indexOf(old.address());
                if (!pinned.contains(old.address()) && index >= 0)
                {
                    neighbours.clearStatic(index);
                }
            }
        }
        for (final DataplaneSettings.StaticNeighbour neighbour : settings.staticNeighbours())
        {
            neighbours.setStatic(neighbour.address(), neighbour.mac());
        }
        for (final IpAddress nextHop : nextHops)
        {
            neighbours.register(nextHop);
        }
        for (int index = 0; index < neighbours.highWater(); index++)
        {
            if (neighbours.isRegistered(index))
            {
                final IpAddress address = neighbours.address(index);
                neighbours.use(index, nextHops.contains(address) || pinned.contains(address), generation);
            }
        }
    }

    private static IpAddress nextHop(final ForwardingMode mode, final IpAddress backend, final DataplaneSettings settings)
    {
        if (mode == ForwardingMode.DSR || mode == ForwardingMode.NAT || mode == ForwardingMode.FULLNAT)
        {
            return backend;
        }
        final IpAddress gateway = backend.ipv6() ? settings.gatewayIpv6() : settings.gatewayIpv4();
        return gateway != null ? gateway : backend;
    }

    private static int gatewayIndex(final IpAddress gateway, final NeighbourTable neighbours)
    {
        return gateway == null ? -1 : neighbours.indexOf(gateway);
    }

    /** The gateway NAT replies to clients of a family go to; validation has made sure there is one. */
    private static IpAddress clientGateway(final DataplaneSettings settings, final boolean ipv6)
    {
        return ipv6 ? settings.gatewayIpv6() : settings.gatewayIpv4();
    }

    private static void validate(final DataplaneSettings settings, final List<ServiceSpec> specs)
    {
        final Set<String> names = new HashSet<>();
        final Set<IpAddress> locals = new HashSet<>(settings.localAddresses());
        final Set<IpAddress> lbAddresses = new HashSet<>(locals);
        lbAddresses.addAll(settings.tunnelSourcesIpv4());
        lbAddresses.addAll(settings.tunnelSourcesIpv6());
        final Set<IpAddress> vips = new HashSet<>();
        for (final ServiceSpec spec : specs)
        {
            vips.add(spec.vip());
        }
        final Map<String, String> natEndpoints = new HashMap<>();
        final Map<String, List<String>> byVipProtocol = new HashMap<>();
        for (final ServiceSpec spec : specs)
        {
            byVipProtocol.computeIfAbsent(vipProtocol(spec), key -> new ArrayList<>()).add(spec.name());
        }
        for (final ServiceSpec spec : specs)
        {
            final String name = spec.name();
            requireAddress(name, AddressRules.Role.VIP, spec.vip());
            if (spec.protocol() != PROTOCOL_TCP && spec.protocol() != PROTOCOL_UDP)
            {
                throw new IllegalArgumentException("service " + name + ": protocol " + spec.protocol() + " is not tcp (6) or udp (17)");
            }
            if (spec.port() < 1 || spec.port() > 65535)
            {
                throw new IllegalArgumentException("service " + name + ": port " + spec.port() + " is not 1..65535");
            }
            if (!names.add(name))
            {
                throw new IllegalArgumentException("service " + name + " is defined twice");
            }
            if (locals.contains(spec.vip()))
            {
                throw new IllegalArgumentException("service " + name + ": VIP " + spec.vip() + " is also a local address of the LB");
            }
            requireTimeout(name, "tcp idle timeout", spec.tcpIdleTimeoutNs());
            requireTimeout(name, "udp idle timeout", spec.udpIdleTimeoutNs());
            if (spec.backends().size() > MaglevTable.MAX_BACKENDS)
            {
                throw new IllegalArgumentException("service " + name + ": " + spec.backends().size() +
                    " backends, a service has at most " + MaglevTable.MAX_BACKENDS);
            }
            if (spec.maglevSize() > MaglevTable.MAX_SIZE || !MaglevTableBuilder.isPrime(spec.maglevSize()) ||
                spec.maglevSize() <= spec.backends().size())
            {
                throw new IllegalArgumentException("service " + name + ": Maglev table size " + spec.maglevSize() +
                    " must be a prime above the number of backends (" + spec.backends().size() + "), e.g. " +
                    MaglevTableBuilder.nextPrime(Math.max(spec.maglevSize(), spec.backends().size() + 1)));
            }
            requireIpv6MinimumMtu(settings, spec);
            validateScheduling(spec);
            validateTranslation(settings, spec);
            validateFragments(spec, byVipProtocol.get(vipProtocol(spec)));
            final Set<IpAddress> seen = new HashSet<>();
            for (final ServiceSpec.BackendSpec backend : spec.backends())
            {
                validateBackendAddress(spec, backend.address(), vips, lbAddresses);
                validateBackend(settings, spec, backend);
                if (!seen.add(backend.address()))
                {
                    throw new IllegalArgumentException("service " + name + ": backend " + backend.address() + " is listed twice");
                }
                if (spec.mode() == ForwardingMode.NAT)
                {
                    final String endpoint = backend.address() + " port " + spec.targetPort() + (spec.protocol() == PROTOCOL_TCP ? "/tcp" : "/udp");
                    final String other = natEndpoints.putIfAbsent(endpoint, name);
                    if (other != null)
                    {
                        throw new IllegalArgumentException("service " + name + ": backend " + endpoint + " also serves nat service " +
                            other + ": the LB could not tell whose replies it sends (give one of them another backend port)");
                    }
                }
            }
        }
    }

    private static void requireAddress(final String name, final AddressRules.Role role, final IpAddress address)
    {
        final String refusal = AddressRules.refusal(role, address);
        if (refusal != null)
        {
            throw new IllegalArgumentException("service " + name + ": " + refusal);
        }
    }

    /**
     * A backend must be an address packets can reach that is neither the LB nor one of its VIPs:
     * the LB answers ARP / ND for those, so what it forwards there would come straight back to it.
     */
    private static void validateBackendAddress(
        final ServiceSpec spec, final IpAddress backend, final Set<IpAddress> vips, final Set<IpAddress> lbAddresses)
    {
        final String refusal = AddressRules.refusal(AddressRules.Role.BACKEND, backend);
        if (refusal != null)
        {
            throw new IllegalArgumentException("service " + spec.name() + ": " + refusal);
        }
        if (backend.equals(spec.vip()))
        {
            throw new IllegalArgumentException("service " + spec.name() + ": backend " + backend +
                " is the service's own VIP: what the LB forwards there would come back to it");
        }
        if (vips.contains(backend))
        {
            throw new IllegalArgumentException("service " + spec.name() + ": backend " + backend +
                " is the VIP of another service of this LB: what the LB forwards there would come back to it");
        }
        if (lbAddresses.contains(backend))
        {
            throw new IllegalArgumentException("service " + spec.name() + ": backend " + backend +
                " is an address of the LB itself (network.addresses or a tunnel source)");
        }
    }

    private static void requireTimeout(final String name, final String what, final long timeoutNs)
    {
        if (timeoutNs <= 0 || timeoutNs > FlowTable.MAX_IDLE_TIMEOUT_NS)
        {
            throw new IllegalArgumentException("service " + name + ": " + what + " " + timeoutNs + " ns is not 1 ns.." +
                FlowTable.MAX_IDLE_TIMEOUT_NS + " ns (about " + FlowTable.MAX_IDLE_TIMEOUT_NS / 86_400_000_000_000L + " days)");
        }
    }

    /**
     * An IPv6 client is told the path MTU of a tunnelled VIP when its packet does not fit; IPv6
     * hosts never go below 1280 (RFC 8201 4), so the tunnel must carry 1280-byte packets.
     */
    private static void requireIpv6MinimumMtu(final DataplaneSettings settings, final ServiceSpec spec)
    {
        if (!spec.vip().ipv6() || spec.mode() == ForwardingMode.DSR)
        {
            return;
        }
        for (final ServiceSpec.BackendSpec backend : spec.backends())
        {
            final int overhead = spec.mode().overhead(backend.address().ipv6(), settings.gueVariant());
            if (settings.mtu() - overhead < 1280)
            {
                throw new IllegalArgumentException("service " + spec.name() + ": mtu " + settings.mtu() + " leaves " +
                    (settings.mtu() - overhead) + " bytes for IPv6 packets inside the " + spec.mode() + " tunnel to " +
                    backend.address() + "; IPv6 needs 1280, so the mtu must be at least " + (1280 + overhead));
            }
        }
    }

    private static void validateTranslation(final DataplaneSettings settings, final ServiceSpec spec)
    {
        final boolean nat = spec.mode() == ForwardingMode.NAT || spec.mode() == ForwardingMode.FULLNAT;
        if (spec.backendPort() < 0 || spec.backendPort() > 65535)
        {
            throw new IllegalArgumentException("service " + spec.name() + ": backend port " + spec.backendPort() +
                " is not 1..65535 (or 0 for the VIP port)");
        }
        if (!nat && spec.backendPort() != 0 && spec.backendPort() != spec.port())
        {
            throw new IllegalArgumentException("service " + spec.name() + ": a backend port other than the VIP port needs " +
                "mode nat or fullnat (" + spec.mode().name().toLowerCase() + " leaves the port as the client sent it)");
        }
        final String mode = spec.mode().name().toLowerCase();
        if (nat && clientGateway(settings, spec.vip().ipv6()) == null)
        {
            throw new IllegalArgumentException("service " + spec.name() + ": " + mode + " sends the backends' replies to the " +
                "clients through the gateway, and no " + (spec.vip().ipv6() ? "IPv6" : "IPv4") + " gateway is configured");
        }
        if (spec.mode() == ForwardingMode.FULLNAT)
        {
            if (settings.natAddresses().stream().noneMatch(address -> address.ipv6() == spec.vip().ipv6()))
            {
                throw new IllegalArgumentException("service " + spec.name() + ": fullnat needs a NAT address of the VIP's family " +
                    "(network.nat.addresses), none is configured");
            }
            if (spec.fragments() != FragmentPolicy.DROP)
            {
                throw new IllegalArgumentException("service " + spec.name() + ": fullnat cannot forward fragments without " +
                    "reassembly (many clients share a NAT address, so their IP IDs collide at the backend): fragments must be drop");
            }
        }
        final String rewriteRefusal = spec.rewrite().refusal(spec.mode(), spec.protocol(), spec.vip().ipv6());
        if (rewriteRefusal != null)
        {
            throw new IllegalArgumentException("service " + spec.name() + ": " + rewriteRefusal);
        }
        if (spec.vip().ipv6() && spec.rewrite().clientAddress() == ClientAddress.PROXY_V2 &&
            settings.mtu() - RewriteOptions.PROXY_V2_IPV6_LENGTH < 1280)
        {
            throw new IllegalArgumentException("service " + spec.name() + ": mtu " + settings.mtu() + " leaves " +
                (settings.mtu() - RewriteOptions.PROXY_V2_IPV6_LENGTH) + " bytes for IPv6 datagrams once the 52-byte PROXY v2 header " +
                "is in; IPv6 needs 1280, so the mtu must be at least " + (1280 + RewriteOptions.PROXY_V2_IPV6_LENGTH));
        }
    }

    private static String vipProtocol(final ServiceSpec spec)
    {
        return spec.vip() + "/" + spec.protocol();
    }

    /**
     * A fragment after the first carries no port, so an {@code l3} service's later fragments are
     * matched by VIP and protocol alone: no other service may share them. Its fragments must all
     * reach one backend, which a scheduler with per-packet state cannot promise without a flow table.
     */
    private static void validateFragments(final ServiceSpec spec, final List<String> sameVipProtocol)
    {
        if (spec.fragments() != FragmentPolicy.L3)
        {
            return;
        }
        final String protocol = spec.protocol() == PROTOCOL_TCP ? "tcp" : "udp";
        if (sameVipProtocol.size() > 1)
        {
            final List<String> others = new ArrayList<>(sameVipProtocol);
            others.remove(spec.name());
            throw new IllegalArgumentException("service " + spec.name() + ": fragments l3 matches a fragment after the first, " +
                "which carries no port, by VIP and protocol alone, so it must be the only " + protocol + " service of " +
                spec.vip() + "; " + String.join(", ", others) + " shares them (use fragments: drop, or another VIP)");
        }
        if (spec.onePacketScheduling() && spec.scheduler().isStateful())
        {
            throw new IllegalArgumentException("service " + spec.name() + ": fragments l3 with one-packet scheduling needs " +
                "a hash scheduler (maglev or source-hash): " + spec.scheduler().name().toLowerCase().replace('_', '-') +
                " would send the fragments of one datagram to different backends");
        }
    }

    private static void validateScheduling(final ServiceSpec spec)
    {
        if (spec.onePacketScheduling() && spec.protocol() != 17)
        {
            throw new IllegalArgumentException(
                "service " + spec.name() + ": one-packet scheduling (ops) is for UDP services only");
        }
        if (spec.onePacketScheduling() && spec.scheduler() == Scheduler.LEAST_CONNECTIONS)
        {
            throw new IllegalArgumentException("service " + spec.name() +
                ": least connections counts flows, and one-packet scheduling keeps none; use round robin or a hash");
        }
    }

    private static void validateBackend(final DataplaneSettings settings, final ServiceSpec spec, final ServiceSpec.BackendSpec backend)
    {
        if (backend.weight() < 0 || backend.weight() > 65535)
        {
            throw new IllegalArgumentException(
                "service " + spec.name() + ": backend " + backend.address() + " weight " + backend.weight() + " is not 0..65535");
        }
        final boolean sameFamily = backend.address().ipv6() == spec.vip().ipv6();
        if (spec.mode() != ForwardingMode.GUE && !sameFamily)
        {
            throw new IllegalArgumentException(
                "service " + spec.name() + ": " + spec.mode() + " needs backends of the VIP's address family, " + backend.address() +
                " is not (use GUE to mix IPv4 and IPv6)");
        }
        if (spec.mode() == ForwardingMode.IPIP || spec.mode() == ForwardingMode.GUE)
        {
            final boolean hasSource = backend.address().ipv6() ?
                !settings.tunnelSourcesIpv6().isEmpty() : !settings.tunnelSourcesIpv4().isEmpty();
            if (!hasSource)
            {
                throw new IllegalArgumentException(
                    "service " + spec.name() + ": tunnel to " + backend.address() + " needs an " +
                    (backend.address().ipv6() ? "IPv6" : "IPv4") + " tunnel source address, none is configured");
            }
        }
    }
}
