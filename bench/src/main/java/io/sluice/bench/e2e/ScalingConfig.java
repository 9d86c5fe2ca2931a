package io.sluice.bench.e2e;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/**
 * The Sluice daemon's configuration for {@code sluice bench scaling}: one worker per listed core, its
 * port a DPDK {@code net_pcap} device replaying one pcap file per worker's receive queue forever
 * ({@code infinite_rx=1}; with no {@code tx_pcap} or {@code tx_iface} the device offers one TX queue
 * per RX queue and frees what is sent to it, its {@code tx_drop}), one IPv4 TCP VIP 192.0.2.20:80 in
 * IPIP mode with {@code backends} backends through the gateway 172.16.0.1, a static neighbour at
 * {@code nextHopMac}. The port answers to {@code lbMac} ({@code dataplane.mac}: net_pcap's own MAC is
 * 02:70:63:61:70:nn), the destination of every frame in the files.
 *
 * @param cores      the workers' CPUs, one per pcap file, distinct.
 * @param mainCore   the EAL main lcore's CPU (the daemon's control threads start there).
 * @param pcaps      one file per worker: queue i replays file i.
 * @param lbMac      the MAC the LB answers to.
 * @param nextHopMac the gateway's MAC.
 * @param backends   backends of the VIP, 1..4096.
 * @param flowTable  flow-table capacity per worker, a power of two.
 * @param mbufs      mbufs in the pool: net_pcap keeps a copy of every frame of its files in mbufs of this pool.
 * @param statsFile  the stats file.
 * @param apiSocket  the API's socket.
 */
public record ScalingConfig(List<Integer> cores, int mainCore, List<Path> pcaps, String lbMac, String nextHopMac, int backends,
    int flowTable, int mbufs, Path statsFile, Path apiSocket)
{
    /** Descriptors per RX and per TX queue (the daemon's default). */
    public static final int DESCRIPTORS = 1024;
    /** Packets per RX burst (the daemon's default). */
    public static final int BURST = 32;

    /**
     * Checks the lists and sizes.
     */
    public ScalingConfig
    {
        cores = List.copyOf(cores);
        pcaps = List.copyOf(pcaps);
        if (cores.isEmpty() || cores.size() > ScalingFrames.MAX_QUEUES)
        {
            throw new IllegalArgumentException(cores.size() + " worker cores: 1.." + ScalingFrames.MAX_QUEUES + " (net_pcap's queues)");
        }
        if (new HashSet<>(cores).size() != cores.size())
        {
            throw new IllegalArgumentException("worker cores " + cores + " are not distinct");
        }
        if (pcaps.size() != cores.size())
        {
            throw new IllegalArgumentException(pcaps.size() + " pcap files for " + cores.size() + " workers: one each");
        }
        for (final Path pcap : pcaps)
        {
            final String text = pcap.toString();
            if (text.contains(",") || text.contains("\"") || text.contains("=") || text.contains("\n"))
            {
                throw new IllegalArgumentException("pcap path " + text + " holds a character a device string cannot carry");
            }
        }
        if (backends < 1 || backends > 4096)
        {
            throw new IllegalArgumentException("backends " + backends + " is not 1..4096");
        }
        if (Integer.bitCount(flowTable) != 1)
        {
            throw new IllegalArgumentException("flow table capacity " + flowTable + " is not a power of two");
        }
        if (mbufs < minimumMbufs(cores.size(), 0))
        {
            throw new IllegalArgumentException("mbufs " + mbufs + " is below " + minimumMbufs(cores.size(), 0));
        }
    }

    /**
     * The mbufs a daemon needs: the daemon's {@code auto} figure for this many workers (their
     * descriptors, bursts and cache, plus 4096) and one per frame of the pcap files, which net_pcap
     * holds in the pool for as long as the port is open.
     *
     * @param workers workers.
     * @param frames  frames in all the pcap files.
     * @return the mbufs.
     */
    public static int minimumMbufs(final int workers, final long frames)
    {
        final long mbufs = (long)workers * (DESCRIPTORS + DESCRIPTORS + 2L * BURST + 256) + 4096 + frames;
        return (int)Math.min(Integer.MAX_VALUE, mbufs);
    }

    /** @return the DPDK device string: {@code net_pcap0,rx_pcap=F0[,rx_pcap=F1...],infinite_rx=1}. */
    public String device()
    {
        return device(pcaps);
    }

    /**
     * @param pcaps one file per receive queue.
     * @return the DPDK device string replaying them forever: the daemon's, and testpmd's for its ceiling.
     */
    public static String device(final List<Path> pcaps)
    {
        final StringBuilder device = new StringBuilder("net_pcap0");
        for (final Path pcap : pcaps)
        {
            device.append(",rx_pcap=").append(pcap);
        }
        return device.append(",infinite_rx=1").toString();
    }

    /** @return the configuration file's text. */
    public String yaml()
    {
        final StringBuilder yaml = new StringBuilder(8192)
            .append("# Written by sluice bench scaling (bench/src/main/java/io/sluice/bench/e2e).\n")
            .append("dataplane:\n")
            .append("  device: \"").append(device()).append("\"\n")
            .append("  cores: ").append(cores.toString()).append('\n')
            .append("  mainCore: ").append(mainCore).append('\n')
            .append("  mac: \"").append(lbMac).append("\"\n")
            .append("  workerIdle: spin\n")
            .append("  mbufs: ").append(mbufs).append('\n')
            .append("  flowTable: { capacity: ").append(flowTable).append(" }\n");
        return DaemonConfig.appendNetwork(yaml, "ipip", backends, nextHopMac, statsFile, apiSocket).toString();
    }
}
