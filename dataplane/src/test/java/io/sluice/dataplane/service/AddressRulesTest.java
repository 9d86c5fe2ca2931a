package io.sluice.dataplane.service;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressRulesTest
{
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "0.0.0.0, unspecified",
        "0.200.1.1, this network",
        "127.0.0.1, loopback",
        "127.255.255.254, loopback",
        "169.254.10.1, link-local",
        "224.0.0.1, multicast",
        "239.255.255.255, multicast",
        "240.0.0.1, reserved",
        "255.255.255.254, reserved",
        "255.255.255.255, limited broadcast",
        "::, unspecified",
        "::1, loopback",
        "::10.1.2.3, IPv4-compatible",
        "ff02::1, multicast",
        "ff0e::101, multicast",
        "fe80::1, link-local",
        "febf:ffff::1, link-local",
    })
    void shouldRefuseAsVipAndBackendEveryAddressThatCannotCarryTraffic(final String text, final String kind)
    {
        final IpAddress address = IpAddress.parse(text);
        for (final AddressRules.Role role : new AddressRules.Role[]{AddressRules.Role.VIP, AddressRules.Role.BACKEND,
            AddressRules.Role.SORRY, AddressRules.Role.TUNNEL_SOURCE})
        {
            final String refusal = AddressRules.refusal(role, address);
            assertTrue(refusal != null && refusal.contains(kind) && refusal.endsWith("it cannot be a " + role.label()),
                role + ": " + refusal);
        }
    }

    @ParameterizedTest(name = "{0} is usable")
    @CsvSource({
        "1.0.0.1", "9.255.255.255", "10.0.0.1", "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.1",
        "192.0.2.10", "198.51.100.1", "203.0.113.11", "223.255.255.255",
        "2001:db8::10", "2606:4700::1111", "fc00::1", "fec0::1", "fe7f::1", "::1:0:0:0", "64:ff9b::1.2.3.4",
    })
    void shouldAcceptRoutableUnicastAddressesInEveryRole(final String text)
    {
        for (final AddressRules.Role role : AddressRules.Role.values())
        {
            assertNull(AddressRules.refusal(role, IpAddress.parse(text)), role + " " + text);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fe80::1", "169.254.0.1"})
    void shouldAcceptLinkLocalGatewaysAndLbAddressesOnly(final String text)
    {
        final IpAddress address = IpAddress.parse(text);
        assertNull(AddressRules.refusal(AddressRules.Role.GATEWAY, address));
        assertNull(AddressRules.refusal(AddressRules.Role.LOCAL, address));
        assertNull(AddressRules.refusal(AddressRules.Role.STATIC_NEIGHBOUR, address));
        assertTrue(AddressRules.refusal(AddressRules.Role.BACKEND, address).contains("link-local"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0.0.0.0", "127.0.0.1", "224.0.0.1", "::1", "ff02::2"})
    void shouldRefuseGatewaysThatAreNoHost(final String text)
    {
        assertTrue(AddressRules.refusal(AddressRules.Role.GATEWAY, IpAddress.parse(text)).endsWith("it cannot be a gateway"));
    }

    @org.junit.jupiter.api.Test
    void shouldNameTheAddressItsClassAndTheRole()
    {
        assertEquals("127.0.0.1 is a loopback address (127.0.0.0/8): packets to it never leave a host, it cannot be a backend",
            AddressRules.refusal(AddressRules.Role.BACKEND, IpAddress.parse("127.0.0.1")));
    }
}
