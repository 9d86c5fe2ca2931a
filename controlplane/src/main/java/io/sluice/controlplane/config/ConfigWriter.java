package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.controlplane.text.AddressText;
import io.sluice.controlplane.vrrp.VrrpConfig;
import io.sluice.dataplane.service.ClientAddress;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.RewriteOptions;
import io.sluice.dpdk.MacAddress;

/**
 * Writes a {@link SluiceConfig} as YAML in the schema {@link ConfigLoader} reads, so that the text
 * loads back into an equal configuration: what {@code GetConfig} and {@code sluice ctl get} show,
 * and what {@code ApplyConfig} takes back. Every value is written, defaults included, so the text
 * says what runs; strings are double-quoted, durations in the largest exact unit, paths absolute.
 * An inline API token is never written: a comment stands in its place.
 */
public final class ConfigWriter
{
    private final StringBuilder out = new StringBuilder(4096);

    private ConfigWriter()
    {
    }

    /**
     * Writes a configuration.
     *
     * @param config the configuration.
     * @param header comment lines put first (without the {@code #}), e.g. the generation; may be empty.
     * @return the YAML text.
     */
    public static String write(final SluiceConfig config, final List<String> header)
    {
        final ConfigWriter writer = new ConfigWriter();
        for (final String line : header)
        {
            writer.out.append("# ").append(line).append('\n');
        }
        writer.dataplane(config.dataplane());
        writer.network(config.network());
        writer.timeouts(config.timeouts());
        writer.services(config.services(), config.timeouts());
        writer.line(0, "stats:");
        writer.line(1, "file: " + quote(config.statsFile().toAbsolutePath().toString()));
        writer.api(config.api());
        if (config.metrics() != null)
        {
            writer.line(0, "metrics:");
            writer.line(1, "listen: " + quote(config.metrics().listen()));
        }
        writer.sync(config.sync());
        writer.vrrp(config.vrrp());
        return writer.out.toString();
    }

    private void dataplane(final DataplaneSection dataplane)
    {
        line(0, "dataplane:");
        line(1, "device: " + quote(dataplane.device()));
        if (dataplane.workerCpus().contains(-1))
        {
            line(1, "workers: " + dataplane.workers());
        }
        else
        {
            line(1, "cores: " + dataplane.workerCpus());
        }
        line(1, "mainCore: " + dataplane.mainCore());
        final List<String> eal = new ArrayList<>();
        for (final String argument : dataplane.ealArguments())
        {
            eal.add(quote(argument));
        }
        line(1, "eal: [" + String.join(", ", eal) + "]");
        if (dataplane.mac() >= 0)
        {
            line(1, "mac: " + quote(new MacAddress(dataplane.mac()).toString()));
        }
        line(1, "promiscuous: " + dataplane.promiscuous());
        line(1, "mbufs: " + dataplane.mbufs());
        line(1, "burst: " + dataplane.burst());
        line(1, "descriptors: { rx: " + dataplane.rxDescriptors() + ", tx: " + dataplane.txDescriptors() + " }");
        line(1, "flowTable: { capacity: " + dataplane.flowTableCapacity() + ", minEvictionIdle: " +
            Durations.format(dataplane.minEvictionIdleNs()) + " }");
        line(1, "icmpTooBigRate: " + dataplane.icmpTooBigPerSecond());
        line(1, "neighbours: { capacity: " + dataplane.neighbourCapacity() + ", requestRate: " + dataplane.neighbourRequestRate() + " }");
        line(1, "workerIdle: " + dataplane.workerIdle().configName());
        line(1, "natPorts: { first: " + dataplane.natFirstPort() + ", last: " + dataplane.natLastPort() + " }");
    }

    private void network(final NetworkSection network)
    {
        line(0, "network:");
        line(1, "addresses: " + addresses(network.addresses()));
        if (network.gatewayIpv4() != null || network.gatewayIpv6() != null)
        {
            final List<String> gateways = new ArrayList<>();
            if (network.gatewayIpv4() != null)
            {
                gateways.add("ipv4: " + address(network.gatewayIpv4()));
            }
            if (network.gatewayIpv6() != null)
            {
                gateways.add("ipv6: " + address(network.gatewayIpv6()));
            }
            line(1, "gateway: { " + String.join(", ", gateways) + " }");
        }
        line(1, "mtu: " + network.mtu());
        line(1, "tunnel: { sources: " + addresses(network.tunnelSources()) + ", guePort: " + network.guePort() +
            ", gueVariant: " + network.gueVariant() + ", outerTtl: " + network.outerTtl() + " }");
        if (!network.natAddresses().isEmpty())
        {
            line(1, "nat: { addresses: " + addresses(network.natAddresses()) + " }");
        }
        if (network.neighbours().isEmpty())
        {
            line(1, "neighbours: []");
            return;
        }
        line(1, "neighbours:");
        for (final DataplaneSettings.StaticNeighbour neighbour : network.neighbours())
        {
            line(2, "- { address: " + address(neighbour.address()) + ", mac: " +
                quote(new MacAddress(neighbour.mac()).toString()) + " }");
        }
    }

