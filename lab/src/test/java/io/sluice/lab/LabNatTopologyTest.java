package io.sluice.lab;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.HTTP_PORT;
import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.NAT_HTTP_PORT;
import static io.sluice.lab.LabTopology.ROUTER_LAN_INTERFACE;
import static io.sluice.lab.LabTopology.ROUTER_LAN_MAC;
import static io.sluice.lab.LabTopology.ROUTER_NAMESPACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the lab gives NAT tests, proved on the real lab before any NAT code runs: {@code lab.sh
 * nat-route} sends what a backend sends from its LAN address to the LB (the replies of {@code nat}
 * services) while replies from a VIP (DSR) still go to the router and the LAN stays on-link;
 * {@code lab.sh pmtu} makes the router answer oversized packets to the client with frag-needed /
 * packet too big quoting its MTU, every time; and 10 MB go both ways through a DSR VIP byte for
 * byte. The daemon serves a DSR VIP per family on port 80 (and answers ARP / ND for lb1's LAN
 * addresses, so the backends resolve their NAT next hop).
 */
@Tag("lab")
@Tag("dpdk")
class LabNatTopologyTest
{
    private static final LbConfig.Service DSR_IPV4 = LbConfig.Service.of("192.0.2.10", "dsr", 1, 1, 1);
    private static final LbConfig.Service DSR_IPV6 = LbConfig.Service.of("2001:db8:100::10", "dsr", 1, 1, 1);
    /** Not served by the daemon: {@code lab.sh via} routes it straight to be1, DSR without an LB. */
    private static final String SPARE_VIP_IPV4 = "192.0.2.12";
    private static final String SPARE_VIP_IPV6 = "2001:db8:100::12";
    private static final LabBackend BE1 = LabTopology.BACKENDS.get(0);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final long TEN_MEGABYTES = 10_000_000;
    private static final int OVERSIZED_PAYLOAD = 1400;
    private static final int QUICK_PROBES = 50;

    @RegisterExtension
    static final LabLoadBalancer LB = new LabLoadBalancer(LbConfig.of(DSR_IPV4, DSR_IPV6));

