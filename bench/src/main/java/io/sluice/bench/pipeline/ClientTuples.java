package io.sluice.bench.pipeline;

/**
 * Numbers the client side of the benchmarks' flows: tuple {@code n} is source port
 * {@code 32768 + n % 32768} of client address {@code 10.0.0.0 + n / 32768}, so every index below
 * {@link #TUPLE_COUNT} (2^39) names a distinct (source address, source port) pair, and with the
 * fixed VIP, VIP port and protocol a distinct 5-tuple.
 */
public final class ClientTuples
{
    /** How many distinct tuples there are before the numbering wraps. */
    public static final long TUPLE_COUNT = 1L << 39;

    private static final int CLIENT_NETWORK = 0x0A00_0000;
    private static final int PORT_BITS = 15;
    private static final int FIRST_PORT = 1 << PORT_BITS;
    private static final int PORT_MASK = FIRST_PORT - 1;
    private static final int HOST_MASK = 0x00FF_FFFF;

    private ClientTuples()
    {
    }

    /**
     * @param tuple the tuple's number, 0 to {@link #TUPLE_COUNT} - 1 (higher numbers wrap).
     * @return the client address, a.b.c.d as 0xaabbccdd, in 10.0.0.0/8.
     */
    public static int address(final long tuple)
    {
        return CLIENT_NETWORK | ((int)(tuple >>> PORT_BITS) & HOST_MASK);
    }

    /**
     * @param tuple the tuple's number.
     * @return the client port, 32768..65535.
     */
    public static int port(final long tuple)
    {
        return FIRST_PORT | ((int)tuple & PORT_MASK);
    }
}
