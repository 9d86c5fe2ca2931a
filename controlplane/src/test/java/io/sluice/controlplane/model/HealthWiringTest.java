package io.sluice.controlplane.model;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.controlplane.api.ApiTestDaemon;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.controlplane.health.HealthChecker;
import io.sluice.controlplane.health.LocalTestAddresses;
import io.sluice.controlplane.health.LoopbackBackends;
import io.sluice.controlplane.metrics.MetricsServer;
import io.sluice.controlplane.metrics.PrometheusText;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The health checks wired to the model over a real dataplane on a {@code net_ring} port: real TCP
 * and HTTP backends on 198.51.100.x, addresses of this host that the test makes
 * ({@link LocalTestAddresses}), checked every few hundred milliseconds. A backend whose server
 * stops goes DOWN, leaves the Maglev table and shows as down in the metrics (fetched over HTTP and
 * parsed as Prometheus text); it comes back when its server does. Below quorum the sorry backend
 * takes the table, unless it is DOWN itself. A least-response-time service weights a slow HTTP
 * backend below a fast one. Only the sequence of events is awaited (bounded, so a broken wiring
 * fails instead of hanging), never how long it took.
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthWiringTest
{
    private static final String CONFIG = """
        dataplane:
          device: %s
          workers: 1
          mac: 02:00:00:00:00:01
          promiscuous: false
          descriptors: { rx: 256, tx: 256 }
          flowTable: { capacity: 16384 }
        network:
          addresses: [203.0.113.2]
          neighbours:
            - { address: 198.51.100.2, mac: "02:00:00:00:01:02" }
            - { address: 198.51.100.3, mac: "02:00:00:00:01:03" }
            - { address: 198.51.100.4, mac: "02:00:00:00:01:04" }
            - { address: 198.51.100.5, mac: "02:00:00:00:01:05" }
            - { address: 198.51.100.6, mac: "02:00:00:00:01:06" }
            - { address: 198.51.100.7, mac: "02:00:00:00:01:07" }
        services:
          - vip: 192.0.2.10
            port: 80
            mode: dsr
            quorum: 2
            sorry: 198.51.100.5
            healthCheck: { kind: tcp, port: TCP_PORT, interval: 300ms, timeout: 200ms, rise: 1, fall: 1 }
            backends:
              - { address: 198.51.100.2, weight: 1 }
              - { address: 198.51.100.3, weight: 1 }
              - { address: 198.51.100.4, weight: 1 }
          - vip: 192.0.2.20
            port: 80
            mode: dsr
            scheduler: least-response-time
            healthCheck: { kind: http, port: HTTP_PORT, interval: 1s, timeout: 900ms, rise: 1, fall: 3 }
            backends:
              - { address: 198.51.100.6, weight: 1 }
              - { address: 198.51.100.7, weight: 1 }
        stats:
          file: wiring.stats
        """;
    private static final ServiceKey WEB = new ServiceKey(IpAddress.parse("192.0.2.10"), 80, ServiceKey.TCP);
    private static final ServiceKey LRT = new ServiceKey(IpAddress.parse("192.0.2.20"), 80, ServiceKey.TCP);
    private static final List<String> TCP_BACKENDS = List.of("198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5");
    private static final long AWAIT_NS = TimeUnit.SECONDS.toNanos(60);

    @TempDir
    static Path directory;

    private final Map<String, LoopbackBackends.TcpBackend> tcp = new LinkedHashMap<>();
    private final Map<String, LoopbackBackends.HttpBackend> http = new LinkedHashMap<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<ControlEvent.Detail> seen = new ArrayList<>();
    private LocalTestAddresses addresses;
    private ApiTestDaemon daemon;
    private ControlModel model;
    private EventSubscription watch;
    private HealthSupervisor supervisor;
    private MetricsServer metrics;

    @BeforeAll
    void startBackendsAndDataplane() throws Exception
    {
        addresses = LocalTestAddresses.create("slhw0", List.of("198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5",
            "198.51.100.6", "198.51.100.7"));
        for (final String address : TCP_BACKENDS)
        {
            final int port = tcp.isEmpty() ? 0 : tcp.values().iterator().next().address().getPort();
            tcp.put(address, new LoopbackBackends.TcpBackend(InetAddress.getByName(address), port));
        }
        for (final String address : List.of("198.51.100.6", "198.51.100.7"))
        {
            final int port = http.isEmpty() ? 0 : http.values().iterator().next().address().getPort();
            http.put(address, new LoopbackBackends.HttpBackend(InetAddress.getByName(address), port, null));
        }
        final String config = CONFIG.replace("TCP_PORT", Integer.toString(tcp.get("198.51.100.2").address().getPort()))
            .replace("HTTP_PORT", Integer.toString(http.get("198.51.100.6").address().getPort()));
        daemon = ApiTestDaemon.start(directory, "net_ring73", config);
    }

    @AfterAll
    void stopBackendsAndDataplane() throws IOException
    {
        daemon.close();
        addresses.close();
        for (final LoopbackBackends.TcpBackend backend : tcp.values())
        {
            backend.close();
        }
        for (final LoopbackBackends.HttpBackend backend : http.values())
        {
            backend.close();
        }
    }

    @BeforeEach
    void startChecksAndMetrics() throws IOException
    {
        for (final LoopbackBackends.TcpBackend backend : tcp.values())
        {
            backend.restart();
        }
        http.get("198.51.100.7").delay(0);
        daemon.reset(null);
        model = daemon.model();
        watch = model.events().subscribe(1024);
        seen.clear();
        supervisor = HealthSupervisor.start(model, HealthChecker::new, 0);
        metrics = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), daemon.stats(), model,
            model.controlLatency());
    }

    @AfterEach
    void stopChecksAndMetrics()
    {
        metrics.close();
        supervisor.close();
        watch.close();
    }

    private ControlEvent.Detail await(final String what, final Predicate<ControlEvent.Detail> wanted) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + AWAIT_NS;
        while (deadlineNs - System.nanoTime() > 0)
        {
            final EventSubscription.Delivery delivery = watch.take(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (delivery != null)
            {
                seen.add(delivery.event().detail());
                if (wanted.test(delivery.event().detail()))
                {
                    return delivery.event().detail();
                }
            }
        }
        throw new AssertionError("never saw " + what + "; events seen: " + seen);
    }

    private ControlEvent.HealthChanged awaitHealth(final ServiceKey service, final String backend, final BackendHealth state)
        throws InterruptedException
    {
        return (ControlEvent.HealthChanged)await(backend + " " + state, detail -> detail instanceof ControlEvent.HealthChanged h &&
            h.service().equals(service) && h.backend().equals(IpAddress.parse(backend)) && h.newState() == state);
    }

    private void awaitGeneration(final String change) throws InterruptedException
    {
        await("generation for " + change, detail -> detail instanceof ControlEvent.GenerationApplied g && g.change().equals(change));
    }

    private void awaitQuorum(final ControlEvent.QuorumChanged expected) throws InterruptedException
    {
        await(expected.toString(), expected::equals);
    }

    /** Each backend of the running service (sorry backend included) with its weight and Maglev slots. */
    private Map<String, List<Integer>> table(final int serviceIndex)
    {
        final Service service = model.snapshot().serviceAt(serviceIndex);
        final Map<String, List<Integer>> table = new TreeMap<>();
        for (int i = 0; i < service.backendCount(); i++)
        {
            table.put(service.backend(i).address().toString(), List.of(service.backend(i).weight(), service.maglev().slotCount(i)));
        }
        return table;
    }

    private static int slots(final Map<String, List<Integer>> table, final String backend)
    {
        return table.get(backend).get(1);
    }

    private Map<String, PrometheusText.Family> scrape() throws IOException, InterruptedException
    {
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + metrics.address().getPort() + "/metrics")).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return PrometheusText.parse(response.body());
    }

    /** Scrapes until a condition holds, for figures recorded after the event a test waited for; the last scrape if never. */
    private Map<String, PrometheusText.Family> scrapeUntil(final Predicate<Map<String, PrometheusText.Family>> condition)
        throws IOException, InterruptedException
    {
        final long deadlineNs = System.nanoTime() + AWAIT_NS;
        Map<String, PrometheusText.Family> scraped = scrape();
        while (!holds(condition, scraped) && deadlineNs - System.nanoTime() > 0)
        {
            Thread.sleep(10);
            scraped = scrape();
        }
        return scraped;
    }

    /** Whether a condition holds; false while a series it reads is not there yet. */
    private static boolean holds(final Predicate<Map<String, PrometheusText.Family>> condition,
        final Map<String, PrometheusText.Family> scraped)
    {
        try
        {
            return condition.test(scraped);
        }
        catch (final AssertionError absent)
        {
            return false;
        }
    }

    /** How many control operations of a kind were timed. */
    private static double operations(final Map<String, PrometheusText.Family> scraped, final String operation)
    {
        return PrometheusText.value(scraped, "sluice_control_operation_duration_seconds", "sluice_control_operation_duration_seconds_count",
            Map.of("operation", operation));
    }

    private static Map<String, String> labels(final ServiceKey service, final String... more)
    {
        final Map<String, String> labels = new TreeMap<>(Map.of("vip", service.vipText(), "port", "80", "protocol", "tcp",
            "mode", "dsr"));
        for (int i = 0; i < more.length; i += 2)
        {
            labels.put(more[i], more[i + 1]);
        }
        return labels;
    }

    private static double gauge(final Map<String, PrometheusText.Family> families, final String name, final Map<String, String> labels)
    {
        return PrometheusText.value(families, name, name, labels);
    }

    private static double counter(final Map<String, PrometheusText.Family> families, final String name, final Map<String, String> labels)
    {
        return PrometheusText.value(families, name + "_total", name + "_total", labels);
    }

    @Test
    void shouldTakeAStoppedBackendOutOfTheMaglevTableAndBringItBackWhenItServesAgain() throws Exception
    {
        awaitHealth(WEB, "198.51.100.3", BackendHealth.UP);

        tcp.get("198.51.100.3").close();

        final ControlEvent.HealthChanged down = awaitHealth(WEB, "198.51.100.3", BackendHealth.DOWN);
        assertEquals("UP -> DOWN (connect refused)", down.oldState() + " -> " + down.newState() + " (" + down.reason() + ")");
        awaitGeneration("backend 198.51.100.3 of 192.0.2.10:80/tcp DOWN");
        final Map<String, List<Integer>> without = table(0);
        assertEquals(List.of(0, 0), without.get("198.51.100.3"), "weight 0, no Maglev slot: " + without);
        assertEquals(model.snapshot().serviceAt(0).maglev().size(), slots(without, "198.51.100.2") + slots(without, "198.51.100.4"));
        assertEquals(0, model.service(WEB).backends().get(1).effectiveWeight());
        final Map<String, PrometheusText.Family> downMetrics = scrape();
        final Map<String, String> third = labels(WEB, "backend", "198.51.100.3");
        assertEquals(List.of(1.0, 0.0, 0.0), List.of(gauge(downMetrics, "sluice_backend_health", labels(WEB, "backend", "198.51.100.3",
            "state", "down")), gauge(downMetrics, "sluice_backend_health", labels(WEB, "backend", "198.51.100.3", "state", "up")),
            gauge(downMetrics, "sluice_backend_weight", third)));
        assertEquals(2, counter(downMetrics, "sluice_backend_health_transitions", third), "UNKNOWN -> UP -> DOWN");
        assertEquals(List.of(2.0, 1.0), List.of(gauge(downMetrics, "sluice_service_up_backends", labels(WEB)),
            gauge(downMetrics, "sluice_service_quorum_ok", labels(WEB))));

        tcp.get("198.51.100.3").restart();

        awaitHealth(WEB, "198.51.100.3", BackendHealth.UP);
        awaitGeneration("backend 198.51.100.3 of 192.0.2.10:80/tcp UP");
        final Map<String, List<Integer>> back = table(0);
        assertEquals(1, back.get("198.51.100.3").get(0));
        assertTrue(slots(back, "198.51.100.3") > 0, back.toString());
        final Map<String, PrometheusText.Family> upMetrics = scrape();
        assertEquals(List.of(1.0, 1.0, 3.0), List.of(
            gauge(upMetrics, "sluice_backend_health", labels(WEB, "backend", "198.51.100.3", "state", "up")),
            gauge(upMetrics, "sluice_backend_weight", third), counter(upMetrics, "sluice_backend_health_transitions", third)));
        // The health thread times the apply after the commit that published the generation: poll for it.
        assertTrue(operations(scrapeUntil(scraped -> operations(scraped, "health") >= 2), "health") >= 2, "DOWN and UP timed");
    }

    @Test
    void shouldGiveTheTableToTheSorryBackendBelowQuorumUnlessItIsDownItself() throws Exception
    {
        awaitHealth(WEB, "198.51.100.5", BackendHealth.UP);

        tcp.get("198.51.100.3").close();
        tcp.get("198.51.100.4").close();

        awaitQuorum(new ControlEvent.QuorumChanged(WEB, true, 1, 2, true));
        final Map<String, List<Integer>> sorry = table(0);
        assertEquals(List.of(1, model.snapshot().serviceAt(0).maglev().size()), sorry.get("198.51.100.5"), sorry.toString());
        assertEquals(List.of(0, 0), sorry.get("198.51.100.2"), "below quorum the backends that serve take no new flow either");
        final Map<String, PrometheusText.Family> lost = scrape();
        assertEquals(List.of(1.0, 0.0, 1.0, 0.0, 1.0), List.of(gauge(lost, "sluice_service_up_backends", labels(WEB)),
            gauge(lost, "sluice_service_quorum_ok", labels(WEB)), gauge(lost, "sluice_service_sorry_active", labels(WEB)),
            gauge(lost, "sluice_service_no_backend", labels(WEB)),
            gauge(lost, "sluice_backend_weight", labels(WEB, "backend", "198.51.100.5"))));

        tcp.get("198.51.100.5").close();

        awaitQuorum(new ControlEvent.QuorumChanged(WEB, true, 1, 2, false));
        final Map<String, List<Integer>> sorryDown = table(0);
        assertEquals(List.of(0, 0), sorryDown.get("198.51.100.5"), sorryDown.toString());
        assertEquals(List.of(1, model.snapshot().serviceAt(0).maglev().size()), sorryDown.get("198.51.100.2"));
        assertEquals(0, gauge(scrape(), "sluice_service_sorry_active", labels(WEB)));

        tcp.get("198.51.100.3").restart();

        awaitQuorum(new ControlEvent.QuorumChanged(WEB, false, 2, 2, false));
        assertEquals(1, gauge(scrape(), "sluice_service_quorum_ok", labels(WEB)));
        assertTrue(slots(table(0), "198.51.100.3") > 0);
    }

    @Test
    void shouldWeightASlowLeastResponseTimeBackendBelowAFastOne() throws Exception
    {
        http.get("198.51.100.7").delay(300);
        final Set<String> up = new HashSet<>();
        while (up.size() < 2)
        {
            final ControlEvent.HealthChanged changed = (ControlEvent.HealthChanged)await("both HTTP backends UP",
                detail -> detail instanceof ControlEvent.HealthChanged h && h.service().equals(LRT) && h.newState() == BackendHealth.UP);
            up.add(changed.backend().toString());
        }
        assertEquals(List.of(100, 100), List.of(table(1).get("198.51.100.6").get(0), table(1).get("198.51.100.7").get(0)),
            "no latency applied yet: the configured weight at the resolution");

        supervisor.refresh();

        final ControlEvent.GenerationApplied applied = (ControlEvent.GenerationApplied)await("least-response-time weights",
            detail -> detail instanceof ControlEvent.GenerationApplied g && g.change().startsWith("least-response-time: "));
        assertTrue(applied.change().startsWith("least-response-time: backend 198.51.100.7 of 192.0.2.20:80/tcp: weight 100 -> "),
            applied.change());
        final Map<String, List<Integer>> weighted = table(1);
        assertEquals(100, weighted.get("198.51.100.6").get(0), "the fastest keeps its full weight: " + weighted);
        assertTrue(weighted.get("198.51.100.7").get(0) < weighted.get("198.51.100.6").get(0), weighted.toString());
        assertTrue(slots(weighted, "198.51.100.7") < slots(weighted, "198.51.100.6"), weighted.toString());
        final Map<String, PrometheusText.Family> scraped = scrape();
        assertEquals(weighted.get("198.51.100.7").get(0), (int)gauge(scraped, "sluice_backend_weight", labels(LRT, "backend", "198.51.100.7")));
        assertEquals(1, operations(scrapeUntil(timed -> operations(timed, "response-time") >= 1), "response-time"));
    }
}
