package io.sluice.controlplane.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import com.google.protobuf.FieldMask;

import io.sluice.controlplane.api.v1.AddServiceRequest;
import io.sluice.controlplane.api.v1.BackendConfig;
import io.sluice.controlplane.api.v1.ClientAddress;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.FragmentPolicy;
import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.HealthPolicy;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.ServiceFlag;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.config.Scheduler;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.TimeoutSection;
import io.sluice.controlplane.model.ChangeRejectedException;
import io.sluice.controlplane.model.ServiceValidation;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.RewriteOptions;

/**
 * Turns {@code sluice.v1} requests into the control model's values, checking every field on the
 * way: a field that is malformed or out of range is an INVALID_ARGUMENT naming the request's own
 * field path ({@code settings.maglev_size}, {@code backends[2].weight}), its value and what would be
 * valid. Unset fields take the configuration file's defaults.
 */
final class ProtoRequests
{
    /** The fields of {@link ServiceSettings} an update mask may name, in declaration order. */
    static final List<String> SETTINGS_FIELDS = List.of("mode", "scheduler", "flags", "quorum", "sorry_backend",
        "tcp_idle_timeout", "udp_idle_timeout", "maglev_size", "health_check", "backend_port", "fragments", "client_address", "toa_kind",
        "mss_clamp");
    private static final int MAX_SOURCE_NAME = 255;
    private static final String ADDRESS_FORM = "an IPv4 or IPv6 address literal, e.g. 192.0.2.10 or 2001:db8::10";

    private ProtoRequests()
    {
    }

    static io.sluice.controlplane.model.ServiceKey key(final String field, final ServiceKey key)
    {
        return new io.sluice.controlplane.model.ServiceKey(address(field + ".vip", key.getVip()),
            ServiceValidation.port(field + ".port", key.getPort() & 0xFFFF_FFFFL),
            protocol(field + ".protocol", key.getProtocolValue()));
    }

    static IpAddress address(final String field, final String text)
    {
        try
        {
            return IpAddress.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw ChangeRejectedException.invalid(field, text, ADDRESS_FORM);
        }
    }

    /**
     * The name problems of an applied configuration are reported under: the file name of the
     * caller's path, at most 255 characters of visible text, or {@code apply} when none is given.
     */
    static String sourceName(final String field, final String text)
    {
        if (text.isBlank())
        {
            return "apply";
        }
        for (int i = 0; i < text.length(); i++)
        {
            if (Character.isISOControl(text.charAt(i)))
            {
                throw ChangeRejectedException.invalid(field, text, "a file name or path without control characters");
            }
        }
        final Path name = Path.of(text).getFileName();
        if (text.length() > MAX_SOURCE_NAME || name == null)
        {
            throw ChangeRejectedException.invalid(field, text, "a file name or path of at most " + MAX_SOURCE_NAME + " characters");
        }
        return name.toString();
    }

    static int protocol(final String field, final int value)
    {
        final Protocol protocol = Protocol.forNumber(value);
        if (protocol == null)
        {
            throw ChangeRejectedException.invalid(field, value, "PROTOCOL_TCP or PROTOCOL_UDP");
        }
        return protocol == Protocol.PROTOCOL_UDP ?
            io.sluice.controlplane.model.ServiceKey.UDP : io.sluice.controlplane.model.ServiceKey.TCP;
    }

    static int clientPort(final String field, final int port)
    {
        final long value = port & 0xFFFF_FFFFL;
        if (value > 65535)
        {
            throw ChangeRejectedException.invalid(field, value, "a port 0..65535");
        }
        return (int)value;
    }

    static ServiceSection.BackendEntry backend(final String field, final BackendConfig backend)
    {
        final IpAddress address = address(field + ".address", backend.getAddress());
        final int weight = backend.hasWeight() ? ServiceValidation.weight(field + ".weight", backend.getWeight() & 0xFFFF_FFFFL) : 1;
        return new ServiceSection.BackendEntry(address, weight);
    }

