package io.sluice.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.util.Objects;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.packet.ArpFlyweight;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.IcmpFlyweight;
import io.sluice.dataplane.packet.Icmpv6Flyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.NetworkOrder;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.packet.TcpFlyweight;
import io.sluice.dataplane.packet.UdpFlyweight;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.TrafficStats;

import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_ARP;
import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_IPV4;
import static io.sluice.dataplane.packet.EthernetFlyweight.ETHER_TYPE_IPV6;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_ICMP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_TCP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_UDP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_VRRP;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.Verdict;

/**
 * The per-packet pipeline of one worker: parse, classify, pick the backend, rewrite. Pure Java
 * over a {@link PacketBuffer}, so it runs the same on DPDK mbufs, in packet-fixture tests and in
 * benchmarks.
 * <pre>
 *   Ethernet ─► ARP: answer for our addresses / punt replies
 *      │
 *      ├─► IPv4 / IPv6 ─► own address: punt      ─► VRRP: punt      ─► ND: answer / punt
 *      │                  VIP TCP/UDP ─► flow table hit? backend : Maglev + insert
 *      │                  VIP ICMP echo: answer; ICMP error: route by the quoted flow
 *      └─► rewrite: DSR (MACs) | IPIP | GUE, MTU check ─► ICMP too big to the client
 * </pre>
 * Each step returns a {@link Verdict}; every drop is counted with its {@link DropReason}. No
 * allocation, locks, exceptions or logging on this path. Single-threaded: one per worker.
 */
public final class PacketProcessor
{
    /** Most packets {@link #prefetchFlow} keeps a hint for in one burst. */
    public static final int MAX_PREFETCH_BURST = 512;

    /**
     * Flow tables from this size up get their lookups prefetched a burst at a time: the size of a
     * server's last-level cache (32 MiB on the benchmark machine's EPYC), beyond which a table
     * with many live flows misses to memory. The cache is shared by the workers of a CCX, so
     * several workers whose tables are each somewhat smaller than this also miss it without the
     * pass; size the flow table (one per worker) with that in mind. A smaller table's lines come from the L2 or L3 cache,
     * where the pass costs more than it saves: on the 4.5 MiB table of the new-flow benchmark
     * the pass made a new flow slower in each of three interleaved A/B sets (medians 126 to 180
     * ns against 109 to 133 without it; see bench/README.md).
     */
    public static final long PREFETCH_MIN_TABLE_BYTES = 32L * 1024 * 1024;

    private static final int ETHERNET_LENGTH = EthernetFlyweight.HEADER_LENGTH;
    private static final int FAST_MIN_LENGTH = ETHERNET_LENGTH + 20 + 20;
    private static final int NOT_FAST = Integer.MIN_VALUE;
    private static final int RX_PACKETS = WorkerCounter.RX_PACKETS.ordinal();
    private static final int RX_BYTES = WorkerCounter.RX_BYTES.ordinal();
    private static final int FORWARDED = WorkerCounter.FORWARDED.ordinal();
    private static final int FLOW_HITS = WorkerCounter.FLOW_HITS.ordinal();

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private final Ipv4Flyweight innerIpv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight innerIpv6 = new Ipv6Flyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final Icmpv6Flyweight icmpv6 = new Icmpv6Flyweight();
    private final FlowKey key = new FlowKey();
    private final BurstHints hints;
    private final NewFlowScheduler scheduler;
    private final TunnelEncapsulator encapsulator = new TunnelEncapsulator();
    private final NeighbourResponder neighbourResponder = new NeighbourResponder();
    private final IcmpResponder icmpResponder;

    private final FlowTable flowTable;
    private final NeighbourTable neighbours;
    private final DataplaneCounters counters;
    private final long[] counterValues;
    private final TrafficStats traffic;

    private ServiceSnapshot snapshot;
    private long portMac;
    private long nowNs;
    private int l4SrcPort;
    private int l4DstPort;
    private int l4TcpFlags;
    private int rxLength;
    private boolean newFlow;
    private int lastBackendId;
    private Service lastService;
    private long fastPathPackets;
    private int lastServiceAddress;
    private int lastServicePortProtocol;

