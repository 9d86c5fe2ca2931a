package io.sluice.dataplane.ring;

import java.nio.ByteOrder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;

import static io.sluice.dataplane.ring.RingFixtures.assertSameFlow;
import static io.sluice.dataplane.ring.RingFixtures.ipv4Flow;
import static io.sluice.dataplane.ring.RingFixtures.ipv6Flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowRecordTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);

    @Test
    void shouldRoundTripEveryFieldWhenIpv4()
    {
        ipv4Flow().encode(buffer, 8);
        final FlowRecord decoded = new FlowRecord();

        assertTrue(decoded.decode(buffer, 8, FlowRecord.LENGTH));

        final FlowKey key = decoded.key();
        assertFalse(key.isIpv6());
        assertEquals(0L, key.srcHi());
        assertEquals(0x0000_FFFF_C0A8_0001L, key.srcLo());
        assertEquals(0x0000_FFFF_C000_020AL, key.dstLo());
        assertEquals(54321, key.srcPort());
        assertEquals(80, key.dstPort());
        assertEquals(6, key.protocol());
        assertEquals(0L, decoded.serviceHi());
        assertEquals(0x0000_FFFF_C000_020AL, decoded.serviceLo());
        assertEquals(80, decoded.servicePort());
        assertEquals(6, decoded.serviceProtocol());
        assertEquals(0x0000_FFFF_0A00_000BL, decoded.backendLo());
        assertEquals(8080, decoded.backendPort());
        assertEquals(0x0000_FFFF_0A00_0002L, decoded.natLo());
        assertEquals(40000, decoded.natPort());
        assertEquals(300_000_000_000L, decoded.idleTimeoutNs());
        assertEquals(123_456_789_012L, decoded.createdNs());
        assertTrue(decoded.isLeastConnCounted());
        assertEquals(key.hash(), new FlowKey().setIpv4(0xC0A8_0001, 0xC000_020A, 54321, 80, 6).hash(),
            "a decoded IPv4 key hashes as the original, so the flow lands in the same bucket");
    }

    @Test
    void shouldRoundTripEveryFieldWhenIpv6()
    {
        ipv6Flow().encode(buffer, 0);
        final FlowRecord decoded = new FlowRecord();

        assertTrue(decoded.decode(buffer, 0));

        final FlowKey key = decoded.key();
        assertTrue(key.isIpv6());
        assertEquals(0x2001_0DB8_0000_0001L, key.srcHi());
        assertEquals(0x0000_0000_0000_0042L, key.srcLo());
        assertEquals(0x2001_0DB8_FFFF_0000L, key.dstHi());
        assertEquals(0x8000_0000_0000_000AL, key.dstLo());
        assertEquals(65535, key.srcPort());
        assertEquals(443, key.dstPort());
        assertEquals(17, key.protocol());
        assertEquals(0x2001_0DB8_FFFF_0000L, decoded.serviceHi());
        assertEquals(0x8000_0000_0000_000AL, decoded.serviceLo());
        assertEquals(443, decoded.servicePort());
        assertEquals(17, decoded.serviceProtocol());
        assertEquals(0xFD00_0000_0000_0000L, decoded.backendHi());
        assertEquals(0xFFFF_FFFF_FFFF_FFFEL, decoded.backendLo());
        assertEquals(65534, decoded.backendPort());
        assertEquals(0xFD00_0000_0000_0001L, decoded.natHi());
        assertEquals(1L, decoded.natLo());
        assertEquals(1, decoded.natPort());
        assertEquals(Long.MAX_VALUE, decoded.idleTimeoutNs());
        assertEquals(-5L, decoded.createdNs());
        assertEquals(0x8000_0001, decoded.flags());
    }

    @Test
    void shouldWriteTheDocumentedLayoutWhenEncoding()
    {
        ipv4Flow().encode(buffer, 0);

        assertEquals(120, FlowRecord.LENGTH);
        assertEquals(FlowRecord.VERSION, buffer.getByte(0));
        assertEquals(6, buffer.getByte(FlowRecord.SERVICE_PROTOCOL_OFFSET));
        assertEquals(80, buffer.getShort(FlowRecord.SERVICE_PORT_OFFSET, ByteOrder.LITTLE_ENDIAN));
        assertEquals(8080, buffer.getShort(FlowRecord.BACKEND_PORT_OFFSET, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, buffer.getInt(FlowRecord.FLAGS_OFFSET, ByteOrder.LITTLE_ENDIAN));
        assertEquals(FlowKeyCodec.FAMILY_IPV4, buffer.getByte(FlowRecord.KEY_OFFSET + FlowKeyCodec.FAMILY_OFFSET));
        final int key = FlowRecord.KEY_OFFSET;
        assertEquals(54321, buffer.getShort(key + FlowKeyCodec.SRC_PORT_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
        assertEquals(0x0000_FFFF_C0A8_0001L, buffer.getLong(key + FlowKeyCodec.SRC_LO_OFFSET, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x0000_FFFF_0A00_000BL, buffer.getLong(FlowRecord.BACKEND_LO_OFFSET, ByteOrder.LITTLE_ENDIAN));
        assertEquals(123_456_789_012L, buffer.getLong(FlowRecord.CREATED_NS_OFFSET, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void shouldRefuseAndKeepStateWhenVersionIsUnknown()
    {
        ipv6Flow().encode(buffer, 0);
        buffer.putByte(FlowRecord.VERSION_OFFSET, (byte)(FlowRecord.VERSION + 1));
        final FlowRecord target = ipv4Flow();

        assertFalse(target.decode(buffer, 0, FlowRecord.LENGTH));

        assertSameFlow(ipv4Flow(), target);
    }

    @Test
    void shouldRefuseAndKeepStateWhenLengthDoesNotMatch()
    {
        ipv6Flow().encode(buffer, 0);
        final FlowRecord target = ipv4Flow();

        assertFalse(target.decode(buffer, 0, FlowRecord.LENGTH - 1));
        assertFalse(target.decode(buffer, 0, FlowRecord.LENGTH + 8));
        assertFalse(target.decode(buffer, buffer.capacity() - FlowRecord.LENGTH + 1));
        assertFalse(target.decode(buffer, -1, FlowRecord.LENGTH));

        assertSameFlow(ipv4Flow(), target);
    }

    @Test
    void shouldRefuseWhenKeyFamilyIsUnknownOrIpv4AddressIsNotMapped()
    {
        final FlowRecord target = new FlowRecord();
        ipv4Flow().encode(buffer, 0);
        buffer.putByte(FlowRecord.KEY_OFFSET + FlowKeyCodec.FAMILY_OFFSET, (byte)5);
        assertFalse(target.decode(buffer, 0));

        ipv4Flow().encode(buffer, 0);
        buffer.putLong(FlowRecord.KEY_OFFSET + FlowKeyCodec.DST_HI_OFFSET, 1L, ByteOrder.LITTLE_ENDIAN);
        assertFalse(target.decode(buffer, 0));

        assertSameFlow(new FlowRecord(), target);
    }

    @Test
    void shouldZeroEveryFieldWhenReset()
    {
        final FlowRecord record = ipv6Flow().reset();

        assertSameFlow(new FlowRecord(), record);
        assertFalse(record.key().isIpv6());
        assertEquals(0, record.flags());
        assertEquals(0L, record.backendLo());
    }

    @Test
    void shouldCopyEveryFieldIntoOwnKeyWhenSet()
    {
        final FlowRecord source = ipv6Flow();
        final FlowRecord copy = new FlowRecord().set(source);

        assertSameFlow(source, copy);
        assertNotSame(source.key(), copy.key());

        final FlowRecord keyed = new FlowRecord().copyKey(source.key());
        source.key().setIpv4(1, 2, 3, 4, 6);
        assertEquals(0x2001_0DB8_0000_0001L, keyed.key().srcHi(), "the record keeps its own copy of the key");
    }

    @Test
    void shouldMaskPortsAndProtocolsToTheirWidthWhenSet()
    {
        final FlowRecord record = new FlowRecord().service(1, 2, 0x1_0050, 0x106).backend(3, 4, -1).nat(5, 6, 0x2_0001);

        assertEquals(80, record.servicePort());
        assertEquals(6, record.serviceProtocol());
        assertEquals(65535, record.backendPort());
        assertEquals(1, record.natPort());
    }
}
