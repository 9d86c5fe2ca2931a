package io.sluice.controlplane.metrics;


import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import org.junit.jupiter.api.Test;

import io.sluice.controlplane.ha.ScriptedSyncStatus;
import io.sluice.controlplane.ha.SyncLag;
import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.transport.TransportCounter;
import io.sluice.sync.wire.SyncVerdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SyncCollectorTest
{
    private final ScriptedSyncStatus status = new ScriptedSyncStatus();

    SyncCollectorTest()
    {
        status.replicas.put(ReplicaCounter.BACKEND_UNKNOWN, 3L);
        status.transport.put(TransportCounter.NOT_CONNECTED, 5L);
        status.bulk = true;
    }

    private static double counter(final MetricSnapshots snapshots, final String name, final Labels labels)
    {
        for (final MetricSnapshot snapshot : snapshots)
        {
            if (snapshot.getMetadata().getName().equals(name))
            {
                for (final CounterSnapshot.CounterDataPointSnapshot point : ((CounterSnapshot)snapshot).getDataPoints())
                {
                    if (point.getLabels().equals(labels))
                    {
                        return point.getValue();
                    }
                }
            }
        }
        throw new AssertionError(name + labels + " not found");
    }

    private static SummarySnapshot.SummaryDataPointSnapshot lag(final MetricSnapshots snapshots)
    {
        for (final MetricSnapshot snapshot : snapshots)
        {
            if (snapshot.getMetadata().getName().equals("sluice_sync_lag_seconds"))
            {
                return ((SummarySnapshot)snapshot).getDataPoints().get(0);
            }
        }
        throw new AssertionError("no lag summary");
    }

    @Test
    void shouldExposeFlowsSentRefusalsByReasonAndTheLagSinceTheStart()
    {
        status.counters.put(SyncCounter.EVENT_FLOWS_SENT, 1000L);
        status.counters.put(SyncCounter.BULK_FLOWS_SENT, 200L);
        status.counters.put(SyncCounter.MESSAGES_UNSENT, 7L);
        status.counters.put(SyncCounter.SENDS_DEFERRED, 11L);
        status.verdicts.put(SyncVerdict.ACCEPTED, 40L);
        status.verdicts.put(SyncVerdict.BAD_MAC, 2L);
        for (int i = 1; i <= 100; i++)
        {
            status.record(i * 1_000L);
        }
        final SyncCollector collector = new SyncCollector(status, new SyncLag(status, () -> 0, SyncLag.DEFAULT_WINDOW_NS));

        final MetricSnapshots first = collector.collect();
        assertEquals(1000, counter(first, "sluice_sync_flows_sent", Labels.of("kind", "event")));
        assertEquals(200, counter(first, "sluice_sync_flows_sent", Labels.of("kind", "bulk")));
        assertEquals(40, counter(first, "sluice_sync_messages_received", Labels.of("verdict", "accepted")));
        assertEquals(2, counter(first, "sluice_sync_messages_received", Labels.of("verdict", "bad-mac")));
        assertEquals(3, counter(first, "sluice_sync_replicated_flows", Labels.of("outcome", "backend-unknown")));
        assertEquals(5, counter(first, "sluice_sync_offers_refused", Labels.of("reason", "not-connected")));
        assertEquals(7, counter(first, "sluice_sync_messages_unsent", Labels.EMPTY));
        assertEquals(11, counter(first, "sluice_sync_sends_deferred", Labels.EMPTY));
        assertEquals(100, lag(first).getCount());
        assertEquals(100e-6, lag(first).getQuantiles().get(3).getValue(), 1e-7, "the longest: 100 us");

        status.record(5_000_000L);
        final MetricSnapshots second = collector.collect();
        assertEquals(101, lag(second).getCount(), "the summary covers the daemon's life, not one scrape");
        assertEquals(5e-3, lag(second).getQuantiles().get(3).getValue(), 1e-5);
    }

    @Test
    void shouldKeepEveryLagForTheMetricsWhenTheApiReadsTheLagBetweenScrapes()
    {
        final SyncLag lag = new SyncLag(status, () -> 0, SyncLag.DEFAULT_WINDOW_NS);
        final SyncCollector collector = new SyncCollector(status, lag);
        status.record(1_000L);
        collector.collect();
        status.record(2_000L);
        status.record(3_000L);

        assertEquals(3, lag.sinceStart().count(), "the API's read");
        final MetricSnapshots scrape = collector.collect();

        assertEquals(3, lag(scrape).getCount(), "the scrape after the API's read still counts the flows the API saw");
        assertEquals(3e-6, lag(scrape).getQuantiles().get(3).getValue(), 1e-8);
    }
}
