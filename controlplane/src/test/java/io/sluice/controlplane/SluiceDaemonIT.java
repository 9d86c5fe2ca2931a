package io.sluice.controlplane;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;

import io.sluice.controlplane.api.v1.AddBackendRequest;
import io.sluice.controlplane.api.v1.BackendConfig;
import io.sluice.controlplane.api.v1.ChangeResponse;
import io.sluice.controlplane.api.v1.GetConfigRequest;
import io.sluice.controlplane.api.v1.GetServiceRequest;
import io.sluice.controlplane.api.v1.ListServicesRequest;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.config.DeviceNames;
import io.sluice.controlplane.metrics.PrometheusText;
import io.sluice.dpdk.PcapFile;

import static io.sluice.dataplane.pipeline.Frames.ETHERTYPE_IPV4;
import static io.sluice.dataplane.pipeline.Frames.TCP;
import static io.sluice.dataplane.pipeline.Frames.TCP_SYN;
import static io.sluice.dataplane.pipeline.Frames.ethernet;
import static io.sluice.dataplane.pipeline.Frames.ipv4;
import static io.sluice.dataplane.pipeline.Frames.mac;
import static io.sluice.dataplane.pipeline.Frames.padded;
import static io.sluice.dataplane.pipeline.Frames.tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real daemon, run as {@code ./sluice run} runs it: {@code java -jar sluice.jar run --config FILE}
 * in a child process, watched with {@code sluice stat --once} in other child processes, on a
 * {@code net_pcap} port whose input capture holds SYNs to a DSR VIP, and its metrics endpoint scraped
 * over HTTP. Runs after {@code package} (failsafe), because it needs the runnable jar.
 */
