package io.sluice.bench.e2e;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rate and the accounting of a window between two reads of the workers' counters. */
class ThroughputWindowTest
{
    /** One worker's counters: received, forwarded, dropped for no VIP, sent. */
    private static long[] worker(final long rx, final long forwarded, final long noVip, final long tx)
    {
        final long[] values = new long[CounterSample.SLOTS];
        values[WorkerCounter.RX_PACKETS.ordinal()] = rx;
        values[WorkerCounter.FORWARDED.ordinal()] = forwarded;
        values[WorkerCounter.DROPPED.ordinal()] = noVip;
        values[WorkerCounter.count() + DropReason.NO_VIP.ordinal()] = noVip;
        values[WorkerCounter.TX_PACKETS.ordinal()] = tx;
        return values;
    }

    private static CounterSample sample(final long ns, final Map<String, Long> port, final long[]... workers)
    {
        return new CounterSample(ns, workers, port);
    }

    @Test
    void shouldDivideTheForwardedPacketsOfEachWorkerByTheWindow()
    {
        final CounterSample first = sample(1_000_000_000L, Map.of("rx-missed", 0L), worker(100, 100, 0, 100), worker(50, 50, 0, 50));
        final CounterSample last = sample(3_000_000_000L, Map.of("rx-missed", 0L), worker(8_000_100, 8_000_100, 0, 8_000_100),
            worker(4_000_050, 4_000_050, 0, 4_000_050));
        final ThroughputWindow window = ThroughputWindow.between(first, last);
        assertEquals(2.0, window.seconds(), 1e-12);
        assertEquals(4.0, window.workerMpps(0), 1e-12);
        assertEquals(2.0, window.workerMpps(1), 1e-12);
        assertEquals(6.0, window.mpps(), 1e-12);
        assertEquals(12_000_000, window.rxTotal());
        assertEquals(List.of(), window.faults());
        assertTrue(window.json().contains("\"mpps\":6.0000,\"rx\":12000000,\"forwarded\":12000000"), window.json());
    }

    @Test
    void shouldNameTheDropsAndFindNoFaultWhenEveryDropHasItsReason()
    {
        final ThroughputWindow window = ThroughputWindow.between(sample(0, Map.of(), worker(0, 0, 0, 0)),
            sample(1_000_000_000L, Map.of(), worker(1000, 990, 10, 990)));
        assertEquals(Map.of("no-vip", 10L), window.drops());
        assertEquals(List.of(), window.faults());
        assertEquals(0.00099, window.mpps(), 1e-12);
    }

    @Test
    void shouldReportPacketsWithoutAnOutcomePortLossesAndAnIdleWindow()
    {
        final CounterSample first = sample(0, Map.of("rx-missed", 5L, "rx-nombuf", 0L), worker(0, 0, 0, 0));
        final List<String> faults = ThroughputWindow.between(first,
            sample(1_000_000_000L, Map.of("rx-missed", 9L, "rx-nombuf", 0L), worker(1000, 900, 0, 900))).faults();
        assertEquals(List.of("received 1000 but forwarded + replied + punted + dropped = 900", "port rx-missed 4"), faults);

        final List<String> sentMore = ThroughputWindow.between(first,
            sample(1_000_000_000L, Map.of("rx-missed", 5L), worker(1000, 1000, 0, 1003))).faults();
        assertEquals(List.of("sent 1003 but forwarded + replied + injected = 1000"), sentMore);

        final List<String> idle = ThroughputWindow.between(first, sample(1_000_000_000L, Map.of("rx-missed", 5L), worker(0, 0, 0, 0))).faults();
        assertEquals(List.of("nothing forwarded"), idle);
    }

    @Test
    void shouldRefuseSamplesOutOfOrderOfAnotherWorkerCountOrOfAnotherDaemon()
    {
        final CounterSample first = sample(10, Map.of(), worker(100, 100, 0, 100));
        assertThrows(IllegalArgumentException.class, () -> ThroughputWindow.between(first, sample(10, Map.of(), worker(200, 200, 0, 200))));
        assertThrows(IllegalArgumentException.class,
            () -> ThroughputWindow.between(first, sample(20, Map.of(), worker(200, 200, 0, 200), worker(0, 0, 0, 0))));
        assertThrows(IllegalArgumentException.class, () -> ThroughputWindow.between(first, sample(20, Map.of(), worker(50, 50, 0, 50))));
    }

    @Test
    void shouldTellAWholeReadOfAWorkersCountersFromATornOne()
    {
        final CounterSample sample = sample(0, Map.of(), worker(100, 90, 10, 90), worker(100, 95, 0, 95), worker(100, 100, 0, 99));
        assertTrue(sample.isWhole(0));
        assertFalse(sample.isWhole(1), "5 received packets without an outcome");
        assertFalse(sample.isWhole(2), "a forwarded packet the port did not take");
        final long[] unnamed = worker(100, 90, 10, 90);
        unnamed[WorkerCounter.count() + DropReason.NO_VIP.ordinal()] = 9;
        assertFalse(sample(0, Map.of(), unnamed).isWhole(0), "a drop without its reason");
    }
}
