package io.sluice.bench.gen;

/**
 * Numbers the client side of the generator's 5-tuples: tuple {@code n} is source port
 * {@code firstPort + n % portCount} of the client address whose low 32 bits are
 * {@code baseLow32 + 1 + (n / portCount) % hostCount} (the network's first address, offset 0, is
 * not used unless the network is a single address). With the fixed VIP, VIP port and protocol,
 * every tuple below {@link #size()} is a distinct 5-tuple.
 */
final class ClientSpace
{
    private final int baseLow32;
    private final long hostCount;
    private final int firstPort;
    private final int portCount;

    /**
     * @param baseLow32 the low 32 bits of the client network's address (host bits zero).
     * @param hostBits  host bits that vary, 0 to 32.
     * @param firstPort the first source port.
     * @param lastPort  the last source port, at least {@code firstPort}.
     */
    ClientSpace(final int baseLow32, final int hostBits, final int firstPort, final int lastPort)
    {
        this.baseLow32 = baseLow32;
        this.hostCount = hostBits == 0 ? 1 : (1L << hostBits) - 1;
        this.firstPort = firstPort;
        this.portCount = lastPort - firstPort + 1;
    }

    /**
     * @return how many distinct tuples there are before the numbering repeats.
     */
    long size()
    {
        return hostCount * portCount;
    }

    /**
     * @param tuple the tuple's number, 0 to {@link #size()} - 1.
     * @return the low 32 bits of its client address.
     */
    int addressLow32(final long tuple)
    {
        final long host = (tuple / portCount) % hostCount;
        return baseLow32 + (hostCount == 1 ? 0 : (int)host + 1);
    }

    /**
     * @param tuple the tuple's number.
     * @return its source port.
     */
    int port(final long tuple)
    {
        return firstPort + (int)(tuple % portCount);
    }
}
