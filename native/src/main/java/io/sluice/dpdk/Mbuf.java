package io.sluice.dpdk;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A reusable flyweight over one {@code struct rte_mbuf}, given by its address.
 * <p>
 * Every read and write goes through one process-wide segment spanning all of memory
 * ({@link #memory()}), so {@link #wrap(long)} stores a long and allocates nothing. The packet bytes
 * of a single-segment mbuf are {@code [dataAddress(), dataAddress() + dataLength())} of that same
 * segment, which is what the dataplane's header flyweights read.
 * <pre>
 *  buf_addr                                                buf_addr + buf_len
 *  |&lt;-- headroom (data_off) --&gt;|&lt;-- data (data_len) --&gt;|&lt;-- tailroom --&gt;|
 *                              dataAddress()
 * </pre>
 * {@link #prepend(int)}, {@link #adj(int)}, {@link #append(int)} and {@link #trim(int)} follow
 * {@code rte_pktmbuf_prepend/adj/append/trim} but run in Java, without a native call; they return
 * false and change nothing when the request does not fit. Nothing here checks that the address is
 * a live mbuf: wrap only what a pool or a burst returned. Not thread safe; one per worker.
 */
public final class Mbuf
{
    @SuppressWarnings("restricted")
    private static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private long address;

    /**
     * The segment over all of the process's memory that mbufs and packet data are read through.
     *
     * @return the segment, base address 0.
     */
    public static MemorySegment memory()
    {
        return MEMORY;
    }

    /**
     * Points this flyweight at an mbuf.
     *
     * @param address the mbuf address, as returned by {@link MbufPool#alloc()} or a burst.
     * @return this flyweight.
     */
    public Mbuf wrap(final long address)
    {
        this.address = address;
        return this;
    }

    /**
     * The wrapped mbuf's address.
     *
     * @return the address.
     */
    public long address()
    {
        return address;
    }

    /**
     * {@code buf_addr}: where the mbuf's buffer starts.
     *
     * @return the buffer address.
     */
    public long bufferAddress()
    {
        return MEMORY.get(JAVA_LONG, address + MbufLayout.BUF_ADDR_OFFSET);
    }

    /**
     * {@code buf_len}: the buffer size, headroom included.
     *
     * @return the length in bytes.
     */
    public int bufferLength()
    {
        return MEMORY.get(JAVA_SHORT, address + MbufLayout.BUF_LEN_OFFSET) & 0xFFFF;
    }

    /**
     * {@code data_off}: where the packet data starts, relative to the buffer.
     *
     * @return the offset in bytes.
     */
    public int dataOffset()
    {
        return MEMORY.get(JAVA_SHORT, address + MbufLayout.DATA_OFF_OFFSET) & 0xFFFF;
    }

    /**
     * Moves the start of the data without changing the lengths.
     *
     * @param offset the new {@code data_off}, 0 to {@code bufferLength() - dataLength()}.
     * @return this flyweight.
     * @throws IllegalArgumentException when the data would not fit the buffer.
     */
    public Mbuf dataOffset(final int offset)
    {
        if (offset < 0 || offset + dataLength() > bufferLength())
        {
            throw outOfBuffer("data offset", offset);
        }
        MEMORY.set(JAVA_SHORT, address + MbufLayout.DATA_OFF_OFFSET, (short)offset);
        return this;
    }

    /**
     * {@code data_len}: bytes of data in this segment.
     *
     * @return the length.
     */
    public int dataLength()
    {
        return MEMORY.get(JAVA_SHORT, address + MbufLayout.DATA_LEN_OFFSET) & 0xFFFF;
    }

    /**
     * {@code pkt_len}: bytes of data in the whole packet, all segments.
     *
     * @return the length.
     */
    public int packetLength()
    {
        return MEMORY.get(JAVA_INT, address + MbufLayout.PKT_LEN_OFFSET);
    }

    /**
     * Sets {@code data_len} and {@code pkt_len} together, for a single-segment mbuf.
     *
     * @param length bytes of data, 0 to {@link #bufferLength()} - {@link #dataOffset()}.
     * @return this flyweight.
     * @throws IllegalArgumentException when the data would not fit the buffer.
     */
    public Mbuf setLength(final int length)
    {
        if (length < 0 || dataOffset() + length > bufferLength())
        {
            throw outOfBuffer("length", length);
        }
        MEMORY.set(JAVA_SHORT, address + MbufLayout.DATA_LEN_OFFSET, (short)length);
        MEMORY.set(JAVA_INT, address + MbufLayout.PKT_LEN_OFFSET, length);
        return this;
    }

    /**
     * {@code nb_segs}: segments in the packet.
     *
     * @return the count, 1 for a single-segment packet.
     */
    public int segmentCount()
    {
        return MEMORY.get(JAVA_SHORT, address + MbufLayout.NB_SEGS_OFFSET) & 0xFFFF;
    }

    /**
     * {@code port}: the port the packet arrived on.
     *
     * @return the port id.
     */
    public int port()
    {
        return MEMORY.get(JAVA_SHORT, address + MbufLayout.PORT_OFFSET) & 0xFFFF;
    }

    /**
     * {@code ol_flags}: the offload flags ({@code RTE_MBUF_F_*}).
     *
     * @return the flags.
     */
    public long offloadFlags()
    {
        return MEMORY.get(JAVA_LONG, address + MbufLayout.OL_FLAGS_OFFSET);
    }

    /**
     * {@code packet_type}: the driver's classification ({@code RTE_PTYPE_*}), 0 when unknown.
     *
     * @return the packet type.
     */
    public int packetType()
    {
        return MEMORY.get(JAVA_INT, address + MbufLayout.PACKET_TYPE_OFFSET);
    }

    /**
     * {@code hash.rss}: the RSS hash, meaningful when the NIC computed one.
     *
     * @return the hash.
     */
    public int rssHash()
    {
        return MEMORY.get(JAVA_INT, address + MbufLayout.HASH_RSS_OFFSET);
    }

    /**
     * {@code next}: the next segment.
     *
     * @return its mbuf address, 0 for the last segment.
     */
    public long nextAddress()
    {
        return MEMORY.get(JAVA_LONG, address + MbufLayout.NEXT_OFFSET);
    }

    /**
     * Where the packet data starts: {@code buf_addr + data_off}.
     *
     * @return the address of the first byte of data.
     */
    public long dataAddress()
    {
        return bufferAddress() + dataOffset();
    }

    /**
     * Bytes free in front of the data.
     *
     * @return the headroom.
     */
    public int headroom()
    {
        return dataOffset();
    }

    /**
     * Bytes free after the data in this (single) segment.
     *
     * @return the tailroom.
     */
    public int tailroom()
    {
        return bufferLength() - dataOffset() - dataLength();
    }

    /**
     * Grows the data at the front, into the headroom, like {@code rte_pktmbuf_prepend}: data offset
     * goes down, data and packet length go up. The new bytes are not initialised.
     *
     * @param length bytes to add.
     * @return true when done, false (nothing changed) when negative or larger than the headroom.
     */
    public boolean prepend(final int length)
    {
        final int dataOffset = dataOffset();
        if (length < 0 || length > dataOffset)
        {
            return false;
        }
        MEMORY.set(JAVA_SHORT, address + MbufLayout.DATA_OFF_OFFSET, (short)(dataOffset - length));
        addLengths(length);
        return true;
    }

    /**
     * Removes bytes from the front of the data, like {@code rte_pktmbuf_adj}: data offset goes up,
     * data and packet length go down.
     *
     * @param length bytes to remove.
     * @return true when done, false (nothing changed) when negative or larger than the data length.
     */
    public boolean adj(final int length)
    {
        if (length < 0 || length > dataLength())
        {
            return false;
        }
        MEMORY.set(JAVA_SHORT, address + MbufLayout.DATA_OFF_OFFSET, (short)(dataOffset() + length));
        addLengths(-length);
        return true;
    }

    /**
     * Grows the data at the end, into the tailroom, like {@code rte_pktmbuf_append} on a
     * single-segment mbuf. The new bytes are not initialised.
     *
     * @param length bytes to add.
     * @return true when done, false (nothing changed) when negative, larger than the tailroom, or
     * the mbuf has more than one segment.
     */
    public boolean append(final int length)
    {
        if (length < 0 || length > tailroom() || segmentCount() != 1)
        {
            return false;
        }
        addLengths(length);
        return true;
    }

    /**
     * Removes bytes from the end of the data, like {@code rte_pktmbuf_trim} on a single-segment mbuf.
     *
     * @param length bytes to remove.
     * @return true when done, false (nothing changed) when negative, larger than the data length, or
     * the mbuf has more than one segment.
     */
    public boolean trim(final int length)
    {
        if (length < 0 || length > dataLength() || segmentCount() != 1)
        {
            return false;
        }
        addLengths(-length);
        return true;
    }

    private void addLengths(final int delta)
    {
        MEMORY.set(JAVA_SHORT, address + MbufLayout.DATA_LEN_OFFSET, (short)(dataLength() + delta));
        MEMORY.set(JAVA_INT, address + MbufLayout.PKT_LEN_OFFSET, packetLength() + delta);
    }

    private IllegalArgumentException outOfBuffer(final String what, final int value)
    {
        return new IllegalArgumentException(
            "mbuf " + Long.toHexString(address) + ": " + what + " " + value + " does not fit: data offset " +
            dataOffset() + ", data length " + dataLength() + ", buffer length " + bufferLength());
    }
}
