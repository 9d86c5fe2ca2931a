package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flyweight over a hand-built rte_mbuf in ordinary native memory: no DPDK needed.
 */
class MbufTest
{
    private static final int BUFFER_LENGTH = 2176;
    private static final int HEADROOM = 128;

    private Arena arena;
    private MemorySegment raw;
    private final Mbuf mbuf = new Mbuf();

    @BeforeEach
    void setUp()
    {
        arena = Arena.ofConfined();
        raw = arena.allocate(MbufLayout.STRUCT_SIZE + BUFFER_LENGTH, 64);
        raw.set(JAVA_LONG, MbufLayout.BUF_ADDR_OFFSET, raw.address() + MbufLayout.STRUCT_SIZE);
        raw.set(JAVA_SHORT, MbufLayout.BUF_LEN_OFFSET, (short)BUFFER_LENGTH);
        raw.set(JAVA_SHORT, MbufLayout.DATA_OFF_OFFSET, (short)HEADROOM);
        raw.set(JAVA_SHORT, MbufLayout.NB_SEGS_OFFSET, (short)1);
        mbuf.wrap(raw.address());
    }

    @AfterEach
    void tearDown()
    {
        arena.close();
    }

    private void assertShape(final int dataOffset, final int length)
    {
        assertEquals(dataOffset, mbuf.dataOffset());
        assertEquals(length, mbuf.dataLength());
        assertEquals(length, mbuf.packetLength());
        assertEquals(dataOffset, raw.get(JAVA_SHORT, MbufLayout.DATA_OFF_OFFSET));
        assertEquals(length, raw.get(JAVA_SHORT, MbufLayout.DATA_LEN_OFFSET));
        assertEquals(length, raw.get(JAVA_INT, MbufLayout.PKT_LEN_OFFSET));
    }

    @Test
    void shouldReadFieldsAtTheirOffsetsWhenWrapped()
    {
        raw.set(JAVA_SHORT, MbufLayout.PORT_OFFSET, (short)3);
        raw.set(JAVA_LONG, MbufLayout.OL_FLAGS_OFFSET, 0x0102_0304_0506_0708L);
        raw.set(JAVA_INT, MbufLayout.PACKET_TYPE_OFFSET, 0x211);
        raw.set(JAVA_INT, MbufLayout.HASH_RSS_OFFSET, 0xCAFE_BABE);
        raw.set(JAVA_LONG, MbufLayout.NEXT_OFFSET, 0x1000L);

        assertEquals(raw.address(), mbuf.address());
        assertEquals(raw.address() + MbufLayout.STRUCT_SIZE, mbuf.bufferAddress());
        assertEquals(BUFFER_LENGTH, mbuf.bufferLength());
        assertEquals(1, mbuf.segmentCount());
        assertEquals(3, mbuf.port());
        assertEquals(0x0102_0304_0506_0708L, mbuf.offloadFlags());
        assertEquals(0x211, mbuf.packetType());
        assertEquals(0xCAFE_BABE, mbuf.rssHash());
        assertEquals(0x1000L, mbuf.nextAddress());
        assertEquals(raw.address() + MbufLayout.STRUCT_SIZE + HEADROOM, mbuf.dataAddress());
    }

    @Test
    void shouldReturnSameFlyweightWhenWrapping()
    {
        assertSame(mbuf, mbuf.wrap(raw.address()));
    }

    @Test
    void shouldSetDataAndPacketLengthTogetherWhenSettingLength()
    {
        mbuf.setLength(1500);

        assertShape(HEADROOM, 1500);
        assertEquals(HEADROOM, mbuf.headroom());
        assertEquals(BUFFER_LENGTH - HEADROOM - 1500, mbuf.tailroom());
    }

    @Test
    void shouldRejectLengthWhenItExceedsTheBuffer()
    {
        mbuf.setLength(BUFFER_LENGTH - HEADROOM);

        assertThrows(IllegalArgumentException.class, () -> mbuf.setLength(BUFFER_LENGTH - HEADROOM + 1));
        assertThrows(IllegalArgumentException.class, () -> mbuf.setLength(-1));
        assertShape(HEADROOM, BUFFER_LENGTH - HEADROOM);
    }

