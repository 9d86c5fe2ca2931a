package io.sluice.controlplane.stat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import io.sluice.dataplane.stats.DropReason;

/**
 * The log line for full-NAT port exhaustion: the packet path only counts a new flow it could not
 * give a port ({@code nat-ports-exhausted}); this reads the counters now and then and, when they
 * grew, says so once per interval at most, naming the services and what to do. A sane rate
 * whatever the drop rate: one line per interval, never one per packet.
 */
public final class NatExhaustionLog
{
    /** Least time between two lines. */
    public static final long DEFAULT_INTERVAL_NS = 10_000_000_000L;

    private static final String LABEL = DropReason.NAT_PORTS_EXHAUSTED.label();

    private final Consumer<String> log;
    private final long intervalNs;
    private final Map<String, Long> reported = new LinkedHashMap<>();
    private long lastLineNs;
    private boolean written;
    private boolean first = true;

    /**
     * @param log        where a line goes (a WARNING).
     * @param intervalNs least time between two lines.
     */
    public NatExhaustionLog(final Consumer<String> log, final long intervalNs)
    {
        this.log = log;
        this.intervalNs = intervalNs;
    }

    /**
     * Looks at a sample: a line when a service's exhaustion drops grew since the last line (the first
     * sample only sets the baseline, so a restarted control plane does not report old drops).
     *
     * @param sample the counters now.
     * @param nowNs  the clock.
     * @return the line written, or null.
     */
    public String check(final StatsSample sample, final long nowNs)
    {
        if (written && nowNs - lastLineNs < intervalNs)
        {
            return null;
        }
        final StringBuilder grown = new StringBuilder();
        long total = 0;
        for (final StatsSample.ServiceRow service : sample.services())
        {
            final long drops = service.dropsByReason().getOrDefault(LABEL, 0L);
            final long before = reported.getOrDefault(service.name(), first ? drops : 0L);
            if (drops > before)
            {
                grown.append(grown.isEmpty() ? "" : ", ").append(service.name()).append(' ').append(drops - before);
                total += drops - before;
            }
            reported.put(service.name(), drops);
        }
        first = false;
        if (total == 0)
        {
            return null;
        }
        lastLineNs = nowNs;
        written = true;
        final String line = total + " new full-NAT flows dropped for want of a free port (" + LABEL + "): " + grown +
            "; each backend endpoint has one pool of dataplane.natPorts per NAT address: add NAT addresses " +
            "(network.nat.addresses) or widen dataplane.natPorts";
        log.accept(line);
        return line;
    }
}
