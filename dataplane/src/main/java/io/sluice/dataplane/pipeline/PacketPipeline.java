package io.sluice.dataplane.pipeline;

import java.util.Objects;

import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * The per-packet pipeline of one worker: every packet, of either family, takes the same stages,
 * and what each stage learns travels in one reused {@link PacketContext}.
 * <pre>
 *   parse ──► classify ──► flow ──────► forward ──► account
 *   PacketParser  PacketClassifier  FlowTracker  Forwarder   (here: per service and backend)
 *                 │ ARP, ND, echo: reply / punt          │ DsrWriter | IpipWriter | GueWriter
 *                 └ VRRP, own addresses: punt            └ too big: IcmpResponder
 * </pre>
 * Each stage returns {@link Verdict#CONTINUE} or the packet's verdict, and the first verdict ends
 * the packet (Katran's {@code process_packet}). A drop carries its {@link DropReason} in the
 * context. The packet's outcome (forwarded, replied, punted, dropped by reason) is counted once,
 * by {@link #settle} when the caller knows it stands: the worker after the NIC took the frame or
 * the punt ring did; so {@code rx = forwarded + replied + punted + drops} holds with nothing undone.
 * <p>
 * Pure Java over a {@link PacketBuffer}: the same on DPDK mbufs, in packet-fixture tests and in
 * benchmarks. No allocation, locks, exceptions or logging per packet. Single-threaded.
 */
public final class PacketPipeline
{
    /** Most packets a burst may hold for the burst passes ({@link #prefetchFlow}). */
    public static final int MAX_BURST = BurstHints.MAX_BURST;

    private static final int RX_PACKETS = WorkerCounter.RX_PACKETS.ordinal();
    private static final int RX_BYTES = WorkerCounter.RX_BYTES.ordinal();
    private static final int ICMP_TOO_BIG_SENT = WorkerCounter.ICMP_TOO_BIG_SENT.ordinal();
    private static final int FORWARDED = WorkerCounter.FORWARDED.ordinal();
    /** Counted once an ICMP error is sent on to a flow's backend or client, not when it is only recognised. */
    private static final int ICMP_ROUTED = WorkerCounter.ICMP_ROUTED.ordinal();

    private final PacketContext ctx = new PacketContext();
    private final PacketParser parser = new PacketParser();
    private final PacketClassifier classifier;
    private final FlowTracker flows;
    private final Forwarder forwarder;
    private final DataplaneCounters counters;
    private final long[] counted;
    private final TrafficStats traffic;

    private long portMac;

    /**
     * @param flows         this worker's flow tracker (and through it its flow table).
     * @param neighbours    the shared neighbour table (read only here).
     * @param counters      this worker's counters.
     * @param icmpResponder ICMP generator with this worker's rate limit.
     * @param traffic       this worker's per-service and per-backend counters.
     */
    public PacketPipeline(
        final FlowTracker flows, final NeighbourTable neighbours, final DataplaneCounters counters,
        final IcmpResponder icmpResponder, final TrafficStats traffic)
    {
        this.flows = flows;
        this.counters = counters;
        this.counted = counters.values();
        this.traffic = traffic;
        this.classifier = new PacketClassifier(icmpResponder, counted, traffic);
        this.forwarder = new Forwarder(neighbours, icmpResponder, counted);
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
        this.portMac = portMac;
        parser.begin(snapshot);
        classifier.begin(snapshot, portMac);
        flows.begin(snapshot, nowNs);
        forwarder.begin(snapshot, portMac, nowNs);
    }

    /**
     * Processes one received frame in place, counting it as received.
     *
     * @param packet the frame; on a transmit verdict it holds the frame to send.
     * @return a {@link Verdict}; for {@link Verdict#DROP} the reason is {@link #dropReason()}.
     */
    public int process(final PacketBuffer packet)
    {
        return process(packet, -1);
    }

    /**
     * Processes one frame of a burst that went through {@link #prefetchFlow}, taking the flow hash
     * that pass computed for it (after checking it is of this frame's flow).
     *
     * @param packet    the frame; on a transmit verdict it holds the frame to send.
     * @param hintIndex the frame's position in the burst, or -1 for none.
     * @return a {@link Verdict}; for {@link Verdict#DROP} the reason is {@link #dropReason()}.
     * @throws IndexOutOfBoundsException when the hint index is neither -1 nor below {@link #MAX_BURST}; nothing is counted then.
     */
    public int process(final PacketBuffer packet, final int hintIndex)
    {
        if (hintIndex < -1 || hintIndex >= MAX_BURST)
        {
            throw new IndexOutOfBoundsException("hint index " + hintIndex + " is not -1 or 0.." + (MAX_BURST - 1));
        }
        final PacketContext ctx = this.ctx;
        final int length = packet.dataLength();
        counted[RX_PACKETS]++;
        counted[RX_BYTES] += length;
        ctx.reset(length);
        int verdict = parser.parse(ctx, packet.dataAddress(), length, portMac);
        if (verdict == Verdict.CONTINUE)
        {
            verdict = classifier.classify(ctx, packet);
            if (verdict == Verdict.CONTINUE)
            {
                verdict = flows.select(ctx, hintIndex);
                if (verdict == Verdict.CONTINUE)
                {
                    verdict = forwarder.forward(ctx, packet);
                }
                if (ctx.service != null)
                {
                    account(ctx, verdict, length);
                }
            }
        }
        return verdict;
    }

    /**
     * The per-service and per-backend rows of a packet classified to a service: forwarded, or not
     * forwarded by its drop reason ({@link DropReason#TOO_BIG} when an ICMP answer went back, which is
     * the only reply to a packet of a service).
     */
    private void account(final PacketContext ctx, final int verdict, final int length)
    {
        if (verdict == Verdict.FORWARD)
        {
            traffic.forwarded(ctx.service.id(), ctx.backend.id(), length, ctx.newFlow);
            if (ctx.quoted)
            {
                counted[ICMP_ROUTED]++;
            }
        }
        else
        {
            if (verdict == Verdict.REPLY)
            {
                counted[ICMP_TOO_BIG_SENT]++;
            }
            traffic.serviceDrop(ctx.service.id(), verdict == Verdict.DROP ? ctx.dropReason : DropReason.TOO_BIG.ordinal());
        }
    }

    /**
     * Counts the outcome of the packet {@link #process} just gave a verdict for, once, when it is
     * known to stand: the caller settles a delivery that failed (a full TX queue or punt ring) as a
     * drop for its own reason instead ({@link DataplaneCounters#dropped}).
     *
     * @param verdict the verdict {@link #process} gave: forwarded, replied, punted, or dropped for
     *                the reason it left in the context.
     */
    public void settle(final int verdict)
    {
        if (verdict == Verdict.FORWARD)
        {
            counted[FORWARDED]++;
        }
        else
        {
            counters.settle(verdict, ctx.dropReason);
        }
    }

    /** @return the {@link DropReason} ordinal of the last packet {@link #process} dropped (valid until the next). */
    public int dropReason()
    {
        return ctx.dropReason;
    }

    /**
     * First pass over a received burst, before any packet of it is processed, with a flow table
     * too large for the caches ({@link #burstPrefetch()}): the flow hash of each frame of the
     * common shape, kept as its hint; see {@link BurstHints}. Reads only.
     *
     * @param index        the frame's position in the burst, below {@link #MAX_BURST}.
     * @param frameAddress address of the frame's first byte.
     * @param frameLength  the frame's length.
     * @throws IndexOutOfBoundsException when the index is outside 0 to {@link #MAX_BURST} - 1.
     */
    public void prefetchFlow(final int index, final long frameAddress, final int frameLength)
    {
        Objects.checkIndex(index, MAX_BURST);
        flows.prefetchFlow(index, frameAddress, frameLength);
    }

    /**
     * Second pass: loads the flow-table lines the burst's lookups will read, in tight loops, so that
     * their cache misses overlap.
     *
     * @param count frames in the burst.
     */
    public void prefetchFlowSlots(final int count)
    {
        flows.prefetchFlowSlots(count);
    }

    /** @return whether the burst passes are worth running: the flow table is too large for the caches. */
    public boolean burstPrefetch()
    {
        return flows.burstPrefetch();
    }

    /**
     * Runs a slice of the flow-expiry sweep, publishes the active-flow count and tidies the full-NAT
     * pools' fronts.
     *
     * @param maxBuckets most buckets to visit; 0 visits none (the worker's cycles with no slice due).
     * @return the number of flows freed.
     */
    public int expireFlows(final int maxBuckets)
    {
        return flows.expire(maxBuckets);
    }

    /** @return the buckets of this worker's flow table (what one pass of the expiry sweep visits). */
    public int flowBuckets()
    {
        return flows.table().bucketCount();
    }

    /** @return this worker's counters. */
    public DataplaneCounters counters()
    {
        return counters;
    }

    /** @return this worker's flow tracker. */
    public FlowTracker flows()
    {
        return flows;
    }
}
