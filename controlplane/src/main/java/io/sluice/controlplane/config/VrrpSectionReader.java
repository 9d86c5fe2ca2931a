package io.sluice.controlplane.config;

import java.util.ArrayList;
import java.util.List;

import org.yaml.snakeyaml.nodes.Node;

import io.sluice.controlplane.vrrp.VrrpConfig;
import io.sluice.controlplane.vrrp.VrrpConfigValidator;
import io.sluice.controlplane.vrrp.VrrpFamily;
import io.sluice.dataplane.service.AddressRules;
import io.sluice.dataplane.service.IpAddress;

/**
 * Reads the {@code vrrp:} section for {@link ConfigLoader}: each value checked where it is, then
 * every router as {@link VrrpConfigValidator} checks it against the LB's own addresses.
 */
final class VrrpSectionReader
{
    /** The keys of {@code vrrp:}. */
    static final List<String> VRRP_KEYS = List.of("notify", "routers");
    /** The keys of one router. */
    static final List<String> ROUTER_KEYS = List.of("name", "vrid", "priority", "advertInterval", "preempt", "preemptDelay",
        "acceptMode", "addresses", "unicastPeers", "source");

    private static final long NS_PER_CS = VrrpConfig.NS_PER_CS;
    private static final String INTERVAL_FORM = "a duration in whole centiseconds (10ms steps) from 10ms to 40950ms, e.g. 100ms or 1s";

    private final YamlReader reader;

    /**
     * @param reader the file's reader, which collects the problems.
     */
    VrrpSectionReader(final YamlReader reader)
    {
        this.reader = reader;
    }

    VrrpSection read(final YamlReader.Section top, final NetworkSection network)
    {
        final YamlReader.Section section = top.section("vrrp", VRRP_KEYS);
        if (section == null)
        {
            return null;
        }
        final String notify = section.get("notify", null, text ->
        {
            if (text.isBlank())
            {
                throw new IllegalArgumentException(text);
            }
            return text.strip();
        }, "a command line, run as COMMAND INSTANCE NAME STATE PRIORITY on every transition (as keepalived's notify)");
        final List<Node> items = requireList(section, "routers", "a list of virtual routers, each with name, vrid and addresses");
        if (items == null)
        {
            return null;
        }
        final List<IpAddress> locals = network == null ? List.of() : network.addresses();
        final List<VrrpConfig> routers = new ArrayList<>();
        boolean complete = true;
        for (int i = 0; i < items.size(); i++)
        {
            final String path = section.pathOf("routers") + "[" + i + "]";
            final YamlReader.Section entry = reader.mapping(items.get(i), path, ROUTER_KEYS);
            final VrrpConfig router = entry == null ? null : router(entry, locals);
            if (router == null)
            {
                complete = false;
                continue;
            }
            for (final String problem : VrrpConfigValidator.problems(router, locals))
            {
                reader.report(items.get(i).getStartMark(), path, problem);
                complete = false;
            }
            routers.add(router);
        }
        boolean clash = false;
        for (final String problem : VrrpConfigValidator.problems(routers, locals).stream().distinct().toList())
        {
            if (problem.contains(" is used "))
            {
                reader.report(section.value("routers").getStartMark(), section.pathOf("routers"), problem);
                clash = true;
            }
        }
        if (!complete || clash)
        {
            return null;
        }
        if (routers.isEmpty())
        {
            reader.report(section.value("routers").getStartMark(), section.pathOf("routers"), "no virtual router is listed");
            return null;
        }
        return new VrrpSection(notify, routers);
    }

