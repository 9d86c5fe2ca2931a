package io.sluice.dpdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal libpcap file format for tests: writes Ethernet captures in microsecond format and reads
 * both the microsecond ({@code 0xa1b2c3d4}) and the nanosecond ({@code 0xa1b23c4d}) variants, in
 * either byte order.
 * <pre>
 * global header (24 bytes): magic u32, major u16 = 2, minor u16 = 4, thiszone i32, sigfigs u32,
 *                           snaplen u32, linktype u32 (1 = Ethernet)
 * per packet   (16 bytes): ts_sec u32, ts_frac u32, incl_len u32, orig_len u32, then incl_len bytes
 * </pre>
 */
public final class PcapFile
{
    private static final int MAGIC_MICROS = 0xA1B2_C3D4;
    private static final int MAGIC_NANOS = 0xA1B2_3C4D;
    private static final int GLOBAL_HEADER_LENGTH = 24;
    private static final int RECORD_HEADER_LENGTH = 16;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int SNAPLEN = 65535;

    private PcapFile()
    {
    }

    public static void write(final Path path, final List<byte[]> frames) throws IOException
    {
        int length = GLOBAL_HEADER_LENGTH;
        for (final byte[] frame : frames)
        {
            length += RECORD_HEADER_LENGTH + frame.length;
        }
        final ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(MAGIC_MICROS).putShort((short)2).putShort((short)4).putInt(0).putInt(0)
            .putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
        int second = 1_700_000_000;
        for (final byte[] frame : frames)
        {
            buffer.putInt(second++).putInt(0).putInt(frame.length).putInt(frame.length).put(frame);
        }
        Files.write(path, buffer.array());
    }

    public static List<byte[]> read(final Path path) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        final int magic = buffer.getInt(0);
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS)
        {
            buffer.order(ByteOrder.BIG_ENDIAN);
            final int swapped = buffer.getInt(0);
            if (swapped != MAGIC_MICROS && swapped != MAGIC_NANOS)
            {
                throw new IOException(path + " is not a pcap file (magic 0x" + Integer.toHexString(magic) + ")");
            }
        }
        if (buffer.getInt(20) != LINKTYPE_ETHERNET)
        {
            throw new IOException(path + " is not an Ethernet capture (linktype " + buffer.getInt(20) + ")");
        }
        final List<byte[]> frames = new ArrayList<>();
        buffer.position(GLOBAL_HEADER_LENGTH);
        while (buffer.remaining() >= RECORD_HEADER_LENGTH)
        {
            buffer.getInt();
            buffer.getInt();
            final int capturedLength = buffer.getInt();
            buffer.getInt();
            final byte[] frame = new byte[capturedLength];
            buffer.get(frame);
            frames.add(frame);
        }
        if (buffer.hasRemaining())
        {
            throw new IOException(path + " ends in a truncated record");
        }
        return frames;
    }
}
