package io.sluice.sync.wire;

import java.nio.ByteOrder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.sluice.sync.codec.FlowOp;
import io.sluice.sync.codec.HelloEncoder;

import static io.sluice.sync.wire.WireFixtures.EPOCH;
import static io.sluice.sync.wire.WireFixtures.KEY;
import static io.sluice.sync.wire.WireFixtures.NOW_NS;
import static io.sluice.sync.wire.WireFixtures.RECEIVER;
import static io.sluice.sync.wire.WireFixtures.SENDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page of Maglev digests a {@code Hello} carries (since schema version 2): written and read back, bounded
 * by the message length, its group checked before anything is delivered; every message stamped with the
 * schema version, and an older version's hello refused.
 */
class SyncHelloDigestTest
{
    private static final int GROUP_OFFSET = SyncProtocol.HEADER_LENGTH + HelloEncoder.BLOCK_LENGTH;
    private static final long SECOND_NS = 1_000_000_000L;

    private final RecordingHandler handler = new RecordingHandler();
    private final SyncMessageWriter writer = new SyncMessageWriter(KEY);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SyncMessageWriter.DEFAULT_MAX_MESSAGE_LENGTH]);
    private final SyncMessageReader reader = new SyncMessageReader(KEY, RECEIVER, handler, () -> NOW_NS,
        SyncMessageReader.DEFAULT_MAX_MESSAGE_LENGTH, 4, 30 * SECOND_NS);
    private final MessageAuthenticator signer = new MessageAuthenticator(KEY, SyncMessageWriter.DEFAULT_MAX_MESSAGE_LENGTH);

    private static MaglevDigestList services(final int count)
    {
        final MaglevDigestList list = new MaglevDigestList();
        for (int i = 0; i < count; i++)
        {
            list.add(i % 2 == 0 ? 0 : 0x2001_0DB8_0000_0000L, 0x0000_FFFF_C000_0200L + i, 80 + i, i % 3 == 0 ? 17 : 6,
                65537, 0x1234_5678_0000_0000L * (i + 1) + i);
        }
        return list;
    }

    @Test
    void shouldCarryAPageOfDigestsFromTheStartGivenWrappingRoundWhenTheListIsLongerThanAPage()
    {
        final MaglevDigestList list = services(40);
        final int length = writer.writeHello(buffer, 0, SENDER, EPOCH, 1, NOW_NS, true, list, 35);

        assertEquals(SyncProtocol.MAX_DIGESTS_PER_HELLO, writer.maxDigestsPerHello());
        assertEquals(SyncProtocol.HELLO_LENGTH + 32 * SyncProtocol.DIGEST_LENGTH, length);
        assertTrue(length <= 1376, "one frame at Aeron's default MTU: " + length);
        assertEquals(SyncVerdict.ACCEPTED, reader.read(buffer, 0, length));
        assertEquals(1, handler.of("hello").size());
        assertEquals(32, handler.digests.size());
        for (int i = 0; i < 32; i++)
        {
            final int entry = (35 + i) % 40;
            final RecordingHandler.Digest digest = handler.digests.get(i);
            assertEquals(new RecordingHandler.Digest(SENDER, list.vipHi(entry), list.vipLo(entry), list.port(entry),
                list.protocol(entry), list.maglevSize(entry), list.digest(entry)), digest);
        }
    }

    @Test
    void shouldCarryFewerDigestsWhenTheMessageLengthLimitIsSmall()
    {
        final SyncMessageWriter small = new SyncMessageWriter(KEY, SyncProtocol.MIN_MAX_MESSAGE_LENGTH);
        final int length = small.writeHello(buffer, 0, SENDER, EPOCH, 1, NOW_NS, false, services(10), 0);

        assertEquals(SyncProtocol.digestsThatFit(SyncProtocol.MIN_MAX_MESSAGE_LENGTH), small.maxDigestsPerHello());
        assertTrue(length <= SyncProtocol.MIN_MAX_MESSAGE_LENGTH);
        assertEquals(SyncVerdict.ACCEPTED, reader.read(buffer, 0, length));
        assertEquals(small.maxDigestsPerHello(), handler.digests.size());
    }

    @Test
    void shouldCountMalformedAndDeliverNothingWhenAHelloForgesItsDigestCount()
    {
        final int length = writer.writeHello(buffer, 0, SENDER, EPOCH, 1, NOW_NS, true, services(3), 0);
        final int[] forgedCounts = {4, 0xFFFF, 2, 0};
        for (int i = 0; i < forgedCounts.length; i++)
        {
            buffer.putShort(GROUP_OFFSET + 2, (short)forgedCounts[i], ByteOrder.LITTLE_ENDIAN);
            signer.sign(buffer, 0, length - SyncProtocol.TAG_LENGTH);
            assertEquals(SyncVerdict.MALFORMED, reader.read(buffer, 0, length), "count " + forgedCounts[i]);
        }
        buffer.putShort(GROUP_OFFSET + 2, (short)3, ByteOrder.LITTLE_ENDIAN);
        final int[] forgedBlockLengths = {0, SyncProtocol.DIGEST_LENGTH - 1, SyncProtocol.DIGEST_LENGTH + 1, 0xFFFF};
        for (final int blockLength : forgedBlockLengths)
        {
            buffer.putShort(GROUP_OFFSET, (short)blockLength, ByteOrder.LITTLE_ENDIAN);
            signer.sign(buffer, 0, length - SyncProtocol.TAG_LENGTH);
            assertEquals(SyncVerdict.MALFORMED, reader.read(buffer, 0, length), "block length " + blockLength);
        }

        assertEquals(8, reader.count(SyncVerdict.MALFORMED));
        assertTrue(handler.events.isEmpty() && handler.digests.isEmpty(), "nothing delivered");
        assertEquals(0, reader.peerCount(), "no replay state taken");
    }

    @Test
    void shouldRefuseAVersionOneHelloWithoutDigestsAsOldVersion()
    {
        final int v1Length = SyncProtocol.HELLO_LENGTH - SyncProtocol.GROUP_HEADER_LENGTH;
        writer.writeHello(buffer, 0, SENDER, EPOCH, 1, NOW_NS, true);
        buffer.putShort(6, (short)1, ByteOrder.LITTLE_ENDIAN);
        signer.sign(buffer, 0, v1Length - SyncProtocol.TAG_LENGTH);

        assertEquals(SyncVerdict.OLD_VERSION, reader.read(buffer, 0, v1Length));
        assertTrue(handler.events.isEmpty() && handler.digests.isEmpty(), "nothing delivered");
    }

    @Test
    void shouldStampEveryMessageWithTheSchemaVersion()
    {
        writer.begin(buffer, 0, SENDER, EPOCH, 1, NOW_NS).add(FlowOp.NEW, WireFixtures.ipv4Flow(1));
        writer.finish();
        assertEquals(3, buffer.getShort(6, ByteOrder.LITTLE_ENDIAN), "a FlowBatch");
        writer.writeBulkEnd(buffer, 0, SENDER, EPOCH, 2, NOW_NS, 1);
        assertEquals(3, buffer.getShort(6, ByteOrder.LITTLE_ENDIAN), "a BulkEnd");
        writer.writeHello(buffer, 0, SENDER, EPOCH, 3, NOW_NS, false);
        assertEquals(3, buffer.getShort(6, ByteOrder.LITTLE_ENDIAN), "a Hello");
        assertEquals(3, SyncProtocol.VERSION);
    }
}
