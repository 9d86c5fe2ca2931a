package io.sluice.controlplane.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import io.sluice.controlplane.ha.SyncLag;
import io.sluice.sync.DigestCounter;
import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.SyncStatus;
import io.sluice.sync.transport.TransportCounter;
import io.sluice.sync.wire.SyncVerdict;

/**
 * The flow-sync metrics: flows sent by kind, messages received by verdict (accepted, or the reason
 * they were refused: bad MAC, replayed, stale epoch, ...), what became of peers' flows, bulk
 * transfers, sends no peer took, and the replication lag as a summary over the daemon's life.
 * <p>
 * Names: {@code sluice_sync_flows_sent_total{kind}}, {@code sluice_sync_messages_received_total{verdict}},
 * {@code sluice_sync_replicated_flows_total{outcome}}, {@code sluice_sync_bulk_transfers_total{direction}},
 * {@code sluice_sync_messages_unsent_total}, {@code sluice_sync_sends_deferred_total},
 * {@code sluice_sync_offers_refused_total{reason}}, {@code sluice_sync_events_drained_total},
 * {@code sluice_sync_peer_restarts_total}, {@code sluice_sync_maglev_picks_total{agreement}}, {@code sluice_sync_bulk_in_progress},
 * {@code sluice_sync_lag_seconds}.
 */
public final class SyncCollector implements MultiCollector
{
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double[] QUANTILES = {0.5, 0.99, 0.999, 1.0};

    private final SyncStatus sync;
    private final SyncLag lag;

    /**
     * @param sync the running agent's status.
     * @param lag  the holder of its replication lag (the API reads it too).
     */
    public SyncCollector(final SyncStatus sync, final SyncLag lag)
    {
        if (sync == null || lag == null)
        {
            throw new IllegalArgumentException("a sync collector needs the sync agent's status and its lag holder");
        }
        this.sync = sync;
        this.lag = lag;
    }