    /**
     * @param flowTable     this worker's flow table.
     * @param neighbours    the shared neighbour table (read only here).
     * @param counters      this worker's counters.
     * @param icmpResponder ICMP generator with this worker's rate limit.
     */
    public PacketProcessor(
        final FlowTable flowTable, final NeighbourTable neighbours, final DataplaneCounters counters,
        final IcmpResponder icmpResponder)
    {
        this(flowTable, neighbours, counters, icmpResponder,
            new TrafficStats(Arena.ofAuto().allocate(TrafficStats.REGION_LENGTH, 64)));
    }

    /**
     * @param flowTable     this worker's flow table.
     * @param neighbours    the shared neighbour table (read only here).
     * @param counters      this worker's counters.
     * @param icmpResponder ICMP generator with this worker's rate limit.
     * @param traffic       this worker's per-service and per-backend counters.
     */
    public PacketProcessor(
        final FlowTable flowTable, final NeighbourTable neighbours, final DataplaneCounters counters,
        final IcmpResponder icmpResponder, final TrafficStats traffic)
    {
        this.flowTable = flowTable;
        this.neighbours = neighbours;
        this.counters = counters;
        this.counterValues = counters.values();
        this.icmpResponder = icmpResponder;
        this.traffic = traffic;
        this.hints = new BurstHints(flowTable);
        this.scheduler = new NewFlowScheduler(flowTable);
    }

    /**
     * Sets what the next packets are processed with: called at the top of each duty cycle.
     *
     * @param snapshot the service snapshot in force.
     * @param portMac  MAC of the port the packets arrived on (and leave by).
     * @param nowNs    the cycle's clock.
     */
    public void begin(final ServiceSnapshot snapshot, final long portMac, final long nowNs)
    {
        if (snapshot != this.snapshot)
        {
            lastService = null;
        }
        this.snapshot = snapshot;
        this.portMac = portMac;
        this.nowNs = nowNs;
    }

    /** @return how many packets the fast path took, of those {@link #process} was given. */
    long fastPathPackets()
    {
        return fastPathPackets;
    }

    /** @return the snapshot in use. */
    public ServiceSnapshot snapshot()
    {
        return snapshot;
    }

    /**
     * First pass over a received burst, before any packet of it is processed: for a frame of the
     * common shape (untagged Ethernet, IPv4 without fragmentation or IPv6 without extension
     * headers, TCP or UDP) computes the flow hash and keeps it as the frame's hint, which {@link
     * #process(PacketBuffer, int)} then takes instead of computing it again. The hash computations
     * of a burst are independent of each other, so they overlap in this pass, where one packet at
     * a time would wait for each. Reads stay inside the frame; nothing is written to it, counted,
     * or decided: a frame of another shape only gets no hint. {@link #prefetchFlowSlots} then
     * brings the flows' table lines in.
     * <p>
     * The hashes are needed ahead only for those loads: with a flow table below {@link
     * #PREFETCH_MIN_TABLE_BYTES} ({@link #burstPrefetch()} false) this pass only clears the frame's
     * hint and the hash is computed once, as the packet is processed, which measured faster in
     * three of four interleaved A/B sets (bench/README.md); the worker then skips the passes
     * altogether.
     *
     * @param index        the frame's position in the burst, below {@link #MAX_PREFETCH_BURST}.
     * @param frameAddress address of the frame's first byte.
     * @param frameLength  the frame's length.
     * @throws IndexOutOfBoundsException when the index is outside 0 to {@link #MAX_PREFETCH_BURST} - 1.
     */
    public void prefetchFlow(final int index, final long frameAddress, final int frameLength)
    {
        Objects.checkIndex(index, MAX_PREFETCH_BURST);
        hints.onFrame(index, frameAddress, frameLength);
    }

    /**
     * Whether the burst passes ({@link #prefetchFlow}, {@link #prefetchFlowSlots}) are worth
     * running: the flow table is {@link #PREFETCH_MIN_TABLE_BYTES} or larger, too large to stay in
     * the caches. Fixed when the processor is built.
     *
     * @return true when the passes load the burst's flow-table lines ahead.
     */
    public boolean burstPrefetch()
    {
        return hints.enabled();
    }

    /**
     * The hint {@link #prefetchFlow} left for a frame of the current burst.
     *
     * @param index the frame's position in the burst.
     * @return the flow hash of the frame, equal to the hash {@link #process} computes for it, or 0
     *         when the frame is not of the common shape.
     */
    public long flowHint(final int index)
    {
        return hints.hint(index);
    }

