package io.sluice.controlplane.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.neighbour.NeighbourPolicy;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.service.AddressRules;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.RewriteOptions;
import io.sluice.dataplane.worker.DataplaneConfig;
import io.sluice.dataplane.worker.WorkerIdle;

import static io.sluice.controlplane.config.Values.integer;

/**
 * Reads a Sluice YAML configuration file into a {@link SluiceConfig} and validates all of it before
 * anything starts: the YAML syntax, every key (unknown keys are errors, so a typo is never
 * silently ignored), every value's type and range, duplicates, and finally the dataplane's own
 * validation of the settings and services (address families, tunnel sources, MTU). Every problem
 * is reported, each as {@code FILE:LINE:COL: key.path: 'value' is not valid: what would be}.
 * The schema is documented in {@code docs/configuration.md}.
 */
public final class ConfigLoader
{
    private static final List<String> TOP_KEYS = List.of("dataplane", "network", "timeouts", "services", "stats", "api",
        "metrics", "sync", "vrrp");
    private static final List<String> DATAPLANE_KEYS = List.of("device", "cores", "workers", "mainCore", "eal", "mac",
        "promiscuous", "mbufs", "burst", "descriptors", "flowTable", "icmpTooBigRate", "neighbours", "workerIdle", "natPorts");
    private static final List<String> NAT_PORT_KEYS = List.of("first", "last");
    private static final List<String> DESCRIPTOR_KEYS = List.of("rx", "tx");
    private static final List<String> FLOW_TABLE_KEYS = List.of("capacity", "minEvictionIdle");
    private static final List<String> DATAPLANE_NEIGHBOUR_KEYS = List.of("capacity", "requestRate");
    private static final List<String> NETWORK_KEYS = List.of("addresses", "gateway", "mtu", "tunnel", "neighbours", "nat");
    private static final List<String> NAT_KEYS = List.of("addresses");
    private static final List<String> GATEWAY_KEYS = List.of("ipv4", "ipv6");
    private static final List<String> TUNNEL_KEYS = List.of("sources", "guePort", "gueVariant", "outerTtl");
    private static final List<String> NEIGHBOUR_KEYS = List.of("address", "mac");
    private static final List<String> TIMEOUT_KEYS = List.of("tcpIdle", "udpIdle", "tcpClosing", "otherIdle");
    private static final List<String> SERVICE_KEYS = List.of("vip", "port", "protocol", "mode", "maglevSize", "timeouts",
        "backends", "scheduler", "flags", "quorum", "sorry", "healthCheck", "backendPort", "fragments",
        "clientAddress", "toaKind", "mssClamp");
    private static final List<String> SERVICE_TIMEOUT_KEYS = List.of("tcpIdle", "udpIdle");
    private static final List<String> BACKEND_KEYS = List.of("address", "weight");
    private static final List<String> STATS_KEYS = List.of("file");
    private static final List<String> METRICS_KEYS = List.of("listen");
    private static final String METRICS_LISTEN_FORM = "ADDRESS:PORT with an IP address literal and a port 0..65535, e.g. " +
        MetricsSection.DEFAULT_LISTEN + " or [::1]:9301";

    private static final int MAX_CPU = 1023;
    private static final int MAX_WORKERS = 64;
    private static final String ADDRESS_FORM = "an IPv4 or IPv6 address";
    private static final String DEVICE_FORM =
        "a PCI address such as 0000:03:00.0 or a DPDK vdev such as net_af_packet0,iface=eth1";
    private static final long MAX_TIMEOUT_NS = FlowTable.MAX_IDLE_TIMEOUT_NS;
    private static final String TIMEOUT_FORM = Durations.FORM + ", from 1ms to " + (MAX_TIMEOUT_NS / 3_600_000_000_000L) + "h";

    private final YamlReader reader;
    private final Path baseDirectory;
    private final ServiceOptionsReader serviceOptions;
    private final boolean toStart;

    private ConfigLoader(final String fileName, final Path baseDirectory, final boolean toStart)
    {
        this.reader = new YamlReader(fileName);
        this.baseDirectory = baseDirectory;
        this.toStart = toStart;
        this.serviceOptions = new ServiceOptionsReader(reader);
    }

