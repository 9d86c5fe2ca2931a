package io.sluice.controlplane.stat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.concurrent.status.CountersReader;

import io.sluice.dataplane.neighbour.NeighbourCounter;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * Everything a daemon's stats file says at one moment: per service, per backend, per worker,
 * drops by reason summed over the workers, port counters, neighbour counters, the generation in force. Read without
 * locks from another process; each value is whole, the set is not one atomic snapshot (counters
 * keep moving while it is read), which is what a monitoring view needs.
 *
 * @param pid           the daemon's process id.
 * @param startTimeMs   when the daemon created the file, ms since the epoch.
 * @param sampledNs     {@link System#nanoTime()} when the sample was read, for rates.
 * @param generation    the configuration generation in force.
 * @param errors        errors of the dataplane's agents.
 * @param services      services by id order.
 * @param backends      backends, by service then id.
 * @param workers       one row per worker.
 * @param drops         drops by reason over all workers, only the non-zero ones, in reason order.
 * @param port          port counters by label ({@code rx-missed}, ...), in file order.
 * @param neighbours    neighbour counters by {@link NeighbourCounter} label ({@code incomplete},
 *                      {@code requests-suppressed}, ...), in counter order; empty for a daemon
 *                      without them.
 * @param ha            the HA figures by {@link HaCounter}, in counter order; empty for a daemon
 *                      without VRRP and sync.
 */
public record StatsSample(
    long pid, long startTimeMs, long sampledNs, long generation, long errors, List<ServiceRow> services,
    List<BackendRow> backends, List<WorkerRow> workers, Map<String, Long> drops, Map<String, Long> port,
    Map<String, Long> neighbours, Map<HaCounter, Long> ha)
{
    /**
     * One service.
     *
     * @param id       its stable id in the stats file.
     * @param name     e.g. {@code 192.0.2.10:80/tcp}.
     * @param mode     {@code dsr}, {@code ipip}, {@code gue}, {@code nat} or {@code fullnat}.
     * @param packets  packets forwarded.
     * @param bytes    bytes of those packets as received.
     * @param newFlows flows created.
     * @param drops    packets to the service dropped after the VIP matched.
     * @param dropsByReason the same by drop reason label, the reasons counted at least once.
     */
    public record ServiceRow(
        int id, String name, String mode, long packets, long bytes, long newFlows, long drops, Map<String, Long> dropsByReason)
    {
    }

    /**
     * One backend of a service.
     *
     * @param id        its stable id.
     * @param serviceId the id of its service.
     * @param address   its address.
     * @param weight    its weight in force.
     * @param packets   packets forwarded to it.
     * @param bytes     bytes of those packets.
     * @param newFlows  flows pinned to it.
     * @param activeFlows flows pinned to it in the workers' flow tables now (an expired flow not
     *                  yet swept still counts).
     */
    public record BackendRow(
        int id, int serviceId, String address, long weight, long packets, long bytes, long newFlows, long activeFlows)
    {
    }

    /**
     * One worker.
     *
     * @param worker   its number.
     * @param counters its {@link WorkerCounter} values by ordinal.
     */
    public record WorkerRow(int worker, long[] counters)
    {
        /**
         * One counter of this worker.
         *
         * @param counter the counter.
         * @return its value.
         */
        public long get(final WorkerCounter counter)
        {
            return counters[counter.ordinal()];
        }
    }

    /**
     * Reads a stats file.
     *
     * @param stats the file, opened read-only.
     * @return the sample.
     */
    public static StatsSample read(final StatsFile stats)
    {
        final CountersReader reader = stats.countersReader();
        final long[][] workerCounters = new long[stats.workers()][WorkerCounter.count()];
        final long[] dropCounters = new long[DropReason.count()];
        final List<ServiceRow> services = new ArrayList<>();
        final List<BackendRow> backends = new ArrayList<>();
        final Map<String, Long> port = new LinkedHashMap<>();
        final long[] globals = new long[2];
        final Long[] neighbourCounters = new Long[NeighbourCounter.count()];
        final Map<HaCounter, Long> ha = new EnumMap<>(HaCounter.class);
        reader.forEach((counterId, typeId, key, label) ->
        {
            final long value = reader.getCounterValue(counterId);
            switch (typeId)
            {
                case StatsFile.WORKER_COUNTER_TYPE -> addWorkerCounter(workerCounters, dropCounters, key.getInt(0), key.getInt(4), value);
                case StatsFile.SERVICE_LABEL_TYPE -> services.add(service(stats, key.getInt(4), label));
                case StatsFile.BACKEND_LABEL_TYPE -> backends.add(new BackendRow(key.getInt(4), key.getInt(8), label, value,
                    stats.backendStat(key.getInt(4), TrafficStats.PACKETS), stats.backendStat(key.getInt(4), TrafficStats.BYTES),
                    stats.backendStat(key.getInt(4), TrafficStats.NEW_FLOWS), stats.backendStat(key.getInt(4), TrafficStats.ACTIVE_FLOWS)));
                case StatsFile.PORT_COUNTER_TYPE -> port.put(label.startsWith("port ") ? label.substring(5) : label, value);
                case StatsFile.NEIGHBOUR_COUNTER_TYPE ->
                {
                    if (NeighbourCounter.of(key.getInt(4)) != null)
                    {
                        neighbourCounters[key.getInt(4)] = value;
                    }
                }
                case HaCounter.TYPE ->
                {
                    if (HaCounter.of(key.getInt(4)) != null)
                    {
                        ha.put(HaCounter.of(key.getInt(4)), value);
                    }
                }
                case StatsFile.GLOBAL_COUNTER_TYPE ->
                {
                    if (key.getInt(4) >= 0 && key.getInt(4) < globals.length)
                    {
                        globals[key.getInt(4)] = value;
                    }
                }
                default ->
                {
                }
            }
        });
        services.sort(Comparator.comparingInt(ServiceRow::id));
        backends.sort(Comparator.comparingInt(BackendRow::serviceId).thenComparingInt(BackendRow::id));
        final List<WorkerRow> workers = new ArrayList<>();
        for (int w = 0; w < workerCounters.length; w++)
        {
            workers.add(new WorkerRow(w, workerCounters[w]));
        }
        final Map<String, Long> drops = new TreeMap<>(Comparator.comparingInt(StatsSample::reasonOrdinal));
        for (int r = 0; r < dropCounters.length; r++)
        {
            if (dropCounters[r] != 0)
            {
                drops.put(DropReason.of(r).label(), dropCounters[r]);
            }
        }
        final Map<String, Long> neighbours = new LinkedHashMap<>();
        for (int c = 0; c < neighbourCounters.length; c++)
        {
            if (neighbourCounters[c] != null)
            {
                neighbours.put(NeighbourCounter.of(c).label(), neighbourCounters[c]);
            }
        }
        return new StatsSample(stats.pid(), stats.startTimeMs(), System.nanoTime(), globals[1], globals[0], services, backends,
            workers, drops, port, neighbours, ha);
    }

    private static void addWorkerCounter(
        final long[][] workers, final long[] drops, final int worker, final int ordinal, final long value)
    {
        if (worker < 0 || worker >= workers.length)
        {
            return;
        }
        if (ordinal < WorkerCounter.count())
        {
            workers[worker][ordinal] = value;
        }
        else if (ordinal - WorkerCounter.count() < DropReason.count())
        {
            drops[ordinal - WorkerCounter.count()] += value;
        }
    }

    private static ServiceRow service(final StatsFile stats, final int id, final String label)
    {
        final int space = label.lastIndexOf(' ');
        final String name = space < 0 ? label : label.substring(0, space);
        final String mode = space < 0 ? "" : label.substring(space + 1);
        final Map<String, Long> byReason = new LinkedHashMap<>();
        for (int reason = 0; reason < DropReason.count(); reason++)
        {
            final long count = stats.serviceStat(id, TrafficStats.DROP_REASONS + reason);
            if (count != 0)
            {
                byReason.put(DropReason.of(reason).label(), count);
            }
        }
        return new ServiceRow(id, name, mode, stats.serviceStat(id, TrafficStats.PACKETS), stats.serviceStat(id, TrafficStats.BYTES),
            stats.serviceStat(id, TrafficStats.NEW_FLOWS), stats.serviceStat(id, TrafficStats.DROPS), Map.copyOf(byReason));
    }

    private static int reasonOrdinal(final String label)
    {
        for (int r = 0; r < DropReason.count(); r++)
        {
            if (DropReason.of(r).label().equals(label))
            {
                return r;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * The backends of one service.
     *
     * @param serviceId the service's id.
     * @return its backends in id order.
     */
    public List<BackendRow> backendsOf(final int serviceId)
    {
        final List<BackendRow> rows = new ArrayList<>();
        for (final BackendRow backend : backends)
        {
            if (backend.serviceId() == serviceId)
            {
                rows.add(backend);
            }
        }
        return rows;
    }

    /**
     * A worker counter summed over the workers.
     *
     * @param counter the counter.
     * @return the sum.
     */
    public long total(final WorkerCounter counter)
    {
        long sum = 0;
        for (final WorkerRow worker : workers)
        {
            sum += worker.get(counter);
        }
        return sum;
    }
}
