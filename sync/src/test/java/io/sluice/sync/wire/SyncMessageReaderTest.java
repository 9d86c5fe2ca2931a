package io.sluice.sync.wire;

import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.sync.codec.FlowOp;

import static io.sluice.sync.wire.WireFixtures.EPOCH;
import static io.sluice.sync.wire.WireFixtures.KEY;
import static io.sluice.sync.wire.WireFixtures.KEY_BYTES;
import static io.sluice.sync.wire.WireFixtures.NOW_NS;
import static io.sluice.sync.wire.WireFixtures.OTHER_KEY;
import static io.sluice.sync.wire.WireFixtures.RECEIVER;
import static io.sluice.sync.wire.WireFixtures.SENDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every reason the reader rejects a message for, and that a rejected message changes nothing.
 */
class SyncMessageReaderTest
{
    private static final int FLOW = 40;
    private static final long SECOND_NS = 1_000_000_000L;

    private final RecordingHandler handler = new RecordingHandler();
    private final SyncMessageWriter writer = new SyncMessageWriter(KEY);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SyncMessageWriter.DEFAULT_MAX_MESSAGE_LENGTH]);
    private long nowNs = NOW_NS;
    private final SyncMessageReader reader = reader(SyncMessageReader.DEFAULT_MAX_PEERS);

    private SyncMessageReader reader(final int maxPeers)
    {
        return new SyncMessageReader(KEY, RECEIVER, handler, () -> nowNs, SyncMessageReader.DEFAULT_MAX_MESSAGE_LENGTH,
            maxPeers, 30 * SECOND_NS);
    }

    private int batch(final int senderId, final long epoch, final long sequence, final int flows)
    {
        writer.begin(buffer, 0, senderId, epoch, sequence, nowNs);
        for (int i = 0; i < flows; i++)
        {
            writer.add(FlowOp.NEW, (i & 1) == 0 ? WireFixtures.ipv4Flow(i) : WireFixtures.ipv6Flow(i));
        }
        return writer.finish();
    }

    private void assertRejected(final SyncVerdict expected, final int length)
    {
        final int events = handler.events.size();
        final long peerSequence = reader.peerHighestSequence(SENDER);
        assertEquals(expected, reader.read(buffer, 0, length));
        assertEquals(events, handler.events.size(), "a rejected message delivered something");
        assertEquals(peerSequence, reader.peerHighestSequence(SENDER), "a rejected message moved the window");
    }

    /** Puts another schema version in the message's header and signs it again: what a peer of that version signs. */
    private int restamped(final int version, final int length)
    {
        buffer.putShort(6, (short)version, ByteOrder.LITTLE_ENDIAN);
        WireFixtures.resign(buffer, 0, length, KEY_BYTES);
        return length;
    }

    private void assertAccepted(final int length)
    {
        assertEquals(SyncVerdict.ACCEPTED, reader.read(buffer, 0, length));
    }

    @Test
    void shouldRejectAFlowBatchTruncatedAtEveryLength()
    {
        final int length = batch(SENDER, EPOCH, 1, 3);
        for (int truncated = 0; truncated < length; truncated++)
        {
            assertRejected(truncated < SyncProtocol.EMPTY_FLOW_BATCH_LENGTH ? SyncVerdict.TRUNCATED : SyncVerdict.MALFORMED,
                truncated);
        }
        assertAccepted(length);
    }

    @Test
    void shouldRejectHelloAndBulkEndTruncatedAtEveryLength()
    {
        final int hello = writer.writeHello(buffer, 0, SENDER, EPOCH, 1, nowNs, true);
        for (int truncated = 0; truncated < hello; truncated++)
        {
            assertRejected(SyncVerdict.TRUNCATED, truncated);
        }
        assertAccepted(hello);

        final int end = writer.writeBulkEnd(buffer, 0, SENDER, EPOCH, 2, nowNs, 10);
        for (int truncated = 0; truncated < end; truncated++)
        {
            assertRejected(SyncVerdict.TRUNCATED, truncated);
        }
        assertAccepted(end);
    }

    @Test
    void shouldRejectEveryFlippedBitAsBadMacOrAnEarlierReason()
    {
        final Set<SyncVerdict> allowed = EnumSet.of(SyncVerdict.BAD_MAC, SyncVerdict.TRUNCATED, SyncVerdict.MALFORMED,
            SyncVerdict.UNKNOWN_SCHEMA, SyncVerdict.UNKNOWN_VERSION, SyncVerdict.OLD_VERSION, SyncVerdict.UNKNOWN_TEMPLATE);
        final int length = batch(SENDER, EPOCH, 1, 2);
        for (int bit = 0; bit < length * 8; bit++)
        {
            final int index = bit >>> 3;
            final byte original = buffer.getByte(index);
            buffer.putByte(index, (byte)(original ^ (1 << (bit & 7))));
            final int events = handler.events.size();
            final SyncVerdict verdict = reader.read(buffer, 0, length);
            assertTrue(allowed.contains(verdict), "bit " + bit + ": " + verdict);
            assertEquals(events, handler.events.size());
            buffer.putByte(index, original);
        }
        assertFalse(reader.knowsPeer(SENDER));
        assertAccepted(length);
        assertEquals(length * 8L, reader.count(SyncVerdict.BAD_MAC) + reader.count(SyncVerdict.TRUNCATED) +
            reader.count(SyncVerdict.MALFORMED) + reader.count(SyncVerdict.UNKNOWN_SCHEMA) +
            reader.count(SyncVerdict.UNKNOWN_VERSION) + reader.count(SyncVerdict.OLD_VERSION) +
            reader.count(SyncVerdict.UNKNOWN_TEMPLATE));
    }

    @Test
    void shouldRejectAMessageSignedWithAnotherKey()
    {
        final int length = new SyncMessageWriter(OTHER_KEY).writeHello(buffer, 0, SENDER, EPOCH, 1, nowNs, true);
        assertRejected(SyncVerdict.BAD_MAC, length);
    }

    @Test
    void shouldRejectAnotherSchemaEvenWhenSigned()
    {
        final int length = batch(SENDER, EPOCH, 1, 1);
        buffer.putShort(4, (short)7312, ByteOrder.LITTLE_ENDIAN);
        WireFixtures.resign(buffer, 0, length, KEY_BYTES);
        assertRejected(SyncVerdict.UNKNOWN_SCHEMA, length);
    }

    @Test
    void shouldRejectANewerSchemaVersionEvenWhenSignedWithTheRightKey()
    {
        final int length = batch(SENDER, EPOCH, 1, 1);
        buffer.putShort(6, (short)(SyncProtocol.VERSION + 1), ByteOrder.LITTLE_ENDIAN);
        WireFixtures.resign(buffer, 0, length, KEY_BYTES);
        assertRejected(SyncVerdict.UNKNOWN_VERSION, length);
        assertEquals(SyncProtocol.VERSION + 1, reader.lastRefusedVersion());

        buffer.putShort(6, (short)0, ByteOrder.LITTLE_ENDIAN);
        WireFixtures.resign(buffer, 0, length, KEY_BYTES);
        assertRejected(SyncVerdict.UNKNOWN_VERSION, length);
    }

    @Test
    void shouldRefuseEveryMessageOfAVersionTwoPeerAsOldVersionAndSayWhichVersionItSpeaks()
    {
        assertEquals(0, reader.lastRefusedVersion());
        // What a version-2 LB sends: FlowBatch and BulkEnd stamped 1 (96-byte flows, no NAT), Hello stamped 2.
        final int flowBatch = batch(SENDER, EPOCH, 1, 1) - 18;
        buffer.putShort(FLOW - 4, (short)96, ByteOrder.LITTLE_ENDIAN);
        assertRejected(SyncVerdict.OLD_VERSION, restamped(1, flowBatch));
        assertEquals(1, reader.lastRefusedVersion());

        assertRejected(SyncVerdict.OLD_VERSION, restamped(1, writer.writeBulkEnd(buffer, 0, SENDER, EPOCH, 2, nowNs, 1)));
        assertRejected(SyncVerdict.OLD_VERSION, restamped(2, writer.writeHello(buffer, 0, SENDER, EPOCH, 3, nowNs, true)));
        assertEquals(2, reader.lastRefusedVersion());

        assertEquals(3, reader.count(SyncVerdict.OLD_VERSION));
        assertEquals("old-version", SyncVerdict.OLD_VERSION.label());
        assertFalse(reader.knowsPeer(SENDER), "no replay state taken from a peer of another version");
    }

    @Test
    void shouldRejectAFlowWithAHalfNatMappingOrAReverseEntryEvenWhenSigned()
    {
        final FlowRecord[] invalid = {
            WireFixtures.ipv4Flow(1).nat(0, 0x0000_FFFF_C633_6401L, 0),
            WireFixtures.ipv4Flow(1).nat(0, 0, 20_000),
            WireFixtures.ipv4Flow(1).nat(0x2001_0DB8_0002_0000L, 1, 20_000),
            WireFixtures.ipv6Flow(1).nat(0, 0x0000_FFFF_C633_6401L, 20_000),
            WireFixtures.ipv4NatFlow(1).flags(FlowRecord.FLAG_NAT_REVERSE),
        };
        for (final FlowRecord flow : invalid)
        {
            writer.begin(buffer, 0, SENDER, EPOCH, 1, nowNs).add(FlowOp.NEW, WireFixtures.ipv4NatFlow(2));
            writer.add(FlowOp.NEW, flow);
            assertRejected(SyncVerdict.MALFORMED, writer.finish());
        }
        writer.begin(buffer, 0, SENDER, EPOCH, 1, nowNs).add(FlowOp.NEW, WireFixtures.ipv4NatFlow(2));
        writer.add(FlowOp.NEW, WireFixtures.ipv6NatFlow(3));
        assertAccepted(writer.finish());
    }

    @Test
    void shouldRejectAnUnknownTemplateEvenWhenSigned()
    {
        final int length = batch(SENDER, EPOCH, 1, 1);
        buffer.putShort(2, (short)4, ByteOrder.LITTLE_ENDIAN);
        WireFixtures.resign(buffer, 0, length, KEY_BYTES);
        assertRejected(SyncVerdict.UNKNOWN_TEMPLATE, length);
    }

    @Test
    void shouldRejectAHugeGroupCountEvenWhenSigned()
    {
        final int length = batch(SENDER, EPOCH, 1, 2);
        buffer.putShort(FLOW - 2, (short)0xFFFF, ByteOrder.LITTLE_ENDIAN);
        WireFixtures.resign(buffer, 0, length, KEY_BYTES);
        assertRejected(SyncVerdict.MALFORMED, length);
    }

    @Test
    void shouldRejectBlockLengthsShorterThanThisVersionsEvenWhenSigned()
    {
        final int length = batch(SENDER, EPOCH, 1, 2);
        buffer.putShort(FLOW - 4, (short)96, ByteOrder.LITTLE_ENDIAN);
        WireFixtures.resign(buffer, 0, length, KEY_BYTES);
        assertRejected(SyncVerdict.MALFORMED, length);

        final int hello = writer.writeHello(buffer, 0, SENDER, EPOCH, 1, nowNs, true);
        buffer.putShort(0, (short)28, ByteOrder.LITTLE_ENDIAN);
        WireFixtures.resign(buffer, 0, hello, KEY_BYTES);
        assertRejected(SyncVerdict.MALFORMED, hello);
    }

    @Test
    void shouldRejectBytesBetweenTheLastFlowAndTheTagEvenWhenSigned()
    {
        final int length = batch(SENDER, EPOCH, 1, 2) + 8;
        WireFixtures.resign(buffer, 0, length, KEY_BYTES);
        assertRejected(SyncVerdict.MALFORMED, length);

        final int hello = writer.writeHello(buffer, 0, SENDER, EPOCH, 1, nowNs, true) + 1;
        WireFixtures.resign(buffer, 0, hello, KEY_BYTES);
        assertRejected(SyncVerdict.MALFORMED, hello);
    }

    @Test
    void shouldRejectTheWholeBatchWhenOneSignedFlowIsInvalid()
    {
        final int[][] corruptions = {
            {0, 0}, {0, 6}, {1, 5}, {1, 0},
        };
        for (final int[] corruption : corruptions)
        {
            final int length = batch(SENDER, EPOCH, 1, 2);
            buffer.putByte(FLOW + SyncProtocol.FLOW_LENGTH + corruption[0], (byte)corruption[1]);
            WireFixtures.resign(buffer, 0, length, KEY_BYTES);
            assertRejected(SyncVerdict.MALFORMED, length);
        }

        final int ipv6AsIpv4 = batch(SENDER, EPOCH, 1, 2);
        buffer.putByte(FLOW + SyncProtocol.FLOW_LENGTH + 1, (byte)4);
        WireFixtures.resign(buffer, 0, ipv6AsIpv4, KEY_BYTES);
        assertRejected(SyncVerdict.MALFORMED, ipv6AsIpv4);

        final int negativeTimeout = batch(SENDER, EPOCH, 1, 2);
        buffer.putLong(FLOW + SyncProtocol.FLOW_LENGTH + 16, -1L, ByteOrder.LITTLE_ENDIAN);
        WireFixtures.resign(buffer, 0, negativeTimeout, KEY_BYTES);
        assertRejected(SyncVerdict.MALFORMED, negativeTimeout);

        assertAccepted(batch(SENDER, EPOCH, 1, 2));
    }

    @Test
    void shouldRejectOwnMessages()
    {
        assertRejected(SyncVerdict.OWN_MESSAGE, batch(RECEIVER, EPOCH, 1, 1));
        assertFalse(reader.knowsPeer(RECEIVER));
    }

    @Test
    void shouldRejectReplaysAndAcceptLateMessagesWithinTheWindowOnce()
    {
        final int first = batch(SENDER, EPOCH, 100, 1);
        final byte[] old = new byte[first];
        buffer.getBytes(0, old);
        assertAccepted(first);
        assertRejected(SyncVerdict.REPLAYED, first);

        assertAccepted(batch(SENDER, EPOCH, 200, 1));
        assertAccepted(batch(SENDER, EPOCH, 137, 1));
        assertRejected(SyncVerdict.REPLAYED, batch(SENDER, EPOCH, 137, 1));
        assertRejected(SyncVerdict.REPLAYED, batch(SENDER, EPOCH, 136, 1));
        assertRejected(SyncVerdict.REPLAYED, batch(SENDER, EPOCH, 200, 1));
        assertAccepted(batch(SENDER, EPOCH, 199, 1));
        assertAccepted(batch(SENDER, EPOCH, 264, 1));
        assertRejected(SyncVerdict.REPLAYED, batch(SENDER, EPOCH, 200, 1));
        assertAccepted(batch(SENDER, EPOCH, 201, 1));
        buffer.putBytes(0, old);
        assertRejected(SyncVerdict.REPLAYED, first);
        assertEquals(264, reader.peerHighestSequence(SENDER));
    }

    @Test
    void shouldReportARestartAndRejectTheOlderEpochAfterIt()
    {
        assertAccepted(writer.writeHello(buffer, 0, SENDER, EPOCH, 50, nowNs, true));
        final int oldEpoch = batch(SENDER, EPOCH, 51, 1);
        final byte[] old = new byte[oldEpoch];
        buffer.getBytes(0, old);

        assertAccepted(writer.writeHello(buffer, 0, SENDER, EPOCH + 1, 1, nowNs, true));
        assertEquals(2, handler.of("epoch").size());
        assertFalse(handler.of("epoch").get(0).flag());
        assertTrue(handler.of("epoch").get(1).flag(), "restarted");
        assertEquals(EPOCH + 1, handler.of("epoch").get(1).epoch());
        assertEquals(EPOCH + 1, reader.peerEpoch(SENDER));

        buffer.putBytes(0, old);
        assertRejected(SyncVerdict.STALE_EPOCH, oldEpoch);
        assertRejected(SyncVerdict.STALE_EPOCH, writer.writeBulkEnd(buffer, 0, SENDER, EPOCH, 52, nowNs, 0));
        assertRejected(SyncVerdict.REPLAYED, writer.writeHello(buffer, 0, SENDER, EPOCH + 1, 1, nowNs, true));
        assertAccepted(batch(SENDER, EPOCH + 1, 2, 1));
        assertEquals(2, handler.of("epoch").size());
    }

    @Test
    void shouldRejectTheFirstMessageOfASenderWhenItWasNotSentRecently()
    {
        final int length = batch(SENDER, EPOCH, 1, 1);
        nowNs += 31 * SECOND_NS;
        assertRejected(SyncVerdict.EXPIRED, length);
        nowNs -= 62 * SECOND_NS;
        assertRejected(SyncVerdict.EXPIRED, length);
        nowNs += 2 * SECOND_NS;
        assertAccepted(length);

        nowNs += 3600 * SECOND_NS;
        assertAccepted(batch(SENDER, EPOCH, 2, 1));
    }

    @Test
    void shouldTellRecentTimesWithoutOverflow()
    {
        assertTrue(SyncMessageReader.isRecent(Long.MAX_VALUE, Long.MAX_VALUE, 0));
        assertFalse(SyncMessageReader.isRecent(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
        assertFalse(SyncMessageReader.isRecent(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE));
        assertFalse(SyncMessageReader.isRecent(-1, NOW_NS, 30 * SECOND_NS));
        assertTrue(SyncMessageReader.isRecent(NOW_NS - 30 * SECOND_NS, NOW_NS, 30 * SECOND_NS));
    }

    @Test
    void shouldRejectNewSendersBeyondThePeerLimit()
    {
        final SyncMessageReader limited = reader(2);
        assertEquals(SyncVerdict.ACCEPTED, limited.read(buffer, 0, batch(1, EPOCH, 1, 1)));
        assertEquals(SyncVerdict.ACCEPTED, limited.read(buffer, 0, batch(2, EPOCH, 1, 1)));
        assertEquals(SyncVerdict.PEER_LIMIT, limited.read(buffer, 0, batch(3, EPOCH, 1, 1)));
        assertEquals(SyncVerdict.ACCEPTED, limited.read(buffer, 0, batch(2, EPOCH, 2, 1)));
        assertEquals(2, limited.peerCount());
        assertFalse(limited.knowsPeer(3));
    }

    @Test
    void shouldRejectMessagesLongerThanTheLimit()
    {
        final SyncMessageWriter big = new SyncMessageWriter(KEY, 65536);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[65536]);
        final SyncMessageReader small = new SyncMessageReader(KEY, RECEIVER, handler, () -> nowNs, 1376, 4, SECOND_NS);
        big.begin(out, 0, SENDER, EPOCH, 1, nowNs);
        while (big.add(FlowOp.BULK, WireFixtures.ipv4Flow(1)))
        {
            assertTrue(big.flowCount() < 1000);
        }
        assertEquals(SyncVerdict.TOO_LONG, small.read(out, 0, big.finish()));
        assertTrue(handler.events.isEmpty());
    }

    @Test
    void shouldRejectOffsetsAndLengthsOutsideTheBufferWithoutThrowing()
    {
        final int length = batch(SENDER, EPOCH, 1, 1);
        final UnsafeBuffer exact = new UnsafeBuffer(buffer, 0, length);
        assertEquals(SyncVerdict.TRUNCATED, reader.read(exact, 1, length));
        assertEquals(SyncVerdict.TRUNCATED, reader.read(exact, -1, length));
        assertEquals(SyncVerdict.TRUNCATED, reader.read(exact, 0, -1));
        assertEquals(SyncVerdict.TRUNCATED, reader.read(exact, Integer.MAX_VALUE, length));
        assertEquals(SyncVerdict.TRUNCATED, reader.read(exact, 0, Integer.MAX_VALUE));
        assertEquals(SyncVerdict.TRUNCATED, reader.read(exact, Integer.MIN_VALUE, Integer.MIN_VALUE));
        assertEquals(SyncVerdict.ACCEPTED, reader.read(exact, 0, length));
        assertEquals(1, handler.of("flow").size());
    }

    @Test
    void shouldCountEveryVerdict()
    {
        final int length = batch(SENDER, EPOCH, 1, 1);
        reader.read(buffer, 0, length);
        reader.read(buffer, 0, length);
        reader.read(buffer, 0, 3);
        assertEquals(1, reader.count(SyncVerdict.ACCEPTED));
        assertEquals(1, reader.count(SyncVerdict.REPLAYED));
        assertEquals(1, reader.count(SyncVerdict.TRUNCATED));
        assertEquals(2, reader.rejected());
        assertEquals(1, reader.flowsDelivered());
        for (int id = 0; id < SyncVerdict.count(); id++)
        {
            assertEquals(id, SyncVerdict.get(id).id());
        }
    }
}
