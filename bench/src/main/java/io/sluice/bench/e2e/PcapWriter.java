package io.sluice.bench.e2e;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic pcap file (the libpcap format {@code tcpdump -r} and DPDK's {@code net_pcap}
 * read): a 24-byte global header, then per frame a 16-byte record header and the frame's bytes.
 * Little-endian, microsecond timestamps, Ethernet link type.
 * <pre>
 *   global header: magic 0xa1b2c3d4, version 2.4, thiszone 0, sigfigs 0, snaplen 65535, linktype 1
 *   record header: ts_sec, ts_usec, incl_len, orig_len (the frame is written whole: both the length)
 * </pre>
 */
public final class PcapWriter implements AutoCloseable
{
    /** Length of the file's global header. */
    public static final int GLOBAL_HEADER_LENGTH = 24;
    /** Length of each record's header. */
    public static final int RECORD_HEADER_LENGTH = 16;
    /** The magic number of a microsecond pcap file, written in the file's (little-endian) byte order. */
    public static final int MAGIC = 0xA1B2_C3D4;
    /** Longest frame a record holds whole (the snapshot length in the global header). */
    public static final int SNAPLEN = 65535;
    /** Link type of Ethernet frames (LINKTYPE_ETHERNET). */
    public static final int LINKTYPE_ETHERNET = 1;

    private static final short VERSION_MAJOR = 2;
    private static final short VERSION_MINOR = 4;
    private static final int MICROS_PER_SECOND = 1_000_000;

    private final OutputStream out;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private long records;

    private PcapWriter(final OutputStream out)
    {
        this.out = out;
    }

    /**
     * Creates (or truncates) a pcap file and writes its global header.
     *
     * @param file the file.
     * @return the writer; close it to flush the file.
     * @throws IOException when the file cannot be written.
     */
    public static PcapWriter create(final Path file) throws IOException
    {
        final OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        try
        {
            out.write(globalHeader());
            return new PcapWriter(out);
        }
        catch (final IOException ex)
        {
            out.close();
            throw ex;
        }
    }

    /** @return the 24 bytes of the global header. */
    public static byte[] globalHeader()
    {
        return ByteBuffer.allocate(GLOBAL_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(MAGIC).putShort(VERSION_MAJOR).putShort(VERSION_MINOR).putInt(0).putInt(0).putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET)
            .array();
    }

    /**
     * Appends one frame.
     *
     * @param frame       the bytes.
     * @param offset      where the frame starts in {@code frame}.
     * @param length      its length, 1..{@link #SNAPLEN}.
     * @param timestampUs its timestamp, microseconds since the epoch.
     * @throws IOException when the file cannot be written.
     */
    public void write(final byte[] frame, final int offset, final int length, final long timestampUs) throws IOException
    {
        if (length < 1 || length > SNAPLEN)
        {
            throw new IllegalArgumentException("frame length " + length + " is not 1.." + SNAPLEN);
        }
        recordHeader.clear();
        recordHeader.putInt((int)(timestampUs / MICROS_PER_SECOND)).putInt((int)(timestampUs % MICROS_PER_SECOND))
            .putInt(length).putInt(length);
        out.write(recordHeader.array());
        out.write(frame, offset, length);
        records++;
    }

    /** @return frames written so far. */
    public long records()
    {
        return records;
    }

    @Override
    public void close() throws IOException
    {
        out.close();
    }
}
