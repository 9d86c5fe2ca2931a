package io.sluice.dataplane.service;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which services take which rewrite options: the client-address carrier by mode and protocol, the
 * TOA kind, the MSS clamp by mode, protocol and family; each refusal names the service and says
 * what to do instead.
 */
class RewriteOptionsTest
{
    private static final DataplaneSettings SETTINGS = DataplaneSettings.of(
            List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("2001:db8::2")), List.of(IpAddress.parse("10.0.0.100")), List.of())
        .withGateways(IpAddress.parse("10.0.0.1"), IpAddress.parse("2001:db8::1"))
        .withNatAddresses(List.of(IpAddress.parse("10.0.0.200"), IpAddress.parse("2001:db8::200")));

    private static ServiceSpec spec(final String vip, final int protocol, final ForwardingMode mode, final String backend,
        final ClientAddress clientAddress, final int toaKind, final int mssClamp)
    {
        return new ServiceSpec(IpAddress.parse(vip), 80, protocol, mode, List.of(new ServiceSpec.BackendSpec(IpAddress.parse(backend), 1)),
            MaglevTable.DEFAULT_SIZE, ServiceSpec.DEFAULT_TCP_IDLE_TIMEOUT_NS, ServiceSpec.DEFAULT_UDP_IDLE_TIMEOUT_NS)
            .withRewrite(new RewriteOptions(clientAddress, toaKind, mssClamp));
    }

    private static String refusal(final ServiceSpec spec)
    {
        return assertThrows(IllegalArgumentException.class, () -> ServiceSnapshotBuilder.check(SETTINGS, List.of(spec), 64),
            spec.toString()).getMessage();
    }

    private static void accepted(final ServiceSpec spec)
    {
        ServiceSnapshotBuilder.check(SETTINGS, List.of(spec), 64);
    }

    @Test
    void shouldAcceptTheCarrierOfEachProtocolInFullNatAndAClampInBothNatModes()
    {
        accepted(spec("192.0.2.1", 6, ForwardingMode.FULLNAT, "10.0.0.11", ClientAddress.TOA, 254, 1400));
        accepted(spec("192.0.2.1", 6, ForwardingMode.FULLNAT, "10.0.0.11", ClientAddress.TOA, 200, 0));
        accepted(spec("192.0.2.1", 17, ForwardingMode.FULLNAT, "10.0.0.11", ClientAddress.PROXY_V2, 254, 0));
        accepted(spec("2001:db8:1::1", 17, ForwardingMode.FULLNAT, "2001:db8::11", ClientAddress.PROXY_V2, 254, 0));
        accepted(spec("192.0.2.1", 6, ForwardingMode.NAT, "10.0.0.11", ClientAddress.NONE, 254, 536));
        accepted(spec("192.0.2.1", 6, ForwardingMode.NAT, "10.0.0.11", ClientAddress.NONE, 254, 9176));
        accepted(spec("2001:db8:1::1", 6, ForwardingMode.FULLNAT, "2001:db8::11", ClientAddress.TOA, 254, 1220));
    }

    @Test
    void shouldRefuseACarrierOutsideFullNatOrOfTheOtherProtocolNamingTheService()
    {
        assertEquals("service 192.0.2.1:80/tcp: clientAddress toa needs mode fullnat (nat keeps the client's address as the source, " +
            "the backends already see it)", refusal(spec("192.0.2.1", 6, ForwardingMode.NAT, "10.0.0.11", ClientAddress.TOA, 254, 0)));
        assertEquals("service 192.0.2.1:80/udp: clientAddress proxy-v2 needs mode fullnat (dsr does not rewrite the source address)",
            refusal(spec("192.0.2.1", 17, ForwardingMode.DSR, "10.0.0.11", ClientAddress.PROXY_V2, 254, 0)));
        assertEquals("service 192.0.2.1:80/udp: clientAddress toa is a TCP option: a UDP service takes proxy-v2",
            refusal(spec("192.0.2.1", 17, ForwardingMode.FULLNAT, "10.0.0.11", ClientAddress.TOA, 254, 0)));
        assertEquals("service 192.0.2.1:80/tcp: clientAddress proxy-v2 is for UDP services: in a TCP stream its header would shift " +
                "every sequence number of the flow both ways; a TCP service takes toa",
            refusal(spec("192.0.2.1", 6, ForwardingMode.FULLNAT, "10.0.0.11", ClientAddress.PROXY_V2, 254, 0)));
    }

    @Test
    void shouldRefuseATcpOptionKindTheBackendsStackReadsAsItsOwn()
    {
        assertEquals("service 192.0.2.1:80/tcp: toaKind 8 is TCP's timestamps option: the backend's stack would read it as that " +
                "(254 is what DPVS and toa.ko read, 200 some vendors' modules)",
            refusal(spec("192.0.2.1", 6, ForwardingMode.FULLNAT, "10.0.0.11", ClientAddress.TOA, 8, 0)));
        for (final int kind : new int[]{0, 1, 2, 3, 4, 5, 19, 29, 30, 34, 256})
        {
            refusal(spec("192.0.2.1", 6, ForwardingMode.FULLNAT, "10.0.0.11", ClientAddress.TOA, kind, 0));
        }
    }

    @Test
    void shouldRefuseAClampWhereTheLbDoesNotSeeTheSynAckOrOutsideTheFamilysRange()
    {
        assertEquals("service 192.0.2.1:80/tcp: mssClamp needs mode nat or fullnat: in dsr the backend's SYN-ACK, whose MSS sizes the " +
                "client's segments, does not pass the LB; lower the MSS the backends advertise instead (ip route ... advmss)",
            refusal(spec("192.0.2.1", 6, ForwardingMode.DSR, "10.0.0.11", ClientAddress.NONE, 254, 1400)));
        assertEquals("service 192.0.2.1:80/tcp: mssClamp needs mode nat or fullnat: in ipip the backend's SYN-ACK, whose MSS sizes the " +
                "client's segments, does not pass the LB; lower the MSS the backends advertise instead (ip route ... advmss, by the " +
                "tunnel's 20+ bytes)",
            refusal(spec("192.0.2.1", 6, ForwardingMode.IPIP, "10.0.0.11", ClientAddress.NONE, 254, 1400)));
        assertEquals("service 192.0.2.1:80/udp: mssClamp is a TCP option's clamp: a UDP service has none",
            refusal(spec("192.0.2.1", 17, ForwardingMode.NAT, "10.0.0.11", ClientAddress.NONE, 254, 1400)));
        assertEquals("service 192.0.2.1:80/tcp: mssClamp 535 is not 536..9176 (IPv4: from the MSS every host accepts to what a " +
                "9216-byte MTU leaves)", refusal(spec("192.0.2.1", 6, ForwardingMode.NAT, "10.0.0.11", ClientAddress.NONE, 254, 535)));
        assertEquals("service [2001:db8:1:0:0:0:0:1]:80/tcp: mssClamp 1200 is not 1220..9156 (IPv6: from the MSS every host accepts " +
                "to what a 9216-byte MTU leaves)",
            refusal(spec("2001:db8:1::1", 6, ForwardingMode.FULLNAT, "2001:db8::11", ClientAddress.NONE, 254, 1200)));
    }

    @Test
    void shouldRefuseProxyV2OverIpv6WhenTheMtuLeavesLessThan1280BytesWithTheHeader()
    {
        final ServiceSpec spec = spec("2001:db8:1::1", 17, ForwardingMode.FULLNAT, "2001:db8::11", ClientAddress.PROXY_V2, 254, 0);
        assertEquals("service [2001:db8:1:0:0:0:0:1]:80/udp: mtu 1300 leaves 1248 bytes for IPv6 datagrams once the 52-byte PROXY v2 " +
            "header is in; IPv6 needs 1280, so the mtu must be at least 1332", assertThrows(IllegalArgumentException.class,
            () -> ServiceSnapshotBuilder.check(SETTINGS.withMtu(1300), List.of(spec), 64)).getMessage());
        ServiceSnapshotBuilder.check(SETTINGS.withMtu(1332), List.of(spec), 64);
    }
}
