package io.sluice.controlplane.vrrp;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each rule of the validator with its exact message, and every problem reported at once.
 */
class VrrpConfigValidatorTest
{
    private static final IpAddress PRIMARY = IpAddress.parse("10.0.0.1");
    private static final IpAddress VIP = IpAddress.parse("192.0.2.10");
    private static final String WHO = "virtual router v (VRID 51, IPv4): ";
    private static final VrrpConfig GOOD = VrrpConfig.of("v", 51, 100, 100, PRIMARY, List.of(VIP));

    @Test
    void shouldFindNothingWhenConfigurationIsGood()
    {
        final VrrpConfig ipv6 = VrrpConfig.of("w", 51, 100, 100, IpAddress.parse("fe80::1"),
            List.of(IpAddress.parse("fe80::5efe:33"), IpAddress.parse("2001:db8::1")));

        assertEquals(List.of(), VrrpConfigValidator.problems(List.of(GOOD, ipv6), List.of()));
    }

    @Test
    void shouldReportEveryRangeWhenNumbersAreOutside()
    {
        final VrrpConfig bad = new VrrpConfig("v", 51, VrrpFamily.IPV4, 0, 4096, true, -1, false, List.of(VIP), PRIMARY,
            List.of());

        assertEquals(List.of(
            WHO + "priority 0 is not valid: an integer 1..255 (255 = the address owner)",
            WHO + "advertInterval 4096 is not valid: an integer 1..4095 centiseconds",
            WHO + "preemptDelay -1 ns is not valid: 0..1000 s"), VrrpConfigValidator.problems(bad, null));
        assertEquals(List.of("virtual router v (VRID 256, IPv4): vrid 256 is not valid: an integer 1..255"),
            VrrpConfigValidator.problems(VrrpConfig.of("v", 256, 1, 1, PRIMARY, List.of(VIP)), null));
    }

    @Test
    void shouldReportDelayWhenPreemptIsOff()
    {
        assertEquals(List.of(WHO + "preemptDelay is set but preempt is off: a delay applies only to preemption"),
            VrrpConfigValidator.problems(GOOD.withPreempt(false, 1), null));
    }

    @Test
    void shouldReportAddressesWhenFamiliesMix()
    {
        final VrrpConfig mixed = VrrpConfig.of("v", 51, 100, 100, PRIMARY, List.of(VIP, IpAddress.parse("2001:db8::1")))
            .withUnicastPeers(List.of(IpAddress.parse("fe80::2")));

        assertEquals(List.of(
            WHO + "virtual address 2001:db8:0:0:0:0:0:1 is not an IPv4 address: one family per virtual router",
            WHO + "unicast peer fe80:0:0:0:0:0:0:2 is not an IPv4 address"), VrrpConfigValidator.problems(mixed, null));
    }

    @Test
    void shouldReportPrimaryWhenIpv6SourceIsNotLinkLocal()
    {
        final VrrpConfig global = VrrpConfig.of("v", 51, 100, 100, IpAddress.parse("2001:db8::5"),
            List.of(IpAddress.parse("2001:db8::1")));

        assertEquals(List.of("virtual router v (VRID 51, IPv6): primaryAddress 2001:db8:0:0:0:0:0:5 is not link-local: " +
            "IPv6 adverts come from the interface's fe80::/10 address (RFC 5798 §5.1.2.1)"),
            VrrpConfigValidator.problems(global, null));
    }

    @Test
    void shouldReportAddressesWhenEmptyRepeatedOrUnusable()
    {
        assertEquals(List.of(WHO + "virtualAddresses has 0 addresses: 1..255 for IPv4"),
            VrrpConfigValidator.problems(VrrpConfig.of("v", 51, 100, 100, PRIMARY, List.of()), null));
        assertEquals(List.of(WHO + "virtual address 192.0.2.10 is listed twice",
            WHO + "virtual address: 224.0.0.1 is a multicast address (224.0.0.0/4): it names a group, not one host, " +
                "it cannot be a virtual address"),
            VrrpConfigValidator.problems(VrrpConfig.of("v", 51, 100, 100, PRIMARY,
                List.of(VIP, VIP, IpAddress.parse("224.0.0.1"))), null));
    }

    @Test
    void shouldReportTooManyIpv6AddressesWhenAdvertWouldExceedMtu()
    {
        final List<IpAddress> many = java.util.stream.IntStream.range(1, 92)
            .mapToObj(i -> IpAddress.parse("2001:db8::" + Integer.toHexString(i))).toList();

        assertEquals(List.of("virtual router v (VRID 51, IPv6): virtualAddresses has 91 addresses: 1..90 for IPv6"),
            VrrpConfigValidator.problems(VrrpConfig.of("v", 51, 100, 100, IpAddress.parse("fe80::1"), many), null));
    }

    @Test
    void shouldReportOwnershipWhenPriorityAndLocalAddressesDisagree()
    {
        final VrrpConfig owner = VrrpConfig.of("v", 51, 255, 100, PRIMARY, List.of(VIP, PRIMARY));

        assertEquals(List.of(WHO + "priority 255 says this LB owns its virtual addresses, but 192.0.2.10 is not one of " +
            "its own addresses: give a backup priority 1..254"), VrrpConfigValidator.problems(owner, List.of()));
        assertEquals(List.of(), VrrpConfigValidator.problems(owner, List.of(VIP)));
        assertEquals(List.of(WHO + "virtual address 192.0.2.10 is one of this LB's own addresses: only its owner, " +
            "with priority 255, may protect it"), VrrpConfigValidator.problems(GOOD, List.of(VIP)));
    }

    @Test
    void shouldReportPeersWhenRepeatedOrSelf()
    {
        final VrrpConfig peers = GOOD.withUnicastPeers(List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("10.0.0.2"),
            PRIMARY));

        assertEquals(List.of(WHO + "unicast peer 10.0.0.2 is listed twice",
            WHO + "unicast peer 10.0.0.1 is this router's own primary address"), VrrpConfigValidator.problems(peers, null));
    }

    @Test
    void shouldReportDuplicatesWhenRoutersShareNameOrVridAndFamily()
    {
        final VrrpConfig again = VrrpConfig.of("v", 51, 100, 100, IpAddress.parse("10.0.0.2"), List.of(VIP));

        assertEquals(List.of(WHO + "the name v is used by another virtual router",
            WHO + "VRID 51 is used twice for IPv4: one virtual router per VRID and family"),
            VrrpConfigValidator.problems(List.of(GOOD, again), null));
    }
}
