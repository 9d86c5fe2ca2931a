package io.sluice.lab;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.HTTP_PORT;
import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.LB2;
import static io.sluice.lab.LabTopology.LOAD_BALANCERS;
import static io.sluice.lab.LabTopology.ROUTER_LAN_INTERFACE;
import static io.sluice.lab.LabTopology.ROUTER_NAMESPACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lab.sh ecmp} on the router, without any daemon: a VIP spread over both LBs sends each
 * client TCP flow to exactly one of them and different flows to both (the layer-4 hash); an LB taken
 * out of the set gets no new flow, the other gets them all; put back, it gets flows again; with the
 * VIP's own route removed, the VIP range's route to lb1 applies again. Each flow is a SYN the client
 * sends and nobody answers, seen (by its source port) with tcpdump on each LB's DPDK interface in a
 * frame addressed to that LB's MAC. The
 * router's neighbour entries for the LBs are made static for the class (no daemon answers ARP / ND),
 * and removed after it.
 */
@Tag("lab")
@ExtendWith(SharedLab.class)
class LabEcmpTest
{
    private static final String VIP_IPV4 = "192.0.2.99";
    private static final String VIP_IPV6 = "2001:db8:100::99";
    private static final int SPREAD_FLOWS = 48;
    /** Each LB's share of 48 flows hashed evenly is binomial(48, 1/2): fewer than 6 has a chance below 1e-8. */
    private static final int MIN_FLOWS_PER_LB = 6;
    private static final int ONE_LB_FLOWS = 16;
    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final LabScript LAB = LabScript.locate();

    @BeforeAll
    static void answerForTheLoadBalancers()
    {
        for (final LabLbHost lb : LOAD_BALANCERS)
        {
            for (final String address : List.of(lb.ipv4(), lb.ipv6()))
            {
                Commands.inNamespace(ROUTER_NAMESPACE, "ip", "neigh", "replace", address, "lladdr", lb.mac(),
                    "dev", ROUTER_LAN_INTERFACE, "nud", "permanent");
            }
        }
    }

