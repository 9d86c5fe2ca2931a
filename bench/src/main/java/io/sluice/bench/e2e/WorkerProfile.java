package io.sluice.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * Where a Sluice worker's time went per packet, from its stats file: the stage profile one duty
 * cycle in 64 records ({@code CycleProfile}: the {@code PROFILE_*} worker counters, summed over the
 * workers) over the packets those cycles received, and what the workers forwarded and dropped.
 *
 * @param packets      packets of the timed cycles.
 * @param perCycle     packets per timed busy cycle: how full the bursts were (the fixed costs of a
 *                     cycle are shared by these; a worker that keeps up sees small bursts).
 * @param commandsNs   per packet: before the RX burst (snapshot, commands).
 * @param rxNs         per packet: the RX burst.
 * @param pipelineNs   per packet: the pipeline.
 * @param txNs         per packet: the TX burst.
 * @param freeNs       per packet: freeing what was not sent.
 * @param expiryNs     per packet: the flow-expiry slice and full-NAT pool tidying.
 * @param housekeepingNs per packet: the counters' bookkeeping and publishing.
 * @param loopNs       per packet: the timed cycles' time beyond their stages (the agent's own loop).
 * @param emptyPollNs  an empty RX burst's time.
 * @param forwarded    packets the workers forwarded.
 * @param dropped      packets the workers dropped.
 */
public record WorkerProfile(long packets, double perCycle, double commandsNs, double rxNs, double pipelineNs, double txNs, double freeNs,
    double expiryNs, double housekeepingNs, double loopNs, double emptyPollNs, long forwarded, long dropped)
{
    /**
     * Reads a daemon's stats file.
     *
     * @param file the stats file.
     * @return the profile since the daemon started.
     * @throws IOException when the file cannot be read.
     */
    public static WorkerProfile read(final Path file) throws IOException
    {
        try (StatsFile stats = StatsFile.open(file))
        {
            return of(stats);
        }
    }

    /**
     * The profile in a stats file.
     *
     * @param stats the stats file.
     * @return the profile.
     */
    public static WorkerProfile of(final StatsFile stats)
    {
        final long[] totals = new long[WorkerCounter.count()];
        stats.countersReader().forEach((counterId, typeId, key, label) ->
        {
            final int ordinal = key.getInt(4);
            if (typeId == StatsFile.WORKER_COUNTER_TYPE && ordinal >= 0 && ordinal < totals.length)
            {
                totals[ordinal] += stats.countersReader().getCounterValue(counterId);
            }
        });
        final long packets = totals[WorkerCounter.PROFILE_PACKETS.ordinal()];
        final long stages = totals[WorkerCounter.PROFILE_COMMANDS_NS.ordinal()] + totals[WorkerCounter.PROFILE_RX_NS.ordinal()] +
            totals[WorkerCounter.PROFILE_PIPELINE_NS.ordinal()] + totals[WorkerCounter.PROFILE_TX_NS.ordinal()] +
            totals[WorkerCounter.PROFILE_FREE_NS.ordinal()] + totals[WorkerCounter.PROFILE_EXPIRY_NS.ordinal()] +
            totals[WorkerCounter.PROFILE_HOUSEKEEPING_NS.ordinal()];
        final long polls = totals[WorkerCounter.PROFILE_EMPTY_POLLS.ordinal()];
        return new WorkerProfile(packets, per(packets, totals[WorkerCounter.PROFILE_CYCLES.ordinal()]),
            per(totals[WorkerCounter.PROFILE_COMMANDS_NS.ordinal()], packets),
            per(totals[WorkerCounter.PROFILE_RX_NS.ordinal()], packets),
            per(totals[WorkerCounter.PROFILE_PIPELINE_NS.ordinal()], packets),
            per(totals[WorkerCounter.PROFILE_TX_NS.ordinal()], packets),
            per(totals[WorkerCounter.PROFILE_FREE_NS.ordinal()], packets),
            per(totals[WorkerCounter.PROFILE_EXPIRY_NS.ordinal()], packets),
            per(totals[WorkerCounter.PROFILE_HOUSEKEEPING_NS.ordinal()], packets),
            per(Math.max(0, totals[WorkerCounter.PROFILE_CYCLE_NS.ordinal()] - stages), packets),
            per(totals[WorkerCounter.PROFILE_EMPTY_POLL_NS.ordinal()], polls),
            totals[WorkerCounter.FORWARDED.ordinal()], totals[WorkerCounter.DROPPED.ordinal()]);
    }

    private static double per(final long ns, final long count)
    {
        return count == 0 ? 0 : (double)ns / count;
    }

    /** @return the time of a packet in the worker: every stage and the loop. */
    public double totalNs()
    {
        return commandsNs + rxNs + pipelineNs + txNs + freeNs + expiryNs + housekeepingNs + loopNs;
    }

    /** @return the profile as a JSON object. */
    public String json()
    {
        return String.format(Locale.ROOT, "{\"timedPackets\":%d,\"packetsPerCycle\":%.1f,\"commandsNs\":%.1f,\"rxNs\":%.1f,\"pipelineNs\":%.1f,\"txNs\":%.1f," +
            "\"freeNs\":%.1f,\"expiryNs\":%.1f,\"housekeepingNs\":%.1f,\"loopNs\":%.1f,\"totalNs\":%.1f,\"emptyPollNs\":%.1f,\"forwarded\":%d," +
            "\"dropped\":%d}", packets, perCycle, commandsNs, rxNs, pipelineNs, txNs, freeNs, expiryNs, housekeepingNs, loopNs, totalNs(), emptyPollNs,
            forwarded, dropped);
    }
}
