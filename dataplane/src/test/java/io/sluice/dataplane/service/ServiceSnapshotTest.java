package io.sluice.dataplane.service;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.maglev.MaglevTableBuilder;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceSnapshotTest
{
    private final NeighbourTable neighbours = new NeighbourTable(64);
    private final DataplaneSettings settings = DataplaneSettings.of(
        List.of(IpAddress.parse("10.0.0.2")), List.of(IpAddress.parse("10.0.0.100")), List.of(IpAddress.parse("2001:db8::100")))
        .withGateways(IpAddress.parse("10.0.0.1"), null);

    private static ServiceSpec spec(final String vip, final int port, final int protocol, final ForwardingMode mode, final String... backends)
    {
        final List<ServiceSpec.BackendSpec> list = new ArrayList<>();
        for (final String backend : backends)
        {
            list.add(new ServiceSpec.BackendSpec(IpAddress.parse(backend), 1));
        }
        return ServiceSpec.of(IpAddress.parse(vip), port, protocol, mode, list);
    }

    @Test
    void shouldFindServicesByAddressPortAndProtocol()
    {
        final ServiceSnapshot snapshot = ServiceSnapshotBuilder.build(settings, List.of(
            spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11"),
            spec("192.0.2.10", 80, 17, ForwardingMode.DSR, "10.0.0.12"),
            spec("2001:db8:100::10", 443, 6, ForwardingMode.IPIP, "2001:db8:1::1")), neighbours);
        final IpAddress v4 = IpAddress.parse("192.0.2.10");
        final IpAddress v6 = IpAddress.parse("2001:db8:100::10");

        assertEquals(6, snapshot.service(v4.hi(), v4.lo(), 80, 6).protocol());
        assertEquals(17, snapshot.service(v4.hi(), v4.lo(), 80, 17).protocol());
        assertNull(snapshot.service(v4.hi(), v4.lo(), 81, 6));
        assertEquals(443, snapshot.service(v6.hi(), v6.lo(), 443, 6).port());
        assertNull(snapshot.service(v6.hi(), v6.lo() + 1, 443, 6));
        assertTrue(snapshot.isVipAddress(v4.hi(), v4.lo()));
        assertTrue(snapshot.isLocalAddress(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(IpAddress.parse("10.0.0.2").ipv4())));
        assertFalse(snapshot.ownsAddress(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(IpAddress.parse("10.0.0.3").ipv4())));
        assertEquals(1, snapshot.generation());
    }

    @Test
    void shouldKeepBackendIdsAcrossSnapshotsAndNeverReuseThem()
    {
        final ServiceSnapshot first = ServiceSnapshotBuilder.build(settings,
            List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11", "10.0.0.12")), neighbours);
        final int idOf12 = first.serviceAt(0).backend(1).id();
        final int idOf11 = first.serviceAt(0).backend(0).id();

        final ServiceSnapshot second = ServiceSnapshotBuilder.build(first, settings,
            List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.12", "10.0.0.13")), neighbours);

        assertEquals(2, second.generation());
        assertEquals(idOf12, second.serviceAt(0).backend(0).id(), "same service and address keeps its id");
        assertNull(second.backendById(idOf11), "a removed backend's id finds nothing");
        final int idOf13 = second.serviceAt(0).backend(1).id();
        assertNotEquals(idOf11, idOf13, "ids are not reused");
        assertSame(second.serviceAt(0).backend(1), second.backendById(idOf13));
    }

    @Test
    void shouldSendTunnelsToGatewayAndDsrToBackendItself()
    {
        final ServiceSnapshot snapshot = ServiceSnapshotBuilder.build(settings, List.of(
            spec("192.0.2.10", 80, 6, ForwardingMode.IPIP, "10.1.0.1"),
            spec("192.0.2.11", 80, 6, ForwardingMode.DSR, "10.0.0.11"),
            spec("2001:db8:100::1", 80, 6, ForwardingMode.IPIP, "2001:db8:1::1")), neighbours);

        assertEquals(neighbours.indexOf(IpAddress.parse("10.0.0.1")), snapshot.serviceAt(0).backend(0).neighbourIndex());
        assertEquals(neighbours.indexOf(IpAddress.parse("10.0.0.11")), snapshot.serviceAt(1).backend(0).neighbourIndex());
        assertEquals(neighbours.indexOf(IpAddress.parse("2001:db8:1::1")), snapshot.serviceAt(2).backend(0).neighbourIndex(),
            "no IPv6 gateway configured: the backend is on-link");
    }

    @Test
    void shouldRefuseBadDefinitionsWithMessagesThatNameThem()
    {
        assertMessage("service 192.0.2.10:80/tcp is defined twice", List.of(
            spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11"), spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.12")));
        assertMessage("protocol 1 is not tcp (6) or udp (17)", List.of(spec("192.0.2.10", 80, 1, ForwardingMode.DSR, "10.0.0.11")));
        assertMessage("port 0 is not 1..65535", List.of(spec("192.0.2.10", 0, 6, ForwardingMode.DSR, "10.0.0.11")));
        assertMessage("DSR needs backends of the VIP's address family", List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "2001:db8::1")));
        assertMessage("backend 10.0.0.11 is listed twice", List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11", "10.0.0.11")));
        assertMessage("is also a local address of the LB", List.of(spec("10.0.0.2", 80, 6, ForwardingMode.DSR, "10.0.0.11")));
        final DataplaneSettings noSources = DataplaneSettings.of(List.of(), List.of(), List.of());
        final IllegalArgumentException noSource = assertThrows(IllegalArgumentException.class, () -> ServiceSnapshotBuilder.build(
            noSources, List.of(spec("192.0.2.10", 80, 6, ForwardingMode.GUE, "10.1.0.1")), neighbours));
        assertTrue(noSource.getMessage().contains("needs an IPv4 tunnel source address"), noSource.getMessage());
        final IllegalArgumentException notPrime = assertThrows(IllegalArgumentException.class, () -> ServiceSnapshotBuilder.build(
            settings, List.of(new ServiceSpec(IpAddress.parse("192.0.2.10"), 80, 6, ForwardingMode.DSR,
                List.of(new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.11"), 1)), 65536, 1, 1)), neighbours));
        assertTrue(notPrime.getMessage().startsWith("service 192.0.2.10:80/tcp: Maglev table size 65536 must be a prime"), notPrime.getMessage());
    }

    @Test
    void shouldRefuseAnL3ServiceWhenAnotherServiceSharesItsVipAndProtocol()
    {
        assertMessage("service 192.0.2.10:80/tcp: fragments l3 matches a fragment after the first, which carries no port, " +
            "by VIP and protocol alone, so it must be the only tcp service of 192.0.2.10; 192.0.2.10:443/tcp shares them", List.of(
            spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11").withTranslation(0, FragmentPolicy.L3),
            spec("192.0.2.10", 443, 6, ForwardingMode.DSR, "10.0.0.11")));
        assertMessage("fragments l3 with one-packet scheduling needs a hash scheduler", List.of(
            spec("192.0.2.10", 53, 17, ForwardingMode.DSR, "10.0.0.11").withScheduling(Scheduler.ROUND_ROBIN, true)
                .withTranslation(0, FragmentPolicy.L3)));
        final ServiceSnapshot accepted = ServiceSnapshotBuilder.build(settings, List.of(
            spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11").withTranslation(0, FragmentPolicy.L3),
            spec("192.0.2.10", 53, 17, ForwardingMode.DSR, "10.0.0.11").withTranslation(0, FragmentPolicy.L3),
            spec("192.0.2.11", 80, 6, ForwardingMode.DSR, "10.0.0.11")), neighbours);
        assertEquals(3, accepted.serviceCount(), "another protocol of the VIP, or another VIP, shares nothing");
    }

    @Test
    void shouldMatchLaterFragmentsByVipAndProtocolOnlyWhenOneServiceHasThem()
    {
        final ServiceSnapshot snapshot = ServiceSnapshotBuilder.build(settings, List.of(
            spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11").withTranslation(0, FragmentPolicy.L3),
            spec("192.0.2.11", 80, 6, ForwardingMode.DSR, "10.0.0.11"),
            spec("192.0.2.11", 443, 6, ForwardingMode.DSR, "10.0.0.11"),
            spec("192.0.2.12", 80, 6, ForwardingMode.NAT, "10.0.0.51").withTranslation(8080, FragmentPolicy.L3),
            spec("192.0.2.13", 80, 6, ForwardingMode.NAT, "10.0.0.51").withTranslation(8081, FragmentPolicy.DROP),
            spec("192.0.2.14", 53, 17, ForwardingMode.NAT, "10.0.0.52").withTranslation(0, FragmentPolicy.L3),
            spec("192.0.2.15", 53, 17, ForwardingMode.NAT, "10.0.0.52").withTranslation(5353, FragmentPolicy.L3)), neighbours);
        final long lo10 = IpAddress.parse("192.0.2.10").lo();
        final long lo11 = IpAddress.parse("192.0.2.11").lo();

        assertEquals(80, snapshot.fragmentService(0, lo10, 6).port());
        assertNull(snapshot.fragmentService(0, lo10, 17), "no UDP service");
        assertNull(snapshot.fragmentService(0, lo11, 6), "two TCP services: no port tells them apart");
        final Backend reply = snapshot.natFragmentReplyBackend(0, IpAddress.parse("10.0.0.51").lo(), 6);
        assertEquals("192.0.2.12:80/tcp", snapshot.serviceAt(reply.serviceIndex()).spec().name(), "the one l3 NAT service of 10.0.0.51/tcp");
        assertNull(snapshot.natFragmentReplyBackend(0, IpAddress.parse("10.0.0.51").lo(), 17));
        assertNull(snapshot.natFragmentReplyBackend(0, IpAddress.parse("10.0.0.52").lo(), 17), "two l3 NAT services of 10.0.0.52/udp");
        assertNull(snapshot.natReplyBackend(0, IpAddress.parse("10.0.0.51").lo(), 0, 6), "port 0 is no endpoint");
    }

    private void assertMessage(final String expected, final List<ServiceSpec> specs)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ServiceSnapshotBuilder.build(settings, specs, neighbours));
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }

    @Test
    void shouldRejectBackendsThatArriveBackAtTheLbAndVipsThatCannotBeReached()
    {
        assertMessage("service 192.0.2.10:80/tcp: backend 192.0.2.10 is the service's own VIP",
            List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "192.0.2.10")));
        assertMessage("service 192.0.2.10:80/tcp: backend 192.0.2.11 is the VIP of another service of this LB",
            List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "192.0.2.11"), spec("192.0.2.11", 80, 6, ForwardingMode.DSR)));
        assertMessage("service 192.0.2.10:80/tcp: backend 10.0.0.2 is an address of the LB itself",
            List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.2")));
        assertMessage("service 192.0.2.10:80/tcp: backend 10.0.0.100 is an address of the LB itself",
            List.of(spec("192.0.2.10", 80, 6, ForwardingMode.IPIP, "10.0.0.100")));
        assertMessage("service 192.0.2.10:80/tcp: 127.0.0.2 is a loopback address",
            List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "127.0.0.2")));
        assertMessage("service 255.255.255.255:80/tcp: 255.255.255.255 is the limited broadcast address",
            List.of(spec("255.255.255.255", 80, 6, ForwardingMode.DSR, "10.0.0.11")));
        assertMessage("it cannot be a VIP", List.of(spec("0.0.0.0", 80, 6, ForwardingMode.DSR, "10.0.0.11")));
        assertMessage("it cannot be a VIP", List.of(spec("ff02::1", 80, 6, ForwardingMode.GUE, "10.0.0.11")));
        assertEquals(0, neighbours.size(), "a refused configuration registers no neighbour");
    }

    private static ServiceSpec withBackends(final ServiceSpec spec, final List<ServiceSpec.BackendSpec> backends)
    {
        return new ServiceSpec(spec.vip(), spec.port(), spec.protocol(), spec.mode(), backends, spec.maglevSize(),
            spec.tcpIdleTimeoutNs(), spec.udpIdleTimeoutNs(), spec.scheduler(), spec.onePacketScheduling());
    }

    @Test
    void shouldKeepTheMaglevTableOfEveryServiceAChangeDoesNotTouch()
    {
        final ServiceSpec web = spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11", "10.0.0.12");
        final ServiceSpec dns = spec("192.0.2.53", 53, 17, ForwardingMode.DSR, "10.0.0.21", "10.0.0.22");
        final ServiceSnapshot first = ServiceSnapshotBuilder.build(settings, List.of(web, dns), neighbours);
        final ServiceSpec heavier = withBackends(web, List.of(new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.11"), 1),
            new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.12"), 3)));

        final ServiceSnapshot second = ServiceSnapshotBuilder.build(first, settings, List.of(dns, heavier), neighbours);

        assertSame(first.serviceAt(1).maglev(), second.serviceAt(0).maglev(), "dns is unchanged: its table is reused");
        assertNotSame(first.serviceAt(0).maglev(), second.serviceAt(1).maglev(), "a weight changed: web's table is rebuilt");
        assertEquals(List.of(1, 3), List.of(second.serviceAt(1).backend(0).weight(), second.serviceAt(1).backend(1).weight()));
        final ServiceSnapshot reordered = ServiceSnapshotBuilder.build(second, settings, List.of(dns,
            withBackends(heavier, List.of(heavier.backends().get(1), heavier.backends().get(0)))), neighbours);
        assertNotSame(second.serviceAt(1).maglev(), reordered.serviceAt(1).maglev(), "table indices are list positions");
    }

    @Test
    void shouldLeaveTheNeighbourTableAsItWasWhenAConfigurationIsRefusedForTooManyBackends()
    {
        final NeighbourTable table = new NeighbourTable(64);
        final ServiceSnapshot running = ServiceSnapshotBuilder.build(settings, List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR,
            "10.0.0.11")), table);
        final int slot = table.indexOf(IpAddress.parse("10.0.0.11"));
        final String[] many = new String[ServiceSnapshot.MAX_BACKENDS + 1];
        for (int i = 0; i < many.length; i++)
        {
            many[i] = "10.1." + (i >> 8) + "." + (i & 0xFF);
        }
        final ServiceSpec tooMany = spec("192.0.2.20", 80, 6, ForwardingMode.IPIP, many);
        final ServiceSpec big = new ServiceSpec(tooMany.vip(), 80, 6, ForwardingMode.IPIP, tooMany.backends(),
            MaglevTableBuilder.nextPrime(many.length + 1), tooMany.tcpIdleTimeoutNs(), tooMany.udpIdleTimeoutNs());

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ServiceSnapshotBuilder.build(running, settings, List.of(big), table));

        assertTrue(ex.getMessage().startsWith("too many backends"), ex.getMessage());
        assertTrue(table.isActive(slot), "the running snapshot's next hop is still in use");
        assertEquals(0, table.retired(), "nothing was retired by the refused configuration");
        assertEquals(-1, table.indexOf(IpAddress.parse("10.0.0.1")), "the refused configuration's gateway was not registered");
    }

    @Test
    void shouldRejectLbAddressesThatNameNoHost()
    {
        final IllegalArgumentException local = assertThrows(IllegalArgumentException.class, () -> DataplaneSettings.of(
            List.of(IpAddress.parse("0.0.0.0")), List.of(), List.of()));
        assertTrue(local.getMessage().endsWith("it cannot be a LB address"), local.getMessage());
        final IllegalArgumentException source = assertThrows(IllegalArgumentException.class, () -> DataplaneSettings.of(
            List.of(), List.of(IpAddress.parse("224.1.1.1")), List.of()));
        assertTrue(source.getMessage().endsWith("it cannot be a tunnel source"), source.getMessage());
        final IllegalArgumentException gateway = assertThrows(IllegalArgumentException.class,
            () -> settings.withGateways(IpAddress.parse("127.0.0.1"), null));
        assertTrue(gateway.getMessage().endsWith("it cannot be a gateway"), gateway.getMessage());
        settings.withGateways(null, IpAddress.parse("fe80::1"));
    }

    @Test
    void shouldRejectSettingsOutsideTheirRange()
    {
        assertThrows(IllegalArgumentException.class, () -> settings.withMtu(1000));
        assertThrows(IllegalArgumentException.class, () -> settings.withGue(0, 0));
        assertThrows(IllegalArgumentException.class, () -> settings.withGue(6080, 2));
        assertThrows(IllegalArgumentException.class, () -> settings.withGateways(IpAddress.parse("2001:db8::1"), null));
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("example.com"));
    }

    @Test
    void shouldRejectIdleTimeoutLongerThanTheFlowTableCanHold()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ServiceSnapshotBuilder.build(settings,
            List.of(new ServiceSpec(IpAddress.parse("192.0.2.10"), 80, 6, ForwardingMode.DSR,
                List.of(new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.11"), 1)), 65537,
                io.sluice.dataplane.flow.FlowTable.MAX_IDLE_TIMEOUT_NS + 1, 1)), neighbours));
        assertTrue(ex.getMessage().contains("tcp idle timeout"), ex.getMessage());
    }

    @Test
    void shouldRejectMtuThatLeavesLessThan1280BytesForIpv6InATunnel()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ServiceSnapshotBuilder.build(
            settings.withMtu(1300), List.of(spec("2001:db8:100::20", 80, 6, ForwardingMode.IPIP, "2001:db8:1::21")), neighbours));
        assertTrue(ex.getMessage().contains("the mtu must be at least 1320"), ex.getMessage());
    }

    @Test
    void shouldLeaveNeighbourTableUntouchedWhenBuildFails()
    {
        final ServiceSnapshot running = ServiceSnapshotBuilder.build(
            settings, List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11")), neighbours);
        final int registered = neighbours.size();
        final DataplaneSettings withStatic = settings.withStaticNeighbours(
            List.of(new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.11"), 0x0200_0000_00AAL)));

        assertThrows(IllegalArgumentException.class, () -> ServiceSnapshotBuilder.build(running, withStatic, List.of(
            spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11"),
            new ServiceSpec(IpAddress.parse("192.0.2.20"), 80, 6, ForwardingMode.DSR,
                List.of(new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.12"), 1)), 65536, 1, 1)), neighbours));

        assertEquals(registered, neighbours.size(), "a failed build registers nothing");
        assertEquals(NeighbourTable.UNRESOLVED, neighbours.mac(neighbours.indexOf(IpAddress.parse("10.0.0.11"))),
            "a failed build pins no MAC");
    }

    @Test
    void shouldUnpinStaticNeighbourWhenSettingsNoLongerListItAndStopResolvingUnusedOnes()
    {
        final DataplaneSettings withStatic = settings.withStaticNeighbours(
            List.of(new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.11"), 0x0200_0000_00AAL)));
        final ServiceSnapshot first = ServiceSnapshotBuilder.build(
            withStatic, List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11")), neighbours);
        final int index = neighbours.indexOf(IpAddress.parse("10.0.0.11"));
        assertTrue(neighbours.isStatic(index));

        final ServiceSnapshot second = ServiceSnapshotBuilder.build(
            first, settings, List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.11")), neighbours);
        assertFalse(neighbours.isStatic(index), "unpinned once the settings drop it");
        assertEquals(NeighbourTable.UNRESOLVED, neighbours.mac(index), "to be resolved again");

        ServiceSnapshotBuilder.build(second, settings, List.of(spec("192.0.2.10", 80, 6, ForwardingMode.DSR, "10.0.0.12")), neighbours);
        assertFalse(neighbours.isActive(index), "a next hop no service uses is no longer resolved");
        assertTrue(neighbours.isActive(neighbours.indexOf(IpAddress.parse("10.0.0.12"))));
    }

    @Test
    void shouldRefuseMulticastOrZeroStaticMac()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.1"), 0x0100_5E00_0001L));
        assertThrows(IllegalArgumentException.class, () -> new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.1"), 0));
    }
}
