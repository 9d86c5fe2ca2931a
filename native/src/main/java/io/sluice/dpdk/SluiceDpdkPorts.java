package io.sluice.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The bindings of {@code sluice_port.c} and {@code sluice_burst.c}: attaching, configuring, starting, stopping and
 * closing ethdev ports, their name, MAC, link, statistics and RSS setup, and the rx/tx bursts of the hot path. Part of
 * {@link SluiceDpdk}, through which they are called.
 */
class SluiceDpdkPorts extends SluiceDpdkMbufs
{
    private static final FunctionDescriptor SLUICE_PORT_ATTACH_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    /** Handle of {@code sluice_port_attach}. */
    public static final MethodHandle SLUICE_PORT_ATTACH = downcall("sluice_port_attach", SLUICE_PORT_ATTACH_DESC);

    /**
     * Probes a device by PCI address or vdev devargs ({@code rte_dev_probe}) and stores its first port id (uint16) in {@code port_id}.
     *
     * @param devargs NUL-terminated PCI address or vdev devargs.
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_attach(final MemorySegment devargs, final MemorySegment portId)
    {
        try
        {
            return (int)SLUICE_PORT_ATTACH.invokeExact(devargs, portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_attach failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_NAME_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT);
    /** Handle of {@code sluice_port_name}. */
    public static final MethodHandle SLUICE_PORT_NAME = downcall("sluice_port_name", SLUICE_PORT_NAME_DESC);

