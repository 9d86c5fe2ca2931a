package io.sluice.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lab's names and addresses as code sees them, refusals of names the lab does not have, and the
 * keepalived configurations the lab writes; needs no lab.
 */
class LabTopologyTest
{
    @Test
    void shouldNameBackendsAsLabShDoesWhenNumbered()
    {
        assertEquals(new LabBackend("be3", "sl-be3", "sl-be3-lan", "203.0.113.13", "2001:db8:113::13", "02:00:cb:00:71:0d"),
            LabBackend.number(3));
        assertEquals(LabBackend.number(1), LabTopology.backend("be1"));
        assertEquals(List.of("sl-client", "sl-router", "sl-lan", "sl-lb", "sl-be1", "sl-be2", "sl-be3", "sl-lb2", "sl-rogue"),
            LabTopology.NAMESPACES);
    }

    @Test
    void shouldGiveDpdkDevargsForTheLbInterface()
    {
        assertEquals("net_af_packet0,iface=sl-lb0", LabTopology.afPacketDevice(0));
        assertEquals("net_af_xdp1,iface=sl-lb0", LabTopology.afXdpDevice(1));
    }

    @Test
    void shouldNameLoadBalancersAsLabShDoesWhenLookedUp()
    {
        assertEquals(new LabLbHost("lb2", "sl-lb2", "sl-lb2-lan", "02:00:cb:00:71:04", "203.0.113.4", "2001:db8:113::4",
            "sl-lb2-mgmt", "02:00:cb:00:71:05", "203.0.113.5", "2001:db8:113::5",
            "sl-lb2-sync", "02:00:c6:12:00:02", "198.18.0.2", "2001:db8:18::2"), LabTopology.loadBalancer("lb2"));
        assertEquals(LabTopology.LB_NAMESPACE, LabTopology.loadBalancer("lb1").namespace());
        assertEquals(LabTopology.LB_MGMT_IPV4, LabTopology.LB1.mgmtIpv4());
        assertEquals("net_af_packet3,iface=sl-lb2-lan", LabTopology.LB2.afPacketDevice(3));
        assertEquals("net_af_xdp0,iface=sl-lb2-lan", LabTopology.LB2.afXdpDevice(0));
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> LabTopology.loadBalancer("lb3"));
        assertTrue(unknown.getMessage().contains("lb3"), unknown.getMessage());
    }

    @Test
    void shouldRefuseAnEcmpSetWithoutLoadBalancersWhenAsked()
    {
        assertThrows(IllegalArgumentException.class, () -> LabScript.locate().ecmp("192.0.2.99"));
    }

    @Test
    void shouldWriteVrrpv3InstancesWithPreemptionAndUnicastPeersWhenConfigured()
    {
        final Keepalived.Config config = Keepalived.Config.of("ka-test", "sl-lb2", "sl-lb2-mgmt",
            Keepalived.Instance.multicast("V4", 51, "192.0.2.250/32"),
            Keepalived.Instance.multicast("V6", 52, "2001:db8:100::250/128").unicast("2001:db8:113::5", "2001:db8:113::3"))
            .withPriority(150).withAdvertInterval(10);
        final String preempting = config.withPreempt(Duration.ofMillis(1500)).text(Path.of("/run/n.sh"));
        assertTrue(preempting.contains("vrrp_version 3\n"), preempting);
        assertTrue(preempting.contains("vrrp_instance V4 {\n    state BACKUP\n    interface sl-lb2-mgmt\n" +
            "    virtual_router_id 51\n    priority 150\n    advert_int 0.10\n    preempt_delay 1.500\n"), preempting);
        assertTrue(preempting.contains("    unicast_src_ip 2001:db8:113::5\n    unicast_peer {\n        2001:db8:113::3\n    }\n"),
            preempting);
        assertTrue(preempting.contains("        2001:db8:100::250/128 dev sl-lb2-mgmt\n"), preempting);
        assertTrue(preempting.contains("    notify \"/run/n.sh\"\n"), preempting);
        assertFalse(preempting.contains("nopreempt"), preempting);
        final String keeping = config.withNoPreempt().text(Path.of("/run/n.sh"));
        assertTrue(keeping.contains("    nopreempt\n") && !keeping.contains("preempt_delay"), keeping);
    }

    @Test
    void shouldRefuseKeepalivedSettingsVrrpDoesNotAllowWhenConfigured()
    {
        final Keepalived.Instance v4 = Keepalived.Instance.multicast("V4", 51, "192.0.2.250");
        assertThrows(IllegalArgumentException.class, () -> Keepalived.Instance.multicast("V4", 0, "192.0.2.250"));
        assertThrows(IllegalArgumentException.class, () -> Keepalived.Instance.multicast("V4", 256, "192.0.2.250"));
        assertThrows(IllegalArgumentException.class, () -> Keepalived.Instance.multicast("V4", 51));
        assertThrows(IllegalArgumentException.class, () -> Keepalived.Instance.multicast("V4", 51, "192.0.2.250", "2001:db8::1"));
        assertThrows(IllegalArgumentException.class, () -> Keepalived.Instance.multicast("V 4", 51, "192.0.2.250"));
        assertThrows(IllegalArgumentException.class, () -> v4.unicast(null, "not-an-address"));
        final Keepalived.Config config = Keepalived.Config.of("ka", "sl-lb2", "sl-lb2-mgmt", v4);
        assertThrows(IllegalArgumentException.class, () -> config.withPriority(0));
        assertThrows(IllegalArgumentException.class, () -> config.withPriority(256));
        assertThrows(IllegalArgumentException.class, () -> config.withAdvertInterval(0));
        assertThrows(IllegalArgumentException.class, () -> config.withAdvertInterval(4096));
        assertThrows(IllegalArgumentException.class, () -> config.withNoPreempt().withPreempt(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> Keepalived.Config.of("ka", "sl-lb2", "sl-lb2-mgmt"));
        assertThrows(IllegalArgumentException.class, () -> Keepalived.Config.of("ka", "sl-lb2", "sl-lb2-mgmt", v4,
            Keepalived.Instance.multicast("V4b", 51, "192.0.2.251")));
        assertThrows(IllegalArgumentException.class, () -> Keepalived.Config.of("ka", "sl-lb2", "sl-lb2-mgmt", v4,
            Keepalived.Instance.multicast("V4", 53, "192.0.2.251")));
        Keepalived.Config.of("ka", "sl-lb2", "sl-lb2-mgmt", v4, Keepalived.Instance.multicast("V6", 51, "2001:db8:100::250"));
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
