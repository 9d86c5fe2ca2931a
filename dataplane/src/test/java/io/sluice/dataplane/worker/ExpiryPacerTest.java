package io.sluice.dataplane.worker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The expiry sweep's pace: buckets per second fixed by the table, not by the cycles run. */
class ExpiryPacerTest
{
    private static final long SECOND = 1_000_000_000L;

    /** Buckets due over {@code seconds} of cycles {@code cycleNs} apart, from time 0. */
    private static long bucketsOver(final ExpiryPacer pacer, final long cycleNs, final long seconds, final int[] mostInACycle)
    {
        long total = 0;
        for (long now = 0; now < seconds * SECOND; now += cycleNs)
        {
            final int due = pacer.bucketsDue(now);
            mostInACycle[0] = Math.max(mostInACycle[0], due);
            total += due;
        }
        return total;
    }

    @Test
    void shouldSweepAMillionFlowTableOnceASecondInSlicesOf16WhetherBusyOrIdle()
    {
        final int buckets = (1 << 20) / 8;
        final ExpiryPacer busy = new ExpiryPacer(buckets, 16, SECOND);
        assertEquals(16, busy.slice());
        assertEquals(122_070, busy.intervalNs(), "1 s * 16 / 131072");
        final int[] most = new int[1];
        final long sweptBusy = bucketsOver(busy, 4_000, 3, most);
        assertEquals(3L * buckets, sweptBusy, 3L * buckets / 1000, "3 passes in 3 s of 4 µs cycles");
        assertEquals(16, most[0], "never more than a slice when the cycles are short");

        final ExpiryPacer parked = new ExpiryPacer(buckets, 16, SECOND);
        most[0] = 0;
        final long sweptParked = bucketsOver(parked, 250_000, 3, most);
        assertEquals(3L * buckets, sweptParked, 3L * buckets / 1000, "3 passes in 3 s of 250 µs cycles (a parked worker)");
        assertEquals(48, most[0], "two or three slices in a 250 µs cycle");
    }

    @Test
    void shouldMakeSlicesLargerForAHugeTableSoTheyAreDueAtMostEvery10Microseconds()
    {
        final int buckets = (1 << 24) / 8;
        final ExpiryPacer pacer = new ExpiryPacer(buckets, 16, SECOND);
        assertEquals(21, pacer.slice(), "ceil(2097152 * 10 µs / 1 s)");
        assertTrue(pacer.intervalNs() >= ExpiryPacer.MIN_SLICE_INTERVAL_NS, pacer.intervalNs() + " ns");
        final int[] most = new int[1];
        assertEquals(buckets, bucketsOver(pacer, 2_000, 1, most), buckets / 1000, "one pass in 1 s");
        assertEquals(21, most[0]);
    }

    @Test
    void shouldNeverSliceMoreThanTheTableAndSweepASmallTableOnceASecond()
    {
        final ExpiryPacer pacer = new ExpiryPacer(8, 16, SECOND);
        assertEquals(8, pacer.slice());
        assertEquals(SECOND, pacer.intervalNs());
        assertEquals(8, pacer.bucketsDue(5), "the first cycle sweeps at once");
        assertEquals(0, pacer.bucketsDue(5 + SECOND - 1));
        assertEquals(8, pacer.bucketsDue(5 + SECOND));
    }

    @Test
    void shouldCatchUpAtMostEightSlicesACycleAndDropTheBacklogOfAStallLongerThanAPeriod()
    {
        final ExpiryPacer pacer = new ExpiryPacer(1024, 16, SECOND);
        final long interval = pacer.intervalNs();
        assertEquals(15_625_000, interval);
        assertEquals(16, pacer.bucketsDue(0));
        assertEquals(8 * 16, pacer.bucketsDue(20 * interval), "20 slices late: 8 now");
        assertEquals(8 * 16, pacer.bucketsDue(20 * interval), "12 still late: 8 more");
        assertEquals(4 * 16, pacer.bucketsDue(20 * interval), "the last 4, the one due now among them");
        assertEquals(0, pacer.bucketsDue(20 * interval));

        assertEquals(16, pacer.bucketsDue(20 * interval + 5 * SECOND), "a stall of 5 s: one slice, the backlog dropped");
        assertEquals(0, pacer.bucketsDue(20 * interval + 5 * SECOND + interval - 1));
        assertEquals(16, pacer.bucketsDue(20 * interval + 5 * SECOND + interval));
    }

    @Test
    void shouldSweepTablesOfMoreThan2MFlowsAt2MFlowsASecond()
    {
        assertEquals(SECOND, ExpiryPacer.periodFor(8), "a tiny table");
        assertEquals(SECOND, ExpiryPacer.periodFor((1 << 21) / 8), "2M flows: once a second");
        assertEquals(2 * SECOND, ExpiryPacer.periodFor((1 << 22) / 8), "4M flows: every 2 s");
        assertEquals(64 * SECOND, ExpiryPacer.periodFor((1 << 27) / 8), "128M flows: every 64 s");

        final int buckets = (1 << 24) / 8;
        final ExpiryPacer pacer = new ExpiryPacer(buckets, 16, ExpiryPacer.periodFor(buckets));
        final int[] most = new int[1];
        assertEquals(8L * ExpiryPacer.MAX_BUCKETS_PER_SECOND, bucketsOver(pacer, 4_000, 8, most), buckets / 1000,
            "a 16M-flow table: one pass in 8 s, 2M flows' buckets a second");
    }

    @Test
    void shouldRefuseValuesThatAreNotPositive()
    {
        assertThrows(IllegalArgumentException.class, () -> new ExpiryPacer(0, 16, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new ExpiryPacer(8, 0, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new ExpiryPacer(8, 16, 0));
    }
}
