package io.sluice.dataplane.worker;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sluice.dataplane.neighbour.NeighbourPolicy;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.ring.FlowEventRing;

/**
 * How the dataplane runs on one port: the device, one worker (RX/TX queue pair) per listed CPU,
 * buffers and table sizes. Validated on construction with messages that name the setting.
 *
 * @param device                PCI address ({@code 0000:03:00.0}) or vdev string ({@code net_af_packet0,iface=eth1}).
 * @param workerCpus            one entry per worker: the CPU it is pinned to, or -1 for unpinned.
 * @param portMac               MAC the LB answers to, or -1 for the port's own.
 * @param mbufs                 mbufs in the pool (rx rings + tx rings + bursts in flight, per worker).
 * @param rxDescriptors         RX ring size per queue.
 * @param txDescriptors         TX ring size per queue.
 * @param promiscuous           whether the port receives frames for other MACs (a VRRP virtual MAC needs it).
 * @param flowTableCapacity     flows per worker, a power of two.
 * @param minEvictionIdleNs     a flow idle this long may be evicted when its bucket is full.
 * @param burstSize             packets per RX burst.
 * @param expiryBucketsPerCycle the fewest flow-table buckets one expiry slice sweeps; slices are paced so the sweep
 *                              goes over the whole table once a second (see {@code ExpiryPacer}).
 * @param icmpTooBigPerSecond   ICMP too-big messages a worker may send per second.
 * @param neighbourCapacity     next hops the neighbour table holds (see {@link NeighbourTable}).
 * @param neighbourRequestsPerSecond ARP requests and neighbour solicitations per second at most, over all next hops.
 * @param flowEventRingCapacity bytes of each worker's flow-event ring (new flows, re-pins, closes for a sync agent), a
 *                              power of two of at least {@link FlowEventRing#MIN_CAPACITY}; 0 for none, when nothing
 *                              consumes them (a ring without a consumer would fill and count every event lost).
 * @param workerIdle            what a worker does in a cycle without work: spin (dedicated cores) or back off (shared hosts).
 * @param natFirstPort          the lowest local port full NAT takes for a flow, at least {@link #MIN_NAT_PORT}.
 * @param natLastPort           the highest local port full NAT takes for a flow, at most {@link #MAX_NAT_PORT}.
 */
