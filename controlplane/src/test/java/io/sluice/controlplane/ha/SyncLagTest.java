package io.sluice.controlplane.ha;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyncLagTest
{
    private static final long WINDOW_NS = 10_000_000_000L;

    private final ScriptedSyncStatus agent = new ScriptedSyncStatus();
    private long nowNs = 1_000;
    private final SyncLag lag = new SyncLag(agent, () -> nowNs, WINDOW_NS);

    @Test
    void shouldGiveEveryReaderEveryLagWhenTwoReadersTakeTurns()
    {
        agent.record(1_000, 2_000);
        final SyncLag.Summary metrics = lag.sinceStart();
        agent.record(3_000);
        final SyncLag.Summary api = lag.sinceStart();
        final SyncLag.Summary metricsAgain = lag.sinceStart();

        assertEquals(2, metrics.count());
        assertEquals(3, api.count(), "the API's read keeps what the metrics already drained");
        assertEquals(3, metricsAgain.count(), "and the metrics keep what the API drained");
        assertEquals(3_000, metricsAgain.maxNs(), 3);
        assertEquals(3, agent.takes(), "the holder is the agent's only reader and drains it on every read");
    }

    @Test
    void shouldGivePercentilesWhenManyFlowsAreMeasured()
    {
        for (int i = 1; i <= 1000; i++)
        {
            agent.record(i * 1_000L);
        }

        final SyncLag.Summary summary = lag.sinceStart();

        assertEquals(1000, summary.count());
        assertEquals(500_000, summary.p50Ns(), 500);
        assertEquals(990_000, summary.p99Ns(), 1_000);
        assertEquals(999_000, summary.p999Ns(), 1_000);
        assertEquals(1_000_000, summary.maxNs(), 1_000);
        assertEquals(500_500_000, summary.sumNs(), 500_000);
    }

    @Test
    void shouldShowTheLastClosedWindowAsRecentWhenTheWindowHasPassed()
    {
        agent.record(50_000);
        assertEquals(1, lag.recent().count(), "before a window closes, the current one");
        nowNs += WINDOW_NS;
        agent.record(70_000);
        final SyncLag.Summary closed = lag.recent();
        agent.record(1_000);
        final SyncLag.Summary stillClosed = lag.recent();

        assertEquals(2, closed.count());
        assertEquals(2, stillClosed.count(), "a value of the new window waits for its window to close");
        assertEquals(3, lag.sinceStart().count());

        nowNs += WINDOW_NS;
        final SyncLag.Summary next = lag.recent();
        assertEquals(1, next.count());
        assertTrue(next.maxNs() < 2_000, "only the new window's value: " + next);
    }

    @Test
    void shouldSayNothingMeasuredWhenNoFlowWasReplicated()
    {
        assertEquals(SyncLag.Summary.EMPTY, lag.sinceStart());
        assertEquals(SyncLag.Summary.EMPTY, lag.recent());
    }

    @Test
    void shouldRefuseWhenTheWindowIsNotPositive()
    {
        assertThrows(IllegalArgumentException.class, () -> new SyncLag(agent, () -> 0, 0));
    }
}
