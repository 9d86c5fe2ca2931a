package io.sluice.lab;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.sluice.lab.LabTopology.LAN_NAMESPACE;
import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.LB2;
import static io.sluice.lab.LabTopology.LOAD_BALANCERS;
import static io.sluice.lab.LabTopology.ROGUE_NAMESPACE;
import static io.sluice.lab.LabTopology.ROGUE_SYNC_INTERFACE;
import static io.sluice.lab.LabTopology.ROGUE_SYNC_IPV4;
import static io.sluice.lab.LabTopology.ROGUE_SYNC_IPV6;
import static io.sluice.lab.LabTopology.ROGUE_SYNC_MAC;
import static io.sluice.lab.LabTopology.ROUTER_NAMESPACE;
import static io.sluice.lab.LabTopology.SYNC_BRIDGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two load-balancer hosts and the sync network as {@code lab.sh up} leaves them: each LB
 * namespace has its DPDK port with no kernel part in it, its management interface on the LAN and its
 * sync interface, with the names, MACs and addresses {@link LabTopology} gives; the sync network
 * carries UDP (IPv4 and IPv6) between the LBs and from the rogue namespace, and nothing routes to it.
 */
@Tag("lab")
@ExtendWith(SharedLab.class)
class LabHaNetworkTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int SYNC_TEST_PORT = 40_123;

    @Test
    void shouldGiveEachLbNamespaceItsPortManagementAndSyncInterfacesWhenTheLabIsUp()
    {
        for (final LabLbHost lb : LOAD_BALANCERS)
        {
            final String port = Commands.inNamespace(lb.namespace(), "ip", "-j", "-d", "address", "show", "dev", lb.interfaceName());
            assertTrue(port.contains("\"addr_info\":[]"), "no kernel address on the DPDK port: " + port);
            assertTrue(port.contains("\"NOARP\""), "ARP off: " + port);
            assertTrue(port.contains("\"address\":\"" + lb.mac() + "\""), port);
            assertTrue(port.contains("\"num_tx_queues\":1") && port.contains("\"num_rx_queues\":1"), port);
            assertEquals("1", sysctl(lb.namespace(), "net.ipv6.conf." + lb.interfaceName() + ".disable_ipv6"));
            assertEquals("0", sysctl(lb.namespace(), "net.ipv4.ip_forward"));

            assertInterface(lb.namespace(), lb.mgmtInterface(), lb.mgmtMac(), lb.mgmtIpv4() + "/24", lb.mgmtIpv6() + "/64");
            assertInterface(lb.namespace(), lb.syncInterface(), lb.syncMac(), lb.syncIpv4() + "/24", lb.syncIpv6() + "/64");
        }
        assertInterface(ROGUE_NAMESPACE, ROGUE_SYNC_INTERFACE, ROGUE_SYNC_MAC, ROGUE_SYNC_IPV4 + "/24", ROGUE_SYNC_IPV6 + "/64");
        final String syncPorts = Commands.inNamespace(LAN_NAMESPACE, "ip", "-br", "link", "show", "master", SYNC_BRIDGE);
        for (final String port : List.of("sl-bs-lb@", "sl-bs-lb2@", "sl-bs-rogue@"))
        {
            assertTrue(syncPorts.contains(port), port + " on " + SYNC_BRIDGE + ": " + syncPorts);
        }
        final String lanPorts = Commands.inNamespace(LAN_NAMESPACE, "ip", "-br", "link", "show", "master", LabTopology.LAN_BRIDGE);
        for (final String port : List.of("sl-br-lb@", "sl-br-mgmt@", "sl-br-lb2@", "sl-br-mgmt2@"))
        {
            assertTrue(lanPorts.contains(port), port + " on " + LabTopology.LAN_BRIDGE + ": " + lanPorts);
        }
        assertFalse(lanPorts.contains("sl-bs-"), "the sync network is not on the LAN: " + lanPorts);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldCarryUdpBetweenTheLbsAndFromTheRogueWhenSentOnTheSyncNetwork(final boolean ipv6) throws Exception
    {
        final String lb1 = ipv6 ? LB1.syncIpv6() : LB1.syncIpv4();
        final String lb2 = ipv6 ? LB2.syncIpv6() : LB2.syncIpv4();
        final String rogue = ipv6 ? ROGUE_SYNC_IPV6 : ROGUE_SYNC_IPV4;
        try (DatagramSocket atLb1 = bind(LB1.namespace(), lb1);
            DatagramSocket atLb2 = bind(LB2.namespace(), lb2);
            DatagramSocket atRogue = bind(ROGUE_NAMESPACE, rogue))
        {
            assertDelivered(atLb1, lb1, atLb2, lb2, "sync lb1 -> lb2");
            assertDelivered(atLb2, lb2, atLb1, lb1, "sync lb2 -> lb1");
            assertDelivered(atRogue, rogue, atLb1, lb1, "forged from the rogue -> lb1");
            assertDelivered(atRogue, rogue, atLb2, lb2, "forged from the rogue -> lb2");
        }
    }

    @Test
    void shouldRouteNothingToTheSyncNetworkWhenTheLabIsUp()
    {
        for (final String address : List.of(LB1.syncIpv4(), LB2.syncIpv6(), ROGUE_SYNC_IPV4))
        {
            assertThrows(IllegalStateException.class,
                () -> Commands.inNamespace(ROUTER_NAMESPACE, "ip", "route", "get", address), "the router has no route to " + address);
        }
        final String client = Commands.inNamespace(LabTopology.CLIENT_NAMESPACE, "ip", "-br", "address");
        assertFalse(client.contains("198.18.") || client.contains("2001:db8:18:"), client);
    }

    private static void assertInterface(final String namespace, final String interfaceName, final String mac,
        final String ipv4, final String ipv6)
    {
        final String addresses = Commands.inNamespace(namespace, "ip", "-br", "address", "show", "dev", interfaceName);
        assertTrue(addresses.contains(" UP ") && addresses.contains(ipv4) && addresses.contains(ipv6),
            namespace + "/" + interfaceName + ": " + addresses);
        final String link = Commands.inNamespace(namespace, "ip", "-br", "link", "show", "dev", interfaceName);
        assertTrue(link.contains(mac), namespace + "/" + interfaceName + ": " + link);
    }

    private static String sysctl(final String namespace, final String name)
    {
        return Commands.inNamespace(namespace, "sysctl", "-n", name).strip();
    }

    private static DatagramSocket bind(final String namespace, final String address) throws Exception
    {
        return NetworkNamespace.call(namespace, () ->
        {
            final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral(address), SYNC_TEST_PORT));
            socket.setSoTimeout(Math.toIntExact(TIMEOUT.toMillis()));
            return socket;
        });
    }

    private static void assertDelivered(final DatagramSocket from, final String fromAddress, final DatagramSocket to,
        final String toAddress, final String text) throws Exception
    {
        final byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        from.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(InetAddress.ofLiteral(toAddress), SYNC_TEST_PORT)));
        final DatagramPacket received = new DatagramPacket(new byte[1500], 1500);
        to.receive(received);
        assertEquals(text, new String(received.getData(), 0, received.getLength(), StandardCharsets.UTF_8));
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral(fromAddress), SYNC_TEST_PORT), received.getSocketAddress(), text);
    }
}
