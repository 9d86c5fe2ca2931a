package io.sluice.controlplane.metrics;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sluice.controlplane.model.BackendHealthSource;
import io.sluice.controlplane.model.ControlLatency;
import io.sluice.controlplane.model.ServiceKey;
import io.sluice.dataplane.neighbour.NeighbourCounter;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.WorkerCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics endpoint over a stats file written the way the dataplane writes it (two workers, an
 * IPv6 GUE service with two backends and an IPv4 DSR service with a drained one), fetched over HTTP
 * and parsed strictly as the Prometheus text format 0.0.4.
 */
class MetricsServerTest
{
    private static final int GUE_SERVICE = 3;
    private static final int DSR_SERVICE = 5;
    private static final Map<String, String> GUE = Map.of("vip", "2001:db8::10", "port", "80", "protocol", "tcp", "mode", "gue");
    private static final Map<String, String> DSR = Map.of("vip", "192.0.2.20", "port", "53", "protocol", "udp", "mode", "dsr");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ControlLatency latency = new ControlLatency();
    private StatsFile stats;
    private MetricsServer server;

    private static void label(final CountersManager manager, final String label, final int type, final int id, final int serviceId,
        final long value)
    {
        manager.newCounter(label, type, key ->
        {
            key.putInt(0, -1);
            key.putInt(4, id);
            key.putInt(8, serviceId);
        }).setRelease(value);
    }

    private static List<DataplaneCounters> populate(final StatsFile stats)
    {
        final CountersManager manager = stats.countersManager();
        label(manager, "dataplane errors", StatsFile.GLOBAL_COUNTER_TYPE, 0, 0, 1);
        label(manager, "generation in force", StatsFile.GLOBAL_COUNTER_TYPE, 1, 0, 4);
        label(manager, "port rx-packets", StatsFile.PORT_COUNTER_TYPE, 0, 0, 300);
        label(manager, "port rx-missed", StatsFile.PORT_COUNTER_TYPE, 2, 0, 17);
        label(manager, "port mbufs-in-use", StatsFile.PORT_COUNTER_TYPE, 6, 0, 1100);
        label(manager, "port mbufs", StatsFile.PORT_COUNTER_TYPE, 7, 0, 8192);
        label(manager, "[2001:db8:0:0:0:0:0:10]:80/tcp gue", StatsFile.SERVICE_LABEL_TYPE, GUE_SERVICE, 0, 0);
        label(manager, "2001:db8:0:0:0:0:0:11", StatsFile.BACKEND_LABEL_TYPE, 7, GUE_SERVICE, 1);
        label(manager, "192.0.2.12", StatsFile.BACKEND_LABEL_TYPE, 8, GUE_SERVICE, 3);
        label(manager, "192.0.2.20:53/udp dsr", StatsFile.SERVICE_LABEL_TYPE, DSR_SERVICE, 0, 0);
        label(manager, "10.0.0.21", StatsFile.BACKEND_LABEL_TYPE, 9, DSR_SERVICE, 0);
        final List<DataplaneCounters> workers = List.of(new DataplaneCounters(manager, 0), new DataplaneCounters(manager, 1));
        for (int worker = 0; worker < 2; worker++)
        {
            final DataplaneCounters counters = workers.get(worker);
            counters.add(WorkerCounter.RX_PACKETS, 100 + worker);
            counters.add(WorkerCounter.TX_PACKETS, 90 + worker);
            counters.add(WorkerCounter.TX_BYTES, 9000 + worker);
            counters.set(WorkerCounter.FLOW_ACTIVE, 40 + worker);
            counters.set(WorkerCounter.GENERATION, 4);
            counters.add(WorkerCounter.DUTY_CYCLES, 1000 * (worker + 1));
            counters.add(WorkerCounter.WORK_CYCLES, 400 - 100 * worker);
            counters.add(WorkerCounter.BUSY_NS, worker == 0 ? 1_500_000_000L : 250_000_000L);
            counters.set(WorkerCounter.BUSY_PPM, worker == 0 ? 600_000 : 125_000);
            counters.set(WorkerCounter.MAX_CYCLE_NS, worker == 0 ? 12_500 : 3_200_000);
            for (int i = 0; i < 10 + worker; i++)
            {
                counters.dropped(DropReason.NO_VIP);
            }
            for (int i = 0; i < 2 * worker; i++)
            {
                counters.dropped(DropReason.NO_BACKEND);
            }
            counters.publish();
        }
        final TrafficStats first = new TrafficStats(stats.trafficRegion(0));
        final TrafficStats second = new TrafficStats(stats.trafficRegion(1));
        for (int i = 0; i < 30; i++)
        {
            first.forwarded(GUE_SERVICE, 7, 100, i < 10);
            second.forwarded(GUE_SERVICE, 8, 100, i < 5);
            second.forwarded(GUE_SERVICE, 8, 100, false);
        }
        for (int i = 0; i < 4; i++)
        {
            second.forwarded(DSR_SERVICE, 9, 80, true);
        }
        first.serviceDrop(GUE_SERVICE, DropReason.NO_BACKEND.ordinal());
        second.serviceDrop(GUE_SERVICE, DropReason.NO_BACKEND.ordinal());
        second.serviceDrop(GUE_SERVICE, DropReason.TOO_BIG.ordinal());
        return workers;
    }

