package io.sluice.dataplane.pipeline;

import java.util.ArrayList;
import java.util.List;

import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;

/**
 * What the rewrite options add, one packet of a new flow each: the TOA option in a full-NAT client's
 * TCP segments (IPv4 kind 254 with the service's MSS clamp, IPv6 kind 200), a PROXY v2 header in
 * front of its UDP datagrams, the MSS clamp of a NAT service both ways, and the segments that go
 * without the option (no room in the header, over the MTU) or the datagram that does not go (too big
 * once the header is in). Expected frames are built from scratch with every checksum computed in
 * full ({@link Frames}).
 */
public final class ClientAddressFixtures
{
    static final int DF = 0x4000;
    static final int SYN_ACK = TCP_SYN | TCP_ACK;
    static final byte[] NONE = new byte[0];
    static final byte[] DATA = "GET / HTTP/1.1\r\n".getBytes();
    static final byte[] QUERY = "query".getBytes();
    /** NOP, NOP, timestamps: 12 bytes. */
    static final byte[] TS_OPTIONS = ToaWriterTest.TS_OPTIONS;
    /** 20 no-operations: with {@link #synOptions} the header's 40 bytes of options are full. */
    static final byte[] NOPS = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

    private ClientAddressFixtures()
    {
    }

    /** A Linux SYN's 20 bytes of options with the MSS given: MSS, SACK permitted, timestamps, NOP, window scale 7. */
    static byte[] synOptions(final int mss)
    {
        return concat(mssOption(mss), new byte[]{4, 2}, new byte[]{8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0}, new byte[]{1, 3, 3, 7});
    }

