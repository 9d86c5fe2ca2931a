package io.sluice.controlplane.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.RewriteOptions;
import io.sluice.dataplane.service.ServiceSpec;

/**
 * One entry of {@code services:}: a VIP, port and protocol, how it forwards and schedules, its
 * backends, and how they are checked.
 *
 * @param vip         the virtual address.
 * @param port        the VIP port.
 * @param protocol    IP protocol number, 6 (tcp) or 17 (udp).
 * @param mode        forwarding mode.
 * @param maglevSize  Maglev table size, a prime.
 * @param tcpIdleNs   idle timeout of its TCP flows (the service's own, or the global one).
 * @param udpIdleNs   idle timeout of its UDP flows.
 * @param backends    the backends.
 * @param scheduler   how new flows pick a backend.
 * @param flags       per-service switches.
 * @param quorum      the fewest backends taking new flows with which the service is up.
 * @param sorry       the backend that takes new flows below the quorum, or null.
 * @param healthCheck how the backends are checked ({@link HealthCheckKind#NONE}: not at all).
 * @param backendPort the port the backends serve on (modes nat and fullnat), 0 for the VIP port.
 * @param fragments   what happens to the service's IP fragments.
 * @param rewrite     what the NAT rewrite adds: the client's address (fullnat), the TOA kind, the MSS clamp.
 */
public record ServiceSection(
    IpAddress vip, int port, int protocol, ForwardingMode mode, int maglevSize, long tcpIdleNs, long udpIdleNs,
    List<BackendEntry> backends, Scheduler scheduler, Set<ServiceFlag> flags, int quorum, IpAddress sorry,
    HealthPolicy healthCheck, int backendPort, FragmentPolicy fragments, RewriteOptions rewrite)
{
    /** The default quorum: one backend taking new flows. */
    public static final int DEFAULT_QUORUM = 1;
    /** The largest quorum: as many backends as a configuration may hold. */
    public static final int MAX_QUORUM = 16384;
    /** No health checks. */
    public static final HealthPolicy NO_HEALTH_CHECK = HealthPolicy.defaults(HealthCheckKind.NONE);

    /**
     * One backend.
     *
     * @param address its address.
     * @param weight  its weight, 0..65535; 0 drains it.
     */
    public record BackendEntry(IpAddress address, int weight)
    {
    }

    /**
     * Copies the lists.
     */
    public ServiceSection
    {
        backends = List.copyOf(backends);
        flags = Set.copyOf(flags);
        if (rewrite == null)
        {
            throw new IllegalArgumentException("rewrite options must be given (RewriteOptions.NONE for none)");
        }
    }

    /**
     * A service whose rewrite adds nothing ({@link RewriteOptions#NONE}).
     */
    public ServiceSection(
        final IpAddress vip, final int port, final int protocol, final ForwardingMode mode, final int maglevSize,
        final long tcpIdleNs, final long udpIdleNs, final List<BackendEntry> backends, final Scheduler scheduler,
        final Set<ServiceFlag> flags, final int quorum, final IpAddress sorry, final HealthPolicy healthCheck, final int backendPort,
        final FragmentPolicy fragments)
    {
        this(vip, port, protocol, mode, maglevSize, tcpIdleNs, udpIdleNs, backends, scheduler, flags, quorum, sorry, healthCheck,
            backendPort, fragments, RewriteOptions.NONE);
    }

    /**
     * A service with the default scheduler (Maglev), no flags, quorum 1, no sorry backend and no
     * health checks.
     */
    public ServiceSection(
        final IpAddress vip, final int port, final int protocol, final ForwardingMode mode, final int maglevSize,
        final long tcpIdleNs, final long udpIdleNs, final List<BackendEntry> backends)
    {
        this(vip, port, protocol, mode, maglevSize, tcpIdleNs, udpIdleNs, backends, Scheduler.DEFAULT, Set.of(),
            DEFAULT_QUORUM, null, NO_HEALTH_CHECK, 0, FragmentPolicy.DROP, RewriteOptions.NONE);
    }

    /**
     * The dataplane's form of this service as configured: every backend with its configured weight,
     * then the sorry backend (if any) with weight 0, so that its next hop is resolved before it is
     * needed and its counters have a row. The control model derives the form in force from it
     * (health, quorum).
     *
     * @return the definition {@code Dataplane.apply} takes.
     */
    public ServiceSpec toSpec()
    {
        final List<ServiceSpec.BackendSpec> specs = new ArrayList<>(backends.size() + 1);
        for (final BackendEntry backend : backends)
        {
            specs.add(new ServiceSpec.BackendSpec(backend.address(), backend.weight()));
        }
        if (sorry != null)
        {
            specs.add(new ServiceSpec.BackendSpec(sorry, 0));
        }
        return new ServiceSpec(vip, port, protocol, mode, specs, maglevSize, tcpIdleNs, udpIdleNs)
            .withTranslation(backendPort, fragments).withRewrite(rewrite);
    }

    /**
     * A short name for messages.
     *
     * @return e.g. {@code 192.0.2.10:80/tcp}.
     */
    public String name()
    {
        return new ServiceSpec(vip, port, protocol, mode, List.of(), maglevSize, tcpIdleNs, udpIdleNs).name();
    }

    /**
     * The backend with an address.
     *
     * @param address the address.
     * @return the backend, or null when the service has none with that address.
     */
    public BackendEntry backend(final IpAddress address)
    {
        for (final BackendEntry backend : backends)
        {
            if (backend.address().equals(address))
            {
                return backend;
            }
        }
        return null;
    }

    /**
     * This service with other backends.
     *
     * @param newBackends the backends.
     * @return a new section.
     */
    public ServiceSection withBackends(final List<BackendEntry> newBackends)
    {
        return new ServiceSection(vip, port, protocol, mode, maglevSize, tcpIdleNs, udpIdleNs, newBackends, scheduler, flags,
            quorum, sorry, healthCheck, backendPort, fragments, rewrite);
    }

    /**
     * This service with another health-check policy.
     *
     * @param policy the policy.
     * @return a new section.
     */
    public ServiceSection withHealthCheck(final HealthPolicy policy)
    {
        return new ServiceSection(vip, port, protocol, mode, maglevSize, tcpIdleNs, udpIdleNs, backends, scheduler, flags,
            quorum, sorry, policy, backendPort, fragments, rewrite);
    }

    /**
     * This service with other rewrite options.
     *
     * @param options the client-address carrier, TOA kind and MSS clamp.
     * @return a new section.
     */
    public ServiceSection withRewrite(final RewriteOptions options)
    {
        return new ServiceSection(vip, port, protocol, mode, maglevSize, tcpIdleNs, udpIdleNs, backends, scheduler, flags,
            quorum, sorry, healthCheck, backendPort, fragments, options);
    }
}