    /**
     * The service an AddService request describes.
     */
    static ServiceSection service(final AddServiceRequest request, final TimeoutSection globals)
    {
        final io.sluice.controlplane.model.ServiceKey key = key("key", request.getKey());
        final ServiceSection defaults = new ServiceSection(key.vip(), key.port(), key.protocol(), null, MaglevTable.DEFAULT_SIZE,
            globals.tcpIdleNs(), globals.udpIdleNs(), List.of());
        final List<ServiceSection.BackendEntry> backends = new ArrayList<>();
        for (int i = 0; i < request.getBackendsCount(); i++)
        {
            backends.add(backend("backends[" + i + "]", request.getBackends(i)));
        }
        return withSettings(defaults, request.getSettings(), FieldMask.getDefaultInstance(), globals).withBackends(backends);
    }

    /**
     * A service with the fields of {@code settings} that the mask names (all when it is empty).
     */
    static ServiceSection withSettings(
        final ServiceSection base, final ServiceSettings settings, final FieldMask mask, final TimeoutSection globals)
    {
        final List<String> paths = mask.getPathsCount() == 0 ? SETTINGS_FIELDS : mask.getPathsList();
        ServiceSection service = base;
        for (final String path : paths)
        {
            if (!SETTINGS_FIELDS.contains(path))
            {
                throw ChangeRejectedException.invalid("update_mask", path, "a field of ServiceSettings: " +
                    String.join(", ", SETTINGS_FIELDS));
            }
            service = withSetting(service, path, settings, globals);
        }
        return service;
    }

    private static ServiceSection withSetting(
        final ServiceSection s, final String path, final ServiceSettings settings, final TimeoutSection globals)
    {
        final String field = "settings." + path;
        final RewriteOptions rewrite = s.rewrite();
        return switch (path)
        {
            case "client_address" -> s.withRewrite(
                new RewriteOptions(clientAddress(field, settings.getClientAddressValue()), rewrite.toaKind(), rewrite.mssClamp()));
            case "toa_kind" -> s.withRewrite(new RewriteOptions(rewrite.clientAddress(), settings.getToaKind() == 0 ?
                RewriteOptions.DEFAULT_TOA_KIND : ServiceValidation.toaKind(field, settings.getToaKind() & 0xFFFF_FFFFL),
                rewrite.mssClamp()));
            case "mss_clamp" -> s.withRewrite(new RewriteOptions(rewrite.clientAddress(), rewrite.toaKind(),
                ServiceValidation.mssClamp(field, settings.getMssClamp() & 0xFFFF_FFFFL)));
            default -> translationOrScheduling(s, path, settings, globals).withRewrite(rewrite);
        };
    }

