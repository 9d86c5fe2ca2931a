package io.sluice.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.flow.NatSlots;
import io.sluice.dataplane.nat.NatPoolRegistry;
import io.sluice.dataplane.nat.NatPortSteering;
import io.sluice.dataplane.nat.PortPool;
import io.sluice.dataplane.rss.RssSteering;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.service.ClientAddress;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.RewriteOptions;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.WorkerCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The pipeline with a fixed configuration, run on frames in an off-heap buffer with DPDK's
 * 128-byte headroom. One backend per VIP so that every expected output is fully determined.
 */
public final class PipelineHarness implements AutoCloseable
{
    public static final String LB_MAC = "02:00:00:00:00:01";
    public static final String ROUTER_MAC = "02:00:00:00:00:fe";
    public static final String CLIENT_MAC = "02:00:00:00:00:c1";
    public static final String DSR_BACKEND_MAC = "02:00:00:00:01:11";
    public static final String DSR6_BACKEND_MAC = "02:00:00:00:06:11";

    public static final String LB_IP = "10.0.0.2";
    public static final String LB_IP6 = "2001:db8::2";
    public static final String GATEWAY = "10.0.0.1";
    public static final String GATEWAY6 = "2001:db8::1";
    public static final String TUNNEL_SOURCE = "10.0.0.100";
    public static final String TUNNEL_SOURCE6 = "2001:db8::100";
    public static final String CLIENT = "198.51.100.7";
    public static final String CLIENT6 = "2001:db8:ff::7";

    public static final String VIP_DSR = "192.0.2.10";
    public static final String VIP_IPIP = "192.0.2.20";
    public static final String VIP_GUE = "192.0.2.30";
    public static final String VIP_UNRESOLVED = "192.0.2.40";
    public static final String VIP6_DSR = "2001:db8:100::10";
    public static final String VIP6_IPIP = "2001:db8:100::20";
    public static final String VIP6_GUE = "2001:db8:100::30";

    public static final String BACKEND_DSR = "10.0.0.11";
    public static final String BACKEND_IPIP = "10.1.0.21";
    public static final String BACKEND_GUE = "10.1.0.31";
    public static final String BACKEND_UNRESOLVED = "10.0.0.99";
    public static final String BACKEND6_DSR = "2001:db8::11";
    public static final String BACKEND6_IPIP = "2001:db8:1::21";
    public static final String VIP_NAT = "192.0.2.70";
    public static final String VIP6_NAT = "2001:db8:100::70";
    public static final String BACKEND_NAT = "10.0.0.51";
    public static final String BACKEND6_NAT = "2001:db8::51";
    public static final String NAT_BACKEND_MAC = "02:00:00:00:01:51";
    /** The backend port of the NAT TCP services (their VIP port is 80). */
    public static final int NAT_TCP_PORT = 8080;
    /** The backend port of the NAT UDP services (their VIP port is 53). */
    public static final int NAT_UDP_PORT = 5353;
    public static final String VIP_FULLNAT = "192.0.2.110";
    public static final String VIP6_FULLNAT = "2001:db8:100::110";
    public static final String BACKEND_FULLNAT = "10.0.0.81";
    public static final String BACKEND6_FULLNAT = "2001:db8::81";
    public static final String FULLNAT_BACKEND_MAC = "02:00:00:00:01:81";
    /** The LB's full-NAT source addresses. */
    public static final String NAT_ADDRESS = "10.0.0.200";
    public static final String NAT_ADDRESS6 = "2001:db8::200";
    /** Full NAT, TCP port 80, {@code clientAddress: toa} (kind 254) and {@code mssClamp: 1400}; UDP port 53, proxy-v2. */
    public static final String VIP_CLIENT = "192.0.2.120";
    /** Full NAT, TCP port 80, {@code clientAddress: toa} of kind 200, no clamp; UDP port 53, proxy-v2. */
    public static final String VIP6_CLIENT = "2001:db8:100::120";
    public static final String BACKEND_CLIENT = "10.0.0.91";
    public static final String BACKEND6_CLIENT = "2001:db8::91";
    public static final String CLIENT_BACKEND_MAC = "02:00:00:00:01:91";
    /** The TOA kind of {@link #VIP6_CLIENT}'s TCP service. */
    public static final int TOA_KIND6 = 200;
    /** The mssClamp of {@link #VIP_CLIENT}'s and {@link #VIP_NAT_MSS}'s TCP services. */
    public static final int MSS_CLAMP = 1400;
    /** NAT, TCP port 80 to {@link #BACKEND_NAT_MSS} port 8080, {@code mssClamp: 1400}. */
    public static final String VIP_NAT_MSS = "192.0.2.140";
    public static final String BACKEND_NAT_MSS = "10.0.0.95";
    public static final String NAT_MSS_BACKEND_MAC = "02:00:00:00:01:95";

