package io.sluice.controlplane.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.sluice.controlplane.config.ApiSection;
import io.sluice.controlplane.config.Durations;
import io.sluice.controlplane.config.NetworkSection;
import io.sluice.controlplane.config.ServiceFlag;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.config.TimeoutSection;
import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.service.IpAddress;

/**
 * The differences between two configurations' network, timeouts and services, in words: what
 * {@code ApplyConfig} reports, and the one-line summary of a generation; and the sections that
 * differ but need a restart.
 */
public final class ConfigDiff
{
    private static final int SUMMARY_CHANGES = 3;

    private ConfigDiff()
    {
    }

    /**
     * The differences: network and timeouts first, then removed services, then the services of
     * {@code next} in its order (added or changed, each followed by its backends' changes).
     *
     * @param before the configuration in force.
     * @param next   the one to apply.
     * @return the changes, empty when the two run the same.
     */
    public static List<ConfigChange> between(final SluiceConfig before, final SluiceConfig next)
    {
        final List<ConfigChange> changes = new ArrayList<>();
        final String network = network(before.network(), next.network());
        if (!network.isEmpty())
        {
            changes.add(new ConfigChange(ConfigChange.Kind.CHANGED, "network", network));
        }
        final String timeouts = timeouts(before.timeouts(), next.timeouts());
        if (!timeouts.isEmpty())
        {
            changes.add(new ConfigChange(ConfigChange.Kind.CHANGED, "timeouts", timeouts));
        }
        final Map<ServiceKey, ServiceSection> old = new LinkedHashMap<>();
        for (final ServiceSection service : before.services())
        {
            old.put(ServiceKey.of(service), service);
        }
        final Map<ServiceKey, ServiceSection> kept = new LinkedHashMap<>();
        for (final ServiceSection service : next.services())
        {
            kept.put(ServiceKey.of(service), service);
        }
        for (final Map.Entry<ServiceKey, ServiceSection> entry : old.entrySet())
        {
            if (!kept.containsKey(entry.getKey()))
            {
                changes.add(new ConfigChange(ConfigChange.Kind.REMOVED, "service " + entry.getKey().name(), ""));
            }
        }
        for (final Map.Entry<ServiceKey, ServiceSection> entry : kept.entrySet())
        {
            service(changes, entry.getKey(), old.get(entry.getKey()), entry.getValue());
        }
        return changes;
    }

