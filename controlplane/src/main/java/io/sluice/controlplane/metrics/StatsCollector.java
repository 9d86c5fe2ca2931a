package io.sluice.controlplane.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import io.sluice.controlplane.model.BackendHealthSource;
import io.sluice.controlplane.model.ControlLatency;
import io.sluice.controlplane.model.ServiceKey;
import io.sluice.controlplane.stat.StatsSample;
import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.neighbour.NeighbourCounter;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * Turns a dataplane's stats file into Prometheus metrics on each scrape: it reads a
 * {@link StatsSample} (the same reading {@code sluice stat} does) and exposes per service, per
 * backend, per worker, drops by reason, NIC port counters, and the control-operation latency
 * percentiles of a {@link ControlLatency}. Nothing is cached between scrapes, so a scrape shows the
 * counters as they are, and services and backends that left the configuration leave the output.
 * <p>
 * Health: per backend its state ({@code sluice_backend_health}) and how many transitions it went
 * through; per service the backends taking new flows, the quorum, whether it is met, whether the
 * sorry backend is active and whether no backend can take a new flow (from the
 * {@link BackendHealthSource}; a source that does not know a service leaves its series out).
 * <p>
 * Labels: services {@code vip}, {@code port}, {@code protocol}, {@code mode}; backends the same plus
 * {@code backend}; workers {@code worker}; drops {@code reason}; control latency {@code operation}.
 */
