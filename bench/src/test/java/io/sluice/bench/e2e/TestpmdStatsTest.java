package io.sluice.bench.e2e;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading dpdk-testpmd's periodic port statistics. */
class TestpmdStatsTest
{
    private static String display(final long txPps, final long nombuf)
    {
        return "\u001b[2J\u001b[1;1H\nPort statistics ====================================\n" +
            "  ######################## NIC statistics for port 0  ########################\n" +
            "  RX-packets: 172529408  RX-missed: 0          RX-bytes:  10351764480\n" +
            "  RX-errors: 0\n" +
            "  RX-nombuf:  " + nombuf + "\n" +
            "  TX-packets: 171793632  TX-errors: 0          TX-bytes:  10307617920\n" +
            "  Throughput (since last show)\n" +
            "  Rx-pps:     " + (txPps + 7) + "          Rx-bps:  40812076648\n" +
            "  Tx-pps:     " + txPps + "          Tx-bps:  40812076648\n" +
            "  ############################################################################\n";
    }

    @Test
    void shouldAverageTheTxRatesOfTheWindowAfterTheFirstDisplayAndTheWarmup()
    {
        final String log = "EAL: Detected CPU lcores: 2\n" + display(0, 0) + display(1_000_000, 0) + display(4_000_000, 0) +
            display(6_000_000, 3) + display(9_000_000, 3);
        final TestpmdStats stats = TestpmdStats.parse(log);
        assertEquals(List.of(0L, 1_000_000L, 4_000_000L, 6_000_000L, 9_000_000L), stats.txPps());
        assertEquals(5.0, stats.windowMpps(2, 2), 1e-12);
        assertEquals(3, stats.rxNombuf());
        assertEquals(0, stats.rxMissed());
        assertThrows(IllegalArgumentException.class, () -> stats.windowMpps(2, 4));
    }
}
