package io.sluice.dpdk;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacAddressTest
{
    @Test
    void shouldPutFirstWireByteMostSignificantWhenBuiltFromBytes()
    {
        final MacAddress mac = MacAddress.of(new byte[] {0x02, 0x70, 0x63, 0x61, 0x70, (byte)0xFE});

        assertEquals(0x0270_6361_70FEL, mac.value());
        assertEquals("02:70:63:61:70:fe", mac.toString());
        assertArrayEquals(new byte[] {0x02, 0x70, 0x63, 0x61, 0x70, (byte)0xFE}, mac.bytes());
    }

    @Test
    void shouldRoundTripWhenParsingItsOwnText()
    {
        assertEquals(new MacAddress(0xFFFF_FFFF_FFFFL), MacAddress.parse("FF-ff-FF-ff-FF-ff"));
        assertEquals("00:00:5e:00:01:07", MacAddress.parse("00:00:5e:00:01:07").toString());
    }

    @Test
    void shouldReportAddressBitsWhenAsked()
    {
        assertTrue(MacAddress.parse("02:00:00:00:00:01").isLocallyAdministered());
        assertFalse(MacAddress.parse("02:00:00:00:00:01").isMulticast());
        assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
        assertFalse(MacAddress.parse("00:1b:21:00:00:01").isLocallyAdministered());
    }

    @Test
    void shouldRejectWhenInputIsNotAMacAddress()
    {
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:00"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:00:0g"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("2:00:00:00:00:01"));
    }
}
