package io.sluice.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.sluice.bench.gen.Units;
import io.sluice.dpdk.MacAddress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sluice bench scaling}: one Sluice worker against two, with no generator process. The
 * daemon's port is DPDK's {@code net_pcap} replaying one pcap file per worker's receive queue forever
 * ({@link ScalingFrames}, {@link ScalingConfig}); what the workers send, the device frees. The rate is
 * the forwarded packets between two reads of the daemon's stats file after a warm-up
 * ({@link CounterSampler}, {@link ThroughputWindow}), every packet accounted for. The same device
 * under {@code dpdk-testpmd --forward-mode=io} with one and two forwarding cores gives the factor of
 * the device and the machine alone. Prints a table and writes every figure as JSON.
 */
@Command(name = "sluice bench scaling", mixinStandardHelpOptions = true, sortOptions = false,
    description = "One Sluice worker against two on a net_pcap port replaying pcap files, against dpdk-testpmd's factor.")
public final class ScalingBench implements Callable<Integer>
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final String PEER_MAC = "02:00:00:00:00:02";
    private static final int NAMED_THREADS = 4;
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(90);

    @Option(names = "--flows-per-queue", defaultValue = "1k", description = "flows (frames) in each queue's pcap file (default 1k)")
    String flowsPerQueue;

    @Option(names = "--one-core", defaultValue = "1", description = "the CPU of the one-worker run (default 1)")
    int oneCore;

    @Option(names = "--two-cores", split = ",", defaultValue = "0,1", description = "the CPUs of the two-worker run (default 0,1)")
    List<Integer> twoCores;

    @Option(names = "--main-core", defaultValue = "0", description = "the EAL main lcore's CPU, in every run (default 0)")
    int mainCore;

    @Option(names = "--warmup", defaultValue = "5s", description = "time before the window, whole seconds (default 5s)")
    String warmup;

    @Option(names = "--duration", defaultValue = "10s", description = "the measured window, whole seconds (default 10s)")
    String duration;

    @Option(names = "--backends", defaultValue = "100", description = "backends of the VIP (default 100)")
    int backends;

    @Option(names = "--no-ceiling", description = "skip the dpdk-testpmd runs")
    boolean noCeiling;

    @Option(names = "--work-dir", defaultValue = "/tmp/sluice-scaling", description = "pcaps, configs, logs (default /tmp/sluice-scaling)")
    Path workDir;

    @Option(names = "--out", defaultValue = "bench/results/scaling.json", description = "the JSON results (default bench/results/scaling.json)")
    Path out;

    @Option(names = "--sluice-jar", defaultValue = "controlplane/target/sluice.jar", description = "the daemon's jar")
    Path sluiceJar;

    /**
     * Runs the benchmark.
     *
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(BenchCommand.execute(new ScalingBench(), args));
    }

    /** Every option value checked before anything starts (the testpmd runs take minutes). */
    void checkOptions()
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        if (twoCores.size() != 2 || twoCores.get(0).equals(twoCores.get(1)))
        {
            throw new IllegalArgumentException("--two-cores " + twoCores + ": two different CPUs, one per worker");
        }
        for (final int cpu : List.of(oneCore, twoCores.get(0), twoCores.get(1), mainCore))
        {
            if (cpu < 0 || cpu >= cpus)
            {
                throw new IllegalArgumentException("CPU " + cpu + " (--one-core, --two-cores, --main-core) is not 0.." + (cpus - 1));
            }
        }
        final long flows = Units.count(flowsPerQueue);
        if (flows < 1 || flows > ScalingFrames.MAX_FLOWS_PER_QUEUE)
        {
            throw new IllegalArgumentException("--flows-per-queue: " + flowsPerQueue + " is not 1.." + ScalingFrames.MAX_FLOWS_PER_QUEUE);
        }
        seconds(warmup);
        seconds(duration);
        if (backends < 1 || backends > 4096)
        {
            throw new IllegalArgumentException("--backends: " + backends + " is not 1..4096");
        }
        final String dir = workDir.toString();
        if (dir.contains(",") || dir.contains("="))
        {
            throw new IllegalArgumentException("--work-dir: " + dir + " has a ',' or '=', which a DPDK vdev argument cannot hold");
        }
        if (!Files.isReadable(sluiceJar))
        {
            throw new IllegalArgumentException("--sluice-jar: " + sluiceJar + " cannot be read (./sluice build makes it)");
        }
    }

    @Override
    public Integer call() throws Exception
    {
        BenchCommand.checkOptions(this::checkOptions);
        final int flows = (int)Units.count(flowsPerQueue);
        final int warmupSeconds = seconds(warmup);
        final int windowSeconds = seconds(duration);
        Files.createDirectories(workDir);
        if (out.getParent() != null)
        {
            Files.createDirectories(out.getParent());
        }
        final List<Path> pcaps = new ArrayList<>();
        for (int queue = 0; queue < twoCores.size(); queue++)
        {
            final Path pcap = workDir.resolve("q" + queue + ".pcap");
            ScalingFrames.write(pcap, queue, flows, MacAddress.parse(LB_MAC).value(), MacAddress.parse(PEER_MAC).value());
            pcaps.add(pcap);
        }
        say(String.format(Locale.ROOT, "%d flows per queue (one 60-byte TCP ACK each) in %s; EAL main lcore and the daemon's " +
            "start on CPU %d; warm-up %d s, window %d s", flows, workDir.resolve("q*.pcap"), mainCore, warmupSeconds, windowSeconds));
        final List<List<Integer>> layouts = List.of(List.of(oneCore), List.copyOf(twoCores));
        final List<String> results = new ArrayList<>();
        final double[] testpmd = new double[layouts.size()];
        if (!noCeiling)
        {
            for (int i = 0; i < layouts.size(); i++)
            {
                testpmd[i] = testpmdRun(layouts.get(i), pcaps, warmupSeconds, windowSeconds, results);
            }
        }
        final double[] sluice = new double[layouts.size()];
        for (int i = 0; i < layouts.size(); i++)
        {
            sluice[i] = sluiceRun(layouts.get(i), pcaps, flows, warmupSeconds, windowSeconds, results);
        }
        final double sluiceFactor = sluice[1] / sluice[0];
        final double testpmdFactor = noCeiling ? Double.NaN : testpmd[1] / testpmd[0];
        say(String.format(Locale.ROOT, "factor (2 workers / 1): sluice %.2f, testpmd io %s", sluiceFactor,
            noCeiling ? "-" : String.format(Locale.ROOT, "%.2f", testpmdFactor)));
        Files.writeString(out, "{\"date\":\"" + Instant.now() + "\",\"cpus\":" + Runtime.getRuntime().availableProcessors() +
            ",\"flowsPerQueue\":" + flows + ",\"warmupSeconds\":" + warmupSeconds + ",\"windowSeconds\":" + windowSeconds +
            String.format(Locale.ROOT, ",\"factors\":{\"sluice\":%.4f,\"testpmd\":%s}", sluiceFactor,
                noCeiling ? "null" : String.format(Locale.ROOT, "%.4f", testpmdFactor)) +
            ",\"results\":[\n" + String.join(",\n", results) + "\n]}\n", StandardCharsets.UTF_8);
        say("results: " + out.toAbsolutePath());
        return 0;
    }

    private double sluiceRun(final List<Integer> cores, final List<Path> pcaps, final int flows, final int warmupSeconds,
        final int windowSeconds, final List<String> results) throws Exception
    {
        final int workers = cores.size();
        final Path stats = workDir.resolve("sluice.stats");
        Files.deleteIfExists(stats);
        final ScalingConfig config = new ScalingConfig(cores, mainCore, pcaps.subList(0, workers), LB_MAC, PEER_MAC, backends,
            Math.max(1 << 16, Integer.highestOneBit(Math.max(1, flows) * 4)),
            ScalingConfig.minimumMbufs(workers, (long)flows * workers), stats, workDir.resolve("api.sock"));
        final Path file = workDir.resolve("sluice-" + workers + ".yaml");
        Files.writeString(file, config.yaml(), StandardCharsets.UTF_8);
        final List<String> command = PeerProcess.java(List.of("-jar", sluiceJar.toString(), "run", "--config", file.toString()));
        final Path log = workDir.resolve("daemon-" + workers + ".log");
        try (PeerProcess daemon = PeerProcess.started(command, log); CounterSampler sampler = awaitCounters(daemon, stats, log))
        {
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
            final CounterSample first = sampler.sample();
            Thread.sleep(TimeUnit.SECONDS.toMillis(windowSeconds));
            final CounterSample last = sampler.sample();
            final Map<String, String> threads = threadsByCpus(daemon.pid());
            if (!daemon.alive())
            {
                throw new IllegalStateException("the daemon stopped during the window; see " + log);
            }
            final ThroughputWindow window = ThroughputWindow.between(first, last);
            final List<String> faults = window.faults();
            final String perWorker = Stream.iterate(0, w -> w < workers, w -> w + 1)
                .map(w -> String.format(Locale.ROOT, "%.3f", window.workerMpps(w))).collect(Collectors.joining(" + "));
            say(String.format(Locale.ROOT, "sluice   %d worker%s on CPUs %-5s %8.3f Mpps (%s); rx %d = forwarded %d + dropped %d%s; " +
                "daemon threads by allowed CPUs %s", workers, workers == 1 ? " " : "s", join(cores), window.mpps(), perWorker,
                window.rxTotal(), window.forwardedTotal(), window.dropped(), faults.isEmpty() ? ", all accounted for" : "; FAULTS " + faults,
                threads));
            results.add(String.format(Locale.ROOT, "{\"kind\":\"scaling\",\"program\":\"sluice\",\"workers\":%d,\"cores\":[%s]," +
                "\"mainCore\":%d,\"mpps\":%.4f,\"threadsByAllowedCpus\":%s,\"faults\":[%s],\"window\":%s}", workers, join(cores), mainCore,
                window.mpps(), jsonGroups(threads), faults.stream().map(f -> "\"" + f + "\"").collect(Collectors.joining(",")),
                window.json()));
            if (!faults.isEmpty())
            {
                throw new IllegalStateException("packets not accounted for with " + workers + " workers: " + faults);
            }
            return window.mpps();
        }
    }

    private CounterSampler awaitCounters(final PeerProcess daemon, final Path stats, final Path log) throws Exception
    {
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (!daemon.alive())
            {
                throw new IllegalStateException("the daemon exited with " + daemon.exitValue() + "; see " + log);
            }
            if (Files.exists(stats))
            {
                final CounterSampler sampler = CounterSampler.open(stats);
                if (sampler != null)
                {
                    return sampler;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the daemon's workers did not start within " + TimeUnit.NANOSECONDS.toSeconds(START_TIMEOUT_NS) +
            " s; see " + log);
    }

    private double testpmdRun(final List<Integer> cores, final List<Path> pcaps, final int warmupSeconds, final int windowSeconds,
        final List<String> results) throws Exception
    {
        final int n = cores.size();
        final StringBuilder lcores = new StringBuilder("0@").append(mainCore);
        for (int i = 0; i < n; i++)
        {
            lcores.append(',').append(i + 1).append('@').append(cores.get(i));
        }
        final String vdev = ScalingConfig.device(pcaps.subList(0, n));
        final Path log = workDir.resolve("testpmd-" + n + ".log");
        final int skip = 1 + warmupSeconds;
        TestpmdStats stats;
        try (PeerProcess testpmd = PeerProcess.started(List.of("stdbuf", "-oL", "dpdk-testpmd", "--lcores", lcores.toString(), "--in-memory", "--no-pci",
            "--no-telemetry", "--vdev=" + vdev, "--", "--forward-mode=io", "--nb-cores=" + n, "--rxq=" + n, "--txq=" + n,
            "--auto-start", "--stats-period", "1"), log))
        {
            final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS + TimeUnit.SECONDS.toNanos(skip + windowSeconds);
            do
            {
                Thread.sleep(250);
                if (!testpmd.alive())
                {
                    throw new IllegalStateException("dpdk-testpmd exited with " + testpmd.exitValue() + "; see " + log);
                }
                stats = TestpmdStats.parse(Files.readString(log, StandardCharsets.ISO_8859_1));
            }
            while (stats.txPps().size() < skip + windowSeconds && System.nanoTime() - deadlineNs < 0);
        }
        final double mpps = stats.windowMpps(skip, windowSeconds);
        say(String.format(Locale.ROOT, "testpmd  %d core%s   on CPUs %-5s %8.3f Mpps (io forwarding; rx-nombuf %d, rx-missed %d, tx-errors %d)",
            n, n == 1 ? " " : "s", join(cores), mpps, stats.rxNombuf(), stats.rxMissed(), stats.txErrors()));
        results.add(String.format(Locale.ROOT, "{\"kind\":\"scaling\",\"program\":\"testpmd\",\"workers\":%d,\"cores\":[%s]," +
            "\"mainCore\":%d,\"mpps\":%.4f,\"txPps\":%s,\"rxNombuf\":%d,\"rxMissed\":%d,\"txErrors\":%d}", n, join(cores), mainCore, mpps,
            stats.txPps().subList(skip, skip + windowSeconds), stats.rxNombuf(), stats.rxMissed(), stats.txErrors()));
        return mpps;
    }

    /**
     * The daemon's threads grouped by the CPUs each may run on ({@code Cpus_allowed_list} of
     * {@code /proc/PID/task/TID/status}): where the workers, the EAL main lcore and the control
     * threads live. A group of at most {@link #NAMED_THREADS} threads names them.
     *
     * @return per CPU list, e.g. {@code "0-1"}, the count of its threads, and their names when few.
     */
    private static Map<String, String> threadsByCpus(final long pid) throws IOException
    {
        final Map<String, List<String>> names = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : tasks.toList())
            {
                try
                {
                    String name = "?";
                    String cpus = "?";
                    for (final String line : Files.readAllLines(task.resolve("status"), StandardCharsets.ISO_8859_1))
                    {
                        if (line.startsWith("Name:"))
                        {
                            name = line.substring(line.indexOf(':') + 1).strip();
                        }
                        else if (line.startsWith("Cpus_allowed_list:"))
                        {
                            cpus = line.substring(line.indexOf(':') + 1).strip();
                        }
                    }
                    names.computeIfAbsent(cpus, key -> new ArrayList<>()).add(name);
                }
                catch (final IOException ex)
                {
                    // the thread ended while the list was read
                }
            }
        }
        final Map<String, String> groups = new TreeMap<>();
        names.forEach((cpus, threads) -> groups.put(cpus, threads.size() + (threads.size() <= NAMED_THREADS ?
            " (" + threads.stream().sorted().collect(Collectors.joining(", ")) + ")" : "")));
        return groups;
    }

    private static String jsonGroups(final Map<String, String> groups)
    {
        return groups.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
            .collect(Collectors.joining(",", "{", "}"));
    }

    private static String join(final List<Integer> cores)
    {
        return cores.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /**
     * @param text whole seconds, with or without a trailing {@code s}: {@code 5s}, {@code 5}.
     * @return the seconds, at least 1.
     */
    static int seconds(final String text)
    {
        final long ns = Units.durationNs(text);
        if (ns % TimeUnit.SECONDS.toNanos(1) != 0 || ns < TimeUnit.SECONDS.toNanos(1) || ns > TimeUnit.HOURS.toNanos(1))
        {
            throw new IllegalArgumentException("'" + text + "' is not whole seconds 1..3600 (examples: 5s, 10, 1m)");
        }
        return (int)TimeUnit.NANOSECONDS.toSeconds(ns);
    }

    private static void say(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }
}
