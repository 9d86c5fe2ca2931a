package io.sluice.dataplane.worker;

import org.agrona.concurrent.NanoClock;

import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * Where a worker's duty cycles spend their time, measured on one cycle in {@link #SAMPLE_EVERY}:
 * the clock is read between the stages of a sampled cycle only, so the profile is always on and
 * costs the others a counter and a branch per stage. A sampled cycle that received packets adds its
 * stage times to the {@code PROFILE_*} counters and its packets to {@link WorkerCounter#PROFILE_PACKETS},
 * so that a stage's time over those packets is its cost per packet; the whole cycle (to the next
 * cycle's start) is added too, and what it has beyond the stages is the agent's loop. A sampled cycle
 * that received nothing counts as an empty poll, with its RX burst's time.
 * <pre>
 *   begin ─ commands ─ rx ─ pipeline ─ tx ─ free ─ expiry ─ housekeeping (counters) ─ (next cycle's begin)
 * </pre>
 * One thread: the worker's. No allocation.
 */
final class CycleProfile
{
    /** One cycle in this many is measured: a power of two. */
    static final int SAMPLE_EVERY = 64;
    /** Stages, in the order the cycle runs them. */
    static final int COMMANDS = 0;
    static final int RX = 1;
    static final int PIPELINE = 2;
    static final int TX = 3;
    static final int FREE = 4;
    static final int EXPIRY = 5;
    static final int HOUSEKEEPING = 6;

    private static final WorkerCounter[] STAGE_COUNTERS = {
        WorkerCounter.PROFILE_COMMANDS_NS, WorkerCounter.PROFILE_RX_NS, WorkerCounter.PROFILE_PIPELINE_NS,
        WorkerCounter.PROFILE_TX_NS, WorkerCounter.PROFILE_FREE_NS, WorkerCounter.PROFILE_EXPIRY_NS,
        WorkerCounter.PROFILE_HOUSEKEEPING_NS};

    private final DataplaneCounters counters;
    private final NanoClock clock;
    private final long[] stageNs = new long[STAGE_COUNTERS.length];
    private int cycles;
    private boolean sampling;
    private long lastNs;
    private long startNs;
    private boolean cyclePending;
    private long pendingStartNs;

    CycleProfile(final DataplaneCounters counters, final NanoClock clock)
    {
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * A cycle starts: closes the previous sampled busy cycle's whole time, and decides whether this
     * one is sampled.
     *
     * @param nowNs the cycle's start, as the worker read it.
     */
    void begin(final long nowNs)
    {
        if (cyclePending)
        {
            cyclePending = false;
            counters.add(WorkerCounter.PROFILE_CYCLE_NS, nowNs - pendingStartNs);
        }
        sampling = (++cycles & (SAMPLE_EVERY - 1)) == 0;
        startNs = nowNs;
        lastNs = nowNs;
    }

    /**
     * A stage of the cycle ended: its time, when the cycle is sampled.
     *
     * @param stage which one.
     */
    void mark(final int stage)
    {
        if (sampling)
        {
            final long nowNs = clock.nanoTime();
            stageNs[stage] = nowNs - lastNs;
            lastNs = nowNs;
        }
    }

    /**
     * The cycle's work is done (its housekeeping is the last stage): a sampled cycle's times go to
     * the counters, as a busy cycle's when it received packets, else as an empty poll's.
     *
     * @param received the packets its RX burst returned.
     */
    void end(final int received)
    {
        if (!sampling)
        {
            return;
        }
        mark(HOUSEKEEPING);
        sampling = false;
        if (received == 0)
        {
            counters.increment(WorkerCounter.PROFILE_EMPTY_POLLS);
            counters.add(WorkerCounter.PROFILE_EMPTY_POLL_NS, stageNs[RX]);
            return;
        }
        for (int i = 0; i < STAGE_COUNTERS.length; i++)
        {
            counters.add(STAGE_COUNTERS[i], stageNs[i]);
        }
        counters.increment(WorkerCounter.PROFILE_CYCLES);
        counters.add(WorkerCounter.PROFILE_PACKETS, received);
        cyclePending = true;
        pendingStartNs = startNs;
    }
}
