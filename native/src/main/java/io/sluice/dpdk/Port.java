package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One DPDK ethdev port, attached from a PCI address or a vdev devargs string, configured, started,
 * and closed again with its device detached so that the same string can be opened later.
 * <p>
 * Device strings are what DPDK's {@code rte_dev_probe} takes: {@code "0000:03:00.0"},
 * {@code "net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap"}, {@code "net_ring0"},
 * {@code "net_null0"}, {@code "net_af_packet0,iface=veth0"}, {@code "net_af_xdp0,iface=veth0"}.
 * <p>
 * {@link #rxBurst} and {@link #txBurst} are the hot path: no allocation, no locks; each queue must
 * be used by one thread at a time, ideally an EAL or {@linkplain Eal#registerCurrentThread()
 * registered} thread. The other methods are control path and thread safe. Close the port only after
 * the threads bursting on it have stopped.
 */
public final class Port implements AutoCloseable
{
    /** Largest burst one call can ask for (DPDK counts are 16-bit). */
    public static final int MAX_BURST_SIZE = 0xFFFF;

    private static final BitSet OPEN_PORT_IDS = new BitSet();
    private static final int NAME_BUFFER_LENGTH = 128;
    private static final int SCRATCH_LENGTH = 64;

    private static final int APPLIED_RX_QUEUES = 0;
    private static final int APPLIED_TX_QUEUES = 1;
    private static final int APPLIED_RX_DESCRIPTORS = 2;
    private static final int APPLIED_TX_DESCRIPTORS = 3;
    private static final int APPLIED_RSS_HASH_FUNCTIONS = 4;
    private static final int APPLIED_MAX_RX_QUEUES = 5;
    private static final int APPLIED_MAX_TX_QUEUES = 6;
    private static final int APPLIED_COUNT = 7;

    private static final int RSS_HASH_FUNCTIONS = 0;
    private static final int RSS_KEY_LENGTH = 1;
    private static final int RSS_RETA_SIZE = 2;
    private static final int RSS_FIELD_COUNT = 3;
    private static final int RSS_KEY_CAPACITY = 0xFF;
    private static final int RSS_RETA_CAPACITY = 0xFFFF;

    private static final int LINK_SPEED_MBPS = 0;
    private static final int LINK_UP = 1;
    private static final int LINK_FULL_DUPLEX = 2;
    private static final int LINK_AUTONEG = 3;

    private final int id;
    private final short portId;
    private final String name;
    private final String device;
    private final PortConfig requestedConfig;
    private final PortConfig config;
    private final long rssHashFunctions;
    private final List<String> adjustments;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(SCRATCH_LENGTH, Long.BYTES);
    private int rxQueueCount;
    private int txQueueCount;
    private boolean closed;

    private Port(
        final int id,
        final String name,
        final String device,
        final PortConfig requestedConfig,
        final PortConfig config,
        final long rssHashFunctions,
        final List<String> adjustments)
    {
        this.id = id;
        this.portId = (short)id;
        this.name = name;
        this.device = device;
        this.requestedConfig = requestedConfig;
        this.config = config;
        this.rssHashFunctions = rssHashFunctions;
        this.adjustments = List.copyOf(adjustments);
        this.rxQueueCount = config.rxQueues();
        this.txQueueCount = config.txQueues();
    }

    /**
     * Attaches the device, configures its queues (clamped to the device's limits, RSS over
     * IP/TCP/UDP when there is more than one rx queue and the device can), fills every rx queue from
     * {@code pool}, starts it and sets promiscuous mode. On any failure the device is detached again.
     *
     * @param device PCI address or vdev devargs string.
     * @param config queues, descriptors, promiscuous mode.
     * @param pool   the pool rx queues fill from; it must outlive the port.
     * @return the started port.
     * @throws IllegalArgumentException when the device string is blank.
     * @throws IllegalStateException    when EAL is not running or the device is already open.
     * @throws DpdkException            naming the device and DPDK's error when a step fails.
     */
    public static Port open(final String device, final PortConfig config, final MbufPool pool)
    {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pool, "pool");
        if (device.isBlank())
        {
            throw new IllegalArgumentException("device must be a PCI address or a vdev devargs string, was blank");
        }
        Eal.requireRunning("Port.open('" + device + "')");
        final MemorySegment poolHandle = pool.handle();

        final int id = attach(device);
        claim(id, device);
        try
        {
            return configureAndStart(id, device, config, poolHandle);
        }
        catch (final RuntimeException ex)
        {
            SluiceDpdk.sluice_port_close((short)id);
            release(id);
            throw ex;
        }
    }

    private static int attach(final String device)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment portIdOut = arena.allocate(JAVA_SHORT);
            NativeErrors.clearLog();
            final int result = SluiceDpdk.sluice_port_attach(arena.allocateFrom(device), portIdOut);
            if (result < 0)
            {
                throw NativeErrors.failure("cannot attach device '" + device + "' (rte_dev_probe)", result);
            }
            return portIdOut.get(JAVA_SHORT, 0) & 0xFFFF;
        }
    }

    private static void claim(final int id, final String device)
    {
        synchronized (OPEN_PORT_IDS)
        {
            if (OPEN_PORT_IDS.get(id))
            {
                throw new IllegalStateException(
                    "device '" + device + "' is already open as port " + id + " in this process; close it first");
            }
            OPEN_PORT_IDS.set(id);
        }
    }

    private static void release(final int id)
    {
        synchronized (OPEN_PORT_IDS)
        {
            OPEN_PORT_IDS.clear(id);
        }
    }

    private static Port configureAndStart(
        final int id, final String device, final PortConfig requested, final MemorySegment pool)
    {
        final short portId = (short)id;
        final String what = "port " + id + " ('" + device + "')";
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment applied = arena.allocate(JAVA_LONG, APPLIED_COUNT);
            NativeErrors.clearLog();
            int result = SluiceDpdk.sluice_port_configure(
                portId, (short)requested.rxQueues(), (short)requested.txQueues(),
                (short)requested.rxDescriptors(), (short)requested.txDescriptors(), pool, applied);
            if (result < 0)
            {
                throw NativeErrors.failure("cannot configure " + what + " with " + requested, result);
            }

            NativeErrors.clearLog();
            result = SluiceDpdk.sluice_port_start(portId);
            if (result < 0)
            {
                throw NativeErrors.failure("cannot start " + what, result);
            }

            final boolean promiscuous = applyPromiscuous(portId, what, requested.promiscuous());
            final PortConfig config = new PortConfig(
                (int)applied.getAtIndex(JAVA_LONG, APPLIED_RX_QUEUES),
                (int)applied.getAtIndex(JAVA_LONG, APPLIED_TX_QUEUES),
                (int)applied.getAtIndex(JAVA_LONG, APPLIED_RX_DESCRIPTORS),
                (int)applied.getAtIndex(JAVA_LONG, APPLIED_TX_DESCRIPTORS),
                promiscuous);
            final long rssHashFunctions = applied.getAtIndex(JAVA_LONG, APPLIED_RSS_HASH_FUNCTIONS);
            final List<String> adjustments = describeAdjustments(
                requested, config, rssHashFunctions,
                applied.getAtIndex(JAVA_LONG, APPLIED_MAX_RX_QUEUES), applied.getAtIndex(JAVA_LONG, APPLIED_MAX_TX_QUEUES));
            return new Port(id, readName(portId, what), device, requested, config, rssHashFunctions, adjustments);
        }
    }

    private static boolean applyPromiscuous(final short portId, final String what, final boolean enable)
    {
        NativeErrors.clearLog();
        final int result = SluiceDpdk.sluice_port_promiscuous(portId, enable ? 1 : 0);
        if (result == -NativeErrors.ENOTSUP)
        {
            return false;
        }
        if (result < 0)
        {
            throw NativeErrors.failure("cannot turn promiscuous mode " + (enable ? "on" : "off") + " on " + what, result);
        }
        return enable;
    }

    private static List<String> describeAdjustments(
        final PortConfig requested,
        final PortConfig applied,
        final long rssHashFunctions,
        final long maxRxQueues,
        final long maxTxQueues)
    {
        final List<String> adjustments = new ArrayList<>();
        if (applied.rxQueues() != requested.rxQueues())
        {
            adjustments.add("rxQueues " + requested.rxQueues() + " -> " + applied.rxQueues() +
                " (device maximum " + maxRxQueues + ")");
        }
        if (applied.txQueues() != requested.txQueues())
        {
            adjustments.add("txQueues " + requested.txQueues() + " -> " + applied.txQueues() +
                " (device maximum " + maxTxQueues + ")");
        }
        if (applied.rxDescriptors() != requested.rxDescriptors())
        {
            adjustments.add("rxDescriptors " + requested.rxDescriptors() + " -> " + applied.rxDescriptors() +
                " (device limits)");
        }
        if (applied.txDescriptors() != requested.txDescriptors())
        {
            adjustments.add("txDescriptors " + requested.txDescriptors() + " -> " + applied.txDescriptors() +
                " (device limits)");
        }
        if (applied.rxQueues() > 1 && rssHashFunctions == 0)
        {
            adjustments.add("no RSS: the device cannot hash flows across its " + applied.rxQueues() + " rx queues");
        }
        if (requested.promiscuous() && !applied.promiscuous())
        {
            adjustments.add("promiscuous mode not supported by the device");
        }
        return adjustments;
    }

    private static String readName(final short portId, final String what)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buffer = arena.allocate(NAME_BUFFER_LENGTH);
            NativeErrors.clearLog();
            final int result = SluiceDpdk.sluice_port_name(portId, buffer, NAME_BUFFER_LENGTH);
            if (result < 0)
            {
                throw NativeErrors.failure("cannot read the name of " + what, result);
            }
            return buffer.getString(0);
        }
    }

    /**
     * Receives up to {@code max} packets from an rx queue into a pointer array. The caller owns the
     * returned mbufs: it must send or free each one.
     *
     * @param queue        rx queue, 0 to {@code config().rxQueues() - 1}.
     * @param mbufPointers native memory of at least {@code max} 8-byte slots.
     * @param max          most packets to take, 0 to {@value #MAX_BURST_SIZE}.
     * @return how many mbuf addresses were written to the front of {@code mbufPointers}.
     * @throws IllegalArgumentException when the queue or array does not fit (or the port is closed).
     */
    public int rxBurst(final int queue, final MemorySegment mbufPointers, final int max)
    {
        if (queue < 0 || queue >= rxQueueCount || max < 0 || max > MAX_BURST_SIZE ||
            (long)max * Long.BYTES > mbufPointers.byteSize())
        {
            throw badBurst("rxBurst", queue, rxQueueCount, mbufPointers, max);
        }
        return SluiceDpdk.sluice_rx_burst(portId, (short)queue, mbufPointers, (short)max);
    }

    /**
     * Queues up to {@code count} packets for sending. The device takes the first {@code n}
     * (the result); the caller still owns the rest and must retry or free them.
     *
     * @param queue        tx queue, 0 to {@code config().txQueues() - 1}.
     * @param mbufPointers native memory holding {@code count} 8-byte mbuf addresses.
     * @param count        packets to send, 0 to {@value #MAX_BURST_SIZE}.
     * @return how many the device took, from the front of the array.
     * @throws IllegalArgumentException when the queue or array does not fit (or the port is closed).
     */
    public int txBurst(final int queue, final MemorySegment mbufPointers, final int count)
    {
        if (queue < 0 || queue >= txQueueCount || count < 0 || count > MAX_BURST_SIZE ||
            (long)count * Long.BYTES > mbufPointers.byteSize())
        {
            throw badBurst("txBurst", queue, txQueueCount, mbufPointers, count);
        }
        return SluiceDpdk.sluice_tx_burst(portId, (short)queue, mbufPointers, (short)count);
    }

    private IllegalArgumentException badBurst(
        final String call, final int queue, final int queueCount, final MemorySegment mbufPointers, final int count)
    {
        return new IllegalArgumentException(
            call + " on port " + id + " ('" + device + "'" + (closed ? ", closed" : "") + "): queue " + queue +
            " of " + queueCount + ", count " + count + ", pointer array of " + mbufPointers.byteSize() +
            " bytes (count must be 0.." + MAX_BURST_SIZE + " and fit the array)");
    }

    /**
     * The port's MAC address.
     *
     * @return the address.
     * @throws DpdkException when the driver cannot tell.
     */
    public synchronized MacAddress macAddress()
    {
        requireOpen();
        NativeErrors.clearLog();
        final int result = SluiceDpdk.sluice_port_mac(portId, scratch);
        if (result < 0)
        {
            throw NativeErrors.failure("cannot read the MAC address of " + this, result);
        }
        return MacAddress.of(scratch.asSlice(0, MacAddress.LENGTH).toArray(JAVA_BYTE));
    }

    /**
     * The link state, without waiting for the link to settle.
     *
     * @return speed, up/down, duplex, auto-negotiation.
     * @throws DpdkException when the driver cannot tell.
     */
    public synchronized LinkState link()
    {
        requireOpen();
        NativeErrors.clearLog();
        final int result = SluiceDpdk.sluice_port_link(portId, scratch);
        if (result < 0)
        {
            throw NativeErrors.failure("cannot read the link state of " + this, result);
        }
        return new LinkState(
            (int)scratch.getAtIndex(JAVA_LONG, LINK_SPEED_MBPS),
            scratch.getAtIndex(JAVA_LONG, LINK_UP) != 0,
            scratch.getAtIndex(JAVA_LONG, LINK_FULL_DUPLEX) != 0,
            scratch.getAtIndex(JAVA_LONG, LINK_AUTONEG) != 0);
    }

    /**
     * Reads the port counters.
     *
     * @param reuse an instance to fill, or null for a new one.
     * @return the filled instance.
     * @throws DpdkException when the driver cannot tell.
     */
    public synchronized PortStats stats(final PortStats reuse)
    {
        requireOpen();
        NativeErrors.clearLog();
        final int result = SluiceDpdk.sluice_port_stats(portId, scratch);
        if (result < 0)
        {
            throw NativeErrors.failure("cannot read the counters of " + this, result);
        }
        final PortStats stats = null == reuse ? new PortStats() : reuse;
        stats.set(
            scratch.getAtIndex(JAVA_LONG, 0), scratch.getAtIndex(JAVA_LONG, 1),
            scratch.getAtIndex(JAVA_LONG, 2), scratch.getAtIndex(JAVA_LONG, 3),
            scratch.getAtIndex(JAVA_LONG, 4), scratch.getAtIndex(JAVA_LONG, 5),
            scratch.getAtIndex(JAVA_LONG, 6), scratch.getAtIndex(JAVA_LONG, 7));
        return stats;
    }

    /**
     * What the port's RSS does, as the device reports it now: hash functions, key and redirection
     * table, for software that must know which rx queue a flow arrives on. A device that cannot tell
     * (no such op, as on most virtual devices, or any other failure of the query) gives an
     * {@linkplain PortRss#available() unavailable} result naming DPDK's error, not an exception.
     *
     * @return the setup.
     * @throws IllegalStateException when the port is closed.
     */
    public synchronized PortRss rss()
    {
        requireOpen();
        try (Arena confined = Arena.ofConfined())
        {
            final MemorySegment key = confined.allocate(RSS_KEY_CAPACITY);
            final MemorySegment reta = confined.allocate(JAVA_SHORT, RSS_RETA_CAPACITY);
            final MemorySegment out = confined.allocate(JAVA_LONG, RSS_FIELD_COUNT);
            NativeErrors.clearLog();
            final int result = SluiceDpdk.sluice_port_rss(portId, key, RSS_KEY_CAPACITY, reta, RSS_RETA_CAPACITY, out);
            final long hashFunctions = out.getAtIndex(JAVA_LONG, RSS_HASH_FUNCTIONS);
            if (result < 0)
            {
                return PortRss.unavailable(hashFunctions, result,
                    NativeErrors.failure("cannot read the RSS key and redirection table of " + this, result).getMessage());
            }
            final int[] table = new int[(int)out.getAtIndex(JAVA_LONG, RSS_RETA_SIZE)];
            for (int i = 0; i < table.length; i++)
            {
                table[i] = reta.getAtIndex(JAVA_SHORT, i) & 0xFFFF;
            }
            final byte[] keyBytes = key.asSlice(0, out.getAtIndex(JAVA_LONG, RSS_KEY_LENGTH)).toArray(JAVA_BYTE);
            return PortRss.of(hashFunctions, keyBytes, table);
        }
    }

    /**
     * Zeroes the port counters.
     *
     * @throws DpdkException when the driver cannot.
     */
    public synchronized void resetStats()
    {
        requireOpen();
        NativeErrors.clearLog();
        final int result = SluiceDpdk.sluice_port_stats_reset(portId);
        if (result < 0)
        {
            throw NativeErrors.failure("cannot reset the counters of " + this, result);
        }
    }

    /**
     * Turns promiscuous mode on or off.
     *
     * @param enable true to receive frames for every MAC.
     * @return true when the device applied it, false when it cannot change promiscuous mode.
     * @throws DpdkException when the device refuses for another reason.
     */
    public synchronized boolean setPromiscuous(final boolean enable)
    {
        requireOpen();
        final int result = SluiceDpdk.sluice_port_promiscuous(portId, enable ? 1 : 0);
        if (result == -NativeErrors.ENOTSUP)
        {
            return false;
        }
        if (result < 0)
        {
            throw NativeErrors.failure("cannot turn promiscuous mode " + (enable ? "on" : "off") + " on " + this, result);
        }
        return true;
    }

    /**
     * The DPDK port id.
     *
     * @return 0..{@code RTE_MAX_ETHPORTS - 1}.
     */
    public int id()
    {
        return id;
    }

    /**
     * The ethdev name DPDK gave the port, e.g. {@code net_pcap0} or {@code 0000:03:00.0}.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The device string the port was opened with.
     *
     * @return the PCI address or devargs.
     */
    public String device()
    {
        return device;
    }

    /**
     * What {@link #open} was asked for.
     *
     * @return the requested config.
     */
    public PortConfig requestedConfig()
    {
        return requestedConfig;
    }

    /**
     * What was applied after clamping to the device: use its queue counts to plan workers.
     *
     * @return the applied config.
     */
    public PortConfig config()
    {
        return config;
    }

    /**
     * The RSS hash functions enabled ({@code RTE_ETH_RSS_*} bits).
     *
     * @return the bits, 0 when RSS is off (one rx queue, or the device cannot).
     */
    public long rssHashFunctions()
    {
        return rssHashFunctions;
    }

    /**
     * How the applied config differs from the requested one, one sentence each.
     *
     * @return the differences, empty when everything was applied as asked.
     */
    public List<String> adjustments()
    {
        return adjustments;
    }

    /**
     * Stops and closes the port and detaches its device, so the device string can be opened again.
     * Closing twice does nothing.
     *
     * @throws DpdkException when DPDK fails to close or detach; the port counts as closed anyway.
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        rxQueueCount = 0;
        txQueueCount = 0;
        NativeErrors.clearLog();
        final int result = SluiceDpdk.sluice_port_close(portId);
        release(id);
        arena.close();
        if (result < 0)
        {
            throw NativeErrors.failure("cannot close and detach " + this, result);
        }
    }

    private void requireOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /**
     * Names the port.
     *
     * @return id, name and device string.
     */
    @Override
    public String toString()
    {
        return "port " + id + " (" + name + ", '" + device + "')";
    }
}
