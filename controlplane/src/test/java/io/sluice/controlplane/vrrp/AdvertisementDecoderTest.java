package io.sluice.controlplane.vrrp;

import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.IpAddress;

import static io.sluice.controlplane.vrrp.ReferenceFrames.concat;
import static io.sluice.controlplane.vrrp.ReferenceFrames.fixIpv4HeaderChecksum;
import static io.sluice.controlplane.vrrp.ReferenceFrames.fixIpv4VrrpChecksum;
import static io.sluice.controlplane.vrrp.ReferenceFrames.fixIpv6Checksum;
import static io.sluice.controlplane.vrrp.ReferenceFrames.slice;
import static io.sluice.controlplane.vrrp.VrrpFramesTest.IPV4_ADVERT;
import static io.sluice.controlplane.vrrp.VrrpFramesTest.IPV6_ADVERT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every receive check of RFC 5798 §7.1 through a {@link VrrpInstance}, on frames made from the
 * hand-written fixtures and altered one field at a time (checksums refixed by the test's model,
 * so that only the field under test is wrong).
 */
class AdvertisementDecoderTest
{
    private static final int VRRP4 = 14 + 20;
    private static final int VRRP6 = 14 + 40;

    private final VrrpCounters counters = new VrrpCounters();
    private final VrrpInstance instance = new VrrpInstance(List.of(
        VrrpConfig.of("local4", 51, 100, 100, IpAddress.parse("10.9.0.3"), List.of(IpAddress.parse("192.0.2.10"))),
        VrrpConfig.of("local6", 52, 100, 100, IpAddress.parse("fe80::3"), List.of(IpAddress.parse("2001:db8::10")))),
        new RecordingActions(), counters);

    @Test
    void shouldDecodeIpv4AdvertWhenEveryFieldIsValid()
    {
        final Advertisement advert = new Advertisement();
        final byte[] frame = ipv4Advert();

        assertNull(AdvertisementDecoder.decode(new UnsafeBuffer(frame), 0, frame.length, advert));

        assertEquals(VrrpFamily.IPV4, advert.family());
        assertEquals(51, advert.vrid());
        assertEquals(100, advert.priority());
        assertEquals(100, advert.maxAdvertIntervalCs());
        assertEquals(2, advert.count());
        assertEquals(IpAddress.parse("10.9.0.2"), advert.source());
        assertEquals(0x0000_5E00_0133L, advert.sourceMac());
        assertTrue(advert.withPseudoHeader());
    }

    @Test
    void shouldDecodeIpv6AdvertWhenEveryFieldIsValid()
    {
        final Advertisement advert = new Advertisement();
        final byte[] frame = ipv6Advert();

        assertNull(AdvertisementDecoder.decode(new UnsafeBuffer(frame), 0, frame.length, advert));

        assertEquals(VrrpFamily.IPV6, advert.family());
        assertEquals(52, advert.vrid());
        assertEquals(10, advert.maxAdvertIntervalCs());
        assertEquals(IpAddress.parse("fe80::1"), advert.source());
    }

    @Test
    void shouldCountBothChecksumFormsWhenIpv4AdvertsUseEither()
    {
        final byte[] rfc9568 = ipv4Advert();
        fixIpv4VrrpChecksum(rfc9568, false);

        assertNull(onFrame(ipv4Advert()));
        assertNull(onFrame(rfc9568));

        assertEquals(1, counters.acceptedWithPseudoHeader());
        assertEquals(1, counters.acceptedWithoutPseudoHeader());
    }

    @Test
    void shouldAcceptAdvertWhenFromInterfaceMacWithVlanTagAndPadding()
    {
        final byte[] frame = ipv4Advert();
        final byte[] tagged = concat(slice(frame, 0, 6), ReferenceFrames.hex("0242ac110002 8100 0064"),
            slice(frame, 12, frame.length - 12), new byte[8]);

        assertNull(onFrame(tagged));
        assertEquals(1, counters.acceptedWithPseudoHeader());
    }

    @Test
    void shouldDiscardWithoutReadingOutsideTheBufferWhenOffsetOrLengthDoNotFitIt()
    {
        final Advertisement advert = new Advertisement();
        final byte[] frame = ipv4Advert();
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);

