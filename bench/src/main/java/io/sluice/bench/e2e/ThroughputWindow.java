package io.sluice.bench.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * What the workers did between two {@link CounterSample}s of one daemon: the packets per worker and
 * in all, the rate, and the accounting (every received packet forwarded, replied, punted or dropped
 * for a named reason; the port lost nothing).
 *
 * @param seconds     the window's length.
 * @param rx          packets received, per worker.
 * @param forwarded   packets forwarded, per worker.
 * @param replied     packets answered in place, over the workers.
 * @param punted      packets handed to the control plane, over the workers.
 * @param dropped     packets dropped, over the workers.
 * @param tx          frames the port took for transmission, over the workers.
 * @param injected    neighbour requests among them, over the workers.
 * @param drops       drops by reason label, the reasons that moved.
 * @param port        the port's counters that moved, by label (refreshed once a second by the daemon).
 */
public record ThroughputWindow(double seconds, long[] rx, long[] forwarded, long replied, long punted, long dropped, long tx,
    long injected, Map<String, Long> drops, Map<String, Long> port)
{
    /** Port counters that count a packet lost before or after the workers: each must stay still. */
    public static final List<String> PORT_LOSSES = List.of("rx-missed", "rx-errors", "rx-nombuf", "tx-errors");

    /**
     * The window between two samples.
     *
     * @param first the earlier sample.
     * @param last  the later sample of the same daemon.
     * @return the window.
     * @throws IllegalArgumentException when the samples are of different worker counts, out of order,
     *                                  or a counter went back (not the same daemon).
     */
    public static ThroughputWindow between(final CounterSample first, final CounterSample last)
    {
        final int workers = first.workers().length;
        if (last.workers().length != workers)
        {
            throw new IllegalArgumentException("samples of " + workers + " and " + last.workers().length + " workers");
        }
        if (last.sampledNs() <= first.sampledNs())
        {
            throw new IllegalArgumentException("the second sample is not later than the first");
        }
        final long[] rx = new long[workers];
        final long[] forwarded = new long[workers];
        final Map<String, Long> drops = new LinkedHashMap<>();
        for (int w = 0; w < workers; w++)
        {
            rx[w] = delta(first, last, w, WorkerCounter.RX_PACKETS);
            forwarded[w] = delta(first, last, w, WorkerCounter.FORWARDED);
            for (final DropReason reason : DropReason.values())
            {
                final long moved = last.drops(w, reason) - first.drops(w, reason);
                if (moved < 0)
                {
                    throw new IllegalArgumentException("drop " + reason.label() + " of worker " + w + " went back: not one daemon");
                }
                if (moved > 0)
                {
                    drops.merge(reason.label(), moved, Long::sum);
                }
            }
        }
        final Map<String, Long> port = new LinkedHashMap<>();
        last.port().forEach((label, value) ->
        {
            final long moved = value - first.port().getOrDefault(label, 0L);
            if (moved != 0)
            {
                port.put(label, moved);
            }
        });
        return new ThroughputWindow((last.sampledNs() - first.sampledNs()) / 1e9, rx, forwarded,
            total(first, last, WorkerCounter.REPLIED), total(first, last, WorkerCounter.PUNTED), total(first, last, WorkerCounter.DROPPED),
            total(first, last, WorkerCounter.TX_PACKETS), total(first, last, WorkerCounter.INJECTED), drops, port);
    }

    private static long delta(final CounterSample first, final CounterSample last, final int worker, final WorkerCounter counter)
    {
        final long moved = last.get(worker, counter) - first.get(worker, counter);
        if (moved < 0)
        {
            throw new IllegalArgumentException(counter.label() + " of worker " + worker + " went back: not one daemon");
        }
        return moved;
    }

    private static long total(final CounterSample first, final CounterSample last, final WorkerCounter counter)
    {
        long sum = 0;
        for (int w = 0; w < first.workers().length; w++)
        {
            sum += delta(first, last, w, counter);
        }
        return sum;
    }

    /** @return packets received over the workers. */
    public long rxTotal()
    {
        return sum(rx);
    }

    /** @return packets forwarded over the workers. */
    public long forwardedTotal()
    {
        return sum(forwarded);
    }

    private static long sum(final long[] values)
    {
        long sum = 0;
        for (final long value : values)
        {
            sum += value;
        }
        return sum;
    }

    /** @return forwarded packets per second over the workers, in millions. */
    public double mpps()
    {
        return forwardedTotal() / seconds / 1e6;
    }

    /**
     * @param worker the worker.
     * @return its forwarded packets per second, in millions.
     */
    public double workerMpps(final int worker)
    {
        return forwarded[worker] / seconds / 1e6;
    }

    /**
     * What is wrong with the window's accounting, if anything: received packets without an outcome,
     * drops without a reason, frames sent that were not forwarded or replied packets, losses the port
     * counted, or nothing forwarded at all.
     *
     * @return one line per fault; empty when every packet is accounted for.
     */
    public List<String> faults()
    {
        final List<String> faults = new ArrayList<>();
        final long outcomes = forwardedTotal() + replied + punted + dropped;
        if (rxTotal() != outcomes)
        {
            faults.add("received " + rxTotal() + " but forwarded + replied + punted + dropped = " + outcomes);
        }
        final long reasons = drops.values().stream().mapToLong(Long::longValue).sum();
        if (reasons != dropped)
        {
            faults.add("dropped " + dropped + " but the drop reasons sum to " + reasons);
        }
        if (tx != forwardedTotal() + replied + injected)
        {
            faults.add("sent " + tx + " but forwarded + replied + injected = " + (forwardedTotal() + replied + injected));
        }
        for (final String loss : PORT_LOSSES)
        {
            if (port.getOrDefault(loss, 0L) != 0)
            {
                faults.add("port " + loss + " " + port.get(loss));
            }
        }
        if (forwardedTotal() == 0)
        {
            faults.add("nothing forwarded");
        }
        return faults;
    }

    /** @return the window as a JSON object. */
    public String json()
    {
        final StringBuilder perWorker = new StringBuilder();
        for (int w = 0; w < rx.length; w++)
        {
            perWorker.append(w == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"rx\":%d,\"forwarded\":%d,\"mpps\":%.4f}", rx[w],
                forwarded[w], workerMpps(w)));
        }
        return String.format(Locale.ROOT, "{\"seconds\":%.3f,\"mpps\":%.4f,\"rx\":%d,\"forwarded\":%d,\"replied\":%d,\"punted\":%d," +
            "\"dropped\":%d,\"tx\":%d,\"injected\":%d,\"drops\":%s,\"port\":%s,\"faults\":%d,\"workers\":[%s]}", seconds, mpps(), rxTotal(),
            forwardedTotal(), replied, punted, dropped, tx, injected, jsonMap(drops), jsonMap(port), faults().size(), perWorker);
    }

    private static String jsonMap(final Map<String, Long> map)
    {
        final StringBuilder json = new StringBuilder("{");
        map.forEach((key, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(key).append("\":").append(value));
        return json.append('}').toString();
    }
}
