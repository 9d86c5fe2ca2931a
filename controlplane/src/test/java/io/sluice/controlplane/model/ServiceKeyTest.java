package io.sluice.controlplane.model;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServiceKeyTest
{
    @Test
    void shouldParseIpv4AndIpv6NamesWhenWrittenByTheDataplane()
    {
        final ServiceKey v4 = ServiceKey.parse("192.0.2.10:80/tcp");
        final ServiceKey v6 = ServiceKey.parse("[2001:db8:0:0:0:0:0:10]:53/udp");
        final ServiceKey other = ServiceKey.parse("192.0.2.10:0/132");

        assertEquals(new ServiceKey(IpAddress.parse("192.0.2.10"), 80, 6), v4);
        assertEquals(new ServiceKey(IpAddress.parse("2001:db8::10"), 53, 17), v6);
        assertEquals("2001:db8::10", v6.vipText());
        assertEquals("udp", v6.protocolName());
        assertEquals("132", other.protocolName());
    }

    @Test
    void shouldNameTheTextWhenItIsNotAServiceName()
    {
        assertEquals("'192.0.2.10/tcp' is not a service name of the form ADDRESS:PORT/PROTOCOL",
            assertThrows(IllegalArgumentException.class, () -> ServiceKey.parse("192.0.2.10/tcp")).getMessage());
        assertEquals("'192.0.2.10:http/tcp' is not a service name of the form ADDRESS:PORT/PROTOCOL",
            assertThrows(IllegalArgumentException.class, () -> ServiceKey.parse("192.0.2.10:http/tcp")).getMessage());
        assertEquals("service port 70000 is not 0..65535",
            assertThrows(IllegalArgumentException.class, () -> ServiceKey.parse("192.0.2.10:70000/tcp")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServiceKey.parse("example.com:80/tcp"));
    }

    @Test
    void shouldReadItsOwnNameBackWhenParsed()
    {
        final ServiceKey v6 = new ServiceKey(IpAddress.parse("2001:db8::10"), 443, ServiceKey.TCP);
        final ServiceKey v4 = new ServiceKey(IpAddress.parse("192.0.2.10"), 53, ServiceKey.UDP);

        assertEquals("[2001:db8::10]:443/tcp", v6.name());
        assertEquals(v6, ServiceKey.parse(v6.name()));
        assertEquals(v4, ServiceKey.parse(v4.name()));
    }
}
