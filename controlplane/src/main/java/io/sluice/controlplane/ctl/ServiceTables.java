package io.sluice.controlplane.ctl;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.sluice.controlplane.api.v1.Backend;
import io.sluice.controlplane.api.v1.BackendStats;
import io.sluice.controlplane.api.v1.ClientAddress;
import io.sluice.controlplane.api.v1.GetStatsResponse;
import io.sluice.controlplane.api.v1.Service;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.api.v1.ServiceStats;
import io.sluice.controlplane.api.v1.ServiceStatus;
import io.sluice.controlplane.api.v1.WorkerStats;

/**
 * The tables of {@code sluice ctl list} and {@code sluice ctl stats}, in the manner of
 * {@code ipvsadm -Ln --stats}: a row per service, under it a row per backend marked {@code ->}.
 * Counters are exact integers; a backend's share is its part of the service's packets.
 */
final class ServiceTables
{
    /** What a cell shows when there is nothing to compute (a share of no packets). */
    static final String NONE = "-";
    private static final String BACKEND = "  -> ";
    private static final String[] WORKER_COUNTERS = {"rx-packets", "rx-bytes", "tx-packets", "tx-bytes", "forwarded", "replied",
        "punted", "dropped", "flow-active"};

    private ServiceTables()
    {
    }

    /**
     * The table of {@code list}: services with their settings and status, backends with their
     * weights, health and counters; a backend is shown with its port when the service sends to
     * another port than the VIP's ({@code backend_port} of modes nat and fullnat).
     *
     * @param services the services, in the daemon's order.
     * @param stats    their counters.
     * @return the table, or its header and {@code (no services)}.
     */
    static String services(final List<Service> services, final GetStatsResponse stats)
    {
        final TextTable table = new TextTable("SERVICE", "MODE", "SCHEDULER", "STATUS", ">WEIGHT", ">EFFECTIVE", ">PACKETS", ">BYTES",
            ">NEW-FLOWS", ">SHARE");
        for (final Service service : services)
        {
            final ServiceStats counters = find(stats, service);
            table.row(CtlNames.service(service.getKey()), mode(service.getSettings()),
                CtlNames.scheduler(service.getSettings().getScheduler()), status(service.getStatus()), null, null,
                counters.getPackets(), counters.getBytes(), counters.getNewFlows(), null);
            for (final Backend backend : service.getBackendsList())
            {
                final BackendStats backendCounters = find(counters, backend.getAddress());
                table.row(backend(service, backend.getAddress()), null, null, CtlNames.health(backend.getHealth()), backend.getWeight(),
                    backend.getEffectiveWeight(), backendCounters.getPackets(), backendCounters.getBytes(),
                    backendCounters.getNewFlows(), share(backendCounters.getPackets(), counters.getPackets()));
            }
            if (!service.getSettings().getSorryBackend().isEmpty())
            {
                table.row(backend(service, service.getSettings().getSorryBackend()), null, null,
                    service.getStatus().getSorryActive() ? "sorry-active" : "sorry-idle", null, null, null, null, null, null);
            }
        }
        return table.render() + (services.isEmpty() ? "(no services)\n" : "");
    }

    /** The mode, with what its rewrite adds: {@code fullnat+toa}, {@code fullnat+proxy-v2}, {@code nat+mss1400}. */
    private static String mode(final ServiceSettings settings)
    {
        final String mode = CtlNames.mode(settings.getMode());
        final ClientAddress clientAddress = settings.getClientAddress();
        final String carrier = clientAddress == ClientAddress.CLIENT_ADDRESS_NONE || clientAddress == ClientAddress.UNRECOGNIZED ?
            "" : "+" + CtlNames.name(clientAddress, CtlNames.CLIENT_ADDRESS);
        return mode + carrier + (settings.getMssClamp() == 0 ? "" : "+mss" + settings.getMssClamp());
    }

