package io.sluice.bench.maglev;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.maglev.MaglevTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaglevTableBuilderBenchmarkTest
{
    @Test
    void shouldBuildFullTableOverEveryBackendWhenSetUp()
    {
        final MaglevTableBuilderBenchmark benchmark = new MaglevTableBuilderBenchmark();
        benchmark.backends = 1000;
        benchmark.setUp();

        final MaglevTable table = benchmark.build();

        assertEquals(MaglevTable.DEFAULT_SIZE, table.size());
        assertEquals(1000, table.backendCount());
        int slots = 0;
        for (int i = 0; i < table.backendCount(); i++)
        {
            assertEquals(65, table.slotCount(i), 1, "backend " + i);
            slots += table.slotCount(i);
        }
        assertEquals(MaglevTable.DEFAULT_SIZE, slots);
    }

    @Test
    void shouldGiveEveryOneOfTenThousandBackendsSixOrSevenSlotsWhenSetUp()
    {
        final MaglevTableBuilderBenchmark benchmark = new MaglevTableBuilderBenchmark();
        benchmark.backends = 10_000;
        benchmark.setUp();

        final MaglevTable table = benchmark.build();

        assertEquals(MaglevTable.DEFAULT_SIZE, table.size());
        assertEquals(10_000, table.backendCount());
        int slots = 0;
        for (int i = 0; i < table.backendCount(); i++)
        {
            assertTrue(table.slotCount(i) == 6 || table.slotCount(i) == 7, "backend " + i + ": " + table.slotCount(i));
            slots += table.slotCount(i);
        }
        assertEquals(MaglevTable.DEFAULT_SIZE, slots);
    }
}