    /**
     * Second pass, for a flow table too large to stay in the caches ({@link
     * #PREFETCH_MIN_TABLE_BYTES} and up; otherwise it does nothing): loads the header line of every hinted
     * frame's bucket in one tight loop; then, with the tags in, finds the slot line each lookup
     * will read ({@code FlowTable.slotLine}); then loads those lines in another tight loop. The
     * loops that load hold a few instructions per frame, so the processor keeps the cache misses
     * of the whole burst in flight at once; loads spread over the processing of each frame would
     * overlap only a few of them.
     *
     * @param count frames in the burst, as given to {@link #prefetchFlow}.
     */
    public void prefetchFlowSlots(final int count)
    {
        hints.prefetchFlowSlots(count, nowNs);
    }

    /**
     * Processes one received frame in place.
     *
     * @param packet the frame; on a transmit verdict it holds the frame to send.
     * @return a {@link Verdict}.
     */
    public int process(final PacketBuffer packet)
    {
        return process(packet, -1);
    }

    /**
     * Processes one frame of a burst that went through {@link #prefetchFlow}: as {@link
     * #process(PacketBuffer)}, taking the flow hash the prefetch pass computed instead of computing
     * it again (after a check that the hint is of this frame's flow). With the hash of every frame
     * of the burst computed in one pass, the independent hash computations overlap, where one
     * packet at a time would wait for each.
     *
     * @param packet    the frame; on a transmit verdict it holds the frame to send.
     * @param hintIndex the frame's position in the burst given to {@link #prefetchFlow}, or -1 for none.
     * @return a {@link Verdict}.
     * @throws IndexOutOfBoundsException when the hint index is neither -1 nor below {@link #MAX_PREFETCH_BURST};
     *                                   nothing is counted then.
     */
    public int process(final PacketBuffer packet, final int hintIndex)
    {
        if (hintIndex < -1 || hintIndex >= MAX_PREFETCH_BURST)
        {
            throw new IndexOutOfBoundsException("hint index " + hintIndex + " is not -1 or 0.." + (MAX_PREFETCH_BURST - 1));
        }
        final int length = packet.dataLength();
        rxLength = length;
        final long[] counted = counterValues;
        counted[RX_PACKETS]++;
        counted[RX_BYTES] += length;
        int verdict = fastIpv4(packet, length, hintIndex);
        if (verdict == NOT_FAST)
        {
            verdict = classify(packet, length);
        }
        switch (verdict)
        {
            case Verdict.FORWARD -> counted[FORWARDED]++;
            case Verdict.REPLY -> counters.increment(WorkerCounter.REPLIED);
            case Verdict.PUNT -> counters.increment(WorkerCounter.PUNTED);
            default ->
            {
            }
        }
        return verdict;
    }

