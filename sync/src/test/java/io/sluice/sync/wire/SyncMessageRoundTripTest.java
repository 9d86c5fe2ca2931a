package io.sluice.sync.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.sync.codec.FlowOp;

import static io.sluice.sync.wire.WireFixtures.EPOCH;
import static io.sluice.sync.wire.WireFixtures.KEY;
import static io.sluice.sync.wire.WireFixtures.KEY_BYTES;
import static io.sluice.sync.wire.WireFixtures.NOW_NS;
import static io.sluice.sync.wire.WireFixtures.RECEIVER;
import static io.sluice.sync.wire.WireFixtures.SENDER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the writer encodes, the reader gives back, field for field.
 */
class SyncMessageRoundTripTest
{
    private static final FlowOp[] OPS = {FlowOp.NEW, FlowOp.REPIN, FlowOp.CLOSE, FlowOp.REFRESH, FlowOp.BULK};

    private final RecordingHandler handler = new RecordingHandler();
    private final SyncMessageWriter writer = new SyncMessageWriter(KEY);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SyncMessageWriter.DEFAULT_MAX_MESSAGE_LENGTH]);

    private SyncMessageReader reader(final long nowNs)
    {
        return new SyncMessageReader(KEY, RECEIVER, handler, () -> nowNs, SyncMessageReader.DEFAULT_MAX_MESSAGE_LENGTH,
            SyncMessageReader.DEFAULT_MAX_PEERS, SyncMessageReader.DEFAULT_FIRST_CONTACT_MAX_AGE_NS);
    }

    @Test
    void shouldRoundTripEveryFieldOfIpv4AndIpv6FlowsWithEveryOp()
    {
        final List<FlowRecord> sent = new ArrayList<>();
        writer.begin(buffer, 0, SENDER, EPOCH, 1, NOW_NS);
        for (int i = 0; i < 10; i++)
        {
            final FlowRecord flow = (i & 1) == 0 ? WireFixtures.ipv4Flow(i) : WireFixtures.ipv6Flow(i);
            sent.add(flow);
            assertTrue(writer.add(OPS[i % OPS.length], flow));
        }
        final int length = writer.finish();

        assertEquals(SyncProtocol.EMPTY_FLOW_BATCH_LENGTH + 10 * SyncProtocol.FLOW_LENGTH, length);
        assertEquals(SyncVerdict.ACCEPTED, reader(NOW_NS).read(buffer, 0, length));
        assertEquals(List.of("epoch"), handler.of("epoch").stream().map(RecordingHandler.Event::kind).toList());
        assertFalse(handler.of("epoch").getFirst().flag(), "first contact, not a restart");
        final List<RecordingHandler.Event> flows = handler.of("flow");
        assertEquals(10, flows.size());
        for (int i = 0; i < 10; i++)
        {
            final RecordingHandler.Event event = flows.get(i);
            final FlowRecord expected = sent.get(i);
            assertTrue(expected.sameAs(event.flow()), () -> expected + " != " + event.flow());
            assertEquals(OPS[i % OPS.length], event.op());
            assertEquals((i & 1) == 1, event.flow().key().isIpv6());
            assertEquals(SENDER, event.senderId());
            assertEquals(EPOCH, event.epoch());
            assertEquals(1, event.sequence());
            assertEquals(NOW_NS, event.sentEpochNanos());
            assertEquals(10, event.flowCount());
        }
    }

    @Test
    void shouldRoundTripTheLargestValueOfEveryField()
    {
        final FlowRecord v6 = WireFixtures.maxFlow();
        final FlowRecord v4 = WireFixtures.maxIpv4Flow();
        writer.begin(buffer, 0, -1, -1L, -1L, Long.MAX_VALUE);
        writer.add(FlowOp.BULK, v6);
        writer.add(FlowOp.NEW, v4);
        final int length = writer.finish();

        assertEquals(SyncVerdict.ACCEPTED, reader(Long.MAX_VALUE).read(buffer, 0, length));
        final List<RecordingHandler.Event> flows = handler.of("flow");
        assertTrue(v6.sameAs(flows.get(0).flow()), () -> flows.get(0).flow().toString());
        assertTrue(v4.sameAs(flows.get(1).flow()), () -> flows.get(1).flow().toString());
        assertFalse(flows.get(1).flow().key().isIpv6());
        assertEquals(-1, flows.get(0).senderId());
        assertEquals(-1L, flows.get(0).epoch());
        assertEquals(-1L, flows.get(0).sequence());
        assertEquals(Long.MAX_VALUE, flows.get(0).sentEpochNanos());
    }

    @Test
    void shouldRoundTripTheNatMappingOfIpv4AndIpv6FlowsAndNoneWhenAFlowHasNone()
    {
        final List<FlowRecord> sent = List.of(WireFixtures.ipv4NatFlow(1), WireFixtures.ipv6NatFlow(2),
            WireFixtures.ipv4Flow(3), WireFixtures.ipv6Flow(4), WireFixtures.ipv4NatFlow(5).flags(FlowRecord.FLAG_LOCAL));
        writer.begin(buffer, 0, SENDER, EPOCH, 1, NOW_NS);
        sent.forEach(flow -> assertTrue(writer.add(FlowOp.BULK, flow)));
        final int length = writer.finish();

        assertEquals(SyncVerdict.ACCEPTED, reader(NOW_NS).read(buffer, 0, length));
        final List<RecordingHandler.Event> flows = handler.of("flow");
        assertEquals(sent.size(), flows.size());
        for (int i = 0; i < sent.size(); i++)
        {
            final FlowRecord expected = sent.get(i);
            final FlowRecord received = flows.get(i).flow();
            assertTrue(expected.sameAs(received), () -> expected + " != " + received);
            assertEquals(expected.hasNatMapping(), received.hasNatMapping());
        }
        assertEquals(20_001, flows.get(0).flow().natPort());
        assertEquals(0x0000_FFFF_C633_6402L, flows.get(0).flow().natLo(), "198.51.100.2, IPv4-mapped");
        assertEquals(0x2001_0DB8_0002_0000L, flows.get(1).flow().natHi());
        assertEquals(0, flows.get(2).flow().natPort() | flows.get(2).flow().natHi() | flows.get(2).flow().natLo());
    }

    @Test
    void shouldPutTheNatMappingAtTheEndOfEachFlowAddressInNetworkOrder()
    {
        writer.begin(buffer, 0, SENDER, EPOCH, 1, NOW_NS).add(FlowOp.NEW, WireFixtures.ipv4NatFlow(1));
        final int length = writer.finish();

        final int flow = SyncProtocol.HEADER_LENGTH + 28 + SyncProtocol.GROUP_HEADER_LENGTH;
        assertEquals(114, SyncProtocol.FLOW_LENGTH, "96 bytes of version 1, a 16-byte address and a 2-byte port");
        final byte[] address = new byte[16];
        buffer.getBytes(flow + 96, address);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)0xFF, (byte)0xFF, (byte)198, 51, 100, 2}, address);
        assertEquals(20_001, buffer.getShort(flow + 112, ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
        assertEquals(flow + SyncProtocol.FLOW_LENGTH + SyncProtocol.TAG_LENGTH, length);
    }

    @Test
    void shouldRoundTripHelloWithAndWithoutABulkRequest()
    {
        final SyncMessageReader reader = reader(NOW_NS);
        final int first = writer.writeHello(buffer, 0, SENDER, EPOCH, 1, NOW_NS, true);
        assertEquals(SyncProtocol.HELLO_LENGTH, first);
        assertEquals(SyncVerdict.ACCEPTED, reader.read(buffer, 0, first));
        final int second = writer.writeHello(buffer, 0, SENDER, EPOCH, 2, NOW_NS + 1, false);
        assertEquals(SyncVerdict.ACCEPTED, reader.read(buffer, 0, second));

        final List<RecordingHandler.Event> hellos = handler.of("hello");
        assertEquals(2, hellos.size());
        assertTrue(hellos.get(0).flag());
        assertFalse(hellos.get(1).flag());
        assertEquals(2, hellos.get(1).sequence());
        assertEquals(NOW_NS + 1, hellos.get(1).sentEpochNanos());
        assertEquals(0, hellos.get(1).flowCount());
    }

    @Test
    void shouldRoundTripBulkEndWithTheLargestFlowCount()
    {
        final int length = writer.writeBulkEnd(buffer, 0, SENDER, EPOCH, 5, NOW_NS, -1L);

        assertEquals(SyncProtocol.BULK_END_LENGTH, length);
        assertEquals(SyncVerdict.ACCEPTED, reader(NOW_NS).read(buffer, 0, length));
        final RecordingHandler.Event end = handler.of("bulkEnd").getFirst();
        assertEquals(-1L, end.value());
        assertEquals(5, end.sequence());
        assertEquals(SENDER, end.senderId());
    }

    @Test
    void shouldReadMessagesFromOffHeapMemoryAtAnUnalignedOffset()
    {
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(SyncMessageWriter.DEFAULT_MAX_MESSAGE_LENGTH + 64));
        final SyncMessageReader reader = reader(NOW_NS);
        writer.begin(direct, 13, SENDER, EPOCH, 1, NOW_NS).add(FlowOp.NEW, WireFixtures.ipv6Flow(3));
        final int length = writer.finish();
        final int helloLength = writer.writeHello(direct, 13 + length, SENDER, EPOCH, 2, NOW_NS, false);

        assertEquals(SyncVerdict.ACCEPTED, reader.read(direct, 13, length));
        assertEquals(SyncVerdict.ACCEPTED, reader.read(direct, 13 + length, helloLength));
        assertTrue(WireFixtures.ipv6Flow(3).sameAs(handler.of("flow").getFirst().flow()));
    }

    @Test
    void shouldReadMessagesFromAWindowOntoALargerArray()
    {
        final byte[] array = new byte[4096];
        final UnsafeBuffer window = new UnsafeBuffer(array, 7, 2048);
        final SyncMessageReader reader = reader(NOW_NS);
        final int length = writer.writeBulkEnd(window, 3, SENDER, EPOCH, 1, NOW_NS, 42);

        assertEquals(SyncVerdict.ACCEPTED, reader.read(window, 3, length));
        assertEquals(SyncVerdict.ACCEPTED, reader.read(new UnsafeBuffer(ByteBuffer.wrap(array, 10, length).slice()), 0,
            writer.writeBulkEnd(new UnsafeBuffer(array, 10, length), 0, SENDER, EPOCH, 2, NOW_NS, 43)));
        assertEquals(List.of(42L, 43L), handler.of("bulkEnd").stream().map(RecordingHandler.Event::value).toList());
    }

    @Test
    void shouldEndEveryMessageWithTheFirst16BytesOfHmacSha256OverHeaderAndBody()
    {
        writer.begin(buffer, 0, SENDER, EPOCH, 1, NOW_NS).add(FlowOp.NEW, WireFixtures.ipv4Flow(1));
        final int length = writer.finish();

        final byte[] expected = Arrays.copyOf(WireFixtures.tag(buffer, 0, length - 16, KEY_BYTES), 16);
        final byte[] actual = new byte[16];
        buffer.getBytes(length - 16, actual);
        assertArrayEquals(expected, actual);
    }

    @Test
    void shouldLayOutHelloAsTheSchemaSays()
    {
        final MaglevDigestList digests = new MaglevDigestList()
            .add(0, 0x0000_FFFF_C000_020AL, 443, 6, 65537, 0x4142_4344_4546_4748L);
        final int length = writer.writeHello(buffer, 0, 0x0102_0304, 0x1112_1314_1516_1718L, 0x2122_2324_2526_2728L,
            0x3132_3334_3536_3738L, true, digests, 0);

        final ByteBuffer expected = ByteBuffer.allocate(length - 16).order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short)29).putShort((short)2).putShort((short)7311).putShort((short)3)
            .putLong(0x1112_1314_1516_1718L).putLong(0x2122_2324_2526_2728L).putLong(0x3132_3334_3536_3738L)
            .putInt(0x0102_0304).put((byte)1)
            .putShort((short)31).putShort((short)1)
            .putLong(0x4142_4344_4546_4748L).putInt(65537).putShort((short)443).put((byte)6)
            .order(ByteOrder.BIG_ENDIAN).putLong(0).putLong(0x0000_FFFF_C000_020AL);
        final byte[] actual = new byte[length - 16];
        buffer.getBytes(0, actual);
        assertArrayEquals(expected.array(), actual);
    }

    @Test
    void shouldPutAddressesInNetworkOrderWithIpv4Mapped()
    {
        writer.begin(buffer, 0, SENDER, EPOCH, 1, NOW_NS).add(FlowOp.REPIN, WireFixtures.ipv4Flow(1));
        writer.finish();

        final int flow = SyncProtocol.HEADER_LENGTH + 28 + SyncProtocol.GROUP_HEADER_LENGTH;
        assertEquals(40, flow);
        assertEquals(2, buffer.getByte(flow));
        assertEquals(4, buffer.getByte(flow + 1));
        final byte[] src = new byte[16];
        buffer.getBytes(flow + 32, src);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 0, 0, 1}, src);
        final byte[] service = new byte[16];
        buffer.getBytes(flow + 64, service);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte)192, 0, 2, 10}, service);
    }

    @ParameterizedTest
    @ValueSource(ints = {170, 1376, SyncMessageWriter.DEFAULT_MAX_MESSAGE_LENGTH, 65536})
    void shouldStayWithinTheMaxLengthAndDecodeWholeWhenFilledUntilAddReturnsFalse(final int maxLength)
    {
        assertTrue(maxLength >= SyncProtocol.MIN_MAX_MESSAGE_LENGTH);
        final SyncMessageWriter small = new SyncMessageWriter(KEY, maxLength);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[maxLength]);
        final List<FlowRecord> sent = new ArrayList<>();
        small.begin(out, 0, SENDER, EPOCH, 1, NOW_NS);
        FlowRecord next = WireFixtures.ipv4Flow(0);
        while (small.add(FlowOp.BULK, next))
        {
            sent.add(next);
            next = (sent.size() & 1) == 0 ? WireFixtures.ipv4Flow(sent.size()) : WireFixtures.ipv6Flow(sent.size());
        }
        assertFalse(small.add(FlowOp.BULK, next), "still full");
        final int length = small.finish();

        assertEquals(SyncProtocol.flowsThatFit(maxLength), sent.size());
        assertEquals(small.maxFlowsPerBatch(), sent.size());
        assertTrue(length <= maxLength, () -> length + " > " + maxLength);
        assertTrue(length + SyncProtocol.FLOW_LENGTH > maxLength, "another flow would have fitted");
        assertEquals(SyncVerdict.ACCEPTED, reader(NOW_NS).read(out, 0, length));
        final List<RecordingHandler.Event> flows = handler.of("flow");
        assertEquals(sent.size(), flows.size());
        for (int i = 0; i < sent.size(); i++)
        {
            assertTrue(sent.get(i).sameAs(flows.get(i).flow()));
        }
    }

    @Test
    void shouldStepOverFieldsThatALaterVersionAppendsToTheBlockAndToEachFlow()
    {
        writer.begin(buffer, 0, SENDER, EPOCH, 1, NOW_NS);
        final List<FlowRecord> sent = List.of(WireFixtures.ipv4NatFlow(1), WireFixtures.ipv6Flow(2), WireFixtures.ipv4Flow(3));
        sent.forEach(record -> writer.add(FlowOp.NEW, record));
        writer.finish();

        final int extraBlock = 8;
        final int extraFlow = 16;
        final UnsafeBuffer longer = new UnsafeBuffer(new byte[1024]);
        longer.putBytes(0, buffer, 0, 8 + 28);
        longer.putShort(0, (short)(28 + extraBlock), ByteOrder.LITTLE_ENDIAN);
        int at = 8 + 28 + extraBlock;
        final int flow = SyncProtocol.FLOW_LENGTH;
        longer.putShort(at, (short)(flow + extraFlow), ByteOrder.LITTLE_ENDIAN);
        longer.putShort(at + 2, (short)3, ByteOrder.LITTLE_ENDIAN);
        at += 4;
        for (int i = 0; i < 3; i++)
        {
            longer.putBytes(at, buffer, 40 + flow * i, flow);
            longer.setMemory(at + flow, extraFlow, (byte)0xAB);
            at += flow + extraFlow;
        }
        final int length = at + 16;
        WireFixtures.resign(longer, 0, length, KEY_BYTES);

        assertEquals(SyncVerdict.ACCEPTED, reader(NOW_NS).read(longer, 0, length));
        final List<RecordingHandler.Event> flows = handler.of("flow");
        assertEquals(3, flows.size());
        for (int i = 0; i < 3; i++)
        {
            assertTrue(sent.get(i).sameAs(flows.get(i).flow()));
        }
    }

    @Test
    void shouldMapEveryFlowEventTypeToItsOp()
    {
        assertEquals(FlowOp.NEW, SyncMessageWriter.opOf(FlowEventRing.NEW));
        assertEquals(FlowOp.REPIN, SyncMessageWriter.opOf(FlowEventRing.REPIN));
        assertEquals(FlowOp.CLOSE, SyncMessageWriter.opOf(FlowEventRing.CLOSE));
        assertNull(SyncMessageWriter.opOf(0));
    }

    @Test
    void shouldRefuseMisuseOfTheWriter()
    {
        assertThrows(IllegalStateException.class, () -> writer.add(FlowOp.NEW, WireFixtures.ipv4Flow(1)));
        assertThrows(IllegalStateException.class, writer::finish);
        assertThrows(IllegalArgumentException.class, () -> writer.begin(new UnsafeBuffer(new byte[100]), 0, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> writer.writeHello(new UnsafeBuffer(new byte[52]), 0, 1, 1, 1, 1, true));
        assertThrows(IllegalArgumentException.class, () -> new SyncMessageWriter(KEY, SyncProtocol.MIN_MAX_MESSAGE_LENGTH - 1));
        writer.begin(buffer, 0, SENDER, EPOCH, 1, NOW_NS);
        assertThrows(IllegalArgumentException.class, () -> writer.add(FlowOp.NULL_VAL, WireFixtures.ipv4Flow(1)));
        assertEquals(0, writer.flowCount());
    }
}