    /** The settings a section's record constructor takes: each case names them all. */
    private static ServiceSection translationOrScheduling(
        final ServiceSection s, final String path, final ServiceSettings settings, final TimeoutSection globals)
    {
        final String field = "settings." + path;
        return switch (path)
        {
            case "mode" -> new ServiceSection(s.vip(), s.port(), s.protocol(), mode(field, settings.getModeValue()), s.maglevSize(),
                s.tcpIdleNs(), s.udpIdleNs(), s.backends(), s.scheduler(), s.flags(), s.quorum(), s.sorry(), s.healthCheck(), s.backendPort(), s.fragments());
            case "scheduler" -> new ServiceSection(s.vip(), s.port(), s.protocol(), s.mode(), s.maglevSize(), s.tcpIdleNs(),
                s.udpIdleNs(), s.backends(), scheduler(field, settings.getSchedulerValue()), s.flags(), s.quorum(), s.sorry(),
                s.healthCheck(), s.backendPort(), s.fragments());
            case "flags" -> new ServiceSection(s.vip(), s.port(), s.protocol(), s.mode(), s.maglevSize(), s.tcpIdleNs(),
                s.udpIdleNs(), s.backends(), s.scheduler(), flags(field, settings.getFlagsValueList(), s.protocol()), s.quorum(),
                s.sorry(), s.healthCheck(), s.backendPort(), s.fragments());
            case "quorum" -> new ServiceSection(s.vip(), s.port(), s.protocol(), s.mode(), s.maglevSize(), s.tcpIdleNs(),
                s.udpIdleNs(), s.backends(), s.scheduler(), s.flags(), settings.hasQuorum() ?
                ServiceValidation.quorum(field, settings.getQuorum() & 0xFFFF_FFFFL) : ServiceSection.DEFAULT_QUORUM, s.sorry(),
                s.healthCheck(), s.backendPort(), s.fragments());
            case "sorry_backend" -> new ServiceSection(s.vip(), s.port(), s.protocol(), s.mode(), s.maglevSize(), s.tcpIdleNs(),
                s.udpIdleNs(), s.backends(), s.scheduler(), s.flags(), s.quorum(),
                settings.getSorryBackend().isEmpty() ? null : address(field, settings.getSorryBackend()), s.healthCheck(), s.backendPort(), s.fragments());
            case "tcp_idle_timeout" -> new ServiceSection(s.vip(), s.port(), s.protocol(), s.mode(), s.maglevSize(),
                settings.hasTcpIdleTimeout() ? ServiceValidation.idleTimeoutNs(field, duration(field, settings.getTcpIdleTimeout())) :
                globals.tcpIdleNs(), s.udpIdleNs(), s.backends(), s.scheduler(), s.flags(), s.quorum(), s.sorry(), s.healthCheck(), s.backendPort(), s.fragments());
            case "udp_idle_timeout" -> new ServiceSection(s.vip(), s.port(), s.protocol(), s.mode(), s.maglevSize(), s.tcpIdleNs(),
                settings.hasUdpIdleTimeout() ? ServiceValidation.idleTimeoutNs(field, duration(field, settings.getUdpIdleTimeout())) :
                globals.udpIdleNs(), s.backends(), s.scheduler(), s.flags(), s.quorum(), s.sorry(), s.healthCheck(), s.backendPort(), s.fragments());
            case "backend_port" -> new ServiceSection(s.vip(), s.port(), s.protocol(), s.mode(), s.maglevSize(), s.tcpIdleNs(),
                s.udpIdleNs(), s.backends(), s.scheduler(), s.flags(), s.quorum(), s.sorry(), s.healthCheck(),
                ServiceValidation.backendPort(field, settings.getBackendPort() & 0xFFFF_FFFFL), s.fragments());
            case "fragments" -> new ServiceSection(s.vip(), s.port(), s.protocol(), s.mode(), s.maglevSize(), s.tcpIdleNs(),
                s.udpIdleNs(), s.backends(), s.scheduler(), s.flags(), s.quorum(), s.sorry(), s.healthCheck(), s.backendPort(),
                fragments(field, settings.getFragmentsValue()));
            case "maglev_size" -> new ServiceSection(s.vip(), s.port(), s.protocol(), s.mode(), settings.getMaglevSize() == 0 ?
                MaglevTable.DEFAULT_SIZE : ServiceValidation.maglevSize(field, settings.getMaglevSize() & 0xFFFF_FFFFL), s.tcpIdleNs(),
                s.udpIdleNs(), s.backends(), s.scheduler(), s.flags(), s.quorum(), s.sorry(), s.healthCheck(), s.backendPort(), s.fragments());
            default -> s.withHealthCheck(settings.hasHealthCheck() ? healthPolicy(field, settings.getHealthCheck()) :
                ServiceSection.NO_HEALTH_CHECK);
        };
    }

    static io.sluice.dataplane.service.ForwardingMode mode(final String field, final int value)
    {
        final ForwardingMode mode = ForwardingMode.forNumber(value);
        if (mode == null || mode == ForwardingMode.FORWARDING_MODE_UNSPECIFIED)
        {
            throw ChangeRejectedException.invalid(field, mode == null ? Integer.toString(value) : mode.name(),
                "one of FORWARDING_MODE_DSR, FORWARDING_MODE_IPIP, FORWARDING_MODE_GUE, FORWARDING_MODE_NAT, " +
                "FORWARDING_MODE_FULLNAT (a service needs a mode)");
        }
        return switch (mode)
        {
            case FORWARDING_MODE_IPIP -> io.sluice.dataplane.service.ForwardingMode.IPIP;
            case FORWARDING_MODE_GUE -> io.sluice.dataplane.service.ForwardingMode.GUE;
            case FORWARDING_MODE_NAT -> io.sluice.dataplane.service.ForwardingMode.NAT;
            case FORWARDING_MODE_FULLNAT -> io.sluice.dataplane.service.ForwardingMode.FULLNAT;
            default -> io.sluice.dataplane.service.ForwardingMode.DSR;
        };
    }

