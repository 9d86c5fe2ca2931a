package io.sluice.bench.e2e;

import java.nio.file.Path;

/**
 * The Sluice daemon's configuration for an end-to-end point: one worker pinned to its core, its
 * port the client end of the generator's memif, one IPv4 TCP VIP 192.0.2.20:80 with {@code backends}
 * backends 172.17.0.1 onwards in the mode under test. Nothing answers ARP on the memif, so every next
 * hop is a static neighbour at the generator's MAC: the tunnel gateway 172.16.0.1 for IPIP, each
 * backend for NAT and full NAT (their backends are on-link). Full NAT sends from 172.16.0.200.
 *
 * @param mode       {@code ipip}, {@code nat} or {@code fullnat}.
 * @param backends   backends of the VIP, 1..4096.
 * @param socket     the memif socket the generator serves.
 * @param lbMac      the LB port's MAC (the generator sends to it).
 * @param genMac     the generator's MAC (every next hop's).
 * @param workerCore the worker's CPU.
 * @param mainCore   the EAL main lcore's CPU.
 * @param flowTable  flow-table capacity, a power of two.
 * @param statsFile  the stats file.
 * @param apiSocket  the API's socket.
 */
public record DaemonConfig(String mode, int backends, Path socket, String lbMac, String genMac, int workerCore, int mainCore,
    int flowTable, Path statsFile, Path apiSocket)
{
    /** The VIP every point sends to. */
    public static final String VIP = "192.0.2.20";
    /** The tunnel gateway (IPIP's next hop). */
    public static final String GATEWAY = "172.16.0.1";

    /**
     * Checks the mode and the sizes.
     */
    public DaemonConfig
    {
        if (!mode.equals("ipip") && !mode.equals("nat") && !mode.equals("fullnat"))
        {
            throw new IllegalArgumentException("mode " + mode + " is not ipip, nat or fullnat");
        }
        if (backends < 1 || backends > 4096)
        {
            throw new IllegalArgumentException("backends " + backends + " is not 1..4096");
        }
        if (Integer.bitCount(flowTable) != 1)
        {
            throw new IllegalArgumentException("flow table capacity " + flowTable + " is not a power of two");
        }
    }

    /**
     * @param index 1..backends.
     * @return the backend's address.
     */
    public static String backend(final int index)
    {
        return "172.17." + (index >> 8) + "." + (index & 0xFF);
    }

    /** @return the configuration file's text. */
    public String yaml()
    {
        final StringBuilder yaml = new StringBuilder(8192)
            .append("# Written by sluice bench e2e (bench/src/main/java/io/sluice/bench/e2e).\n")
            .append("dataplane:\n")
            .append("  device: \"net_memif0,role=client,socket=").append(socket).append(",mac=").append(lbMac).append("\"\n")
            .append("  cores: [").append(workerCore).append("]\n")
            .append("  mainCore: ").append(mainCore).append('\n')
            .append("  workerIdle: spin\n")
            .append("  flowTable: { capacity: ").append(flowTable).append(" }\n");
        return appendNetwork(yaml, mode, backends, genMac, statsFile, apiSocket).toString();
    }

    /**
     * Appends what every benchmark daemon's configuration has after its {@code dataplane} section: the
     * network (the tunnel gateway, sources, full NAT's address, static neighbours at {@code nextHopMac}),
     * the VIP 192.0.2.20:80 with its backends in the mode, the stats file and the API socket.
     *
     * @param yaml       the text so far.
     * @param mode       {@code ipip}, {@code nat} or {@code fullnat}.
     * @param backends   backends of the VIP.
     * @param nextHopMac every next hop's MAC.
     * @param statsFile  the stats file.
     * @param apiSocket  the API's socket.
     * @return {@code yaml}.
     */
    static StringBuilder appendNetwork(final StringBuilder yaml, final String mode, final int backends, final String nextHopMac,
        final Path statsFile, final Path apiSocket)
    {
        final boolean ipip = mode.equals("ipip");
        yaml.append("network:\n")
            .append("  addresses: [172.16.0.2]\n")
            .append("  gateway: { ipv4: ").append(GATEWAY).append(" }\n")
            .append("  tunnel: { sources: [172.16.0.100, 172.16.0.101, 172.16.0.102, 172.16.0.103] }\n");
        if (mode.equals("fullnat"))
        {
            yaml.append("  nat: { addresses: [172.16.0.200] }\n");
        }
        yaml.append("  neighbours:\n")
            .append("    - { address: ").append(GATEWAY).append(", mac: \"").append(nextHopMac).append("\" }\n");
        for (int i = 1; !ipip && i <= backends; i++)
        {
            yaml.append("    - { address: ").append(backend(i)).append(", mac: \"").append(nextHopMac).append("\" }\n");
        }
        yaml.append("services:\n")
            .append("  - vip: ").append(VIP).append("\n    port: 80\n    mode: ").append(mode).append('\n');
        if (!ipip)
        {
            yaml.append("    backendPort: 8080\n");
        }
        yaml.append("    backends:\n");
        for (int i = 1; i <= backends; i++)
        {
            yaml.append("      - { address: ").append(backend(i)).append(" }\n");
        }
        return yaml.append("stats:\n  file: ").append(statsFile).append('\n')
            .append("api:\n  socket: ").append(apiSocket).append('\n');
    }
}
