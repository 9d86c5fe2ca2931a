package io.sluice.controlplane.vrrp;

import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.IpAddress;

import static io.sluice.controlplane.vrrp.ReferenceFrames.checksum;
import static io.sluice.controlplane.vrrp.ReferenceFrames.fixIpv4HeaderChecksum;
import static io.sluice.controlplane.vrrp.ReferenceFrames.fixIpv4VrrpChecksum;
import static io.sluice.controlplane.vrrp.ReferenceFrames.fixIpv6Checksum;
import static io.sluice.controlplane.vrrp.ReferenceFrames.hex;
import static io.sluice.controlplane.vrrp.ReferenceFrames.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The frames byte for byte against hand-written fixtures whose checksums the test computes with
 * its own byte-by-byte model.
 */
class VrrpFramesTest
{
    static final VrrpConfig IPV4_ROUTER = VrrpConfig.of("V4", 51, 100, 100, IpAddress.parse("10.9.0.2"),
        List.of(IpAddress.parse("192.0.2.10"), IpAddress.parse("192.0.2.11")));
    static final VrrpConfig IPV6_ROUTER = VrrpConfig.of("V6", 52, 100, 10, IpAddress.parse("fe80::1"),
        List.of(IpAddress.parse("fe80::5efe:52"), IpAddress.parse("2001:db8::10")));

    static final String IPV4_ADVERT =
        "01005e000012 00005e000133 0800" +
        "45 c0 0024 0000 0000 ff 70 0000 0a090002 e0000012" +
        "31 33 64 02 0064 0000 c000020a c000020b" +
        "00000000000000000000";
    static final String IPV6_ADVERT =
        "333300000012 00005e000234 86dd" +
        "6c000000 0028 70 ff fe800000000000000000000000000001 ff020000000000000000000000000012" +
        "31 34 64 02 000a 0000 fe8000000000000000000000 5efe0052 20010db8000000000000000000000010";

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[VrrpFrames.MAX_FRAME_LENGTH + 16]);

    @Test
    void shouldWriteIpv4AdvertWhenSentToTheGroup()
    {
        final byte[] expected = ReferenceFrames.hex(IPV4_ADVERT);
        fixIpv4HeaderChecksum(expected);
        fixIpv4VrrpChecksum(expected, true);

        final int length = VrrpFrames.writeAdvertisement(buffer, 0, IPV4_ROUTER, 100, VrrpFrames.IPV4_GROUP,
            VrrpFamily.IPV4.groupMac());

        assertEquals(hex(expected, expected.length), hex(buffer.byteArray(), length));
        assertEquals(0, checksum(slice(expected, 14, 20)), "the fixture's own IP header checksum holds");
    }

    @Test
    void shouldPutThePeerInThePseudoHeaderWhenSentToAUnicastPeer()
    {
        final String unicast = IPV4_ADVERT.replace("01005e000012", "020000000009").replace("e0000012", "0a090009");
        final byte[] expected = ReferenceFrames.hex(unicast);
        fixIpv4HeaderChecksum(expected);
        fixIpv4VrrpChecksum(expected, true);

        final int length = VrrpFrames.writeAdvertisement(buffer, 0, IPV4_ROUTER, 100, IpAddress.parse("10.9.0.9"),
            0x0200_0000_0009L);

        assertEquals(hex(expected, expected.length), hex(buffer.byteArray(), length));
    }

    @Test
    void shouldWritePriorityZeroWhenMasterGivesUp()
    {
        final byte[] expected = ReferenceFrames.hex(IPV4_ADVERT.replace("31 33 64", "31 33 00"));
        fixIpv4HeaderChecksum(expected);
        fixIpv4VrrpChecksum(expected, true);

        final int length = VrrpFrames.writeAdvertisement(buffer, 0, IPV4_ROUTER, 0, VrrpFrames.IPV4_GROUP,
            VrrpFamily.IPV4.groupMac());

        assertEquals(hex(expected, expected.length), hex(buffer.byteArray(), length));
    }

    @Test
    void shouldWriteIpv6AdvertWhenSentToTheGroup()
    {
        final byte[] expected = ReferenceFrames.hex(IPV6_ADVERT);
        fixIpv6Checksum(expected, 6);

        final int length = VrrpFrames.writeAdvertisement(buffer, 3, IPV6_ROUTER, 100, VrrpFrames.IPV6_GROUP,
            VrrpFamily.IPV6.groupMac());

        assertEquals(expected.length, length);
        assertEquals(hex(expected, expected.length), hex(slice(buffer.byteArray(), 3, length), length));
    }

    @Test
    void shouldWriteGratuitousArpWhenAnnouncingIpv4Address()
    {
        final byte[] expected = ReferenceFrames.hex(
            "ffffffffffff 00005e000133 0806" +
            "0001 0800 06 04 0001 00005e000133 c000020a 000000000000 c000020a" +
            "000000000000000000000000000000000000");

        final int length = VrrpFrames.writeGratuitousArp(buffer, 0, 51, IpAddress.parse("192.0.2.10"));

        assertEquals(hex(expected, expected.length), hex(buffer.byteArray(), length));
    }

    @Test
    void shouldWriteUnsolicitedNeighborAdvertisementWhenAnnouncingIpv6Address()
    {
        final byte[] expected = ReferenceFrames.hex(
            "333300000001 00005e000234 86dd" +
            "6c000000 0020 3a ff fe800000000000000000000000000001 ff020000000000000000000000000001" +
            "88 00 0000 a0000000 20010db8000000000000000000000010 02 01 00005e000234");
        fixIpv6Checksum(expected, 2);

        final int length = VrrpFrames.writeUnsolicitedNa(buffer, 0, 52, IpAddress.parse("fe80::1"),
            IpAddress.parse("2001:db8::10"));

        assertEquals(hex(expected, expected.length), hex(buffer.byteArray(), length));
    }

    @Test
    void shouldUseTheFamilysVirtualMacWhenAskedForIt()
    {
        assertEquals(0x0000_5E00_01FFL, VrrpFamily.IPV4.virtualMac(255));
        assertEquals(0x0000_5E00_0201L, VrrpFamily.IPV6.virtualMac(1));
    }
}
