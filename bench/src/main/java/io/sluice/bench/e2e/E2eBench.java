package io.sluice.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.sluice.bench.gen.Units;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sluice bench e2e}: the generator ({@code sluice gen}) and one Sluice worker, each on a
 * core of its own, joined by memif; for each mode, active-flow count and share of new flows, a
 * flat-out run (throughput: the packets that came back through Sluice per second) and a paced run
 * (latency at a rate the worker keeps up with), the daemon started afresh for each point, and the
 * worker's stage profile read from its stats file. The ceiling comes first, in the same harness:
 * {@code dpdk-testpmd} forwarding {@code io} and {@code macswap} on the same memif, with the same
 * generator, and {@code io} again at the end, so that the run shows how far the machine drifted
 * under it. Prints a table and writes every figure as JSON.
 */
@Command(name = "sluice bench e2e", mixinStandardHelpOptions = true, sortOptions = false,
    description = "End-to-end benchmark: sluice gen and one Sluice worker over memif, against dpdk-testpmd's ceiling.")
public final class E2eBench implements Callable<Integer>
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final String GEN_MAC = "02:00:00:00:00:02";

    private String genName;

    @Option(names = "--modes", split = ",", defaultValue = "ipip", description = "ipip, nat, fullnat (default ipip)")
    List<String> modes;

    @Option(names = "--flows", split = ",", defaultValue = "1,1k,100k,1M", description = "active flows (default 1,1k,100k,1M)")
    List<String> flows;

    @Option(names = "--new-flows", split = ",", defaultValue = "0,10,100", description = "percent of packets opening a new flow")
    List<Integer> newFlows;

    @Option(names = "--backends", defaultValue = "100", description = "backends of the VIP (default 100)")
    int backends;

    @Option(names = "--duration", defaultValue = "10s", description = "measured time of each flat-out run (default 10s)")
    String duration;

    @Option(names = "--warmup", defaultValue = "2s", description = "warm-up of each run (default 2s)")
    String warmup;

    @Option(names = "--latency-rate", defaultValue = "1M", description = "rate of the latency runs, 0 for none (default 1M)")
    String latencyRate;

    @Option(names = "--latency-duration", defaultValue = "5s", description = "measured time of each latency run (default 5s)")
    String latencyDuration;

    @Option(names = "--gen-core", defaultValue = "0", description = "the generator's CPU (default 0)")
    int genCore;

    @Option(names = "--worker-core", defaultValue = "1", description = "the Sluice worker's (and testpmd's forwarding) CPU (default 1)")
    int workerCore;

    @Option(names = "--no-ceiling", description = "skip the dpdk-testpmd runs")
    boolean noCeiling;

    @Option(names = "--runs", defaultValue = "1", description = "flat-out runs per point; the median is reported (default 1)")
    int runs;

    @Option(names = "--steady", description = "instead of the matrix: one flat-out run this long (e.g. 10m) of the first mode, " +
        "flow count and new-flow share, checking the steady state: GC log, resident memory, mbuf pools")
    String steady;

    @Option(names = "--steady-warmup", defaultValue = "30s", description = "the steady run's warm-up (default 30s)")
    String steadyWarmup;

    @Option(names = "--sample", defaultValue = "10s", description = "how often the steady run samples the daemon (default 10s)")
    String sample;

    @Option(names = "--work-dir", defaultValue = "/tmp/sluice-e2e", description = "configs, sockets, logs (default /tmp/sluice-e2e)")
    Path workDir;

    @Option(names = "--out", defaultValue = "bench/results/e2e.json", description = "the JSON results (default bench/results/e2e.json)")
    Path out;

    @Option(names = "--sluice-jar", defaultValue = "controlplane/target/sluice.jar", description = "the daemon's jar")
    Path sluiceJar;

    @Option(names = "--bench-jar", defaultValue = "bench/target/benchmarks.jar", description = "the generator's jar")
    Path benchJar;

    /**
     * Runs the benchmark.
     *
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(BenchCommand.execute(new E2eBench(), args));
    }

    @Override
    public Integer call() throws Exception
    {
        BenchCommand.checkOptions(this::checkOptions);
        Files.createDirectories(workDir);
        if (out.getParent() != null)
        {
            Files.createDirectories(out.getParent());
        }
        if (steady != null)
        {
            final SteadyState.Verdict verdict = steady();
            verdict.lines().forEach(E2eBench::say);
            Files.writeString(out, "{\"date\":\"" + Instant.now() + "\",\"cpus\":" + Runtime.getRuntime().availableProcessors() +
                ",\"results\":[\n" + verdict.json() + "\n]}\n", StandardCharsets.UTF_8);
            say("results: " + out.toAbsolutePath());
            return verdict.held() ? 0 : 1;
        }
        final List<String> results = new ArrayList<>();
        double ceiling = Double.NaN;
        if (!noCeiling)
        {
            for (final String forward : List.of("io", "macswap"))
            {
                final GenResult result = median(() -> ceilingRun(forward));
                if (forward.equals("io"))
                {
                    ceiling = result.rxMpps();
                }
                say(String.format(Locale.ROOT, "testpmd %-7s %7.3f Mpps through memif (the ceiling of this harness)", forward,
                    result.rxMpps()));
                results.add(String.format(Locale.ROOT, "{\"kind\":\"ceiling\",\"forward\":\"%s\",\"rxMpps\":%.4f,\"gen\":%s}", forward,
                    result.rxMpps(), result.json()));
            }
        }
        say(String.format(Locale.ROOT, "%-8s %6s %5s %9s %8s %9s %9s %9s | %s", "MODE", "FLOWS", "NEW%", "Mpps", "OF-IO",
            "p50us", "p99us", "p99.9us", "pkts/cycle; ns/packet in the worker: rx pipeline tx free expiry counters loop = total"));
        for (final String mode : modes)
        {
            for (final String flowCount : flows)
            {
                for (final int share : newFlows)
                {
                    results.add(point(mode, flowCount, share, ceiling));
                }
            }
        }
        if (!noCeiling)
        {
            final GenResult end = median(() -> ceilingRun("io"));
            say(String.format(Locale.ROOT, "testpmd io      %7.3f Mpps at the end (%.3f at the start): the shares above are of the " +
                "start's; the harness drifted %+.0f%% over the run", end.rxMpps(), ceiling, 100 * (end.rxMpps() / ceiling - 1)));
            results.add(String.format(Locale.ROOT, "{\"kind\":\"ceiling-end\",\"forward\":\"io\",\"rxMpps\":%.4f,\"gen\":%s}",
                end.rxMpps(), end.json()));
        }
        Files.writeString(out, "{\"date\":\"" + Instant.now() + "\",\"cpus\":" + Runtime.getRuntime().availableProcessors() +
            ",\"results\":[\n" + String.join(",\n", results) + "\n]}\n", StandardCharsets.UTF_8);
        say("results: " + out.toAbsolutePath());
        return 0;
    }

    private String point(final String mode, final String flowCount, final int share, final double ceiling) throws Exception
    {
        final List<GenResult> throughputs = new ArrayList<>();
        GenResult latency = null;
        WorkerProfile profile = null;
        final Path socket = workDir.resolve("memif.sock");
        for (int run = 0; run < runs; run++)
        {
            try (PeerProcess daemon = new PeerProcess())
            {
                final Process gen = startGen(socket, mode, flowCount, share, duration, warmup, null, "throughput");
                awaitListening(gen);
                daemon.start(daemonCommand(mode, flowCount, socket), workDir.resolve("daemon.log"));
                throughputs.add(finish(gen, "throughput"));
                profile = WorkerProfile.read(workDir.resolve("sluice.stats"));
            }
        }
        if (!latencyRate.equals("0"))
        {
            try (PeerProcess daemon = new PeerProcess())
            {
                final Process paced = startGen(socket, mode, flowCount, share, latencyDuration, warmup, latencyRate, "latency");
                awaitListening(paced);
                daemon.start(daemonCommand(mode, flowCount, socket), workDir.resolve("daemon-latency.log"));
                latency = finish(paced, "latency");
            }
        }
        // Every run's figure in the order run, then the median run (an odd count: see checkOptions).
        final String runsMpps = throughputs.stream().map(run -> String.format(Locale.ROOT, "%.4f", run.rxMpps()))
            .collect(java.util.stream.Collectors.joining(",", "[", "]"));
        throughputs.sort((a, b) -> Double.compare(a.rxMpps(), b.rxMpps()));
        final GenResult throughput = throughputs.get(throughputs.size() / 2);
        final GenResult paced = latency;
        final WorkerProfile worker = profile;
        say(String.format(Locale.ROOT, "%-8s %6s %5d %9.3f %8s %9s %9s %9s | %.1f; %.1f %.1f %.1f %.1f %.1f %.1f %.1f = %.1f", mode,
            flowCount,
            share, throughput.rxMpps(), Double.isNaN(ceiling) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * throughput.rxMpps() / ceiling),
            latencyText(paced, 0), latencyText(paced, 1),
            latencyText(paced, 2), worker.perCycle(), worker.rxNs(), worker.pipelineNs(), worker.txNs(), worker.freeNs(), worker.expiryNs(),
            worker.housekeepingNs(), worker.loopNs(), worker.totalNs()));
        return String.format(Locale.ROOT, "{\"kind\":\"sluice\",\"mode\":\"%s\",\"flows\":\"%s\",\"newFlowsPercent\":%d," +
            "\"rxMpps\":%.4f,\"runsMpps\":%s,\"ofCeiling\":%s,\"latencyRate\":\"%s\",\"latency\":%s,\"worker\":%s," +
            "\"throughput\":%s}", mode, flowCount, share, throughput.rxMpps(), runsMpps,
            Double.isNaN(ceiling) ? "null" : String.format(Locale.ROOT, "%.4f", throughput.rxMpps() / ceiling), latencyRate, paced == null ? "null" : paced.json(),
            worker.json(), throughput.json());
    }

    /**
     * Every option value checked before anything starts, so that a typo fails at once with its name
     * instead of after minutes of runs (a duration is read only when its run comes).
     */
    void checkOptions()
    {
        for (final String mode : modes)
        {
            if (!mode.equals("ipip") && !mode.equals("nat") && !mode.equals("fullnat"))
            {
                throw new IllegalArgumentException("--modes: '" + mode + "' is not ipip, nat or fullnat");
            }
        }
        flows.forEach(Units::count);
        for (final int share : newFlows)
        {
            if (share < 0 || share > 100)
            {
                throw new IllegalArgumentException("--new-flows: " + share + " is not a percentage 0..100");
            }
        }
        for (final String time : steady == null ? List.of(duration, warmup, latencyDuration) :
            List.of(duration, warmup, latencyDuration, steady, steadyWarmup, sample))
        {
            if (Units.durationNs(time) <= 0)
            {
                throw new IllegalArgumentException("'" + time + "' is not a duration above 0");
            }
        }
        if (!latencyRate.equals("0"))
        {
            Units.count(latencyRate);
        }
        if (runs < 1 || runs % 2 == 0)
        {
            throw new IllegalArgumentException("--runs: " + runs + " is not an odd count of 1 or more (the median of an even " +
                "count is no run's own figures)");
        }
        if (backends < 1 || backends > 4096)
        {
            throw new IllegalArgumentException("--backends: " + backends + " is not 1..4096");
        }
        if (!Files.isReadable(sluiceJar))
        {
            throw new IllegalArgumentException("--sluice-jar: " + sluiceJar + " cannot be read (./sluice build makes it)");
        }
    }

    /**
     * The steady run: the generator flat out for {@code --steady} after {@code --steady-warmup}, the
     * daemon with a GC log, sampled every {@code --sample} (resident set, mbufs out of its pool,
     * packets forwarded), then stopped with SIGTERM so that its log says how many mbufs came back.
     */
    private SteadyState.Verdict steady() throws Exception
    {
        final String mode = modes.getFirst();
        final Path socket = workDir.resolve("memif.sock");
        final Path gcLog = workDir.resolve("daemon-gc.log");
        final Path daemonLog = workDir.resolve("daemon-steady.log");
        final Path stats = workDir.resolve("sluice.stats");
        Files.deleteIfExists(gcLog);
        Files.deleteIfExists(stats);
        final long warmupNs = Units.durationNs(steadyWarmup);
        final long sampleNs = Units.durationNs(sample);
        final List<SteadyState.Sample> samples = new ArrayList<>();
        final GenResult result;
        final long daemonStartNs;
        long measureStartNs = Long.MAX_VALUE;
        try (PeerProcess daemon = new PeerProcess())
        {
            final Process gen = startGen(socket, mode, flows.getFirst(), newFlows.getFirst(), steady, steadyWarmup, null, "steady");
            awaitListening(gen);
            final List<String> command = daemonCommand(mode, flows.getFirst(), socket);
            command.add(1, "-Xlog:gc:file=" + gcLog + ":uptime");
            daemonStartNs = System.nanoTime();
            daemon.start(command, daemonLog);
            say("steady run: " + steady + " after a warm-up of " + steadyWarmup + ", " + mode + ", " + flows.getFirst() + " flows, " +
                newFlows.getFirst() + "% new; sampling the daemon (pid " + daemon.pid() + ") every " + sample);
            final Path genLog = workDir.resolve("gen-steady.log");
            // The warm-up runs from the generator's first packet: looked for every 100 ms, not at the sampling
            // cadence, so that a collection just after the warm-up is not taken for one within it.
            while (gen.isAlive() && measureStartNs == Long.MAX_VALUE)
            {
                if (Files.exists(genLog) && Files.readString(genLog, StandardCharsets.UTF_8).contains("[gen] sending"))
                {
                    measureStartNs = System.nanoTime() + warmupNs;
                }
                else
                {
                    gen.waitFor(100, TimeUnit.MILLISECONDS);
                }
            }
            while (gen.isAlive())
            {
                final double atS = measureStartNs == Long.MAX_VALUE ? -1 : (System.nanoTime() - measureStartNs) / 1e9;
                final SteadyState.Sample sampled = SteadyState.sample(daemon.pid(), stats, atS);
                samples.add(sampled);
                if (atS >= 0)
                {
                    say(String.format(Locale.ROOT, "  %6.0f s  rss %7.1f MiB  mbufs in use %6d  forwarded %,d", atS, sampled.rssKb() / 1024.0,
                        sampled.mbufsInUse(), sampled.forwarded()));
                }
                gen.waitFor(sampleNs, TimeUnit.NANOSECONDS);
            }
            result = finish(gen, "steady");
        }
        final double warmupEndUptimeS = (measureStartNs - daemonStartNs) / 1e9;
        return SteadyState.verdict(Units.durationNs(steady) / 1e9, result, Files.readString(gcLog, StandardCharsets.UTF_8), warmupEndUptimeS,
            samples, Files.readString(daemonLog, StandardCharsets.UTF_8));
    }

    private static String latencyText(final GenResult paced, final int which)
    {
        if (paced == null)
        {
            return "-";
        }
        final double value = which == 0 ? paced.p50Us() : which == 1 ? paced.p99Us() : paced.p999Us();
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private GenResult ceilingRun(final String forward) throws Exception
    {
        final Path socket = workDir.resolve("memif.sock");
        try (PeerProcess testpmd = new PeerProcess())
        {
            final Process gen = startGen(socket, "dsr", "1k", 0, duration, warmup, null, "testpmd-" + forward);
            awaitListening(gen);
            testpmd.start(List.of("dpdk-testpmd", "-l", genCore + "," + workerCore, "--in-memory", "--no-pci", "--no-telemetry",
                "--vdev=net_memif0,role=client,socket=" + socket, "--", "--forward-mode=" + forward, "--port-topology=loop",
                "--auto-start"), workDir.resolve("testpmd-" + forward + ".log"));
            return finish(gen, "testpmd-" + forward);
        }
    }

    private List<String> daemonCommand(final String mode, final String flowCount, final Path socket) throws IOException
    {
        final long active = Units.count(flowCount);
        final int capacity = Math.max(1 << 16, Integer.highestOneBit((int)Math.min(1 << 27, Math.max(1, active) * 4)));
        final DaemonConfig config = new DaemonConfig(mode, backends, socket, LB_MAC, GEN_MAC, workerCore, genCore, capacity,
            workDir.resolve("sluice.stats"), workDir.resolve("api.sock"));
        final Path file = workDir.resolve("sluice.yaml");
        Files.writeString(file, config.yaml(), StandardCharsets.UTF_8);
        return PeerProcess.java(List.of("-jar", sluiceJar.toString(), "run", "--config", file.toString()));
    }

    private Process startGen(final Path socket, final String mode, final String flowCount, final int share, final String time,
        final String warmupTime, final String rate, final String name) throws IOException
    {
        genName = name;
        final List<String> command = PeerProcess.java(List.of("-cp", benchJar.toString(), "io.sluice.bench.gen.Gen",
            "--port", "net_memif0,role=server,socket=" + socket, "--core", Integer.toString(genCore),
            "--vip", DaemonConfig.VIP, "--vip-port", "80", "--dst-mac", LB_MAC, "--src-mac", GEN_MAC,
            "--expect", mode.equals("dsr") ? "dsr" : mode, "--flows", flowCount, "--new-flows", Integer.toString(share),
            "--duration", time, "--warmup", warmupTime, "--link-wait", "60s", "--progress", "0", "--json"));
        if (rate != null)
        {
            command.addAll(List.of("--rate", rate));
        }
        return new ProcessBuilder(command).redirectOutput(workDir.resolve("gen-" + name + ".json").toFile())
            .redirectError(workDir.resolve("gen-" + name + ".log").toFile()).start();
    }

    /**
     * Waits until the generator, the memif server, listens on its socket (it says it waits for the
     * link): a client started before that fails at once. The socket is abstract (memif's default), so
     * no file shows it.
     */
    private void awaitListening(final Process gen) throws InterruptedException, IOException
    {
        final Path log = workDir.resolve("gen-" + genName + ".log");
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (gen.isAlive() && System.nanoTime() - deadlineNs < 0 &&
            !(Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("for the link")))
        {
            Thread.sleep(50);
        }
    }

    private GenResult finish(final Process gen, final String name) throws Exception
    {
        final long limitNs = TimeUnit.MINUTES.toNanos(5);
        if (!gen.waitFor(limitNs, TimeUnit.NANOSECONDS))
        {
            gen.destroyForcibly();
            throw new IllegalStateException("the generator (" + name + ") did not finish; see " + workDir.resolve("gen-" + name + ".log"));
        }
        final String json = Files.readString(workDir.resolve("gen-" + name + ".json"), StandardCharsets.UTF_8);
        if (gen.exitValue() != 0 || json.isBlank())
        {
            throw new IllegalStateException("the generator (" + name + ") exited with " + gen.exitValue() + "; see " +
                workDir.resolve("gen-" + name + ".log"));
        }
        return GenResult.parse(json);
    }

    private GenResult median(final Run run) throws Exception
    {
        final List<GenResult> all = new ArrayList<>();
        for (int i = 0; i < runs; i++)
        {
            all.add(run.run());
        }
        all.sort((a, b) -> Double.compare(a.rxMpps(), b.rxMpps()));
        return all.get(all.size() / 2);
    }

    private static void say(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }

    /** One run of the ceiling. */
    @FunctionalInterface
    private interface Run
    {
        GenResult run() throws Exception;
    }
}
