package io.sluice.dataplane.pipeline;

import java.util.ArrayList;
import java.util.List;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;

/**
 * NAT mode, both directions, both families, TCP and UDP: a client's packet leaves with the
 * backend's address and port as its destination, a backend's reply with the VIP and port as its
 * source, to the gateway's MAC, TTL or hop limit one lower. The expected frames are built from
 * scratch here, every checksum computed in full ({@link Frames}), so they check the pipeline's
 * incremental updates.
 */
public final class NatFixtures
{
    private static final int TOS = 0x28;
    private static final int DF = 0x4000;

    private NatFixtures()
    {
    }

    public static List<PacketFixture> fixtures()
    {
        final byte[] data = "GET / HTTP/1.1\r\n".getBytes();
        final byte[] answer = "HTTP/1.1 200 OK\r\n".getBytes();
        final byte[] query = "query".getBytes();
        final List<PacketFixture> fixtures = new ArrayList<>();

        fixtures.add(PacketFixture.transmit("NAT IPv4 TCP, client to backend: destination 10.0.0.51:8080, TTL 63, to the backend's MAC",
            ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_NAT, TCP, 64, TOS, DF, 7, tcp(CLIENT, VIP_NAT, 40000, 80, TCP_ACK, data))),
            Verdict.FORWARD,
            ethernet(NAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
                ipv4(CLIENT, BACKEND_NAT, TCP, 63, TOS, DF, 7, tcp(CLIENT, BACKEND_NAT, 40000, NAT_TCP_PORT, TCP_ACK, data)))));
        fixtures.add(PacketFixture.transmit("NAT IPv4 TCP, backend's reply: source back to the VIP and port 80, to the gateway's MAC",
            ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV4,
                ipv4(BACKEND_NAT, CLIENT, TCP, 64, 0, DF, 9, tcp(BACKEND_NAT, CLIENT, NAT_TCP_PORT, 40000, TCP_ACK, answer))),
            Verdict.FORWARD,
            ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_NAT, CLIENT, TCP, 63, 0, DF, 9, tcp(VIP_NAT, CLIENT, 80, 40000, TCP_ACK, answer)))));
        fixtures.add(PacketFixture.transmit("NAT IPv4 UDP, client to backend: port 53 to 5353, the checksum updated",
            padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_NAT, UDP, 64, 0, 0, 3, udp(CLIENT, VIP_NAT, 40001, 53, query)))),
            Verdict.FORWARD,
            padded(ethernet(NAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, BACKEND_NAT, UDP, 63, 0, 0, 3, udp(CLIENT, BACKEND_NAT, 40001, NAT_UDP_PORT, query))))));
        fixtures.add(PacketFixture.transmit("NAT IPv4 UDP without a checksum (0): left 0, only the IP header is updated",
            padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_NAT, UDP, 64, 0, 0, 4, udpNoChecksum(40002, 53, query)))),
            Verdict.FORWARD,
            padded(ethernet(NAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, BACKEND_NAT, UDP, 63, 0, 0, 4, udpNoChecksum(40002, NAT_UDP_PORT, query))))));
        fixtures.add(PacketFixture.transmit("NAT IPv4 UDP reply: source back to the VIP and port 53",
            padded(ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV4,
                ipv4(BACKEND_NAT, CLIENT, UDP, 64, 0, 0, 5, udp(BACKEND_NAT, CLIENT, NAT_UDP_PORT, 40001, query)))),
            Verdict.FORWARD,
            padded(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_NAT, CLIENT, UDP, 63, 0, 0, 5, udp(VIP_NAT, CLIENT, 53, 40001, query))))));
        fixtures.add(zeroSumReply());
        fixtures.add(PacketFixture.transmit("NAT IPv6 TCP, client to backend: destination [2001:db8::51]:8080, hop limit 63",
            ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, ipv6(CLIENT6, VIP6_NAT, TCP, 64, 0x28, 0x12345, tcp(CLIENT6, VIP6_NAT, 40000, 80, TCP_SYN, new byte[0]))),
            Verdict.FORWARD,
            ethernet(NAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6,
                ipv6(CLIENT6, BACKEND6_NAT, TCP, 63, 0x28, 0x12345, tcp(CLIENT6, BACKEND6_NAT, 40000, NAT_TCP_PORT, TCP_SYN, new byte[0])))));
        fixtures.add(PacketFixture.transmit("NAT IPv6 TCP reply: source back to the VIP, to the gateway's MAC",
            ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV6,
                ipv6(BACKEND6_NAT, CLIENT6, TCP, 64, 0, 0, tcp(BACKEND6_NAT, CLIENT6, NAT_TCP_PORT, 40000, TCP_ACK, answer))),
            Verdict.FORWARD,
            ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(VIP6_NAT, CLIENT6, TCP, 63, 0, 0, tcp(VIP6_NAT, CLIENT6, 80, 40000, TCP_ACK, answer)))));
        fixtures.add(PacketFixture.transmit("NAT IPv6 UDP, client to backend: the checksum, mandatory over IPv6, updated",
            ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, ipv6(CLIENT6, VIP6_NAT, UDP, 64, 0, 0, udp(CLIENT6, VIP6_NAT, 40003, 53, query))),
            Verdict.FORWARD,
            ethernet(NAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6,
                ipv6(CLIENT6, BACKEND6_NAT, UDP, 63, 0, 0, udp(CLIENT6, BACKEND6_NAT, 40003, NAT_UDP_PORT, query)))));
        fixtures.add(PacketFixture.drop("NAT IPv6 UDP with checksum 0: invalid over IPv6 (RFC 8200), not translated",
            ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, ipv6(CLIENT6, VIP6_NAT, UDP, 64, 0, 0, udpNoChecksum(40004, 53, query))),
            DropReason.UDP_ZERO_CHECKSUM));
        fixtures.add(PacketFixture.drop("NAT IPv4 with TTL 1: it would expire at the LB",
            padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_NAT, TCP, 1, 0, DF, 8, tcp(CLIENT, VIP_NAT, 40005, 80, TCP_SYN, new byte[0])))),
            DropReason.TTL_EXPIRED));
        fixtures.add(PacketFixture.drop("From a NAT backend's address but another port: no NAT reply, no VIP",
            padded(ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV4,
                ipv4(BACKEND_NAT, CLIENT, TCP, 64, 0, DF, 10, tcp(BACKEND_NAT, CLIENT, 8081, 40000, TCP_ACK, new byte[0])))),
            DropReason.NO_VIP));
        fixtures.add(PacketFixture.drop("From a NAT backend's endpoint with the other protocol: not the UDP service's reply",
            padded(ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV4,
                ipv4(BACKEND_NAT, CLIENT, UDP, 64, 0, 0, 11, udp(BACKEND_NAT, CLIENT, NAT_TCP_PORT, 40000, query)))),
            DropReason.NO_VIP));
        fixtures.add(PacketFixture.punt("From a NAT backend's endpoint to the LB's own address: for the LB, not a reply",
            padded(ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV4,
                ipv4(BACKEND_NAT, LB_IP, TCP, 64, 0, DF, 12, tcp(BACKEND_NAT, LB_IP, NAT_TCP_PORT, 40000, TCP_ACK, new byte[0]))))));
        fixtures.add(PacketFixture.transmit("FULLNAT IPv4 TCP, a new flow: from the NAT address and the pool's first port to the backend's port",
            padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_FULLNAT, TCP, 64, 0, DF, 40, tcp(CLIENT, VIP_FULLNAT, 40000, 80, TCP_SYN, new byte[0])))),
            Verdict.FORWARD,
            padded(ethernet(FULLNAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
                ipv4(NAT_ADDRESS, BACKEND_FULLNAT, TCP, 63, 0, DF, 40, tcp(NAT_ADDRESS, BACKEND_FULLNAT, 1024, NAT_TCP_PORT, TCP_SYN, new byte[0]))))));
        fixtures.add(PacketFixture.drop("FULLNAT: TCP to the NAT address matching no flow (a late reply, a scan)",
            padded(ethernet(LB_MAC, FULLNAT_BACKEND_MAC, ETHERTYPE_IPV4,
                ipv4(BACKEND_FULLNAT, NAT_ADDRESS, TCP, 64, 0, DF, 41, tcp(BACKEND_FULLNAT, NAT_ADDRESS, NAT_TCP_PORT, 1024, TCP_ACK, new byte[0])))),
            DropReason.NAT_NO_MAPPING));
        fixtures.addAll(icmpFixtures(query));
        return fixtures;
    }

    /**
     * ICMP errors through NAT: to the VIP from a router on the client's path (for the backend), and
     * from the backend (for the client); the quoted packet translated as its flow is, its TCP
     * checksum only where the quote holds it.
     */
    private static List<PacketFixture> icmpFixtures(final byte[] query)
    {
        final String router = "198.51.100.1";
        final String router6 = "2001:db8:ff::1";
        final byte[] big = new byte[1400];
        for (int i = 0; i < big.length; i++)
        {
            big[i] = (byte)(i * 7);
        }
        final byte[] sent = ipv4(VIP_NAT, CLIENT, TCP, 63, 0, DF, 30, tcp(VIP_NAT, CLIENT, 80, 40000, TCP_ACK, big));
        final byte[] backendSent = ipv4(BACKEND_NAT, CLIENT, TCP, 63, 0, DF, 30, tcp(BACKEND_NAT, CLIENT, NAT_TCP_PORT, 40000, TCP_ACK, big));
        final byte[] sent6 = ipv6(VIP6_NAT, CLIENT6, TCP, 63, 0, 0, tcp(VIP6_NAT, CLIENT6, 80, 40000, TCP_ACK, big));
        final byte[] backendSent6 = ipv6(BACKEND6_NAT, CLIENT6, TCP, 63, 0, 0, tcp(BACKEND6_NAT, CLIENT6, NAT_TCP_PORT, 40000, TCP_ACK, big));
        final byte[] unreachable = ipv4(CLIENT, BACKEND_NAT, UDP, 63, 0, 0, 31, udp(CLIENT, BACKEND_NAT, 40001, NAT_UDP_PORT, query));
        final byte[] unreachableOut = ipv4(CLIENT, VIP_NAT, UDP, 63, 0, 0, 31, udp(CLIENT, VIP_NAT, 40001, 53, query));
        final byte[] unreachable6 = ipv6(CLIENT6, BACKEND6_NAT, UDP, 63, 0, 0, udp(CLIENT6, BACKEND6_NAT, 40003, NAT_UDP_PORT, query));
        final byte[] unreachable6Out = ipv6(CLIENT6, VIP6_NAT, UDP, 63, 0, 0, udp(CLIENT6, VIP6_NAT, 40003, 53, query));
        final byte[] otherClient = ipv4("198.51.100.99", BACKEND_NAT, UDP, 63, 0, 0, 32, udp("198.51.100.99", BACKEND_NAT, 40001, NAT_UDP_PORT, query));
        return List.of(
            PacketFixture.transmit("NAT ICMP fragmentation needed to the VIP, quoting 8 bytes of TCP: the outer destination and " +
                    "the quoted source become the backend's, the MTU stays 1280, the quoted TCP checksum is not in the quote",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(router, VIP_NAT, ICMP, 64, 0, 0, 20,
                    icmpv4(3, 4, 1280, java.util.Arrays.copyOf(sent, 28)))),
                Verdict.FORWARD,
                ethernet(NAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(router, BACKEND_NAT, ICMP, 63, 0, 0, 20,
                    icmpv4(3, 4, 1280, java.util.Arrays.copyOf(backendSent, 28))))),
            PacketFixture.transmit("NAT ICMP fragmentation needed quoting 548 bytes: the quoted TCP checksum is translated too",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(router, VIP_NAT, ICMP, 64, 0, 0, 22,
                    icmpv4(3, 4, 1280, java.util.Arrays.copyOf(sent, 548)))),
                Verdict.FORWARD,
                ethernet(NAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(router, BACKEND_NAT, ICMP, 63, 0, 0, 22,
                    icmpv4(3, 4, 1280, java.util.Arrays.copyOf(backendSent, 548))))),
            PacketFixture.transmit("NAT ICMPv6 packet too big to the VIP: translated for the backend, its checksum over the new addresses",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, ipv6(router6, VIP6_NAT, ICMPV6, 64, 0, 0,
                    icmpv6(router6, VIP6_NAT, 2, 0, 1280, java.util.Arrays.copyOf(sent6, 1232)))),
                Verdict.FORWARD,
                ethernet(NAT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(router6, BACKEND6_NAT, ICMPV6, 63, 0, 0,
                    icmpv6(router6, BACKEND6_NAT, 2, 0, 1280, java.util.Arrays.copyOf(backendSent6, 1232))))),
            PacketFixture.transmit("NAT ICMP port unreachable from the backend: sent to the client from the VIP, quoting VIP port 53",
                ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV4, ipv4(BACKEND_NAT, CLIENT, ICMP, 64, 0, 0, 21, icmpv4(3, 3, 0, unreachable))),
                Verdict.FORWARD,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_NAT, CLIENT, ICMP, 63, 0, 0, 21, icmpv4(3, 3, 0, unreachableOut)))),
            PacketFixture.transmit("NAT ICMPv6 port unreachable from the backend: sent to the client from the VIP",
                ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV6, ipv6(BACKEND6_NAT, CLIENT6, ICMPV6, 64, 0, 0,
                    icmpv6(BACKEND6_NAT, CLIENT6, 1, 4, 0, unreachable6))),
                Verdict.FORWARD,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(VIP6_NAT, CLIENT6, ICMPV6, 63, 0, 0,
                    icmpv6(VIP6_NAT, CLIENT6, 1, 4, 0, unreachable6Out)))),
            PacketFixture.drop("ICMP from a NAT backend quoting another client than it is sent to: not a reply of a flow",
                ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV4, ipv4(BACKEND_NAT, CLIENT, ICMP, 64, 0, 0, 23, icmpv4(3, 3, 0, otherClient))),
                DropReason.NO_VIP));
    }

    /**
     * A UDP reply whose translated checksum comes to 0: written as 0xffff (RFC 768), which is what
     * a full computation stores too. The payload's last two bytes are chosen so that it does.
     */
    private static PacketFixture zeroSumReply()
    {
        final byte[] payload = "zero-sum".getBytes();
        for (int value = 0; value < 0x10000; value++)
        {
            payload[6] = (byte)(value >>> 8);
            payload[7] = (byte)value;
            final byte[] out = udp(VIP_NAT, CLIENT, 53, 40006, payload);
            if ((out[6] & 0xFF) == 0xFF && (out[7] & 0xFF) == 0xFF)
            {
                return PacketFixture.transmit("NAT IPv4 UDP reply whose updated checksum is 0: sent as 0xffff",
                    padded(ethernet(LB_MAC, NAT_BACKEND_MAC, ETHERTYPE_IPV4,
                        ipv4(BACKEND_NAT, CLIENT, UDP, 64, 0, 0, 6, udp(BACKEND_NAT, CLIENT, NAT_UDP_PORT, 40006, payload)))),
                    Verdict.FORWARD,
                    padded(ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_NAT, CLIENT, UDP, 63, 0, 0, 6, out))));
            }
        }
        throw new IllegalStateException("no payload gives a zero sum");
    }
}
