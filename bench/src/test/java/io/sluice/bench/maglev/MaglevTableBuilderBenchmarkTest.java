package io.sluice.bench.maglev;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.maglev.MaglevTable;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