class SluiceDaemonIT
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final String CLIENT_MAC = "02:00:00:00:00:fe";
    private static final Map<String, String> BACKEND_MACS = Map.of("203.0.113.11", "02:00:00:00:01:11",
        "203.0.113.12", "02:00:00:00:01:12");
    private static final String VIP = "192.0.2.10";
    private static final int FRAMES = 300;
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(90);
    private static final List<String> JVM_FLAGS =
        List.of("--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED");
    /** The flags ./sluice gives its short command-line calls (stat, ctl): C1 only, the serial collector, no perf data. */
    private static final List<String> CLI_JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");

    @TempDir
    Path directory;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers()
    {
        for (final Process process : started)
        {
            process.destroyForcibly();
        }
    }

    private static List<String> command(final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        if (args.length > 0 && ("stat".equals(args[0]) || "ctl".equals(args[0])))
        {
            // As ./sluice runs its short command-line calls: C1 only, the serial collector, no perf data.
            command.addAll(CLI_JVM_FLAGS);
        }
        command.add("-jar");
        command.add(System.getProperty("sluice.jar", "target/sluice.jar"));
        command.addAll(Arrays.asList(args));
        return command;
    }

    private Process start(final Path log, final String... args) throws IOException
    {
        final Process process = new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(process);
        return process;
    }

    private record Result(int exitCode, String output)
    {
    }

    private Result runToEnd(final String... args) throws Exception
    {
        final Path log = Files.createTempFile(directory, "child", ".log");
        final Process process = start(log, args);
        assertTrue(process.waitFor(WAIT_NS, TimeUnit.NANOSECONDS), "sluice " + String.join(" ", args) + " did not end");
        return new Result(process.exitValue(), withoutInheritedSignalWarnings(Files.readString(log)));
    }

    /**
     * The output less the warning Sluice prints when it starts with SIGINT or SIGQUIT ignored, which it inherits
     * from how this test itself was started (under nohup, or as a background job of a shell), not from anything
     * the test does.
     */
    private static String withoutInheritedSignalWarnings(final String output)
    {
        return output.lines()
            .filter(line -> !line.contains(" was ignored by the parent (nohup or a background job); Sluice handles it now"))
            .map(line -> line + "\n")
            .collect(Collectors.joining());
    }

    private Result awaitStat(final Path statsFile, final Process daemon, final Path daemonLog, final Predicate<String> done)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + WAIT_NS;
        Result last = null;
        while (System.nanoTime() - deadlineNs < 0 && daemon.isAlive())
        {
            last = runToEnd("stat", "--once", "--file", statsFile.toString());
            if (last.exitCode() == 0 && done.test(last.output()))
            {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("stat never showed what was awaited; last stat: " + last + "\ndaemon log:\n" +
            Files.readString(daemonLog));
    }

    private static void awaitLog(final Path log, final String text) throws Exception
    {
        final long deadlineNs = System.nanoTime() + WAIT_NS;
        while (!Files.readString(log).contains(text))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("the daemon never logged '" + text + "':\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    private static List<String> row(final String statOutput, final String start)
    {
        for (final String line : statOutput.lines().toList())
        {
            if (line.strip().startsWith(start))
            {
                return List.of(line.strip().split("\\s+"));
            }
        }
        return List.of();
    }

    private List<byte[]> writeCapture(final Path file) throws IOException
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++)
        {
            final String client = "198.51.100." + (i % 250 + 1);
            frames.add(padded(ethernet(LB_MAC, CLIENT_MAC, ETHERTYPE_IPV4, ipv4(client, VIP, TCP, 64, 0, 0x4000, i,
                tcp(client, VIP, 1024 + i, 80, TCP_SYN, new byte[0])))));
        }
        PcapFile.write(file, frames);
        return frames;
    }

    private static String config(final String device, final Path statsFile, final int secondWeight)
    {
        return """
            dataplane:
              device: "%s"
              workers: 1
              mac: %s
              promiscuous: false
              flowTable: { capacity: 16384 }
            network:
              addresses: [203.0.113.2]
              neighbours:
                - { address: 203.0.113.11, mac: "%s" }
                - { address: 203.0.113.12, mac: "%s" }
            services:
              - vip: %s
                port: 80
                protocol: tcp
                mode: dsr
                backends:
                  - { address: 203.0.113.11, weight: 1 }
                  - { address: 203.0.113.12, weight: %d }
            stats:
              file: %s
            """.formatted(device, LB_MAC, BACKEND_MACS.get("203.0.113.11"), BACKEND_MACS.get("203.0.113.12"), VIP, secondWeight,
            statsFile);
    }

    private static boolean lockIsFree(final Path lockFile) throws IOException
    {
        if (!Files.exists(lockFile))
        {
            return true;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = channel.tryLock())
        {
            return lock != null;
        }
    }

    @Test
    @Tag("dpdk")
    void shouldForwardReloadRefuseASecondDaemonAndStopCleanlyWhenRunAsAChildProcess() throws Exception
    {
        final Path in = directory.resolve("in.pcap");
        final Path out = directory.resolve("out.pcap");
        final Path statsFile = directory.resolve("sluice.stats");
        final Path configFile = directory.resolve("lab.yaml");
        final Path daemonLog = directory.resolve("daemon.log");
        final String device = "net_pcap0,rx_pcap=" + in + ",tx_pcap=" + out;
        final List<byte[]> sent = writeCapture(in);
        Files.writeString(configFile, config(device, statsFile, 1));

        final Process daemon = start(daemonLog, "run", "--config", configFile.toString());
        // The service's counts are written per packet, the worker's published every 100 µs: wait for both.
        final List<String> workerDone = List.of("0", "300", "300", "300", "0", "0", "0", "300", "1");
        final Result forwarded = awaitStat(statsFile, daemon, daemonLog, text -> row(text, VIP).size() > 2 &&
            row(text, VIP).get(2).equals(Integer.toString(FRAMES)) && row(text, "0 ").size() > 8 &&
            row(text, "0 ").subList(0, 9).equals(workerDone));
        final String stat = forwarded.output();
        assertEquals(List.of(VIP + ":80/tcp", "dsr", "300", "18000", "300", "0", "-", "-"), row(stat, VIP), stat);
        final long toFirst = Long.parseLong(row(stat, "203.0.113.11").get(2));
        final long toSecond = Long.parseLong(row(stat, "203.0.113.12").get(2));
        assertEquals(FRAMES, toFirst + toSecond, stat);
        final List<String> worker = row(stat, "0 ");
        assertEquals(workerDone, worker.subList(0, 9), stat);
        assertTrue(worker.get(9).matches("[0-9]+\\.[0-9]%") && worker.get(10).matches("[0-9.]+(ns|us|ms|s)") && worker.size() == 11,
            "busy share and longest duty cycle: " + stat);
        assertTrue(stat.contains("generation 1 "), stat);

        final Result second = runToEnd("run", "--config", configFile.toString());
        assertEquals(1, second.exitCode(), second.output());
        assertTrue(second.output().contains("device " + device + " is in use by another sluice daemon (pid " + daemon.pid() +
            ", lock " + DeviceNames.lockFile(device) + ")"), second.output());

        Files.writeString(configFile, config(device, statsFile, 3));
        assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor());
        // The header's generation is the control plane's; each worker's own column follows when it confirms.
        final String reloaded = awaitStat(statsFile, daemon, daemonLog, text -> text.contains("generation 2 ") &&
            row(text, "0 ").size() > 8 && row(text, "0 ").get(8).equals("2")).output();
        assertEquals("3", row(reloaded, "203.0.113.12").get(1), reloaded);
        assertEquals("2", row(reloaded, "0 ").get(8), reloaded);
        System.out.println("sluice stat --once after the reload:\n" + reloaded);

        Files.writeString(configFile, config(device, statsFile, 3).replace("weight: 1 }", "weight: -3 }"));
        assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor());
        awaitLog(daemonLog, "reload rejected: 1 problem(s); generation 2 stays in force");
        assertTrue(Files.readString(daemonLog).contains("reload rejected: " + configFile +
            ":18:42: services[0].backends[0].weight: '-3' is not valid: an integer 0..65535"));
        final String afterRejected = runToEnd("stat", "--once", "--file", statsFile.toString()).output();
        assertTrue(afterRejected.contains("generation 2 "), afterRejected);
        assertEquals("3", row(afterRejected, "203.0.113.12").get(1), afterRejected);

        daemon.destroy();
        assertTrue(daemon.waitFor(WAIT_NS, TimeUnit.NANOSECONDS), "the daemon did not stop on SIGTERM");
        final String log = Files.readString(daemonLog);
        assertEquals(0, daemon.exitValue(), log);
        assertFalse(Files.exists(statsFile), "stats file deleted");
        assertTrue(lockIsFree(DeviceNames.lockFile(device)), "lock released");
        Files.deleteIfExists(DeviceNames.lockFile(device));
        assertTrue(log.contains("SIGTERM received: shutting down"), log);
        assertTrue(log.contains("closing DPDK EAL (releases its hugepages)"), log);
        System.out.println("daemon log:\n" + log);

        final List<byte[]> received = PcapFile.read(out);
        assertEquals(FRAMES, received.size(), "one frame out per frame in");
        final Map<String, Long> perBackend = new HashMap<>();
        for (int i = 0; i < FRAMES; i++)
        {
            final byte[] frame = received.get(i);
            final String backend = backendOf(frame);
            assertNotNull(backend, "frame " + i + " goes to a backend's MAC");
            perBackend.merge(backend, 1L, Long::sum);
            assertArrayEquals(mac(LB_MAC), Arrays.copyOfRange(frame, 6, 12), "DSR source MAC is the LB's");
            assertArrayEquals(Arrays.copyOfRange(sent.get(i), 12, sent.get(i).length), Arrays.copyOfRange(frame, 12, frame.length),
                "DSR leaves the IP packet untouched");
        }
        assertEquals(Map.of("203.0.113.11", toFirst, "203.0.113.12", toSecond), perBackend, "frames match stat's backend counts");
    }

    @Test
    @Tag("dpdk")
    void shouldServeTheGrpcApiFromTheRunnableJarAndReloadOverItsChanges() throws Exception
    {
        final Path in = directory.resolve("in.pcap");
        final Path statsFile = directory.resolve("api.stats");
        final Path configFile = directory.resolve("api.yaml");
        final Path daemonLog = directory.resolve("api-daemon.log");
        final String device = "net_pcap0,rx_pcap=" + in + ",tx_pcap=" + directory.resolve("out.pcap");
        PcapFile.write(in, List.of());
        final Path socket = directory.resolve("api.sock");
        Files.writeString(configFile, config(device, statsFile, 1) + "api: { listen: \"0.0.0.0:0\" }\n");
        final Result refused = runToEnd("run", "--config", configFile.toString());
        assertEquals(2, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("api.listen: the TCP listener on '0.0.0.0:0' authenticates no caller"), refused.output());
        Files.writeString(configFile, config(device, statsFile, 1) + "api: { socket: \"" + socket +
            "\", listen: \"127.0.0.1:0\", insecure: true }\n");

        final Process daemon = start(daemonLog, "run", "--config", configFile.toString());
        awaitLog(daemonLog, "gRPC API on 127.0.0.1:");
        awaitLog(daemonLog, "INSECURE API");
        final Matcher listening = Pattern.compile("gRPC API on 127\\.0\\.0\\.1:([0-9]+) \\(plaintext, no token\\)")
            .matcher(Files.readString(daemonLog));
        assertTrue(listening.find(), Files.readString(daemonLog));
        assertTrue(Files.readString(daemonLog).contains("gRPC API on unix:" + socket + " (0600, only its owner may connect)"),
            Files.readString(daemonLog));
        assertTrue(Files.readString(daemonLog).contains("WARN  sluice.daemon: INSECURE API: the gRPC API on 127.0.0.1:" +
            listening.group(1) + " authenticates no caller (api.insecure: true)"), Files.readString(daemonLog));
        final Result overTheSocket = runToEnd("ctl", "--server", "unix:" + socket, "list");
        assertEquals(0, overTheSocket.exitCode(), overTheSocket.output());
        assertTrue(overTheSocket.output().contains(VIP + ":80/tcp"), overTheSocket.output());
        assertFalse(overTheSocket.output().contains("WARNING"), "no transport noise: " + overTheSocket.output());
        final List<String> asNobody = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        asNobody.addAll(command("ctl", "--server", "unix:" + socket, "list"));
        final Process nobody = new ProcessBuilder(asNobody).redirectErrorStream(true).start();
        final String refusal = new String(nobody.getInputStream().readAllBytes());
        assertTrue(nobody.waitFor(WAIT_NS, TimeUnit.NANOSECONDS));
        assertEquals(1, nobody.exitValue(), refusal);
        assertTrue(refusal.startsWith("sluice ctl: cannot connect to the daemon's API at unix:" + socket + ": ") &&
            refusal.contains("sluice ctl: the daemon's socket lets in only root"), refusal);
        final ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", Integer.parseInt(listening.group(1)),
            InsecureChannelCredentials.create()).build();
        try
        {
            final LoadBalancerGrpc.LoadBalancerBlockingStub client = LoadBalancerGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus());
            assertEquals(1, client.listServices(ListServicesRequest.getDefaultInstance()).getServicesCount());
            final ChangeResponse added = client.addBackend(AddBackendRequest.newBuilder()
                .setKey(ServiceKey.newBuilder().setVip(VIP).setPort(80))
                .setBackend(BackendConfig.newBuilder().setAddress("203.0.113.13")).build());
            assertEquals(2, added.getGeneration());
            assertTrue(client.getConfig(GetConfigRequest.getDefaultInstance()).getYaml()
                .contains("- { address: \"203.0.113.13\", weight: 1 }"));
            awaitStat(statsFile, daemon, daemonLog, text -> text.contains("generation 2 ") && text.contains("203.0.113.13"));

            assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor());
            awaitLog(daemonLog, "reload applied: generation 3 runs on every worker");
            assertTrue(Files.readString(daemonLog).contains("WARN  sluice.daemon: INSECURE API: the gRPC API on 127.0.0.1:" +
                listening.group(1) + " still authenticates no caller (api.insecure: true)"), "repeated at each reload");
            assertTrue(Files.readString(daemonLog).contains("the reload replaces 1 change(s) made through the API"));
            assertEquals(2, client.withDeadlineAfter(60, TimeUnit.SECONDS).getService(GetServiceRequest.newBuilder()
                .setKey(ServiceKey.newBuilder().setVip(VIP).setPort(80)).build()).getBackendsCount(), "the file's backends again");
        }
        finally
        {
            channel.shutdownNow();
        }
        daemon.destroy();
        assertTrue(daemon.waitFor(WAIT_NS, TimeUnit.NANOSECONDS), "the daemon did not stop on SIGTERM");
        assertEquals(0, daemon.exitValue(), Files.readString(daemonLog));
        assertTrue(Files.readString(daemonLog).contains("stopping the gRPC API"));
        assertFalse(Files.exists(socket), "the socket is removed when the daemon stops");
        Files.deleteIfExists(DeviceNames.lockFile(device));
    }

    @Test
    @Tag("dpdk")
    void shouldServePrometheusMetricsFromTheRunnableJarWhenConfigured() throws Exception
    {
        final Path in = directory.resolve("in.pcap");
        final Path statsFile = directory.resolve("metrics.stats");
        final Path configFile = directory.resolve("metrics.yaml");
        final Path daemonLog = directory.resolve("metrics-daemon.log");
        final String device = "net_pcap0,rx_pcap=" + in + ",tx_pcap=" + directory.resolve("out.pcap");
        writeCapture(in);
        Files.writeString(configFile, config(device, statsFile, 1) + "metrics: { listen: \"127.0.0.1:0\" }\n");

        final Process daemon = start(daemonLog, "run", "--config", configFile.toString());
        awaitStat(statsFile, daemon, daemonLog, text -> row(text, VIP).size() > 2 && row(text, VIP).get(2).equals(Integer.toString(FRAMES)));
        awaitLog(daemonLog, "Prometheus metrics on http://127.0.0.1:");
        final Matcher listening = Pattern.compile("Prometheus metrics on http://127\\.0\\.0\\.1:([0-9]+)/metrics")
            .matcher(Files.readString(daemonLog));
        assertTrue(listening.find(), Files.readString(daemonLog));
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + listening.group(1) + "/metrics")).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        final Map<String, PrometheusText.Family> metrics = PrometheusText.parse(response.body());
        final Map<String, String> service = Map.of("vip", VIP, "port", "80", "protocol", "tcp", "mode", "dsr");

        assertEquals(FRAMES, PrometheusText.value(metrics, "sluice_worker_rx_packets_total", "sluice_worker_rx_packets_total",
            Map.of("worker", "0")));
        assertEquals(1, PrometheusText.value(metrics, "sluice_generation", "sluice_generation", Map.of()));
        assertEquals(FRAMES, PrometheusText.value(metrics, "sluice_service_packets_total", "sluice_service_packets_total", service));
        assertEquals(2, PrometheusText.value(metrics, "sluice_service_up_backends", "sluice_service_up_backends", service));

        daemon.destroy();
        assertTrue(daemon.waitFor(WAIT_NS, TimeUnit.NANOSECONDS), "the daemon did not stop on SIGTERM");
        final String log = Files.readString(daemonLog);
        assertEquals(0, daemon.exitValue(), log);
        final int stopped = log.indexOf("stopping the metrics endpoint");
        assertTrue(stopped >= 0 && stopped < log.indexOf("stats file " + statsFile + " deleted"), "metrics stop first: " + log);
        Files.deleteIfExists(DeviceNames.lockFile(device));
    }

    private static String backendOf(final byte[] frame)
    {
        for (final Map.Entry<String, String> backend : BACKEND_MACS.entrySet())
        {
            if (Arrays.equals(mac(backend.getValue()), Arrays.copyOfRange(frame, 0, 6)))
            {
                return backend.getKey();
            }
        }
        return null;
    }

    @Test
    void shouldExitWithCode2AndStartNothingWhenTheConfigIsBad() throws Exception
    {
        final Path statsFile = directory.resolve("bad.stats");
        final Path configFile = directory.resolve("bad.yaml");
        final String device = "net_pcap0,rx_pcap=" + directory.resolve("in.pcap") + ",tx_pcap=" + directory.resolve("out.pcap");
        Files.writeString(configFile, config(device, statsFile, 2).replace("weight: 1 }", "weight: -3 }"),
            StandardCharsets.UTF_8);

        final Result result = runToEnd("run", "--config", configFile.toString());

        assertEquals(2, result.exitCode(), result.output());
        assertEquals(configFile + ":18:42: services[0].backends[0].weight: '-3' is not valid: an integer 0..65535\n" +
            "sluice: 1 problem(s) in " + configFile + "; nothing was started\n", result.output());
        assertFalse(Files.exists(statsFile), "no stats file");
        assertFalse(Files.exists(DeviceNames.lockFile(device)), "no lock file");
    }

    @Test
    void shouldSayNoDaemonRunsWhenStatFindsNoStatsFile() throws Exception
    {
        final Path statsFile = directory.resolve("none.stats");

        final Result result = runToEnd("stat", "--once", "--file", statsFile.toString());

        assertEquals(1, result.exitCode(), result.output());
        assertEquals("sluice stat: no stats file at " + statsFile +
            ": no daemon is running there (start one with: sluice run --config FILE)\n", result.output());
    }
}