    private VrrpConfig router(final YamlReader.Section entry, final List<IpAddress> locals)
    {
        final String name = entry.require("name", text ->
        {
            if (!text.strip().matches("[A-Za-z0-9_.-]{1,32}"))
            {
                throw new IllegalArgumentException(text);
            }
            return text.strip();
        }, "a name of 1 to 32 letters, digits, '_', '.' or '-', e.g. v4");
        final Integer vrid = entry.require("vrid", Values.integer(1, 255), "an integer 1..255");
        final int priority = entry.get("priority", VrrpConfig.DEFAULT_PRIORITY, Values.integer(1, VrrpConfig.OWNER_PRIORITY),
            "an integer 1..255 (255: this LB owns the addresses)");
        final long intervalNs = entry.get("advertInterval", VrrpConfig.DEFAULT_ADVERT_INTERVAL_CS * NS_PER_CS,
            VrrpSectionReader::interval, INTERVAL_FORM);
        final boolean preempt = entry.get("preempt", true, Values::bool, "true or false");
        final long preemptDelayNs = entry.get("preemptDelay", 0L, Values.durationNs(0, VrrpConfig.MAX_PREEMPT_DELAY_NS),
            Durations.FORM + ", from 0s to 1000s");
        final boolean acceptMode = entry.get("acceptMode", false, Values::bool, "true or false");
        final List<IpAddress> addresses = addresses(entry, "addresses", AddressRules.Role.LOCAL,
            "a list of virtual IP addresses of one family, e.g. [203.0.113.100]");
        final List<IpAddress> peers = entry.has("unicastPeers") ? addresses(entry, "unicastPeers", AddressRules.Role.GATEWAY,
            "a list of peers' IP addresses to send adverts to instead of the multicast group") : List.of();
        if (name == null || vrid == null || addresses == null || peers == null || addresses.isEmpty())
        {
            if (addresses != null && addresses.isEmpty())
            {
                reader.report(entry.value("addresses").getStartMark(), entry.pathOf("addresses"), "addresses is empty: " +
                    "give the virtual router at least one address");
            }
            return null;
        }
        final boolean ipv6 = addresses.get(0).ipv6();
        final IpAddress source = entry.has("source") ?
            entry.get("source", null, Values.address(AddressRules.Role.LOCAL), "this LB's address to send adverts from") :
            defaultSource(locals, ipv6);
        if (source == null)
        {
            reader.report(entry.value("addresses").getStartMark(), entry.pathOf("source"), ipv6 ?
                "source is missing: an IPv6 virtual router sends from a link-local address (RFC 5798 §5.1.2.1); give it" :
                "source is missing and network.addresses has no IPv4 address to send adverts from");
            return null;
        }
        return new VrrpConfig(name, vrid, VrrpFamily.of(ipv6), priority, (int)(intervalNs / NS_PER_CS), preempt,
            preemptDelayNs, acceptMode, addresses, source, peers);
    }

    private List<IpAddress> addresses(
        final YamlReader.Section entry, final String key, final AddressRules.Role role, final String expected)
    {
        final List<Node> items = requireList(entry, key, expected);
        if (items == null)
        {
            return null;
        }
        final List<IpAddress> addresses = new ArrayList<>();
        for (int i = 0; i < items.size(); i++)
        {
            final IpAddress address = reader.scalar(items.get(i), entry.pathOf(key) + "[" + i + "]", Values.address(role), expected);
            if (address == null)
            {
                return null;
            }
            addresses.add(address);
        }
        return addresses;
    }

    private static IpAddress defaultSource(final List<IpAddress> locals, final boolean ipv6)
    {
        if (ipv6)
        {
            return null;
        }
        return locals.stream().filter(a -> !a.ipv6()).findFirst().orElse(null);
    }

    private static long interval(final String text)
    {
        final long ns = Durations.parseNs(text.strip());
        if (ns % NS_PER_CS != 0 || ns < NS_PER_CS || ns > VrrpConfig.MAX_ADVERT_INTERVAL_CS * NS_PER_CS)
        {
            throw new IllegalArgumentException(text);
        }
        return ns;
    }

    /** A list that must be there: a missing one is reported as missing, as a scalar is. */
    private static List<Node> requireList(final YamlReader.Section section, final String key, final String expected)
    {
        if (!section.has(key))
        {
            section.require(key, text -> text, expected);
            return null;
        }
        return section.list(key, expected);
    }
}
