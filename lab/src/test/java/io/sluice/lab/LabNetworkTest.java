package io.sluice.lab;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.sluice.lab.LabTopology.BACKENDS;
import static io.sluice.lab.LabTopology.CLIENT_IPV4;
import static io.sluice.lab.LabTopology.CLIENT_IPV6;
import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.HTTP_PORT;
import static io.sluice.lab.LabTopology.LB_INTERFACE;
import static io.sluice.lab.LabTopology.LB_MAC;
import static io.sluice.lab.LabTopology.LB_NAMESPACE;
import static io.sluice.lab.LabTopology.UDP_ECHO_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lab as {@code lab.sh up} leaves it, without a load balancer: the client reaches every
 * backend's own address through the router over real TCP (HTTP keep-alive) and UDP, IPv4 and IPv6;
 * the LB's kernel has no part in {@code sl-lb0}; offloads are off on every veth; and the names and
 * addresses in {@link LabTopology} are the ones the script used.
 */
@Tag("lab")
@ExtendWith(SharedLab.class)
class LabNetworkTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> OFFLOADS_THAT_MUST_BE_OFF = List.of("tx-checksumming", "rx-checksumming",
        "tcp-segmentation-offload", "generic-segmentation-offload", "generic-receive-offload");
    private static final Pattern VETH_NAME = Pattern.compile("\"ifname\":\"([^\"]+)\"");

    private static final LabScript LAB = LabScript.locate();

    static Stream<Arguments> backendAddresses()
    {
        final List<Arguments> arguments = new ArrayList<>();
        for (final LabBackend backend : BACKENDS)
        {
            arguments.add(Arguments.of(backend, backend.ipv4(), CLIENT_IPV4));
            arguments.add(Arguments.of(backend, backend.ipv6(), CLIENT_IPV6));
        }
        return arguments.stream();
    }

    @ParameterizedTest
    @MethodSource("backendAddresses")
    void shouldAnswerHttpWithTheBackendNameOnOneKeptAliveConnectionWhenTheClientConnectsThroughTheRouter(
        final LabBackend backend, final String address, final String clientAddress) throws Exception
    {
        try (LabHttpConnection connection = LabHttpConnection.open(CLIENT_NAMESPACE, address, HTTP_PORT, TIMEOUT))
        {
            final String client = httpAddress(clientAddress) + ":" + connection.localAddress().getPort();
            for (int request = 0; request < 3; request++)
            {
                final LabHttpConnection.Response response = connection.get("/request-" + request);
                assertEquals(200, response.status());
                assertEquals(backend.name() + "\n", response.body());
                assertEquals(backend.name(), response.header("X-Backend"));
                assertEquals(client, response.header("X-Client"), "the backend sees the client's own address and port");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backendAddresses")
    void shouldEchoUdpAfterTheBackendNameWhenTheClientSendsADatagram(
        final LabBackend backend, final String address, final String clientAddress) throws Exception
    {
        final InetSocketAddress target = new InetSocketAddress(InetAddress.ofLiteral(address), UDP_ECHO_PORT);
        try (DatagramSocket socket = NetworkNamespace.call(CLIENT_NAMESPACE, () ->
        {
            final DatagramSocket created = new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral(clientAddress), 0));
            created.setSoTimeout(Math.toIntExact(TIMEOUT.toMillis()));
            return created;
        }))
        {
            final byte[] request = ("ping " + address).getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(request, request.length, target));
            final DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
            socket.receive(reply);

            assertEquals(backend.name() + "\nping " + address,
                new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
            assertEquals(target, reply.getSocketAddress(), "answered from the address it was sent to");
        }
    }

    /**
     * The Sluice daemon binds its DPDK port to {@code sl-lb0} with either driver: both must reach
     * every backend (ARP and ND requests out, replies back).
     */
    @ParameterizedTest
    @ValueSource(strings = {"net_af_packet61", "net_af_xdp62"})
    @Tag("dpdk")
    void shouldReachEveryBackendWhenDpdkOpensTheLbPortWithDriver(final String driverInstance) throws Exception
    {
        final List<byte[]> requests = new ArrayList<>();
        final Set<String> expected = new TreeSet<>();
        for (final LabBackend backend : BACKENDS)
        {
            requests.add(TestPackets.arpRequest(LB_MAC, LabTopology.LB_IPV4, backend.ipv4()));
            requests.add(TestPackets.neighbourSolicitation(LB_MAC, LabTopology.LB_IPV6, backend.ipv6()));
            expected.add(backend.ipv4() + " is-at " + backend.mac());
            expected.add(TestPackets.canonical(backend.ipv6()) + " is-at " + backend.mac());
        }
        try (LbPort port = LbPort.open(driverInstance + ",iface=" + LB_INTERFACE))
        {
            assertEquals(LB_MAC, port.mac());
            port.send(requests.toArray(byte[][]::new));

            assertEquals(expected, port.awaitNeighbourAnswers(expected, TIMEOUT));
        }
    }

    @Test
    void shouldGiveTheLbKernelNoPartInItsPortWhenTheLabIsUp()
    {
        final String link = Commands.inNamespace(LB_NAMESPACE, "ip", "-j", "-d", "address", "show", "dev", LB_INTERFACE);
        assertTrue(link.contains("\"addr_info\":[]"), "no kernel address on " + LB_INTERFACE + ": " + link);
        assertTrue(link.contains("\"NOARP\""), "ARP off: " + link);
        assertTrue(link.contains("\"address\":\"" + LB_MAC + "\""), "the MAC LabTopology names: " + link);
        assertTrue(link.contains("\"num_tx_queues\":1") && link.contains("\"num_rx_queues\":1"),
            "one queue each way, for af_xdp: " + link);
        assertEquals("1", Commands.inNamespace(LB_NAMESPACE, "sysctl", "-n", "net.ipv6.conf." + LB_INTERFACE + ".disable_ipv6").strip());
        assertEquals("0", Commands.inNamespace(LB_NAMESPACE, "sysctl", "-n", "net.ipv4.ip_forward").strip());
    }

    @Test
    void shouldTurnOffloadsOffOnEveryVethWhenTheLabIsUp()
    {
        int veths = 0;
        for (final String namespace : LabTopology.NAMESPACES)
        {
            final Matcher names = VETH_NAME.matcher(Commands.inNamespace(namespace, "ip", "-j", "link", "show", "type", "veth"));
            while (names.find())
            {
                final String features = Commands.inNamespace(namespace, "ethtool", "-k", names.group(1));
                for (final String offload : OFFLOADS_THAT_MUST_BE_OFF)
                {
                    assertTrue(Pattern.compile("(?m)^" + offload + ": off").matcher(features).find(),
                        offload + " on " + namespace + "/" + names.group(1) + ":\n" + features);
                }
                veths++;
            }
        }
        assertEquals(2 * 12, veths, "client-router, router-LAN, two LB-LAN pairs (DPDK, management) per LB, "
            + "three backend-LAN and three sync (lb1, lb2, rogue) veth pairs");
    }

    @Test
    void shouldBuildWhatLabTopologyDescribesWhenTheScriptRuns()
    {
        for (final LabBackend backend : BACKENDS)
        {
            final String lan = Commands.inNamespace(backend.namespace(), "ip", "-br", "address", "show", "dev", backend.interfaceName());
            assertTrue(lan.contains(backend.ipv4() + "/24") && lan.contains(backend.ipv6() + "/64"), lan);
            final String mac = Commands.inNamespace(backend.namespace(), "ip", "-br", "link", "show", "dev", backend.interfaceName());
            assertTrue(mac.contains(backend.mac()), mac);
            final String loopback = Commands.inNamespace(backend.namespace(), "ip", "-br", "address", "show", "dev", "lo");
            for (final String vip : LabTopology.VIPS_IPV4)
            {
                assertTrue(loopback.contains(vip + "/32"), loopback);
            }
            for (final String vip : LabTopology.VIPS_IPV6)
            {
                assertTrue(loopback.contains(vip + "/128"), loopback);
            }
            assertEquals(0, LAB.counters(backend).failed(), "decap attached to " + backend.interfaceName() + " and never failed");
        }
        final String routes = Commands.inNamespace(LabTopology.ROUTER_NAMESPACE, "ip", "route") +
            Commands.inNamespace(LabTopology.ROUTER_NAMESPACE, "ip", "-6", "route");
        assertTrue(routes.contains(LabTopology.VIP_RANGE_IPV4 + " via " + LabTopology.LB_IPV4 + " dev " +
            LabTopology.ROUTER_LAN_INTERFACE), routes);
        assertTrue(routes.contains(LabTopology.VIP_RANGE_IPV6 + " via " + LabTopology.LB_IPV6 + " dev " +
            LabTopology.ROUTER_LAN_INTERFACE), routes);
        final String router = Commands.inNamespace(LabTopology.ROUTER_NAMESPACE, "ip", "-br", "link", "show", "dev",
            LabTopology.ROUTER_LAN_INTERFACE);
        assertTrue(router.contains(LabTopology.ROUTER_LAN_MAC), router);
        final String client = Commands.inNamespace(CLIENT_NAMESPACE, "ip", "-br", "link", "show", "dev",
            LabTopology.CLIENT_INTERFACE);
        assertTrue(client.contains(LabTopology.CLIENT_MAC), client);
        assertFalse(Commands.run("ip", "-br", "link").contains("sl-"), "nothing of the lab in the root namespace");
    }

    private static String httpAddress(final String literal)
    {
        return literal.contains(":") ? "[" + literal + "]" : literal;
    }
}