    private void timeouts(final TimeoutSection timeouts)
    {
        line(0, "timeouts: { tcpIdle: " + Durations.format(timeouts.tcpIdleNs()) + ", udpIdle: " +
            Durations.format(timeouts.udpIdleNs()) + ", tcpClosing: " + Durations.format(timeouts.tcpClosingNs()) +
            ", otherIdle: " + Durations.format(timeouts.otherIdleNs()) + " }");
    }

    private void services(final List<ServiceSection> services, final TimeoutSection timeouts)
    {
        if (services.isEmpty())
        {
            line(0, "services: []");
            return;
        }
        line(0, "services:");
        for (final ServiceSection service : services)
        {
            line(1, "- vip: " + address(service.vip()));
            line(2, "port: " + service.port());
            line(2, "protocol: " + (service.protocol() == Values.UDP ? "udp" : "tcp"));
            line(2, "mode: " + service.mode().name().toLowerCase());
            if (service.backendPort() != 0)
            {
                line(2, "backendPort: " + service.backendPort());
            }
            if (service.fragments() != FragmentPolicy.DROP)
            {
                line(2, "fragments: " + service.fragments().configName());
            }
            writeRewrite(service.rewrite());
            line(2, "scheduler: " + service.scheduler().configName());
            final List<String> flags = new ArrayList<>();
            for (final ServiceFlag flag : ServiceFlag.values())
            {
                if (service.flags().contains(flag))
                {
                    flags.add(flag.configName());
                }
            }
            line(2, "flags: [" + String.join(", ", flags) + "]");
            line(2, "quorum: " + service.quorum());
            if (service.sorry() != null)
            {
                line(2, "sorry: " + address(service.sorry()));
            }
            line(2, "maglevSize: " + service.maglevSize());
            if (service.tcpIdleNs() != timeouts.tcpIdleNs() || service.udpIdleNs() != timeouts.udpIdleNs())
            {
                line(2, "timeouts: { tcpIdle: " + Durations.format(service.tcpIdleNs()) + ", udpIdle: " +
                    Durations.format(service.udpIdleNs()) + " }");
            }
            healthCheck(service.healthCheck());
            backends(service.backends());
        }
    }

    private void backends(final List<ServiceSection.BackendEntry> backends)
    {
        if (backends.isEmpty())
        {
            line(2, "backends: []");
            return;
        }
        line(2, "backends:");
        for (final ServiceSection.BackendEntry backend : backends)
        {
            line(3, "- { address: " + address(backend.address()) + ", weight: " + backend.weight() + " }");
        }
    }

    private void healthCheck(final HealthPolicy policy)
    {
        if (policy.kind() == HealthCheckKind.NONE)
        {
            return;
        }
        line(2, "healthCheck:");
        line(3, "kind: " + policy.kind().name().toLowerCase());
        if (policy.needsPort())
        {
            line(3, "port: " + policy.port());
        }
        if (policy.kind() == HealthCheckKind.HTTP || policy.kind() == HealthCheckKind.HTTPS)
        {
            line(3, "path: " + quote(policy.httpPath()));
            if (policy.httpHost() != null)
            {
                line(3, "host: " + quote(policy.httpHost()));
            }
            line(3, "expectStatus: " + policy.expectStatus());
        }
        if (policy.kind() == HealthCheckKind.UDP)
        {
            line(3, "send: " + quote(ServiceOptionsReader.payloadText(policy.udpSend())));
            line(3, "expect: " + quote(ServiceOptionsReader.payloadText(policy.udpExpect())));
        }
        line(3, "interval: " + Durations.format(policy.interval().toNanos()));
        line(3, "timeout: " + Durations.format(policy.timeout().toNanos()));
        line(3, "rise: " + policy.rise());
        line(3, "fall: " + policy.fall());
    }

