package io.sluice.controlplane;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sluice.controlplane.config.Durations;
import io.sluice.controlplane.config.NetworkSection;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.worker.Dataplane;
import io.sluice.dpdk.MacAddress;

import static java.lang.System.Logger.Level.INFO;

/**
 * The start-up summary a person reads to see what runs: port, MAC, cores, network and every
 * service with its mode and backends. Logged once when the dataplane is up, services again after
 * each reload.
 */
final class StartupSummary
{
    private StartupSummary()
    {
    }

    static void log(final System.Logger log, final SluiceConfig config, final Dataplane dataplane)
    {
        final MacAddress portMac = dataplane.port().macAddress();
        final long answered = dataplane.portMac();
        log.log(INFO, "port " + dataplane.port().name() + " (" + (config.dataplane().isPci() ? "PCI " : "vdev ") +
            config.dataplane().device() + "), MAC " + new MacAddress(answered) +
            (answered == portMac.value() ? "" : " (configured; the port's own is " + portMac + ")") +
            (config.dataplane().promiscuous() ? ", promiscuous" : ""));
        final List<String> cores = new ArrayList<>();
        for (final int cpu : config.dataplane().workerCpus())
        {
            cores.add(cpu < 0 ? "unpinned" : "CPU " + cpu);
        }
        log.log(INFO, config.dataplane().workers() + " worker(s): " + String.join(", ", cores) + "; EAL main lcore " +
            config.dataplane().mainCore() + "; " + config.dataplane().mbufs() + " mbufs; burst " + config.dataplane().burst() +
            "; flow table " + config.dataplane().flowTableCapacity() + " flows per worker (" +
            ((long)config.dataplane().flowTableCapacity() * FlowTable.BYTES_PER_FLOW >> 20) + " MiB)");
        final NetworkSection network = config.network();
        final DataplaneSettings settings = config.settings();
        log.log(INFO, "network: addresses " + list(network.addresses()) + "; gateways IPv4 " + orNone(network.gatewayIpv4()) +
            ", IPv6 " + orNone(network.gatewayIpv6()) + "; mtu " + network.mtu() + "; tunnel sources " +
            list(network.tunnelSources()) + ", GUE port " + network.guePort() + " variant " + network.gueVariant() +
            "; " + network.neighbours().size() + " static neighbour(s); timeouts tcp closing " +
            Durations.format(settings.tcpClosingTimeoutNs()) + ", other " + Durations.format(settings.otherIdleTimeoutNs()));
        logServices(log, config);
        log.log(INFO, "counters in " + config.statsFile() + " (sluice stat --file " + config.statsFile() + ")");
    }

    static void logServices(final System.Logger log, final SluiceConfig config)
    {
        if (config.services().isEmpty())
        {
            log.log(INFO, "no services configured");
        }
        for (final ServiceSection service : config.services())
        {
            log.log(INFO, describe(service));
        }
    }

    static void logChanges(final System.Logger log, final SluiceConfig previous, final SluiceConfig next)
    {
        if (!previous.network().equals(next.network()) || !previous.timeouts().equals(next.timeouts()))
        {
            log.log(INFO, "network or timeouts changed");
        }
        final Map<String, ServiceSection> before = new LinkedHashMap<>();
        for (final ServiceSection service : previous.services())
        {
            before.put(AddressText.shortenServiceName(service.toSpec().name()), service);
        }
        boolean changed = false;
        for (final ServiceSection service : next.services())
        {
            final String name = AddressText.shortenServiceName(service.toSpec().name());
            final ServiceSection old = before.remove(name);
            if (!service.equals(old))
            {
                changed = true;
                log.log(INFO, (old == null ? "added " : "changed ") + describe(service));
            }
        }
        for (final String name : before.keySet())
        {
            changed = true;
            log.log(INFO, "removed service " + name);
        }
        if (!changed)
        {
            log.log(INFO, "services unchanged");
        }
    }

    private static String describe(final ServiceSection service)
    {
        final List<String> backends = new ArrayList<>();
        for (final ServiceSection.BackendEntry backend : service.backends())
        {
            backends.add(AddressText.format(backend.address()) + " weight " + backend.weight());
        }
        return "service " + AddressText.shortenServiceName(service.toSpec().name()) + " " + service.mode().name().toLowerCase() +
            ", maglev " + service.maglevSize() + ", idle tcp " + Durations.format(service.tcpIdleNs()) + " udp " +
            Durations.format(service.udpIdleNs()) + ", backends: " + (backends.isEmpty() ? "none" : String.join(", ", backends));
    }

    private static String list(final List<IpAddress> addresses)
    {
        if (addresses.isEmpty())
        {
            return "none";
        }
        final List<String> text = new ArrayList<>();
        for (final IpAddress address : addresses)
        {
            text.add(AddressText.format(address));
        }
        return String.join(", ", text);
    }

    private static String orNone(final IpAddress address)
    {
        return address == null ? "none" : AddressText.format(address);
    }
}
