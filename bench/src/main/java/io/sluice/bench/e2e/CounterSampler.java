package io.sluice.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.agrona.concurrent.status.CountersReader;

import io.sluice.dataplane.stats.StatsFile;

/**
 * Reads {@link CounterSample}s from a running daemon's stats file (the layout {@link StatsFile}
 * describes; the same counters {@code sluice stat} shows). The counters' places are looked up once;
 * a sample then reads each worker's values and repeats the read, up to a bound, until every
 * worker's counters are whole ({@link CounterSample#isWhole}), so the accounting a window checks is
 * exact rather than off by what a worker published during the read.
 */
public final class CounterSampler implements AutoCloseable
{
    /** Reads tried before a sample whose counters are not whole is given up. */
    public static final int MAX_ATTEMPTS = 100_000;

    private static final String PORT_PREFIX = "port ";

    private final StatsFile stats;
    private final CountersReader reader;
    private final int[][] ids;
    private final Map<String, Integer> portIds = new LinkedHashMap<>();

    private CounterSampler(final StatsFile stats)
    {
        this.stats = stats;
        this.reader = stats.countersReader();
        this.ids = new int[stats.workers()][CounterSample.SLOTS];
        for (final int[] worker : ids)
        {
            Arrays.fill(worker, -1);
        }
        reader.forEach((counterId, typeId, key, label) ->
        {
            if (typeId == StatsFile.WORKER_COUNTER_TYPE)
            {
                final int worker = key.getInt(0);
                final int ordinal = key.getInt(4);
                if (worker >= 0 && worker < ids.length && ordinal >= 0 && ordinal < CounterSample.SLOTS)
                {
                    ids[worker][ordinal] = counterId;
                }
            }
            else if (typeId == StatsFile.PORT_COUNTER_TYPE)
            {
                portIds.put(label.startsWith(PORT_PREFIX) ? label.substring(PORT_PREFIX.length()) : label, counterId);
            }
        });
    }

    /**
     * Opens a stats file whose workers have all registered their counters.
     *
     * @param file the stats file.
     * @return the sampler, or null when the file does not (yet) hold every worker's counters.
     * @throws IOException when the file cannot be read.
     */
    public static CounterSampler open(final Path file) throws IOException
    {
        final StatsFile stats = StatsFile.open(file);
        final CounterSampler sampler = new CounterSampler(stats);
        for (final int[] worker : sampler.ids)
        {
            for (final int id : worker)
            {
                if (id < 0)
                {
                    stats.close();
                    return null;
                }
            }
        }
        return sampler;
    }

    /** @return the daemon's workers. */
    public int workers()
    {
        return ids.length;
    }

    /**
     * Reads the counters.
     *
     * @return a sample whose every worker's counters are whole.
     * @throws IllegalStateException when no read in {@link #MAX_ATTEMPTS} was whole.
     */
    public CounterSample sample()
    {
        final long[][] values = new long[ids.length][CounterSample.SLOTS];
        CounterSample last = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
        {
            final long startNs = System.nanoTime();
            for (int w = 0; w < ids.length; w++)
            {
                for (int i = 0; i < CounterSample.SLOTS; i++)
                {
                    values[w][i] = reader.getCounterValue(ids[w][i]);
                }
            }
            final long sampledNs = startNs + (System.nanoTime() - startNs) / 2;
            final Map<String, Long> port = new LinkedHashMap<>();
            portIds.forEach((label, id) -> port.put(label, reader.getCounterValue(id)));
            final CounterSample sample = new CounterSample(sampledNs, values, port);
            boolean whole = true;
            for (int w = 0; w < ids.length && whole; w++)
            {
                whole = sample.isWhole(w);
            }
            if (whole)
            {
                return sample;
            }
            last = sample;
        }
        // A worker whose counters never add up is an accounting fault, not a torn read: say which and how.
        final StringBuilder faults = new StringBuilder();
        for (int w = 0; w < ids.length; w++)
        {
            if (!last.isWhole(w))
            {
                faults.append("; worker ").append(w).append(": ").append(last.accounts(w));
            }
        }
        throw new IllegalStateException("no read of the workers' counters in " + MAX_ATTEMPTS + " attempts added up" + faults);
    }

    @Override
    public void close()
    {
        stats.close();
    }
}
