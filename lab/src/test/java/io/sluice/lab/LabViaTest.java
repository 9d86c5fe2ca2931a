package io.sluice.lab;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.VIP_RANGE_IPV4;
import static io.sluice.lab.LabTopology.VIP_RANGE_IPV6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lab.sh via} on the router, without any daemon: a VIP, or a whole VIP range, gets a route
 * via a next hop on the LAN (a VRRP virtual address), installed once however often it is asked
 * for; {@code off} gives the VIP back to its range's route and the range back to lb1; a next hop
 * off the LAN or of the other family is refused and changes nothing. Read with {@code ip route
 * show match}, the route the router would use.
 */
@Tag("lab")
@ExtendWith(SharedLab.class)
class LabViaTest
{
    private static final String VIP_IPV4 = "192.0.2.98";
    private static final String VIP_IPV6 = "2001:db8:100::98";
    private static final String VIRTUAL_IPV4 = "203.0.113.100";
    private static final String VIRTUAL_IPV6 = "2001:db8:113::100";

    private static final LabScript LAB = LabScript.locate();

    @AfterAll
    static void restoreTheRouter()
    {
        LAB.viaOff(VIP_IPV4);
        LAB.viaOff(VIP_IPV6);
        LAB.viaOff(VIP_RANGE_IPV4);
        LAB.viaOff(VIP_RANGE_IPV6);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldRouteAVipViaTheNextHopUntilOffWhenViaIsGivenTwice(final boolean ipv6)
    {
        final String vip = ipv6 ? VIP_IPV6 : VIP_IPV4;
        final String virtual = ipv6 ? VIRTUAL_IPV6 : VIRTUAL_IPV4;
        final String lb1 = ipv6 ? LB1.ipv6() : LB1.ipv4();
        assertEquals(List.of(lb1), LabScript.routerNextHops(vip), "the VIP range's route, to lb1, by default");

        LAB.via(vip, virtual);
        assertEquals(List.of(virtual), LabScript.routerNextHops(vip));
        LAB.via(vip, virtual);
        assertEquals(List.of(virtual), LabScript.routerNextHops(vip), "asked twice, one route");
        assertEquals(List.of(lb1), LabScript.routerNextHops(ipv6 ? "2001:db8:100::10" : "192.0.2.10"), "another VIP keeps the range's route");

        LAB.viaOff(vip);
        assertEquals(List.of(lb1), LabScript.routerNextHops(vip), "back to the range's route");
        LAB.viaOff(vip);
        assertEquals(List.of(lb1), LabScript.routerNextHops(vip), "nothing to remove is no error");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldRouteTheWholeRangeViaTheNextHopAndBackToLb1WhenTheRangeIsGiven(final boolean ipv6)
    {
        final String range = ipv6 ? VIP_RANGE_IPV6 : VIP_RANGE_IPV4;
        final String vip = ipv6 ? "2001:db8:100::10" : "192.0.2.10";
        final String virtual = ipv6 ? VIRTUAL_IPV6 : VIRTUAL_IPV4;
        final String lb1 = ipv6 ? LB1.ipv6() : LB1.ipv4();

        LAB.via(range, virtual);
        assertEquals(List.of(virtual), LabScript.routerNextHops(vip));

        LAB.viaOff(range);
        assertEquals(List.of(lb1), LabScript.routerNextHops(vip), "the range goes to lb1 again");
        LAB.viaOff(range);
        assertEquals(List.of(lb1), LabScript.routerNextHops(vip));
    }

    @Test
    void shouldRefuseAndChangeNothingWhenTheNextHopIsOffTheLanOrOfTheOtherFamily()
    {
        for (final List<String> arguments : List.of(List.of(VIP_IPV4, "198.51.100.7"), List.of(VIP_IPV4, VIRTUAL_IPV6),
            List.of(VIP_IPV6, VIRTUAL_IPV4), List.of(VIP_IPV6, "2001:db8:c::7"), List.of("198.51.100.9", VIRTUAL_IPV4),
            List.of(VIP_IPV4, "203.0.113.100/24")))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> LAB.via(arguments.get(0), arguments.get(1)),
                "via " + arguments);
            assertTrue(refused.getMessage().contains("error"), refused.getMessage());
        }
        assertEquals(List.of(LB1.ipv4()), LabScript.routerNextHops(VIP_IPV4));
        assertEquals(List.of(LB1.ipv6()), LabScript.routerNextHops(VIP_IPV6));
    }
}
