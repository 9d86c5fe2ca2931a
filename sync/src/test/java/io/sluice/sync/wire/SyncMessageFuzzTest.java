package io.sluice.sync.wire;

import java.util.EnumMap;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.sync.codec.FlowOp;

import static io.sluice.sync.wire.WireFixtures.KEY;
import static io.sluice.sync.wire.WireFixtures.KEY_BYTES;
import static io.sluice.sync.wire.WireFixtures.NOW_NS;
import static io.sluice.sync.wire.WireFixtures.RECEIVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random and mutated messages, seeded so that a failure repeats: the reader never throws, and
 * delivers exactly the flows of what it accepts and nothing of what it rejects.
 */
class SyncMessageFuzzTest
{
    private static final long SEED = 0x5EED_1234L;
    private static final int ROUNDS = 30_000;
    private static final int READER_LIFETIME = 64;
    private static final FlowOp[] OPS = {FlowOp.NEW, FlowOp.REPIN, FlowOp.CLOSE, FlowOp.REFRESH, FlowOp.BULK};

    private final RecordingHandler handler = new RecordingHandler();
    private final SyncMessageWriter writer = new SyncMessageWriter(KEY, 2048);
    private final EnumMap<SyncVerdict, Integer> verdicts = new EnumMap<>(SyncVerdict.class);
    private SyncMessageReader reader;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final byte[] original = new byte[4096];
    private long sequence;
    private boolean unsignedChange;

    @Test
    void shouldNeverThrowAndDeliverOnlyWhatItAcceptsWhenFedRandomAndMutatedMessages()
    {
        final Random random = new Random(SEED);
        int accepted = 0;
        for (int round = 0; round < ROUNDS; round++)
        {
            final int kind = round % 4;
            if (round % READER_LIFETIME == 0)
            {
                reader = new SyncMessageReader(KEY, RECEIVER, handler, () -> NOW_NS, 4096, 16,
                    SyncMessageReader.DEFAULT_FIRST_CONTACT_MAX_AGE_NS);
            }
            unsignedChange = false;
            final int length = switch (kind)
            {
                case 0 -> randomBytes(random);
                case 1 -> mutated(random, false);
                case 2 -> mutated(random, true);
                default -> truncatedOrExtended(random);
            };
            final int offset = random.nextInt(8) == 0 ? random.nextInt(64) - 32 : 0;
            final int events = handler.events.size();
            final SyncVerdict verdict;
            try
            {
                verdict = reader.read(buffer, offset, length);
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError("round " + round + " (seed " + SEED + ") threw", ex);
            }

            verdicts.merge(verdict, 1, Integer::sum);
            if (verdict == SyncVerdict.ACCEPTED)
            {
                accepted++;
                assertTrue(kind != 0 && !unsignedChange, "round " + round + ": an unsigned change was accepted");
                checkDelivered(events);
            }
            else
            {
                assertEquals(events, handler.events.size(), "round " + round + ": rejected " + verdict + " but delivered");
            }
        }
        // About 9%: a re-signed mutation of a flow's NAT fields (version 3) is refused as malformed unless
        // it leaves a whole mapping or none, so fewer mutated messages pass than before they were checked.
        assertTrue(accepted > ROUNDS / 12, "too few accepted to exercise delivery: " + verdicts);
        for (final SyncVerdict verdict : SyncVerdict.values())
        {
            if (verdict != SyncVerdict.TOO_LONG && verdict != SyncVerdict.PEER_LIMIT)
            {
                assertTrue(verdicts.containsKey(verdict), () -> verdict + " never seen: " + verdicts);
            }
        }
    }

