package io.sluice.dataplane.worker;

import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.WorkerCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sampled stage profile under a clock that moves 10 ns more at each reading than at the one
 * before (10, 20, 30, ...), so each stage's time says which reading closed it: only one cycle in
 * {@link CycleProfile#SAMPLE_EVERY} reads the clock, a busy one adds every stage and its packets, an
 * empty one counts as an empty poll, and a busy cycle's whole time is closed by the next cycle's start.
 */
class CycleProfileTest
{
    /** Advances by 10 ns, then 20, then 30... at each reading. */
    private static final class SteppingClock implements NanoClock
    {
        private long now;
        private long step;
        private int reads;

        @Override
        public long nanoTime()
        {
            reads++;
            step += 10;
            now += step;
            return now;
        }
    }

    @Test
    void shouldTimeOneCycleInSampleEveryStageByStageAndCountItsPackets()
    {
        try (StatsFile stats = StatsFile.inMemory(1))
        {
            final DataplaneCounters counters = new DataplaneCounters(stats.countersManager(), 0);
            final SteppingClock clock = new SteppingClock();
            final CycleProfile profile = new CycleProfile(counters, clock);

            for (int cycle = 1; cycle < CycleProfile.SAMPLE_EVERY; cycle++)
            {
                runCycle(profile, 0, 32);
            }
            assertEquals(0, clock.reads, "no cycle before the sampled one reads the clock");

            runCycle(profile, 0, 32);
            assertEquals(7, clock.reads, "the sampled cycle reads it once per stage");
            assertEquals(1, counters.get(WorkerCounter.PROFILE_CYCLES));
            assertEquals(32, counters.get(WorkerCounter.PROFILE_PACKETS));
            assertEquals(10, counters.get(WorkerCounter.PROFILE_COMMANDS_NS), "the first reading (10) less the start (0)");
            assertEquals(20, counters.get(WorkerCounter.PROFILE_RX_NS), "30 - 10");
            assertEquals(30, counters.get(WorkerCounter.PROFILE_PIPELINE_NS), "60 - 30");
            assertEquals(40, counters.get(WorkerCounter.PROFILE_TX_NS));
            assertEquals(50, counters.get(WorkerCounter.PROFILE_FREE_NS));
            assertEquals(60, counters.get(WorkerCounter.PROFILE_EXPIRY_NS));
            assertEquals(70, counters.get(WorkerCounter.PROFILE_HOUSEKEEPING_NS));
            assertEquals(0, counters.get(WorkerCounter.PROFILE_CYCLE_NS), "open until the next cycle starts");

            runCycle(profile, 5_000, 32);
            assertEquals(5_000, counters.get(WorkerCounter.PROFILE_CYCLE_NS), "from its start to the next one's");
            for (int cycle = 2; cycle < CycleProfile.SAMPLE_EVERY; cycle++)
            {
                runCycle(profile, 6_000, 32);
            }
            runCycle(profile, 7_000, 0);
            assertEquals(1, counters.get(WorkerCounter.PROFILE_EMPTY_POLLS), "the next sampled cycle received nothing");
            assertEquals(90, counters.get(WorkerCounter.PROFILE_EMPTY_POLL_NS), "its RX burst: the 9th reading less the 8th (450 - 360)");
            assertEquals(1, counters.get(WorkerCounter.PROFILE_CYCLES), "an empty poll is no busy cycle");
            assertEquals(32, counters.get(WorkerCounter.PROFILE_PACKETS));
        }
    }

    private static void runCycle(final CycleProfile profile, final long startNs, final int received)
    {
        profile.begin(startNs);
        profile.mark(CycleProfile.COMMANDS);
        profile.mark(CycleProfile.RX);
        profile.mark(CycleProfile.PIPELINE);
        profile.mark(CycleProfile.TX);
        profile.mark(CycleProfile.FREE);
        profile.mark(CycleProfile.EXPIRY);
        profile.end(received);
    }
}
