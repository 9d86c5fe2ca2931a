package io.sluice.controlplane.config;

import java.util.ArrayList;
import java.util.List;

import io.sluice.dataplane.worker.DataplaneConfig;
import io.sluice.dataplane.worker.WorkerIdle;

/**
 * The {@code dataplane:} section: what EAL and the port are started with. Changing any of it needs
 * a restart of the daemon (a reload says so and leaves it as it runs).
 *
 * @param device                PCI address or DPDK vdev string.
 * @param workerCpus            one entry per worker: its CPU, or -1 for an unpinned worker.
 * @param mainCore              the EAL main lcore.
 * @param ealArguments          extra EAL arguments.
 * @param mac                   MAC the LB answers to, or -1 for the port's own.
 * @param promiscuous           whether the port receives frames for other MACs.
 * @param mbufs                 mbufs in the pool (already resolved when the file said {@code auto}).
 * @param burst                 packets per RX burst.
 * @param rxDescriptors         RX ring size per queue.
 * @param txDescriptors         TX ring size per queue.
 * @param flowTableCapacity     flows per worker, a power of two.
 * @param minEvictionIdleNs     a flow idle this long may be evicted when its bucket is full.
 * @param icmpTooBigPerSecond   ICMP too-big messages each worker may send per second.
 * @param neighbourCapacity     next hops (backends on-link, gateways, static neighbours) the neighbour table holds.
 * @param neighbourRequestRate  ARP requests / neighbour solicitations per second at most, over all next hops.
 * @param workerIdle            what a worker does in a cycle without work: spin (dedicated cores, the default) or back
 *                              off (a host shared with other work).
 * @param natFirstPort          the lowest local port a full-NAT flow takes ({@code natPorts.first}).
 * @param natLastPort           the highest local port a full-NAT flow takes ({@code natPorts.last}).
 */
public record DataplaneSection(
    String device, List<Integer> workerCpus, int mainCore, List<String> ealArguments, long mac, boolean promiscuous,
    int mbufs, int burst, int rxDescriptors, int txDescriptors, int flowTableCapacity, long minEvictionIdleNs,
    int icmpTooBigPerSecond, int neighbourCapacity, int neighbourRequestRate, WorkerIdle workerIdle, int natFirstPort,
    int natLastPort)
{
    /** Flow-table buckets each worker sweeps per duty cycle. */
    public static final int EXPIRY_BUCKETS_PER_CYCLE = 16;

    /**
     * Copies the lists.
     */
    public DataplaneSection
    {
        workerCpus = List.copyOf(workerCpus);
        ealArguments = List.copyOf(ealArguments);
    }

    /**
     * The mbufs a pool needs for these workers, descriptors and bursts, with room to spare: what
     * {@code mbufs: auto} means.
     *
     * @return the mbuf count.
     */
    public static int autoMbufs(
        final String device, final int workers, final int rxDescriptors, final int txDescriptors, final int burst)
    {
        final int afXdp = device.startsWith("net_af_xdp") ? DataplaneConfig.AF_XDP_MBUFS_PER_QUEUE : 0;
        return workers * (rxDescriptors + txDescriptors + 2 * burst + afXdp + DataplaneConfig.MEMPOOL_CACHE_SIZE) + 4096;
    }

    /**
     * The fewest mbufs the dataplane accepts for these workers, descriptors and bursts.
     *
     * @return the minimum mbuf count.
     */
    public static int minimumMbufs(
        final String device, final int workers, final int rxDescriptors, final int txDescriptors, final int burst)
    {
        final int afXdp = device.startsWith("net_af_xdp") ? DataplaneConfig.AF_XDP_MBUFS_PER_QUEUE : 0;
        return workers * (rxDescriptors + txDescriptors + 2 * burst + afXdp + DataplaneConfig.MEMPOOL_CACHE_SIZE) + 256;
    }

    /**
     * Whether the device is a PCI address rather than a vdev string.
     *
     * @return true for a NIC.
     */
    public boolean isPci()
    {
        return DeviceNames.isPci(device);
    }

    /**
     * The EAL arguments the daemon starts DPDK with: {@code --in-memory --no-telemetry -l MAIN}, then
     * {@code -a DEVICE} for a NIC or {@code --no-pci} for a vdev, then the configured extra ones.
     *
     * @return the arguments, without a program name.
     */
    public List<String> eal()
    {
        final List<String> arguments = new ArrayList<>(List.of("--in-memory", "--no-telemetry", "-l", Integer.toString(mainCore)));
        if (isPci())
        {
            arguments.add("-a");
            arguments.add(device);
        }
        else
        {
            arguments.add("--no-pci");
        }
        arguments.addAll(ealArguments);
        return arguments;
    }

    /**
     * The dataplane's form of this section.
     *
     * @return the configuration {@code Dataplane.start} takes.
     * @throws IllegalArgumentException when the dataplane refuses a value (the loader checks them all first).
     */
    public DataplaneConfig toDataplaneConfig()
    {
        return new DataplaneConfig(device, workerCpus, mac, mbufs, rxDescriptors, txDescriptors, promiscuous,
            flowTableCapacity, minEvictionIdleNs, burst, EXPIRY_BUCKETS_PER_CYCLE, icmpTooBigPerSecond, neighbourCapacity,
            neighbourRequestRate, 0, workerIdle, natFirstPort, natLastPort);
    }

    /**
     * The number of workers.
     *
     * @return one per entry of {@link #workerCpus()}.
     */
    public int workers()
    {
        return workerCpus.size();
    }
}