    /**
     * The fast path: the packet of almost every flow, an untagged IPv4 TCP or UDP packet for this
     * port, not fragmented, without IP options, to a VIP forwarded by DSR, IPIP or GUE. The header
     * is read in a few wide loads and the tunnel headers written in a few wide stores, with no
     * flyweight, where {@link #classify} walks the general parser.
     * <p>
     * It gives the same verdict, bytes, counters and flow-table changes as {@link #classify}: the
     * packet fixtures hold frames of both paths, and FastPathEquivalenceTest compares the two on
     * the same flows (a VLAN tag, which only the general path takes, sends a copy there). It
     * either takes the packet or returns {@link #NOT_FAST} having read it only: every check that
     * could send the packet elsewhere (to a punt, a drop with a parser reason, an ICMP answer) comes
     * before the first change, and such a packet goes to {@link #classify} untouched.
     */
    private int fastIpv4(final PacketBuffer packet, final int length, final int hintIndex)
    {
        if (length < FAST_MIN_LENGTH)
        {
            return NOT_FAST;
        }
        final long start = packet.dataAddress();
        final long l3 = start + ETHERNET_LENGTH;
        final long w0 = NetworkOrder.getI64(l3);
        final long w1 = NetworkOrder.getI64(l3 + 8);
        final int totalLength = (int)(w0 >>> 32) & 0xFFFF;
        final int protocol = (int)(w1 >>> 48) & 0xFF;
        if ((NetworkOrder.getI64(start) >>> 16) != portMac || getU16(start + 12) != ETHER_TYPE_IPV4 ||
            (w0 >>> 56) != 0x45 || (w0 & 0x3FFF) != 0 || totalLength > length - ETHERNET_LENGTH)
        {
            return NOT_FAST;
        }
        final int tcpFlags;
        if (protocol == PROTOCOL_TCP)
        {
            final int dataOffset = (NetworkOrder.getU8(l3 + 32) >>> 4) << 2;
            if (dataOffset < 20 || dataOffset > totalLength - 20)
            {
                return NOT_FAST;
            }
            tcpFlags = NetworkOrder.getU8(l3 + 33);
        }
        else if (protocol == PROTOCOL_UDP)
        {
            final int udpLength = getU16(l3 + 24);
            if (udpLength < 8 || udpLength > totalLength - 20)
            {
                return NOT_FAST;
            }
            tcpFlags = 0;
        }
        else
        {
            return NOT_FAST;
        }
        final int dst = NetworkOrder.getI32(l3 + 16);
        final int ports = NetworkOrder.getI32(l3 + 20);
        final int dstPort = ports & 0xFFFF;
        final int portProtocol = (dstPort << 8) | protocol;
        Service service = lastService;
        if (dst != lastServiceAddress || portProtocol != lastServicePortProtocol || service == null)
        {
            service = snapshot.service(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(dst), dstPort, protocol);
            if (service == null)
            {
                return NOT_FAST;
            }
            lastService = service;
            lastServiceAddress = dst;
            lastServicePortProtocol = portProtocol;
        }
        final ForwardingMode mode = service.mode();
        final boolean gue = mode == ForwardingMode.GUE;
        final DataplaneSettings settings = snapshot.settings();
        final int overhead;
        if (mode == ForwardingMode.DSR)
        {
            overhead = 0;
        }
        else if (gue || mode == ForwardingMode.IPIP)
        {
            overhead = TunnelEncapsulator.overhead(false, gue, settings.gueVariant());
            if ((w1 >>> 56) <= 1 || packet.headroom() < overhead)
            {
                return NOT_FAST;
            }
        }
        else
        {
            return NOT_FAST;
        }
        if (totalLength + overhead > settings.mtu())
        {
            return NOT_FAST;
        }

        fastPathPackets++;
        final int src = (int)w1;
        key.setIpv4(src, dst, ports >>> 16, dstPort, protocol);
        final long hash = hints.hash(hintIndex, src, dst, ports, protocol);
        newFlow = false;
        final Backend backend = backendOfFlow(service, hash, tcpFlags);
        if (backend == null)
        {
            return countedForService(service, counters.drop(DropReason.NO_BACKEND));
        }
        lastBackendId = backend.id();
        final long nextHopMac = neighbours.mac(backend.neighbourIndex());
        if (nextHopMac == NeighbourTable.UNRESOLVED)
        {
            return countedForService(service, counters.drop(DropReason.NEIGHBOUR_UNRESOLVED));
        }
        if (overhead == 0)
        {
            EthernetFlyweight.writeMacs(start, nextHopMac, portMac);
        }
        else if (backend.isIpv6())
        {
            return tunnelFromFastPath(packet, l3, totalLength, service, backend, gue, nextHopMac, hash);
        }
        else
        {
            encapsulator.encapsulateIpv4InIpv4(
                packet, start, w0, w1, totalLength, gue, (int)backend.addressLo(), nextHopMac, portMac, hash, snapshot);
        }
        return countedForService(service, Verdict.FORWARD);
    }

    /** The fast path's rare tunnel to an IPv6 backend (4in6): the general tunnel code, as {@link #forward} runs it. */
    private int tunnelFromFastPath(
        final PacketBuffer packet, final long l3, final int totalLength, final Service service, final Backend backend,
        final boolean gue, final long nextHopMac, final long hash)
    {
        ipv4.wrap(l3, packet.dataLength() - ETHERNET_LENGTH);
        return countedForService(service, tunnel(packet, l3, totalLength, false, backend, gue, nextHopMac, hash, true));
    }

