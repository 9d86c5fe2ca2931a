package io.sluice.bench.gen;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.sluice.dpdk.MacAddress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice gen}: a DPDK traffic generator on Sluice's own native layer. Sends IPv4 or IPv6,
 * TCP or UDP from a client network to a VIP on one port and receives what the load balancer sends
 * on, on the same port or another; reports tx and rx Mpps, loss, packets per backend and latency
 * percentiles (see bench/README.md, "Traffic generator"). This class is the command line: it
 * validates the options into a {@link GenConfig} and hands them to {@link GenRun}.
 */
@Command(name = "gen", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
    description = "Sends TCP or UDP traffic to a VIP through DPDK, receives what the load balancer sends on, " +
        "and reports Mpps, loss, packets per backend and latency.")
public final class Gen implements Callable<Integer>
{
    /** EAL arguments used unless {@code --eal} is given; {@code -l} is added from {@code --core} (0 without). */
    public static final String DEFAULT_EAL = "--in-memory --no-pci --no-telemetry --log-level=notice";

    private static final int MAX_FLOWS = 10_000_000;
    private static final int MIN_FRAME = 64;
    private static final int MAX_FRAME = 1518;
    private static final int MAX_BURST = 512;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "DEVARGS",
        description = "The port to send on: a PCI address or vdev devargs, e.g. net_memif0,role=server,socket=/run/sluice-gen.sock")
    private String port;

    @Option(names = "--rx-port", paramLabel = "DEVARGS", description = "The port to receive on (default: --port).")
    private String rxPort;

    @Option(names = "--eal", paramLabel = "ARGS", defaultValue = DEFAULT_EAL,
        description = "EAL arguments, one string (default: ${DEFAULT-VALUE}); -l from --core is added unless given here.")
    private String eal;

    @Option(names = "--core", paramLabel = "CPU", defaultValue = "-1",
        description = "Pin the polling thread to this CPU (and EAL's main lcore, idle, with it). Default: not pinned.")
    private int core;

    @Option(names = "--rx-core", paramLabel = "CPU", defaultValue = "-1",
        description = "Receive on a second polling thread pinned to this CPU (the first only sends). Default: one thread does both.")
    private int rxCore;

    @Option(names = "--vip", required = true, paramLabel = "ADDRESS", description = "The VIP; its family (IPv4/IPv6) is the traffic's.")
    private String vip;

    @Option(names = "--vip-port", paramLabel = "PORT", defaultValue = "80", description = "The VIP's port (default ${DEFAULT-VALUE}).")
    private int vipPort;

    @Option(names = "--proto", paramLabel = "tcp|udp", defaultValue = "tcp", description = "Protocol (default ${DEFAULT-VALUE}).")
    private String proto;

    @Option(names = "--src-mac", paramLabel = "MAC", description = "Source MAC (default: the tx port's).")
    private String srcMac;

    @Option(names = "--dst-mac", required = true, paramLabel = "MAC", description = "Destination MAC: the load balancer port's.")
    private String dstMac;

    @Option(names = "--clients", paramLabel = "CIDR",
        description = "Client addresses (default 10.0.0.0/8, or fd00:c::/96 for an IPv6 VIP); at most the low 32 bits vary.")
    private String clients;

    @Option(names = "--client-ports", paramLabel = "FIRST-LAST", defaultValue = "1024-65535",
        description = "Client source ports (default ${DEFAULT-VALUE}).")
    private String clientPorts;

    @Option(names = "--flows", paramLabel = "N", defaultValue = "1000", description = "Established flows, cycled: 1 to 10M (default ${DEFAULT-VALUE}).")
    private String flows;

    @Option(names = "--new-flows", paramLabel = "PCT", defaultValue = "0",
        description = "Percent of packets that are the first (TCP SYN) of a 5-tuple never used before (default ${DEFAULT-VALUE}).")
    private double newFlowsPercent;

    @Option(names = "--size", paramLabel = "BYTES",
        description = "Frame size with FCS, 64 to 1518 (default: 64 or the smallest that holds the headers and the 16-byte stamp).")
    private Integer size;

    @Option(names = "--rate", paramLabel = "PPS", description = "Packets per second, e.g. 2M (default: as fast as possible).")
    private String rate;

    @Option(names = "--catch-up", paramLabel = "TIME", defaultValue = "100ms",
        description = "With --rate: after a stall, send up to this much missed time's packets at once; 0 for none (default ${DEFAULT-VALUE}).")
    private String catchUp;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", description = "How long to measure (default ${DEFAULT-VALUE}).")
    private String duration;

    @Option(names = "--count", paramLabel = "N", description = "Send this many packets after the warm-up instead of --duration.")
    private String count;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "1s", description = "Send before measuring (default ${DEFAULT-VALUE}).")
    private String warmup;

    @Option(names = "--drain", paramLabel = "TIME", defaultValue = "1s",
        description = "After the last send, wait at most this long for packets still on their way (default ${DEFAULT-VALUE}).")
    private String drain;

    @Option(names = "--progress", paramLabel = "TIME", defaultValue = "1s", description = "Progress line interval on stderr, 0 for none (default ${DEFAULT-VALUE}).")
    private String progress;

    @Option(names = "--link-wait", paramLabel = "TIME", defaultValue = "10s",
        description = "Wait at most this long for the ports' links (a memif peer) before sending (default ${DEFAULT-VALUE}).")
    private String linkWait;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    private boolean json;

    @Option(names = "--expect", required = true, paramLabel = "MODE",
        description = "What the load balancer sends on: ${COMPLETION-CANDIDATES}.")
    private Expect expect;

    @Option(names = "--gue-port", paramLabel = "PORT", defaultValue = "6080", description = "GUE's UDP port (default ${DEFAULT-VALUE}).")
    private int guePort;

    @Option(names = "--backend-mac", paramLabel = "MAC=NAME", description = "Name a DSR backend by its MAC (repeatable).")
    private List<String> backendMacs = new ArrayList<>();

    @Option(names = "--max-backends", paramLabel = "N", defaultValue = "65536", description = "Distinct backends counted (default ${DEFAULT-VALUE}).")
    private int maxBackends;

    @Option(names = "--burst", paramLabel = "N", defaultValue = "32", description = "Packets per tx and rx burst, 1 to 512 (default ${DEFAULT-VALUE}).")
    private int burst;

    @Option(names = "--mbufs", paramLabel = "N", defaultValue = "16383", description = "Mbufs in the pool (default ${DEFAULT-VALUE}).")
    private int mbufs;

    @Option(names = "--descriptors", paramLabel = "N", defaultValue = "1024", description = "Rx and tx descriptors per queue (default ${DEFAULT-VALUE}).")
    private int descriptors;

    /**
     * Runs the generator.
     *
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, case-insensitive for {@code --expect}; a failure while running prints its message, exit code 1.
     *
     * @return a new command line over a new {@link Gen}.
     */
    static CommandLine commandLine()
    {
        return new CommandLine(new Gen()).setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler((ex, commandLine, parseResult) ->
            {
                commandLine.getErr().println("[gen] error: " + ex.getMessage());
                return 1;
            });
    }

    /**
     * Parses and validates a command line without running anything.
     *
     * @param args the command line.
     * @return the settings.
     * @throws ParameterException naming the option when one is wrong.
     */
    static GenConfig parse(final String... args)
    {
        final CommandLine commandLine = commandLine();
        commandLine.parseArgs(args);
        return commandLine.<Gen>getCommand().config();
    }

    /**
     * Validates the options and runs.
     *
     * @return the exit code: 0 when the run completed.
     */
    @Override
    public Integer call()
    {
        final GenConfig config = config();
        return new GenRun(config, System.out, System.err).run();
    }

    /**
     * Validates the parsed options.
     *
     * @return the settings.
     * @throws ParameterException naming the option when one is wrong.
     */
    GenConfig config()
    {
        final byte[] vipAddress = address("--vip", vip);
        final boolean ipv4 = vipAddress.length == 4;
        final int protocol = switch (proto.toLowerCase(java.util.Locale.ROOT))
        {
            case "tcp" -> TrafficFrames.PROTOCOL_TCP;
            case "udp" -> TrafficFrames.PROTOCOL_UDP;
            default -> throw fail("--proto must be tcp or udp, was '" + proto + "'");
        };
        final int minimumSize = Math.max(MIN_FRAME, TrafficFrames.minimumFrameSize(ipv4, protocol == TrafficFrames.PROTOCOL_UDP));
        final int frameSize = size == null ? minimumSize : size;
        if (frameSize < minimumSize || frameSize > MAX_FRAME)
        {
            throw fail("--size must be " + minimumSize + " to " + MAX_FRAME + " for " + (ipv4 ? "IPv4 " : "IPv6 ") +
                proto.toUpperCase(java.util.Locale.ROOT) + " (headers, a 16-byte stamp and the 4-byte FCS), was " + frameSize);
        }
        final String clientText = clients != null ? clients : ipv4 ? "10.0.0.0/8" : "fd00:c::/96";
        final int slash = clientText.indexOf('/');
        final byte[] network = address("--clients", slash < 0 ? clientText : clientText.substring(0, slash));
        if (network.length != vipAddress.length)
        {
            throw fail("--clients " + clientText + " is not of the VIP's family (" + (ipv4 ? "IPv4" : "IPv6") + ")");
        }
        final int prefix = slash < 0 ? network.length * 8 : intIn("--clients prefix", clientText.substring(slash + 1), 0, network.length * 8);
        final ClientSpace space = clientSpace(network, prefix);
        final long flowCount = count("--flows", flows);
        if (flowCount < 1 || flowCount > MAX_FLOWS)
        {
            throw fail("--flows must be 1 to 10M, was " + flows);
        }
        if (flowCount > space.size())
        {
            throw fail("--flows " + flowCount + " is more than the " + space.size() + " tuples of --clients " + clientText +
                " and --client-ports " + clientPorts);
        }
        if (!(newFlowsPercent >= 0 && newFlowsPercent <= 100))
        {
            throw fail("--new-flows must be a percentage, 0 to 100, was " + newFlowsPercent);
        }
        final long ratePps = rate == null ? 0 : count("--rate", rate);
        if (rate != null && (ratePps < 1 || ratePps > TokenBucket.MAX_RATE_PPS))
        {
            throw fail("--rate must be 1 to 1G packets per second, was " + rate);
        }
        final long catchUpNs = duration("--catch-up", catchUp);
        if (catchUpNs > TokenBucket.MAX_CATCH_UP_NS)
        {
            throw fail("--catch-up must be at most 1s, was " + catchUp);
        }
        final long packetCount = count == null ? 0 : count("--count", count);
        if (count != null && packetCount < 1)
        {
            throw fail("--count must be at least 1, was " + count);
        }
        final long durationNs = count != null ? 0 : duration("--duration", duration);
        if (count == null && durationNs <= 0)
        {
            throw fail("--duration must be more than 0, was " + duration);
        }
        rangeCheck("--vip-port", vipPort, 1, 65535);
        rangeCheck("--gue-port", guePort, 1, 65535);
        rangeCheck("--burst", burst, 1, MAX_BURST);
        rangeCheck("--max-backends", maxBackends, 1, 1 << 24);
        rangeCheck("--descriptors", descriptors, 1, 65535);
        rangeCheck("--mbufs", mbufs, 2 * burst + 2 * descriptors, Integer.MAX_VALUE);
        rangeCheck("--core", core, -1, 1023);
        rangeCheck("--rx-core", rxCore, -1, 1023);
        if (rxCore >= 0 && rxCore == core)
        {
            throw fail("--rx-core must be another CPU than --core, both were " + core);
        }
        final String txDevice = port.trim();
        final String rxDevice = rxPort == null ? txDevice : rxPort.trim();
        return new GenConfig(txDevice, rxDevice, ealArgs(), core, rxCore, vipAddress, vipPort, protocol,
            srcMac == null ? -1 : mac("--src-mac", srcMac), mac("--dst-mac", dstMac), network, space, (int)flowCount,
            (int)Math.round(newFlowsPercent * GenConfig.MILLION / 100), frameSize, ratePps, catchUpNs, durationNs, packetCount,
            duration("--warmup", warmup), duration("--drain", drain), duration("--progress", progress),
            duration("--link-wait", linkWait), json, expect, guePort, macNames(), maxBackends, burst, mbufs, descriptors);
    }

    private ClientSpace clientSpace(final byte[] network, final int prefix)
    {
        final int hostBits = Math.min(32, network.length * 8 - prefix);
        final int low32At = network.length - 4;
        final int low32 = (network[low32At] & 0xFF) << 24 | (network[low32At + 1] & 0xFF) << 16 |
            (network[low32At + 2] & 0xFF) << 8 | network[low32At + 3] & 0xFF;
        final String[] ports = clientPorts.split("-", -1);
        if (ports.length != 2)
        {
            throw fail("--client-ports must be FIRST-LAST, e.g. 1024-65535, was '" + clientPorts + "'");
        }
        final int firstPort = intIn("--client-ports first", ports[0], 1, 65535);
        final int lastPort = intIn("--client-ports last", ports[1], firstPort, 65535);
        return new ClientSpace(low32 & (hostBits == 32 ? 0 : -1 << hostBits), hostBits, firstPort, lastPort);
    }

    private List<String> ealArgs()
    {
        final List<String> args = new ArrayList<>(Arrays.asList(eal.trim().split("\\s+")));
        args.removeIf(String::isEmpty);
        final boolean hasCores = args.stream().anyMatch(a -> a.equals("-l") || a.equals("-c") || a.startsWith("--lcores"));
        if (!hasCores)
        {
            args.add("-l");
            args.add(Integer.toString(Math.max(0, core)));
        }
        return List.copyOf(args);
    }

    private Map<Long, String> macNames()
    {
        final Map<Long, String> names = new HashMap<>();
        for (final String entry : backendMacs)
        {
            final int equals = entry.indexOf('=');
            if (equals <= 0 || equals == entry.length() - 1)
            {
                throw fail("--backend-mac must be MAC=NAME, was '" + entry + "'");
            }
            names.put(mac("--backend-mac", entry.substring(0, equals)), entry.substring(equals + 1));
        }
        return Map.copyOf(names);
    }

    private byte[] address(final String option, final String text)
    {
        final String trimmed = text.trim();
        if (trimmed.isEmpty() || !(trimmed.contains(":") || trimmed.chars().allMatch(c -> c == '.' || Character.isDigit(c))))
        {
            throw fail(option + " must be an IPv4 or IPv6 address, was '" + text + "'");
        }
        try
        {
            return InetAddress.getByName(trimmed).getAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw fail(option + " must be an IPv4 or IPv6 address, was '" + text + "'");
        }
    }

    private long mac(final String option, final String text)
    {
        try
        {
            return MacAddress.parse(text.trim()).value();
        }
        catch (final IllegalArgumentException ex)
        {
            throw fail(option + " must be a MAC like 02:00:00:00:00:01, was '" + text + "'");
        }
    }

    private long count(final String option, final String text)
    {
        try
        {
            return Units.count(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw fail(option + ": " + ex.getMessage());
        }
    }

    private long duration(final String option, final String text)
    {
        try
        {
            return Units.durationNs(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw fail(option + ": " + ex.getMessage());
        }
    }

    private int intIn(final String what, final String text, final int min, final int max)
    {
        try
        {
            final int value = Integer.parseInt(text.trim());
            rangeCheck(what, value, min, max);
            return value;
        }
        catch (final NumberFormatException ex)
        {
            throw fail(what + " must be a number, was '" + text + "'");
        }
    }

    private void rangeCheck(final String what, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw fail(what + " must be " + min + (max == Integer.MAX_VALUE ? " or more" : " to " + max) + ", was " + value);
        }
    }

    private ParameterException fail(final String message)
    {
        return new ParameterException(spec.commandLine(), message);
    }
}
