package io.sluice.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.status.CountersReader;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * What a running daemon's stats file says at one moment, read the way {@code sluice stat} reads
 * it (memory-mapped, without locks): services by VIP and port, their backends by address, every
 * worker's counters, drops by reason, and the generation in force. Each value is read whole;
 * the set is not one atomic snapshot, so tests compare counters once the traffic has stopped.
 *
 * @param pid        the daemon's process id, as it wrote it in the file.
 * @param generation the configuration generation in force.
 * @param services   the services in the file.
 * @param backends   the backends of every service.
 * @param workers    per worker, its counters by {@link WorkerCounter} ordinal.
 * @param drops      per drop reason ordinal, the sum over the workers.
 */
record LbStats(long pid, long generation, List<Service> services, List<Backend> backends, List<long[]> workers, long[] drops)
{
    private static final int GENERATION_ORDINAL = 1;

    /**
     * One service's traffic.
     *
     * @param id       its id in the file.
     * @param vip      its VIP.
     * @param port     its port.
     * @param mode     {@code dsr}, {@code ipip} or {@code gue}.
     * @param packets  packets forwarded.
     * @param newFlows flows created.
     * @param drops    packets to it dropped after the VIP matched.
     */
    record Service(int id, InetAddress vip, int port, String mode, long packets, long newFlows, long drops)
    {
    }

    /**
     * One backend's traffic.
     *
     * @param serviceId the id of its service.
     * @param address   its address.
     * @param weight    its weight in force.
     * @param packets   packets forwarded to it.
     * @param newFlows  flows pinned to it.
     */
    record Backend(int serviceId, InetAddress address, long weight, long packets, long newFlows)
    {
    }

    /**
     * Reads a stats file.
     *
     * @param file the file the daemon's config names.
     * @return what it says now.
     * @throws IOException when there is no such file (no daemon, or not yet).
     */
    static LbStats read(final Path file) throws IOException
    {
        try (StatsFile stats = StatsFile.open(file))
        {
            final CountersReader reader = stats.countersReader();
            final List<Service> services = new ArrayList<>();
            final List<Backend> backends = new ArrayList<>();
            final List<long[]> workers = new ArrayList<>();
            for (int w = 0; w < stats.workers(); w++)
            {
                workers.add(new long[WorkerCounter.count()]);
            }
            final long[] drops = new long[DropReason.count()];
            final long[] generation = new long[1];
            reader.forEach((counterId, typeId, key, label) ->
            {
                final long value = reader.getCounterValue(counterId);
                if (typeId == StatsFile.WORKER_COUNTER_TYPE)
                {
                    final int worker = key.getInt(0);
                    final int ordinal = key.getInt(4);
                    if (ordinal < WorkerCounter.count())
                    {
                        workers.get(worker)[ordinal] = value;
                    }
                    else
                    {
                        drops[ordinal - WorkerCounter.count()] += value;
                    }
                }
                else if (typeId == StatsFile.SERVICE_LABEL_TYPE)
                {
                    services.add(service(stats, key.getInt(4), label));
                }
                else if (typeId == StatsFile.BACKEND_LABEL_TYPE)
                {
                    final int id = key.getInt(4);
                    backends.add(new Backend(key.getInt(8), InetAddress.ofLiteral(label), value,
                        stats.backendStat(id, TrafficStats.PACKETS), stats.backendStat(id, TrafficStats.NEW_FLOWS)));
                }
                else if (typeId == StatsFile.GLOBAL_COUNTER_TYPE && key.getInt(4) == GENERATION_ORDINAL)
                {
                    generation[0] = value;
                }
            });
            return new LbStats(stats.pid(), generation[0], List.copyOf(services), List.copyOf(backends), List.copyOf(workers), drops);
        }
    }

