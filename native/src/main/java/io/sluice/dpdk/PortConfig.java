package io.sluice.dpdk;

/**
 * How to set up a port: queue counts, descriptors per queue, promiscuous mode.
 * <p>
 * The device may offer fewer queues or need other descriptor counts: {@link Port#open} clamps to
 * the device's limits, and {@link Port#config()} and {@link Port#adjustments()} say what was applied.
 *
 * @param rxQueues      receive queues, one per worker that reads the port, 1..65535.
 * @param txQueues      transmit queues, one per worker that sends on the port, 1..65535.
 * @param rxDescriptors receive descriptors (ring size) per queue, 1..65535.
 * @param txDescriptors transmit descriptors per queue, 1..65535.
 * @param promiscuous   whether to receive frames addressed to other MACs too.
 */
public record PortConfig(int rxQueues, int txQueues, int rxDescriptors, int txDescriptors, boolean promiscuous)
{
    /** Default receive ring size per queue. */
    public static final int DEFAULT_RX_DESCRIPTORS = 1024;

    /** Default transmit ring size per queue. */
    public static final int DEFAULT_TX_DESCRIPTORS = 1024;

    private static final int MAX_UINT16 = 0xFFFF;

    /**
     * Validates the ranges.
     *
     * @throws IllegalArgumentException when a count is outside 1..65535.
     */
    public PortConfig
    {
        requireUint16("rxQueues", rxQueues);
        requireUint16("txQueues", txQueues);
        requireUint16("rxDescriptors", rxDescriptors);
        requireUint16("txDescriptors", txDescriptors);
    }

    /**
     * A config with the default descriptor counts and promiscuous mode on.
     *
     * @param rxQueues receive queues.
     * @param txQueues transmit queues.
     * @return the config.
     */
    public static PortConfig of(final int rxQueues, final int txQueues)
    {
        return new PortConfig(rxQueues, txQueues, DEFAULT_RX_DESCRIPTORS, DEFAULT_TX_DESCRIPTORS, true);
    }

    private static void requireUint16(final String name, final int value)
    {
        if (value < 1 || value > MAX_UINT16)
        {
            throw new IllegalArgumentException("PortConfig." + name + " must be 1.." + MAX_UINT16 + ", was " + value);
        }
    }
}