    static io.sluice.dataplane.service.FragmentPolicy fragments(final String field, final int value)
    {
        final FragmentPolicy policy = FragmentPolicy.forNumber(value);
        if (policy == null)
        {
            throw ChangeRejectedException.invalid(field, value, "a FragmentPolicy value, e.g. FRAGMENT_POLICY_DROP");
        }
        return policy == FragmentPolicy.FRAGMENT_POLICY_L3 ?
            io.sluice.dataplane.service.FragmentPolicy.L3 : io.sluice.dataplane.service.FragmentPolicy.DROP;
    }

    static io.sluice.dataplane.service.ClientAddress clientAddress(final String field, final int value)
    {
        final ClientAddress carrier = ClientAddress.forNumber(value);
        if (carrier == null)
        {
            throw ChangeRejectedException.invalid(field, value, "a ClientAddress value: CLIENT_ADDRESS_NONE, CLIENT_ADDRESS_TOA (TCP) " +
                "or CLIENT_ADDRESS_PROXY_V2 (UDP)");
        }
        return switch (carrier)
        {
            case CLIENT_ADDRESS_TOA -> io.sluice.dataplane.service.ClientAddress.TOA;
            case CLIENT_ADDRESS_PROXY_V2 -> io.sluice.dataplane.service.ClientAddress.PROXY_V2;
            default -> io.sluice.dataplane.service.ClientAddress.NONE;
        };
    }

    static Scheduler scheduler(final String field, final int value)
    {
        final io.sluice.controlplane.api.v1.Scheduler scheduler = io.sluice.controlplane.api.v1.Scheduler.forNumber(value);
        if (scheduler == null)
        {
            throw ChangeRejectedException.invalid(field, value, "a Scheduler value, e.g. SCHEDULER_MAGLEV");
        }
        return switch (scheduler)
        {
            case SCHEDULER_UNSPECIFIED -> Scheduler.DEFAULT;
            case SCHEDULER_WEIGHTED_MAGLEV -> Scheduler.WEIGHTED_MAGLEV;
            case SCHEDULER_SOURCE_HASH -> Scheduler.SOURCE_HASH;
            case SCHEDULER_LEAST_CONN -> Scheduler.LEAST_CONN;
            case SCHEDULER_WEIGHTED_ROUND_ROBIN -> Scheduler.WEIGHTED_ROUND_ROBIN;
            case SCHEDULER_LEAST_RESPONSE_TIME -> Scheduler.LEAST_RESPONSE_TIME;
            case SCHEDULER_MAGLEV, UNRECOGNIZED -> Scheduler.MAGLEV;
        };
    }

    static Set<io.sluice.controlplane.config.ServiceFlag> flags(
        final String field, final List<Integer> flags, final int protocol)
    {
        final Set<io.sluice.controlplane.config.ServiceFlag> set = EnumSet.noneOf(io.sluice.controlplane.config.ServiceFlag.class);
        for (int i = 0; i < flags.size(); i++)
        {
            final ServiceFlag flag = ServiceFlag.forNumber(flags.get(i));
            if (flag == null || flag == ServiceFlag.SERVICE_FLAG_UNSPECIFIED)
            {
                throw ChangeRejectedException.invalid(field + "[" + i + "]", flag == null ? flags.get(i).toString() : flag.name(),
                    "SERVICE_FLAG_RESET_ON_DOWN or SERVICE_FLAG_OPS");
            }
            final io.sluice.controlplane.config.ServiceFlag mapped = flag == ServiceFlag.SERVICE_FLAG_OPS ?
                io.sluice.controlplane.config.ServiceFlag.OPS : io.sluice.controlplane.config.ServiceFlag.RESET_ON_DOWN;
            if (!set.add(mapped))
            {
                throw ChangeRejectedException.invalid(field + "[" + i + "]", flag.name(), "a flag not listed before");
            }
            if (mapped == io.sluice.controlplane.config.ServiceFlag.OPS && protocol != io.sluice.controlplane.model.ServiceKey.UDP)
            {
                throw ChangeRejectedException.invalid(field + "[" + i + "]", flag.name(),
                    "a flag of UDP services only (one-packet scheduling has no use for TCP)");
            }
        }
        return set;
    }