    @AfterEach
    void restoreTheLab()
    {
        LB.lab().natRouteOff();
        LB.lab().pmtuOff();
        LB.lab().viaOff(SPARE_VIP_IPV4);
        LB.lab().viaOff(SPARE_VIP_IPV6);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldSendWhatLeavesFromTheLanAddressToTheLbWhenNatRouteIsOn(final boolean ipv6) throws Exception
    {
        final String backend = ipv6 ? BE1.ipv6() : BE1.ipv4();
        final String client = ipv6 ? LabTopology.CLIENT_IPV6 : LabTopology.CLIENT_IPV4;
        LB.lab().natRoute(List.of(), BE1);

        try (PacketCapture lb = PacketCapture.start(LB1.namespace(), LB1.interfaceName(),
            "ether dst " + LB1.mac() + " and src host " + backend + " and " + (ipv6 ? "icmp6" : "icmp")))
        {
            ping(CLIENT_NAMESPACE, backend, "-c", "1", "-W", "1");
            assertNotNull(lb.awaitLine(Pattern.compile(Pattern.quote(backend + " > " + client + ": ") + ".*echo reply"), TIMEOUT),
                "be1's echo reply from its LAN address went to lb1's MAC: " + lb.text());
        }
        assertEquals(BE1.name() + "\n", healthCheck(backend), "lb1's host reaches be1 on-link");
        assertEquals(BE1.name() + " ipv4=" + LB1.ipv4() + " ipv6=" + LB1.ipv6(), natRouteLine(LB.lab().natRoute(List.of(), BE1)),
            "asked again, the same");

        LB.lab().natRouteOff(BE1);
        assertTrue(ping(CLIENT_NAMESPACE, backend, "-c", "1", "-W", "2").contains(" 1 received"), "off: be1 answers via the router again");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldSendRepliesFromAVipToTheRouterWhenNatRouteIsOn(final boolean ipv6) throws Exception
    {
        final String vip = ipv6 ? SPARE_VIP_IPV6 : SPARE_VIP_IPV4;
        final String client = ipv6 ? LabTopology.CLIENT_IPV6 : LabTopology.CLIENT_IPV4;
        LB.lab().natRoute(List.of());
        LB.lab().via(vip, ipv6 ? BE1.ipv6() : BE1.ipv4());

        try (PacketCapture router = PacketCapture.start(ROUTER_NAMESPACE, ROUTER_LAN_INTERFACE,
            "ether dst " + ROUTER_LAN_MAC + " and tcp and src host " + vip);
            PacketCapture lb = PacketCapture.start(LB1.namespace(), LB1.interfaceName(), "ether dst " + LB1.mac() + " and src host " + vip))
        {
            for (final int port : new int[]{HTTP_PORT, NAT_HTTP_PORT})
            {
                final VipClient.Answer answer = NetworkNamespace.call(CLIENT_NAMESPACE,
                    () -> VipClient.request(InetAddress.ofLiteral(vip), port, TIMEOUT));
                assertEquals(BE1.name(), answer.backend());
                assertEquals((ipv6 ? "[" + client + "]" : client) + ":" + answer.localPort(), answer.client());
            }
            assertNotNull(router.awaitLine(Pattern.compile(Pattern.quote(vip + "." + HTTP_PORT + " > " + client + ".")), TIMEOUT),
                "be1's DSR reply from the VIP went to the router's MAC: " + router.text());
            assertNull(lb.awaitLine(Pattern.compile(Pattern.quote(vip)), QUIET), "nothing from the VIP reached lb1: " + lb.text());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldAnswerAnOversizedPacketToTheClientWithTheRoutersMtuWhenPmtuIsOn(final boolean ipv6)
    {
        final String client = ipv6 ? LabTopology.CLIENT_IPV6 : LabTopology.CLIENT_IPV4;
        LB.lab().pmtu(LabTopology.PMTU_DEFAULT);

        try (PacketCapture be1 = PacketCapture.start(BE1.namespace(), BE1.interfaceName(),
            ipv6 ? "icmp6 and ip6[40] == 2" : "icmp and icmp[icmptype] == icmp-unreach"))
        {
            final String output = ping(BE1.namespace(), client, "-M", "do", "-s", Integer.toString(OVERSIZED_PAYLOAD), "-c", "1", "-W", "1");
            final Pattern error = ipv6 ?
                Pattern.compile(Pattern.quote(LabTopology.ROUTER_LAN_IPV6 + " > " + BE1.ipv6() + ": ") + ".*packet too big, mtu 1280") :
                Pattern.compile(Pattern.quote(LabTopology.ROUTER_LAN_IPV4 + " > " + BE1.ipv4() + ": ICMP " + client +
                    " unreachable - need to frag (mtu 1280)"));
            assertNotNull(be1.awaitLine(error, TIMEOUT), "ping said: " + output + "\n" + be1.text());
        }
        final String link = Commands.inNamespace(CLIENT_NAMESPACE, "ip", "-o", "link", "show", "dev", LabTopology.CLIENT_INTERFACE);
        assertTrue(link.contains(" mtu 1500 "), "the client's own link keeps 1500, so its MSS hides nothing: " + link);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldSendEveryIcmpErrorWhenManyAreDueAtOnce(final boolean ipv6)
    {
        final String client = ipv6 ? LabTopology.CLIENT_IPV6 : LabTopology.CLIENT_IPV4;
        // Time exceeded is rate-limited by Linux's defaults (6 of 50 IPv4, 11 of 50 IPv6 came); the lab lifts the limit.
        final String output = ping(BE1.namespace(), client, "-t", "1", "-c", Integer.toString(QUICK_PROBES), "-i", "0.002", "-W", "1");
        assertTrue(output.contains(QUICK_PROBES + " packets transmitted, 0 received, +" + QUICK_PROBES + " errors"), output);
    }

    @Test
    void shouldForwardFullSizedPacketsAgainWhenPmtuIsOff()
    {
        final String payload = Integer.toString(OVERSIZED_PAYLOAD);
        LB.lab().pmtu(LabTopology.PMTU_DEFAULT);
        assertTrue(ping(BE1.namespace(), LabTopology.CLIENT_IPV4, "-M", "do", "-s", payload, "-c", "1", "-W", "1").contains("mtu = 1280"));
        assertEquals("[lab] pmtu: ipv4=off ipv6=off", LB.lab().pmtuOff().strip());

        assertTrue(ping(BE1.namespace(), LabTopology.CLIENT_IPV4, "-M", "do", "-s", payload, "-c", "1", "-W", "2").contains(" 1 received"),
            "the lock is gone and be1 forgot the path MTU it learnt");
        assertTrue(ping(BE1.namespace(), LabTopology.CLIENT_IPV6, "-M", "do", "-s", payload, "-c", "1", "-W", "2").contains(" 1 received"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldMoveTenMegabytesEachWayIntactWhenThroughADsrVip(final boolean ipv6) throws Exception
    {
        final LbConfig.Service service = ipv6 ? DSR_IPV6 : DSR_IPV4;
        final String client = ipv6 ? "[" + LabTopology.CLIENT_IPV6 + "]:" : LabTopology.CLIENT_IPV4 + ":";

        final LabTransfer.Result download =
            LabTransfer.downloadFrom(CLIENT_NAMESPACE, service.vip(), service.port(), TEN_MEGABYTES, TRANSFER_TIMEOUT);
        final LabTransfer.Result upload =
            LabTransfer.uploadFrom(CLIENT_NAMESPACE, service.vip(), service.port(), TEN_MEGABYTES, TRANSFER_TIMEOUT);

        for (final LabTransfer.Result result : new LabTransfer.Result[]{download, upload})
        {
            assertEquals(TEN_MEGABYTES, result.bytes());
            assertTrue(LabTopology.BACKENDS.stream().anyMatch(backend -> backend.name().equals(result.backend())), result.toString());
            assertTrue(result.client().startsWith(client), "DSR keeps the client's address: " + result);
        }
        System.out.printf("%s: 10 MB down in %d ms (%.1f MB/s), up in %d ms (%.1f MB/s)%n", service.vip(),
            download.duration().toMillis(), download.megabytesPerSecond(), upload.duration().toMillis(), upload.megabytesPerSecond());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldCompleteADownloadThroughADsrVipWhenTheRouterAsksForSmallerPackets(final boolean ipv6) throws Exception
    {
        final LbConfig.Service service = ipv6 ? DSR_IPV6 : DSR_IPV4;
        LB.lab().pmtu(LabTopology.PMTU_DEFAULT);

        final LabTransfer.Result download =
            LabTransfer.downloadFrom(CLIENT_NAMESPACE, service.vip(), service.port(), TEN_MEGABYTES, TRANSFER_TIMEOUT);

        assertEquals(TEN_MEGABYTES, download.bytes());
        final String client = ipv6 ? LabTopology.CLIENT_IPV6 : LabTopology.CLIENT_IPV4;
        final String route = Commands.inNamespace(LabTopology.backend(download.backend()).namespace(),
            "ip", "route", "get", client, "from", service.vip());
        assertTrue(route.contains(" mtu 1280"), "the backend learnt the router's MTU through the LB: " + route);
        System.out.printf("%s with pmtu on: 10 MB down in %d ms%n", service.vip(), download.duration().toMillis());
    }

    /** Pings and hands back what ping printed, whether or not answers came (its exit code is ignored). */
    private static String ping(final String namespace, final String address, final String... options)
    {
        return Commands.inNamespace(namespace, "sh", "-c", "ping -n " + String.join(" ", options) + " " + address + "; true");
    }

    private static String healthCheck(final String backend) throws Exception
    {
        try (LabHttpConnection connection = LabHttpConnection.open(LB1.namespace(), backend, HTTP_PORT, TIMEOUT))
        {
            return connection.get("/").body();
        }
    }

    private static String natRouteLine(final String output)
    {
        return output.strip().replaceFirst("^\\[lab] nat-route: ", "");
    }
}
