package io.sluice.controlplane.stat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * Renders a {@link StatsSample} as the text {@code sluice stat} prints: a header line, services
 * with their backends under them, workers (with their busy share and longest duty cycle of the
 * last second), drops by reason, port counters, neighbour counters, and with VRRP or flow sync
 * the HA role and figures ({@link HaCounter}). Counters are exact
 * integers (scripts parse them); rates, between this sample and the previous one, are scaled
 * ({@code 1.25M}) and shown as {@code -} without a previous sample.
 */
public final class StatsView
{
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(ZoneId.systemDefault());
    private static final String NO_RATE = "-";

    private StatsView()
    {
    }

    /**
     * Renders a sample.
     *
     * @param file     the stats file, for the header.
     * @param current  the sample to show.
     * @param previous the sample before it from the same daemon, or null (no rates).
     * @return the text, lines ending in a newline.
     */
    public static String render(final Path file, final StatsSample current, final StatsSample previous)
    {
        final StringBuilder out = new StringBuilder(4096);
        final long upSeconds = Math.max(0, (System.currentTimeMillis() - current.startTimeMs()) / 1000);
        out.append(String.format(Locale.ROOT, "sluice stat  %s  pid %d  up %s  workers %d  generation %d  errors %d  at %s%n",
            file, current.pid(), uptime(upSeconds), current.workers().size(), current.generation(), current.errors(),
            TIME.format(Instant.now())));
        services(out, current, usable(current, previous));
        workers(out, current);
        profile(out, current, usable(current, previous));
        drops(out, current.drops());
        port(out, current.port());
        neighbours(out, current.neighbours());
        ha(out, current.ha());
        return out.toString();
    }

    private static StatsSample usable(final StatsSample current, final StatsSample previous)
    {
        if (previous == null || previous.pid() != current.pid() || current.sampledNs() <= previous.sampledNs())
        {
            return null;
        }
        return previous;
    }

    private static void services(final StringBuilder out, final StatsSample current, final StatsSample previous)
    {
        int nameWidth = 24;
        for (final StatsSample.ServiceRow service : current.services())
        {
            nameWidth = Math.max(nameWidth, AddressText.shortenServiceName(service.name()).length());
        }
        for (final StatsSample.BackendRow backend : current.backends())
        {
            nameWidth = Math.max(nameWidth, AddressText.shorten(backend.address()).length() + 2);
        }
        final String serviceRow = "%-" + nameWidth + "s %-7s %12s %14s %10s %8s %9s %10s%n";
        final String backendRow = "  %-" + (nameWidth - 2) + "s %8s %11s %14s %10s %8s%n";
        out.append(String.format(Locale.ROOT, "%n" + serviceRow, "SERVICE", "MODE", "PACKETS", "BYTES", "NEW-FLOWS", "DROPS",
            "PKT/S", "BIT/S"));
        if (current.services().isEmpty())
        {
            out.append("(no services)").append(System.lineSeparator());
        }
        final double seconds = previous == null ? 0 : (current.sampledNs() - previous.sampledNs()) / 1e9;
        for (final StatsSample.ServiceRow service : current.services())
        {
            final StatsSample.ServiceRow before = previous == null ? null : find(previous, service);
            final String packetRate = before == null ? NO_RATE : scaled((service.packets() - before.packets()) / seconds);
            final String bitRate = before == null ? NO_RATE : scaled(8.0 * (service.bytes() - before.bytes()) / seconds);
            out.append(String.format(Locale.ROOT, serviceRow, AddressText.shortenServiceName(service.name()), service.mode(),
                service.packets(), service.bytes(), service.newFlows(), service.drops(), packetRate, bitRate));
            out.append(String.format(Locale.ROOT, backendRow, "BACKEND", "WEIGHT", "PACKETS", "BYTES", "NEW-FLOWS", "SHARE"));
            for (final StatsSample.BackendRow backend : current.backendsOf(service.id()))
            {
                final String share = service.packets() == 0 ? NO_RATE :
                    String.format(Locale.ROOT, "%.1f%%", 100.0 * backend.packets() / service.packets());
                out.append(String.format(Locale.ROOT, backendRow, AddressText.shorten(backend.address()), backend.weight(),
                    backend.packets(), backend.bytes(), backend.newFlows(), share));
            }
        }
    }

    private static StatsSample.ServiceRow find(final StatsSample sample, final StatsSample.ServiceRow service)
    {
        for (final StatsSample.ServiceRow candidate : sample.services())
        {
            if (candidate.id() == service.id() && candidate.name().equals(service.name()))
            {
                return candidate;
            }
        }
        return null;
    }

