package io.sluice.sync.wire;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.sync.codec.FlowOp;

import static io.sluice.sync.wire.WireFixtures.KEY;
import static io.sluice.sync.wire.WireFixtures.NOW_NS;
import static io.sluice.sync.wire.WireFixtures.RECEIVER;
import static io.sluice.sync.wire.WireFixtures.SENDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading valid messages allocates nothing in the steady state but what the JDK's
 * {@link Mac#doFinal(byte[], int)} allocates by itself, measured here with the same loop around a
 * bare {@link Mac}: 48 bytes per message (one 32-byte digest array) on JDK 25, whatever the number
 * of flows. Heap and off-heap buffers both.
 */
class SyncMessageAllocationTest
{
    private static final int MESSAGES = 20_000;
    private static final int WARM_UP_ROUNDS = 5;
    private static final int SLOT = 1088;
    private static final long MAC_BYTES_PER_MESSAGE_ON_JDK_25 = 48;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final CountingHandler handler = new CountingHandler();

    @Test
    void shouldAllocateNoMoreThanTheJdkMacWhenReadingFromTheHeap()
    {
        check(length -> new UnsafeBuffer(new byte[length]));
    }

    @Test
    void shouldAllocateNoMoreThanTheJdkMacWhenReadingOffTheHeap()
    {
        check(length -> new UnsafeBuffer(ByteBuffer.allocateDirect(length)));
    }

    @Test
    void shouldAllocateNoMoreThanTheJdkMacWhenWriting()
    {
        final SyncMessageWriter writer = new SyncMessageWriter(KEY);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[SyncMessageWriter.DEFAULT_MAX_MESSAGE_LENGTH]);
        final FlowRecord[] flows = {WireFixtures.ipv4Flow(1), WireFixtures.ipv6Flow(2)};
        long sequence = 0;
        for (int round = 0; round < WARM_UP_ROUNDS; round++)
        {
            sequence = write(writer, out, flows, sequence);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        write(writer, out, flows, sequence);
        final long perMessage = (threads.getCurrentThreadAllocatedBytes() - before) / MESSAGES;

        assertTrue(perMessage <= MAC_BYTES_PER_MESSAGE_ON_JDK_25, perMessage + " bytes per message written");
    }

    private static long write(final SyncMessageWriter writer, final UnsafeBuffer out, final FlowRecord[] flows, final long from)
    {
        long sequence = from;
        for (int i = 0; i < MESSAGES; i++)
        {
            writer.begin(out, 0, SENDER, 1, ++sequence, NOW_NS);
            for (int f = 0; f < (i & 7); f++)
            {
                writer.add(FlowOp.NEW, flows[f & 1]);
            }
            writer.finish();
        }
        return sequence;
    }

    private void check(final java.util.function.IntFunction<MutableDirectBuffer> allocator)
    {
        final SyncMessageReader reader = new SyncMessageReader(KEY, RECEIVER, handler, () -> NOW_NS,
            SyncMessageReader.DEFAULT_MAX_MESSAGE_LENGTH, 4, SyncMessageReader.DEFAULT_FIRST_CONTACT_MAX_AGE_NS);
        final MutableDirectBuffer[] rounds = new MutableDirectBuffer[WARM_UP_ROUNDS + 1];
        final int[][] lengths = new int[rounds.length][MESSAGES];
        final SyncMessageWriter writer = new SyncMessageWriter(KEY, SLOT);
        long sequence = 0;
        for (int round = 0; round < rounds.length; round++)
        {
            rounds[round] = allocator.apply(MESSAGES * SLOT);
            sequence = fill(writer, rounds[round], lengths[round], sequence);
        }

        for (int round = 0; round < WARM_UP_ROUNDS; round++)
        {
            read(reader, rounds[round], lengths[round]);
            macOnly(KEY.newMac(), rounds[round], lengths[round]);
        }

        final Mac mac = KEY.newMac();
        final long beforeMac = threads.getCurrentThreadAllocatedBytes();
        macOnly(mac, rounds[WARM_UP_ROUNDS], lengths[WARM_UP_ROUNDS]);
        final long macBytes = threads.getCurrentThreadAllocatedBytes() - beforeMac;

        final long delivered = handler.flows;
        final long before = threads.getCurrentThreadAllocatedBytes();
        read(reader, rounds[WARM_UP_ROUNDS], lengths[WARM_UP_ROUNDS]);
        final long readerBytes = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(MESSAGES * (long)(WARM_UP_ROUNDS + 1), reader.count(SyncVerdict.ACCEPTED));
        assertTrue(handler.flows - delivered > MESSAGES, "flows delivered");
        assertEquals(MAC_BYTES_PER_MESSAGE_ON_JDK_25, macBytes / MESSAGES, "the JDK Mac's own allocation changed");
        assertTrue(readerBytes <= macBytes, "reader " + readerBytes + " bytes, the bare Mac " + macBytes);
    }

    private static final MaglevDigestList DIGESTS = digests();

    private static MaglevDigestList digests()
    {
        final MaglevDigestList list = new MaglevDigestList();
        for (int i = 0; i < 40; i++)
        {
            list.add(0, WireFixtures.MAX_IPV4_MAPPED_LO - i, 80, 6, 65537, i * 31L);
        }
        return list;
    }

    private static long fill(final SyncMessageWriter writer, final MutableDirectBuffer buffer, final int[] lengths, final long from)
    {
        long sequence = from;
        final FlowRecord[] flows = {WireFixtures.ipv4Flow(1), WireFixtures.ipv6Flow(2)};
        for (int i = 0; i < MESSAGES; i++)
        {
            final int offset = i * SLOT;
            sequence++;
            if (i % 10 == 0)
            {
                lengths[i] = writer.writeHello(buffer, offset, SENDER, 1, sequence, NOW_NS, false, DIGESTS, i % 40);
            }
            else if (i % 10 == 1)
            {
                lengths[i] = writer.writeBulkEnd(buffer, offset, SENDER, 1, sequence, NOW_NS, i);
            }
            else
            {
                writer.begin(buffer, offset, SENDER, 1, sequence, NOW_NS);
                for (int f = 0; f <= (i & 7); f++)
                {
                    writer.add(FlowOp.BULK, flows[f & 1]);
                }
                lengths[i] = writer.finish();
            }
        }
        return sequence;
    }

    private static void read(final SyncMessageReader reader, final MutableDirectBuffer buffer, final int[] lengths)
    {
        for (int i = 0; i < MESSAGES; i++)
        {
            reader.read(buffer, i * SLOT, lengths[i]);
        }
    }

    private static void macOnly(final Mac mac, final MutableDirectBuffer buffer, final int[] lengths)
    {
        final byte[] scratch = new byte[SLOT];
        final byte[] digest = new byte[32];
        for (int i = 0; i < MESSAGES; i++)
        {
            buffer.getBytes(i * SLOT, scratch, 0, lengths[i] - SyncProtocol.TAG_LENGTH);
            mac.update(scratch, 0, lengths[i] - SyncProtocol.TAG_LENGTH);
            try
            {
                mac.doFinal(digest, 0);
            }
            catch (final ShortBufferException ex)
            {
                throw new AssertionError(ex);
            }
        }
    }

    private static final class CountingHandler implements SyncMessageHandler
    {
        long flows;
        long others;

        @Override
        public void onPeerEpoch(final SyncEnvelope message, final boolean restarted)
        {
            others++;
        }

        @Override
        public void onFlow(final SyncEnvelope batch, final FlowOp op, final FlowRecord flow)
        {
            flows += flow.servicePort() > 0 ? 1 : 0;
        }

        @Override
        public void onHello(final SyncEnvelope message, final boolean wantsBulk)
        {
            others++;
        }

        @Override
        public void onMaglevDigest(
            final SyncEnvelope message, final long vipHi, final long vipLo, final int port, final int protocol,
            final long maglevSize, final long digest)
        {
            others++;
        }

        @Override
        public void onBulkEnd(final SyncEnvelope message, final long flowsSent)
        {
            others++;
        }
    }
}