    /**
     * Copies the port's ethdev name into {@code buf}, NUL terminated.
     *
     * @param portId the ethdev port id (uint16).
     * @param buf a native char buffer.
     * @param len length in bytes.
     * @return the length, or a negative errno.
     */
    public static int sluice_port_name(final short portId, final MemorySegment buf, final int len)
    {
        try
        {
            return (int)SLUICE_PORT_NAME.invokeExact(portId, buf, len);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_name failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_CONFIGURE_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS, ADDRESS);
    /** Handle of {@code sluice_port_configure}. */
    public static final MethodHandle SLUICE_PORT_CONFIGURE = downcall("sluice_port_configure", SLUICE_PORT_CONFIGURE_DESC);

    /**
     * Configures queues (clamped to the device), RSS when more than one rx queue, and fills {@code applied} (7 int64) with what was applied.
     *
     * @param portId the ethdev port id (uint16).
     * @param rxQueues rx queues wanted (uint16).
     * @param txQueues tx queues wanted (uint16).
     * @param rxDesc rx descriptors per queue wanted (uint16).
     * @param txDesc tx descriptors per queue wanted (uint16).
     * @param pool the struct rte_mempool pointer.
     * @param applied native int64[7] receiving what was applied.
     * @return 0 or a negative errno.
     */
    public static int sluice_port_configure(final short portId, final short rxQueues, final short txQueues, final short rxDesc, final short txDesc, final MemorySegment pool, final MemorySegment applied)
    {
        try
        {
            return (int)SLUICE_PORT_CONFIGURE.invokeExact(portId, rxQueues, txQueues, rxDesc, txDesc, pool, applied);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_configure failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_START_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
    /** Handle of {@code sluice_port_start}. */
    public static final MethodHandle SLUICE_PORT_START = downcall("sluice_port_start", SLUICE_PORT_START_DESC);

    /**
     * Runs {@code rte_eth_dev_start}.
     *
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_start(final short portId)
    {
        try
        {
            return (int)SLUICE_PORT_START.invokeExact(portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_start failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_STOP_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
    /** Handle of {@code sluice_port_stop}. */
    public static final MethodHandle SLUICE_PORT_STOP = downcall("sluice_port_stop", SLUICE_PORT_STOP_DESC);

    /**
     * Runs {@code rte_eth_dev_stop}.
     *
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_stop(final short portId)
    {
        try
        {
            return (int)SLUICE_PORT_STOP.invokeExact(portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_stop failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_PROMISCUOUS_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_INT);
    /** Handle of {@code sluice_port_promiscuous}. */
    public static final MethodHandle SLUICE_PORT_PROMISCUOUS = downcall("sluice_port_promiscuous", SLUICE_PORT_PROMISCUOUS_DESC);

    /**
     * Turns promiscuous mode on (non-zero) or off.
     *
     * @param portId the ethdev port id (uint16).
     * @param enable non-zero to enable.
     * @return 0 or a negative errno (-ENOTSUP when the device cannot).
     */
    public static int sluice_port_promiscuous(final short portId, final int enable)
    {
        try
        {
            return (int)SLUICE_PORT_PROMISCUOUS.invokeExact(portId, enable);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_promiscuous failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_CLOSE_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
    /** Handle of {@code sluice_port_close}. */
    public static final MethodHandle SLUICE_PORT_CLOSE = downcall("sluice_port_close", SLUICE_PORT_CLOSE_DESC);

    /**
     * Stops and closes the port and detaches its device ({@code rte_dev_remove}) so it can be attached again.
     *
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_close(final short portId)
    {
        try
        {
            return (int)SLUICE_PORT_CLOSE.invokeExact(portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_close failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_MAC_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
    /** Handle of {@code sluice_port_mac}. */
    public static final MethodHandle SLUICE_PORT_MAC = downcall("sluice_port_mac", SLUICE_PORT_MAC_DESC);

    /**
     * Copies the port's 6-byte MAC address into {@code out}.
     *
     * @param portId the ethdev port id (uint16).
     * @param out native memory the result is written to.
     * @return 0 or a negative errno.
     */
    public static int sluice_port_mac(final short portId, final MemorySegment out)
    {
        try
        {
            return (int)SLUICE_PORT_MAC.invokeExact(portId, out);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_mac failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_LINK_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
    /** Handle of {@code sluice_port_link}. */
    public static final MethodHandle SLUICE_PORT_LINK = downcall("sluice_port_link", SLUICE_PORT_LINK_DESC);

    /**
     * Fills {@code out} (4 int64: speed Mbps or -1, up, full duplex, autoneg) without waiting.
     *
     * @param portId the ethdev port id (uint16).
     * @param out native memory the result is written to.
     * @return 0 or a negative errno.
     */
    public static int sluice_port_link(final short portId, final MemorySegment out)
    {
        try
        {
            return (int)SLUICE_PORT_LINK.invokeExact(portId, out);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_link failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_STATS_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
    /** Handle of {@code sluice_port_stats}. */
    public static final MethodHandle SLUICE_PORT_STATS = downcall("sluice_port_stats", SLUICE_PORT_STATS_DESC);

    /**
     * Fills {@code out} (8 uint64: ipackets, opackets, ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf).
     *
     * @param portId the ethdev port id (uint16).
     * @param out native memory the result is written to.
     * @return 0 or a negative errno.
     */
    public static int sluice_port_stats(final short portId, final MemorySegment out)
    {
        try
        {
            return (int)SLUICE_PORT_STATS.invokeExact(portId, out);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_stats failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_STATS_RESET_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
    /** Handle of {@code sluice_port_stats_reset}. */
    public static final MethodHandle SLUICE_PORT_STATS_RESET = downcall("sluice_port_stats_reset", SLUICE_PORT_STATS_RESET_DESC);

    /**
     * Zeroes the port counters.
     *
     * @param portId the ethdev port id (uint16).
     * @return 0 or a negative errno.
     */
    public static int sluice_port_stats_reset(final short portId)
    {
        try
        {
            return (int)SLUICE_PORT_STATS_RESET.invokeExact(portId);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_stats_reset failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_PORT_RSS_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    /** Handle of {@code sluice_port_rss}. */
    public static final MethodHandle SLUICE_PORT_RSS = downcall("sluice_port_rss", SLUICE_PORT_RSS_DESC);

    /**
     * Reads the port's RSS hash key, redirection table and hash functions, and fills {@code out} (3 int64: rss_hf,
     * hash_key_size, reta_size).
     *
     * @param portId the ethdev port id (uint16).
     * @param key native memory for the key bytes.
     * @param keyCapacity bytes {@code key} holds.
     * @param reta native memory for the redirection table (uint16 rx queue per entry).
     * @param retaCapacity entries {@code reta} holds.
     * @param out native int64[3] receiving rss_hf, hash_key_size and reta_size.
     * @return 0 or a negative errno (-ENOTSUP when the device cannot report its key or table, -ENOSPC when a buffer is
     *     too small).
     */
    public static int sluice_port_rss(final short portId, final MemorySegment key, final int keyCapacity, final MemorySegment reta, final int retaCapacity, final MemorySegment out)
    {
        try
        {
            return (int)SLUICE_PORT_RSS.invokeExact(portId, key, keyCapacity, reta, retaCapacity, out);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_port_rss failed in the FFM downcall", ex);
        }
    }


    private static final FunctionDescriptor SLUICE_RX_BURST_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, ADDRESS, JAVA_SHORT);
    /** Handle of {@code sluice_rx_burst}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_RX_BURST = criticalDowncall("sluice_rx_burst", SLUICE_RX_BURST_DESC);

    /**
     * Runs {@code rte_eth_rx_burst}, filling {@code mbufs} with up to {@code count} mbuf pointers.
     *
     * @param portId the ethdev port id (uint16).
     * @param queueId the queue id (uint16).
     * @param mbufs native array of mbuf pointers.
     * @param count number of mbufs (or pointers).
     * @return the number received.
     */
    public static int sluice_rx_burst(final short portId, final short queueId, final MemorySegment mbufs, final short count)
    {
        try
        {
            return (int)SLUICE_RX_BURST.invokeExact(portId, queueId, mbufs, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_rx_burst failed in the FFM downcall", ex);
        }
    }

    private static final FunctionDescriptor SLUICE_TX_BURST_DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, ADDRESS, JAVA_SHORT);
    /** Handle of {@code sluice_tx_burst}, critical (no heap segments, must not block). */
    public static final MethodHandle SLUICE_TX_BURST = criticalDowncall("sluice_tx_burst", SLUICE_TX_BURST_DESC);

    /**
     * Runs {@code rte_eth_tx_burst}; the caller still owns the mbufs the device did not take.
     *
     * @param portId the ethdev port id (uint16).
     * @param queueId the queue id (uint16).
     * @param mbufs native array of mbuf pointers.
     * @param count number of mbufs (or pointers).
     * @return the number the device took.
     */
    public static int sluice_tx_burst(final short portId, final short queueId, final MemorySegment mbufs, final short count)
    {
        try
        {
            return (int)SLUICE_TX_BURST.invokeExact(portId, queueId, mbufs, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_tx_burst failed in the FFM downcall", ex);
        }
    }

    SluiceDpdkPorts()
    {
    }
}