public record DataplaneConfig(
    String device, List<Integer> workerCpus, long portMac, int mbufs, int rxDescriptors, int txDescriptors,
    boolean promiscuous, int flowTableCapacity, long minEvictionIdleNs, int burstSize, int expiryBucketsPerCycle,
    int icmpTooBigPerSecond, int neighbourCapacity, int neighbourRequestsPerSecond, int flowEventRingCapacity,
    WorkerIdle workerIdle, int natFirstPort, int natLastPort)
{
    /** Default flows per worker. */
    public static final int DEFAULT_FLOW_TABLE_CAPACITY = 1 << 20;
    /** mbufs each worker's lcore may hold in its mempool cache. */
    public static final int MEMPOOL_CACHE_SIZE = 256;
    /** Default burst size. */
    public static final int DEFAULT_BURST_SIZE = 32;
    /**
     * mbufs DPDK's af_xdp driver puts in each RX queue's fill ring whatever the descriptor count
     * (ETH_AF_XDP_DFLT_NUM_DESCS), and gives back only when the pool is freed.
     */
    public static final int AF_XDP_MBUFS_PER_QUEUE = 2048;
    /** The lowest local port full NAT may take (below are the well-known and commonly reserved ports). */
    public static final int MIN_NAT_PORT = 1024;
    /** The highest local port full NAT may take. */
    public static final int MAX_NAT_PORT = 65535;

    /**
     * Validates the configuration.
     *
     * @throws IllegalArgumentException naming the setting, its value and what would be valid.
     */
    public DataplaneConfig
    {
        if (device == null || device.isBlank())
        {
            throw new IllegalArgumentException("device is empty: give a PCI address or a DPDK vdev string");
        }
        workerCpus = List.copyOf(workerCpus);
        if (workerIdle == null)
        {
            throw new IllegalArgumentException("workerIdle is missing: spin or backoff");
        }
        if (workerCpus.isEmpty() || workerCpus.size() > 64)
        {
            throw new IllegalArgumentException("workers " + workerCpus.size() + " is not 1..64");
        }
        if (workerCpus.stream().filter(cpu -> cpu >= 0).distinct().count() != workerCpus.stream().filter(cpu -> cpu >= 0).count())
        {
            throw new IllegalArgumentException("worker CPUs " + workerCpus + " list a CPU twice: one worker per core");
        }
        final int perQueue = rxDescriptors + txDescriptors + 2 * burstSize + (isAfXdp(device) ? AF_XDP_MBUFS_PER_QUEUE : 0);
        final int minimumMbufs = workerCpus.size() * (perQueue + MEMPOOL_CACHE_SIZE) + 256;
        if (mbufs < minimumMbufs)
        {
            throw new IllegalArgumentException("mbufs " + mbufs + " is too few for " + workerCpus.size() +
                " workers with " + rxDescriptors + "/" + txDescriptors + " descriptors: at least " + minimumMbufs);
        }
        if (flowTableCapacity < 8 || Integer.bitCount(flowTableCapacity) != 1)
        {
            throw new IllegalArgumentException("flowTableCapacity " + flowTableCapacity + " is not a power of two >= 8");
        }
        if (burstSize < 1 || burstSize > 512)
        {
            throw new IllegalArgumentException("burstSize " + burstSize + " is not 1..512");
        }
        if (expiryBucketsPerCycle < 1)
        {
            throw new IllegalArgumentException("expiryBucketsPerCycle " + expiryBucketsPerCycle + " must be positive");
        }
        if (icmpTooBigPerSecond < 1)
        {
            throw new IllegalArgumentException("icmpTooBigPerSecond " + icmpTooBigPerSecond + " must be positive");
        }
        if (neighbourCapacity < NeighbourTable.MIN_CAPACITY || neighbourCapacity > NeighbourTable.MAX_CAPACITY)
        {
            throw new IllegalArgumentException("neighbourCapacity " + neighbourCapacity + " is not " + NeighbourTable.MIN_CAPACITY +
                ".." + NeighbourTable.MAX_CAPACITY);
        }
        if (neighbourRequestsPerSecond < 1 || neighbourRequestsPerSecond > NeighbourPolicy.MAX_REQUESTS_PER_SECOND)
        {
            throw new IllegalArgumentException("neighbourRequestsPerSecond " + neighbourRequestsPerSecond + " is not 1.." +
                NeighbourPolicy.MAX_REQUESTS_PER_SECOND);
        }
        if (flowEventRingCapacity != 0 &&
            (flowEventRingCapacity < FlowEventRing.MIN_CAPACITY || Integer.bitCount(flowEventRingCapacity) != 1))
        {
            throw new IllegalArgumentException("flowEventRingCapacity " + flowEventRingCapacity + " is neither 0 nor a power of two >= " +
                FlowEventRing.MIN_CAPACITY);
        }
        if (natFirstPort < MIN_NAT_PORT || natLastPort > MAX_NAT_PORT || natFirstPort > natLastPort)
        {
            throw new IllegalArgumentException("natPorts " + natFirstPort + ".." + natLastPort + " is not within " + MIN_NAT_PORT +
                ".." + MAX_NAT_PORT + " with the first port not above the last");
        }
    }

    /**
     * A configuration with full NAT's whole default port range.
     *
     * @throws IllegalArgumentException naming the setting, its value and what would be valid.
     */
    public DataplaneConfig(
        final String device, final List<Integer> workerCpus, final long portMac, final int mbufs, final int rxDescriptors,
        final int txDescriptors, final boolean promiscuous, final int flowTableCapacity, final long minEvictionIdleNs,
        final int burstSize, final int expiryBucketsPerCycle, final int icmpTooBigPerSecond, final int neighbourCapacity,
        final int neighbourRequestsPerSecond, final int flowEventRingCapacity, final WorkerIdle workerIdle)
    {
        this(device, workerCpus, portMac, mbufs, rxDescriptors, txDescriptors, promiscuous, flowTableCapacity, minEvictionIdleNs,
            burstSize, expiryBucketsPerCycle, icmpTooBigPerSecond, neighbourCapacity, neighbourRequestsPerSecond,
            flowEventRingCapacity, workerIdle, MIN_NAT_PORT, MAX_NAT_PORT);
    }

    /**
     * A configuration without flow events.
     *
     * @throws IllegalArgumentException naming the setting, its value and what would be valid.
     */
    public DataplaneConfig(
        final String device, final List<Integer> workerCpus, final long portMac, final int mbufs, final int rxDescriptors,
        final int txDescriptors, final boolean promiscuous, final int flowTableCapacity, final long minEvictionIdleNs,
        final int burstSize, final int expiryBucketsPerCycle, final int icmpTooBigPerSecond, final int neighbourCapacity,
        final int neighbourRequestsPerSecond)
    {
        this(device, workerCpus, portMac, mbufs, rxDescriptors, txDescriptors, promiscuous, flowTableCapacity, minEvictionIdleNs,
            burstSize, expiryBucketsPerCycle, icmpTooBigPerSecond, neighbourCapacity, neighbourRequestsPerSecond, 0, WorkerIdle.SPIN);
    }

    /**
     * A configuration with the default neighbour table size and request rate.
     *
     * @throws IllegalArgumentException naming the setting, its value and what would be valid.
     */
    public DataplaneConfig(
        final String device, final List<Integer> workerCpus, final long portMac, final int mbufs, final int rxDescriptors,
        final int txDescriptors, final boolean promiscuous, final int flowTableCapacity, final long minEvictionIdleNs,
        final int burstSize, final int expiryBucketsPerCycle, final int icmpTooBigPerSecond)
    {
        this(device, workerCpus, portMac, mbufs, rxDescriptors, txDescriptors, promiscuous, flowTableCapacity, minEvictionIdleNs,
            burstSize, expiryBucketsPerCycle, icmpTooBigPerSecond, NeighbourTable.DEFAULT_CAPACITY,
            NeighbourPolicy.DEFAULT_REQUESTS_PER_SECOND);
    }

    /**
     * A configuration with production defaults for a device and worker CPUs.
     *
     * @return the configuration.
     */
    public static DataplaneConfig of(final String device, final List<Integer> workerCpus)
    {
        final int workers = workerCpus.size();
        final int perQueue = 1024 + 1024 + 2 * DEFAULT_BURST_SIZE + (isAfXdp(device) ? AF_XDP_MBUFS_PER_QUEUE : 0);
        return new DataplaneConfig(device, workerCpus, -1, workers * (perQueue + MEMPOOL_CACHE_SIZE) + 4096, 1024, 1024, true,
            DEFAULT_FLOW_TABLE_CAPACITY, TimeUnit.SECONDS.toNanos(1), DEFAULT_BURST_SIZE, 16, 1000);
    }

    /** @return a copy with another flow-table capacity. */
    public DataplaneConfig withFlowTableCapacity(final int capacity)
    {
        final Copy copy = new Copy(this);
        copy.flowTableCapacity = capacity;
        return copy.build();
    }

    /** @return a copy with a MAC to answer to instead of the port's own. */
    public DataplaneConfig withPortMac(final long mac)
    {
        final Copy copy = new Copy(this);
        copy.portMac = mac;
        return copy.build();
    }

    /** @return a copy with another neighbour table size and request rate cap. */
    public DataplaneConfig withNeighbours(final int capacity, final int requestsPerSecond)
    {
        final Copy copy = new Copy(this);
        copy.neighbourCapacity = capacity;
        copy.neighbourRequestsPerSecond = requestsPerSecond;
        return copy.build();
    }

    /**
     * @param capacity bytes of each worker's flow-event ring, or 0 for none.
     * @return a copy with flow events on (or off).
     */
    public DataplaneConfig withFlowEvents(final int capacity)
    {
        final Copy copy = new Copy(this);
        copy.flowEventRingCapacity = capacity;
        return copy.build();
    }

    /**
     * A copy with another port range for full NAT.
     *
     * @param first the lowest local port a full-NAT flow may take, at least {@link #MIN_NAT_PORT}.
     * @param last  the highest, at most {@link #MAX_NAT_PORT} and not below {@code first}.
     * @return the copy.
     * @throws IllegalArgumentException when the range is not within 1024..65535 or is empty.
     */
    public DataplaneConfig withNatPorts(final int first, final int last)
    {
        final Copy copy = new Copy(this);
        copy.natFirstPort = first;
        copy.natLastPort = last;
        return copy.build();
    }

    private static boolean isAfXdp(final String device)
    {
        return device != null && device.startsWith("net_af_xdp");
    }

    /** @return the number of workers. */
    public int workers()
    {
        return workerCpus.size();
    }

    /**
     * A copy with another idle strategy for the workers.
     *
     * @param idle spin (dedicated cores) or back off (shared hosts).
     * @return the copy.
     */
    public DataplaneConfig withWorkerIdle(final WorkerIdle idle)
    {
        final Copy copy = new Copy(this);
        copy.workerIdle = idle;
        return copy.build();
    }

    /**
     * The components of a configuration, to change some and build a new one: the only place a
     * {@code withXxx} copy names every component, so that a new component is copied once, here.
     */
    private static final class Copy
    {
        private final String device;
        private final List<Integer> workerCpus;
        private long portMac;
        private final int mbufs;
        private final int rxDescriptors;
        private final int txDescriptors;
        private final boolean promiscuous;
        private int flowTableCapacity;
        private final long minEvictionIdleNs;
        private final int burstSize;
        private final int expiryBucketsPerCycle;
        private final int icmpTooBigPerSecond;
        private int neighbourCapacity;
        private int neighbourRequestsPerSecond;
        private int flowEventRingCapacity;
        private WorkerIdle workerIdle;
        private int natFirstPort;
        private int natLastPort;

        private Copy(final DataplaneConfig config)
        {
            device = config.device;
            workerCpus = config.workerCpus;
            portMac = config.portMac;
            mbufs = config.mbufs;
            rxDescriptors = config.rxDescriptors;
            txDescriptors = config.txDescriptors;
            promiscuous = config.promiscuous;
            flowTableCapacity = config.flowTableCapacity;
            minEvictionIdleNs = config.minEvictionIdleNs;
            burstSize = config.burstSize;
            expiryBucketsPerCycle = config.expiryBucketsPerCycle;
            icmpTooBigPerSecond = config.icmpTooBigPerSecond;
            neighbourCapacity = config.neighbourCapacity;
            neighbourRequestsPerSecond = config.neighbourRequestsPerSecond;
            flowEventRingCapacity = config.flowEventRingCapacity;
            workerIdle = config.workerIdle;
            natFirstPort = config.natFirstPort;
            natLastPort = config.natLastPort;
        }

        /** Validated as any configuration is. */
        private DataplaneConfig build()
        {
            return new DataplaneConfig(device, workerCpus, portMac, mbufs, rxDescriptors, txDescriptors, promiscuous,
                flowTableCapacity, minEvictionIdleNs, burstSize, expiryBucketsPerCycle, icmpTooBigPerSecond, neighbourCapacity,
                neighbourRequestsPerSecond, flowEventRingCapacity, workerIdle, natFirstPort, natLastPort);
        }
    }
}