    @Test
    void shouldMoveDataStartWhenSettingDataOffset()
    {
        mbuf.setLength(100);
        mbuf.dataOffset(64);

        assertShape(64, 100);
        assertEquals(mbuf.bufferAddress() + 64, mbuf.dataAddress());
        assertThrows(IllegalArgumentException.class, () -> mbuf.dataOffset(BUFFER_LENGTH - 99));
        assertThrows(IllegalArgumentException.class, () -> mbuf.dataOffset(-1));
        assertShape(64, 100);
    }

    @Test
    void shouldGrowIntoHeadroomWhenPrependFits()
    {
        mbuf.setLength(60);

        assertTrue(mbuf.prepend(20));
        assertShape(HEADROOM - 20, 80);
        assertTrue(mbuf.prepend(HEADROOM - 20));
        assertShape(0, 60 + HEADROOM);
    }

    @Test
    void shouldChangeNothingWhenPrependExceedsHeadroom()
    {
        mbuf.setLength(60);

        assertFalse(mbuf.prepend(HEADROOM + 1));
        assertFalse(mbuf.prepend(-1));
        assertShape(HEADROOM, 60);
    }

    @Test
    void shouldAcceptZeroLengthPrependAndAdj()
    {
        mbuf.setLength(60);

        assertTrue(mbuf.prepend(0));
        assertTrue(mbuf.adj(0));
        assertShape(HEADROOM, 60);
    }

    @Test
    void shouldStripFromFrontWhenAdjFits()
    {
        mbuf.setLength(60);

        assertTrue(mbuf.adj(14));
        assertShape(HEADROOM + 14, 46);
        assertTrue(mbuf.adj(46));
        assertShape(HEADROOM + 60, 0);
    }

    @Test
    void shouldChangeNothingWhenAdjExceedsDataLength()
    {
        mbuf.setLength(60);

        assertFalse(mbuf.adj(61));
        assertFalse(mbuf.adj(-1));
        assertShape(HEADROOM, 60);
    }

    @Test
    void shouldUndoPrependWhenAdjustingBySameLength()
    {
        mbuf.setLength(60);
        final long dataAddress = mbuf.dataAddress();

        assertTrue(mbuf.prepend(20));
        assertEquals(dataAddress - 20, mbuf.dataAddress());
        assertTrue(mbuf.adj(20));
        assertEquals(dataAddress, mbuf.dataAddress());
        assertShape(HEADROOM, 60);
    }

    @Test
    void shouldGrowIntoTailroomWhenAppendFits()
    {
        mbuf.setLength(60);
        final int tailroom = mbuf.tailroom();

        assertTrue(mbuf.append(tailroom));
        assertShape(HEADROOM, 60 + tailroom);
        assertEquals(0, mbuf.tailroom());
        assertFalse(mbuf.append(1));
        assertShape(HEADROOM, 60 + tailroom);
    }

    @Test
    void shouldShrinkFromEndWhenTrimFits()
    {
        mbuf.setLength(60);

        assertTrue(mbuf.trim(10));
        assertShape(HEADROOM, 50);
        assertFalse(mbuf.trim(51));
        assertFalse(mbuf.trim(-1));
        assertShape(HEADROOM, 50);
    }

    @Test
    void shouldRefuseAppendAndTrimWhenMbufHasSeveralSegments()
    {
        mbuf.setLength(60);
        raw.set(JAVA_SHORT, MbufLayout.NB_SEGS_OFFSET, (short)2);

        assertFalse(mbuf.append(1));
        assertFalse(mbuf.trim(1));
        assertShape(HEADROOM, 60);
    }

    @Test
    void shouldSpanAllMemoryWhenAskedForTheMemorySegment()
    {
        assertEquals(0L, Mbuf.memory().address());
        assertEquals(Long.MAX_VALUE, Mbuf.memory().byteSize());
        assertSame(Mbuf.memory(), Mbuf.memory());
    }
}