    /** Parses a service label, {@code 192.0.2.10:80/tcp dsr} or {@code [2001:db8:100:0:0:0:0:10]:80/tcp dsr}. */
    private static Service service(final StatsFile stats, final int id, final String label)
    {
        final int space = label.lastIndexOf(' ');
        final int slash = label.lastIndexOf('/', space);
        final int colon = label.lastIndexOf(':', slash);
        final String host = label.substring(0, colon).replace("[", "").replace("]", "");
        return new Service(id, InetAddress.ofLiteral(host), Integer.parseInt(label.substring(colon + 1, slash)), label.substring(space + 1),
            stats.serviceStat(id, TrafficStats.PACKETS), stats.serviceStat(id, TrafficStats.NEW_FLOWS),
            stats.serviceStat(id, TrafficStats.DROPS));
    }

    /**
     * A service by VIP and port.
     *
     * @param vip  the VIP.
     * @param port the port.
     * @return the service.
     * @throws IllegalArgumentException when the daemon has no such service.
     */
    Service service(final InetAddress vip, final int port)
    {
        for (final Service service : services)
        {
            if (service.vip().equals(vip) && service.port() == port)
            {
                return service;
            }
        }
        throw new IllegalArgumentException("no service " + vip.getHostAddress() + ":" + port + " in the stats file: " + services);
    }

    /**
     * A backend of a service by address.
     *
     * @param service the service.
     * @param address the backend's address.
     * @return the backend.
     * @throws IllegalArgumentException when the service has no such backend.
     */
    Backend backend(final Service service, final InetAddress address)
    {
        for (final Backend backend : backendsOf(service))
        {
            if (backend.address().equals(address))
            {
                return backend;
            }
        }
        throw new IllegalArgumentException("service " + service + " has no backend " + address.getHostAddress() + ": " + backends);
    }

    /**
     * The backends of one service.
     *
     * @param service the service.
     * @return its backends.
     */
    List<Backend> backendsOf(final Service service)
    {
        final List<Backend> of = new ArrayList<>();
        for (final Backend backend : backends)
        {
            if (backend.serviceId() == service.id())
            {
                of.add(backend);
            }
        }
        return of;
    }

    /**
     * A worker counter summed over the workers.
     *
     * @param counter the counter.
     * @return the sum.
     */
    long total(final WorkerCounter counter)
    {
        long sum = 0;
        for (final long[] worker : workers)
        {
            sum += worker[counter.ordinal()];
        }
        return sum;
    }

    /** @return whether every worker runs at least this generation. */
    boolean everyWorkerRuns(final long wanted)
    {
        for (final long[] worker : workers)
        {
            if (worker[WorkerCounter.GENERATION.ordinal()] < wanted)
            {
                return false;
            }
        }
        return generation >= wanted;
    }

    /**
     * Whether every worker's received packets are accounted for: rx = forwarded + replied + punted + dropped.
     *
     * @return true when the invariant holds for every worker.
     */
    boolean workerCountersAddUp()
    {
        for (final long[] worker : workers)
        {
            if (worker[WorkerCounter.RX_PACKETS.ordinal()] != worker[WorkerCounter.FORWARDED.ordinal()] +
                worker[WorkerCounter.REPLIED.ordinal()] + worker[WorkerCounter.PUNTED.ordinal()] + worker[WorkerCounter.DROPPED.ordinal()])
            {
                return false;
            }
        }
        return true;
    }

    /** @return the worker counters and non-zero drops, for assertion messages. */
    String describeWorkers()
    {
        final StringBuilder text = new StringBuilder();
        for (int w = 0; w < workers.size(); w++)
        {
            final long[] worker = workers.get(w);
            text.append("worker ").append(w).append(": rx ").append(worker[WorkerCounter.RX_PACKETS.ordinal()])
                .append(" forwarded ").append(worker[WorkerCounter.FORWARDED.ordinal()])
                .append(" replied ").append(worker[WorkerCounter.REPLIED.ordinal()])
                .append(" punted ").append(worker[WorkerCounter.PUNTED.ordinal()])
                .append(" dropped ").append(worker[WorkerCounter.DROPPED.ordinal()])
                .append(" generation ").append(worker[WorkerCounter.GENERATION.ordinal()]).append("; ");
        }
        text.append("drops:");
        for (int r = 0; r < drops.length; r++)
        {
            if (drops[r] != 0)
            {
                text.append(' ').append(DropReason.of(r).label()).append('=').append(drops[r]);
            }
        }
        return text.toString();
    }
}
