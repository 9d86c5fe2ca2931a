package io.sluice.sync;

import java.util.concurrent.TimeUnit;

/**
 * Who this load balancer is to its peers, and how the sync agent paces itself.
 *
 * @param senderId          this LB's id, unique in the cluster (unsigned 32 bits, not 0).
 * @param epoch             this run's epoch, larger at every start (the start time in milliseconds): peers
 *                          see a restart by it.
 * @param maxBatchDelayNs   longest a flow waits in a batch before it is sent.
 * @param helloIntervalNs   time between two hellos (the liveness signal, and the bulk request until answered).
 * @param refreshIntervalNs time between two refresh walks: less than half the shortest idle timeout, so a
 *                          long-lived flow's copy on a peer never idles out while it lives here.
 * @param walkFlowsPerCycle most flows a bulk or refresh walk sends per duty cycle: its pace.
 * @param pageTimeoutNs     how long a walk waits for a worker's page of its table: the agent waits that long
 *                          for a stalled worker, at each step of a walk, before it goes on with its cycle.
 */
public record SyncAgentConfig(
    int senderId, long epoch, long maxBatchDelayNs, long helloIntervalNs, long refreshIntervalNs, int walkFlowsPerCycle,
    long pageTimeoutNs)
{
    /** Default batch delay. */
    public static final long DEFAULT_MAX_BATCH_DELAY_NS = TimeUnit.MICROSECONDS.toNanos(200);
    /** Default hello interval. */
    public static final long DEFAULT_HELLO_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Default refresh interval. */
    public static final long DEFAULT_REFRESH_INTERVAL_NS = TimeUnit.SECONDS.toNanos(30);
    /** Default walk pace. */
    public static final int DEFAULT_WALK_FLOWS_PER_CYCLE = 64;
    /** Default page timeout. */
    public static final long DEFAULT_PAGE_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the value.
     */
    public SyncAgentConfig
    {
        if (senderId == 0)
        {
            throw new IllegalArgumentException("sync node id 0 is reserved: give 1..4294967295");
        }
        if (epoch <= 0)
        {
            throw new IllegalArgumentException("sync epoch " + epoch + " must be positive");
        }
        if (maxBatchDelayNs < 0 || helloIntervalNs <= 0 || refreshIntervalNs <= 0 || pageTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("sync intervals must be positive (batch delay may be 0)");
        }
        if (walkFlowsPerCycle < 1)
        {
            throw new IllegalArgumentException("sync walk pace " + walkFlowsPerCycle + " must be at least 1 flow per cycle");
        }
    }

    /**
     * The defaults for a node, its epoch the current time.
     *
     * @param senderId this LB's id.
     * @return the configuration.
     */
    public static SyncAgentConfig of(final int senderId)
    {
        return new SyncAgentConfig(senderId, System.currentTimeMillis(), DEFAULT_MAX_BATCH_DELAY_NS, DEFAULT_HELLO_INTERVAL_NS,
            DEFAULT_REFRESH_INTERVAL_NS, DEFAULT_WALK_FLOWS_PER_CYCLE, DEFAULT_PAGE_TIMEOUT_NS);
    }
}
