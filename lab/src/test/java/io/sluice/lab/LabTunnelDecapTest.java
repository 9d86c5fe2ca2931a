package io.sluice.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.sluice.lab.LabTopology.BACKENDS;
import static io.sluice.lab.LabTopology.CLIENT_INTERFACE;
import static io.sluice.lab.LabTopology.CLIENT_IPV4;
import static io.sluice.lab.LabTopology.CLIENT_IPV6;
import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.GUE_PORT;
import static io.sluice.lab.LabTopology.HTTP_PORT;
import static io.sluice.lab.LabTopology.LB_IPV4;
import static io.sluice.lab.LabTopology.LB_IPV6;
import static io.sluice.lab.LabTopology.LB_MAC;
import static io.sluice.lab.LabTopology.VIPS_IPV4;
import static io.sluice.lab.LabTopology.VIPS_IPV6;
import static io.sluice.lab.TestPackets.ETHER_TYPE_IPV4;
import static io.sluice.lab.TestPackets.ETHER_TYPE_IPV6;
import static io.sluice.lab.TestPackets.PROTOCOL_IPV4;
import static io.sluice.lab.TestPackets.PROTOCOL_IPV6;
import static io.sluice.lab.TestPackets.PROTOCOL_TCP;
import static io.sluice.lab.TestPackets.PROTOCOL_UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backends' side of DSR and tunnel forwarding, without the load balancer: the test stands
 * where the LB stands, on a DPDK net_af_packet port on {@code sl-lb0} in {@code sl-lb}, and sends
 * the frames the LB would send, built by an encoder of its own. What answers is the backends' real
 * Linux stack: a TCP SYN from the client to a VIP, encapsulated in IPIP, GUE or neither, must be
 * answered with a SYN-ACK from the VIP that reaches the client through the router (captured by
 * tcpdump in {@code sl-client}, checksum verified), and the backend's decap counters must say which
 * path the packet took. Packets that are not for the decapsulator must reach the stack untouched,
 * and the backends must never claim a VIP on the LAN (ARP or ND), or DSR would break.
 */
@Tag("lab")
@Tag("dpdk")
@ExtendWith(SharedLab.class)
class LabTunnelDecapTest
{
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long QUIET_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final int AF_PACKET_INSTANCE = 60;
    private static final int OUTER_UDP_SOURCE_PORT = 49_152;
    private static final AtomicInteger NEXT_CLIENT_PORT = new AtomicInteger(40_000);
    private static final DecapCounters NOTHING = new DecapCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private static LabScript lab;
    private static LbPort port;
    private static PacketCapture client;

    /** How the LB would put a packet for the backend on the LAN. */
    enum Encapsulation
    {
        NONE, IPIP, GUE_V0, GUE_V1
    }

    /** Every tunnel shape the decapsulator takes, each to one backend. */
    enum Tunnel
    {
        IPIP_4IN4(1, false, false, Encapsulation.IPIP),
        IPIP_6IN6(2, true, true, Encapsulation.IPIP),
        IPIP_6IN4(3, false, true, Encapsulation.IPIP),
        IPIP_4IN6(1, true, false, Encapsulation.IPIP),
        GUE_V0_4IN4(2, false, false, Encapsulation.GUE_V0),
        GUE_V0_6IN4(3, false, true, Encapsulation.GUE_V0),
        GUE_V0_4IN6(1, true, false, Encapsulation.GUE_V0),
        GUE_V0_6IN6(2, true, true, Encapsulation.GUE_V0),
        GUE_V1_4IN4(3, false, false, Encapsulation.GUE_V1),
        GUE_V1_6IN6(1, true, true, Encapsulation.GUE_V1);

        private final LabBackend backend;
        private final boolean outerIpv6;
        private final boolean innerIpv6;
        private final Encapsulation encapsulation;

        Tunnel(final int backend, final boolean outerIpv6, final boolean innerIpv6, final Encapsulation encapsulation)
        {
            this.backend = LabBackend.number(backend);
            this.outerIpv6 = outerIpv6;
            this.innerIpv6 = innerIpv6;
            this.encapsulation = encapsulation;
        }