    private int classify(final PacketBuffer packet, final int length)
    {
        final long start = packet.dataAddress();
        if (!ethernet.wrap(start, length))
        {
            return counters.drop(DropReason.MALFORMED_ETHERNET);
        }
        final long dstMac = ethernet.dstMac();
        final boolean group = EthernetFlyweight.isGroupMac(dstMac);
        if (!group && dstMac != portMac)
        {
            return counters.drop(DropReason.NOT_FOR_US);
        }
        final int l2Length = ethernet.headerLength();
        final long l3 = start + l2Length;
        final int l3Length = length - l2Length;
        return switch (ethernet.etherType())
        {
            case ETHER_TYPE_IPV4 -> onIpv4(packet, l3, l3Length, group);
            case ETHER_TYPE_IPV6 -> onIpv6(packet, l3, l3Length, group);
            case ETHER_TYPE_ARP -> arp.wrap(l3, l3Length) ?
                neighbourResponder.onArp(packet, ethernet, arp, snapshot, portMac, counters) :
                counters.drop(DropReason.MALFORMED_ARP);
            default -> counters.drop(DropReason.UNSUPPORTED_ETHERTYPE);
        };
    }

    private int onIpv4(final PacketBuffer packet, final long l3, final int l3Length, final boolean group)
    {
        if (!ipv4.wrap(l3, l3Length))
        {
            return counters.drop(DropReason.MALFORMED_IPV4);
        }
        final int protocol = ipv4.protocol();
        if (protocol == PROTOCOL_VRRP)
        {
            return Verdict.PUNT;
        }
        if (group)
        {
            return counters.drop(DropReason.NOT_FOR_US);
        }
        final long dstLo = FlowKey.ipv4MappedLo(ipv4.dstAddress());
        final int kind = snapshot.kindOf(FlowKey.IPV4_MAPPED_HI, dstLo);
        if (kind != ServiceSnapshot.KIND_VIP)
        {
            return kind == ServiceSnapshot.KIND_LOCAL ? Verdict.PUNT : counters.drop(DropReason.NO_VIP);
        }
        if (ipv4.isFragment())
        {
            return counters.drop(DropReason.FRAGMENT);
        }
        final long l4 = ipv4.payloadOffset();
        final int l4Length = ipv4.payloadLength();
        if (protocol == PROTOCOL_ICMP)
        {
            return onIcmpv4(packet, l4, l4Length);
        }
        if (protocol != PROTOCOL_TCP && protocol != PROTOCOL_UDP)
        {
            return counters.drop(DropReason.UNSUPPORTED_PROTOCOL);
        }
        if (!readPorts(l4, l4Length, protocol))
        {
            return counters.drop(DropReason.MALFORMED_L4);
        }
        final Service service = snapshot.service(FlowKey.IPV4_MAPPED_HI, dstLo, l4DstPort, protocol);
        if (service == null)
        {
            return counters.drop(DropReason.NO_VIP);
        }
        key.setIpv4(ipv4.srcAddress(), ipv4.dstAddress(), l4SrcPort, l4DstPort, protocol);
        return forward(packet, service, l3, ipv4.totalLength(), false, l4TcpFlags, true);
    }

    private boolean readPorts(final long l4, final int l4Length, final int protocol)
    {
        if (protocol == PROTOCOL_TCP)
        {
            if (!tcp.wrap(l4, l4Length))
            {
                return false;
            }
            l4SrcPort = tcp.srcPort();
            l4DstPort = tcp.dstPort();
            l4TcpFlags = tcp.flags();
            return true;
        }
        if (!udp.wrap(l4, l4Length))
        {
            return false;
        }
        l4SrcPort = udp.srcPort();
        l4DstPort = udp.dstPort();
        l4TcpFlags = 0;
        return true;
    }