    private static void workers(final StringBuilder out, final StatsSample current)
    {
        final String row = "%-7s %12s %12s %12s %10s %10s %10s %12s %11s %6s %9s%n";
        out.append(String.format(Locale.ROOT, "%n" + row, "WORKER", "RX", "TX", "FORWARDED", "REPLIED", "PUNTED", "DROPPED",
            "ACTIVE-FLOWS", "GENERATION", "BUSY", "MAX-CYCLE"));
        long longestCycleNs = 0;
        for (final StatsSample.WorkerRow worker : current.workers())
        {
            longestCycleNs = Math.max(longestCycleNs, worker.get(WorkerCounter.MAX_CYCLE_NS));
            out.append(String.format(Locale.ROOT, row, worker.worker(), worker.get(WorkerCounter.RX_PACKETS),
                worker.get(WorkerCounter.TX_PACKETS), worker.get(WorkerCounter.FORWARDED), worker.get(WorkerCounter.REPLIED),
                worker.get(WorkerCounter.PUNTED), worker.get(WorkerCounter.DROPPED), worker.get(WorkerCounter.FLOW_ACTIVE),
                worker.get(WorkerCounter.GENERATION), busy(worker.get(WorkerCounter.BUSY_PPM)),
                duration(worker.get(WorkerCounter.MAX_CYCLE_NS))));
        }
        if (current.workers().size() > 1)
        {
            out.append(String.format(Locale.ROOT, row, "all", current.total(WorkerCounter.RX_PACKETS),
                current.total(WorkerCounter.TX_PACKETS), current.total(WorkerCounter.FORWARDED),
                current.total(WorkerCounter.REPLIED), current.total(WorkerCounter.PUNTED), current.total(WorkerCounter.DROPPED),
                current.total(WorkerCounter.FLOW_ACTIVE), "", busy(current.total(WorkerCounter.BUSY_PPM) / current.workers().size()),
                duration(longestCycleNs)));
        }
    }

    /** Stages of the sampled duty cycles, as the worker's profile counts them, with their column names. */
    private static final WorkerCounter[] STAGES = {
        WorkerCounter.PROFILE_COMMANDS_NS, WorkerCounter.PROFILE_RX_NS, WorkerCounter.PROFILE_PIPELINE_NS,
        WorkerCounter.PROFILE_TX_NS, WorkerCounter.PROFILE_FREE_NS, WorkerCounter.PROFILE_EXPIRY_NS,
        WorkerCounter.PROFILE_HOUSEKEEPING_NS};

    /**
     * Where a packet's time goes in each worker: the sampled busy cycles' stage times over their
     * packets, since the previous sample when there is one, else since the start; {@code LOOP} is the
     * cycle's time beyond its stages (the agent's own loop), {@code EMPTY-POLL} an empty RX burst's time.
     */
    private static void profile(final StringBuilder out, final StatsSample current, final StatsSample previous)
    {
        final String row = "%-7s %10s %9s %9s %9s %9s %9s %9s %9s %9s %9s %11s%n";
        boolean header = false;
        for (final StatsSample.WorkerRow worker : current.workers())
        {
            final StatsSample.WorkerRow before = previous == null || previous.workers().size() <= worker.worker() ? null :
                previous.workers().get(worker.worker());
            final long packets = delta(worker, before, WorkerCounter.PROFILE_PACKETS);
            if (packets <= 0)
            {
                continue;
            }
            if (!header)
            {
                header = true;
                out.append(String.format(Locale.ROOT, "%nPER PACKET, %s (one duty cycle in 64 timed)%n" + row,
                    previous == null ? "since the start" : "since the last sample", "WORKER", "PACKETS", "COMMANDS", "RX",
                    "PIPELINE", "TX", "FREE", "EXPIRY", "COUNTERS", "LOOP", "TOTAL", "EMPTY-POLL"));
            }
            final String[] cells = new String[STAGES.length];
            long stages = 0;
            for (int i = 0; i < STAGES.length; i++)
            {
                final long ns = delta(worker, before, STAGES[i]);
                stages += ns;
                cells[i] = perPacket(ns, packets);
            }
            final long cycle = delta(worker, before, WorkerCounter.PROFILE_CYCLE_NS);
            final long polls = delta(worker, before, WorkerCounter.PROFILE_EMPTY_POLLS);
            out.append(String.format(Locale.ROOT, row, worker.worker(), packets, cells[0], cells[1], cells[2], cells[3], cells[4],
                cells[5], cells[6], perPacket(Math.max(0, cycle - stages), packets), perPacket(Math.max(cycle, stages), packets),
                polls == 0 ? "-" : perPacket(delta(worker, before, WorkerCounter.PROFILE_EMPTY_POLL_NS), polls)));
        }
    }

