package io.sluice.bench.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.flow.HugePageMemory;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.TrafficStats;

import static io.sluice.bench.pipeline.PipelineFixture.BUFFER_LENGTH;
import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;
import static io.sluice.bench.pipeline.PipelineFixture.HEADROOM;
import static io.sluice.bench.pipeline.TcpFrameEncoder.FRAME_LENGTH;

/**
 * The floor the pipeline benchmarks are measured against: the least work that forwarding the
 * benchmarks' packets takes, written as tightly as Java over {@code MemorySegment} allows, for the
 * one configuration of {@link PipelineFixture} and nothing else. It is the one deliberate copy
 * of the packet path: not part of Sluice, and nothing but {@link IpipFloorBenchmark} and its test
 * runs it; it is kept equal to the pipeline by {@code FloorPipelineTest}, which is its purpose.
 * <p>
 * For an IPv4 TCP packet to the fixture's VIP it does what {@code PacketPipeline} does and
 * nothing more: the header checks that decide whether the packet can be forwarded (destination
 * MAC, EtherType, version and header length, fragment bits, total length, protocol, TCP data
 * offset, TTL), the comparison with the one VIP, the flow hash ({@code FlowKey.hashIpv4}), the
 * lookup in a flow table of the same layout as {@code FlowTable} (bucket header of tags and
 * expiry ticks, 64-byte slot lines; tag, then key, then idle check, then touch; on 2 MiB pages from
 * {@code HugePageMemory} as {@code FlowTable}'s), for a new flow the Maglev pick (the fixture's own
 * table, copied into a {@code char} array as {@code MaglevTable} holds it) and the insert into a
 * free, then expired, then stalest way, the IPIP encapsulation (outer Ethernet and IPv4 header with its
 * checksum, inner TTL less one with the checksum patched), and the counters the worker keeps:
 * received, forwarded, flow hits and new flows, per-service and per-backend packets, bytes and new
 * flows, and per-backend active flows.
 * <p>
 * What it leaves out is what makes the pipeline a load balancer rather than a benchmark: any other
 * VIP, protocol, forwarding mode, scheduler or address family; service snapshots and their
 * replacement, with the check on every hit that the flow's backend is still in the service; the
 * next hop's MAC from the neighbour table (here a constant); ICMP; the general parser; drop
 * reasons. Each of these makes the floor lower, never higher, than the least a load balancer
 * needs. Its packets and its output are those of the pipeline, byte for byte, and so are its flow
 * outcomes and counters: {@code FloorPipelineTest} runs both on the same frames and compares them.
 * Like the pipeline with a table of this size, it has no prefetch pass. Single threaded.
 */
public final class FloorPipeline implements AutoCloseable
{
    private static final MemorySegment ALL = PipelineFixture.memory();
    private static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final int BUCKET_LENGTH = FlowTable.BUCKET_LENGTH;
    private static final int TICK_SHIFT = FlowTable.TICK_SHIFT;
    private static final long TICK_ROUNDING = (1L << TICK_SHIFT) - 1;
    private static final int EXPIRY_TICKS = 32;
    private static final int KEY_SRC_HI = 0;
    private static final int KEY_SRC_LO = 8;
    private static final int KEY_DST_HI = 16;
    private static final int KEY_DST_LO = 24;
    private static final int KEY_TUPLE = 32;
    private static final int BACKEND = 40;
    private static final int FLAGS = 44;
    private static final int LAST_SEEN = 48;
    private static final int IDLE_TIMEOUT = 56;
    private static final long IPV4_MAPPED = 0xFFFF_0000_0000L;
    private static final int IPIP_OVERHEAD = 20;
    private static final int MIN_FRAME = 14 + 20 + 20;

    /** Counters: packets received. */
    public static final int RX_PACKETS = 0;
    /** Counters: bytes received. */
    public static final int RX_BYTES = 1;
    /** Counters: packets forwarded. */
    public static final int FORWARDED = 2;
    /** Counters: flow-table hits. */
    public static final int FLOW_HITS = 3;
    /** Counters: flows inserted. */
    public static final int FLOW_NEW = 4;
    /** Counters: packets not forwarded. */
    public static final int NOT_FORWARDED = 5;

    private final Arena arena = Arena.ofShared();
    private final long buffers;
    private final long table;
    private final int bucketMask;
    private final long idleTimeoutNs;
    private final long minEvictionIdleNs;
    private final long portMac;
    private final int mtu;
    private final int outerTtlProtocol;
    private final long closingTimeoutNs;
    private final long gatewayMac;
    private final int vip;
    private final int vipPort;
    private final int maglevSize;
    private final char[] maglevSlots;
    private final int[] backendAddress;
    private final int[] tunnelSources;
    private final long[] counters = new long[6];
    private final long[] serviceStats = new long[TrafficStats.NEW_FLOWS + 1];
    private final long[] backendStats;
    private final int[] activeFlows;
    private final int[] dataOffset = new int[BURST_SIZE];
    private final int[] dataLength = new int[BURST_SIZE];
    private long nowNs;