    private static BackendHealthSource health()
    {
        final ServiceKey gue = new ServiceKey(IpAddress.parse("2001:db8::10"), 80, 6);
        return new BackendHealthSource()
        {
            @Override
            public HealthState state(final ServiceKey service, final IpAddress backend)
            {
                if (!service.equals(gue))
                {
                    return HealthState.UNKNOWN;
                }
                return backend.equals(IpAddress.parse("2001:db8::11")) ? HealthState.UP : HealthState.DOWN;
            }

            @Override
            public long transitions(final ServiceKey service, final IpAddress backend)
            {
                return service.equals(gue) ? (backend.equals(IpAddress.parse("2001:db8::11")) ? 1 : 2) : 0;
            }

            @Override
            public ServiceHealth serviceHealth(final ServiceKey service)
            {
                return service.equals(gue) ? new ServiceHealth(1, 2, false, true, false) : null;
            }
        };
    }

    private static Map<String, String> labels(final Map<String, String> base, final String... more)
    {
        final Map<String, String> labels = new TreeMap<>(base);
        for (int i = 0; i < more.length; i += 2)
        {
            labels.put(more[i], more[i + 1]);
        }
        return labels;
    }

    /** The value of exactly one series, or an assertion failure listing the family. */
    private static double value(final Map<String, PrometheusText.Family> families, final String family, final String sample,
        final Map<String, String> labels)
    {
        return PrometheusText.value(families, family, sample, labels);
    }

    private static double counter(final Map<String, PrometheusText.Family> families, final String name, final Map<String, String> labels)
    {
        assertEquals("counter", families.get(name).type(), name);
        return value(families, name, name, labels);
    }

    private static double gauge(final Map<String, PrometheusText.Family> families, final String name, final Map<String, String> labels)
    {
        assertEquals("gauge", families.get(name).type(), name);
        return value(families, name, name, labels);
    }