    private int onIcmpv4(final PacketBuffer packet, final long l4, final int l4Length)
    {
        if (!icmp.wrap(l4, l4Length))
        {
            return counters.drop(DropReason.MALFORMED_L4);
        }
        if (icmp.type() == IcmpFlyweight.TYPE_ECHO_REQUEST && icmp.code() == 0)
        {
            return icmpResponder.echoReplyIpv4(packet, ipv4, icmp, portMac);
        }
        if (!icmp.isError() || !innerIpv4.wrapQuoted(icmp.dataOffset(), l4Length - IcmpFlyweight.HEADER_LENGTH))
        {
            return counters.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final int innerProtocol = innerIpv4.protocol();
        if (innerProtocol != PROTOCOL_TCP && innerProtocol != PROTOCOL_UDP)
        {
            return counters.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final long ports = innerIpv4.payloadOffset();
        final int vipPort = getU16(ports);
        final int clientPort = getU16(ports + 2);
        final Service service = snapshot.service(
            FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(innerIpv4.srcAddress()), vipPort, innerProtocol);
        if (service == null)
        {
            return counters.drop(DropReason.ICMP_NOT_HANDLED);
        }
        key.setIpv4(innerIpv4.dstAddress(), innerIpv4.srcAddress(), clientPort, vipPort, innerProtocol);
        counters.increment(WorkerCounter.ICMP_ROUTED);
        return forward(packet, service, ipv4.address(), ipv4.totalLength(), false, 0, false);
    }

    private int onIpv6(final PacketBuffer packet, final long l3, final int l3Length, final boolean group)
    {
        if (!ipv6.wrap(l3, l3Length) ||
            FlowKey.isIpv4Mapped(ipv6.dstHi(), ipv6.dstLo()) || FlowKey.isIpv4Mapped(ipv6.srcHi(), ipv6.srcLo()))
        {
            return counters.drop(DropReason.MALFORMED_IPV6);
        }
        final int protocol = ipv6.upperProtocol();
        if (protocol == Ipv6Flyweight.NEXT_ICMPV6 && icmpv6.wrap(ipv6.upperOffset(), ipv6.upperLength()) &&
            icmpv6.isNeighbourDiscovery())
        {
            return neighbourResponder.onNeighbourDiscovery(packet, ethernet, ipv6, icmpv6, snapshot, portMac, counters);
        }
        if (protocol == PROTOCOL_VRRP)
        {
            return Verdict.PUNT;
        }
        if (group)
        {
            return counters.drop(DropReason.NOT_FOR_US);
        }
        final long dstHi = ipv6.dstHi();
        final long dstLo = ipv6.dstLo();
        final int kind = snapshot.kindOf(dstHi, dstLo);
        if (kind != ServiceSnapshot.KIND_VIP)
        {
            return kind == ServiceSnapshot.KIND_LOCAL ? Verdict.PUNT : counters.drop(DropReason.NO_VIP);
        }
        if (ipv6.isFragment())
        {
            return counters.drop(DropReason.FRAGMENT);
        }
        final long l4 = ipv6.upperOffset();
        final int l4Length = ipv6.upperLength();
        if (protocol == Ipv6Flyweight.NEXT_ICMPV6)
        {
            return onIcmpv6(packet, l4, l4Length);
        }
        if (protocol != PROTOCOL_TCP && protocol != PROTOCOL_UDP)
        {
            return counters.drop(DropReason.UNSUPPORTED_PROTOCOL);
        }
        if (!readPorts(l4, l4Length, protocol))
        {
            return counters.drop(DropReason.MALFORMED_L4);
        }
        final Service service = snapshot.service(dstHi, dstLo, l4DstPort, protocol);
        if (service == null)
        {
            return counters.drop(DropReason.NO_VIP);
        }
        key.setIpv6(ipv6.srcHi(), ipv6.srcLo(), dstHi, dstLo, l4SrcPort, l4DstPort, protocol);
        return forward(packet, service, l3, ipv6.totalLength(), true, l4TcpFlags, true);
    }

    private int onIcmpv6(final PacketBuffer packet, final long l4, final int l4Length)
    {
        if (!icmpv6.wrap(l4, l4Length))
        {
            return counters.drop(DropReason.MALFORMED_L4);
        }
        if (icmpv6.type() == Icmpv6Flyweight.TYPE_ECHO_REQUEST && icmpv6.code() == 0 &&
            l4 == ipv6.address() + Ipv6Flyweight.HEADER_LENGTH)
        {
            return icmpResponder.echoReplyIpv6(packet, ipv6, icmpv6, portMac);
        }
        if (!icmpv6.isError() || !innerIpv6.wrapQuoted(icmpv6.dataOffset(), l4Length - Icmpv6Flyweight.HEADER_LENGTH))
        {
            return counters.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final int innerProtocol = innerIpv6.upperProtocol();
        if ((innerProtocol != PROTOCOL_TCP && innerProtocol != PROTOCOL_UDP) || FlowKey.isIpv4Mapped(innerIpv6.srcHi(), innerIpv6.srcLo()))
        {
            return counters.drop(DropReason.ICMP_NOT_HANDLED);
        }
        final long ports = innerIpv6.upperOffset();
        final int vipPort = getU16(ports);
        final int clientPort = getU16(ports + 2);
        final Service service = snapshot.service(innerIpv6.srcHi(), innerIpv6.srcLo(), vipPort, innerProtocol);
        if (service == null)
        {
            return counters.drop(DropReason.ICMP_NOT_HANDLED);
        }
        key.setIpv6(innerIpv6.dstHi(), innerIpv6.dstLo(), innerIpv6.srcHi(), innerIpv6.srcLo(), clientPort, vipPort, innerProtocol);
        counters.increment(WorkerCounter.ICMP_ROUTED);
        return forward(packet, service, ipv6.address(), ipv6.totalLength(), true, 0, false);
    }

    private int forward(
        final PacketBuffer packet, final Service service, final long l3, final int l3Length, final boolean l3Ipv6,
        final int tcpFlags, final boolean trackFlow)
    {
        newFlow = false;
        return countedForService(service, forwardToBackend(packet, service, l3, l3Length, l3Ipv6, tcpFlags, trackFlow));
    }

    /**
     * Counts a packet classified to a service in the service's and backend's traffic rows: as
     * forwarded, or as not forwarded under its drop reason ({@code TOO_BIG} when an ICMP answer
     * went back instead).
     *
     * @return the verdict, unchanged.
     */
    private int countedForService(final Service service, final int verdict)
    {
        if (verdict == Verdict.FORWARD)
        {
            traffic.forwarded(service.id(), lastBackendId, rxLength, newFlow);
        }
        else
        {
            traffic.serviceDrop(service.id(), verdict == Verdict.DROP ? counters.lastDropReason() : DropReason.TOO_BIG.ordinal());
        }
        return verdict;
    }

    private int forwardToBackend(
        final PacketBuffer packet, final Service service, final long l3, final int l3Length, final boolean l3Ipv6,
        final int tcpFlags, final boolean trackFlow)
    {
        final long hash = key.hash();
        final Backend backend = trackFlow ? backendOfFlow(service, hash, tcpFlags) : backendOfQuotedFlow(service, hash);
        if (backend == null)
        {
            return counters.drop(DropReason.NO_BACKEND);
        }
        lastBackendId = backend.id();
        final long nextHopMac = neighbours.mac(backend.neighbourIndex());
        if (nextHopMac == NeighbourTable.UNRESOLVED)
        {
            return counters.drop(DropReason.NEIGHBOUR_UNRESOLVED);
        }
        final ForwardingMode mode = service.mode();
        if (mode == ForwardingMode.DSR)
        {
            if (l3Length > snapshot.settings().mtu())
            {
                return tooBig(packet, l3, l3Ipv6, 0, trackFlow);
            }
            EthernetFlyweight.writeMacs(packet.dataAddress(), nextHopMac, portMac);
            return Verdict.FORWARD;
        }
        return tunnel(packet, l3, l3Length, l3Ipv6, backend, mode == ForwardingMode.GUE, nextHopMac, hash, trackFlow);
    }

    private Backend backendOfFlow(final Service service, final long hash, final int tcpFlags)
    {
        if (service.onePacketScheduling())
        {
            return scheduler.pick(service, key, hash);
        }
        final int entry = flowTable.findAndTouch(key, hash, nowNs);
        if (entry != FlowTable.MISS)
        {
            Backend backend = snapshot.backendById(flowTable.backendId(entry));
            if (backend == null || backend.serviceIndex() != service.index() || backend.resetsFlows())
            {
                backend = scheduler.pick(service, key, hash);
                if (backend == null)
                {
                    return null;
                }
                flowTable.backendId(entry, backend.id());
                counters.increment(WorkerCounter.FLOW_REHASHED);
            }
            if ((tcpFlags & (TcpFlyweight.FLAG_FIN | TcpFlyweight.FLAG_RST)) != 0)
            {
                shortenTimeout(entry);
            }
            counterValues[FLOW_HITS]++;
            return backend;
        }
        return backendOfNewFlow(service, hash, tcpFlags);
    }

    /**
     * The backend of a flow the table does not hold, which is then inserted: kept out of {@link
     * #backendOfFlow} so that the established flow's path, the common one, stays small enough for
     * the compiler to inline whole.
     */
    private Backend backendOfNewFlow(final Service service, final long hash, final int tcpFlags)
    {
        Backend backend = scheduler.pick(service, key, hash);
        if (backend == null)
        {
            return null;
        }
        final int protocol = key.protocol();
        final long timeoutNs = protocol == PROTOCOL_TCP ? service.tcpIdleTimeoutNs() :
            protocol == PROTOCOL_UDP ? service.udpIdleTimeoutNs() : snapshot.settings().otherIdleTimeoutNs();
        final int inserted = flowTable.insertAfterMiss(key, hash, backend.id(), timeoutNs, nowNs);
        if (inserted == FlowTable.MISS)
        {
            counters.increment(WorkerCounter.FLOW_FALLBACK);
            if (service.scheduler().isStateful())
            {
                backend = service.pick(hash);
            }
        }
        else
        {
            newFlow = true;
            counters.increment(WorkerCounter.FLOW_NEW);
            if ((tcpFlags & (TcpFlyweight.FLAG_FIN | TcpFlyweight.FLAG_RST)) != 0)
            {
                shortenTimeout(inserted);
            }
        }
        return backend;
    }

    private void shortenTimeout(final int entry)
    {
        final long closingNs = snapshot.settings().tcpClosingTimeoutNs();
        if (flowTable.idleTimeoutNs(entry) > closingNs)
        {
            flowTable.idleTimeoutNs(entry, closingNs);
        }
    }

    private Backend backendOfQuotedFlow(final Service service, final long hash)
    {
        final int entry = flowTable.find(key, hash, nowNs);
        if (entry != FlowTable.MISS)
        {
            final Backend backend = snapshot.backendById(flowTable.backendId(entry));
            if (backend != null && backend.serviceIndex() == service.index())
            {
                return backend;
            }
        }
        return service.pick(hash);
    }

    private int tunnel(
        final PacketBuffer packet, final long l3, final int l3Length, final boolean l3Ipv6, final Backend backend,
        final boolean gue, final long nextHopMac, final long hash, final boolean mayAnswerTooBig)
    {
        final int l2Length = (int)(l3 - packet.dataAddress());
        final int ttl = l3Ipv6 ? ipv6.hopLimit() : ipv4.ttl();
        if (ttl <= 1)
        {
            return counters.drop(DropReason.TTL_EXPIRED);
        }
        final DataplaneSettings settings = snapshot.settings();
        final int overhead = TunnelEncapsulator.overhead(backend.isIpv6(), gue, settings.gueVariant());
        if (l3Length + overhead > settings.mtu())
        {
            return tooBig(packet, l3, l3Ipv6, overhead, mayAnswerTooBig);
        }
        return encapsulator.encapsulate(
            packet, l2Length, l3Length, l3Ipv6, backend, gue, nextHopMac, portMac, hash, snapshot, counters);
    }

    /**
     * A packet that does not fit the egress MTU once the mode's {@code overhead} is added: the
     * client is told the size that fits (ICMPv6 packet too big, or ICMP fragmentation needed when
     * the IPv4 packet forbids fragmenting), else the packet is dropped as {@link DropReason#TOO_BIG}.
     * Sluice never fragments: DSR and tunnels alike forward whole packets.
     */
    private int tooBig(final PacketBuffer packet, final long l3, final boolean l3Ipv6, final int overhead, final boolean mayAnswer)
    {
        final int l2Length = (int)(l3 - packet.dataAddress());
        final int fits = snapshot.settings().mtu() - overhead;
        if (!mayAnswer)
        {
            return counters.drop(DropReason.TOO_BIG);
        }
        if (l3Ipv6)
        {
            return icmpResponder.packetTooBig(packet, l2Length, ipv6, fits, portMac, nowNs, counters);
        }
        if (ipv4.dontFragment())
        {
            return icmpResponder.fragmentationNeeded(packet, l2Length, ipv4, fits, portMac, nowNs, counters);
        }
        return counters.drop(DropReason.TOO_BIG);
    }

    /**
     * Runs a slice of the flow-expiry sweep and publishes the active-flow count.
     *
     * @param maxBuckets most buckets to visit.
     * @return the number of flows freed.
     */
    public int expireFlows(final int maxBuckets)
    {
        final int expired = flowTable.expire(nowNs, maxBuckets);
        counters.add(WorkerCounter.FLOW_EXPIRED, expired);
        counters.set(WorkerCounter.FLOW_ACTIVE, flowTable.size());
        return expired;
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

    /** @return the key of the last packet classified to a service (for tests and tracing). */
    public FlowKey lastKey()
    {
        return key;
    }
}