    /**
     * Reads and validates a configuration file.
     *
     * @param file the YAML file.
     * @return the configuration.
     * @throws ConfigException listing every problem, when the file cannot be read or is not valid.
     */
    public static SluiceConfig load(final Path file) throws ConfigException
    {
        final String text;
        try
        {
            text = Files.readString(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, 0, "", "no such file")));
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, 0, "", "cannot be read: " + ex)));
        }
        return parse(file, text);
    }

    /**
     * Validates configuration text as if read from a file.
     *
     * @param file the file it came from: names it in messages, and relative paths in it are relative to its directory.
     * @param text the YAML text.
     * @return the configuration.
     * @throws ConfigException listing every problem.
     */
    public static SluiceConfig parse(final Path file, final String text) throws ConfigException
    {
        final Path directory = file.toAbsolutePath().getParent();
        return parse(file.toString(), directory == null ? Path.of("/") : directory, file, text, true);
    }

    /**
     * Validates configuration text that did not come from a file (the API's ApplyConfig). Its
     * {@code api:} section is never started (it needs a restart), so a TCP listener without a token
     * is not refused here: {@code GetConfig} leaves an inline token out, and applying its output
     * back must stay a no-op.
     *
     * @param name      what messages call the text, e.g. {@code apply}.
     * @param directory the directory relative paths in it are relative to.
     * @param text      the YAML text.
     * @return the configuration, its source {@code directory/name}.
     * @throws ConfigException listing every problem.
     */
    public static SluiceConfig parse(final String name, final Path directory, final String text) throws ConfigException
    {
        return parse(name, directory, directory.resolve(name), text, false);
    }

    private static SluiceConfig parse(final String name, final Path directory, final Path source, final String text,
        final boolean toStart) throws ConfigException
    {
        final ConfigLoader loader = new ConfigLoader(name, directory, toStart);
        final SluiceConfig config = loader.read(source, text);
        if (loader.reader.hasProblems() || config == null)
        {
            throw new ConfigException(loader.reader.problems());
        }
        return config;
    }

    private SluiceConfig read(final Path file, final String text)
    {
        final Node root = compose(text);
        if (root == null)
        {
            return null;
        }
        final YamlReader.Section top = reader.mapping(root, "", TOP_KEYS);
        if (top == null)
        {
            return null;
        }
        if (!top.has("dataplane"))
        {
            reader.missing(root, "dataplane", "the dataplane section, with device and cores (or workers) at least");
        }
        final DataplaneSection dataplane = top.has("dataplane") ? dataplane(top) : null;
        final NetworkSection network = network(top);
        final TimeoutSection timeouts = timeouts(top);
        final List<ServiceSection> services = services(top, timeouts);
        final Path statsFile = statsFile(top, dataplane);
        final ApiSection api = new ApiSectionReader(reader, baseDirectory, toStart).read(top);
        final MetricsSection metrics = metrics(top);
        final SyncSection sync = new SyncSectionReader(reader, baseDirectory).read(top);
        final VrrpSection vrrp = new VrrpSectionReader(reader).read(top, network);
        if (reader.hasProblems())
        {
            return null;
        }
        final SluiceConfig config = new SluiceConfig(file, dataplane, network, timeouts, services, statsFile, api, metrics, sync, vrrp);
        new DataplaneValidation(reader, top).validate(config);
        return config;
    }

    private Node compose(final String text)
    {
        final LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(4 << 20);
        try
        {
            final Node root = new Yaml(options).compose(new StringReader(text));
            if (root == null)
            {
                reader.reportFile("the file is empty: it needs at least a dataplane section");
            }
            return root;
        }
        catch (final MarkedYAMLException ex)
        {
            final Mark mark = ex.getProblemMark() != null ? ex.getProblemMark() : ex.getContextMark();
            final String message = "YAML syntax: " + ex.getProblem() +
                (ex.getContext() != null ? " (" + ex.getContext() + ")" : "");
            if (mark != null)
            {
                reader.report(mark, "", message);
            }
            else
            {
                reader.reportFile(message);
            }
            return null;
        }
        catch (final YAMLException ex)
        {
            reader.reportFile("YAML syntax: " + ex.getMessage());
            return null;
        }
    }

    private DataplaneSection dataplane(final YamlReader.Section top)
    {
        final YamlReader.Section section = top.section("dataplane", DATAPLANE_KEYS);
        if (section == null)
        {
            return null;
        }
        final String device = section.require("device", Values::device, DEVICE_FORM);
        final List<Integer> cpus = workerCpus(section);
        final int mainCore = section.get("mainCore", 0, integer(0, MAX_CPU), "a CPU number 0.." + MAX_CPU);
        final List<String> eal = ealArguments(section);
        final long mac = section.get("mac", -1L, Values::unicastMac, Values.MAC_FORM);
        final boolean promiscuous = section.get("promiscuous", true, Values::bool, "true or false");
        final int burst = section.get("burst", DataplaneConfig.DEFAULT_BURST_SIZE, integer(1, 512), "an integer 1..512");
        final YamlReader.Section descriptors = section.section("descriptors", DESCRIPTOR_KEYS);
        final int rx = descriptors == null ? 1024 : descriptors.get("rx", 1024, integer(64, 32768), "an integer 64..32768");
        final int tx = descriptors == null ? 1024 : descriptors.get("tx", 1024, integer(64, 32768), "an integer 64..32768");
        final YamlReader.Section flowTable = section.section("flowTable", FLOW_TABLE_KEYS);
        final int capacity = flowTable == null ? DataplaneConfig.DEFAULT_FLOW_TABLE_CAPACITY : flowTable.get("capacity",
            DataplaneConfig.DEFAULT_FLOW_TABLE_CAPACITY, Values.powerOfTwo(FlowTable.MIN_CAPACITY, FlowTable.MAX_CAPACITY),
            "a power of two from " + FlowTable.MIN_CAPACITY + " to " + FlowTable.MAX_CAPACITY + " (flows per worker)");
        final long minEvictionIdleNs = flowTable == null ? 1_000_000_000L : flowTable.get("minEvictionIdle", 1_000_000_000L,
            Values.durationNs(0, MAX_TIMEOUT_NS), Durations.FORM + ", from 0ms to " + Durations.format(3_600_000_000_000L * 312));
        final int icmpRate = section.get("icmpTooBigRate", 1000, integer(1, 1_000_000), "an integer 1..1000000 (per second)");
        final YamlReader.Section neighbours = section.section("neighbours", DATAPLANE_NEIGHBOUR_KEYS);
        final int neighbourCapacity = neighbours == null ? NeighbourTable.DEFAULT_CAPACITY : neighbours.get("capacity",
            NeighbourTable.DEFAULT_CAPACITY, integer(NeighbourTable.MIN_CAPACITY, NeighbourTable.MAX_CAPACITY),
            "an integer " + NeighbourTable.MIN_CAPACITY + ".." + NeighbourTable.MAX_CAPACITY + " (next hops: backends on-link, gateways)");
        final int neighbourRate = neighbours == null ? NeighbourPolicy.DEFAULT_REQUESTS_PER_SECOND : neighbours.get("requestRate",
            NeighbourPolicy.DEFAULT_REQUESTS_PER_SECOND, integer(1, NeighbourPolicy.MAX_REQUESTS_PER_SECOND),
            "an integer 1.." + NeighbourPolicy.MAX_REQUESTS_PER_SECOND + " (ARP / ND requests per second)");
        final WorkerIdle workerIdle = section.get("workerIdle", WorkerIdle.SPIN, WorkerIdle::parse,
            "spin (dedicated cores) or backoff (a host shared with other work)");
        final int[] natPorts = natPorts(section);
        if (device == null || cpus == null)
        {
            return null;
        }
        final int mbufs = mbufs(section, device, cpus.size(), rx, tx, burst);
        return new DataplaneSection(device, cpus, mainCore, eal, mac, promiscuous, mbufs, burst, rx, tx, capacity,
            minEvictionIdleNs, icmpRate, neighbourCapacity, neighbourRate, workerIdle, natPorts[0], natPorts[1]);
    }

    private int[] natPorts(final YamlReader.Section dataplane)
    {
        final YamlReader.Section ports = dataplane.section("natPorts", NAT_PORT_KEYS);
        final String form = "a port " + DataplaneConfig.MIN_NAT_PORT + ".." + DataplaneConfig.MAX_NAT_PORT;
        final int first = ports == null ? DataplaneConfig.MIN_NAT_PORT : ports.get("first", DataplaneConfig.MIN_NAT_PORT,
            integer(DataplaneConfig.MIN_NAT_PORT, DataplaneConfig.MAX_NAT_PORT), form + " (the lowest full NAT takes)");
        final int last = ports == null ? DataplaneConfig.MAX_NAT_PORT : ports.get("last", DataplaneConfig.MAX_NAT_PORT,
            integer(DataplaneConfig.MIN_NAT_PORT, DataplaneConfig.MAX_NAT_PORT), form + " (the highest full NAT takes)");
        if (first > last)
        {
            reader.invalid(ports.value("last"), ports.pathOf("last"), Integer.toString(last),
                "a port from natPorts.first (" + first + ") to " + DataplaneConfig.MAX_NAT_PORT);
            return new int[]{DataplaneConfig.MIN_NAT_PORT, DataplaneConfig.MAX_NAT_PORT};
        }
        return new int[]{first, last};
    }

    private List<Integer> workerCpus(final YamlReader.Section section)
    {
        if (section.has("cores") && section.has("workers"))
        {
            reader.invalid(section.value("workers"), section.pathOf("workers"), YamlReader.display(section.value("workers")),
                "omitted when cores is given (cores starts one pinned worker per listed CPU)");
            return null;
        }
        if (section.has("workers"))
        {
            final Integer workers = section.get("workers", null, integer(1, MAX_WORKERS),
                "an integer 1.." + MAX_WORKERS + " (unpinned workers; list cores instead to pin them)");
            return workers == null ? null : new ArrayList<>(Collections.nCopies(workers, -1));
        }
        if (!section.has("cores"))
        {
            reader.missing(section.node(), section.pathOf("cores"),
                "a list of CPUs, one pinned worker each, e.g. [1, 2] (or workers: N for unpinned workers)");
            return null;
        }
        final String expected = "a list of 1 to " + MAX_WORKERS + " CPU numbers, e.g. [1, 2]";
        final List<Node> items = section.list("cores", expected);
        if (items == null)
        {
            return null;
        }
        if (items.isEmpty() || items.size() > MAX_WORKERS)
        {
            reader.invalid(section.value("cores"), section.pathOf("cores"), YamlReader.display(section.value("cores")), expected);
            return null;
        }
        final List<Integer> cpus = new ArrayList<>();
        for (int i = 0; i < items.size(); i++)
        {
            final String path = section.pathOf("cores") + "[" + i + "]";
            final Integer cpu = reader.scalar(items.get(i), path, integer(0, MAX_CPU), "a CPU number 0.." + MAX_CPU);
            if (cpu != null && cpus.contains(cpu))
            {
                reader.invalid(items.get(i), path, cpu.toString(), "a CPU not listed before (one worker per core)");
            }
            cpus.add(cpu == null ? -1 : cpu);
        }
        return cpus;
    }

    private List<String> ealArguments(final YamlReader.Section section)
    {
        final List<Node> items = section.list("eal", "a list of extra EAL arguments, e.g. [\"--log-level=notice\"]");
        final List<String> arguments = new ArrayList<>();
        if (items == null)
        {
            return arguments;
        }
        for (int i = 0; i < items.size(); i++)
        {
            final String argument = reader.scalar(items.get(i), section.pathOf("eal") + "[" + i + "]", text ->
            {
                if (text.startsWith("-l") || text.startsWith("-c") || text.startsWith("--lcores") ||
                    text.startsWith("--main-lcore") || text.startsWith("--in-memory") || text.startsWith("--no-pci"))
                {
                    throw new IllegalArgumentException(text);
                }
                return text;
            }, "an EAL argument other than -l, -c, --lcores, --main-lcore (mainCore sets them) or --in-memory, --no-pci (always set)");
            if (argument != null)
            {
                arguments.add(argument);
            }
        }
        return arguments;
    }

    private int mbufs(
        final YamlReader.Section section, final String device, final int workers, final int rx, final int tx, final int burst)
    {
        final int auto = DataplaneSection.autoMbufs(device, workers, rx, tx, burst);
        final int minimum = DataplaneSection.minimumMbufs(device, workers, rx, tx, burst);
        return section.get("mbufs", auto, text -> text.equals("auto") ? auto : integer(minimum, 1 << 26).apply(text),
            "auto or an integer from " + minimum + " to " + (1 << 26) + " (the least for " + workers + " workers with " +
            rx + "/" + tx + " descriptors)");
    }

    private NetworkSection network(final YamlReader.Section top)
    {
        final YamlReader.Section section = top.section("network", NETWORK_KEYS);
        if (section == null)
        {
            return new NetworkSection(List.of(), null, null, DataplaneSettings.DEFAULT_MTU, List.of(),
                NetworkSection.DEFAULT_GUE_PORT, 0, DataplaneSettings.DEFAULT_OUTER_TTL, List.of(), List.of());
        }
        final List<IpAddress> addresses = addresses(section, "addresses", AddressRules.Role.LOCAL);
        final YamlReader.Section gateway = section.section("gateway", GATEWAY_KEYS);
        final IpAddress gatewayIpv4 = gateway == null ? null : gateway.get("ipv4", null, Values.address(AddressRules.Role.GATEWAY, false), "an IPv4 address");
        final IpAddress gatewayIpv6 = gateway == null ? null : gateway.get("ipv6", null, Values.address(AddressRules.Role.GATEWAY, true), "an IPv6 address");
        final int mtu = section.get("mtu", DataplaneSettings.DEFAULT_MTU, integer(1280, 9216), "an integer 1280..9216");
        final YamlReader.Section tunnel = section.section("tunnel", TUNNEL_KEYS);
        final List<IpAddress> sources = tunnel == null ? List.of() : addresses(tunnel, "sources", AddressRules.Role.TUNNEL_SOURCE);
        final int guePort = tunnel == null ? NetworkSection.DEFAULT_GUE_PORT :
            tunnel.get("guePort", NetworkSection.DEFAULT_GUE_PORT, integer(1, 65535), "a UDP port 1..65535");
        final int gueVariant = tunnel == null ? 0 : tunnel.get("gueVariant", 0, integer(0, 1),
            "0 (a 4-byte GUE header, what Linux fou in gue mode expects) or 1 (IP directly in UDP)");
        final int outerTtl = tunnel == null ? DataplaneSettings.DEFAULT_OUTER_TTL :
            tunnel.get("outerTtl", DataplaneSettings.DEFAULT_OUTER_TTL, integer(1, 255), "an integer 1..255");
        return new NetworkSection(addresses, gatewayIpv4, gatewayIpv6, mtu, sources, guePort, gueVariant, outerTtl,
            neighbours(section), natAddresses(section, addresses));
    }

    private List<IpAddress> natAddresses(final YamlReader.Section network, final List<IpAddress> own)
    {
        final YamlReader.Section nat = network.section("nat", NAT_KEYS);
        final List<Node> items = nat == null ? null : nat.list("addresses", "a list of IPv4 or IPv6 addresses");
        final List<IpAddress> addresses = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++)
        {
            final String path = nat.pathOf("addresses") + "[" + i + "]";
            final IpAddress address = reader.scalar(items.get(i), path, Values.address(AddressRules.Role.LOCAL), ADDRESS_FORM);
            if (address != null && (addresses.contains(address) || own.contains(address)))
            {
                reader.invalid(items.get(i), path, address.toString(), addresses.contains(address) ? "an address not listed before" :
                    "an address not in network.addresses (what the backends send to a NAT address is taken as the reply " +
                    "of a full-NAT flow, not as traffic for the LB)");
            }
            else if (address != null)
            {
                addresses.add(address);
            }
        }
        return addresses;
    }

    private List<IpAddress> addresses(final YamlReader.Section section, final String key, final AddressRules.Role role)
    {
        final List<IpAddress> addresses = new ArrayList<>();
        final List<Node> items = section.list(key, "a list of IPv4 or IPv6 addresses");
        if (items == null)
        {
            return addresses;
        }
        for (int i = 0; i < items.size(); i++)
        {
            final String path = section.pathOf(key) + "[" + i + "]";
            final IpAddress address = reader.scalar(items.get(i), path, Values.address(role), ADDRESS_FORM);
            if (address != null && addresses.contains(address))
            {
                reader.invalid(items.get(i), path, address.toString(), "an address not listed before");
            }
            else if (address != null)
            {
                addresses.add(address);
            }
        }
        return addresses;
    }

    private List<DataplaneSettings.StaticNeighbour> neighbours(final YamlReader.Section network)
    {
        final List<DataplaneSettings.StaticNeighbour> neighbours = new ArrayList<>();
        final List<Node> items = network.list("neighbours", "a list of { address: ..., mac: ... }");
        if (items == null)
        {
            return neighbours;
        }
        final Map<IpAddress, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++)
        {
            final String path = network.pathOf("neighbours") + "[" + i + "]";
            final YamlReader.Section entry = reader.mapping(items.get(i), path, NEIGHBOUR_KEYS);
            if (entry == null)
            {
                continue;
            }
            final IpAddress address = entry.require("address", Values.address(AddressRules.Role.STATIC_NEIGHBOUR), ADDRESS_FORM);
            final Long mac = entry.require("mac", Values::unicastMac, Values.MAC_FORM);
            if (address != null && seen.containsKey(address))
            {
                reader.invalid(entry.value("address"), entry.pathOf("address"), address.toString(),
                    "an address not listed before (neighbours[" + seen.get(address) + "] has it)");
            }
            else if (address != null && mac != null)
            {
                seen.put(address, i);
                neighbours.add(new DataplaneSettings.StaticNeighbour(address, mac));
            }
        }
        return neighbours;
    }

    private TimeoutSection timeouts(final YamlReader.Section top)
    {
        final YamlReader.Section section = top.section("timeouts", TIMEOUT_KEYS);
        final TimeoutSection defaults = TimeoutSection.DEFAULTS;
        if (section == null)
        {
            return defaults;
        }
        final Function<String, Long> duration = Values.durationNs(1_000_000L, MAX_TIMEOUT_NS);
        return new TimeoutSection(
            section.get("tcpIdle", defaults.tcpIdleNs(), duration, TIMEOUT_FORM),
            section.get("udpIdle", defaults.udpIdleNs(), duration, TIMEOUT_FORM),
            section.get("tcpClosing", defaults.tcpClosingNs(), duration, TIMEOUT_FORM),
            section.get("otherIdle", defaults.otherIdleNs(), duration, TIMEOUT_FORM));
    }

    private List<ServiceSection> services(final YamlReader.Section top, final TimeoutSection timeouts)
    {
        final List<ServiceSection> services = new ArrayList<>();
        final List<Node> items = top.list("services", "a list of services ({ vip: ..., port: ..., mode: ..., backends: [...] })");
        if (items == null)
        {
            return services;
        }
        final Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++)
        {
            final YamlReader.Section entry = reader.mapping(items.get(i), "services[" + i + "]", SERVICE_KEYS);
            final ServiceSection service = entry == null ? null : service(entry, timeouts);
            if (service == null)
            {
                continue;
            }
            final String name = service.toSpec().name();
            if (seen.containsKey(name))
            {
                reader.invalid(entry.value("vip"), entry.pathOf("vip"), YamlReader.display(entry.value("vip")),
                    "a VIP, port and protocol no other service has (services[" + seen.get(name) + "] is " + name + ")");
            }
            seen.putIfAbsent(name, i);
            services.add(service);
        }
        return services;
    }

    private ServiceSection service(final YamlReader.Section entry, final TimeoutSection timeouts)
    {
        final IpAddress vip = entry.require("vip", Values.address(AddressRules.Role.VIP), ADDRESS_FORM);
        final Integer port = entry.require("port", integer(1, 65535), "a port 1..65535");
        final int protocol = entry.get("protocol", Values.TCP, Values::protocol, "one of tcp, udp");
        final ForwardingMode mode = entry.require("mode", Values::mode, "one of dsr, ipip, gue, nat, fullnat");
        final int maglevSize = entry.get("maglevSize", MaglevTable.DEFAULT_SIZE, Values.prime(2, MaglevTable.MAX_SIZE),
            "a prime from 2 to " + MaglevTable.MAX_SIZE + ", e.g. 65537 (well above 100 x the backends)");
        final YamlReader.Section overrides = entry.section("timeouts", SERVICE_TIMEOUT_KEYS);
        final Function<String, Long> duration = Values.durationNs(1_000_000L, MAX_TIMEOUT_NS);
        final long tcpIdleNs = overrides == null ? timeouts.tcpIdleNs() :
            overrides.get("tcpIdle", timeouts.tcpIdleNs(), duration, TIMEOUT_FORM);
        final long udpIdleNs = overrides == null ? timeouts.udpIdleNs() :
            overrides.get("udpIdle", timeouts.udpIdleNs(), duration, TIMEOUT_FORM);
        final List<ServiceSection.BackendEntry> backends = backends(entry);
        final Scheduler scheduler = serviceOptions.scheduler(entry);
        final Set<ServiceFlag> flags = serviceOptions.flags(entry, protocol);
        final int quorum = serviceOptions.quorum(entry);
        final IpAddress sorry = serviceOptions.sorry(entry, backends);
        final HealthPolicy healthCheck = serviceOptions.healthCheck(entry);
        final int backendPort = serviceOptions.backendPort(entry, mode, port);
        final FragmentPolicy fragments = serviceOptions.fragments(entry);
        final RewriteOptions rewrite = serviceOptions.rewrite(entry, mode, protocol, vip);
        final int tableBackends = backends == null ? 0 : backends.size() + (sorry == null ? 0 : 1);
        if (backends != null && maglevSize <= tableBackends)
        {
            reader.invalid(entry.has("maglevSize") ? entry.value("maglevSize") : entry.node(), entry.pathOf("maglevSize"),
                Integer.toString(maglevSize), "a prime above the number of backends (" + tableBackends +
                (sorry == null ? "" : ", the sorry backend included") + "), e.g. 65537");
        }
        if (vip == null || port == null || mode == null || backends == null || healthCheck == null)
        {
            return null;
        }
        return new ServiceSection(vip, port, protocol, mode, maglevSize, tcpIdleNs, udpIdleNs, backends, scheduler, flags, quorum,
            sorry, healthCheck, backendPort, fragments, rewrite);
    }

    private List<ServiceSection.BackendEntry> backends(final YamlReader.Section service)
    {
        if (!service.has("backends"))
        {
            reader.missing(service.node(), service.pathOf("backends"),
                "a list of backends ({ address: ..., weight: ... }), [] for none yet");
            return null;
        }
        final List<Node> items = service.list("backends", "a list of backends ({ address: ..., weight: ... })");
        if (items == null)
        {
            return null;
        }
        final List<ServiceSection.BackendEntry> backends = new ArrayList<>();
        final Map<IpAddress, Integer> seen = new HashMap<>();
        boolean complete = true;
        for (int i = 0; i < items.size(); i++)
        {
            final YamlReader.Section entry = reader.mapping(items.get(i), service.pathOf("backends") + "[" + i + "]", BACKEND_KEYS);
            if (entry == null)
            {
                complete = false;
                continue;
            }
            final IpAddress address = entry.require("address", Values.address(AddressRules.Role.BACKEND), ADDRESS_FORM);
            final int weight = entry.get("weight", 1, integer(0, 65535), "an integer 0..65535");
            if (address != null && seen.containsKey(address))
            {
                reader.invalid(entry.value("address"), entry.pathOf("address"), YamlReader.display(entry.value("address")),
                    "an address not listed before in this service (backends[" + seen.get(address) + "] has it)");
            }
            if (address == null)
            {
                complete = false;
                continue;
            }
            seen.putIfAbsent(address, i);
            backends.add(new ServiceSection.BackendEntry(address, weight));
        }
        return complete ? backends : null;
    }

    private Path statsFile(final YamlReader.Section top, final DataplaneSection dataplane)
    {
        final YamlReader.Section section = top.section("stats", STATS_KEYS);
        final Path configured = section == null ? null : section.get("file", null, text ->
        {
            final Path path = baseDirectory.resolve(text.strip()).normalize();
            if (text.isBlank() || path.getParent() == null || !Files.isDirectory(path.getParent()))
            {
                throw new IllegalArgumentException(text);
            }
            return path;
        }, "a file in an existing directory, e.g. /dev/shm/sluice.stats");
        if (configured != null || dataplane == null)
        {
            return configured;
        }
        return DeviceNames.defaultStatsFile(dataplane.device());
    }

    private MetricsSection metrics(final YamlReader.Section top)
    {
        final YamlReader.Section section = top.section("metrics", METRICS_KEYS);
        return section == null ? null :
            section.get("listen", MetricsSection.of(MetricsSection.DEFAULT_LISTEN), MetricsSection::of, METRICS_LISTEN_FORM);
    }
}