    private static long delta(final StatsSample.WorkerRow now, final StatsSample.WorkerRow before, final WorkerCounter counter)
    {
        return now.get(counter) - (before == null ? 0 : before.get(counter));
    }

    private static String perPacket(final long ns, final long packets)
    {
        final double each = (double)ns / packets;
        return each < 1_000 ? String.format(Locale.ROOT, "%.1fns", each) : duration(Math.round(each));
    }

    /**
     * Formats a busy share.
     *
     * @param partsPerMillion the share in parts per million.
     * @return e.g. {@code 37.5%}.
     */
    static String busy(final long partsPerMillion)
    {
        return String.format(Locale.ROOT, "%.1f%%", partsPerMillion / 10_000.0);
    }

    /**
     * Formats a duration with the unit that keeps it short.
     *
     * @param ns the duration in nanoseconds.
     * @return e.g. {@code 850ns}, {@code 12.5us}, {@code 3.20ms}, {@code 1.50s}.
     */
    static String duration(final long ns)
    {
        if (ns >= 1_000_000_000L)
        {
            return String.format(Locale.ROOT, "%.2fs", ns / 1e9);
        }
        if (ns >= 1_000_000L)
        {
            return String.format(Locale.ROOT, "%.2fms", ns / 1e6);
        }
        if (ns >= 1_000L)
        {
            return String.format(Locale.ROOT, "%.1fus", ns / 1e3);
        }
        return ns + "ns";
    }

    private static void drops(final StringBuilder out, final Map<String, Long> drops)
    {
        out.append(System.lineSeparator()).append("DROPS BY REASON").append(System.lineSeparator());
        if (drops.isEmpty())
        {
            out.append("  none").append(System.lineSeparator());
        }
        for (final Map.Entry<String, Long> drop : drops.entrySet())
        {
            out.append(String.format(Locale.ROOT, "  %-24s %12d%n", drop.getKey(), drop.getValue()));
        }
    }

    private static void port(final StringBuilder out, final Map<String, Long> port)
    {
        out.append(System.lineSeparator()).append("PORT");
        for (final Map.Entry<String, Long> counter : port.entrySet())
        {
            out.append("  ").append(counter.getKey()).append(' ').append(counter.getValue());
        }
        out.append(System.lineSeparator());
    }

    private static void neighbours(final StringBuilder out, final Map<String, Long> neighbours)
    {
        if (neighbours.isEmpty())
        {
            return;
        }
        out.append("NEIGHBOURS");
        for (final Map.Entry<String, Long> counter : neighbours.entrySet())
        {
            out.append("  ").append(counter.getKey()).append(' ').append(counter.getValue());
        }
        out.append(System.lineSeparator());
    }

    private static void ha(final StringBuilder out, final Map<HaCounter, Long> ha)
    {
        if (ha.isEmpty())
        {
            return;
        }
        out.append("HA  role ").append(HaCounter.role(ha.getOrDefault(HaCounter.ROLE, -1L)));
        haFigures(out, ha, false);
        out.append(System.lineSeparator());
        if (ha.keySet().stream().anyMatch(HaCounter::sync))
        {
            out.append("SYNC");
            haFigures(out, ha, true);
            out.append(System.lineSeparator());
        }
    }

    private static void haFigures(final StringBuilder out, final Map<HaCounter, Long> ha, final boolean sync)
    {
        for (final Map.Entry<HaCounter, Long> figure : ha.entrySet())
        {
            if (figure.getKey() != HaCounter.ROLE && figure.getKey().sync() == sync)
            {
                out.append("  ").append(figure.getKey().label()).append(' ').append(figure.getValue());
            }
        }
    }

    private static String uptime(final long seconds)
    {
        if (seconds >= 86_400)
        {
            return String.format(Locale.ROOT, "%dd%02dh%02dm", seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60);
        }
        return String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /**
     * Scales a rate with k, M, G suffixes (powers of 1000).
     *
     * @param perSecond the rate.
     * @return e.g. {@code 950}, {@code 12.5k}, {@code 1.25M}.
     */
    static String scaled(final double perSecond)
    {
        final double value = Math.max(0, perSecond);
        if (value >= 1e9)
        {
            return String.format(Locale.ROOT, "%.2fG", value / 1e9);
        }
        if (value >= 1e6)
        {
            return String.format(Locale.ROOT, "%.2fM", value / 1e6);
        }
        if (value >= 1e3)
        {
            return String.format(Locale.ROOT, "%.1fk", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }
}