    /**
     * Takes the configuration of a fixture's snapshot: its one service (VIP, port, backends and
     * their Maglev table) and tunnel sources.
     *
     * @param snapshot          the fixture's snapshot, one IPv4 TCP IPIP service with IPv4 backends.
     * @param capacity          flow table capacity, a power of two of at least 8.
     * @param minEvictionIdleNs how long the stalest flow of a full bucket must be idle to be evicted.
     */
    public FloorPipeline(
        final ServiceSnapshot snapshot, final int capacity, final long minEvictionIdleNs)
    {
        final Service service = snapshot.serviceAt(0);
        final MaglevTable maglev = service.maglev();
        maglevSize = maglev.size();
        maglevSlots = new char[maglevSize];
        for (int slot = 0; slot < maglevSize; slot++)
        {
            maglevSlots[slot] = (char)(maglev.backendIndexAt(slot) + 1);
        }
        backendAddress = new int[service.backendCount()];
        for (int i = 0; i < backendAddress.length; i++)
        {
            backendAddress[i] = (int)service.backend(i).addressLo();
        }
        backendStats = new long[3 * backendAddress.length];
        activeFlows = new int[backendAddress.length];
        tunnelSources = new int[snapshot.tunnelSourceCountIpv4()];
        for (int i = 0; i < tunnelSources.length; i++)
        {
            tunnelSources[i] = snapshot.tunnelSourceIpv4(i);
        }
        mtu = snapshot.settings().mtu();
        outerTtlProtocol = (snapshot.settings().outerTtl() << 8) | 4;
        closingTimeoutNs = snapshot.settings().tcpClosingTimeoutNs();
        vip = (int)service.vipLo();
        vipPort = service.port();
        portMac = PipelineFixture.PORT_MAC;
        gatewayMac = PipelineFixture.ROUTER_MAC;
        idleTimeoutNs = service.tcpIdleTimeoutNs();
        this.minEvictionIdleNs = minEvictionIdleNs;
        bucketMask = capacity / FlowTable.SLOTS_PER_BUCKET - 1;
        final long tableBytes = (long)(bucketMask + 1) * BUCKET_LENGTH;
        table = (tableBytes >= HugePageMemory.HUGE_PAGE_SIZE ?
            HugePageMemory.allocate(arena, tableBytes) : arena.allocate(tableBytes, 64)).address();
        buffers = arena.allocate((long)BURST_SIZE * BUFFER_LENGTH, 64).address();
    }