        DecapCounters expectedCounters()
        {
            return new DecapCounters(1, encapsulation == Encapsulation.IPIP ? 1 : 0,
                encapsulation == Encapsulation.GUE_V0 ? 1 : 0, encapsulation == Encapsulation.GUE_V1 ? 1 : 0,
                outerIpv6 ? 0 : 1, outerIpv6 ? 1 : 0, innerIpv6 ? 0 : 1, innerIpv6 ? 1 : 0, 0, 0);
        }
    }

    @BeforeAll
    static void openThePortAndTheCapture() throws Exception
    {
        lab = LabScript.locate();
        port = LbPort.open(LabTopology.afPacketDevice(AF_PACKET_INSTANCE));
        client = PacketCapture.start(CLIENT_NAMESPACE, CLIENT_INTERFACE, "tcp");
    }

    @AfterAll
    static void closeThePortAndTheCapture() throws Exception
    {
        try
        {
            if (client != null)
            {
                client.close();
            }
        }
        finally
        {
            try
            {
                if (port != null)
                {
                    port.close();
                }
            }
            finally
            {
                forgetHalfOpenConnections();
            }
        }
    }

    /**
     * The test's SYNs leave each backend a half-open connection from the client to a VIP, whose
     * SYN-ACK it retransmits for about 30 s; the client's kernel answers each with a reset to the VIP,
     * which the router sends to the LB. Without an LB here they are lost, but in the lab the next
     * class shares they would reach its daemon as packets of its services. The backends drop them
     * now ({@code ss -K}, the kernel's socket-destroy call).
     */
    private static void forgetHalfOpenConnections()
    {
        for (final LabBackend backend : BACKENDS)
        {
            Commands.inNamespace(backend.namespace(), "ss", "-K", "-tn", "state", "syn-recv");
            final String left = Commands.inNamespace(backend.namespace(), "ss", "-H", "-tn", "state", "syn-recv");
            assertEquals("", left.strip(), "half-open connections left on " + backend.name());
        }
    }

    @Test
    void shouldSendWithTheLbMacWhenDpdkOpensTheLbPort()
    {
        assertEquals(LB_MAC, port.mac(), "DPDK reports the MAC lab.sh gave sl-lb0");
    }