    @AfterAll
    static void restoreTheRouter()
    {
        LAB.ecmpOff(VIP_IPV4);
        LAB.ecmpOff(VIP_IPV6);
        for (final LabLbHost lb : LOAD_BALANCERS)
        {
            for (final String address : List.of(lb.ipv4(), lb.ipv6()))
            {
                Commands.inNamespace(ROUTER_NAMESPACE, "ip", "neigh", "del", address, "dev", ROUTER_LAN_INTERFACE);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldSpreadFlowsOverTheLbsInTheEcmpSetWhenLbsLeaveAndComeBack(final boolean ipv6) throws Exception
    {
        final String vip = ipv6 ? VIP_IPV6 : VIP_IPV4;
        final String lb1 = ipv6 ? LB1.ipv6() : LB1.ipv4();
        final String lb2 = ipv6 ? LB2.ipv6() : LB2.ipv4();
        assertEquals("1", Commands.inNamespace(ROUTER_NAMESPACE, "sysctl", "-n",
            "net.ipv" + (ipv6 ? "6" : "4") + ".fib_multipath_hash_policy").strip(), "layer-4 hash");
        assertEquals(List.of(lb1), LabScript.routerNextHops(vip), "the VIP range's route, to lb1, by default");
        try (PacketCapture atLb1 = PacketCapture.start(LB1.namespace(), LB1.interfaceName(), synsTo(LB1, vip));
            PacketCapture atLb2 = PacketCapture.start(LB2.namespace(), LB2.interfaceName(), synsTo(LB2, vip)))
        {
            LAB.ecmp(vip, LB1, LB2);
            assertEquals(List.of(lb1, lb2), LabScript.routerNextHops(vip));
            assertSpread(sendFlows(vip, SPREAD_FLOWS, atLb1, atLb2));

            LAB.ecmp(vip, LB2);
            assertEquals(List.of(lb2), LabScript.routerNextHops(vip));
            final Arrivals onlyLb2 = sendFlows(vip, ONE_LB_FLOWS, atLb1, atLb2);
            assertEquals(Set.of(), onlyLb2.atLb1(), "lb1 left the set: " + onlyLb2);

            LAB.ecmp(vip, LB1, LB2);
            assertEquals(List.of(lb1, lb2), LabScript.routerNextHops(vip));
            assertSpread(sendFlows(vip, SPREAD_FLOWS, atLb1, atLb2));

            LAB.ecmpOff(vip);
            assertEquals(List.of(lb1), LabScript.routerNextHops(vip), "back to the VIP range's route");
            final Arrivals onlyLb1 = sendFlows(vip, ONE_LB_FLOWS, atLb1, atLb2);
            assertEquals(Set.of(), onlyLb1.atLb2(), "the range route goes to lb1 only: " + onlyLb1);
        }
    }

    /**
     * Frames to the VIP addressed to the LB's MAC: until an LB sends, the bridge has not learnt
     * its MAC and floods frames for it to every port, so each LB's interface sees the other's too.
     */
    private static String synsTo(final LabLbHost lb, final String vip)
    {
        return "ether dst " + lb.mac() + " and tcp and dst host " + vip + " and dst port " + HTTP_PORT;
    }

    private static void assertSpread(final Arrivals arrivals)
    {
        final Set<Integer> both = new HashSet<>(arrivals.atLb1());
        both.retainAll(arrivals.atLb2());
        assertEquals(Set.of(), both, "no flow reaches both LBs: " + arrivals);
        assertTrue(arrivals.atLb1().size() >= MIN_FLOWS_PER_LB && arrivals.atLb2().size() >= MIN_FLOWS_PER_LB,
            "both LBs get flows: " + arrivals);
    }

    /**
     * Opens {@code count} TCP connections from the client to the VIP (one SYN each, never answered;
     * bound first, so that the source port is known before the connection completes), waits until
     * every SYN was seen addressed to one of the LBs, and closes them (a socket closed in SYN-SENT
     * sends nothing).
     */
    private static Arrivals sendFlows(final String vip, final int count, final PacketCapture atLb1, final PacketCapture atLb2)
        throws Exception
    {
        final String client = vip.contains(":") ? LabTopology.CLIENT_IPV6 : LabTopology.CLIENT_IPV4;
        final int lb1Start = atLb1.lineCount();
        final int lb2Start = atLb2.lineCount();
        final List<SocketChannel> flows = NetworkNamespace.call(CLIENT_NAMESPACE, () ->
        {
            final List<SocketChannel> opened = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                final SocketChannel channel = SocketChannel.open();
                opened.add(channel);
                channel.configureBlocking(false);
                channel.bind(new InetSocketAddress(InetAddress.ofLiteral(client), 0));
                channel.connect(new InetSocketAddress(InetAddress.ofLiteral(vip), HTTP_PORT));
            }
            return opened;
        });
        try
        {
            final Set<Integer> ports = new HashSet<>();
            for (final SocketChannel flow : flows)
            {
                ports.add(((InetSocketAddress)flow.getLocalAddress()).getPort());
            }
            final Pattern syn = Pattern.compile("\\.(\\d+) > " + Pattern.quote(vip) + "\\." + HTTP_PORT + ": Flags \\[S\\]");
            final long deadlineNs = System.nanoTime() + ARRIVAL_TIMEOUT.toNanos();
            while (true)
            {
                final Arrivals arrivals = new Arrivals(sourcePorts(atLb1.linesFrom(lb1Start), syn, ports),
                    sourcePorts(atLb2.linesFrom(lb2Start), syn, ports));
                final Set<Integer> seen = new HashSet<>(arrivals.atLb1());
                seen.addAll(arrivals.atLb2());
                if (seen.equals(ports))
                {
                    return arrivals;
                }
                assertTrue(System.nanoTime() - deadlineNs < 0, "every flow's SYN reaches an LB; seen " + arrivals +
                    " of the client ports " + ports + "\n" + atLb1.text() + "\n" + atLb2.text());
                LockSupport.parkNanos(POLL_INTERVAL_NS);
            }
        }
        finally
        {
            for (final SocketChannel flow : flows)
            {
                flow.close();
            }
        }
    }

    private static Set<Integer> sourcePorts(final List<String> lines, final Pattern syn, final Set<Integer> ours)
    {
        final Set<Integer> ports = new HashSet<>();
        for (final String line : lines)
        {
            final Matcher matcher = syn.matcher(line);
            if (matcher.find() && ours.contains(Integer.parseInt(matcher.group(1))))
            {
                ports.add(Integer.parseInt(matcher.group(1)));
            }
        }
        return ports;
    }

    /** The client source ports of the flows whose SYN arrived at each LB. */
    private record Arrivals(Set<Integer> atLb1, Set<Integer> atLb2)
    {
        @Override
        public String toString()
        {
            return "lb1 " + atLb1.size() + " flows " + atLb1 + ", lb2 " + atLb2.size() + " flows " + atLb2;
        }
    }
}