    /** A client's IPv4 TCP segment to a VIP's port 80. */
    static byte[] fromClient4(final String vip, final int port, final int flags, final byte[] options, final byte[] data)
    {
        return padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4,
            ipv4(CLIENT, vip, TCP, 64, 0, DF, 50, tcpWithOptions(CLIENT, vip, port, 80, flags, options, data))));
    }

    /** A client's IPv6 TCP segment to a VIP's port 80. */
    static byte[] fromClient6(final String vip, final int port, final int flags, final byte[] options, final byte[] data)
    {
        return ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, ipv6(CLIENT6, vip, TCP, 64, 0, 0, tcpWithOptions(CLIENT6, vip, port, 80, flags, options, data)));
    }

    /** What the LB sends the full-NAT backend of {@link PipelineHarness#VIP_CLIENT} for a client's segment (NAT port 1024). */
    static byte[] toBackend4(final int flags, final byte[] options, final byte[] data)
    {
        return padded(ethernet(CLIENT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4,
            ipv4(NAT_ADDRESS, BACKEND_CLIENT, TCP, 63, 0, DF, 50, tcpWithOptions(NAT_ADDRESS, BACKEND_CLIENT, 1024, NAT_TCP_PORT, flags, options, data))));
    }

    /** {@link #toBackend4} for {@link PipelineHarness#VIP6_CLIENT}. */
    static byte[] toBackend6(final int flags, final byte[] options, final byte[] data)
    {
        return ethernet(CLIENT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6,
            ipv6(NAT_ADDRESS6, BACKEND6_CLIENT, TCP, 63, 0, 0, tcpWithOptions(NAT_ADDRESS6, BACKEND6_CLIENT, 1024, NAT_TCP_PORT, flags, options, data)));
    }

    public static List<PacketFixture> fixtures()
    {
        final List<PacketFixture> fixtures = new ArrayList<>();
        fixtures.addAll(toaFixtures());
        fixtures.addAll(proxyV2Fixtures());
        fixtures.addAll(natMssFixtures());
        return fixtures;
    }

    static List<PacketFixture> toaFixtures()
    {
        final byte[] toa4 = toaOption(254, 40000, CLIENT);
        final byte[] toa6 = toaOption(TOA_KIND6, 40000, CLIENT6);
        final byte[] full = new byte[1500 - 40];
        return List.of(
            PacketFixture.transmit("FULLNAT+TOA IPv4 SYN: the option (kind 254, client port and address) first, the SYN's options " +
                    "after it, its MSS clamped from 1460 to 1400",
                fromClient4(VIP_CLIENT, 40000, TCP_SYN, synOptions(1460), NONE), Verdict.FORWARD,
                toBackend4(TCP_SYN, concat(toa4, synOptions(MSS_CLAMP)), NONE)),
            PacketFixture.transmit("FULLNAT+TOA IPv4 data segment with timestamps: the option in this segment too (stateless)",
                fromClient4(VIP_CLIENT, 40000, TCP_ACK, TS_OPTIONS, DATA), Verdict.FORWARD,
                toBackend4(TCP_ACK, concat(toa4, TS_OPTIONS), DATA)),
            PacketFixture.transmit("FULLNAT+TOA IPv6 SYN: kind 200, 20 bytes: the header is exactly 60 bytes; no clamp set, the MSS stays",
                fromClient6(VIP6_CLIENT, 40000, TCP_SYN, synOptions(1440), NONE), Verdict.FORWARD,
                toBackend6(TCP_SYN, concat(toa6, synOptions(1440)), NONE)),
            PacketFixture.transmit("FULLNAT+TOA IPv6 data segment without options",
                fromClient6(VIP6_CLIENT, 40000, TCP_ACK, NONE, DATA), Verdict.FORWARD,
                toBackend6(TCP_ACK, toa6, DATA)),
            PacketFixture.transmit("FULLNAT+TOA IPv4 SYN with 40 bytes of options: no room, sent without the option, MSS still clamped",
                fromClient4(VIP_CLIENT, 40000, TCP_SYN, concat(synOptions(1460), NOPS), NONE), Verdict.FORWARD,
                toBackend4(TCP_SYN, concat(synOptions(MSS_CLAMP), NOPS), NONE)),
            PacketFixture.transmit("FULLNAT+TOA IPv4 segment of exactly the MTU: the option would make it 1508 bytes, sent without it",
                fromClient4(VIP_CLIENT, 40000, TCP_ACK, NONE, full), Verdict.FORWARD,
                toBackend4(TCP_ACK, NONE, full)));
    }

    static List<PacketFixture> proxyV2Fixtures()
    {
        final byte[] tooBig = new byte[1500 - 28];
        return List.of(
            PacketFixture.transmit("FULLNAT+PROXY v2 IPv4 UDP: the header (client, VIP) in front of the payload, the checksum updated",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_CLIENT, UDP, 64, 0, 0, 51, udp(CLIENT, VIP_CLIENT, 40002, 53, QUERY)))),
                Verdict.FORWARD,
                ethernet(CLIENT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(NAT_ADDRESS, BACKEND_CLIENT, UDP, 63, 0, 0, 51,
                    udp(NAT_ADDRESS, BACKEND_CLIENT, 1024, NAT_UDP_PORT, concat(proxyV2Udp(CLIENT, 40002, VIP_CLIENT, 53), QUERY))))),
            PacketFixture.transmit("FULLNAT+PROXY v2 IPv4 UDP without a checksum: the header in, the checksum left 0 (none)",
                padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_CLIENT, UDP, 64, 0, 0, 52, udpNoChecksum(40003, 53, QUERY)))),
                Verdict.FORWARD,
                ethernet(CLIENT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(NAT_ADDRESS, BACKEND_CLIENT, UDP, 63, 0, 0, 52,
                    udpNoChecksum(1024, NAT_UDP_PORT, concat(proxyV2Udp(CLIENT, 40003, VIP_CLIENT, 53), QUERY))))),
            PacketFixture.transmit("FULLNAT+PROXY v2 IPv6 UDP: the 52-byte header, the checksum updated",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV6, ipv6(CLIENT6, VIP6_CLIENT, UDP, 64, 0, 0, udp(CLIENT6, VIP6_CLIENT, 40002, 53, QUERY))),
                Verdict.FORWARD,
                ethernet(CLIENT_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV6, ipv6(NAT_ADDRESS6, BACKEND6_CLIENT, UDP, 63, 0, 0,
                    udp(NAT_ADDRESS6, BACKEND6_CLIENT, 1024, NAT_UDP_PORT, concat(proxyV2Udp(CLIENT6, 40002, VIP6_CLIENT, 53), QUERY))))),
            PacketFixture.drop("FULLNAT+PROXY v2 IPv4 UDP of 1480 bytes without DF: too big once the header is in, not sent without it",
                ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, VIP_CLIENT, UDP, 64, 0, 0, 53, udp(CLIENT, VIP_CLIENT, 40004, 53, tooBig))),
                DropReason.TOO_BIG));
    }

    static List<PacketFixture> natMssFixtures()
    {
        return List.of(
            PacketFixture.transmit("NAT mssClamp 1400, client's SYN to the backend: MSS 1460 lowered to 1400",
                fromClient4(VIP_NAT_MSS, 40000, TCP_SYN, synOptions(1460), NONE), Verdict.FORWARD,
                ethernet(NAT_MSS_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, BACKEND_NAT_MSS, TCP, 63, 0, DF, 50,
                    tcpWithOptions(CLIENT, BACKEND_NAT_MSS, 40000, NAT_TCP_PORT, TCP_SYN, synOptions(MSS_CLAMP), NONE)))),
            PacketFixture.transmit("NAT mssClamp 1400, the backend's SYN-ACK to the client: MSS 1460 lowered to 1400",
                ethernet(LB_MAC, NAT_MSS_BACKEND_MAC, ETHERTYPE_IPV4, ipv4(BACKEND_NAT_MSS, CLIENT, TCP, 64, 0, DF, 54,
                    tcpWithOptions(BACKEND_NAT_MSS, CLIENT, NAT_TCP_PORT, 40000, SYN_ACK, synOptions(1460), NONE))),
                Verdict.FORWARD,
                ethernet(ROUTER_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(VIP_NAT_MSS, CLIENT, TCP, 63, 0, DF, 54,
                    tcpWithOptions(VIP_NAT_MSS, CLIENT, 80, 40000, SYN_ACK, synOptions(MSS_CLAMP), NONE)))),
            PacketFixture.transmit("NAT mssClamp 1400, a SYN asking for less (1200): left as it is",
                fromClient4(VIP_NAT_MSS, 40001, TCP_SYN, synOptions(1200), NONE), Verdict.FORWARD,
                ethernet(NAT_MSS_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, BACKEND_NAT_MSS, TCP, 63, 0, DF, 50,
                    tcpWithOptions(CLIENT, BACKEND_NAT_MSS, 40001, NAT_TCP_PORT, TCP_SYN, synOptions(1200), NONE)))),
            PacketFixture.transmit("NAT mssClamp 1400, a data segment: not a SYN, its options are not looked at",
                fromClient4(VIP_NAT_MSS, 40000, TCP_ACK, TS_OPTIONS, DATA), Verdict.FORWARD,
                ethernet(NAT_MSS_BACKEND_MAC, LB_MAC, ETHERTYPE_IPV4, ipv4(CLIENT, BACKEND_NAT_MSS, TCP, 63, 0, DF, 50,
                    tcpWithOptions(CLIENT, BACKEND_NAT_MSS, 40000, NAT_TCP_PORT, TCP_ACK, TS_OPTIONS, DATA)))));
    }
}