    public static final int MTU = 1500;
    public static final int DEFAULT_FLOW_CAPACITY = 1024;
    /** A flow table capacity of at least {@code PacketProcessor.PREFETCH_MIN_TABLE_BYTES}: the burst passes run. */
    public static final int PREFETCH_FLOW_CAPACITY = 1 << 19;
    public static final int HEADROOM = 128;
    public static final int BUFFER_LENGTH = 2176;
    public static final long TCP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(300);
    public static final long UDP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(BUFFER_LENGTH, 64);
    private final PacketBuffer packet = new PacketBuffer();
    private final NeighbourTable neighbours = new NeighbourTable(64);
    private final FlowTable flows;
    private final DataplaneCounters counters = new DataplaneCounters();
    private final MemorySegment traffic = arena.allocate(TrafficStats.REGION_LENGTH, 64);
    private final FlowEventRing events = new FlowEventRing(1 << 16);
    private final FlowReplyRing replies = new FlowReplyRing(1 << 16);
    private final PacketPipeline pipeline;
    private final NatSlots natSlots;
    private final NatPoolRegistry natRegistry;
    private DataplaneSettings settings;
    private final List<ServiceSpec> baseSpecs = new ArrayList<>();
    private ServiceSnapshot snapshot;
    private List<ServiceSpec> currentSpecs;
    private long nowNs = 1_000_000_000L;

    /** The verdict of one run and the frame left in the buffer. */
    public record Result(int verdict, byte[] output)
    {
    }

    public PipelineHarness()
    {
        this(List.of());
    }

    /**
     * The standard services and next hops, plus more services (their backends reached through
     * the gateway, so give them tunnel modes).
     *
     * @param extraServices services to add.
     */
    public PipelineHarness(final List<ServiceSpec> extraServices)
    {
        this(extraServices, DEFAULT_FLOW_CAPACITY);
    }

    /**
     * As {@link #PipelineHarness(List)}, with a flow table of the given capacity.
     *
     * @param extraServices services to add.
     * @param flowCapacity  flow table capacity, a power of two.
     */
    public PipelineHarness(final List<ServiceSpec> extraServices, final int flowCapacity)
    {
        this(extraServices, flowCapacity, PortPool.MIN_PORT, PortPool.MAX_PORT);
    }