    /**
     * Starts a burst.
     *
     * @param nowNs the clock.
     */
    public void begin(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    /**
     * Copies a frame into buffer {@code index} behind the headroom, as {@link PipelineFixture#receive} does.
     *
     * @param index        the buffer.
     * @param frameAddress the frame, {@link TcpFrameEncoder#FRAME_LENGTH} bytes.
     * @return the address of the received frame.
     */
    public long receive(final int index, final long frameAddress)
    {
        final long frame = buffers + (long)index * BUFFER_LENGTH + HEADROOM;
        MemorySegment.copy(ALL, frameAddress, ALL, frame, FRAME_LENGTH);
        dataOffset[index] = HEADROOM;
        dataLength[index] = FRAME_LENGTH;
        return frame;
    }

    /**
     * Forwards the frame in buffer {@code index}.
     *
     * @param index the buffer.
     * @return 1 when forwarded (the buffer holds the IPIP packet), 0 when not.
     */
    public int process(final int index)
    {
        final int length = dataLength[index];
        final long start = buffers + (long)index * BUFFER_LENGTH + dataOffset[index];
        counters[RX_PACKETS]++;
        counters[RX_BYTES] += length;
        final int forwarded = forward(index, start, length);
        counters[forwarded == 1 ? FORWARDED : NOT_FORWARDED]++;
        return forwarded;
    }

    private int forward(final int index, final long start, final int length)
    {
        if (length < MIN_FRAME)
        {
            return 0;
        }
        final long ethernet = ALL.get(BE64, start);
        final long w0 = ALL.get(BE64, start + 14);
        final long w1 = ALL.get(BE64, start + 22);
        final long w2 = ALL.get(BE64, start + 30);
        final long tcp = ALL.get(BE64, start + 40);
        final int totalLength = (int)(w0 >>> 32) & 0xFFFF;
        if ((ethernet >>> 16) != portMac || ALL.get(BE16, start + 12) != 0x0800 || (w0 >>> 56) != 0x45 ||
            (w0 & 0x3FFF) != 0 || totalLength > length - 14 || ((int)(w1 >>> 48) & 0xFF) != 6 || (w1 >>> 56) <= 1)
        {
            return 0;
        }
        final int dataOffsetBytes = ((int)(tcp >>> 12) & 0xF) << 2;
        final int dst = (int)(w2 >>> 32);
        final int ports = (int)w2;
        if (dataOffsetBytes < 20 || dataOffsetBytes > totalLength - 20 || dst != vip || (ports & 0xFFFF) != vipPort ||
            totalLength + IPIP_OVERHEAD > mtu || dataOffset[index] < IPIP_OVERHEAD)
        {
            return 0;
        }
        final int src = (int)w1;
        final long hash = FlowKey.hashIpv4(src, dst, ports >>> 16, ports & 0xFFFF, 6);
        final long srcLo = IPV4_MAPPED | (src & 0xFFFF_FFFFL);
        final long dstLo = IPV4_MAPPED | (dst & 0xFFFF_FFFFL);
        final long tuple = ((long)(ports >>> 16) << 48) | ((long)(ports & 0xFFFF) << 32) | (6L << 8);
        final int backend = backendOf(hash, srcLo, dstLo, tuple, (int)tcp & 0x05);
        if (backend < 0)
        {
            return 0;
        }
        final int destination = backendAddress[backend];

        final int oldTtlWord = (int)(w1 >>> 48) & 0xFFFF;
        final int newTtlWord = oldTtlWord - 0x100;
        ALL.set(BE32, start + 22, (newTtlWord << 16) | Checksums.finishSmall((~(int)(w1 >>> 32) & 0xFFFF) + (~oldTtlWord & 0xFFFF) + newTtlWord));
        final long frame = start - IPIP_OVERHEAD;
        ALL.set(BE64, frame, (gatewayMac << 16) | (portMac >>> 32));
        ALL.set(BE32, frame + 8, (int)portMac);
        ALL.set(BE16, frame + 12, (short)0x0800);
        final int tos = (int)(w0 >>> 48) & 0xFF;
        final int outerLength = totalLength + IPIP_OVERHEAD;
        final int source = tunnelSources[(int)(((hash & 0xFFFF_FFFFL) * tunnelSources.length) >>> 32)];
        final int sum = 0x4500 + tos + outerLength + 0x4000 + outerTtlProtocol + (source >>> 16) + (source & 0xFFFF) +
            (destination >>> 16) + (destination & 0xFFFF);
        ALL.set(BE64, frame + 14, ((0x4500L | tos) << 48) | ((long)outerLength << 32) | 0x4000);
        ALL.set(BE64, frame + 22, ((long)outerTtlProtocol << 48) | ((long)Checksums.finishSmall(sum) << 32) | (source & 0xFFFF_FFFFL));
        ALL.set(BE32, frame + 30, destination);
        dataOffset[index] -= IPIP_OVERHEAD;
        dataLength[index] = 14 + outerLength;

        serviceStats[TrafficStats.PACKETS]++;
        serviceStats[TrafficStats.BYTES] += length;
        backendStats[3 * backend + TrafficStats.PACKETS]++;
        backendStats[3 * backend + TrafficStats.BYTES] += length;
        return 1;
    }

    /** Flow-table lookup and touch; on a miss, the Maglev pick and the insert. */
    private int backendOf(final long hash, final long srcLo, final long dstLo, final long tuple, final int finOrRst)
    {
        final long bucket = table + (hash & bucketMask) * BUCKET_LENGTH;
        final int tag = (int)(hash >>> 32) | 1;
        for (int way = 0; way < FlowTable.SLOTS_PER_BUCKET; way++)
        {
            final long slot = bucket + 64 + way * 64L;
            if (ALL.get(INT, bucket + way * 4L) == tag && ALL.get(LONG, slot + KEY_SRC_LO) == srcLo &&
                ALL.get(LONG, slot + KEY_DST_LO) == dstLo && ALL.get(LONG, slot + KEY_TUPLE) == tuple &&
                ALL.get(LONG, slot + KEY_SRC_HI) == 0 && ALL.get(LONG, slot + KEY_DST_HI) == 0)
            {
                long timeout = ALL.get(LONG, slot + IDLE_TIMEOUT);
                final int backend = ALL.get(INT, slot + BACKEND);
                if (nowNs - ALL.get(LONG, slot + LAST_SEEN) > timeout)
                {
                    ALL.set(INT, bucket + way * 4L, 0);
                    activeFlows[backend]--;
                    break;
                }
                if (finOrRst != 0 && timeout > closingTimeoutNs)
                {
                    timeout = closingTimeoutNs;
                    ALL.set(LONG, slot + IDLE_TIMEOUT, timeout);
                }
                ALL.set(LONG, slot + LAST_SEEN, nowNs);
                ALL.set(INT, bucket + EXPIRY_TICKS + way * 4L, tick(nowNs) + (int)((timeout + TICK_ROUNDING) >>> TICK_SHIFT));
                counters[FLOW_HITS]++;
                return backend;
            }
        }
        final int backend = maglevSlots[MaglevTable.slotFor(hash, maglevSize)] - 1;
        final int way = claim(bucket);
        if (way >= 0)
        {
            final long slot = bucket + 64 + way * 64L;
            if (ALL.get(INT, bucket + way * 4L) != 0)
            {
                activeFlows[ALL.get(INT, slot + BACKEND)]--;
            }
            ALL.set(LONG, slot + KEY_SRC_HI, 0);
            ALL.set(LONG, slot + KEY_SRC_LO, srcLo);
            ALL.set(LONG, slot + KEY_DST_HI, 0);
            ALL.set(LONG, slot + KEY_DST_LO, dstLo);
            ALL.set(LONG, slot + KEY_TUPLE, tuple);
            ALL.set(INT, slot + BACKEND, backend);
            ALL.set(INT, slot + FLAGS, 0);
            ALL.set(LONG, slot + LAST_SEEN, nowNs);
            final long timeout = finOrRst != 0 && idleTimeoutNs > closingTimeoutNs ? closingTimeoutNs : idleTimeoutNs;
            ALL.set(LONG, slot + IDLE_TIMEOUT, timeout);
            ALL.set(INT, bucket + EXPIRY_TICKS + way * 4L, tick(nowNs) + (int)((timeout + TICK_ROUNDING) >>> TICK_SHIFT));
            ALL.set(INT, bucket + way * 4L, tag);
            activeFlows[backend]++;
            counters[FLOW_NEW]++;
            serviceStats[TrafficStats.NEW_FLOWS]++;
            backendStats[3 * backend + TrafficStats.NEW_FLOWS]++;
        }
        return backend;
    }

    /** A free way, else the first expired one (by tick), else the stalest if idle long enough; -1 for none. */
    private int claim(final long bucket)
    {
        for (int way = 0; way < FlowTable.SLOTS_PER_BUCKET; way++)
        {
            if (ALL.get(INT, bucket + way * 4L) == 0)
            {
                return way;
            }
        }
        final int nowTick = tick(nowNs);
        for (int way = 0; way < FlowTable.SLOTS_PER_BUCKET; way++)
        {
            if (nowTick - ALL.get(INT, bucket + EXPIRY_TICKS + way * 4L) > 0)
            {
                return way;
            }
        }
        int stalest = -1;
        long stalestIdleNs = Long.MIN_VALUE;
        for (int way = 0; way < FlowTable.SLOTS_PER_BUCKET; way++)
        {
            final long slot = bucket + 64 + way * 64L;
            final long idleNs = nowNs - ALL.get(LONG, slot + LAST_SEEN);
            if (idleNs > ALL.get(LONG, slot + IDLE_TIMEOUT))
            {
                return way;
            }
            if (idleNs > stalestIdleNs)
            {
                stalestIdleNs = idleNs;
                stalest = way;
            }
        }
        return stalestIdleNs >= minEvictionIdleNs ? stalest : -1;
    }

    private static int tick(final long nowNs)
    {
        return (int)(nowNs >> TICK_SHIFT);
    }

    /**
     * @param index the buffer.
     * @return the address of the frame in it.
     */
    public long frameAddress(final int index)
    {
        return buffers + (long)index * BUFFER_LENGTH + dataOffset[index];
    }

    /**
     * @param index the buffer.
     * @return the length of the frame in it.
     */
    public int frameLength(final int index)
    {
        return dataLength[index];
    }

    /**
     * @param counter {@link #RX_PACKETS} to {@link #NOT_FORWARDED}.
     * @return its value.
     */
    public long counter(final int counter)
    {
        return counters[counter];
    }

    /**
     * @param stat {@code TrafficStats.PACKETS}, {@code BYTES} or {@code NEW_FLOWS}.
     * @return the service's count.
     */
    public long serviceStat(final int stat)
    {
        return serviceStats[stat];
    }

    /**
     * @param backend a backend's index in the service.
     * @param stat    {@code TrafficStats.PACKETS}, {@code BYTES} or {@code NEW_FLOWS}.
     * @return the backend's count.
     */
    public long backendStat(final int backend, final int stat)
    {
        return backendStats[3 * backend + stat];
    }

    /**
     * @param backend a backend's index in the service.
     * @return the flows pinned to it in the table.
     */
    public int activeFlows(final int backend)
    {
        return activeFlows[backend];
    }

    /** Frees the table and the buffers. */
    @Override
    public void close()
    {
        arena.close();
    }
}
