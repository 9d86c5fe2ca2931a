package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.packet.NetworkOrder;

import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_IPV4;
import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_IPV6;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_TCP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_UDP;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;

/**
 * What a worker learns of a received burst before it processes any packet of it, with a flow table
 * too large for the caches ({@code PREFETCH_MIN_TABLE_BYTES} and up): the flow
 * hash of each frame (its hint), and the table lines the burst's lookups will read, loaded ahead.
 * With a smaller table the passes do nothing but clear the frame's hint, and the worker does not
 * run them. The {@link FlowTracker} owns one and runs its passes.
 * <p>
 * The passes only read: nothing is written to a frame, counted or decided. A frame that is not of
 * the common shape (untagged Ethernet, IPv4 without fragmentation or IPv6 without extension
 * headers, TCP or UDP) gets no hint and is hashed when processed. An IPv4 hint keeps the frame's
 * addresses, ports and protocol beside the hash, and {@link #hash} gives it only to a packet of
 * that same flow, so a hint can never send a packet by another flow's hash.
 * <pre>
 *   hints, 4 longs per frame:  [ hash | src << 32 | dst | protocol << 32 | ports | unused ]
 * </pre>
 */
final class BurstHints
{
    /** Most frames of one burst the passes keep hints for. */
    static final int MAX_BURST = 512;

    /**
     * Flow tables from this size up get their lookups loaded a burst ahead: half the last-level cache
     * of the benchmark machine's EPYC (32 MiB), which the table shares with the packets, the other
     * workers of the CCX and, on a shared host, other processes. A 100K-flow table (262,144 slots,
     * 18 MiB) read 197-212 ns of CPU per packet without the passes and 91-92 ns with them
     * ({@code ScaleCpuProbe flows 100000}, two rounds each, 2026-12-06), when the threshold was
     * 32 MiB and it missed them; a 4.5 MiB table, below either, stays in the L2 / L3 cache, where
     * the passes cost more than they save (bench/README.md, "What limits these figures").
     */
    static final long PREFETCH_MIN_TABLE_BYTES = 16L * 1024 * 1024;

    private static final int IPV4_TCP_UDP_MIN = 14 + 20 + 4;
    private static final int IPV6_TCP_UDP_MIN = 14 + 40 + 4;
    private static final int SHIFT = 2;
    private static final int ADDRESSES = 1;
    private static final int PORTS = 2;
    private static final long NO_IPV4_FLOW = -1L;

    private final FlowTable flowTable;
    private final boolean prefetchTable;
    private final FlowKey ipv6Key = new FlowKey();
    private final long[] hints = new long[MAX_BURST << SHIFT];
    private final long[] slotLines = new long[MAX_BURST];
    private long sink;

    BurstHints(final FlowTable flowTable)
    {
        this.flowTable = flowTable;
        this.prefetchTable = flowTable.byteSize() >= PREFETCH_MIN_TABLE_BYTES;
    }

    /** @return whether the passes do anything: the table is large enough for its lines to be loaded ahead. */
    boolean enabled()
    {
        return prefetchTable;
    }

    /** The first pass, per frame: its flow hash, see {@link PacketPipeline#prefetchFlow}. */
    void onFrame(final int index, final long frameAddress, final int frameLength)
    {
        final int at = index << SHIFT;
        if (!prefetchTable)
        {
            hints[at] = 0;
            return;
        }
        long hash = 0;
        if (frameLength >= IPV4_TCP_UDP_MIN)
        {
            final int etherType = getU16(frameAddress + 12);
            final long l3 = frameAddress + 14;
            if (etherType == ETHER_TYPE_IPV4)
            {
                final int versionIhl = NetworkOrder.getU8(l3);
                final int headerLength = (versionIhl & 0xF) << 2;
                final int protocol = NetworkOrder.getU8(l3 + 9);
                if ((versionIhl >>> 4) == 4 && headerLength >= 20 && frameLength >= 14 + headerLength + 4 &&
                    (protocol == PROTOCOL_TCP || protocol == PROTOCOL_UDP) && (getU16(l3 + 6) & 0x3FFF) == 0)
                {
                    final int src = NetworkOrder.getI32(l3 + 12);
                    final int dst = NetworkOrder.getI32(l3 + 16);
                    final int ports = NetworkOrder.getI32(l3 + headerLength);
                    hash = FlowKey.hashIpv4(src, dst, ports >>> 16, ports & 0xFFFF, protocol);
                    hints[at + ADDRESSES] = addressesWord(src, dst);
                    hints[at + PORTS] = portsWord(ports, protocol);
                }
            }
            else if (etherType == ETHER_TYPE_IPV6 && frameLength >= IPV6_TCP_UDP_MIN)
            {
                hash = ipv6Hash(at, l3);
            }
        }
        hints[at] = hash;
    }

    /** The IPv6 half of {@link #onFrame}, apart so that the IPv4 half stays small enough to inline. */
    private long ipv6Hash(final int at, final long l3)
    {
        final int protocol = NetworkOrder.getU8(l3 + 6);
        if ((NetworkOrder.getU8(l3) >>> 4) != 6 || (protocol != PROTOCOL_TCP && protocol != PROTOCOL_UDP))
        {
            return 0;
        }
        final long l4 = l3 + 40;
        hints[at + PORTS] = NO_IPV4_FLOW;
        return ipv6Key.setIpv6(NetworkOrder.getI64(l3 + 8), NetworkOrder.getI64(l3 + 16), NetworkOrder.getI64(l3 + 24),
            NetworkOrder.getI64(l3 + 32), getU16(l4), getU16(l4 + 2), protocol).hash();
    }

    /** @return the hash the first pass left for a frame, or 0. */
    long hint(final int index)
    {
        return hints[index << SHIFT];
    }

    /**
     * The flow hash of an IPv4 packet: its hint when the first pass left one for this very flow at
     * this index, else computed.
     *
     * @param index the frame's position in the burst, or -1 for a frame without a first pass.
     */
    long hash(final int index, final int src, final int dst, final int ports, final int protocol)
    {
        if (index >= 0)
        {
            final int at = index << SHIFT;
            final long hash = hints[at];
            if (hash != 0 && hints[at + ADDRESSES] == addressesWord(src, dst) &&
                hints[at + PORTS] == portsWord(ports, protocol))
            {
                return hash;
            }
        }
        return FlowKey.hashIpv4(src, dst, ports >>> 16, ports & 0xFFFF, protocol);
    }

    /** The second pass, over the burst: see {@link PacketPipeline#prefetchFlowSlots}. */
    void prefetchFlowSlots(final int count, final long nowNs)
    {
        if (!prefetchTable)
        {
            return;
        }
        long sum = sink;
        for (int i = 0; i < count; i++)
        {
            final long hash = hints[i << SHIFT];
            if (hash != 0)
            {
                sum += flowTable.touchBucket(hash);
            }
        }
        for (int i = 0; i < count; i++)
        {
            final long hash = hints[i << SHIFT];
            slotLines[i] = hash != 0 ? flowTable.slotLine(hash, nowNs) : -1;
        }
        for (int i = 0; i < count; i++)
        {
            final long line = slotLines[i];
            if (line >= 0)
            {
                sum += flowTable.touchLine(line);
            }
        }
        sink = sum;
    }

    private static long addressesWord(final int src, final int dst)
    {
        return ((long)src << 32) | (dst & 0xFFFF_FFFFL);
    }

    private static long portsWord(final int ports, final int protocol)
    {
        return ((long)protocol << 32) | (ports & 0xFFFF_FFFFL);
    }
}