    @BeforeEach
    void start() throws IOException
    {
        stats = StatsFile.inMemory(2);
        populate(stats);
        server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), stats, health(), latency);
    }

    @AfterEach
    void stop()
    {
        server.close();
        stats.close();
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException
    {
        final URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, PrometheusText.Family> scrape() throws IOException, InterruptedException
    {
        final HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        return PrometheusText.parse(response.body());
    }

    @Test
    void shouldExposeServiceAndBackendCountersWithTheirLabelsWhenScraped() throws Exception
    {
        final Map<String, PrometheusText.Family> metrics = scrape();

        assertEquals(90, counter(metrics, "sluice_service_packets_total", GUE));
        assertEquals(9000, counter(metrics, "sluice_service_bytes_total", GUE));
        assertEquals(15, counter(metrics, "sluice_service_new_flows_total", GUE));
        assertEquals(3, counter(metrics, "sluice_service_drops_total", GUE));
        assertEquals(2, counter(metrics, "sluice_service_drops_by_reason_total", labels(GUE, "reason", "no-backend")));
        assertEquals(1, counter(metrics, "sluice_service_drops_by_reason_total", labels(GUE, "reason", "too-big")));
        assertEquals(2, metrics.get("sluice_service_drops_by_reason_total").samples().size(), "reasons counted at least once");
        assertEquals(4, counter(metrics, "sluice_service_packets_total", DSR));
        assertEquals(320, counter(metrics, "sluice_service_bytes_total", DSR));
        assertEquals(0, counter(metrics, "sluice_service_drops_total", DSR));
        assertEquals(2, metrics.get("sluice_service_packets_total").samples().size());

        final Map<String, String> first = labels(GUE, "backend", "2001:db8::11");
        final Map<String, String> second = labels(GUE, "backend", "192.0.2.12");
        final Map<String, String> drained = labels(DSR, "backend", "10.0.0.21");
        assertEquals(List.of(30.0, 60.0, 4.0), List.of(counter(metrics, "sluice_backend_packets_total", first),
            counter(metrics, "sluice_backend_packets_total", second), counter(metrics, "sluice_backend_packets_total", drained)));
        assertEquals(List.of(3000.0, 6000.0, 320.0), List.of(counter(metrics, "sluice_backend_bytes_total", first),
            counter(metrics, "sluice_backend_bytes_total", second), counter(metrics, "sluice_backend_bytes_total", drained)));
        assertEquals(List.of(10.0, 5.0, 4.0), List.of(counter(metrics, "sluice_backend_new_flows_total", first),
            counter(metrics, "sluice_backend_new_flows_total", second), counter(metrics, "sluice_backend_new_flows_total", drained)));
        assertEquals(List.of(1.0, 3.0, 0.0), List.of(gauge(metrics, "sluice_backend_weight", first),
            gauge(metrics, "sluice_backend_weight", second), gauge(metrics, "sluice_backend_weight", drained)));
    }

    @Test
    void shouldExposeOneHealthSeriesPerStateWithTheCurrentOneAtOneWhenScraped() throws Exception
    {
        final Map<String, PrometheusText.Family> metrics = scrape();

        final Map<String, Double> states = new TreeMap<>();
        for (final String backend : List.of("2001:db8::11", "192.0.2.12"))
        {
            for (final String state : List.of("up", "down", "unknown"))
            {
                states.put(backend + " " + state, gauge(metrics, "sluice_backend_health", labels(GUE, "backend", backend, "state", state)));
            }
        }
        for (final String state : List.of("up", "down", "unknown"))
        {
            states.put("10.0.0.21 " + state, gauge(metrics, "sluice_backend_health", labels(DSR, "backend", "10.0.0.21", "state", state)));
        }

        assertEquals(Map.of("2001:db8::11 up", 1.0, "2001:db8::11 down", 0.0, "2001:db8::11 unknown", 0.0,
            "192.0.2.12 up", 0.0, "192.0.2.12 down", 1.0, "192.0.2.12 unknown", 0.0,
            "10.0.0.21 up", 0.0, "10.0.0.21 down", 0.0, "10.0.0.21 unknown", 1.0), states);
        assertEquals(9, metrics.get("sluice_backend_health").samples().size());
    }

    @Test
    void shouldExposeEachServicesStandingAndEachBackendsTransitionsWhenTheSourceKnowsThem() throws Exception
    {
        final Map<String, PrometheusText.Family> metrics = scrape();

        assertEquals(List.of(1.0, 2.0, 0.0, 1.0, 0.0), List.of(gauge(metrics, "sluice_service_up_backends", GUE),
            gauge(metrics, "sluice_service_quorum", GUE), gauge(metrics, "sluice_service_quorum_ok", GUE),
            gauge(metrics, "sluice_service_sorry_active", GUE), gauge(metrics, "sluice_service_no_backend", GUE)));
        assertEquals(1, metrics.get("sluice_service_quorum_ok").samples().size(), "a service the source does not know has none");
        assertEquals(List.of(1.0, 2.0, 0.0), List.of(
            counter(metrics, "sluice_backend_health_transitions_total", labels(GUE, "backend", "2001:db8::11")),
            counter(metrics, "sluice_backend_health_transitions_total", labels(GUE, "backend", "192.0.2.12")),
            counter(metrics, "sluice_backend_health_transitions_total", labels(DSR, "backend", "10.0.0.21"))));
    }

    @Test
    void shouldExposeWorkerCountersInBaseUnitsWhenScraped() throws Exception
    {
        final Map<String, PrometheusText.Family> metrics = scrape();
        final Map<String, String> w0 = Map.of("worker", "0");
        final Map<String, String> w1 = Map.of("worker", "1");

        assertEquals(List.of(100.0, 101.0), List.of(counter(metrics, "sluice_worker_rx_packets_total", w0),
            counter(metrics, "sluice_worker_rx_packets_total", w1)));
        assertEquals(List.of(90.0, 91.0), List.of(counter(metrics, "sluice_worker_tx_packets_total", w0),
            counter(metrics, "sluice_worker_tx_packets_total", w1)));
        assertEquals(9001, counter(metrics, "sluice_worker_tx_bytes_total", w1));
        assertEquals(List.of(40.0, 41.0), List.of(gauge(metrics, "sluice_worker_active_flows", w0),
            gauge(metrics, "sluice_worker_active_flows", w1)));
        assertEquals(List.of(0.6, 0.125), List.of(gauge(metrics, "sluice_worker_busy_ratio", w0),
            gauge(metrics, "sluice_worker_busy_ratio", w1)));
        assertEquals(List.of(1.25e-5, 3.2e-3), List.of(gauge(metrics, "sluice_worker_longest_duty_cycle_seconds", w0),
            gauge(metrics, "sluice_worker_longest_duty_cycle_seconds", w1)));
        assertEquals(List.of(1.5, 0.25), List.of(counter(metrics, "sluice_worker_busy_seconds_total", w0),
            counter(metrics, "sluice_worker_busy_seconds_total", w1)));
        assertEquals(List.of(1000.0, 2000.0), List.of(counter(metrics, "sluice_worker_duty_cycles_total", w0),
            counter(metrics, "sluice_worker_duty_cycles_total", w1)));
        assertEquals(List.of(400.0, 300.0), List.of(counter(metrics, "sluice_worker_busy_cycles_total", w0),
            counter(metrics, "sluice_worker_busy_cycles_total", w1)));
        assertEquals(4, gauge(metrics, "sluice_worker_generation", w1));
        for (int c = 0; c < WorkerCounter.count(); c++)
        {
            final WorkerMetric metric = WorkerMetric.of(WorkerCounter.of(c));
            final String family = metric.gauge() ? metric.name() : metric.name() + "_total";
            assertEquals(2, metrics.get(family).samples().size(), family + ": one series per worker");
        }
    }

    @Test
    void shouldExposeEveryDropReasonPortCountersAndTheGenerationWhenScraped() throws Exception
    {
        final Map<String, PrometheusText.Family> metrics = scrape();

        assertEquals(21, counter(metrics, "sluice_drops_total", Map.of("reason", "no-vip")));
        assertEquals(2, counter(metrics, "sluice_drops_total", Map.of("reason", "no-backend")));
        assertEquals(0, counter(metrics, "sluice_drops_total", Map.of("reason", "fragment")), "zero reasons are exposed too");
        assertEquals(DropReason.count(), metrics.get("sluice_drops_total").samples().size());
        assertEquals(13, counter(metrics, "sluice_worker_dropped_packets_total", Map.of("worker", "1")), "11 no-vip, 2 no-backend");
        assertEquals(17, counter(metrics, "sluice_port_rx_missed_total", Map.of()));
        assertEquals(300, counter(metrics, "sluice_port_rx_packets_total", Map.of()));
        assertEquals(1100, gauge(metrics, "sluice_port_mbufs_in_use", Map.of()), "a level, not a count");
        assertEquals(8192, gauge(metrics, "sluice_port_mbufs", Map.of()));
        assertEquals(4, gauge(metrics, "sluice_generation", Map.of()));
        assertEquals(1, counter(metrics, "sluice_dataplane_errors_total", Map.of()));
        assertEquals(stats.startTimeMs() / 1000.0, gauge(metrics, "sluice_dataplane_start_time_seconds", Map.of()));
    }

    @Test
    void shouldExposeNeighbourStatesAndRequestCountersWhenScraped() throws Exception
    {
        final CountersManager manager = stats.countersManager();
        label(manager, "neighbours resolved", StatsFile.NEIGHBOUR_COUNTER_TYPE, NeighbourCounter.RESOLVED.ordinal(), 0, 7);
        label(manager, "neighbours incomplete", StatsFile.NEIGHBOUR_COUNTER_TYPE, NeighbourCounter.INCOMPLETE.ordinal(), 0, 3000);
        label(manager, "neighbours capacity", StatsFile.NEIGHBOUR_COUNTER_TYPE, NeighbourCounter.CAPACITY.ordinal(), 0, 4096);
        label(manager, "neighbours requests-sent", StatsFile.NEIGHBOUR_COUNTER_TYPE, NeighbourCounter.REQUESTS_SENT.ordinal(), 0, 900);
        label(manager, "neighbours requests-suppressed", StatsFile.NEIGHBOUR_COUNTER_TYPE,
            NeighbourCounter.REQUESTS_SUPPRESSED.ordinal(), 0, 2100);

        final Map<String, PrometheusText.Family> metrics = scrape();

        assertEquals(7, gauge(metrics, "sluice_neighbours", Map.of("state", "resolved")));
        assertEquals(3000, gauge(metrics, "sluice_neighbours", Map.of("state", "incomplete")));
        assertEquals(0, gauge(metrics, "sluice_neighbours", Map.of("state", "stale")));
        assertEquals(4096, gauge(metrics, "sluice_neighbour_capacity", Map.of()));
        assertEquals(900, counter(metrics, "sluice_neighbour_requests_total", Map.of("outcome", "sent")));
        assertEquals(2100, counter(metrics, "sluice_neighbour_requests_total", Map.of("outcome", "suppressed")));
        assertEquals(0, counter(metrics, "sluice_neighbour_requests_total", Map.of("outcome", "failed")));
    }

    @Test
    void shouldExposeControlLatencyQuantilesCountAndSumWhenOperationsWereRecorded() throws Exception
    {
        for (int ms = 1; ms <= 100; ms++)
        {
            latency.record("apply", ms * 1_000_000L);
        }
        latency.record("set-weight", 250_000);

        final Map<String, PrometheusText.Family> metrics = scrape();
        final String name = "sluice_control_operation_duration_seconds";

        assertEquals("summary", metrics.get(name).type());
        assertEquals(100, value(metrics, name, name + "_count", Map.of("operation", "apply")));
        assertEquals(5.05, value(metrics, name, name + "_sum", Map.of("operation", "apply")), 1e-12, "the sum is exact");
        final double[][] expected = {{0.5, 0.050}, {0.9, 0.090}, {0.99, 0.099}, {1.0, 0.100}};
        for (final double[] quantile : expected)
        {
            final double actual = value(metrics, name, name, Map.of("operation", "apply", "quantile", Double.toString(quantile[0])));
            assertEquals(quantile[1], actual, quantile[1] / 1000, "quantile " + quantile[0] + ", within HdrHistogram's 0.1%");
        }
        assertEquals(1, value(metrics, name, name + "_count", Map.of("operation", "set-weight")));
        assertEquals(0.00025, value(metrics, name, name, Map.of("operation", "set-weight", "quantile", "1.0")), 0.00025 / 1000);
        assertEquals(2 * 6, metrics.get(name).samples().size(), "4 quantiles, count and sum per operation");
    }

    @Test
    void shouldShowNewCounterValuesWhenScrapedAgain() throws Exception
    {
        assertEquals(90, counter(scrape(), "sluice_service_packets_total", GUE));
        final TrafficStats first = new TrafficStats(stats.trafficRegion(0));
        for (int i = 0; i < 5; i++)
        {
            first.forwarded(GUE_SERVICE, 7, 100, false);
        }

        final Map<String, PrometheusText.Family> metrics = scrape();

        assertEquals(95, counter(metrics, "sluice_service_packets_total", GUE));
        assertEquals(35, counter(metrics, "sluice_backend_packets_total", labels(GUE, "backend", "2001:db8::11")));
    }

    @Test
    void shouldNameTheAddressWhenThePortIsTaken() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final IOException error = assertThrows(IOException.class, () -> MetricsServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()), stats, BackendHealthSource.NONE, latency));

            assertTrue(error.getMessage().startsWith("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": "),
                error.getMessage());
        }
    }

    @Test
    void shouldRefuseAnUnresolvedListenAddress()
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> MetricsServer.start(
            InetSocketAddress.createUnresolved("metrics.invalid", 9301), stats, BackendHealthSource.NONE, latency));

        assertTrue(error.getMessage().contains("metrics.invalid"), error.getMessage());
    }

    @Test
    void shouldStopListeningWhenClosed()
    {
        server.close();

        assertThrows(ConnectException.class, () -> get("/metrics"));
    }
}
