package io.sluice.dataplane.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.sluice.dataplane.maglev.MaglevBackend;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.maglev.MaglevTableBuilder;
import io.sluice.dataplane.neighbour.NeighbourTable;

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
        validate(settings, specs);
        for (final DataplaneSettings.StaticNeighbour neighbour : settings.staticNeighbours())
        {
            neighbours.setStatic(neighbour.address(), neighbour.mac());
        }

        final Map<String, Integer> ids = new HashMap<>();
        int nextId = previous == null ? 0 : previous.nextBackendId();
        final Map<String, Integer> previousIds = previous == null ? Map.of() : previous.backendIds();

        final List<Integer> neighbourSlots = new ArrayList<>();
        final Service[] services = new Service[specs.size()];
        final List<Backend> allBackends = new ArrayList<>();
        for (int s = 0; s < specs.size(); s++)
        {
            final ServiceSpec spec = specs.get(s);
            final int count = spec.backends().size();
            final Backend[] backends = new Backend[count];
            final List<MaglevBackend> maglevBackends = new ArrayList<>(count);
            for (int b = 0; b < count; b++)
            {
                final ServiceSpec.BackendSpec backendSpec = spec.backends().get(b);
                final String key = spec.name() + " " + backendSpec.address();
                Integer id = previousIds.get(key);
                if (id == null)
                {
                    id = nextId++;
                }
                ids.put(key, id);
                final IpAddress nextHop = nextHop(spec.mode(), backendSpec.address(), settings);
                final int neighbourIndex = neighbours.register(nextHop);
                neighbourSlots.add(neighbourIndex);
                backends[b] = new Backend(id, s, b, backendSpec.address(), backendSpec.weight(), neighbourIndex);
                allBackends.add(backends[b]);
                maglevBackends.add(new MaglevBackend(backendSpec.address().bytes(), backendSpec.weight()));
            }
            final MaglevTable maglev;
            try
            {
                maglev = MaglevTableBuilder.build(maglevBackends, spec.maglevSize());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("service " + spec.name() + ": " + ex.getMessage(), ex);
            }
            services[s] = new Service(s, spec, backends, maglev);
        }

        final Backend[] byId = new Backend[nextId];
        for (final Backend backend : allBackends)
        {
            byId[backend.id()] = backend;
        }
        final long generation = previous == null ? 1 : previous.generation() + 1;
        return new ServiceSnapshot(generation, settings, services, byId, ids, nextId);
    }

    private static IpAddress nextHop(final ForwardingMode mode, final IpAddress backend, final DataplaneSettings settings)
    {
        if (mode == ForwardingMode.DSR)
        {
            return backend;
        }
        final IpAddress gateway = backend.ipv6() ? settings.gatewayIpv6() : settings.gatewayIpv4();
        return gateway != null ? gateway : backend;
    }

    private static void validate(final DataplaneSettings settings, final List<ServiceSpec> specs)
    {
        final Set<String> names = new HashSet<>();
        final Set<IpAddress> locals = new HashSet<>(settings.localAddresses());
        for (final ServiceSpec spec : specs)
        {
            final String name = spec.name();
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
            if (spec.tcpIdleTimeoutNs() <= 0 || spec.udpIdleTimeoutNs() <= 0)
            {
                throw new IllegalArgumentException("service " + name + ": idle timeouts must be positive");
            }
            final Set<IpAddress> seen = new HashSet<>();
            for (final ServiceSpec.BackendSpec backend : spec.backends())
            {
                validateBackend(settings, spec, backend);
                if (!seen.add(backend.address()))
                {
                    throw new IllegalArgumentException("service " + name + ": backend " + backend.address() + " is listed twice");
                }
            }
        }
    }

    private static void validateBackend(final DataplaneSettings settings, final ServiceSpec spec, final ServiceSpec.BackendSpec backend)
    {
        final String name = spec.name();
        if (backend.weight() < 0 || backend.weight() > 65535)
        {
            throw new IllegalArgumentException(
                "service " + name + ": backend " + backend.address() + " weight " + backend.weight() + " is not 0..65535");
        }
        final boolean sameFamily = backend.address().ipv6() == spec.vip().ipv6();
        if ((spec.mode() == ForwardingMode.DSR || spec.mode() == ForwardingMode.IPIP) && !sameFamily)
        {
            throw new IllegalArgumentException(
                "service " + name + ": " + spec.mode() + " needs backends of the VIP's address family, " + backend.address() +
                " is not (use GUE to mix IPv4 and IPv6)");
        }
        if (spec.mode() != ForwardingMode.DSR)
        {
            final boolean hasSource = backend.address().ipv6() ?
                !settings.tunnelSourcesIpv6().isEmpty() : !settings.tunnelSourcesIpv4().isEmpty();
            if (!hasSource)
            {
                throw new IllegalArgumentException(
                    "service " + name + ": tunnel to " + backend.address() + " needs an " +
                    (backend.address().ipv6() ? "IPv6" : "IPv4") + " tunnel source address, none is configured");
            }
        }
    }
}
