package io.sluice.sync;

import org.HdrHistogram.Histogram;

import io.sluice.sync.transport.TransportCounter;
import io.sluice.sync.wire.SyncVerdict;

/**
 * What the sync agent shows of itself to other threads (metrics, the API): its counters as of the
 * end of its last duty cycle, and its replication lag.
 */
public interface SyncStatus
{
    /**
     * @param counter one of the agent's own counts.
     * @return its value.
     */
    long counter(SyncCounter counter);

    /**
     * @param verdict a verdict on received messages.
     * @return messages read with it.
     */
    long messages(SyncVerdict verdict);

    /**
     * @param counter what became of peers' flows.
     * @return flows with that outcome.
     */
    long replicas(ReplicaCounter counter);

    /**
     * Maglev digests sent, and peers' digests by how they compare with this LB's tables. An implementation
     * that exchanges no digests reports 0.
     *
     * @param counter which count.
     * @return its value.
     */
    default long digests(final DigestCounter counter)
    {
        return 0;
    }

    /**
     * @param counter a transport count.
     * @return its value.
     */
    long transport(TransportCounter counter);

    /**
     * The replication lag recorded since the last call (each call starts a new interval), in nanoseconds.
     *
     * @return a new histogram.
     */
    Histogram takeLag();

    /** @return whether a bulk transfer to a peer is under way. */
    boolean bulkInProgress();
}
