package io.sluice.dataplane.flow;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

final class HugePageMemoryTest
{
    @Test
    void shouldGiveZeroedWritableMemoryOnAHugePageBoundaryWhenAllocating()
    {
        final long size = 3 * HugePageMemory.HUGE_PAGE_SIZE + 100;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment memory = HugePageMemory.allocate(arena, size);

            assertEquals(size, memory.byteSize());
            assertEquals(0, memory.address() % HugePageMemory.HUGE_PAGE_SIZE);
            for (long offset = 0; offset < size; offset += 4096)
            {
                assertEquals(0, memory.get(ValueLayout.JAVA_BYTE, offset));
            }
            memory.set(ValueLayout.JAVA_LONG, size - 8 - 4, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, memory.get(ValueLayout.JAVA_LONG, size - 8 - 4));
        }
    }

    @Test
    void shouldRefuseEmptySizeWhenAllocating()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertThrows(IllegalArgumentException.class, () -> HugePageMemory.allocate(arena, 0));
        }
    }

    @Test
    void shouldBackLargeFlowTablesWithHugePageAlignedMemory()
    {
        try (FlowTable table = new FlowTable(1 << 16, 0))
        {
            final FlowKey key = new FlowKey().setIpv4(0x0A000001, 0xC0000214, 40000, 80, 6);
            final int handle = table.insert(key, key.hash(), 7, 1_000_000_000L, 5);
            assertEquals(7, table.backendId(handle));
            assertEquals(handle, table.findAndTouch(key, key.hash(), 10));
            assertEquals(FlowTable.MISS, table.findAndTouch(key, key.hash(), 10 + 1_000_000_001L + (1L << FlowTable.TICK_SHIFT)));
            assertEquals(0, table.size());
        }
    }
}
