package io.sluice.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.stats.Verdict;

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

    /** Copies bytes into the buffer at an offset without parsing (for allocation-free loops). */
    void copyIn(final MemorySegment from, final int headroom)
    {
        MemorySegment.copy(from, 0, buffer, headroom, from.byteSize());
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

    @Override
    public void close()
    {
        arena.close();
    }
}
