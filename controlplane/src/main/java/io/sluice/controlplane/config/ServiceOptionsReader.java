package io.sluice.controlplane.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;

import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.dataplane.service.AddressRules;
import io.sluice.dataplane.service.ClientAddress;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.RewriteOptions;

import static io.sluice.controlplane.config.Values.integer;

/**
 * Reads the scheduling and health keys of a {@code services:} entry for {@link ConfigLoader}:
 * {@code scheduler}, {@code flags}, {@code quorum}, {@code sorry} and {@code healthCheck}, with the
 * loader's error style ({@code FILE:LINE:COL: key.path: 'value' is not valid: ...}).
 */
final class ServiceOptionsReader
{
    /** The keys of {@code healthCheck:}. */
    static final List<String> HEALTH_CHECK_KEYS = List.of("kind", "port", "path", "host", "expectStatus", "send", "expect",
        "interval", "timeout", "rise", "fall");
    /** What a UDP payload looks like, for messages. */
    static final String PAYLOAD_FORM = "text, or hex: followed by an even number of hex digits (e.g. hex:0001ff), " +
        "at most " + HealthPolicy.MAX_UDP_LENGTH + " bytes";
    /** The prefix of a payload written in hex. */
    static final String HEX_PREFIX = "hex:";

    private static final long MAX_INTERVAL_NS = HealthPolicy.MAX_INTERVAL.toNanos();
    private static final String KINDS = "one of none, icmp, tcp, http, https, udp";
    private static final String DURATION_FORM = Durations.FORM + ", from 1ms to 1h";

    private final YamlReader reader;

    ServiceOptionsReader(final YamlReader reader)
    {
        this.reader = reader;
    }

    Scheduler scheduler(final YamlReader.Section entry)
    {
        return entry.get("scheduler", Scheduler.DEFAULT, Scheduler::parse, Scheduler.FORM);
    }

    int backendPort(final YamlReader.Section entry, final ForwardingMode mode, final Integer port)
    {
        final int backendPort = entry.get("backendPort", 0, integer(1, 65535), "a port 1..65535 (the port the backends serve on)");
        final boolean translates = mode == ForwardingMode.NAT || mode == ForwardingMode.FULLNAT;
        if (backendPort != 0 && mode != null && !translates && port != null && backendPort != port)
        {
            reader.invalid(entry.value("backendPort"), entry.pathOf("backendPort"), Integer.toString(backendPort),
                "omitted, or the VIP port: only modes nat and fullnat rewrite the port (" + mode.name().toLowerCase() +
                " leaves it as the client sent it)");
        }
        return backendPort;
    }

    FragmentPolicy fragments(final YamlReader.Section entry)
    {
        return entry.get("fragments", FragmentPolicy.DROP, FragmentPolicy::parse, "drop or l3");
    }

    /**
     * The rewrite options ({@code clientAddress}, {@code toaKind}, {@code mssClamp}), checked against
     * the service's mode, protocol and family here, so that a refusal points at its key: the options
     * a refusal names are left out of the service (no second report when the services are checked).
     *
     * @return the options, {@link RewriteOptions#NONE} after a refusal.
     */
    RewriteOptions rewrite(final YamlReader.Section entry, final ForwardingMode mode, final int protocol, final IpAddress vip)
    {
        final ClientAddress clientAddress = entry.get("clientAddress", ClientAddress.NONE, ClientAddress::parse,
            "one of none, toa (TCP), proxy-v2 (UDP)");
        if (entry.has("toaKind") && clientAddress != ClientAddress.TOA)
        {
            reader.invalid(entry.value("toaKind"), entry.pathOf("toaKind"), YamlReader.display(entry.value("toaKind")),
                "omitted: the kind is that of the TOA option, which only clientAddress: toa adds");
            return RewriteOptions.NONE;
        }
        final int toaKind = entry.get("toaKind", RewriteOptions.DEFAULT_TOA_KIND, integer(1, 255),
            "a TCP option kind 1..255 that the backends' TOA module reads, e.g. 254 or 200");
        final int mssClamp = entry.get("mssClamp", RewriteOptions.NO_MSS_CLAMP, integer(1, 65535),
            "an MSS in bytes, e.g. 1400 (536..9176 over IPv4, 1220..9156 over IPv6)");
        final RewriteOptions options = new RewriteOptions(clientAddress, toaKind, mssClamp);
        final String refusal = mode == null || vip == null ? null : options.refusal(mode, protocol, vip.ipv6());
        if (refusal == null)
        {
            return options;
        }
        final String key = refusal.substring(0, refusal.indexOf(' '));
        final Node node = entry.value(key);
        reader.invalid(node == null ? entry.node() : node, entry.pathOf(key), node == null ? key : YamlReader.display(node), refusal);
        return RewriteOptions.NONE;
    }

