package io.sluice.dpdk;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a started port's RSS does, as the device reports it: the hash functions in force
 * ({@code rss_hf}), the hash key and the redirection table (RETA), from which software can tell
 * the rx queue a flow's packets arrive on. Immutable; the arrays are copied in and out.
 * <p>
 * A device that cannot report its key or table (most virtual devices: {@code net_ring},
 * {@code net_af_packet}, {@code net_tap}) gives an instance that is not {@linkplain #available()
 * available}, with DPDK's error; the hash functions are still those the device told, or 0.
 */
public final class PortRss
{
    private final long hashFunctions;
    private final byte[] key;
    private final int[] redirectionTable;
    private final int error;
    private final String errorText;

    private PortRss(
        final long hashFunctions, final byte[] key, final int[] redirectionTable, final int error, final String errorText)
    {
        this.hashFunctions = hashFunctions;
        this.key = key;
        this.redirectionTable = redirectionTable;
        this.error = error;
        this.errorText = errorText;
    }

    /**
     * A device that reported its key and table.
     *
     * @param hashFunctions    the {@code RTE_ETH_RSS_*} bits in force.
     * @param key              the hash key, copied.
     * @param redirectionTable the rx queue of each RETA entry, copied.
     * @return the reported setup.
     */
    public static PortRss of(final long hashFunctions, final byte[] key, final int[] redirectionTable)
    {
        return new PortRss(hashFunctions, key.clone(), redirectionTable.clone(), 0, "");
    }

    /**
     * A device that could not report its key or table.
     *
     * @param hashFunctions the {@code RTE_ETH_RSS_*} bits the device reported, or 0.
     * @param error         the negative errno of the failed query, e.g. {@code -ENOTSUP}.
     * @param errorText     what failed, for a person to read.
     * @return the unavailable setup.
     */
    public static PortRss unavailable(final long hashFunctions, final int error, final String errorText)
    {
        if (error >= 0)
        {
            throw new IllegalArgumentException("error must be a negative errno, was " + error);
        }
        return new PortRss(hashFunctions, new byte[0], new int[0], error, Objects.requireNonNull(errorText, "errorText"));
    }

    /**
     * Whether the device reported its key and redirection table.
     *
     * @return true when {@link #key()} and {@link #redirectionTable()} are the device's.
     */
    public boolean available()
    {
        return error == 0;
    }

    /**
     * The {@code RTE_ETH_RSS_*} hash functions in force ({@code rss_hf}).
     *
     * @return the bits, 0 when the device hashes nothing or did not tell.
     */
    public long hashFunctions()
    {
        return hashFunctions;
    }

    /**
     * The Toeplitz hash key.
     *
     * @return a copy, empty when not {@linkplain #available() available}.
     */
    public byte[] key()
    {
        return key.clone();
    }

    /**
     * The redirection table: entry {@code i} is the rx queue of the packets whose RSS hash modulo
     * the table's size is {@code i}.
     *
     * @return a copy, empty when not {@linkplain #available() available}.
     */
    public int[] redirectionTable()
    {
        return redirectionTable.clone();
    }

    /**
     * The negative errno of the failed query.
     *
     * @return 0 when {@linkplain #available() available}, else e.g. {@code -95} (ENOTSUP).
     */
    public int error()
    {
        return error;
    }

    /**
     * What failed, with DPDK's text.
     *
     * @return the text, empty when {@linkplain #available() available}.
     */
    public String errorText()
    {
        return errorText;
    }

    /**
     * Describes the setup.
     *
     * @return hash functions, key and table sizes, or the error.
     */
    @Override
    public String toString()
    {
        return available() ?
            "PortRss{rss_hf 0x" + Long.toHexString(hashFunctions) + ", key " + key.length + " bytes, reta " +
            redirectionTable.length + " entries over queues " +
            Arrays.toString(Arrays.stream(redirectionTable).distinct().sorted().toArray()) + "}" :
            "PortRss{unavailable: " + errorText + ", rss_hf 0x" + Long.toHexString(hashFunctions) + "}";
    }
}
