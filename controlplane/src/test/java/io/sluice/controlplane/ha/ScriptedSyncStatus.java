package io.sluice.controlplane.ha;

import java.util.EnumMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.SyncStatus;
import io.sluice.sync.transport.TransportCounter;
import io.sluice.sync.wire.SyncVerdict;

/**
 * A sync agent's status set by hand; its lag is an interval recorder as the agent's is: each
 * {@link #takeLag()} hands over what was recorded since the previous one. Public for the tests of
 * the API and the metrics.
 */
public final class ScriptedSyncStatus implements SyncStatus
{
    /** The agent's counts. */
    public final Map<SyncCounter, Long> counters = new EnumMap<>(SyncCounter.class);
    /** Messages by verdict. */
    public final Map<SyncVerdict, Long> verdicts = new EnumMap<>(SyncVerdict.class);
    /** Peers' flows by outcome. */
    public final Map<ReplicaCounter, Long> replicas = new EnumMap<>(ReplicaCounter.class);
    /** Transport counts. */
    public final Map<TransportCounter, Long> transport = new EnumMap<>(TransportCounter.class);
    /** Whether a bulk transfer runs. */
    public boolean bulk;
    private Histogram interval = new Histogram(3);
    private int takes;

    /**
     * Records lags into the current interval.
     *
     * @param lagsNs lags in nanoseconds.
     */
    public void record(final long... lagsNs)
    {
        for (final long lagNs : lagsNs)
        {
            interval.recordValue(lagNs);
        }
    }

    /** @return how many times the interval was taken. */
    public int takes()
    {
        return takes;
    }

    @Override
    public long counter(final SyncCounter counter)
    {
        return counters.getOrDefault(counter, 0L);
    }

    @Override
    public long messages(final SyncVerdict verdict)
    {
        return verdicts.getOrDefault(verdict, 0L);
    }

    @Override
    public long replicas(final ReplicaCounter counter)
    {
        return replicas.getOrDefault(counter, 0L);
    }

    @Override
    public long transport(final TransportCounter counter)
    {
        return transport.getOrDefault(counter, 0L);
    }

    @Override
    public Histogram takeLag()
    {
        takes++;
        final Histogram taken = interval;
        interval = new Histogram(3);
        return taken;
    }

    @Override
    public boolean bulkInProgress()
    {
        return bulk;
    }
}
