package io.sluice.controlplane.model;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.sluice.controlplane.config.ServiceFlag;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.maglev.MaglevTableBuilder;
import io.sluice.dataplane.service.AddressRules;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;

/**
 * The checks of a service built outside the configuration loader (by the API), with the loader's
 * ranges: each checker names the field it is given, so the API reports its own field names, and
 * {@link #validate} runs them all on a whole service before the model accepts it. The checks only
 * the dataplane knows (address families, tunnel sources, local VIPs) run in {@link #dataplaneRefusal}.
 */
public final class ServiceValidation
{
    /** The largest weight. */
    public static final int MAX_WEIGHT = 65535;
    private static final long MS = 1_000_000L;

    private ServiceValidation()
    {
    }

    /**
     * Checks a port.
     *
     * @return the port, 1..65535.
     * @throws ChangeRejectedException naming the field otherwise.
     */
    public static int port(final String field, final long port)
    {
        if (port < 1 || port > 65535)
        {
            throw ChangeRejectedException.invalid(field, port, "a port 1..65535");
        }
        return (int)port;
    }

    /**
     * Checks that an address can have a role ({@link AddressRules}).
     *
     * @return the address.
     * @throws ChangeRejectedException naming the field and the address's class otherwise.
     */
    public static IpAddress address(final String field, final AddressRules.Role role, final IpAddress address)
    {
        final String refusal = AddressRules.refusal(role, address);
        if (refusal != null)
        {
            throw new ChangeRejectedException(ChangeRejectedException.Reason.INVALID_ARGUMENT, field + ": " + refusal);
        }
        return address;
    }

    /**
     * Checks a weight.
     *
     * @return the weight, 0..65535.
     * @throws ChangeRejectedException naming the field otherwise.
     */
    public static int weight(final String field, final long weight)
    {
        if (weight < 0 || weight > MAX_WEIGHT)
        {
            throw ChangeRejectedException.invalid(field, weight, "an integer 0..65535 (0 drains)");
        }
        return (int)weight;
    }

    /**
     * Checks a quorum.
     *
     * @return the quorum.
     * @throws ChangeRejectedException naming the field otherwise.
     */
    public static int quorum(final String field, final long quorum)
    {
        if (quorum < 0 || quorum > ServiceSection.MAX_QUORUM)
        {
            throw ChangeRejectedException.invalid(field, quorum, "an integer 0.." + ServiceSection.MAX_QUORUM);
        }
        return (int)quorum;
    }

    /**
     * Checks a backend port from a request (whether the mode allows it is checked with the service).
     *
     * @param field the field, for the message.
     * @param port  the value.
     * @return the port, 0 for the VIP port.
     * @throws ChangeRejectedException naming the field otherwise.
     */
    public static int backendPort(final String field, final long port)
    {
        if (port < 0 || port > 65535)
        {
            throw ChangeRejectedException.invalid(field, port, "a port 1..65535, or 0 for the VIP port");
        }
        return (int)port;
    }

    /**
     * Checks a TOA option kind from a request (which kinds TCP itself uses is checked with the service).
     *
     * @param field the field, for the message.
     * @param kind  the value.
     * @return the kind.
     * @throws ChangeRejectedException naming the field otherwise.
     */
    public static int toaKind(final String field, final long kind)
    {
        if (kind < 1 || kind > 255)
        {
            throw ChangeRejectedException.invalid(field, kind, "a TCP option kind 1..255, or 0 for 254");
        }
        return (int)kind;
    }

    /**
     * Checks an MSS clamp from a request (its range by family, and the modes that take one, are
     * checked with the service).
     *
     * @param field the field, for the message.
     * @param mss   the value.
     * @return the clamp, 0 for none.
     * @throws ChangeRejectedException naming the field otherwise.
     */
    public static int mssClamp(final String field, final long mss)
    {
        if (mss < 0 || mss > 65535)
        {
            throw ChangeRejectedException.invalid(field, mss, "an MSS 536..9176 (IPv4) or 1220..9156 (IPv6), or 0 for no clamp");
        }
        return (int)mss;
    }

    /**
     * Checks a Maglev table size on its own (the number of backends is checked with the service).
     *
     * @return the size, a prime.
     * @throws ChangeRejectedException naming the field otherwise.
     */
    public static int maglevSize(final String field, final long size)
    {
        if (size < 2 || size > MaglevTable.MAX_SIZE || !MaglevTableBuilder.isPrime((int)size))
        {
            throw ChangeRejectedException.invalid(field, size, "a prime from 2 to " + MaglevTable.MAX_SIZE + ", e.g. 65537");
        }
        return (int)size;
    }

    /**
     * Checks a flow idle timeout: whole milliseconds (the file's unit), 1ms to the flow table's maximum.
     *
     * @return the timeout in nanoseconds.
     * @throws ChangeRejectedException naming the field otherwise.
     */
    public static long idleTimeoutNs(final String field, final Duration timeout)
    {
        final long ns = timeout.toNanos();
        if (ns < MS || ns > FlowTable.MAX_IDLE_TIMEOUT_NS || ns % MS != 0)
        {
            throw ChangeRejectedException.invalid(field, timeout, "whole milliseconds from 1ms to " +
                FlowTable.MAX_IDLE_TIMEOUT_NS / 3_600_000_000_000L + "h");
        }
        return ns;
    }