    private void checkDelivered(final int eventsBefore)
    {
        int flows = 0;
        int announced = 0;
        for (int i = eventsBefore; i < handler.events.size(); i++)
        {
            final RecordingHandler.Event event = handler.events.get(i);
            if (event.kind().equals("flow"))
            {
                flows++;
                announced = event.flowCount();
                final FlowRecord flow = event.flow();
                if (event.op() == FlowOp.NULL_VAL || event.op() == FlowOp.SBE_UNKNOWN || flow.idleTimeoutNs() < 0 ||
                    flow.isNatReverse() || (flow.natPort() == 0) != (flow.natHi() == 0 && flow.natLo() == 0))
                {
                    fail("an invalid flow was delivered: " + event);
                }
            }
        }
        assertEquals(announced, flows, "flows delivered, flows the batch holds");
    }

    private int randomBytes(final Random random)
    {
        final int length = random.nextInt(600);
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)random.nextInt());
        }
        if (random.nextBoolean() && length >= 8)
        {
            buffer.putShort(4, (short)7311, java.nio.ByteOrder.LITTLE_ENDIAN);
            buffer.putShort(6, (short)SyncProtocol.VERSION, java.nio.ByteOrder.LITTLE_ENDIAN);
            buffer.putShort(2, (short)(1 + random.nextInt(3)), java.nio.ByteOrder.LITTLE_ENDIAN);
        }
        return length;
    }

    private int valid(final Random random)
    {
        final int sender = 1 + random.nextInt(4);
        final long epoch = 1 + sequence / 20_000 + (random.nextInt(50) == 0 ? -1 : 0);
        sequence += random.nextInt(8) - 1;
        final long sentNs = NOW_NS + random.nextInt(1000);
        final int length = switch (random.nextInt(6))
        {
            case 0 -> writer.writeHello(buffer, 0, sender, epoch, sequence, sentNs, random.nextBoolean());
            case 1 -> writer.writeBulkEnd(buffer, 0, sender, epoch, sequence, sentNs, random.nextLong());
            default -> batch(random, sender, epoch, sentNs);
        };
        buffer.getBytes(0, original, 0, length);
        return length;
    }

    private int batch(final Random random, final int sender, final long epoch, final long sentNs)
    {
        writer.begin(buffer, 0, sender, epoch, sequence, sentNs);
        final int flows = random.nextInt(25);
        for (int i = 0; i < flows; i++)
        {
            final int n = random.nextInt(1000);
            final boolean nat = random.nextInt(4) == 0;
            final boolean ipv4 = random.nextBoolean();
            writer.add(OPS[random.nextInt(OPS.length)], ipv4 ? (nat ? WireFixtures.ipv4NatFlow(n) : WireFixtures.ipv4Flow(n)) :
                (nat ? WireFixtures.ipv6NatFlow(n) : WireFixtures.ipv6Flow(n)));
        }
        return writer.finish();
    }

    private int mutated(final Random random, final boolean resign)
    {
        final int length = valid(random);
        final int changes = 1 + random.nextInt(4);
        for (int i = 0; i < changes; i++)
        {
            final int index = random.nextInt(resign ? length - SyncProtocol.TAG_LENGTH : length);
            buffer.putByte(index, (byte)(buffer.getByte(index) ^ (1 + random.nextInt(255))));
        }
        if (resign)
        {
            WireFixtures.resign(buffer, 0, length, KEY_BYTES);
        }
        else
        {
            unsignedChange = !sameAsOriginal(length);
        }
        return length;
    }

    private boolean sameAsOriginal(final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(i) != original[i])
            {
                return false;
            }
        }
        return true;
    }

    private int truncatedOrExtended(final Random random)
    {
        final int length = valid(random);
        final int newLength = random.nextBoolean() ? random.nextInt(length + 1) : length + random.nextInt(200);
        for (int i = length; i < newLength; i++)
        {
            buffer.putByte(i, (byte)random.nextInt());
        }
        if (random.nextBoolean() && newLength >= SyncProtocol.TAG_LENGTH)
        {
            WireFixtures.resign(buffer, 0, newLength, KEY_BYTES);
        }
        return newLength;
    }
}