    @Override
    public MetricSnapshots collect()
    {
        final List<MetricSnapshot> families = new ArrayList<>();
        families.add(MetricFamily.counter("sluice_sync_flows_sent", "Flows put in sync batches to the peers, by kind " +
            "(event: new, re-pin or close; bulk: a transfer to a peer that started; refresh: a long-lived flow re-sent).", null)
            .add(Labels.of("kind", "event"), sync.counter(SyncCounter.EVENT_FLOWS_SENT))
            .add(Labels.of("kind", "bulk"), sync.counter(SyncCounter.BULK_FLOWS_SENT))
            .add(Labels.of("kind", "refresh"), sync.counter(SyncCounter.REFRESH_FLOWS_SENT)).build());
        final MetricFamily received = MetricFamily.counter("sluice_sync_messages_received",
            "Sync messages read from peers, by verdict: accepted, or why refused (nothing of a refused message is applied).", null);
        for (final SyncVerdict verdict : SyncVerdict.values())
        {
            received.add(Labels.of("verdict", verdict.label()), sync.messages(verdict));
        }
        families.add(received.build());
        final MetricFamily replicated = MetricFamily.counter("sluice_sync_replicated_flows",
            "Peers' flows by outcome: queued to a worker (and a full-NAT flow's reverse " +
            "entry), or refused (service, backend or NAT address unknown here, another backend port, not to the VIP, ring full).", null);
        for (final ReplicaCounter counter : ReplicaCounter.values())
        {
            if (counter != ReplicaCounter.PICK_AGREES && counter != ReplicaCounter.PICK_DIFFERS)
            {
                replicated.add(Labels.of("outcome", label(counter.name())), sync.replicas(counter));
            }
        }
        families.add(replicated.build());
        families.add(MetricFamily.counter("sluice_sync_maglev_picks", "New flows of a peer's Maglev services by whether this " +
            "LB's table picks the same backend: 'differs' means the two LBs' tables differ (backends, weights or health).", null)
            .add(Labels.of("agreement", "agrees"), sync.replicas(ReplicaCounter.PICK_AGREES))
            .add(Labels.of("agreement", "differs"), sync.replicas(ReplicaCounter.PICK_DIFFERS)).build());
        final MetricFamily digests = MetricFamily.counter("sluice_sync_maglev_digests", "Digests of Maglev tables: " +
            "'sent' in this LB's hellos; of peers' by comparison with this LB's table of the same service: 'different' means " +
            "the two tables differ (backends, weights, Maglev size, or health on one LB only).", null);
        for (final DigestCounter counter : DigestCounter.values())
        {
            digests.add(Labels.of("outcome", label(counter.name())), sync.digests(counter));
        }
        families.add(digests.build());
        families.add(MetricFamily.counter("sluice_sync_bulk_transfers", "Bulk transfers sent to and received from peers: started, sent (BulkEnd out), received (every announced flow arrived), received-incomplete (fewer arrived: asked again), sent-again (a peer still asked after a BulkEnd).", null)
            .add(Labels.of("direction", "started"), sync.counter(SyncCounter.BULKS_STARTED))
            .add(Labels.of("direction", "sent"), sync.counter(SyncCounter.BULKS_COMPLETED))
            .add(Labels.of("direction", "received"), sync.counter(SyncCounter.BULKS_RECEIVED))
            .add(Labels.of("direction", "received-incomplete"), sync.counter(SyncCounter.BULKS_INCOMPLETE))
            .add(Labels.of("direction", "sent-again"), sync.counter(SyncCounter.BULKS_RETRIED)).build());
        families.add(MetricFamily.counter("sluice_sync_messages_unsent",
            "Messages no peer took (none connected, or refused for good): their flows are lost to peers until a bulk " +
            "transfer (a peer that starts) or a refresh walk (flows this LB forwards).", null)
            .add(Labels.EMPTY, sync.counter(SyncCounter.MESSAGES_UNSENT)).build());
        families.add(MetricFamily.counter("sluice_sync_sends_deferred",
            "Messages a peer refused for back pressure, kept and offered again (each refusal counted once).", null)
            .add(Labels.EMPTY, sync.counter(SyncCounter.SENDS_DEFERRED)).build());
        families.add(MetricFamily.counter("sluice_sync_offers_refused",
            "Offers of a message to one peer that the peer's publication refused, by reason, each attempt counted.", null)
            .add(Labels.of("reason", "not-connected"), sync.transport(TransportCounter.NOT_CONNECTED))
            .add(Labels.of("reason", "back-pressured"), sync.transport(TransportCounter.BACK_PRESSURED))
            .add(Labels.of("reason", "failed"), sync.transport(TransportCounter.OFFER_FAILED)).build());
        families.add(MetricFamily.counter("sluice_sync_events_drained", "Flow events taken from the workers' rings.", null)
            .add(Labels.EMPTY, sync.counter(SyncCounter.EVENTS_DRAINED)).build());
        families.add(MetricFamily.counter("sluice_sync_peer_restarts", "Peers seen again with a newer epoch.", null)
            .add(Labels.EMPTY, sync.counter(SyncCounter.PEER_RESTARTS)).build());
        families.add(MetricFamily.gauge("sluice_sync_bulk_in_progress", "1 while a bulk transfer to a peer runs.", null)
            .add(Labels.EMPTY, sync.bulkInProgress() ? 1 : 0).build());
        families.add(lag());
        return new MetricSnapshots(families);
    }

    private MetricSnapshot lag()
    {
        final SyncLag.Summary summary = lag.sinceStart();
        final long[] values = {summary.p50Ns(), summary.p99Ns(), summary.p999Ns(), summary.maxNs()};
        final List<Quantile> quantiles = new ArrayList<>(QUANTILES.length);
        for (int q = 0; q < QUANTILES.length; q++)
        {
            quantiles.add(new Quantile(QUANTILES[q], values[q] / NANOS_PER_SECOND));
        }
        return SummarySnapshot.builder().name("sluice_sync_lag_seconds")
            .help("Replication lag of streamed flows, from their creation on a peer's worker to their queueing to a worker " +
                "here, since the daemon started; quantile 1 is the longest. The LBs' clocks must agree.")
            .unit(Unit.SECONDS)
            .dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                .quantiles(Quantiles.of(quantiles)).count(summary.count()).sum(summary.sumNs() / NANOS_PER_SECOND).build())
            .build();
    }

    private static String label(final String name)
    {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
