package io.sluice.bench.e2e;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.WorkerCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A worker profile from a stats file as the daemon publishes it: two workers' stage counters summed, over their packets. */
class WorkerProfileTest
{
    @Test
    void shouldSumTheWorkersStagesAndDivideByTheTimedPackets()
    {
        try (StatsFile stats = StatsFile.inMemory(2))
        {
            for (int worker = 0; worker < 2; worker++)
            {
                final DataplaneCounters counters = new DataplaneCounters(stats.countersManager(), worker);
                counters.add(WorkerCounter.PROFILE_CYCLES, 10);
                counters.add(WorkerCounter.PROFILE_PACKETS, 160);
                counters.add(WorkerCounter.PROFILE_COMMANDS_NS, 320);
                counters.add(WorkerCounter.PROFILE_RX_NS, 3_200);
                counters.add(WorkerCounter.PROFILE_PIPELINE_NS, 16_000);
                counters.add(WorkerCounter.PROFILE_TX_NS, 4_800);
                counters.add(WorkerCounter.PROFILE_FREE_NS, 160);
                counters.add(WorkerCounter.PROFILE_EXPIRY_NS, 1_200);
                counters.add(WorkerCounter.PROFILE_HOUSEKEEPING_NS, 400);
                counters.add(WorkerCounter.PROFILE_CYCLE_NS, 27_680);
                counters.add(WorkerCounter.PROFILE_EMPTY_POLLS, 4);
                counters.add(WorkerCounter.PROFILE_EMPTY_POLL_NS, 200);
                counters.add(WorkerCounter.FORWARDED, 1_000 + worker);
                counters.publish();
            }

            final WorkerProfile profile = WorkerProfile.of(stats);

            assertEquals(320, profile.packets());
            assertEquals(16.0, profile.perCycle());
            assertEquals(2.0, profile.commandsNs());
            assertEquals(20.0, profile.rxNs());
            assertEquals(100.0, profile.pipelineNs());
            assertEquals(30.0, profile.txNs());
            assertEquals(1.0, profile.freeNs());
            assertEquals(7.5, profile.expiryNs());
            assertEquals(2.5, profile.housekeepingNs());
            assertEquals(10.0, profile.loopNs(), "the cycles' 27,680 ns less their stages' 26,080, over 160 packets");
            assertEquals(173.0, profile.totalNs());
            assertEquals(50.0, profile.emptyPollNs());
            assertEquals(2_001, profile.forwarded());
        }
    }
}
