package io.sluice.sync.wire;

import java.util.Arrays;

/**
 * Maglev table digests of services, held as primitive arrays: what a {@code Hello} carries a page of.
 * An entry names a service by VIP (the address's upper and lower 64 bits, IPv4 as IPv4-mapped),
 * port and protocol, never by a local id, and gives its table's size and
 * {@link io.sluice.dataplane.maglev.MaglevTable#digest() digest}. Grows as needed; one thread.
 */
public final class MaglevDigestList
{
    private long[] vipHi = new long[16];
    private long[] vipLo = new long[16];
    private int[] portAndProtocol = new int[16];
    private int[] size = new int[16];
    private long[] digest = new long[16];
    private int count;

    /** Empties the list, keeping its arrays. */
    public void clear()
    {
        count = 0;
    }

    /**
     * Appends an entry.
     *
     * @param vipHi      upper 64 bits of the VIP.
     * @param vipLo      lower 64 bits of the VIP.
     * @param port       the service port, 0 to 65535.
     * @param protocol   the service's IP protocol number, 0 to 255.
     * @param maglevSize the table's number of slots.
     * @param digest     the table's digest.
     * @return this list.
     */
    public MaglevDigestList add(
        final long vipHi, final long vipLo, final int port, final int protocol, final int maglevSize, final long digest)
    {
        if (count == this.vipHi.length)
        {
            final int capacity = count * 2;
            this.vipHi = Arrays.copyOf(this.vipHi, capacity);
            this.vipLo = Arrays.copyOf(this.vipLo, capacity);
            this.portAndProtocol = Arrays.copyOf(this.portAndProtocol, capacity);
            this.size = Arrays.copyOf(this.size, capacity);
            this.digest = Arrays.copyOf(this.digest, capacity);
        }
        this.vipHi[count] = vipHi;
        this.vipLo[count] = vipLo;
        this.portAndProtocol[count] = (port & 0xFFFF) << 8 | (protocol & 0xFF);
        this.size[count] = maglevSize;
        this.digest[count] = digest;
        count++;
        return this;
    }

    /** @return the number of entries. */
    public int count()
    {
        return count;
    }

    /**
     * @param index an entry, {@code 0 <= index < count()}.
     * @return the upper 64 bits of its VIP.
     */
    public long vipHi(final int index)
    {
        return vipHi[index];
    }

    /**
     * @param index an entry.
     * @return the lower 64 bits of its VIP.
     */
    public long vipLo(final int index)
    {
        return vipLo[index];
    }

    /**
     * @param index an entry.
     * @return its service port.
     */
    public int port(final int index)
    {
        return portAndProtocol[index] >>> 8;
    }

    /**
     * @param index an entry.
     * @return its service's IP protocol number.
     */
    public int protocol(final int index)
    {
        return portAndProtocol[index] & 0xFF;
    }

    /**
     * @param index an entry.
     * @return its table's number of slots.
     */
    public int maglevSize(final int index)
    {
        return size[index];
    }

    /**
     * @param index an entry.
     * @return its table's digest.
     */
    public long digest(final int index)
    {
        return digest[index];
    }
}