    @ParameterizedTest
    @EnumSource(Tunnel.class)
    void shouldAnswerTheClientFromTheVipWhenABackendDecapsulates(final Tunnel tunnel)
    {
        final int vipIndex = tunnel.ordinal() % VIPS_IPV4.size();
        final String vip = tunnel.innerIpv6 ? VIPS_IPV6.get(vipIndex) : VIPS_IPV4.get(vipIndex);
        final DecapCounters before = lab.counters(tunnel.backend);

        final String synAck = sendSynAndAwaitSynAck(tunnel.backend, vip, tunnel.outerIpv6, tunnel.encapsulation);

        assertEquals(tunnel.expectedCounters(), lab.counters(tunnel.backend).minus(before),
            tunnel + " decapsulated once, counted by kind and family; answered with " + synAck);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldAnswerTheClientFromTheVipWithoutDecapWhenTheFrameIsPlainDsr(final boolean ipv6)
    {
        final LabBackend backend = BACKENDS.get(ipv6 ? 1 : 0);
        final DecapCounters before = lab.counters(backend);

        sendSynAndAwaitSynAck(backend, ipv6 ? VIPS_IPV6.get(0) : VIPS_IPV4.get(0), ipv6, Encapsulation.NONE);

        assertEquals(NOTHING, lab.counters(backend).minus(before), "DSR frames pass the decapsulator untouched");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldPassUdpToTheStackUntouchedWhenItIsNotForTheGuePort(final boolean ipv6)
    {
        final LabBackend backend = BACKENDS.get(2);
        final String source = ipv6 ? LB_IPV6 : LB_IPV4;
        final String destination = ipv6 ? backend.ipv6() : backend.ipv4();
        final byte[] inner = TestPackets.ipv4(CLIENT_IPV4, VIPS_IPV4.get(0), PROTOCOL_TCP,
            TestPackets.tcpSyn(CLIENT_IPV4, VIPS_IPV4.get(0), NEXT_CLIENT_PORT.getAndIncrement(), HTTP_PORT, 1));
        final byte[] datagram = TestPackets.udp(source, destination, OUTER_UDP_SOURCE_PORT, GUE_PORT + 1,
            TestPackets.gueVariant0(PROTOCOL_IPV4, inner));

        assertDeliveredToTheStack(backend, ipv6 ? "Udp6NoPorts" : "UdpNoPorts", NOTHING,
            outerFrame(backend, ipv6, PROTOCOL_UDP, datagram));
    }

    @Test
    void shouldPassGueControlMessagesToTheStackAndCountThemIgnored()
    {
        final LabBackend backend = BACKENDS.get(0);
        final byte[] datagram = TestPackets.udp(LB_IPV4, backend.ipv4(), OUTER_UDP_SOURCE_PORT, GUE_PORT, TestPackets.gueControl());

        assertDeliveredToTheStack(backend, "UdpNoPorts", new DecapCounters(0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
            outerFrame(backend, false, PROTOCOL_UDP, datagram));
    }

    @Test
    void shouldLeaveTunnelPacketsForAnotherAddressToTheStack()
    {
        final LabBackend backend = BACKENDS.get(0);
        final String otherAddress = BACKENDS.get(1).ipv4();
        final byte[] inner = TestPackets.ipv4(CLIENT_IPV4, VIPS_IPV4.get(0), PROTOCOL_TCP,
            TestPackets.tcpSyn(CLIENT_IPV4, VIPS_IPV4.get(0), NEXT_CLIENT_PORT.getAndIncrement(), HTTP_PORT, 1));
        final byte[] frame = TestPackets.ethernet(backend.mac(), port.mac(), ETHER_TYPE_IPV4,
            TestPackets.ipv4(LB_IPV4, otherAddress, PROTOCOL_IPV4, inner));

        assertDeliveredToTheStack(backend, "IpInAddrErrors", NOTHING, frame);
    }

    /**
     * A backend answering ARP or ND for a VIP would draw the router's VIP traffic away from the LB.
     * The requests for the VIPs go out first, then those for the backends' own addresses: once
     * every own address is answered (and a quiet period has passed) a VIP answer would have come.
     */
    @Test
    void shouldAnswerArpAndNdForTheirOwnAddressesButNeverForAVip()
    {
        port.receive();
        final List<byte[]> requests = new ArrayList<>();
        final Set<String> expected = new TreeSet<>();
        for (final String vip : VIPS_IPV4)
        {
            requests.add(TestPackets.arpRequest(LB_MAC, LB_IPV4, vip));
        }
        for (final String vip : VIPS_IPV6)
        {
            requests.add(TestPackets.neighbourSolicitation(LB_MAC, LB_IPV6, vip));
        }
        for (final LabBackend backend : BACKENDS)
        {
            requests.add(TestPackets.arpRequest(LB_MAC, LB_IPV4, backend.ipv4()));
            requests.add(TestPackets.neighbourSolicitation(LB_MAC, LB_IPV6, backend.ipv6()));
            expected.add(backend.ipv4() + " is-at " + backend.mac());
            expected.add(TestPackets.canonical(backend.ipv6()) + " is-at " + backend.mac());
        }

        port.send(requests.toArray(byte[][]::new));

        final Set<String> answers = port.awaitNeighbourAnswers(expected, ANSWER_TIMEOUT);
        LockSupport.parkNanos(QUIET_PERIOD_NS);
        port.collectNeighbourAnswers(answers);
        assertEquals(expected, answers, "ARP replies and neighbour advertisements the backends sent");
    }

    /**
     * Sends a TCP SYN from the client to {@code vip}:80 the way the LB would forward it to
     * {@code backend}, and waits for the backend's SYN-ACK at the client.
     *
     * @return the tcpdump line of the SYN-ACK.
     */
    private static String sendSynAndAwaitSynAck(
        final LabBackend backend, final String vip, final boolean outerIpv6, final Encapsulation encapsulation)
    {
        final boolean innerIpv6 = vip.contains(":");
        final String clientAddress = innerIpv6 ? CLIENT_IPV6 : CLIENT_IPV4;
        final int clientPort = NEXT_CLIENT_PORT.getAndIncrement();
        final long sequence = ThreadLocalRandom.current().nextLong(1L << 32);
        final byte[] syn = TestPackets.tcpSyn(clientAddress, vip, clientPort, HTTP_PORT, sequence);
        final byte[] inner = innerIpv6 ?
            TestPackets.ipv6(clientAddress, vip, PROTOCOL_TCP, syn) : TestPackets.ipv4(clientAddress, vip, PROTOCOL_TCP, syn);

        port.send(encapsulate(backend, outerIpv6, innerIpv6, encapsulation, inner));

        final Pattern synAck = Pattern.compile(Pattern.quote(vip + "." + HTTP_PORT + " > " +
            clientAddress + "." + clientPort + ": Flags [S.], cksum 0x") +
            "\\p{XDigit}{4} \\(correct\\), seq \\d+, ack " + ((sequence + 1) & 0xFFFF_FFFFL) + ",");
        final String line = client.awaitLine(synAck, ANSWER_TIMEOUT);
        assertNotNull(line, "no SYN-ACK from " + vip + " to the client's port " + clientPort + " via " + backend.name() +
            " (" + encapsulation + ")\n" + client.text() + "\n" + lab.counters(backend));
        return line;
    }

    private static byte[] encapsulate(
        final LabBackend backend, final boolean outerIpv6, final boolean innerIpv6, final Encapsulation encapsulation,
        final byte[] inner)
    {
        final int innerProtocol = innerIpv6 ? PROTOCOL_IPV6 : PROTOCOL_IPV4;
        final String source = outerIpv6 ? LB_IPV6 : LB_IPV4;
        final String destination = outerIpv6 ? backend.ipv6() : backend.ipv4();
        return switch (encapsulation)
        {
            case NONE -> TestPackets.ethernet(backend.mac(), port.mac(), innerIpv6 ? ETHER_TYPE_IPV6 : ETHER_TYPE_IPV4, inner);
            case IPIP -> outerFrame(backend, outerIpv6, innerProtocol, inner);
            case GUE_V0 -> outerFrame(backend, outerIpv6, PROTOCOL_UDP, TestPackets.udp(source, destination,
                OUTER_UDP_SOURCE_PORT, GUE_PORT, TestPackets.gueVariant0(innerProtocol, inner)));
            case GUE_V1 -> outerFrame(backend, outerIpv6, PROTOCOL_UDP,
                TestPackets.udp(source, destination, OUTER_UDP_SOURCE_PORT, GUE_PORT, inner));
        };
    }

    private static byte[] outerFrame(final LabBackend backend, final boolean ipv6, final int protocol, final byte[] payload)
    {
        return ipv6 ?
            TestPackets.ethernet(backend.mac(), port.mac(), ETHER_TYPE_IPV6, TestPackets.ipv6(LB_IPV6, backend.ipv6(), protocol, payload)) :
            TestPackets.ethernet(backend.mac(), port.mac(), ETHER_TYPE_IPV4, TestPackets.ipv4(LB_IPV4, backend.ipv4(), protocol, payload));
    }

    /**
     * Sends a frame the decapsulator must leave alone and waits until the backend's stack shows it
     * handled it (the kernel counter moves by one), then checks the decap counters.
     */
    private static void assertDeliveredToTheStack(
        final LabBackend backend, final String kernelCounter, final DecapCounters expectedDecap, final byte[] frame)
    {
        final DecapCounters before = lab.counters(backend);
        final long counterBefore = kernelCounter(backend, kernelCounter);

        port.send(frame);

        final long deadlineNs = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        long counter = kernelCounter(backend, kernelCounter);
        while (counter == counterBefore && System.nanoTime() - deadlineNs < 0)
        {
            LockSupport.parkNanos(POLL_INTERVAL_NS);
            counter = kernelCounter(backend, kernelCounter);
        }
        assertEquals(counterBefore + 1, counter, kernelCounter + " in " + backend.namespace());
        assertEquals(expectedDecap, lab.counters(backend).minus(before), "decap counters of " + backend.name());
    }

    private static long kernelCounter(final LabBackend backend, final String name)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+(\\d+)")
            .matcher(Commands.inNamespace(backend.namespace(), "nstat", "--ignore", "--noupdate", "--zeros", name));
        assertTrue(matcher.find(), "the kernel has no counter " + name);
        return Long.parseLong(matcher.group(1));
    }
}
