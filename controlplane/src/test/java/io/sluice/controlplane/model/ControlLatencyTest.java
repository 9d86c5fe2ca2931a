package io.sluice.controlplane.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlLatencyTest
{
    private static void assertWithinPrecision(final long expected, final long actual, final String what)
    {
        assertTrue(Math.abs(actual - expected) <= expected / 1000, what + ": " + actual + " is not within 0.1% of " + expected);
    }

    @Test
    void shouldReportPercentilesOfKnownValuesWhenRead()
    {
        final ControlLatency latency = new ControlLatency();
        for (int i = 1000; i >= 1; i--)
        {
            latency.record("apply", i * 10_000L);
        }

        final ControlLatency.OperationLatency apply = latency.snapshot().getFirst();

        assertEquals("apply", apply.operation());
        assertEquals(1000, apply.count());
        assertEquals(10_000L * 1000 * 1001 / 2, apply.sumNs());
        assertWithinPrecision(5_000_000, apply.p50Ns(), "p50");
        assertWithinPrecision(9_000_000, apply.p90Ns(), "p90");
        assertWithinPrecision(9_900_000, apply.p99Ns(), "p99");
        assertWithinPrecision(10_000_000, apply.maxNs(), "max");
    }

    @Test
    void shouldKeepEarlierValuesWhenReadTwice()
    {
        final ControlLatency latency = new ControlLatency();
        latency.record("apply", 1_000);
        latency.snapshot();
        latency.record("apply", 3_000);

        final ControlLatency.OperationLatency apply = latency.snapshot().getFirst();

        assertEquals(2, apply.count());
        assertEquals(4_000, apply.sumNs());
        assertWithinPrecision(3_000, apply.maxNs(), "max");
        assertWithinPrecision(1_000, apply.p50Ns(), "p50");
    }

    @Test
    void shouldListOperationsInNameOrderWhenSeveralWereRecorded()
    {
        final ControlLatency latency = new ControlLatency();
        latency.record("set-weight", 5);
        latency.record("add-service", 7);
        latency.record("apply", 9);

        assertEquals(List.of("add-service", "apply", "set-weight"),
            latency.snapshot().stream().map(ControlLatency.OperationLatency::operation).toList());
    }

    @Test
    void shouldCountEveryValueWhenThreadsRecordWhileSomeoneReads() throws InterruptedException
    {
        final ControlLatency latency = new ControlLatency();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            threads.add(Thread.ofPlatform().start(() ->
            {
                for (int i = 1; i <= 10_000; i++)
                {
                    latency.record("apply", i);
                }
            }));
        }
        for (int i = 0; i < 100; i++)
        {
            latency.snapshot();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }

        final ControlLatency.OperationLatency apply = latency.snapshot().getFirst();

        assertEquals(40_000, apply.count());
        assertEquals(4L * 10_000 * 10_001 / 2, apply.sumNs());
        assertWithinPrecision(10_000, apply.maxNs(), "max");
    }

    @Test
    void shouldCapPercentilesAtAnHourButKeepTheSumExactWhenAnOperationTakesLonger()
    {
        final ControlLatency latency = new ControlLatency();
        final long twoHoursNs = TimeUnit.HOURS.toNanos(2);
        latency.record("apply", twoHoursNs);

        final ControlLatency.OperationLatency apply = latency.snapshot().getFirst();

        assertEquals(twoHoursNs, apply.sumNs());
        assertWithinPrecision(ControlLatency.HIGHEST_TRACKABLE_NS, apply.maxNs(), "max");
    }

    @Test
    void shouldRefuseANegativeDurationOrABlankName()
    {
        final ControlLatency latency = new ControlLatency();

        assertEquals("latency of 'apply' is negative: -1 ns",
            assertThrows(IllegalArgumentException.class, () -> latency.record("apply", -1)).getMessage());
        assertEquals("a control operation needs a name",
            assertThrows(IllegalArgumentException.class, () -> latency.record(" ", 1)).getMessage());
        assertEquals(List.of(), latency.snapshot());
    }
}