public final class StatsCollector implements MultiCollector
{
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 1.0};

    private final StatsFile stats;
    private final BackendHealthSource health;
    private final ControlLatency latency;

    /**
     * @param stats   the dataplane's stats file; it must stay open while this collector is registered.
     * @param health  where backend health states come from ({@link BackendHealthSource#NONE} when unknown).
     * @param latency the control-operation latencies.
     */
    public StatsCollector(final StatsFile stats, final BackendHealthSource health, final ControlLatency latency)
    {
        if (stats == null || health == null || latency == null)
        {
            throw new IllegalArgumentException("a stats collector needs a stats file, a health source and a latency recorder");
        }
        this.stats = stats;
        this.health = health;
        this.latency = latency;
    }

    /**
     * Reads the stats file and builds every metric family.
     *
     * @return the metrics of this scrape.
     */
    @Override
    public MetricSnapshots collect()
    {
        final StatsSample sample = StatsSample.read(stats);
        final List<MetricSnapshot> families = new ArrayList<>();
        services(sample, families);
        workers(sample, families);
        dataplane(sample, families);
        families.add(controlLatency());
        return new MetricSnapshots(families);
    }

    /** A service's key (null when its name does not parse) and its labels. */
    private record ServiceLabels(ServiceKey key, Labels labels)
    {
        static ServiceLabels of(final StatsSample.ServiceRow service)
        {
            try
            {
                final ServiceKey key = ServiceKey.parse(service.name());
                return new ServiceLabels(key, Labels.of("vip", key.vipText(), "port", Integer.toString(key.port()),
                    "protocol", key.protocolName(), "mode", service.mode()));
            }
            catch (final IllegalArgumentException ex)
            {
                return new ServiceLabels(null, Labels.of("vip", service.name(), "port", "", "protocol", "", "mode", service.mode()));
            }
        }
    }

    private void services(final StatsSample sample, final List<MetricSnapshot> families)
    {
        final MetricFamily packets = MetricFamily.counter("sluice_service_packets", "Packets forwarded to the service's backends.", null);
        final MetricFamily bytes = MetricFamily.counter("sluice_service_bytes",
            "Bytes, as received, of the packets forwarded to the service's backends.", Unit.BYTES);
        final MetricFamily newFlows = MetricFamily.counter("sluice_service_new_flows", "Flows of the service created in flow tables.", null);
        final MetricFamily drops = MetricFamily.counter("sluice_service_drops",
            "Packets to the service not forwarded after the VIP matched: no backend, unresolved next hop, no headroom, too big " +
                "(answered with ICMP when DF is set); the reasons are in sluice_drops_total.", null);
        final MetricFamily dropsByReason = MetricFamily.counter("sluice_service_drops_by_reason",
            "sluice_service_drops_total by reason (the reasons counted at least once; too-big includes packets answered " +
                "with ICMP).", null);
        final Map<Integer, ServiceLabels> byId = new HashMap<>();
        for (final StatsSample.ServiceRow service : sample.services())
        {
            final ServiceLabels labels = ServiceLabels.of(service);
            byId.put(service.id(), labels);
            packets.add(labels.labels(), service.packets());
            bytes.add(labels.labels(), service.bytes());
            newFlows.add(labels.labels(), service.newFlows());
            drops.add(labels.labels(), service.drops());
            for (final Map.Entry<String, Long> reason : service.dropsByReason().entrySet())
            {
                dropsByReason.add(labels.labels().add("reason", reason.getKey()), reason.getValue());
            }
        }
        families.add(packets.build());
        families.add(bytes.build());
        families.add(newFlows.build());
        families.add(drops.build());
        families.add(dropsByReason.build());
        standing(byId, families);
        backends(sample, byId, families);
    }

    private void standing(final Map<Integer, ServiceLabels> services, final List<MetricSnapshot> families)
    {
        final MetricFamily up = MetricFamily.gauge("sluice_service_up_backends",
            "Backends of the service that take new flows: not DOWN by health checks, weight above 0.", null);
        final MetricFamily quorum = MetricFamily.gauge("sluice_service_quorum",
            "The fewest backends taking new flows with which the service is up.", null);
        final MetricFamily quorumOk = MetricFamily.gauge("sluice_service_quorum_ok",
            "1 when the service has its quorum of backends taking new flows, 0 when below it (the service is down).", null);
        final MetricFamily sorry = MetricFamily.gauge("sluice_service_sorry_active",
            "1 while the sorry backend takes the service's new flows (below quorum).", null);
        final MetricFamily noBackend = MetricFamily.gauge("sluice_service_no_backend",
            "1 while no backend can take a new flow of the service: new flows are dropped with the reason no-backend.", null);
        for (final ServiceLabels service : services.values())
        {
            final BackendHealthSource.ServiceHealth standing = service.key() == null ? null : health.serviceHealth(service.key());
            if (standing == null)
            {
                continue;
            }
            up.add(service.labels(), standing.upBackends());
            quorum.add(service.labels(), standing.quorum());
            quorumOk.add(service.labels(), standing.quorumOk() ? 1 : 0);
            sorry.add(service.labels(), standing.sorryActive() ? 1 : 0);
            noBackend.add(service.labels(), standing.noBackend() ? 1 : 0);
        }
        families.add(up.build());
        families.add(quorum.build());
        families.add(quorumOk.build());
        families.add(sorry.build());
        families.add(noBackend.build());
    }

    private void backends(final StatsSample sample, final Map<Integer, ServiceLabels> services, final List<MetricSnapshot> families)
    {
        final MetricFamily packets = MetricFamily.counter("sluice_backend_packets", "Packets forwarded to the backend.", null);
        final MetricFamily bytes = MetricFamily.counter("sluice_backend_bytes",
            "Bytes, as received, of the packets forwarded to the backend.", Unit.BYTES);
        final MetricFamily newFlows = MetricFamily.counter("sluice_backend_new_flows", "Flows pinned to the backend.", null);
        final MetricFamily active = MetricFamily.gauge("sluice_backend_active_flows",
            "Flows pinned to the backend in the workers' flow tables (an expired flow counts until the sweep frees it).", null);
        final MetricFamily serviceActive = MetricFamily.gauge("sluice_service_active_flows",
            "Flows of the service in the workers' flow tables: the sum over its backends.", null);
        final Map<Integer, Long> activeByService = new HashMap<>();
        final MetricFamily weight = MetricFamily.gauge("sluice_backend_weight", "The backend's weight in force (0: drained).", null);
        final MetricFamily state = MetricFamily.gauge("sluice_backend_health",
            "The backend's health-check state: 1 for the state it is in, 0 for the others.", null);
        final MetricFamily transitions = MetricFamily.counter("sluice_backend_health_transitions",
            "Health-check state changes of the backend (UNKNOWN, UP, DOWN), so that none goes unseen between scrapes.", null);
        for (final StatsSample.BackendRow backend : sample.backends())
        {
            final ServiceLabels service = services.get(backend.serviceId());
            if (service == null)
            {
                continue;
            }
            final Labels labels = service.labels().add("backend", AddressText.shorten(backend.address()));
            packets.add(labels, backend.packets());
            bytes.add(labels, backend.bytes());
            newFlows.add(labels, backend.newFlows());
            active.add(labels, backend.activeFlows());
            activeByService.merge(backend.serviceId(), backend.activeFlows(), Long::sum);
            weight.add(labels, backend.weight());
            final IpAddress address = addressOf(backend.address());
            final BackendHealthSource.HealthState current = healthOf(service.key(), address);
            for (final BackendHealthSource.HealthState candidate : BackendHealthSource.HealthState.values())
            {
                state.add(labels.add("state", candidate.label()), candidate == current ? 1 : 0);
            }
            transitions.add(labels, service.key() == null || address == null ? 0 : health.transitions(service.key(), address));
        }
        families.add(packets.build());
        families.add(bytes.build());
        families.add(newFlows.build());
        families.add(active.build());
        for (final Map.Entry<Integer, ServiceLabels> service : services.entrySet())
        {
            serviceActive.add(service.getValue().labels(), activeByService.getOrDefault(service.getKey(), 0L));
        }
        families.add(serviceActive.build());
        families.add(weight.build());
        families.add(state.build());
        families.add(transitions.build());
    }

    private static IpAddress addressOf(final String backend)
    {
        try
        {
            return IpAddress.parse(backend);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    private BackendHealthSource.HealthState healthOf(final ServiceKey service, final IpAddress address)
    {
        if (service == null || address == null)
        {
            return BackendHealthSource.HealthState.UNKNOWN;
        }
        final BackendHealthSource.HealthState state = health.state(service, address);
        return state == null ? BackendHealthSource.HealthState.UNKNOWN : state;
    }

    private static void workers(final StatsSample sample, final List<MetricSnapshot> families)
    {
        for (int c = 0; c < WorkerCounter.count(); c++)
        {
            final WorkerCounter counter = WorkerCounter.of(c);
            final WorkerMetric metric = WorkerMetric.of(counter);
            final MetricFamily family = MetricFamily.of(metric);
            for (final StatsSample.WorkerRow worker : sample.workers())
            {
                family.add(Labels.of("worker", Integer.toString(worker.worker())), worker.get(counter) / metric.divisor());
            }
            families.add(family.build());
        }
    }

    private void dataplane(final StatsSample sample, final List<MetricSnapshot> families)
    {
        final MetricFamily drops = MetricFamily.counter("sluice_drops",
            "Packets dropped, by reason, summed over the workers.", null);
        for (int r = 0; r < DropReason.count(); r++)
        {
            final String reason = DropReason.of(r).label();
            drops.add(Labels.of("reason", reason), sample.drops().getOrDefault(reason, 0L));
        }
        families.add(drops.build());
        for (final Map.Entry<String, Long> counter : sample.port().entrySet())
        {
            if (counter.getKey().startsWith("mbufs"))
            {
                families.add(MetricFamily.gauge(portMetricName(counter.getKey()), counter.getKey().equals("mbufs") ?
                    "Mbufs in the port's pool (refreshed every second)." :
                    "Mbufs out of the port's pool: in the rx and tx rings and in flight (refreshed every second); flat under " +
                        "steady traffic, a climb is a leak.", null).add(Labels.EMPTY, counter.getValue()).build());
                continue;
            }
            families.add(MetricFamily.counter(portMetricName(counter.getKey()), "NIC port counter " + counter.getKey() +
                " (DPDK port statistics, refreshed every second).", null).add(Labels.EMPTY, counter.getValue()).build());
        }
        neighbours(sample, families);
        families.add(MetricFamily.gauge("sluice_generation", "The configuration generation in force.", null)
            .add(Labels.EMPTY, sample.generation()).build());
        families.add(MetricFamily.counter("sluice_dataplane_errors", "Errors the dataplane's agent threads reported.", null)
            .add(Labels.EMPTY, sample.errors()).build());
        families.add(MetricFamily.gauge("sluice_dataplane_start_time_seconds", "When the dataplane started, seconds since the epoch.",
            Unit.SECONDS).add(Labels.EMPTY, sample.startTimeMs() / 1000.0).build());
    }

    private static void neighbours(final StatsSample sample, final List<MetricSnapshot> families)
    {
        if (sample.neighbours().isEmpty())
        {
            return;
        }
        final MetricFamily states = MetricFamily.gauge("sluice_neighbours",
            "Next hops (ARP / ND) by state: resolved, incomplete (packets to them are dropped), stale (refresh " +
                "unanswered, old MAC in use), static, retired (unused, slot held for older generations).", null);
        for (final NeighbourCounter counter : List.of(NeighbourCounter.RESOLVED, NeighbourCounter.INCOMPLETE,
            NeighbourCounter.STALE, NeighbourCounter.STATIC, NeighbourCounter.RETIRED))
        {
            states.add(Labels.of("state", counter.label()), sample.neighbours().getOrDefault(counter.label(), 0L));
        }
        families.add(states.build());
        families.add(MetricFamily.gauge("sluice_neighbour_capacity", "Next hops the neighbour table holds.", null)
            .add(Labels.EMPTY, sample.neighbours().getOrDefault(NeighbourCounter.CAPACITY.label(), 0L)).build());
        final MetricFamily requests = MetricFamily.counter("sluice_neighbour_requests",
            "ARP requests / neighbour solicitations: sent, suppressed (a due request waited for the rate cap), failed " +
                "(inject ring full or no source address).", null);
        requests.add(Labels.of("outcome", "sent"), sample.neighbours().getOrDefault(NeighbourCounter.REQUESTS_SENT.label(), 0L));
        requests.add(Labels.of("outcome", "suppressed"),
            sample.neighbours().getOrDefault(NeighbourCounter.REQUESTS_SUPPRESSED.label(), 0L));
        requests.add(Labels.of("outcome", "failed"), sample.neighbours().getOrDefault(NeighbourCounter.REQUESTS_FAILED.label(), 0L));
        families.add(requests.build());
        families.add(MetricFamily.counter("sluice_neighbour_learned", "Neighbour entries learned or confirmed from the wire.", null)
            .add(Labels.EMPTY, sample.neighbours().getOrDefault(NeighbourCounter.LEARNED.label(), 0L)).build());
        families.add(MetricFamily.counter("sluice_neighbour_reclaimed", "Neighbour slots freed for other addresses.", null)
            .add(Labels.EMPTY, sample.neighbours().getOrDefault(NeighbourCounter.RECLAIMED.label(), 0L)).build());
    }

    /**
     * The metric name of a NIC port counter.
     *
     * @param label the counter's label in the stats file, e.g. {@code rx-missed}.
     * @return e.g. {@code sluice_port_rx_missed} (exposed as {@code sluice_port_rx_missed_total}).
     */
    static String portMetricName(final String label)
    {
        return "sluice_port_" + label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }

    private MetricSnapshot controlLatency()
    {
        final SummarySnapshot.Builder summary = SummarySnapshot.builder().name("sluice_control_operation_duration_seconds")
            .help("Latency of control operations (apply, add a service, ...) since the daemon started; quantile 1 is the longest.")
            .unit(Unit.SECONDS);
        for (final ControlLatency.OperationLatency operation : latency.snapshot())
        {
            final long[] values = {operation.p50Ns(), operation.p90Ns(), operation.p99Ns(), operation.maxNs()};
            final List<Quantile> quantiles = new ArrayList<>(QUANTILES.length);
            for (int q = 0; q < QUANTILES.length; q++)
            {
                quantiles.add(new Quantile(QUANTILES[q], values[q] / NANOS_PER_SECOND));
            }
            summary.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                .labels(Labels.of("operation", operation.operation()))
                .quantiles(Quantiles.of(quantiles))
                .count(operation.count())
                .sum(operation.sumNs() / NANOS_PER_SECOND)
                .build());
        }
        return summary.build();
    }
}
