package io.sluice.bench.gen;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendTableTest
{
    @Test
    void shouldCountPerBackendMostFirstWhenKindsMix()
    {
        final BackendTable table = new BackendTable(8);
        for (int i = 0; i < 5; i++)
        {
            assertTrue(table.increment(BackendTable.KIND_IPV4, 0, 0xAC11_0001L));
        }
        assertTrue(table.increment(BackendTable.KIND_MAC, 0, 0xAC11_0001L));
        assertTrue(table.increment(BackendTable.KIND_IPV6, 0x2001_0DB8_0000_0000L, 1));
        assertTrue(table.increment(BackendTable.KIND_IPV6, 0x2001_0DB8_0000_0000L, 1));

        assertEquals(List.of(new BackendTable.Count("172.17.0.1", 5), new BackendTable.Count("2001:db8:0:0:0:0:0:1", 2),
            new BackendTable.Count("be", 1)), table.counts(Map.of(0xAC11_0001L, "be")));
    }

    @Test
    void shouldRefuseABackendBeyondTheMaximumAndKeepCountingKnownOnes()
    {
        final BackendTable table = new BackendTable(3);
        for (int i = 1; i <= 3; i++)
        {
            assertTrue(table.increment(BackendTable.KIND_IPV4, 0, i));
        }

        assertFalse(table.increment(BackendTable.KIND_IPV4, 0, 4));
        assertTrue(table.increment(BackendTable.KIND_IPV4, 0, 2));
        assertEquals(3, table.size());
        assertEquals(new BackendTable.Count("0.0.0.2", 2), table.counts(Map.of()).getFirst());
    }
}
