package io.sluice.dataplane.worker;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The copies a configuration makes of itself: each changes what it names, keeps every other
 * component, and is validated as a new configuration is.
 */
class DataplaneConfigTest
{
    private static final DataplaneConfig BASE = new DataplaneConfig("net_ring0", List.of(1, 2), 0x02_00_00_00_00_01L, 20_000,
        512, 256, false, 1 << 12, 5_000L, 16, 8, 100, 64, 20, 1 << 16, WorkerIdle.BACKOFF);

    private static DataplaneConfig expected(
        final long portMac, final int flowTableCapacity, final int neighbourCapacity, final int neighbourRequestsPerSecond,
        final int flowEventRingCapacity, final WorkerIdle idle)
    {
        return new DataplaneConfig("net_ring0", List.of(1, 2), portMac, 20_000, 512, 256, false, flowTableCapacity, 5_000L, 16,
            8, 100, neighbourCapacity, neighbourRequestsPerSecond, flowEventRingCapacity, idle);
    }

    @Test
    void shouldChangeOnlyTheNamedComponentsWhenCopied()
    {
        assertEquals(expected(0x02_00_00_00_00_01L, 1 << 14, 64, 20, 1 << 16, WorkerIdle.BACKOFF),
            BASE.withFlowTableCapacity(1 << 14));
        assertEquals(expected(-1, 1 << 12, 64, 20, 1 << 16, WorkerIdle.BACKOFF), BASE.withPortMac(-1));
        assertEquals(expected(0x02_00_00_00_00_01L, 1 << 12, 128, 50, 1 << 16, WorkerIdle.BACKOFF), BASE.withNeighbours(128, 50));
        assertEquals(expected(0x02_00_00_00_00_01L, 1 << 12, 64, 20, 0, WorkerIdle.BACKOFF), BASE.withFlowEvents(0));
        assertEquals(expected(0x02_00_00_00_00_01L, 1 << 12, 64, 20, 1 << 16, WorkerIdle.SPIN), BASE.withWorkerIdle(WorkerIdle.SPIN));
    }

    @Test
    void shouldRefuseACopyWhenItsNewValueIsInvalid()
    {
        assertEquals("flowTableCapacity 100 is not a power of two >= 8",
            assertThrows(IllegalArgumentException.class, () -> BASE.withFlowTableCapacity(100)).getMessage());
        assertEquals("workerIdle is missing: spin or backoff",
            assertThrows(IllegalArgumentException.class, () -> BASE.withWorkerIdle(null)).getMessage());
        assertEquals(expected(0x02_00_00_00_00_01L, 1 << 12, 64, 20, 1 << 16, WorkerIdle.BACKOFF), BASE, "the original is unchanged");
    }

    @Test
    void shouldTakeTheWholeNatPortRangeWhenNoneIsGiven()
    {
        assertEquals(1024, BASE.natFirstPort());
        assertEquals(65535, BASE.natLastPort());
    }

    @Test
    void shouldChangeOnlyTheNatPortsWhenCopiedWithNatPorts()
    {
        final DataplaneConfig copy = BASE.withNatPorts(20_000, 29_999);
        assertEquals(20_000, copy.natFirstPort());
        assertEquals(29_999, copy.natLastPort());
        assertEquals(BASE, copy.withNatPorts(1024, 65535));
        assertEquals(7000, BASE.withNatPorts(7000, 7000).natLastPort(), "a single port is a valid range");
    }

    @Test
    void shouldRefuseNatPortsWhenOutsideTheRangeOrReversed()
    {
        assertEquals("natPorts 1023..65535 is not within 1024..65535 with the first port not above the last",
            assertThrows(IllegalArgumentException.class, () -> BASE.withNatPorts(1023, 65535)).getMessage());
        assertEquals("natPorts 1024..65536 is not within 1024..65535 with the first port not above the last",
            assertThrows(IllegalArgumentException.class, () -> BASE.withNatPorts(1024, 65536)).getMessage());
        assertEquals("natPorts 3000..2999 is not within 1024..65535 with the first port not above the last",
            assertThrows(IllegalArgumentException.class, () -> BASE.withNatPorts(3000, 2999)).getMessage());
    }
}
