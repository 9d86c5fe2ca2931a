package io.sluice.dataplane.worker;

import java.util.HashMap;
import java.util.Map;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.TrafficStats;

/**
 * Keeps the stats file's names of service and backend ids in step with the snapshots, so a reader
 * can tell what a row of the traffic regions counts. Control thread only: {@link #sync} runs
 * before a snapshot is published, and zeroes the rows of ids that are new or mean something new,
 * which no worker writes until then.
 */
final class StatsLabels
{
    private final CountersManager manager;
    private final StatsFile stats;
    private final Map<Integer, AtomicCounter> services = new HashMap<>();
    private final Map<Integer, String> serviceNames = new HashMap<>();
    private final Map<Integer, AtomicCounter> backends = new HashMap<>();
    private final Map<Integer, String> backendNames = new HashMap<>();

    StatsLabels(final StatsFile stats)
    {
        this.stats = stats;
        this.manager = stats.countersManager();
    }

    void sync(final ServiceSnapshot next)
    {
        final Map<Integer, String> nextServices = new HashMap<>();
        final Map<Integer, Backend> nextBackends = new HashMap<>();
        final Map<Integer, String> nextBackendNames = new HashMap<>();
        for (int s = 0; s < next.serviceCount(); s++)
        {
            final Service service = next.serviceAt(s);
            nextServices.put(service.id(), service.spec().name() + " " + service.mode().name().toLowerCase());
            for (int b = 0; b < service.backendCount(); b++)
            {
                final Backend backend = service.backend(b);
                nextBackends.put(backend.id(), backend);
                nextBackendNames.put(backend.id(), service.id() + " " + backend.address());
            }
        }
        retire(services, serviceNames, nextServices);
        retire(backends, backendNames, nextBackendNames);
        for (final Map.Entry<Integer, String> entry : nextServices.entrySet())
        {
            final int id = entry.getKey();
            if (!services.containsKey(id))
            {
                for (int w = 0; w < stats.workers(); w++)
                {
                    TrafficStats.resetService(stats.trafficRegion(w), id);
                }
                services.put(id, manager.newCounter(entry.getValue(), StatsFile.SERVICE_LABEL_TYPE, key ->
                {
                    key.putInt(0, -1);
                    key.putInt(4, id);
                }));
                serviceNames.put(id, entry.getValue());
            }
        }
        for (final Map.Entry<Integer, Backend> entry : nextBackends.entrySet())
        {
            final int id = entry.getKey();
            final Backend backend = entry.getValue();
            if (!backends.containsKey(id))
            {
                for (int w = 0; w < stats.workers(); w++)
                {
                    TrafficStats.resetBackend(stats.trafficRegion(w), id);
                }
                final int serviceId = next.serviceAt(backend.serviceIndex()).id();
                backends.put(id, manager.newCounter(backend.address().toString(), StatsFile.BACKEND_LABEL_TYPE, key ->
                {
                    key.putInt(0, -1);
                    key.putInt(4, id);
                    key.putInt(8, serviceId);
                }));
                backendNames.put(id, nextBackendNames.get(id));
            }
            backends.get(id).setRelease(backend.weight());
        }
    }

    private static void retire(
        final Map<Integer, AtomicCounter> counters, final Map<Integer, String> names, final Map<Integer, String> nextNames)
    {
        counters.entrySet().removeIf(entry ->
        {
            final int id = entry.getKey();
            if (names.get(id).equals(nextNames.get(id)))
            {
                return false;
            }
            entry.getValue().close();
            names.remove(id);
            return true;
        });
    }

    void close()
    {
        services.values().forEach(AtomicCounter::close);
        backends.values().forEach(AtomicCounter::close);
        services.clear();
        backends.clear();
    }
}