    static Duration duration(final String field, final com.google.protobuf.Duration duration)
    {
        if (duration.getSeconds() < 0 || duration.getNanos() < 0 || duration.getNanos() > 999_999_999)
        {
            throw ChangeRejectedException.invalid(field, duration.getSeconds() + "s " + duration.getNanos() + "ns",
                "a positive duration");
        }
        return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
    }

    static io.sluice.controlplane.health.HealthPolicy healthPolicy(final String field, final HealthPolicy policy)
    {
        final io.sluice.controlplane.health.HealthCheckKind kind = kind(field + ".kind", policy.getKindValue());
        final long port = policy.getPort() & 0xFFFF_FFFFL;
        if (port > 65535)
        {
            throw ChangeRejectedException.invalid(field + ".port", port, "a port 1..65535, or 0 for the service's port");
        }
        final long status = policy.getExpectStatus() & 0xFFFF_FFFFL;
        if (status != 0 && (status < 100 || status > 599))
        {
            throw ChangeRejectedException.invalid(field + ".expect_status", status, "an HTTP status 100..599, or 0 for 200");
        }
        final Duration interval = policy.hasInterval() ? ServiceValidation.checkDuration(field + ".interval",
            duration(field + ".interval", policy.getInterval())) : io.sluice.controlplane.health.HealthPolicy.DEFAULT_INTERVAL;
        final Duration timeout = policy.hasTimeout() ? ServiceValidation.checkDuration(field + ".timeout",
            duration(field + ".timeout", policy.getTimeout())) : io.sluice.controlplane.health.HealthPolicy.DEFAULT_TIMEOUT;
        try
        {
            return ServiceValidation.normalized(new io.sluice.controlplane.health.HealthPolicy(kind, (int)port,
                policy.getHttpPath().isEmpty() ? null : policy.getHttpPath(),
                policy.getHttpHost().isEmpty() ? null : policy.getHttpHost(),
                status == 0 ? io.sluice.controlplane.health.HealthPolicy.DEFAULT_EXPECT_STATUS : (int)status,
                policy.getUdpSend().toByteArray(), policy.getUdpExpect().toByteArray(), interval, timeout,
                policy.getRise() == 0 ? io.sluice.controlplane.health.HealthPolicy.DEFAULT_RISE : policy.getRise(),
                policy.getFall() == 0 ? io.sluice.controlplane.health.HealthPolicy.DEFAULT_FALL : policy.getFall()));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ChangeRejectedException(ChangeRejectedException.Reason.INVALID_ARGUMENT, field + ": " + ex.getMessage());
        }
    }

    private static io.sluice.controlplane.health.HealthCheckKind kind(final String field, final int value)
    {
        final HealthCheckKind kind = HealthCheckKind.forNumber(value);
        if (kind == null)
        {
            throw ChangeRejectedException.invalid(field, value, "a HealthCheckKind value, e.g. HEALTH_CHECK_KIND_TCP");
        }
        return switch (kind)
        {
            case HEALTH_CHECK_KIND_UNSPECIFIED, HEALTH_CHECK_KIND_NONE, UNRECOGNIZED ->
                io.sluice.controlplane.health.HealthCheckKind.NONE;
            case HEALTH_CHECK_KIND_ICMP -> io.sluice.controlplane.health.HealthCheckKind.ICMP;
            case HEALTH_CHECK_KIND_TCP -> io.sluice.controlplane.health.HealthCheckKind.TCP;
            case HEALTH_CHECK_KIND_HTTP -> io.sluice.controlplane.health.HealthCheckKind.HTTP;
            case HEALTH_CHECK_KIND_HTTPS -> io.sluice.controlplane.health.HealthCheckKind.HTTPS;
            case HEALTH_CHECK_KIND_UDP -> io.sluice.controlplane.health.HealthCheckKind.UDP;
        };
    }
}