    /**
     * Checks a health-check duration: whole milliseconds (the file's unit), 1ms to 1h.
     *
     * @return the duration.
     * @throws ChangeRejectedException naming the field otherwise.
     */
    public static Duration checkDuration(final String field, final Duration duration)
    {
        if (duration.toNanos() < MS || duration.compareTo(HealthPolicy.MAX_INTERVAL) > 0 || duration.toNanos() % MS != 0)
        {
            throw ChangeRejectedException.invalid(field, duration, "whole milliseconds from 1ms to 1h");
        }
        return duration;
    }

    /**
     * A health-check policy with only the fields its kind uses (the others at their defaults), so
     * that equal checks compare equal and the configuration file can say it.
     *
     * @param policy the policy.
     * @return the policy to keep.
     */
    public static HealthPolicy normalized(final HealthPolicy policy)
    {
        final HealthCheckKind kind = policy.kind();
        if (kind == HealthCheckKind.NONE)
        {
            return ServiceSection.NO_HEALTH_CHECK;
        }
        final boolean http = kind == HealthCheckKind.HTTP || kind == HealthCheckKind.HTTPS;
        final boolean udp = kind == HealthCheckKind.UDP;
        return new HealthPolicy(kind, kind == HealthCheckKind.ICMP ? 0 : policy.port(),
            http ? policy.httpPath() : HealthPolicy.DEFAULT_HTTP_PATH, http ? policy.httpHost() : null,
            http ? policy.expectStatus() : HealthPolicy.DEFAULT_EXPECT_STATUS, udp ? policy.udpSend() : null,
            udp ? policy.udpExpect() : null, policy.interval(), policy.timeout(), policy.rise(), policy.fall());
    }

    /**
     * Runs every check on a whole service.
     *
     * @param service the service.
     * @throws ChangeRejectedException {@link ChangeRejectedException.Reason#INVALID_ARGUMENT} naming the first problem.
     */
    public static void validate(final ServiceSection service)
    {
        final String name = ServiceKey.of(service).name();
        address("service " + name + " vip", AddressRules.Role.VIP, service.vip());
        port("service " + name + " port", service.port());
        if (service.protocol() != ServiceKey.TCP && service.protocol() != ServiceKey.UDP)
        {
            throw ChangeRejectedException.invalid("service " + name + " protocol", service.protocol(), "tcp (6) or udp (17)");
        }
        if (service.mode() == null || service.scheduler() == null || service.healthCheck() == null)
        {
            throw ChangeRejectedException.invalid("service " + name, "incomplete", "a mode, a scheduler and a health check policy");
        }
        quorum("service " + name + " quorum", service.quorum());
        idleTimeoutNs("service " + name + " tcp idle timeout", Duration.ofNanos(service.tcpIdleNs()));
        idleTimeoutNs("service " + name + " udp idle timeout", Duration.ofNanos(service.udpIdleNs()));
        maglevSize("service " + name + " maglev size", service.maglevSize());
        if (service.flags().contains(ServiceFlag.OPS) && service.protocol() != ServiceKey.UDP)
        {
            throw ChangeRejectedException.invalid("service " + name + " flags", "ops", "a flag of a UDP service only");
        }
        final Set<IpAddress> seen = new HashSet<>();
        for (final ServiceSection.BackendEntry backend : service.backends())
        {
            address("service " + name + " backend", AddressRules.Role.BACKEND, backend.address());
            if (backend.address().equals(service.vip()))
            {
                throw ChangeRejectedException.invalid("service " + name + " backend", backend.address(),
                    "not the service's own VIP (what the LB forwards there would come back to it)");
            }
            weight("service " + name + " backend " + backend.address() + " weight", backend.weight());
            if (!seen.add(backend.address()))
            {
                throw new ChangeRejectedException(ChangeRejectedException.Reason.INVALID_ARGUMENT,
                    "service " + name + ": backend " + backend.address() + " is listed twice");
            }
        }
        if (service.sorry() != null)
        {
            address("service " + name + " sorry backend", AddressRules.Role.SORRY, service.sorry());
        }
        if (service.sorry() != null && seen.contains(service.sorry()))
        {
            throw ChangeRejectedException.invalid("service " + name + " sorry backend", service.sorry(),
                "an address that is not one of the service's backends");
        }
        final int tableBackends = service.backends().size() + (service.sorry() == null ? 0 : 1);
        if (service.maglevSize() <= tableBackends)
        {
            throw new ChangeRejectedException(ChangeRejectedException.Reason.FAILED_PRECONDITION, "service " + name +
                ": Maglev table size " + service.maglevSize() + " must be a prime above the number of backends (" +
                tableBackends + (service.sorry() == null ? "" : ", the sorry backend included") + "), e.g. " +
                MaglevTableBuilder.nextPrime(Math.max(service.maglevSize(), tableBackends + 1)));
        }
    }

    /**
     * Runs the dataplane's own validation on a whole configuration, on a throwaway neighbour table of
     * the configured size.
     *
     * @param config the configuration.
     * @return the dataplane's message when it refuses it, else null.
     */
    public static String dataplaneRefusal(final SluiceConfig config)
    {
        try
        {
            ServiceSnapshotBuilder.check(config.settings(), config.serviceSpecs(), config.dataplane().neighbourCapacity());
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
    }

    /**
     * Whether two service lists hold the same keys.
     *
     * @return true when no two services of the list share VIP, port and protocol.
     */
    static boolean uniqueKeys(final List<ServiceSection> services)
    {
        final Set<ServiceKey> keys = new HashSet<>();
        for (final ServiceSection service : services)
        {
            if (!keys.add(ServiceKey.of(service)))
            {
                return false;
            }
        }
        return true;
    }
}