        assertEquals(VrrpDiscard.NOT_VRRP, AdvertisementDecoder.decode(buffer, 0, frame.length + 1, advert));
        assertEquals(VrrpDiscard.NOT_VRRP, AdvertisementDecoder.decode(buffer, 4, frame.length, advert));
        assertEquals(VrrpDiscard.NOT_VRRP, AdvertisementDecoder.decode(buffer, -1, frame.length, advert));
        assertEquals(VrrpDiscard.NOT_VRRP, AdvertisementDecoder.decode(buffer, Integer.MAX_VALUE - 10, frame.length, advert));
        assertNull(AdvertisementDecoder.decode(buffer, 0, frame.length, advert), "the frame itself still decodes");
    }

    @Test
    void shouldDiscardAsNotVrrpWhenFrameIsArpOrUdp()
    {
        final byte[] arp = new byte[60];
        new UnsafeBuffer(arp).putShort(12, (short)0x0608);
        final byte[] udp = ipv4Advert();
        udp[VRRP4 - 11] = 17;
        fixIpv4HeaderChecksum(udp);

        assertEquals(VrrpDiscard.NOT_VRRP, onFrame(arp));
        assertEquals(VrrpDiscard.NOT_VRRP, onFrame(udp));
        assertEquals(VrrpDiscard.NOT_VRRP, onFrame(slice(arp, 0, 10)));
        assertEquals(3, counters.discards(VrrpDiscard.NOT_VRRP));
    }

    @Test
    void shouldDiscardAsMalformedWhenIpHeaderIsBroken()
    {
        final byte[] badHeaderChecksum = ipv4Advert();
        badHeaderChecksum[VRRP4 - 10] ^= 0x01;
        final byte[] fragment = ipv4Advert();
        fragment[14 + 6] = 0x20;
        fixIpv4HeaderChecksum(fragment);
        final byte[] longerThanFrame = ipv4Advert();
        longerThanFrame[14 + 3] = (byte)200;
        fixIpv4HeaderChecksum(longerThanFrame);
        final byte[] ipv6Cut = slice(ipv6Advert(), 0, 14 + 30);

        assertEquals(VrrpDiscard.MALFORMED_IP, onFrame(badHeaderChecksum));
        assertEquals(VrrpDiscard.MALFORMED_IP, onFrame(fragment));
        assertEquals(VrrpDiscard.MALFORMED_IP, onFrame(longerThanFrame));
        assertEquals(VrrpDiscard.MALFORMED_IP, onFrame(ipv6Cut));
        assertEquals(4, counters.discards(VrrpDiscard.MALFORMED_IP));
    }

    @Test
    void shouldDiscardWhenTtlOrHopLimitIsNot255()
    {
        final byte[] ipv4 = ipv4Advert();
        ipv4[14 + 8] = (byte)254;
        fixIpv4HeaderChecksum(ipv4);
        final byte[] ipv6 = ipv6Advert();
        ipv6[14 + 7] = 64;

        assertEquals(VrrpDiscard.TTL, onFrame(ipv4));
        assertEquals(VrrpDiscard.TTL, onFrame(ipv6));
        assertEquals(2, counters.discards(VrrpDiscard.TTL));
    }

    @Test
    void shouldDiscardWhenVersionIsNot3()
    {
        final byte[] version2 = ipv4Advert();
        version2[VRRP4] = 0x21;
        fixIpv4VrrpChecksum(version2, true);

        assertEquals(VrrpDiscard.VERSION, onFrame(version2));
        assertEquals(1, counters.discards(VrrpDiscard.VERSION));
    }

    @Test
    void shouldDiscardWhenTypeIsNotAdvertisement()
    {
        final byte[] type2 = ipv6Advert();
        type2[VRRP6] = 0x32;
        fixIpv6Checksum(type2, 6);

        assertEquals(VrrpDiscard.TYPE, onFrame(type2));
        assertEquals(1, counters.discards(VrrpDiscard.TYPE));
    }

    @Test
    void shouldDiscardAsTooShortWhenHeaderOrAddressesAreCut()
    {
        final byte[] headerCut = ipv4Advert();
        headerCut[14 + 3] = 20 + 6;
        fixIpv4HeaderChecksum(headerCut);
        final byte[] moreAddressesThanSent = ipv4Advert();
        moreAddressesThanSent[VRRP4 + 3] = 3;
        fixIpv4VrrpChecksum(moreAddressesThanSent, true);

        assertEquals(VrrpDiscard.TOO_SHORT, onFrame(headerCut));
        assertEquals(VrrpDiscard.TOO_SHORT, onFrame(moreAddressesThanSent));
        assertEquals(2, counters.discards(VrrpDiscard.TOO_SHORT));
    }

    @Test
    void shouldDiscardAsCountMismatchWhenCountDisagreesWithLength()
    {
        final byte[] fewerAddressesThanSent = ipv6Advert();
        fewerAddressesThanSent[VRRP6 + 3] = 1;
        fixIpv6Checksum(fewerAddressesThanSent, 6);
        final byte[] zeroCount = ipv4Advert();
        zeroCount[VRRP4 + 3] = 0;
        zeroCount[14 + 3] = 20 + 8;
        fixIpv4HeaderChecksum(zeroCount);
        fixIpv4VrrpChecksum(zeroCount, true);

        assertEquals(VrrpDiscard.COUNT_MISMATCH, onFrame(fewerAddressesThanSent));
        assertEquals(VrrpDiscard.COUNT_MISMATCH, onFrame(zeroCount));
        assertEquals(2, counters.discards(VrrpDiscard.COUNT_MISMATCH));
    }

    @Test
    void shouldDiscardWhenChecksumMatchesNeitherForm()
    {
        final byte[] ipv4 = ipv4Advert();
        ipv4[VRRP4 + 7] ^= 0x40;
        final byte[] ipv6WithoutPseudoHeader = ipv6Advert();
        final UnsafeBuffer view = new UnsafeBuffer(ipv6WithoutPseudoHeader);
        view.putShort(VRRP6 + 6, (short)0);
        ReferenceFrames.putShort(ipv6WithoutPseudoHeader, VRRP6 + 6,
            ReferenceFrames.checksum(slice(ipv6WithoutPseudoHeader, VRRP6, 40)));

        assertEquals(VrrpDiscard.CHECKSUM, onFrame(ipv4));
        assertEquals(VrrpDiscard.CHECKSUM, onFrame(ipv6WithoutPseudoHeader));
        assertEquals(2, counters.discards(VrrpDiscard.CHECKSUM));
    }

    @Test
    void shouldDiscardWhenVridIsNotConfiguredForTheFamily()
    {
        final byte[] otherVrid = ipv4Advert();
        otherVrid[VRRP4 + 1] = 7;
        fixIpv4VrrpChecksum(otherVrid, true);
        final byte[] vrid52AsIpv4 = ipv4Advert();
        vrid52AsIpv4[VRRP4 + 1] = 52;
        fixIpv4VrrpChecksum(vrid52AsIpv4, true);

        assertEquals(VrrpDiscard.UNKNOWN_VRID, onFrame(otherVrid));
        assertEquals(VrrpDiscard.UNKNOWN_VRID, onFrame(vrid52AsIpv4));
        assertEquals(2, counters.discards(VrrpDiscard.UNKNOWN_VRID));
    }

    @Test
    void shouldDiscardOwnAdvertWhenItLoopsBack()
    {
        final byte[] own = ipv4Advert();
        own[14 + 15] = 3;
        fixIpv4HeaderChecksum(own);
        fixIpv4VrrpChecksum(own, true);

        assertEquals(VrrpDiscard.OWN_ADVERT, onFrame(own));
        assertEquals(1, counters.discards(VrrpDiscard.OWN_ADVERT));
        assertFalse(counters.acceptedWithPseudoHeader() > 0);
    }

    @Test
    void shouldCountEveryFrameAndNeverThrowWhenFramesAreRandomlyDamaged()
    {
        final java.util.Random random = new java.util.Random(5798);
        final int frames = 20_000;
        int accepted = 0;
        for (int i = 0; i < frames; i++)
        {
            final byte[] valid = random.nextBoolean() ? ipv4Advert() : ipv6Advert();
            final byte[] frame = slice(valid, 0, 1 + random.nextInt(valid.length));
            for (int flips = random.nextInt(4); flips > 0; flips--)
            {
                frame[random.nextInt(frame.length)] ^= (byte)(1 << random.nextInt(8));
            }
            if (onFrame(frame) == null)
            {
                accepted++;
            }
        }

        long discarded = 0;
        for (final VrrpDiscard reason : VrrpDiscard.values())
        {
            discarded += counters.discards(reason);
        }
        assertEquals(frames, accepted + discarded);
        assertEquals(accepted, counters.acceptedWithPseudoHeader() + counters.acceptedWithoutPseudoHeader());
    }

    private VrrpDiscard onFrame(final byte[] frame)
    {
        return instance.onFrame(new UnsafeBuffer(frame), 0, frame.length, 0);
    }

    private static byte[] ipv4Advert()
    {
        final byte[] frame = ReferenceFrames.hex(IPV4_ADVERT);
        fixIpv4HeaderChecksum(frame);
        fixIpv4VrrpChecksum(frame, true);
        return frame;
    }

    private static byte[] ipv6Advert()
    {
        final byte[] frame = ReferenceFrames.hex(IPV6_ADVERT);
        fixIpv6Checksum(frame, 6);
        return frame;
    }
}