    private static String backend(final Service service, final String address)
    {
        final int port = service.getSettings().getBackendPort();
        if (port == 0 || port == service.getKey().getPort())
        {
            return BACKEND + address;
        }
        return BACKEND + (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    /**
     * The text of {@code stats}: a header line, services and backends with their counters, workers,
     * drops by reason and port counters.
     *
     * @param stats the counters.
     * @return the text.
     */
    static String stats(final GetStatsResponse stats)
    {
        final StringBuilder out = new StringBuilder(4096);
        out.append("generation ").append(stats.getGeneration()).append("  started ").append(CtlViews.time(stats.getStarted(), false))
            .append("  errors ").append(stats.getErrors()).append("\n\n");
        final TextTable services = new TextTable("SERVICE", "HEALTH", ">EFFECTIVE", ">PACKETS", ">BYTES", ">NEW-FLOWS", ">DROPS",
            ">SHARE");
        for (final ServiceStats service : stats.getServicesList())
        {
            services.row(CtlNames.service(service.getKey()), null, null, service.getPackets(), service.getBytes(),
                service.getNewFlows(), service.getDrops(), null);
            for (final BackendStats backend : service.getBackendsList())
            {
                services.row(BACKEND + backend.getAddress(), CtlNames.health(backend.getHealth()), backend.getEffectiveWeight(),
                    backend.getPackets(), backend.getBytes(), backend.getNewFlows(), null,
                    share(backend.getPackets(), service.getPackets()));
            }
        }
        out.append(services.render()).append(stats.getServicesCount() == 0 ? "(no services)\n" : "").append('\n');
        out.append(workers(stats.getWorkersList())).append('\n');
        out.append("DROPS").append(counters(stats.getDropsMap(), "none")).append('\n');
        out.append("PORT").append(counters(stats.getPortMap(), "no counters")).append('\n');
        return out.toString();
    }

    private static String workers(final List<WorkerStats> workers)
    {
        final TextTable table = new TextTable("WORKER", ">RX-PACKETS", ">RX-BYTES", ">TX-PACKETS", ">TX-BYTES", ">FORWARDED", ">REPLIED",
            ">PUNTED", ">DROPPED", ">ACTIVE-FLOWS", ">GENERATION");
        final long[] totals = new long[WORKER_COUNTERS.length];
        for (final WorkerStats worker : workers)
        {
            final Object[] cells = new Object[WORKER_COUNTERS.length + 2];
            cells[0] = worker.getWorker();
            for (int i = 0; i < WORKER_COUNTERS.length; i++)
            {
                final long value = worker.getCountersOrDefault(WORKER_COUNTERS[i], 0);
                cells[i + 1] = value;
                totals[i] += value;
            }
            cells[cells.length - 1] = worker.getCountersOrDefault("generation", 0);
            table.row(cells);
        }
        if (workers.size() > 1)
        {
            final Object[] cells = new Object[WORKER_COUNTERS.length + 2];
            cells[0] = "all";
            for (int i = 0; i < WORKER_COUNTERS.length; i++)
            {
                cells[i + 1] = totals[i];
            }
            table.row(cells);
        }
        return table.render();
    }

    private static String counters(final Map<String, Long> counters, final String empty)
    {
        if (counters.isEmpty())
        {
            return "  " + empty;
        }
        final StringBuilder line = new StringBuilder(256);
        for (final Map.Entry<String, Long> counter : new TreeMap<>(counters).entrySet())
        {
            line.append("  ").append(counter.getKey()).append(' ').append(counter.getValue());
        }
        return line.toString();
    }

    /**
     * A service's status in one word.
     *
     * @param status the status.
     * @return {@code no-backend} (new flows are dropped), {@code sorry} (the sorry backend takes
     *         them), {@code down} (below quorum) or {@code up}.
     */
    static String status(final ServiceStatus status)
    {
        if (status.getNoBackend())
        {
            return "no-backend";
        }
        if (status.getSorryActive())
        {
            return "sorry";
        }
        return status.getUp() ? "up" : "down";
    }

    /**
     * A part of a whole, in percent.
     *
     * @param part  the backend's packets.
     * @param whole the service's packets.
     * @return e.g. {@code 53.3%}, or {@code -} when the whole is 0.
     */
    static String share(final long part, final long whole)
    {
        return whole == 0 ? NONE : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static ServiceStats find(final GetStatsResponse stats, final Service service)
    {
        for (final ServiceStats candidate : stats.getServicesList())
        {
            if (candidate.getKey().equals(service.getKey()))
            {
                return candidate;
            }
        }
        return ServiceStats.getDefaultInstance();
    }

    private static BackendStats find(final ServiceStats stats, final String address)
    {
        for (final BackendStats candidate : stats.getBackendsList())
        {
            if (candidate.getAddress().equals(address))
            {
                return candidate;
            }
        }
        return BackendStats.getDefaultInstance();
    }
}