    int quorum(final YamlReader.Section entry)
    {
        return entry.get("quorum", ServiceSection.DEFAULT_QUORUM, integer(0, ServiceSection.MAX_QUORUM),
            "an integer 0.." + ServiceSection.MAX_QUORUM + " (backends taking new flows for the service to be up)");
    }

    Set<ServiceFlag> flags(final YamlReader.Section entry, final int protocol)
    {
        final Set<ServiceFlag> flags = EnumSet.noneOf(ServiceFlag.class);
        final List<Node> items = entry.list("flags", "a list of flags, e.g. [reset-on-down]");
        if (items == null)
        {
            return flags;
        }
        for (int i = 0; i < items.size(); i++)
        {
            final String path = entry.pathOf("flags") + "[" + i + "]";
            final ServiceFlag flag = reader.scalar(items.get(i), path, ServiceFlag::parse, ServiceFlag.FORM);
            if (flag == null)
            {
                continue;
            }
            if (!flags.add(flag))
            {
                reader.invalid(items.get(i), path, flag.configName(), "a flag not listed before");
            }
            else if (flag == ServiceFlag.OPS && protocol != Values.UDP)
            {
                reader.invalid(items.get(i), path, flag.configName(), "a flag of a UDP service (ops schedules each datagram alone)");
            }
        }
        return flags;
    }

    IpAddress sorry(final YamlReader.Section entry, final List<ServiceSection.BackendEntry> backends)
    {
        final IpAddress sorry = entry.get("sorry", null, Values.address(AddressRules.Role.SORRY), "an IPv4 or IPv6 address");
        if (sorry != null && backends != null)
        {
            for (final ServiceSection.BackendEntry backend : backends)
            {
                if (backend.address().equals(sorry))
                {
                    reader.invalid(entry.value("sorry"), entry.pathOf("sorry"), YamlReader.display(entry.value("sorry")),
                        "an address that is not one of the service's backends (the sorry backend serves when they cannot)");
                }
            }
        }
        return sorry;
    }

    HealthPolicy healthCheck(final YamlReader.Section entry)
    {
        final YamlReader.Section section = entry.section("healthCheck", HEALTH_CHECK_KEYS);
        if (section == null)
        {
            return ServiceSection.NO_HEALTH_CHECK;
        }
        final HealthCheckKind kind = section.require("kind", ServiceOptionsReader::kind, KINDS);
        final int port = section.get("port", 0, integer(0, 65535), "a port 1..65535, or 0 for the service's port");
        final String path = section.get("path", HealthPolicy.DEFAULT_HTTP_PATH, ServiceOptionsReader::httpPath,
            "a path starting with / without spaces, e.g. /healthz");
        final String host = section.get("host", null, ServiceOptionsReader::httpHost, "a host name without spaces");
        final int status = section.get("expectStatus", HealthPolicy.DEFAULT_EXPECT_STATUS, integer(100, 599),
            "an HTTP status 100..599");
        final byte[] send = section.get("send", new byte[0], ServiceOptionsReader::payload, PAYLOAD_FORM);
        final byte[] expect = section.get("expect", new byte[0], ServiceOptionsReader::payload, PAYLOAD_FORM);
        final long intervalNs = section.get("interval", HealthPolicy.DEFAULT_INTERVAL.toNanos(),
            Values.durationNs(1_000_000L, MAX_INTERVAL_NS), DURATION_FORM);
        final long timeoutNs = section.get("timeout", HealthPolicy.DEFAULT_TIMEOUT.toNanos(),
            Values.durationNs(1_000_000L, MAX_INTERVAL_NS), DURATION_FORM);
        final int rise = section.get("rise", HealthPolicy.DEFAULT_RISE, integer(1, HealthPolicy.MAX_COUNT),
            "an integer 1.." + HealthPolicy.MAX_COUNT);
        final int fall = section.get("fall", HealthPolicy.DEFAULT_FALL, integer(1, HealthPolicy.MAX_COUNT),
            "an integer 1.." + HealthPolicy.MAX_COUNT);
        if (kind == null)
        {
            return null;
        }
        refuseUnused(section, kind);
        if (kind == HealthCheckKind.UDP && send.length == 0)
        {
            reader.missing(section.node(), section.pathOf("send"), "the datagram a UDP check sends, " + PAYLOAD_FORM);
            return null;
        }
        if (timeoutNs >= intervalNs)
        {
            reader.invalid(section.has("timeout") ? section.value("timeout") : section.node(), section.pathOf("timeout"),
                Durations.format(timeoutNs), "a duration below the interval (" + Durations.format(intervalNs) + ")");
            return null;
        }
        try
        {
            return new HealthPolicy(kind, port, path, host, status, send, expect, Duration.ofNanos(intervalNs),
                Duration.ofNanos(timeoutNs), rise, fall);
        }
        catch (final IllegalArgumentException ex)
        {
            reader.invalid(section.node(), section.path(), "{...}", "a policy the health checks accept: " + ex.getMessage());
            return null;
        }
    }