    /**
     * The changes in one line.
     *
     * @param changes the changes.
     * @return e.g. {@code added service 192.0.2.10:80/tcp: dsr, 2 backends; ... (5 changes)}, or
     *         {@code no change}.
     */
    public static String summary(final List<ConfigChange> changes)
    {
        if (changes.isEmpty())
        {
            return "no change";
        }
        final List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(SUMMARY_CHANGES, changes.size()); i++)
        {
            shown.add(changes.get(i).toString());
        }
        final String more = changes.size() > SUMMARY_CHANGES ? "; and " + (changes.size() - SUMMARY_CHANGES) + " more" : "";
        return String.join("; ", shown) + more;
    }

    /**
     * The sections that differ but only take effect on a restart (dataplane, stats, api, metrics), each with why.
     *
     * @param running the configuration in force.
     * @param next    the one to apply.
     * @return one line per section, empty when none differs.
     */
    static List<String> restartOnly(final SluiceConfig running, final SluiceConfig next)
    {
        final List<String> notApplied = new ArrayList<>();
        if (!running.dataplane().equals(next.dataplane()))
        {
            notApplied.add("dataplane: the device, workers, EAL, pools, flow table and NAT ports are set at start; the running " +
                "ones stay until a restart");
        }
        if (!running.statsFile().equals(next.statsFile()))
        {
            notApplied.add("stats: the daemon keeps publishing in " + running.statsFile() + " until a restart");
        }
        if (!sameApi(running.api(), next.api()))
        {
            notApplied.add("api: the API keeps its socket, listen address, TLS and token until a restart");
        }
        if (!Objects.equals(running.metrics(), next.metrics()))
        {
            notApplied.add("metrics: the metrics endpoint keeps its listen address (or stays off) until a restart");
        }
        if (!Objects.equals(running.sync(), next.sync()))
        {
            notApplied.add("sync: the node id, key, peers and channel are set at start; the running ones stay until a restart");
        }
        if (!Objects.equals(running.vrrp(), next.vrrp()))
        {
            notApplied.add("vrrp: the virtual routers are set at start; the running ones stay until a restart");
        }
        return notApplied;
    }

    /**
     * Whether two API sections are the same, taking a section without a token for the running one
     * when the running token was given inline (GetConfig never writes an inline token).
     */
    private static boolean sameApi(final ApiSection running, final ApiSection next)
    {
        if (running == null || next == null || running.token() == null || running.tokenFile() != null || next.token() != null ||
            next.tokenFile() != null)
        {
            return Objects.equals(running, next);
        }
        return running.equals(next.withToken(running.token(), null));
    }

    private static void service(
        final List<ConfigChange> changes, final ServiceKey key, final ServiceSection before, final ServiceSection next)
    {
        final String subject = "service " + key.name();
        if (before == null)
        {
            changes.add(new ConfigChange(ConfigChange.Kind.ADDED, subject, describe(next)));
            return;
        }
        final List<String> details = new ArrayList<>();
        differs(details, "mode", before.mode().name().toLowerCase(), next.mode().name().toLowerCase());
        differs(details, "scheduler", before.scheduler().configName(), next.scheduler().configName());
        differs(details, "flags", flags(before), flags(next));
        differs(details, "quorum", before.quorum(), next.quorum());
        differs(details, "sorry", address(before.sorry()), address(next.sorry()));
        differs(details, "maglevSize", before.maglevSize(), next.maglevSize());
        differs(details, "backendPort", before.backendPort(), next.backendPort());
        differs(details, "fragments", before.fragments().configName(), next.fragments().configName());
        differs(details, "clientAddress", before.rewrite().clientAddress().configName(), next.rewrite().clientAddress().configName());
        differs(details, "toaKind", before.rewrite().toaKind(), next.rewrite().toaKind());
        differs(details, "mssClamp", before.rewrite().mssClamp(), next.rewrite().mssClamp());
        differs(details, "tcpIdle", Durations.format(before.tcpIdleNs()), Durations.format(next.tcpIdleNs()));
        differs(details, "udpIdle", Durations.format(before.udpIdleNs()), Durations.format(next.udpIdleNs()));
        if (!before.healthCheck().equals(next.healthCheck()))
        {
            details.add("healthCheck " + before.healthCheck().kind().name().toLowerCase() + " -> " +
                next.healthCheck().kind().name().toLowerCase() + " (" + next.healthCheck() + ")");
        }
        if (!details.isEmpty())
        {
            changes.add(new ConfigChange(ConfigChange.Kind.CHANGED, subject, String.join(", ", details)));
        }
        backends(changes, key, before, next);
    }

    private static void backends(
        final List<ConfigChange> changes, final ServiceKey key, final ServiceSection before, final ServiceSection next)
    {
        if (before.backends().equals(next.backends()))
        {
            return;
        }
        final Map<IpAddress, ServiceSection.BackendEntry> previous = byAddress(before);
        final Map<IpAddress, ServiceSection.BackendEntry> following = byAddress(next);
        for (final ServiceSection.BackendEntry backend : before.backends())
        {
            if (!following.containsKey(backend.address()))
            {
                changes.add(new ConfigChange(ConfigChange.Kind.REMOVED, new BackendRef(key, backend.address()).toString(), ""));
            }
        }
        for (final ServiceSection.BackendEntry backend : next.backends())
        {
            final ServiceSection.BackendEntry old = previous.get(backend.address());
            final String subject = new BackendRef(key, backend.address()).toString();
            if (old == null)
            {
                changes.add(new ConfigChange(ConfigChange.Kind.ADDED, subject, "weight " + backend.weight()));
            }
            else if (old.weight() != backend.weight())
            {
                changes.add(new ConfigChange(ConfigChange.Kind.CHANGED, subject, "weight " + old.weight() + " -> " + backend.weight()));
            }
        }
    }

    private static Map<IpAddress, ServiceSection.BackendEntry> byAddress(final ServiceSection service)
    {
        final Map<IpAddress, ServiceSection.BackendEntry> map = new HashMap<>(service.backends().size() * 2);
        for (final ServiceSection.BackendEntry backend : service.backends())
        {
            map.put(backend.address(), backend);
        }
        return map;
    }

    /**
     * A service in a few words.
     *
     * @param service the service.
     * @return e.g. {@code dsr, maglev, 2 backends}.
     */
    static String describe(final ServiceSection service)
    {
        return service.mode().name().toLowerCase() + ", " + service.scheduler().configName() + ", " + service.backends().size() +
            " backend" + (service.backends().size() == 1 ? "" : "s") +
            (service.sorry() == null ? "" : ", sorry " + address(service.sorry())) +
            ", health check " + service.healthCheck().kind().name().toLowerCase();
    }

    private static String network(final NetworkSection before, final NetworkSection next)
    {
        final List<String> details = new ArrayList<>();
        differs(details, "addresses", addresses(before.addresses()), addresses(next.addresses()));
        differs(details, "gateway ipv4", address(before.gatewayIpv4()), address(next.gatewayIpv4()));
        differs(details, "gateway ipv6", address(before.gatewayIpv6()), address(next.gatewayIpv6()));
        differs(details, "mtu", before.mtu(), next.mtu());
        differs(details, "tunnel sources", addresses(before.tunnelSources()), addresses(next.tunnelSources()));
        differs(details, "guePort", before.guePort(), next.guePort());
        differs(details, "gueVariant", before.gueVariant(), next.gueVariant());
        differs(details, "outerTtl", before.outerTtl(), next.outerTtl());
        differs(details, "nat addresses", addresses(before.natAddresses()), addresses(next.natAddresses()));
        if (!before.neighbours().equals(next.neighbours()))
        {
            details.add("neighbours " + before.neighbours().size() + " -> " + next.neighbours().size() + " entries");
        }
        return String.join(", ", details);
    }

    private static String timeouts(final TimeoutSection before, final TimeoutSection next)
    {
        final List<String> details = new ArrayList<>();
        differs(details, "tcpIdle", Durations.format(before.tcpIdleNs()), Durations.format(next.tcpIdleNs()));
        differs(details, "udpIdle", Durations.format(before.udpIdleNs()), Durations.format(next.udpIdleNs()));
        differs(details, "tcpClosing", Durations.format(before.tcpClosingNs()), Durations.format(next.tcpClosingNs()));
        differs(details, "otherIdle", Durations.format(before.otherIdleNs()), Durations.format(next.otherIdleNs()));
        return String.join(", ", details);
    }

    private static void differs(final List<String> details, final String what, final Object before, final Object next)
    {
        if (!Objects.equals(before, next))
        {
            details.add(what + " " + before + " -> " + next);
        }
    }

    private static String flags(final ServiceSection service)
    {
        final List<String> names = new ArrayList<>();
        for (final ServiceFlag flag : ServiceFlag.values())
        {
            if (service.flags().contains(flag))
            {
                names.add(flag.configName());
            }
        }
        return "[" + String.join(", ", names) + "]";
    }

    private static String addresses(final List<IpAddress> addresses)
    {
        final List<String> texts = new ArrayList<>();
        for (final IpAddress address : addresses)
        {
            texts.add(AddressText.format(address));
        }
        return "[" + String.join(", ", texts) + "]";
    }

    private static String address(final IpAddress address)
    {
        return address == null ? "none" : AddressText.format(address);
    }
}
