package io.sluice.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.IntSupplier;

import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.support.SteadyStateAllocation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One frame in an off-heap buffer with a chosen headroom, parsed by the real {@link PacketParser}
 * into a {@link PacketContext}: the input of the writers that grow a packet in place. Loading
 * reuses the buffer and allocates nothing, so a loop of loads and writes can be measured.
 */
final class ParsedFrame implements AutoCloseable
{
    static final int BUFFER_LENGTH = PipelineHarness.BUFFER_LENGTH;
    static final int HEADROOM = PipelineHarness.HEADROOM;
    private static final ValueLayout.OfLong BIG_ENDIAN_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final PacketContext ctx = new PacketContext();
    final PacketBuffer packet = new PacketBuffer();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(BUFFER_LENGTH, 64);
    private final PacketParser parser = new PacketParser();

    /** Copies a frame to {@code headroom} bytes into the buffer (the rest zero) and parses it. */
    ParsedFrame load(final byte[] frame, final int headroom)
    {
        buffer.fill((byte)0);
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, headroom, frame.length);
        return reload(headroom, frame.length);
    }

    /** Parses the frame already in the buffer again, at its position (the same bytes as the last load, or a copy). */
    ParsedFrame reload(final int headroom, final int length)
    {
        packet.wrap(buffer, 0, BUFFER_LENGTH, headroom, length);
        ctx.reset(length);
        final long start = packet.dataAddress();
        final long portMac = buffer.get(BIG_ENDIAN_LONG, headroom) >>> 16;
        assertEquals(Verdict.CONTINUE, parser.parse(ctx, start, length, portMac), "the input parses");
        return this;
    }

    /**
     * Asserts that loading a frame and writing it allocates nothing in the steady state: the
     * frame is copied from off-heap memory and parsed again before each write.
     *
     * @param what  what the write does, for the failure message.
     * @param write the write under test; it must not allocate for its arguments.
     */
    void assertNoAllocation(final String what, final byte[] frame, final int headroom, final IntSupplier write)
    {
        final MemorySegment input = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, input, ValueLayout.JAVA_BYTE, 0, frame.length);
        SteadyStateAllocation.assertZero(what, () ->
        {
            for (int i = 0; i < 10_000; i++)
            {
                MemorySegment.copy(input, 0, buffer, headroom, frame.length);
                reload(headroom, frame.length);
                write.getAsInt();
            }
        });
    }

    /** @return the frame the packet buffer now holds. */
    byte[] frame()
    {
        return buffer.asSlice(packet.dataOffset(), packet.dataLength()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** @return the whole buffer, headroom and tailroom included. */
    byte[] whole()
    {
        return buffer.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Asserts that the context describes the frame the buffer now holds as the parser would: a
     * writer that grew the frame kept it true.
     */
    void assertContextDescribesFrame(final String description)
    {
        final long[] written = facts();
        reload(packet.dataOffset(), packet.dataLength());
        assertArrayEquals(facts(), written, description);
    }

    /**
     * Loads a frame, runs a write that must refuse it, and asserts the result and that the buffer,
     * the frame's bounds and the context are as they were.
     */
    void assertRefused(final byte[] frame, final int headroom, final int expected, final IntSupplier write, final String description)
    {
        load(frame, headroom);
        final byte[] before = whole();
        final long[] facts = facts();
        assertEquals(expected, write.getAsInt(), description);
        assertArrayEquals(before, whole(), description);
        assertEquals(headroom, packet.dataOffset(), description);
        assertEquals(frame.length, packet.dataLength(), description);
        assertArrayEquals(facts, facts(), description);
    }

    private long[] facts()
    {
        final long start = packet.dataAddress();
        return new long[]{ctx.l3 - start, ctx.l4 - start, ctx.ipLength, ctx.l4Length, ctx.frameLength, ctx.ipv6 ? 0 : ctx.ttlWord};
    }

    @Override
    public void close()
    {
        arena.close();
    }
}
