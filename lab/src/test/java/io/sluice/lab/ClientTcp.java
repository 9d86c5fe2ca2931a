package io.sluice.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The lab client's TCP as its kernel counts it: the {@code Tcp:} counters of {@code /proc/net/snmp}
 * in {@code sl-client} (one MIB for IPv4 and IPv6), and the states of its sockets. Linux counts a
 * segment's first transmission in {@code OutSegs} and every retransmission in {@code RetransSegs}
 * (not in {@code OutSegs}), so the segments that left the client are the sum of the two.
 *
 * @param outSegments        {@code Tcp OutSegs}: segments sent, retransmissions excluded.
 * @param retransSegments    {@code Tcp RetransSegs}: segments retransmitted.
 */
record ClientTcp(long outSegments, long retransSegments)
{
    private static final String TIME_WAIT = "06";
    private static final int STATE_COLUMN = 3;

    /**
     * Reads the client namespace's TCP counters.
     *
     * @return the counters now.
     */
    static ClientTcp read()
    {
        final String[] lines = Commands.inNamespace(LabTopology.CLIENT_NAMESPACE, "cat", "/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < lines.length; i++)
        {
            if (lines[i].startsWith("Tcp:") && lines[i + 1].startsWith("Tcp:"))
            {
                final List<String> names = List.of(lines[i].strip().split("\\s+"));
                final String[] values = lines[i + 1].strip().split("\\s+");
                return new ClientTcp(Long.parseLong(values[names.indexOf("OutSegs")]), Long.parseLong(values[names.indexOf("RetransSegs")]));
            }
        }
        throw new IllegalStateException("no Tcp counters in /proc/net/snmp of " + LabTopology.CLIENT_NAMESPACE);
    }

    /**
     * Closes every backend socket whose peer is the client ({@code ss -K}: the backend's kernel resets
     * it, sending its RST straight to the client, which has no socket to answer from). An earlier
     * test can leave such sockets behind: a connection a failover broke stays open on its first
     * backend, which retransmits its unacknowledged answer to the client for minutes, and the client's
     * RST to each retransmission goes to the VIP through the LB, where a later test counting a
     * service's packets on the same VIP would count it too.
     */
    static void resetBackendSockets()
    {
        for (final LabBackend backend : LabTopology.BACKENDS)
        {
            Commands.inNamespace(backend.namespace(), "ss", "-K", "dst", LabTopology.CLIENT_IPV4);
            Commands.inNamespace(backend.namespace(), "ss", "-K", "dst", "[" + LabTopology.CLIENT_IPV6 + "]");
        }
    }

    /**
     * Closes every client socket to a VIP ({@code ss -K}; the kernel sends the peer an RST, so call it
     * when no daemon serves those VIPs or before the service to be counted exists). An earlier test
     * can leave one behind: a connection closing when its LB was stopped keeps
     * retransmitting its FIN (FIN_WAIT1) for minutes, and the client is not quiet meanwhile.
     */
    static void resetClientSockets()
    {
        Commands.inNamespace(LabTopology.CLIENT_NAMESPACE, "ss", "-K", "dst", LabTopology.VIP_RANGE_IPV4);
        Commands.inNamespace(LabTopology.CLIENT_NAMESPACE, "ss", "-K", "dst", LabTopology.VIP_RANGE_IPV6);
    }

    /**
     * The client's TCP sockets (IPv4 and IPv6) that are neither gone nor in TIME_WAIT: while any
     * is left, the client may still send segments (a final ACK, a FIN, a retransmission).
     *
     * @return their lines of {@code /proc/net/tcp} and {@code /proc/net/tcp6}; empty when the client is quiet.
     */
    static List<String> busySockets()
    {
        final List<String> busy = new ArrayList<>();
        final String text = Commands.inNamespace(LabTopology.CLIENT_NAMESPACE, "cat", "/proc/net/tcp", "/proc/net/tcp6");
        for (final String line : text.split("\n"))
        {
            final String[] columns = line.strip().split("\\s+");
            if (columns.length > STATE_COLUMN && columns[0].endsWith(":") && !TIME_WAIT.equals(columns[STATE_COLUMN]))
            {
                busy.add(line.strip());
            }
        }
        return busy;
    }

    /**
     * The segments that left the client between an earlier reading and this one.
     *
     * @param before the earlier reading.
     * @return sent plus retransmitted segments in between.
     */
    long segmentsSince(final ClientTcp before)
    {
        return outSegments - before.outSegments + retransSegments - before.retransSegments;
    }
}
