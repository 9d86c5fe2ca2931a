package io.sluice.bench.pipeline;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientTuplesTest
{
    @Test
    void shouldNumberPortsFirstThenAddressesWhenCounting()
    {
        assertEquals(0x0A00_0000, ClientTuples.address(0));
        assertEquals(32768, ClientTuples.port(0));
        assertEquals(65535, ClientTuples.port(32767));
        assertEquals(0x0A00_0000, ClientTuples.address(32767));
        assertEquals(0x0A00_0001, ClientTuples.address(32768));
        assertEquals(32768, ClientTuples.port(32768));
        assertEquals(0x0AFF_FFFF, ClientTuples.address(ClientTuples.TUPLE_COUNT - 1));
        assertEquals(65535, ClientTuples.port(ClientTuples.TUPLE_COUNT - 1));
    }

    @Test
    void shouldGiveDistinctSourcesWhenNumbersDiffer()
    {
        final Set<Long> sources = new HashSet<>();
        final long[] starts = {0, 1L << 20, ClientTuples.TUPLE_COUNT - 70_000};
        for (final long start : starts)
        {
            for (long tuple = start; tuple < start + 70_000; tuple++)
            {
                final int address = ClientTuples.address(tuple);
                final int port = ClientTuples.port(tuple);
                assertTrue((address >>> 24) == 10 && port >= 32768 && port <= 65535);
                sources.add(((long)address << 16) | port);
            }
        }

        assertEquals(3 * 70_000, sources.size());
    }
}