    /**
     * As {@link #PipelineHarness(List, int)}, with the full-NAT port range given (one worker owns it all).
     *
     * @param extraServices services to add.
     * @param flowCapacity  flow table capacity, a power of two.
     * @param natFirstPort  the first full-NAT port.
     * @param natLastPort   the last full-NAT port.
     */
    public PipelineHarness(final List<ServiceSpec> extraServices, final int flowCapacity, final int natFirstPort, final int natLastPort)
    {
        flows = new FlowTable(flowCapacity, TimeUnit.SECONDS.toNanos(1));
        natSlots = new NatSlots(flowCapacity);
        natRegistry = new NatPoolRegistry(NatPortSteering.of(RssSteering.allWorkers("one worker"), 1, natFirstPort, natLastPort,
            NatPortSteering.DEFAULT_MIN_SHARE), NatPoolRegistry.DEFAULT_MAX_POOLS, NatPoolRegistry.DEFAULT_MAX_BYTES);
        pipeline = new PacketPipeline(new FlowTracker(flows, counters.values(), events, replies, natSlots, 0), neighbours, counters,
            new IcmpResponder(1000, 100), new TrafficStats(traffic));
        settings = DataplaneSettings.of(
            List.of(IpAddress.parse(LB_IP), IpAddress.parse(LB_IP6)),
            List.of(IpAddress.parse(TUNNEL_SOURCE)), List.of(IpAddress.parse(TUNNEL_SOURCE6)))
            .withGateways(IpAddress.parse(GATEWAY), IpAddress.parse(GATEWAY6))
            .withNatAddresses(List.of(IpAddress.parse(NAT_ADDRESS), IpAddress.parse(NAT_ADDRESS6)))
            .withMtu(MTU);
        final List<ServiceSpec> specs = new ArrayList<>();
        specs.add(service(VIP_DSR, 80, 6, ForwardingMode.DSR, BACKEND_DSR));
        specs.add(service(VIP_IPIP, 80, 6, ForwardingMode.IPIP, BACKEND_IPIP));
        specs.add(service(VIP_GUE, 53, 17, ForwardingMode.GUE, BACKEND_GUE));
        specs.add(service(VIP_GUE, 80, 6, ForwardingMode.GUE, BACKEND_GUE));
        specs.add(service(VIP_UNRESOLVED, 80, 6, ForwardingMode.DSR, BACKEND_UNRESOLVED));
        specs.add(service(VIP6_DSR, 80, 6, ForwardingMode.DSR, BACKEND6_DSR));
        specs.add(service(VIP6_IPIP, 80, 6, ForwardingMode.IPIP, BACKEND6_IPIP));
        specs.add(service(VIP6_GUE, 443, 6, ForwardingMode.GUE, BACKEND_GUE));
        specs.add(natService(VIP_NAT, 80, 6, BACKEND_NAT, NAT_TCP_PORT));
        specs.add(natService(VIP_NAT, 53, 17, BACKEND_NAT, NAT_UDP_PORT));
        specs.add(natService(VIP6_NAT, 80, 6, BACKEND6_NAT, NAT_TCP_PORT));
        specs.add(natService(VIP6_NAT, 53, 17, BACKEND6_NAT, NAT_UDP_PORT));
        specs.add(fullNatService(VIP_FULLNAT, 80, 6, BACKEND_FULLNAT, NAT_TCP_PORT));
        specs.add(fullNatService(VIP_FULLNAT, 53, 17, BACKEND_FULLNAT, NAT_UDP_PORT));
        specs.add(fullNatService(VIP6_FULLNAT, 80, 6, BACKEND6_FULLNAT, NAT_TCP_PORT));
        specs.add(fullNatService(VIP_CLIENT, 80, 6, BACKEND_CLIENT, NAT_TCP_PORT)
            .withRewrite(new RewriteOptions(ClientAddress.TOA, RewriteOptions.DEFAULT_TOA_KIND, MSS_CLAMP)));
        specs.add(fullNatService(VIP_CLIENT, 53, 17, BACKEND_CLIENT, NAT_UDP_PORT)
            .withRewrite(new RewriteOptions(ClientAddress.PROXY_V2, RewriteOptions.DEFAULT_TOA_KIND, RewriteOptions.NO_MSS_CLAMP)));
        specs.add(fullNatService(VIP6_CLIENT, 80, 6, BACKEND6_CLIENT, NAT_TCP_PORT)
            .withRewrite(new RewriteOptions(ClientAddress.TOA, TOA_KIND6, RewriteOptions.NO_MSS_CLAMP)));
        specs.add(fullNatService(VIP6_CLIENT, 53, 17, BACKEND6_CLIENT, NAT_UDP_PORT)
            .withRewrite(new RewriteOptions(ClientAddress.PROXY_V2, RewriteOptions.DEFAULT_TOA_KIND, RewriteOptions.NO_MSS_CLAMP)));
        specs.add(natService(VIP_NAT_MSS, 80, 6, BACKEND_NAT_MSS, NAT_TCP_PORT)
            .withRewrite(new RewriteOptions(ClientAddress.NONE, RewriteOptions.DEFAULT_TOA_KIND, MSS_CLAMP)));
        neighbours.setStatic(IpAddress.parse(BACKEND_CLIENT), Frames.macLong(CLIENT_BACKEND_MAC));
        neighbours.setStatic(IpAddress.parse(BACKEND6_CLIENT), Frames.macLong(CLIENT_BACKEND_MAC));
        neighbours.setStatic(IpAddress.parse(BACKEND_NAT_MSS), Frames.macLong(NAT_MSS_BACKEND_MAC));
        neighbours.setStatic(IpAddress.parse(BACKEND_FULLNAT), Frames.macLong(FULLNAT_BACKEND_MAC));
        neighbours.setStatic(IpAddress.parse(BACKEND6_FULLNAT), Frames.macLong(FULLNAT_BACKEND_MAC));
        neighbours.setStatic(IpAddress.parse(BACKEND_NAT), Frames.macLong(NAT_BACKEND_MAC));
        neighbours.setStatic(IpAddress.parse(BACKEND6_NAT), Frames.macLong(NAT_BACKEND_MAC));
        neighbours.setStatic(IpAddress.parse(BACKEND_DSR), Frames.macLong(DSR_BACKEND_MAC));
        neighbours.setStatic(IpAddress.parse(BACKEND6_DSR), Frames.macLong(DSR6_BACKEND_MAC));
        neighbours.setStatic(IpAddress.parse(GATEWAY), Frames.macLong(ROUTER_MAC));
        neighbours.setStatic(IpAddress.parse(GATEWAY6), Frames.macLong(ROUTER_MAC));
        baseSpecs.addAll(specs);
        specs.addAll(extraServices);
        currentSpecs = specs;
        snapshot = build(null, specs);
    }

    private ServiceSnapshot build(final ServiceSnapshot previous, final List<ServiceSpec> specs)
    {
        return ServiceSnapshotBuilder.build(previous, settings, specs, neighbours,
            natRegistry.update(ServiceSnapshotBuilder.natGroups(settings, specs)));
    }

