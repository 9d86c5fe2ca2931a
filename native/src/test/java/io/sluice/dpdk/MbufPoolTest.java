package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("dpdk")
class MbufPoolTest
{
    @Test
    void shouldCountMbufsInUseWhenAllocatingAndFreeing()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(127))
        {
            assertEquals(127, pool.capacity());
            assertEquals(127, pool.availableCount());
            assertEquals(0, pool.inUseCount());

            final long[] mbufs = new long[10];
            for (int i = 0; i < mbufs.length; i++)
            {
                mbufs[i] = pool.alloc();
                assertNotEquals(0L, mbufs[i]);
            }
            assertEquals(10, pool.inUseCount());
            assertEquals(117, pool.availableCount());

            for (final long mbuf : mbufs)
            {
                pool.free(mbuf);
            }
            assertEquals(0, pool.inUseCount());
            assertEquals(127, pool.availableCount());
        }
    }

    @Test
    void shouldReturnZeroWhenPoolIsEmpty()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(15); Arena arena = Arena.ofConfined())
        {
            final MemorySegment all = arena.allocate(JAVA_LONG, 15);
            for (int i = 0; i < 15; i++)
            {
                all.setAtIndex(JAVA_LONG, i, pool.alloc());
            }

            assertEquals(0L, pool.alloc());
            assertEquals(15, pool.inUseCount());

            pool.freeBulk(all, 15);
            assertEquals(0, pool.inUseCount());
        }
    }

    @Test
    void shouldTakeAllOrNoneWhenAllocatingInBulk()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(31); Arena arena = Arena.ofConfined())
        {
            final MemorySegment pointers = arena.allocate(JAVA_LONG, 32);

            assertTrue(pool.allocBulk(pointers, 20));
            assertEquals(20, pool.inUseCount());
            for (int i = 0; i < 20; i++)
            {
                assertNotEquals(0L, pointers.getAtIndex(JAVA_LONG, i));
            }
            final MemorySegment more = arena.allocate(JAVA_LONG, 12);
            assertFalse(pool.allocBulk(more, 12));
            assertEquals(20, pool.inUseCount());

            pool.freeBulk(pointers, 20);
            assertEquals(0, pool.inUseCount());
        }
    }

    @Test
    void shouldHandOutResetMbufsWhenAllocating()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(15))
        {
            final Mbuf mbuf = new Mbuf().wrap(pool.alloc());

            assertEquals(MbufLayout.HEADROOM, mbuf.dataOffset());
            assertEquals(0, mbuf.dataLength());
            assertEquals(0, mbuf.packetLength());
            assertEquals(MbufPool.DEFAULT_DATA_ROOM_SIZE, mbuf.bufferLength());
            assertEquals(1, mbuf.segmentCount());
            assertEquals(0L, mbuf.nextAddress());
            assertEquals(mbuf.bufferAddress() + MbufLayout.HEADROOM, mbuf.dataAddress());
            assertEquals(MbufPool.DEFAULT_DATA_ROOM_SIZE - MbufLayout.HEADROOM, mbuf.tailroom());

            pool.free(mbuf.address());
        }
    }

    @Test
    void shouldMatchRtePktmbufPrependAndAdjWhenDoneInJava()
    {
        final int[] prependThenAdj = {0, 14, 100, 14, 200, 1, 127, 128, 129, 60, 61};
        try (MbufPool pool = DpdkTestSupport.newPool(15))
        {
            final Mbuf java = new Mbuf().wrap(pool.alloc());
            final Mbuf c = new Mbuf().wrap(pool.alloc());
            for (final int length : prependThenAdj)
            {
                java.setLength(60);
                c.setLength(60);

                final boolean javaPrepended = java.prepend(length);
                final boolean cPrepended = SluiceDpdk.sluice_mbuf_prepend(c.address(), (short)length) != 0;
                assertEquals(cPrepended, javaPrepended, "prepend " + length);
                assertSameShape(c, java);

                final boolean javaAdjusted = java.adj(length);
                final boolean cAdjusted = SluiceDpdk.sluice_mbuf_adj(c.address(), (short)length) != 0;
                assertEquals(cAdjusted, javaAdjusted, "adj " + length);
                assertSameShape(c, java);

                java.dataOffset(MbufLayout.HEADROOM);
                c.dataOffset(MbufLayout.HEADROOM);
            }
            pool.free(java.address());
            pool.free(c.address());
        }
    }

    private static void assertSameShape(final Mbuf expected, final Mbuf actual)
    {
        assertEquals(expected.dataOffset(), actual.dataOffset());
        assertEquals(expected.dataLength(), actual.dataLength());
        assertEquals(expected.packetLength(), actual.packetLength());
    }

    @Test
    void shouldExplainWhenArgumentsAreOutOfRange()
    {
        DpdkTestSupport.eal();

        final IllegalArgumentException cache = assertThrows(
            IllegalArgumentException.class, () -> MbufPool.create("bad_cache", 100, 100, 2176));
        assertThrows(IllegalArgumentException.class, () -> MbufPool.create("", 100, 0, 2176));
        assertThrows(IllegalArgumentException.class, () -> MbufPool.create("a_name_far_too_long_for_dpdk", 100, 0, 2176));
        assertThrows(IllegalArgumentException.class, () -> MbufPool.create("bad_room", 100, 0, 64));
        assertThrows(IllegalArgumentException.class, () -> MbufPool.create("bad_count", 0, 0, 2176));

        assertTrue(cache.getMessage().contains("count / 1.5"), cache.getMessage());
    }

    @Test
    void shouldReportDpdkErrorWhenNameIsTaken()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(15))
        {
            final DpdkException ex = assertThrows(DpdkException.class, () -> MbufPool.create(pool.name(), 15, 0, 2176));

            assertEquals(-17, ex.error());
            assertTrue(ex.getMessage().contains("'" + pool.name() + "'"), ex.getMessage());
            assertTrue(ex.getMessage().contains("File exists"), ex.getMessage());
        }
    }

    @Test
    void shouldRejectPointerArrayWhenCountDoesNotFit()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(15); Arena arena = Arena.ofConfined())
        {
            final MemorySegment pointers = arena.allocate(JAVA_LONG, 4);

            assertThrows(IllegalArgumentException.class, () -> pool.allocBulk(pointers, 5));
            assertThrows(IllegalArgumentException.class, () -> pool.freeBulk(pointers, -1));
            assertEquals(0, pool.inUseCount());
        }
    }

    @Test
    void shouldRefuseAllocWhenClosed()
    {
        final MbufPool pool = DpdkTestSupport.newPool(15);
        pool.close();
        pool.close();

        assertThrows(IllegalStateException.class, pool::alloc);
        assertThrows(IllegalStateException.class, pool::inUseCount);
    }

    @Test
    void shouldUsePerLcoreCacheAndKeepCountsExactWhenThreadIsRegistered()
    {
        final Eal eal = DpdkTestSupport.eal();
        eal.registerCurrentThread();
        try (MbufPool pool = MbufPool.create("test_cached_pool", 255, 32, MbufPool.DEFAULT_DATA_ROOM_SIZE))
        {
            final long mbuf = pool.alloc();
            assertEquals(1, pool.inUseCount());
            pool.free(mbuf);
            assertEquals(0, pool.inUseCount());
            assertEquals(255, pool.availableCount());
        }
        finally
        {
            eal.unregisterCurrentThread();
        }
    }
}