    private void refuseUnused(final YamlReader.Section section, final HealthCheckKind kind)
    {
        final boolean http = kind == HealthCheckKind.HTTP || kind == HealthCheckKind.HTTPS;
        for (final String key : List.of("path", "host", "expectStatus"))
        {
            if (!http && section.has(key))
            {
                reader.invalid(section.value(key), section.pathOf(key), YamlReader.display(section.value(key)),
                    "omitted: only http and https checks have it");
            }
        }
        for (final String key : List.of("send", "expect"))
        {
            if (kind != HealthCheckKind.UDP && section.has(key))
            {
                reader.invalid(section.value(key), section.pathOf(key), YamlReader.display(section.value(key)),
                    "omitted: only udp checks have it");
            }
        }
        if ((kind == HealthCheckKind.NONE || kind == HealthCheckKind.ICMP) && section.has("port"))
        {
            reader.invalid(section.value("port"), section.pathOf("port"), YamlReader.display(section.value("port")),
                "omitted: " + kind.name().toLowerCase() + " checks have no port");
        }
    }

    /**
     * Parses a health-check kind as the file writes it.
     *
     * @param text e.g. {@code http}.
     * @return the kind.
     */
    static HealthCheckKind kind(final String text)
    {
        for (final HealthCheckKind kind : HealthCheckKind.values())
        {
            if (kind.name().toLowerCase().equals(text))
            {
                return kind;
            }
        }
        throw new IllegalArgumentException(text);
    }

    private static String httpPath(final String text)
    {
        if (!text.startsWith("/") || !visibleAscii(text) || text.length() > 2048)
        {
            throw new IllegalArgumentException(text);
        }
        return text;
    }

    private static String httpHost(final String text)
    {
        if (text.isEmpty() || !visibleAscii(text) || text.length() > 255)
        {
            throw new IllegalArgumentException(text);
        }
        return text;
    }

    private static boolean visibleAscii(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) <= ' ' || text.charAt(i) >= 0x7F)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a UDP payload: {@code hex:} and hex digits, or text taken as UTF-8.
     *
     * @param text the value as written.
     * @return the bytes.
     */
    static byte[] payload(final String text)
    {
        final byte[] bytes = text.startsWith(HEX_PREFIX) ?
            HexFormat.of().parseHex(text.substring(HEX_PREFIX.length())) : text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > HealthPolicy.MAX_UDP_LENGTH)
        {
            throw new IllegalArgumentException(text);
        }
        return bytes;
    }

    /**
     * Writes a UDP payload so that {@link #payload} reads it back: as text when it is printable ASCII
     * (and does not start with {@code hex:}), else in hex.
     *
     * @param bytes the payload.
     * @return the text.
     */
    static String payloadText(final byte[] bytes)
    {
        boolean printable = true;
        for (final byte b : bytes)
        {
            printable &= b >= 0x20 && b < 0x7F;
        }
        final String text = new String(bytes, StandardCharsets.US_ASCII);
        return printable && !text.startsWith(HEX_PREFIX) ? text : HEX_PREFIX + HexFormat.of().formatHex(bytes);
    }
}
