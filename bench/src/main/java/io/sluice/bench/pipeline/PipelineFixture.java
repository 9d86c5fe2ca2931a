package io.sluice.bench.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.flow.NatSlots;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.nat.NatPoolRegistry;
import io.sluice.dataplane.nat.NatPortSteering;
import io.sluice.dataplane.nat.PortPool;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.pipeline.FlowTracker;
import io.sluice.dataplane.pipeline.IcmpResponder;
import io.sluice.dataplane.pipeline.PacketPipeline;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.rss.RssSteering;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.bench.pipeline.TcpFrameEncoder.FRAME_LENGTH;
import static io.sluice.bench.pipeline.TcpFrameEncoder.FRAME_STRIDE;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IP_DST_AT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IP_SRC_AT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IPV4_HEADER_LENGTH;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IPV4_OFFSET;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TCP_HEADER_LENGTH;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TCP_OFFSET;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TTL;
import static io.sluice.bench.pipeline.TcpFrameEncoder.U32;
import static io.sluice.bench.pipeline.TcpFrameEncoder.u16;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One worker's pipeline set up for the benchmark case: an IPv4 TCP VIP with {@link #BACKEND_COUNT} (100)
 * backends of weight 1, or as many as a constructor says (Maglev, M = 65537), forwarded in one of three modes, plus a receive burst of {@link #BURST_SIZE}
 * packet buffers of {@link #BUFFER_LENGTH} bytes with DPDK's {@link #HEADROOM}-byte headroom:
 * <ul>
 *   <li>{@link ForwardingMode#IPIP}: to the backends through a gateway whose MAC is static, from four
 *   tunnel source addresses;</li>
 *   <li>{@link ForwardingMode#NAT}: the destination rewritten to the backend and port
 *   {@link #BACKEND_PORT}; the backends on-link, each with a static MAC; their replies to the
 *   clients leave through the gateway with the VIP as source;</li>
 *   <li>{@link ForwardingMode#FULLNAT}: as NAT, and the source rewritten to the NAT address
 *   {@link #NAT_ADDRESS} and a port of the backend's pool (one worker owns the whole range up to the
 *   last port given); the worker's flow table has its {@link NatSlots} side.</li>
 * </ul>
 * Packet memory is read through one segment over all of memory ({@link #memory()}), addressed by
 * absolute address, exactly as the DPDK worker reads mbufs; buffers and frame templates are
 * allocated from this fixture's arena. {@link #receive} is what the NIC would have done: it copies
 * a frame into a buffer of the burst. It also holds the checks every benchmark runs: that a
 * verdict is the packet the mode must send ({@link #requireForwarded}, {@link #requireReplied}) and
 * that the counters moved as the case says ({@link #requireCountsSinceMark}), so a misconfigured
 * benchmark fails instead of timing a drop path. Single threaded, like the worker it stands for.
 */
public final class PipelineFixture implements AutoCloseable
{
    /** Packets per receive burst, and per benchmark invocation. */
    public static final int BURST_SIZE = 32;

    /** Headroom in front of each frame (DPDK's RTE_PKTMBUF_HEADROOM). */
    public static final int HEADROOM = 128;

    /** Size of one packet buffer: DPDK's default 2048-byte data room plus the headroom. */
    public static final int BUFFER_LENGTH = 2048 + HEADROOM;

    /** Backends of the VIP unless a constructor says otherwise. */
    public static final int BACKEND_COUNT = 100;

    /** Most backends a fixture takes: the dataplane's limit of backends in all ({@link ServiceSnapshot#MAX_BACKENDS}). */
    public static final int MAX_BACKEND_COUNT = ServiceSnapshot.MAX_BACKENDS;

    /** Tunnel (outer) source addresses of the LB. */
    public static final int TUNNEL_SOURCE_COUNT = 4;

    /** The VIP, 192.0.2.20. */
    public static final int VIP_ADDRESS = 0xC000_0214;

    /** The VIP port. */
    public static final int VIP_PORT = 80;

    /** MAC of the LB port the frames arrive on. */
    public static final long PORT_MAC = 0x02_00_00_00_00_01L;

    /** MAC of the router: the source of received frames and the gateway to the backends. */
    public static final long ROUTER_MAC = 0x02_00_00_00_00_FEL;

    /** First backend address, 172.17.0.1; the others follow it. */
    public static final int FIRST_BACKEND_ADDRESS = 0xAC11_0001;

    /** The port the backends serve on in the NAT modes. */
    public static final int BACKEND_PORT = 8080;

    /** The LB's full-NAT source address, 172.16.0.200. */
    public static final int NAT_ADDRESS = 0xAC10_00C8;

    /** MAC of the first backend, on-link in the NAT modes; the others follow it. */
    public static final long FIRST_BACKEND_MAC = 0x02_00_00_00_10_00L;

    /** A clock origin far from zero, so that no time difference depends on it. */
    public static final long START_NS = 1_000_000_000_000L;

    private static final int LOCAL_ADDRESS = 0xAC10_0002;
    private static final int GATEWAY_ADDRESS = 0xAC10_0001;
    private static final int FIRST_TUNNEL_SOURCE = 0xAC10_0064;
    private static final long UDP_IDLE_TIMEOUT_NS = 30_000_000_000L;
    private static final int ICMP_TOO_BIG_PER_SECOND = 1000;
    private static final int ICMP_TOO_BIG_BURST = 100;
    private static final int NEIGHBOUR_CAPACITY = 256;
    private static final int CACHE_LINE_LENGTH = 64;
    private static final int ETHER_TYPE_IPV4 = 0x0800;
    private static final int PROTOCOL_IPIP = 4;
    private static final int TUNNELLED_LENGTH = 14 + IPV4_HEADER_LENGTH + IPV4_HEADER_LENGTH + TCP_HEADER_LENGTH;

    @SuppressWarnings("restricted")
    private static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final Arena arena = Arena.ofShared();
    private final long buffersAddress;
    private final PacketBuffer packet = new PacketBuffer();
    private final FlowTable flowTable;
    private final NatSlots natSlots;
    private final ForwardingMode mode;
    private final int natLastPort;
    private final int backendCount;
    private final DataplaneCounters counters = new DataplaneCounters();
    private final PacketPipeline processor;
    private final MemorySegment trafficRegion;
    private final boolean burstPrefetch;
    private final ServiceSnapshot snapshot;
    private final long[] marked = new long[WorkerCounter.count()];
    private final long expectedAddress;

    /** What every packet of a benchmark case must do in the flow table. */
    public enum FlowOutcome
    {
        /** Miss, Maglev pick and insert: counted in {@link WorkerCounter#FLOW_NEW}. */
        NEW_FLOW,
        /** Found in the table: counted in {@link WorkerCounter#FLOW_HITS}. */
        FLOW_HIT,
        /** A backend's reply translated back to the client: counted in {@link WorkerCounter#NAT_REPLIES}. */
        NAT_REPLY
    }

    /**
     * Builds the IPIP configuration, the worker's flow table, counters and pipeline, and the burst's buffers.
     *
     * @param flowTableCapacity the flow table's capacity, a power of two.
     * @param tcpIdleTimeoutNs  the VIP's TCP idle timeout.
     * @param minEvictionIdleNs how long a flow must be idle before an insert may evict it.
     */
    public PipelineFixture(final int flowTableCapacity, final long tcpIdleTimeoutNs, final long minEvictionIdleNs)
    {
        this(ForwardingMode.IPIP, flowTableCapacity, tcpIdleTimeoutNs, minEvictionIdleNs, PortPool.MAX_PORT);
    }

    /**
     * Builds the configuration of a mode, the worker's flow table, counters and pipeline, and the burst's buffers.
     *
     * @param mode              {@link ForwardingMode#IPIP}, {@link ForwardingMode#NAT} or {@link ForwardingMode#FULLNAT}.
     * @param flowTableCapacity the flow table's capacity, a power of two.
     * @param tcpIdleTimeoutNs  the VIP's TCP idle timeout.
     * @param minEvictionIdleNs how long a flow must be idle before an insert may evict it.
     * @param natLastPort       the last full-NAT port: the worker owns {@link PortPool#MIN_PORT} to it, in each
     *                          backend's pool (unused by the other modes).
     * @throws IllegalArgumentException for another mode.
     */
    public PipelineFixture(
        final ForwardingMode mode, final int flowTableCapacity, final long tcpIdleTimeoutNs, final long minEvictionIdleNs,
        final int natLastPort)
    {
        this(mode, flowTableCapacity, tcpIdleTimeoutNs, minEvictionIdleNs, natLastPort, BACKEND_COUNT);
    }

    /**
     * Builds the configuration of a mode with a given number of backends (172.17.0.1 onwards, weight 1,
     * Maglev table of {@link MaglevTable#DEFAULT_SIZE} slots), the worker's flow table, counters and
     * pipeline, and the burst's buffers.
     *
     * @param mode              {@link ForwardingMode#IPIP}, {@link ForwardingMode#NAT} or {@link ForwardingMode#FULLNAT}.
     * @param flowTableCapacity the flow table's capacity, a power of two.
     * @param tcpIdleTimeoutNs  the VIP's TCP idle timeout.
     * @param minEvictionIdleNs how long a flow must be idle before an insert may evict it.
     * @param natLastPort       the last full-NAT port (unused by the other modes).
     * @param backendCount      the VIP's backends, 1 to {@link #MAX_BACKEND_COUNT} (16384, below the table's 65537 slots).
     * @throws IllegalArgumentException for another mode or a backend count out of range.
     */
    public PipelineFixture(
        final ForwardingMode mode, final int flowTableCapacity, final long tcpIdleTimeoutNs, final long minEvictionIdleNs,
        final int natLastPort, final int backendCount)
    {
        if (mode != ForwardingMode.IPIP && mode != ForwardingMode.NAT && mode != ForwardingMode.FULLNAT)
        {
            throw new IllegalArgumentException("no benchmark configuration for mode " + mode);
        }
        if (backendCount < 1 || backendCount > MAX_BACKEND_COUNT)
        {
            throw new IllegalArgumentException("backend count " + backendCount + " is not 1.." + MAX_BACKEND_COUNT);
        }
        this.mode = mode;
        this.natLastPort = natLastPort;
        this.backendCount = backendCount;
        final List<IpAddress> tunnelSources = new ArrayList<>();
        for (int i = 0; i < TUNNEL_SOURCE_COUNT; i++)
        {
            tunnelSources.add(IpAddress.ofIpv4(FIRST_TUNNEL_SOURCE + i));
        }
        final DataplaneSettings settings = DataplaneSettings.of(List.of(IpAddress.ofIpv4(LOCAL_ADDRESS)), tunnelSources, List.of())
            .withGateways(IpAddress.ofIpv4(GATEWAY_ADDRESS), null)
            .withNatAddresses(mode == ForwardingMode.FULLNAT ? List.of(IpAddress.ofIpv4(NAT_ADDRESS)) : List.of());
        final NeighbourTable neighbours = new NeighbourTable(Math.max(NEIGHBOUR_CAPACITY, 2 * backendCount));
        neighbours.setStatic(IpAddress.ofIpv4(GATEWAY_ADDRESS), ROUTER_MAC);
        final List<ServiceSpec.BackendSpec> backends = new ArrayList<>();
        for (int i = 0; i < backendCount; i++)
        {
            backends.add(new ServiceSpec.BackendSpec(IpAddress.ofIpv4(FIRST_BACKEND_ADDRESS + i), 1));
            if (mode != ForwardingMode.IPIP)
            {
                neighbours.setStatic(IpAddress.ofIpv4(FIRST_BACKEND_ADDRESS + i), FIRST_BACKEND_MAC + i);
            }
        }
        final ServiceSpec untranslated = new ServiceSpec(
            IpAddress.ofIpv4(VIP_ADDRESS), VIP_PORT, TcpFrameEncoder.PROTOCOL_TCP, mode, backends,
            MaglevTable.DEFAULT_SIZE, tcpIdleTimeoutNs, UDP_IDLE_TIMEOUT_NS);
        final ServiceSpec vip = mode == ForwardingMode.IPIP ?
            untranslated : untranslated.withTranslation(BACKEND_PORT, FragmentPolicy.DROP);

        flowTable = new FlowTable(flowTableCapacity, minEvictionIdleNs);
        if (mode == ForwardingMode.FULLNAT)
        {
            natSlots = new NatSlots(flowTableCapacity);
            final NatPoolRegistry registry = new NatPoolRegistry(
                NatPortSteering.of(RssSteering.allWorkers("one benchmark worker"), 1, PortPool.MIN_PORT, natLastPort,
                    NatPortSteering.DEFAULT_MIN_SHARE), NatPoolRegistry.DEFAULT_MAX_POOLS, NatPoolRegistry.DEFAULT_MAX_BYTES);
            snapshot = ServiceSnapshotBuilder.build(null, settings, List.of(vip), neighbours,
                registry.update(ServiceSnapshotBuilder.natGroups(settings, List.of(vip))));
        }
        else
        {
            natSlots = null;
            snapshot = ServiceSnapshotBuilder.build(settings, List.of(vip), neighbours);
        }
        trafficRegion = arena.allocate(TrafficStats.REGION_LENGTH, CACHE_LINE_LENGTH);
        final FlowTracker tracker = natSlots == null ?
            new FlowTracker(flowTable, counters.values(), null, new FlowReplyRing(1 << 16)) :
            new FlowTracker(flowTable, counters.values(), null, new FlowReplyRing(1 << 16), natSlots, 0);
        processor = new PacketPipeline(tracker, neighbours, counters,
            new IcmpResponder(ICMP_TOO_BIG_PER_SECOND, ICMP_TOO_BIG_BURST), new TrafficStats(trafficRegion));
        burstPrefetch = processor.burstPrefetch();
        buffersAddress = arena.allocate((long)BURST_SIZE * BUFFER_LENGTH, CACHE_LINE_LENGTH).address();
        expectedAddress = arena.allocate(FRAME_STRIDE, CACHE_LINE_LENGTH).address();
    }

    /**
     * The segment over all of memory that packets and templates are read and written through.
     *
     * @return the segment, base address 0.
     */
    public static MemorySegment memory()
    {
        return MEMORY;
    }

    /**
     * Allocates room for frames, {@link TcpFrameEncoder#FRAME_STRIDE} bytes each, cache-line aligned.
     *
     * @param count the number of frames.
     * @return the address of the first frame.
     */
    public long allocateFrames(final int count)
    {
        return arena.allocate((long)count * FRAME_STRIDE, CACHE_LINE_LENGTH).address();
    }

    /**
     * Writes the frame of a client tuple to the VIP.
     *
     * @param frame address to write {@link TcpFrameEncoder#FRAME_LENGTH} bytes at.
     * @param tuple the client tuple's number, see {@link ClientTuples}.
     */
    public static void encodeFrame(final long frame, final long tuple)
    {
        TcpFrameEncoder.encode(
            MEMORY, frame, PORT_MAC, ROUTER_MAC, ClientTuples.address(tuple), ClientTuples.port(tuple), VIP_ADDRESS, VIP_PORT);
    }

    /**
     * Starts a burst: what the worker does at the top of a duty cycle.
     *
     * @param nowNs the cycle's clock.
     */
    public void beginBurst(final long nowNs)
    {
        processor.begin(snapshot, PORT_MAC, nowNs);
    }

    /**
     * Receives a frame into buffer {@code index} of the burst: copies it in behind the headroom, as
     * the NIC's DMA would have, and points the packet at it.
     *
     * @param index        the buffer, 0 to {@link #BURST_SIZE} - 1.
     * @param frameAddress where the frame to receive is.
     * @return the address of the received frame in the buffer.
     */
    public long receive(final int index, final long frameAddress)
    {
        return receive(index, frameAddress, FRAME_LENGTH);
    }

    /**
     * Receives a frame of any length into buffer {@code index} of the burst, as {@link #receive(int, long)}
     * does; {@link #process()} then runs it.
     *
     * @param index        the buffer, 0 to {@link #BURST_SIZE} - 1.
     * @param frameAddress where the frame to receive is.
     * @param length       the frame's length, at most {@link #BUFFER_LENGTH} - {@link #HEADROOM}.
     * @return the address of the received frame in the buffer.
     */
    public long receive(final int index, final long frameAddress, final int length)
    {
        final long buffer = buffersAddress + (long)index * BUFFER_LENGTH;
        MemorySegment.copy(MEMORY, frameAddress, MEMORY, buffer + HEADROOM, length);
        packet.wrap(MEMORY, buffer, BUFFER_LENGTH, HEADROOM, length);
        return buffer + HEADROOM;
    }

    /**
     * Where the last packet's data starts now, after the pipeline rewrote or encapsulated it.
     *
     * @return the address of its first byte.
     */
    public long packetAddress()
    {
        return packet.dataStart();
    }

    /**
     * The last packet's length now, after the pipeline rewrote or encapsulated it.
     *
     * @return bytes of data.
     */
    public int packetLength()
    {
        return packet.dataLength();
    }

    /**
     * The worker's passes over a received burst before processing it, as the worker runs them,
     * that is only with a flow table large enough for {@code PacketPipeline.burstPrefetch()}:
     * {@code PacketPipeline.prefetchFlow} (the flow hash of each frame, which {@link #process(int)}
     * then takes as the frame's hint) and {@code prefetchFlowSlots} (the flow-table loads).
     *
     * @param count frames received into buffers 0 to {@code count - 1}.
     */
    public void prefetch(final int count)
    {
        if (!burstPrefetch)
        {
            return;
        }
        for (int i = 0; i < count; i++)
        {
            processor.prefetchFlow(i, buffersAddress + (long)i * BUFFER_LENGTH + HEADROOM, FRAME_LENGTH);
        }
        processor.prefetchFlowSlots(count);
    }

    /**
     * Runs the packet received into buffer {@code index} through the pipeline, with the hint that
     * {@link #prefetch} left for it (none without the passes), as the worker does.
     *
     * @param index the buffer, 0 to {@link #BURST_SIZE} - 1.
     * @return the {@link Verdict}.
     */
    public int process(final int index)
    {
        packet.wrap(MEMORY, buffersAddress + (long)index * BUFFER_LENGTH, BUFFER_LENGTH, HEADROOM, FRAME_LENGTH);
        final int verdict = processor.process(packet, burstPrefetch ? index : -1);
        processor.settle(verdict);
        return verdict;
    }

    /**
     * Runs the last received packet through the pipeline.
     *
     * @return the {@link Verdict}.
     */
    public int process()
    {
        final int verdict = processor.process(packet);
        processor.settle(verdict);
        return verdict;
    }

    /**
     * Checks that a verdict and the frame left in the buffer are the packet of a client's flow that
     * the mode sends: {@link #requireTunnelled} for IPIP; for NAT exactly the client's frame (as
     * {@link #encodeFrame} wrote it for {@code tuple}) to the backend's address and
     * {@link #BACKEND_PORT}, to the backend's MAC, TTL 63, both checksums valid; for full NAT the same
     * from {@link #NAT_ADDRESS} and a port of the pool's range.
     *
     * @param verdict the verdict {@link #process} returned for the packet.
     * @param tuple   the client tuple the packet was sent from.
     * @throws IllegalStateException naming what is wrong, with the drop counters.
     */
    public void requireForwarded(final int verdict, final long tuple)
    {
        if (mode == ForwardingMode.IPIP)
        {
            requireTunnelled(verdict);
            return;
        }
        requireForwardVerdict(verdict);
        final long frame = packet.dataStart();
        final int backend = MEMORY.get(U32, frame + IP_DST_AT) - FIRST_BACKEND_ADDRESS;
        final int source = mode == ForwardingMode.FULLNAT ? NAT_ADDRESS : ClientTuples.address(tuple);
        final int sourcePort = mode == ForwardingMode.FULLNAT ? u16(MEMORY, frame + TCP_OFFSET) : ClientTuples.port(tuple);
        final boolean known = backend >= 0 && backend < backendCount &&
            (mode != ForwardingMode.FULLNAT || sourcePort >= PortPool.MIN_PORT && sourcePort <= natLastPort);
        requireFrame(known, FIRST_BACKEND_MAC + backend, source, sourcePort, FIRST_BACKEND_ADDRESS + backend, BACKEND_PORT,
            "translated to a backend");
    }

    /**
     * Checks that a verdict and the frame left in the buffer are a backend's reply translated back to
     * the client: exactly the frame from the VIP and port to the client's tuple, to the gateway's
     * MAC, TTL 63, both checksums valid.
     *
     * @param verdict the verdict {@link #process} returned for the reply.
     * @param tuple   the client tuple of the reply's flow.
     * @throws IllegalStateException naming what is wrong, with the drop counters.
     */
    public void requireReplied(final int verdict, final long tuple)
    {
        requireForwardVerdict(verdict);
        requireFrame(true, ROUTER_MAC, VIP_ADDRESS, VIP_PORT, ClientTuples.address(tuple), ClientTuples.port(tuple),
            "translated back to the client");
    }

    /**
     * Writes the backend's reply to the packet {@link #process} last forwarded to it in a NAT mode:
     * from the backend's MAC, address and port to the address and port it saw as the client's (the
     * client's own for NAT, the NAT address and port for full NAT), to the LB port's MAC.
     *
     * @param frame address to write {@link TcpFrameEncoder#FRAME_LENGTH} bytes at.
     */
    public void encodeReplyToLast(final long frame)
    {
        final long forwarded = packet.dataStart();
        final int backend = MEMORY.get(U32, forwarded + IP_DST_AT);
        TcpFrameEncoder.encode(MEMORY, frame, PORT_MAC, FIRST_BACKEND_MAC + (backend - FIRST_BACKEND_ADDRESS), backend,
            u16(MEMORY, forwarded + TCP_OFFSET + 2), MEMORY.get(U32, forwarded + IP_SRC_AT), u16(MEMORY, forwarded + TCP_OFFSET));
    }

    private void requireFrame(
        final boolean known, final long dstMac, final int source, final int sourcePort, final int destination,
        final int destinationPort, final String what)
    {
        TcpFrameEncoder.encode(MEMORY, expectedAddress, dstMac, PORT_MAC, source, sourcePort, destination, destinationPort, TTL - 1);
        final long frame = packet.dataStart();
        final boolean same = known && packet.dataLength() == FRAME_LENGTH &&
            MemorySegment.mismatch(MEMORY, frame, frame + FRAME_LENGTH, MEMORY, expectedAddress, expectedAddress + FRAME_LENGTH) < 0;
        if (!same)
        {
            throw new IllegalStateException("benchmark packet forwarded but not " + what + " as expected (" + mode + "): length " +
                packet.dataLength() + ", " + Integer.toHexString(MEMORY.get(U32, frame + IP_SRC_AT)) + ':' +
                u16(MEMORY, frame + TCP_OFFSET) + " -> " + Integer.toHexString(MEMORY.get(U32, frame + IP_DST_AT)) + ':' +
                u16(MEMORY, frame + TCP_OFFSET + 2) + ", expected " + Integer.toHexString(source) + ':' + sourcePort + " -> " +
                Integer.toHexString(destination) + ':' + destinationPort + " byte for byte");
        }
    }

    private void requireForwardVerdict(final int verdict)
    {
        if (verdict != Verdict.FORWARD)
        {
            throw new IllegalStateException(
                "benchmark packet not forwarded: verdict " + Verdict.name(verdict) + ", drops " + dropsText());
        }
    }

    /**
     * Checks that a verdict and the frame left in the buffer are a forwarded IPIP packet: outer
     * IPv4 with protocol 4 from one of the tunnel sources to one of the backends, sent to the
     * gateway, the inner TTL decremented.
     *
     * @param verdict the verdict {@link #process()} returned for the last received packet.
     * @throws IllegalStateException naming what is wrong, with the drop counters.
     */
    public void requireTunnelled(final int verdict)
    {
        requireForwardVerdict(verdict);
        final long frame = packet.dataStart();
        final long outer = frame + IPV4_OFFSET;
        final long dstMac = ((long)u16(MEMORY, frame) << 32) | (MEMORY.get(U32, frame + 2) & 0xFFFF_FFFFL);
        final int outerSource = MEMORY.get(U32, outer + 12);
        final int outerDestination = MEMORY.get(U32, outer + 16);
        final int innerTtl = MEMORY.get(JAVA_BYTE, outer + IPV4_HEADER_LENGTH + 8) & 0xFF;
        final boolean tunnelled = packet.dataLength() == TUNNELLED_LENGTH &&
            dstMac == ROUTER_MAC &&
            u16(MEMORY, frame + 12) == ETHER_TYPE_IPV4 &&
            (MEMORY.get(JAVA_BYTE, outer + 9) & 0xFF) == PROTOCOL_IPIP &&
            outerSource - FIRST_TUNNEL_SOURCE >= 0 && outerSource - FIRST_TUNNEL_SOURCE < TUNNEL_SOURCE_COUNT &&
            outerDestination - FIRST_BACKEND_ADDRESS >= 0 && outerDestination - FIRST_BACKEND_ADDRESS < backendCount &&
            innerTtl == TTL - 1;
        if (!tunnelled)
        {
            throw new IllegalStateException(
                "benchmark packet forwarded but not as the expected IPIP packet: length " + packet.dataLength() +
                ", outer " + Integer.toHexString(outerSource) + " -> " + Integer.toHexString(outerDestination) +
                ", inner TTL " + innerTtl);
        }
    }

    /** @return the address of the frame the last {@link #process} left in its buffer. */
    public long frameAddress()
    {
        return packet.dataStart();
    }

    /** @return the length of the frame the last {@link #process} left in its buffer. */
    public int frameLength()
    {
        return packet.dataLength();
    }

    /** Remembers the counters' values, for {@link #requireCountsSinceMark}. */
    public void markCounters()
    {
        for (int i = 0; i < marked.length; i++)
        {
            marked[i] = counters.get(WorkerCounter.of(i));
        }
    }

    /**
     * How much a counter grew since {@link #markCounters()}.
     *
     * @param counter the counter.
     * @return its growth.
     */
    public long sinceMark(final WorkerCounter counter)
    {
        return counters.get(counter) - marked[counter.ordinal()];
    }

    /**
     * Checks that since {@link #markCounters()} exactly {@code packets} packets were received, all
     * forwarded, none dropped, none re-hashed, none forwarded statelessly for want of a flow-table
     * slot, and that each had the expected flow-table outcome.
     *
     * @param packets the packets the caller ran.
     * @param outcome what each of them had to do in the flow table.
     * @throws IllegalStateException listing every counter that is off.
     */
    public void requireCountsSinceMark(final long packets, final FlowOutcome outcome)
    {
        final boolean newFlows = outcome == FlowOutcome.NEW_FLOW;
        final boolean replies = outcome == FlowOutcome.NAT_REPLY;
        final StringBuilder problems = new StringBuilder();
        expect(problems, WorkerCounter.RX_PACKETS, packets);
        expect(problems, WorkerCounter.FORWARDED, packets);
        expect(problems, WorkerCounter.DROPPED, 0);
        expect(problems, WorkerCounter.FLOW_FALLBACK, 0);
        expect(problems, WorkerCounter.FLOW_REHASHED, 0);
        expect(problems, WorkerCounter.FLOW_NEW, newFlows ? packets : 0);
        expect(problems, WorkerCounter.FLOW_HITS, newFlows || replies ? 0 : packets);
        expect(problems, WorkerCounter.NAT_REPLIES, replies ? packets : 0);
        if (!problems.isEmpty())
        {
            throw new IllegalStateException(
                "counters do not match " + packets + " packets of " + outcome + ":" + problems + "; drops " + dropsText());
        }
    }

    private void expect(final StringBuilder problems, final WorkerCounter counter, final long expected)
    {
        final long actual = sinceMark(counter);
        if (actual != expected)
        {
            problems.append(' ').append(counter.label()).append(" = ").append(actual).append(" (expected ").append(expected).append(')');
        }
    }

    private String dropsText()
    {
        final StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < DropReason.count(); i++)
        {
            final DropReason reason = DropReason.of(i);
            if (counters.get(reason) != 0)
            {
                text.append(' ').append(reason.label()).append('=').append(counters.get(reason));
            }
        }
        return text.append(" }").toString();
    }

    /**
     * @param stat {@code TrafficStats.PACKETS}, {@code BYTES} or {@code NEW_FLOWS}.
     * @return the VIP's count in this worker's per-service counters.
     */
    public long serviceStat(final int stat)
    {
        return TrafficStats.service(trafficRegion, snapshot.serviceAt(0).id(), stat);
    }

    /**
     * @param backendId a backend's id.
     * @param stat      {@code TrafficStats.PACKETS}, {@code BYTES} or {@code NEW_FLOWS}.
     * @return the backend's count in this worker's per-backend counters.
     */
    public long backendStat(final int backendId, final int stat)
    {
        return TrafficStats.backend(trafficRegion, backendId, stat);
    }

    /** @return this worker's counters. */
    public DataplaneCounters counters()
    {
        return counters;
    }

    /** @return this worker's flow table. */
    public FlowTable flowTable()
    {
        return flowTable;
    }

    /** @return the service snapshot in force. */
    public ServiceSnapshot snapshot()
    {
        return snapshot;
    }

    /** @return the VIP's forwarding mode. */
    public ForwardingMode mode()
    {
        return mode;
    }

    /** @return the VIP's number of backends. */
    public int backendCount()
    {
        return backendCount;
    }

    /** Frees the flow table, its full-NAT side, the buffers and the frames. */
    @Override
    public void close()
    {
        flowTable.close();
        if (natSlots != null)
        {
            natSlots.close();
        }
        arena.close();
    }
}