    private void api(final ApiSection api)
    {
        if (api == null)
        {
            return;
        }
        line(0, "api:");
        line(1, "socket: " + path(api.socket()));
        if (api.socketGroup() != null)
        {
            line(1, "socketGroup: " + quote(api.socketGroup()));
        }
        if (!api.tcp())
        {
            return;
        }
        line(1, "listen: " + quote(api.listen()));
        if (api.insecure())
        {
            line(1, "insecure: true");
        }
        if (api.tls())
        {
            line(1, "tls:");
            line(2, "cert: " + path(api.tlsCert()));
            line(2, "key: " + path(api.tlsKey()));
            if (api.tlsClientCa() != null)
            {
                line(2, "clientCa: " + path(api.tlsClientCa()));
            }
        }
        if (api.tokenFile() != null)
        {
            line(1, "tokenFile: " + path(api.tokenFile()));
        }
        else if (api.token() != null)
        {
            line(1, "# token: the daemon's file sets one inline; it is not shown here (tokenFile keeps it out of the file)");
        }
    }

    private void line(final int depth, final String text)
    {
        out.repeat("  ", depth).append(text).append('\n');
    }

    private static String addresses(final List<IpAddress> addresses)
    {
        final List<String> texts = new ArrayList<>();
        for (final IpAddress address : addresses)
        {
            texts.add(address(address));
        }
        return "[" + String.join(", ", texts) + "]";
    }

    private static String address(final IpAddress address)
    {
        return quote(AddressText.format(address));
    }

    private static String path(final Path path)
    {
        return quote(path.toAbsolutePath().toString());
    }

    /**
     * A YAML double-quoted scalar: backslash, double quote and control characters escaped.
     *
     * @param text any text.
     * @return the quoted form, which YAML reads back as {@code text}.
     */
    static String quote(final String text)
    {
        final StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                quoted.append('\\').append(c);
            }
            else if (c < 0x20 || c == 0x7F)
            {
                quoted.append(String.format("\\x%02x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private void sync(final SyncSection sync)
    {
        if (sync == null)
        {
            return;
        }
        line(0, "sync:");
        line(1, "nodeId: " + Integer.toUnsignedString(sync.nodeId()));
        line(1, "keyFile: " + quote(sync.keyFile().toString()));
        line(1, "listen: " + quote(sync.listen()));
        line(1, "peers: [" + String.join(", ", sync.peers().stream().map(ConfigWriter::quote).toList()) + "]");
        if (sync.multicastInterface() != null)
        {
            line(1, "multicastInterface: " + quote(sync.multicastInterface()));
        }
        line(1, "aeronDirectory: " + quote(sync.aeronDirectory()));
        line(1, "termLength: " + sync.termLength());
        line(1, "eventRingBytes: " + sync.eventRingBytes());
        line(1, "refreshInterval: " + Durations.format(sync.refreshIntervalNs()));
        line(1, "maxBatchDelay: " + Durations.format(sync.maxBatchDelayNs()));
        line(1, "stateFile: " + quote(sync.stateFile().toString()));
    }

    private void vrrp(final VrrpSection vrrp)
    {
        if (vrrp == null)
        {
            return;
        }
        line(0, "vrrp:");
        if (vrrp.notifyCommand() != null)
        {
            line(1, "notify: " + quote(vrrp.notifyCommand()));
        }
        line(1, "routers:");
        for (final VrrpConfig router : vrrp.routers())
        {
            line(2, "- name: " + quote(router.name()));
            line(3, "vrid: " + router.vrid());
            line(3, "priority: " + router.priority());
            line(3, "advertInterval: " + Durations.format(router.advertIntervalNs()));
            line(3, "preempt: " + router.preempt());
            line(3, "preemptDelay: " + Durations.format(router.preemptDelayNs()));
            line(3, "acceptMode: " + router.acceptMode());
            line(3, "addresses: [" + String.join(", ", router.virtualAddresses().stream().map(a -> quote(a.toString())).toList()) + "]");
            if (!router.unicastPeers().isEmpty())
            {
                line(3, "unicastPeers: [" + String.join(", ", router.unicastPeers().stream().map(a -> quote(a.toString())).toList()) + "]");
            }
            line(3, "source: " + quote(router.primaryAddress().toString()));
        }
    }

    /** The rewrite options that differ from the defaults: a service without any writes none. */
    private void writeRewrite(final RewriteOptions rewrite)
    {
        if (rewrite.clientAddress() != ClientAddress.NONE)
        {
            line(2, "clientAddress: " + rewrite.clientAddress().configName());
        }
        if (rewrite.toaKind() != RewriteOptions.DEFAULT_TOA_KIND)
        {
            line(2, "toaKind: " + rewrite.toaKind());
        }
        if (rewrite.mssClamp() != RewriteOptions.NO_MSS_CLAMP)
        {
            line(2, "mssClamp: " + rewrite.mssClamp());
        }
    }
}
