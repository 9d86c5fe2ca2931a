package io.sluice.controlplane.api;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.sluice.controlplane.api.v1.BackendStats;
import io.sluice.controlplane.api.v1.GetStatsResponse;
import io.sluice.controlplane.api.v1.ServiceStats;
import io.sluice.controlplane.api.v1.WorkerStats;
import io.sluice.controlplane.model.ChangeRejectedException;
import io.sluice.controlplane.model.ControlModel;
import io.sluice.controlplane.model.ServiceKey;
import io.sluice.controlplane.model.ServiceView;
import io.sluice.controlplane.stat.StatsSample;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * The {@code GetStats} reply: the stats file's counters, matched to the model's services and
 * backends through the stable ids of the snapshot in force.
 */
final class StatsReplies
{
    private StatsReplies()
    {
    }

    /**
     * Reads the counters.
     *
     * @param model  the model.
     * @param filter only this service, or null for all.
     * @return the reply.
     * @throws ChangeRejectedException NOT_FOUND when the filter names no service.
     */
    static GetStatsResponse stats(final ControlModel model, final ServiceKey filter)
    {
        if (filter != null)
        {
            model.service(filter);
        }
        final StatsSample sample = model.stats();
        final ServiceSnapshot snapshot = model.snapshot();
        final Map<Integer, StatsSample.ServiceRow> serviceRows = new HashMap<>();
        for (final StatsSample.ServiceRow row : sample.services())
        {
            serviceRows.put(row.id(), row);
        }
        final Map<Integer, StatsSample.BackendRow> backendRows = new HashMap<>();
        for (final StatsSample.BackendRow row : sample.backends())
        {
            backendRows.put(row.id(), row);
        }
        final GetStatsResponse.Builder response = GetStatsResponse.newBuilder().setGeneration(sample.generation())
            .setStarted(ProtoReplies.timestamp(Instant.ofEpochMilli(sample.startTimeMs()))).setErrors(sample.errors())
            .putAllDrops(sample.drops()).putAllPort(sample.port()).putAllNeighbours(sample.neighbours());
        for (final ServiceView view : model.services())
        {
            if (filter == null || filter.equals(view.key()))
            {
                response.addServices(service(view, snapshot, serviceRows, backendRows));
            }
        }
        for (final StatsSample.WorkerRow worker : sample.workers())
        {
            final WorkerStats.Builder row = WorkerStats.newBuilder().setWorker(worker.worker());
            for (int i = 0; i < WorkerCounter.count(); i++)
            {
                row.putCounters(WorkerCounter.of(i).label(), worker.get(WorkerCounter.of(i)));
            }
            response.addWorkers(row);
        }
        return response.build();
    }

    private static ServiceStats service(
        final ServiceView view, final ServiceSnapshot snapshot, final Map<Integer, StatsSample.ServiceRow> serviceRows,
        final Map<Integer, StatsSample.BackendRow> backendRows)
    {
        final ServiceKey key = view.key();
        final ServiceStats.Builder stats = ServiceStats.newBuilder().setKey(ProtoReplies.key(key));
        final Service service = snapshot.service(key.vip().hi(), key.vip().lo(), key.port(), key.protocol());
        final StatsSample.ServiceRow row = service == null ? null : serviceRows.get(service.id());
        if (row != null)
        {
            stats.setPackets(row.packets()).setBytes(row.bytes()).setNewFlows(row.newFlows()).setDrops(row.drops());
        }
        for (final ServiceView.BackendView backend : view.backends())
        {
            final BackendStats.Builder entry = BackendStats.newBuilder().setAddress(ProtoReplies.address(backend.address()))
                .setEffectiveWeight(backend.effectiveWeight()).setHealth(ProtoReplies.health(backend.status().health()));
            final StatsSample.BackendRow counters = service == null ? null : backendRows.get(backendId(service, backend));
            if (counters != null)
            {
                entry.setPackets(counters.packets()).setBytes(counters.bytes()).setNewFlows(counters.newFlows());
            }
            stats.addBackends(entry);
        }
        return stats.build();
    }

    private static int backendId(final Service service, final ServiceView.BackendView backend)
    {
        for (int i = 0; i < service.backendCount(); i++)
        {
            final Backend candidate = service.backend(i);
            if (candidate.address().equals(backend.address()))
            {
                return candidate.id();
            }
        }
        return -1;
    }
}
