package io.sluice.lab;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lab's names and addresses as code sees them, and refusals of names the lab does not have; needs no lab. */
class LabTopologyTest
{
    @Test
    void shouldNameBackendsAsLabShDoesWhenNumbered()
    {
        assertEquals(new LabBackend("be3", "sl-be3", "sl-be3-lan", "203.0.113.13", "2001:db8:113::13", "02:00:cb:00:71:0d"),
            LabBackend.number(3));
        assertEquals(LabBackend.number(1), LabTopology.backend("be1"));
        assertEquals(List.of("sl-client", "sl-router", "sl-lan", "sl-lb", "sl-be1", "sl-be2", "sl-be3"), LabTopology.NAMESPACES);
    }

    @Test
    void shouldGiveDpdkDevargsForTheLbInterface()
    {
        assertEquals("net_af_packet0,iface=sl-lb0", LabTopology.afPacketDevice(0));
        assertEquals("net_af_xdp1,iface=sl-lb0", LabTopology.afXdpDevice(1));
    }

    @Test
    void shouldRefuseBackendsTheLabDoesNotHave()
    {
        assertThrows(IllegalArgumentException.class, () -> LabBackend.number(0));
        assertThrows(IllegalArgumentException.class, () -> LabBackend.number(4));
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> LabTopology.backend("be9"));
        assertTrue(unknown.getMessage().contains("be9"), unknown.getMessage());
    }

    @Test
    void shouldRefuseANamespaceThatDoesNotExist()
    {
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> NetworkNamespace.call("sl-no-such-namespace", () -> 1));
        assertTrue(missing.getMessage().contains("sl-no-such-namespace"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.call("../etc", () -> 1));
    }
}
