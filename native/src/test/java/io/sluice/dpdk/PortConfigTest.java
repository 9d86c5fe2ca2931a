package io.sluice.dpdk;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortConfigTest
{
    @Test
    void shouldUseDefaultDescriptorsAndPromiscuousWhenBuiltFromQueueCounts()
    {
        final PortConfig config = PortConfig.of(4, 2);

        assertEquals(new PortConfig(4, 2, 1024, 1024, true), config);
    }

    @Test
    void shouldNameFieldWhenValueIsOutOfRange()
    {
        final IllegalArgumentException zeroQueues =
            assertThrows(IllegalArgumentException.class, () -> new PortConfig(0, 1, 512, 512, false));
        final IllegalArgumentException hugeRing =
            assertThrows(IllegalArgumentException.class, () -> new PortConfig(1, 1, 512, 65536, false));

        assertEquals("PortConfig.rxQueues must be 1..65535, was 0", zeroQueues.getMessage());
        assertTrue(hugeRing.getMessage().startsWith("PortConfig.txDescriptors"), hugeRing.getMessage());
    }
}
