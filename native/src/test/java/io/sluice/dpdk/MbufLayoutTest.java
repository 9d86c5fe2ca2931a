package io.sluice.dpdk;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MbufLayoutTest
{
    private static int[] javaValues()
    {
        return new int[]
        {
            MbufLayout.BUF_ADDR_OFFSET, MbufLayout.DATA_OFF_OFFSET, MbufLayout.PKT_LEN_OFFSET,
            MbufLayout.DATA_LEN_OFFSET, MbufLayout.BUF_LEN_OFFSET, MbufLayout.NB_SEGS_OFFSET,
            MbufLayout.PORT_OFFSET, MbufLayout.OL_FLAGS_OFFSET, MbufLayout.PACKET_TYPE_OFFSET,
            MbufLayout.HASH_RSS_OFFSET, MbufLayout.NEXT_OFFSET, MbufLayout.STRUCT_SIZE, MbufLayout.HEADROOM
        };
    }

    @Test
    void shouldAcceptWhenNativeValuesMatch()
    {
        assertDoesNotThrow(() -> MbufLayout.verify(javaValues()));
    }

    @Test
    void shouldNameFieldAndBothValuesWhenOneOffsetDiffers()
    {
        final int[] nativeValues = javaValues();
        nativeValues[1] = 18;

        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> MbufLayout.verify(nativeValues));

        assertTrue(ex.getMessage().startsWith("refusing to run"), ex.getMessage());
        assertTrue(ex.getMessage().contains("(data_off: Java 16, C 18)"), ex.getMessage());
    }

    @Test
    void shouldListEveryMismatchWhenSeveralDiffer()
    {
        final int[] nativeValues = javaValues();
        nativeValues[3] = 42;
        nativeValues[10] = 8;

        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> MbufLayout.verify(nativeValues));

        assertTrue(ex.getMessage().contains("(data_len: Java 40, C 42; next: Java 64, C 8)"), ex.getMessage());
    }

    @Test
    void shouldRejectWhenNativeReportsAnotherFieldCount()
    {
        assertThrows(IllegalArgumentException.class, () -> MbufLayout.verify(new int[] {0, 16}));
    }

    @Test
    void shouldKeepFieldNamesAlignedWithValues()
    {
        assertEquals(javaValues().length, MbufLayout.FIELD_NAMES.length);
        assertEquals("hash.rss", MbufLayout.FIELD_NAMES[9]);
    }
}
