package io.sluice.dataplane.maglev;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv4;
import static io.sluice.dataplane.maglev.MaglevTestBackends.ipv6WithPort;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaglevBackendTest
{
    @Test
    void shouldRejectWeightWhenNegativeOrTooLarge()
    {
        assertMessage("backend 10.0.0.1 weight -1 out of range 0..65535", () -> new MaglevBackend(new byte[]{ 10, 0, 0, 1 }, -1));
        assertMessage("backend 10.0.0.1:80 weight 65536 out of range 0..65535", () -> new MaglevBackend(new byte[]{ 10, 0, 0, 1, 0, 80 }, 65536));
    }

    @Test
    void shouldRejectIdentityWhenNullEmptyOrTooLong()
    {
        assertMessage("backend identity must not be null", () -> new MaglevBackend(null, 1));
        assertMessage("backend identity length 0 out of range 1..64", () -> new MaglevBackend(new byte[0], 1));
        assertMessage("backend identity length 65 out of range 1..64", () -> new MaglevBackend(new byte[65], 1));
    }

    @Test
    void shouldAcceptBoundsWhenWeightAndLengthAreAtLimits()
    {
        assertEquals(0, new MaglevBackend(new byte[1], 0).weight());
        assertEquals(MaglevBackend.MAX_WEIGHT, new MaglevBackend(new byte[MaglevBackend.MAX_IDENTITY_LENGTH], MaglevBackend.MAX_WEIGHT).weight());
    }

    @Test
    void shouldKeepIdentityWhenCallerChangesArrays()
    {
        final byte[] identity = { 10, 0, 0, 7 };
        final MaglevBackend backend = new MaglevBackend(identity, 1);
        identity[3] = 8;
        backend.identity()[3] = 9;

        assertArrayEquals(new byte[]{ 10, 0, 0, 7 }, backend.identity());
    }

    @Test
    void shouldCompareByIdentityWhenWeightsDiffer()
    {
        assertTrue(ipv4(1, 1).sameIdentityAs(ipv4(1, 9)));
        assertNotEquals(ipv4(1, 1), ipv4(1, 9));
        assertEquals(ipv4(1, 3), ipv4(1, 3));
        assertEquals(ipv4(1, 3).hashCode(), ipv4(1, 3).hashCode());
        assertEquals(0, ipv4(1, 1).compareIdentity(ipv4(1, 2)));
        assertTrue(ipv4(1, 1).compareIdentity(ipv4(2, 1)) < 0);
        assertTrue(new MaglevBackend(new byte[]{ (byte)0x80 }, 1).compareIdentity(new MaglevBackend(new byte[]{ 0x7F }, 1)) > 0);
        assertTrue(new MaglevBackend(new byte[]{ 10, 0 }, 1).compareIdentity(new MaglevBackend(new byte[]{ 10, 0, 0 }, 1)) < 0);
        assertFalse(ipv4(1, 1).sameIdentityAs(ipv4(2, 1)));
    }

    @Test
    void shouldFormatIdentityWhenLengthIsKnown()
    {
        assertEquals("10.0.1.2", ipv4(258, 1).identityText());
        assertEquals("10.0.0.1:8080", new MaglevBackend(new byte[]{ 10, 0, 0, 1, 0x1F, (byte)0x90 }, 1).identityText());
        assertEquals("[2001:db8:0:0:0:0:0:1bc]:443", ipv6WithPort(444, 443, 1).identityText());
        assertEquals("0xff0001", new MaglevBackend(new byte[]{ (byte)0xFF, 0, 1 }, 1).identityText());
        assertEquals("MaglevBackend{10.0.0.5 weight 3}", ipv4(5, 3).toString());

        final byte[] mapped = new byte[16];
        mapped[10] = (byte)0xFF;
        mapped[11] = (byte)0xFF;
        mapped[12] = 10;
        mapped[15] = 1;
        assertEquals("0:0:0:0:0:ffff:a00:1", new MaglevBackend(mapped, 1).identityText());
    }

    private static void assertMessage(final String expected, final Executable executable)
    {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, executable).getMessage());
    }
}