    /**
     * Replaces the extra services, as a configuration change does: a new snapshot built from the
     * previous one (stable ids), in force from the next packet.
     *
     * @param extraServices the services beside the standard ones.
     */
    public void reconfigure(final List<ServiceSpec> extraServices)
    {
        final List<ServiceSpec> specs = new ArrayList<>(baseSpecs);
        specs.addAll(extraServices);
        currentSpecs = specs;
        snapshot = build(snapshot, specs);
    }

    /**
     * Replaces the virtual addresses (VRRP roles), as a transition does: a new snapshot from the
     * previous one, in force from the next packet.
     *
     * @param addresses the virtual addresses and whether this LB is master of each.
     */
    public void virtualAddresses(final List<io.sluice.dataplane.service.VirtualAddress> addresses)
    {
        settings = settings.withVirtualAddresses(addresses);
        snapshot = build(snapshot, currentSpecs);
    }

    /**
     * Replaces the NAT addresses, as a reload does: a new snapshot from the previous one, its port
     * pools laid out again.
     *
     * @param addresses the LB's full-NAT source addresses.
     */
    public void natAddresses(final List<String> addresses)
    {
        settings = settings.withNatAddresses(addresses.stream().map(IpAddress::parse).toList());
        snapshot = build(snapshot, currentSpecs);
    }

    private static ServiceSpec service(final String vip, final int port, final int protocol, final ForwardingMode mode, final String backend)
    {
        return new ServiceSpec(
            IpAddress.parse(vip), port, protocol, mode, List.of(new ServiceSpec.BackendSpec(IpAddress.parse(backend), 1)),
            MaglevTable.DEFAULT_SIZE, TCP_TIMEOUT_NS, UDP_TIMEOUT_NS);
    }

    private static ServiceSpec fullNatService(
        final String vip, final int port, final int protocol, final String backend, final int backendPort)
    {
        return service(vip, port, protocol, ForwardingMode.FULLNAT, backend).withTranslation(backendPort, FragmentPolicy.DROP);
    }

    private static ServiceSpec natService(final String vip, final int port, final int protocol, final String backend, final int backendPort)
    {
        return service(vip, port, protocol, ForwardingMode.NAT, backend).withTranslation(backendPort, FragmentPolicy.DROP);
    }

    /** Runs one frame through the pipeline. */
    public Result run(final byte[] frame)
    {
        return run(frame, -1);
    }

    /**
     * Runs one frame as frame {@code hintIndex} of a burst whose first pass ({@code prefetchFlow})
     * the caller ran.
     *
     * @param frame     the frame.
     * @param hintIndex its position in the burst, or -1 for none.
     * @return the verdict and the frame left in the buffer.
     */
    public Result run(final byte[] frame, final int hintIndex)
    {
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, frame.length);
        packet.wrap(buffer, 0, BUFFER_LENGTH, HEADROOM, frame.length);
        pipeline.begin(snapshot, Frames.macLong(LB_MAC), nowNs);
        final int verdict = pipeline.process(packet, hintIndex);
        pipeline.settle(verdict);
        final byte[] output = new byte[packet.dataLength()];
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, packet.dataOffset(), output, 0, output.length);
        return new Result(verdict, output);
    }

    /** Asserts rx = forwarded + replied + punted + drops by reason, and dropped = drops by reason. */
    public void assertCountersAddUp()
    {
        final long rx = counters.get(WorkerCounter.RX_PACKETS);
        final long accounted = counters.get(WorkerCounter.FORWARDED) + counters.get(WorkerCounter.REPLIED) +
            counters.get(WorkerCounter.PUNTED) + counters.dropsByReason();
        assertEquals(rx, accounted, "rx packets must equal forwarded + replied + punted + drops");
        assertEquals(counters.get(WorkerCounter.DROPPED), counters.dropsByReason(), "dropped must equal the sum of reasons");
    }

    public void advance(final long ns)
    {
        nowNs += ns;
    }

    public long nowNs()
    {
        return nowNs;
    }

    public DataplaneCounters counters()
    {
        return counters;
    }

    public FlowTable flows()
    {
        return flows;
    }

    public PacketPipeline pipeline()
    {
        return pipeline;
    }

    /** @return the flow-event ring the harness's flow tracker writes to. */
    public FlowEventRing events()
    {
        return events;
    }

    /** @return the ring the flow tracker answers dump and lookup commands on. */
    public FlowReplyRing replies()
    {
        return replies;
    }

    public ServiceSnapshot snapshot()
    {
        return snapshot;
    }

    /** @return the per-service and per-backend traffic counters the pipeline writes. */
    public MemorySegment traffic()
    {
        return traffic;
    }

    public NeighbourTable neighbours()
    {
        return neighbours;
    }

    @Override
    public void close()
    {
        flows.close();
        natSlots.close();
        arena.close();
    }
}
