package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Where the fields of DPDK's {@code struct rte_mbuf} are (DPDK 22.11, 64-bit, IOVA as PA), for
 * the {@link Mbuf} flyweight.
 * <pre>
 *   0  buf_addr (8)        16 data_off (2)   20 nb_segs (2)   22 port (2)
 *  24  ol_flags (8)        32 packet_type (4) 36 pkt_len (4)
 *  40  data_len (2)        44 hash.rss (4)   54 buf_len (2)
 *  64  next (8)           128 end of struct, RTE_PKTMBUF_HEADROOM = 128
 * </pre>
 * Java cannot see the C struct, so {@link Eal#start} compares these constants with the offsets the
 * shim was compiled with ({@code sluice_mbuf_offsets}) and refuses to run on any mismatch: a wrong
 * offset would silently corrupt packets.
 */
public final class MbufLayout
{
    /** {@code void *buf_addr}: start of the data buffer. */
    public static final int BUF_ADDR_OFFSET = 0;

    /** {@code uint16_t data_off}: where the packet data starts in the buffer. */
    public static final int DATA_OFF_OFFSET = 16;

    /** {@code uint32_t pkt_len}: length of the whole packet, all segments. */
    public static final int PKT_LEN_OFFSET = 36;

    /** {@code uint16_t data_len}: length of the data in this segment. */
    public static final int DATA_LEN_OFFSET = 40;

    /** {@code uint16_t buf_len}: length of the buffer, headroom included. */
    public static final int BUF_LEN_OFFSET = 54;

    /** {@code uint16_t nb_segs}: segments in the packet. */
    public static final int NB_SEGS_OFFSET = 20;

    /** {@code uint16_t port}: input port. */
    public static final int PORT_OFFSET = 22;

    /** {@code uint64_t ol_flags}: offload flags. */
    public static final int OL_FLAGS_OFFSET = 24;

    /** {@code uint32_t packet_type}: L2/L3/L4 type as classified by the driver. */
    public static final int PACKET_TYPE_OFFSET = 32;

    /** {@code uint32_t hash.rss}: the RSS hash the NIC computed. */
    public static final int HASH_RSS_OFFSET = 44;

    /** {@code struct rte_mbuf *next}: next segment, NULL for the last. */
    public static final int NEXT_OFFSET = 64;

    /** {@code sizeof(struct rte_mbuf)}. */
    public static final int STRUCT_SIZE = 128;

    /** {@code RTE_PKTMBUF_HEADROOM}: headroom of a freshly allocated mbuf. */
    public static final int HEADROOM = 128;

    /** Field names in the order of the C enum {@code sluice_mbuf_field}. */
    static final String[] FIELD_NAMES =
    {
        "buf_addr", "data_off", "pkt_len", "data_len", "buf_len", "nb_segs", "port", "ol_flags",
        "packet_type", "hash.rss", "next", "sizeof(struct rte_mbuf)", "RTE_PKTMBUF_HEADROOM"
    };

    private static final int[] JAVA_VALUES =
    {
        BUF_ADDR_OFFSET, DATA_OFF_OFFSET, PKT_LEN_OFFSET, DATA_LEN_OFFSET, BUF_LEN_OFFSET, NB_SEGS_OFFSET,
        PORT_OFFSET, OL_FLAGS_OFFSET, PACKET_TYPE_OFFSET, HASH_RSS_OFFSET, NEXT_OFFSET, STRUCT_SIZE, HEADROOM
    };

    private MbufLayout()
    {
    }

    /**
     * The offsets the shim was compiled with, in the order of {@link #FIELD_NAMES}.
     *
     * @return one value per field.
     */
    static int[] nativeValues()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(JAVA_INT, JAVA_VALUES.length);
            final int written = SluiceDpdk.sluice_mbuf_offsets(out, JAVA_VALUES.length);
            if (written != JAVA_VALUES.length)
            {
                throw new IllegalStateException(
                    "the DPDK shim reports " + written + " rte_mbuf layout facts, Java expects " + JAVA_VALUES.length +
                    ": the shim and the Java bindings come from different builds");
            }
            return out.toArray(JAVA_INT);
        }
    }

    /**
     * Checks the Java constants against the shim's compiled offsets.
     *
     * @throws IllegalStateException naming every field whose Java and C values differ.
     */
    static void verifyAgainstNative()
    {
        verify(nativeValues());
    }

    /**
     * Checks the Java constants against offsets reported by C.
     *
     * @param nativeValues the C values, in the order of {@link #FIELD_NAMES}.
     * @throws IllegalStateException naming every field whose Java and C values differ.
     */
    static void verify(final int[] nativeValues)
    {
        if (nativeValues.length != JAVA_VALUES.length)
        {
            throw new IllegalArgumentException(
                "expected " + JAVA_VALUES.length + " native rte_mbuf layout values, got " + nativeValues.length);
        }
        final StringBuilder mismatches = new StringBuilder();
        for (int i = 0; i < JAVA_VALUES.length; i++)
        {
            if (JAVA_VALUES[i] != nativeValues[i])
            {
                mismatches.append(mismatches.isEmpty() ? "" : "; ")
                    .append(FIELD_NAMES[i])
                    .append(": Java ")
                    .append(JAVA_VALUES[i])
                    .append(", C ")
                    .append(nativeValues[i]);
            }
        }
        if (!mismatches.isEmpty())
        {
            throw new IllegalStateException(
                "refusing to run: the rte_mbuf layout in io.sluice.dpdk.MbufLayout does not match the DPDK the shim " +
                "was built against (" + mismatches + "). Update MbufLayout for this DPDK version or build against 22.11.");
        }
    }
}
