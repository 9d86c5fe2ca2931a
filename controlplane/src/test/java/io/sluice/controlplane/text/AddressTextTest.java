package io.sluice.controlplane.text;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AddressTextTest
{
    @Test
    void shouldCompressTheLongestZeroRunWhenFormattingIpv6()
    {
        assertEquals("2001:db8::11", AddressText.format(IpAddress.parse("2001:db8:0:0:0:0:0:11")));
        assertEquals("::", AddressText.format(IpAddress.parse("::")));
        assertEquals("::1", AddressText.format(IpAddress.parse("::1")));
        assertEquals("2001:db8::1:0:0:1", AddressText.format(IpAddress.parse("2001:db8:0:0:1:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", AddressText.format(IpAddress.parse("2001:db8:0:1:1:1:1:1")));
        assertEquals("fe80::", AddressText.format(IpAddress.parse("fe80::")));
        assertEquals("192.0.2.1", AddressText.format(IpAddress.parse("192.0.2.1")));
    }

    @Test
    void shouldShortenTheAddressWhenAServiceNameIsBracketed()
    {
        assertEquals("[2001:db8::10]:80/tcp", AddressText.shortenServiceName("[2001:db8:0:0:0:0:0:10]:80/tcp"));
        assertEquals("192.0.2.10:80/udp", AddressText.shortenServiceName("192.0.2.10:80/udp"));
        assertEquals("not an address", AddressText.shorten("not an address"));
    }
}
