package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.flow.NatSlots;
import io.sluice.dataplane.packet.TcpFlyweight;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_TCP;
import static io.sluice.dataplane.packet.Ipv4Flyweight.PROTOCOL_UDP;

/**
 * The flow stage, and the only component that reads or writes a worker's {@link FlowTable}: which
 * backend a packet's flow is pinned to, inserting a new flow, re-pinning one whose backend went
 * away, shortening a closing TCP flow's timeout, and the expiry sweep. Every new flow, re-pin and
 * close is also written, as one {@link FlowRecord}, to the worker's {@link FlowEventRing} when it has
 * one (the sync agent's source): a full ring is a counted loss ({@link WorkerCounter#FLOW_EVENTS_LOST}),
 * never a stall. {@link FlowCommands} applies what other threads ask of the table (upserts, dumps,
 * lookups) on the worker's thread, through this tracker.
 * <p>
 * A close is the first FIN or RST of a TCP flow, the moment its idle timeout drops to the closing
 * timeout; the event carries that timeout. The flow of a {@link Service#l3Flows() l3} service is
 * (client address, VIP, protocol) with both ports 0, for its whole packets and fragments alike,
 * hashed without the burst hint (which is computed with ports); the FIN or RST of one of the
 * client's connections closes that shared flow too. Flows that expire or are evicted emit nothing: a peer
 * expires its copy by the same idle timeout.
 * <p>
 * For a flow table too large for the caches the tracker also runs the burst passes of {@link
 * BurstHints}, which load the burst's table lines ahead. Single-threaded: the worker's.
 */
public final class FlowTracker
{
    /** {@link FlowTable#flags} bit of a TCP flow that has seen FIN or RST: closed once, its timeout the closing one at most. */
    static final int FLAG_CLOSED = 2;

    private static final int FLOW_HITS = WorkerCounter.FLOW_HITS.ordinal();
    /** Flow-table lookups per duty cycle for {@link FullNatFlows#tidy}. */
    private static final int NAT_TIDY_LOOKUPS = 16;
    private static final int FIN_OR_RST = TcpFlyweight.FLAG_FIN | TcpFlyweight.FLAG_RST;

    private final FlowTable table;
    private final long[] counters;
    private final NewFlowScheduler scheduler;
    private final BurstHints hints;
    private final FlowEventRing events;
    private final FlowRecord record = new FlowRecord();
    private final FlowCommands commands;
    private final FullNatFlows fullNat;

    private ServiceSnapshot snapshot;
    private long clockNs;
    private long nowNs;
    private boolean natFailed;

    /**
     * @param table    the worker's flow table; this tracker is its only user from now on.
     * @param counters the worker's counter values ({@code DataplaneCounters.values()}).
     * @param events   where flow events go, or null when nothing consumes them.
     * @param replies  where answers to dump and lookup commands go.
     */
    public FlowTracker(final FlowTable table, final long[] counters, final FlowEventRing events, final FlowReplyRing replies)
    {
        this(table, counters, events, replies, null, 0);
    }

    /**
     * A tracker that can hold full-NAT flows.
     *
     * @param table    the worker's flow table; this tracker is its only user from now on.
     * @param counters the worker's counter values ({@code DataplaneCounters.values()}).
     * @param events   where flow events go, or null when nothing consumes them.
     * @param replies  where answers to dump and lookup commands go.
     * @param natSlots the table's full-NAT side, or null when full NAT is off.
     * @param worker   the worker's index: which NAT ports are its own.
     */
    public FlowTracker(
        final FlowTable table, final long[] counters, final FlowEventRing events, final FlowReplyRing replies,
        final NatSlots natSlots, final int worker)
    {
        this.fullNat = new FullNatFlows(table, natSlots, worker, counters);
        this.commands = new FlowCommands(this, replies, counters);
        this.table = table;
        this.counters = counters;
        this.events = events;
        this.scheduler = new NewFlowScheduler(table);
        this.hints = new BurstHints(table);
    }

    /**
     * Starts a duty cycle. The clock is made even (rounded up): every time this worker's own traffic writes into
     * the table (an insert, a hit's touch) is even, and a flow from a peer is written with an odd
     * one ({@link FlowCommands}), so an entry's last-seen time says, at no cost to the packet path,
     * whether this LB has forwarded a packet of the flow since a peer sent it. It costs 1 ns of
     * resolution: the table's times run up to 1 ns ahead of the raw clock (a peer's up to 2 ns),
     * so a flow may expire up to 1 ns sooner or later than its timeout says; events carry the raw
     * clock.
     */
    void begin(final ServiceSnapshot snapshot, final long nowNs)
    {
        this.snapshot = snapshot;
        this.clockNs = nowNs;
        this.nowNs = (nowNs + 1) & ~1L;
        fullNat.begin(snapshot, this.nowNs);
    }

    /**
     * Picks the packet's backend: by its flow's entry, else by the service's scheduler (a new
     * flow, inserted). An ICMP error ({@code ctx.quoted}) only looks its flow up; a NAT reply
     * ({@code ctx.natReply}, its backend known) passes untouched.
     *
     * @param ctx       the packet, classified to a service; its flow key is set here unless quoted
     *                  (ports 0 for a service with {@link Service#l3Flows()}).
     * @param hintIndex the frame's position in a burst that went through the burst passes, or -1.
     * @return {@link Verdict#CONTINUE} with {@code ctx.backend} and {@code ctx.hash} set, or a
     *         {@link DropReason#NO_BACKEND} drop.
     */
    int select(final PacketContext ctx, final int hintIndex)
    {
        ctx.newFlow = false;
        if (ctx.natReply)
        {
            return Verdict.CONTINUE;
        }
        if (ctx.natReverse)
        {
            return fullNat.onReply(ctx);
        }
        natFailed = false;
        final FlowKey key = ctx.key;
        final Service service = ctx.service;
        final long hash;
        Backend backend;
        if (ctx.quoted)
        {
            hash = key.hash();
            backend = service.mode() == ForwardingMode.FULLNAT ?
                backendOfQuotedFullNatFlow(ctx, service, hash) : backendOfQuotedFlow(key, service, hash);
        }
        else
        {
            final boolean l3 = service.l3Flows();
            final int srcPort = l3 ? 0 : ctx.srcPort;
            final int dstPort = l3 ? 0 : ctx.dstPort;
            if (ctx.ipv6)
            {
                hash = key.setIpv6(ctx.srcHi, ctx.srcLo, ctx.dstHi, ctx.dstLo, srcPort, dstPort, ctx.protocol).hash();
            }
            else
            {
                key.setIpv4(ctx.src4, ctx.dst4, srcPort, dstPort, ctx.protocol);
                hash = l3 ? key.hash() : hints.hash(hintIndex, ctx.src4, ctx.dst4, (srcPort << 16) | dstPort, ctx.protocol);
            }
            if (service.onePacketScheduling())
            {
                backend = scheduler.pick(service, key, hash);
            }
            else
            {
                final int entry = table.findAndTouch(key, hash, nowNs);
                if (entry == FlowTable.MISS)
                {
                    backend = backendOfNewFlow(ctx, service, hash);
                }
                else if (service.mode() == ForwardingMode.FULLNAT)
                {
                    backend = fullNatHit(ctx, service, hash, entry);
                }
                else
                {
                    backend = snapshot.backendById(table.backendId(entry));
                    if (backend == null || backend.serviceIndex() != service.index() || backend.resetsFlows())
                    {
                        backend = repin(ctx, service, hash, entry);
                    }
                    if (backend != null)
                    {
                        if ((ctx.tcpFlags & FIN_OR_RST) != 0)
                        {
                            close(entry, service, backend);
                        }
                        counters[FLOW_HITS]++;
                    }
                }
            }
        }
        ctx.hash = hash;
        if (backend == null)
        {
            return natFailed ? Verdict.DROP : ctx.drop(DropReason.NO_BACKEND);
        }
        ctx.backend = backend;
        return Verdict.CONTINUE;
    }

    /**
     * A packet of a full-NAT service's flow the table holds. A flow whose backend left (or resets its
     * flows), or an entry without a translation (a flow of the service before it was full NAT), is
     * taken as a new flow: a new backend cannot take over the old one's connection anyway, and its
     * port stays with the old reverse entry until that expires.
     */
    private Backend fullNatHit(final PacketContext ctx, final Service service, final long hash, final int entry)
    {
        final Backend backend = snapshot.backendById(table.backendId(entry));
        if (backend != null && backend.serviceIndex() == service.index() && !backend.resetsFlows() && fullNat.onForward(ctx, entry))
        {
            if ((ctx.tcpFlags & FIN_OR_RST) != 0)
            {
                close(entry, service, backend);
            }
            counters[FLOW_HITS]++;
            return backend;
        }
        table.remove(ctx.key, hash);
        return backendOfNewFlow(ctx, service, hash);
    }

    /** A flow whose backend is gone, out of the service, or resetting its flows: pinned to the scheduler's pick. */
    private Backend repin(final PacketContext ctx, final Service service, final long hash, final int entry)
    {
        final Backend backend = scheduler.pick(service, ctx.key, hash);
        if (backend != null)
        {
            table.backendId(entry, backend.id());
            counters[WorkerCounter.FLOW_REHASHED.ordinal()]++;
            if (events != null)
            {
                emit(FlowEventRing.REPIN, ctx.key, service, backend, table.idleTimeoutNs(entry), entry);
            }
        }
        return backend;
    }

    /**
     * The backend of a flow the table does not hold, which is then inserted.
     */
    private Backend backendOfNewFlow(final PacketContext ctx, final Service service, final long hash)
    {
        final FlowKey key = ctx.key;
        Backend backend = scheduler.pick(service, key, hash);
        if (backend == null)
        {
            return null;
        }
        final long timeoutNs = idleTimeoutNs(service, key.protocol());
        final boolean translated = service.mode() == ForwardingMode.FULLNAT;
        final int inserted = translated ?
            fullNat.open(ctx, key, hash, backend, timeoutNs) : table.insertAfterMiss(key, hash, backend.id(), timeoutNs, nowNs);
        if (translated && inserted == FullNatFlows.FAILED)
        {
            natFailed = true;
            return null;
        }
        if (inserted == FlowTable.MISS)
        {
            counters[WorkerCounter.FLOW_FALLBACK.ordinal()]++;
            if (service.scheduler().isStateful())
            {
                backend = service.pick(hash);
            }
            return backend;
        }
        ctx.newFlow = true;
        counters[WorkerCounter.FLOW_NEW.ordinal()]++;
        if (events != null)
        {
            emit(FlowEventRing.NEW, key, service, backend, timeoutNs, inserted);
        }
        if ((ctx.tcpFlags & FIN_OR_RST) != 0)
        {
            close(inserted, service, backend);
        }
        return backend;
    }

    /**
     * A TCP flow that saw FIN or RST: marked closed, once, its timeout lowered to the closing
     * timeout (never raised: a service may idle its flows out sooner), and one CLOSE event with it.
     */
    private void close(final int entry, final Service service, final Backend backend)
    {
        final int flags = table.flags(entry);
        if ((flags & FLAG_CLOSED) != 0)
        {
            return;
        }
        table.flags(entry, flags | FLAG_CLOSED);
        final long timeoutNs = Math.min(table.idleTimeoutNs(entry), snapshot.settings().tcpClosingTimeoutNs());
        table.idleTimeoutNs(entry, timeoutNs);
        fullNat.onClose(entry, timeoutNs);
        if (events != null)
        {
            table.readKey(entry, record.key());
            emit(FlowEventRing.CLOSE, record.key(), service, backend, timeoutNs, entry);
        }
    }

    private Backend backendOfQuotedFlow(final FlowKey key, final Service service, final long hash)
    {
        final int entry = table.find(key, hash, nowNs);
        if (entry != FlowTable.MISS)
        {
            final Backend backend = snapshot.backendById(table.backendId(entry));
            if (backend != null && backend.serviceIndex() == service.index())
            {
                return backend;
            }
        }
        return service.pick(hash);
    }

    /** The backend of the full-NAT flow an ICMP error quotes, its translation set; none (dropped) without the flow. */
    private Backend backendOfQuotedFullNatFlow(final PacketContext ctx, final Service service, final long hash)
    {
        final int entry = table.find(ctx.key, hash, nowNs);
        final Backend backend = entry == FlowTable.MISS ? null : snapshot.backendById(table.backendId(entry));
        if (backend == null || backend.serviceIndex() != service.index() || !fullNat.onQuotedForward(ctx, entry))
        {
            natFailed = true;
            ctx.drop(DropReason.ICMP_NOT_HANDLED);
            return null;
        }
        return backend;
    }

    long idleTimeoutNs(final Service service, final int protocol)
    {
        return protocol == PROTOCOL_TCP ? service.tcpIdleTimeoutNs() :
            protocol == PROTOCOL_UDP ? service.udpIdleTimeoutNs() : snapshot.settings().otherIdleTimeoutNs();
    }

    /**
     * Writes one flow event to the ring (which the caller checked there is); a full ring costs
     * nothing but the count of the loss. The callers test for the ring themselves, so that without
     * one the packet path does not even make the call.
     *
     * @param key   the flow (may be {@code record.key()} itself).
     * @param entry the flow's entry: a full-NAT flow's event carries its NAT address and port.
     */
    private void emit(
        final int type, final FlowKey key, final Service service, final Backend backend, final long timeoutNs, final int entry)
    {
        fill(record, key, service, backend, timeoutNs);
        fullNat.natOf(entry, record);
        if (!events.offer(type, record))
        {
            counters[WorkerCounter.FLOW_EVENTS_LOST.ordinal()]++;
        }
    }

    /**
     * Describes a flow for a peer or a reader: its backend by address and by the port the service's backends
     * serve on ({@code ServiceSpec.targetPort()}), no NAT mapping (full NAT sets the forward entry's here).
     */
    void fill(final FlowRecord into, final FlowKey key, final Service service, final Backend backend, final long timeoutNs)
    {
        if (into.key() != key)
        {
            into.key().set(key);
        }
        into.serviceHi(service.vipHi()).serviceLo(service.vipLo()).servicePort(service.port())
            .serviceProtocol(service.protocol())
            .backendHi(backend.addressHi()).backendLo(backend.addressLo()).backendPort(service.spec().targetPort())
            .nat(0, 0, 0).idleTimeoutNs(timeoutNs).createdNs(clockNs).flags(0);
    }

    /**
     * The first burst pass, per frame: see {@link BurstHints}.
     *
     * @param index        the frame's position in the burst.
     * @param frameAddress its first byte.
     * @param frameLength  its length.
     */
    void prefetchFlow(final int index, final long frameAddress, final int frameLength)
    {
        hints.onFrame(index, frameAddress, frameLength);
    }

    /** The second burst pass: loads the burst's flow-table lines. */
    void prefetchFlowSlots(final int count)
    {
        hints.prefetchFlowSlots(count, nowNs);
    }

    /** @return whether the burst passes are worth running (the table is too large for the caches). */
    boolean burstPrefetch()
    {
        return hints.enabled();
    }

    /**
     * Runs a slice of the expiry sweep, publishes the active-flow count, and tidies the full-NAT
     * pools' fronts ({@link FullNatFlows#tidy}).
     *
     * @param maxBuckets most buckets to visit.
     * @return the number of flows freed and NAT ports moved: the work done.
     */
    int expire(final int maxBuckets)
    {
        final int expired = maxBuckets == 0 ? 0 : table.expire(nowNs, maxBuckets);
        counters[WorkerCounter.FLOW_EXPIRED.ordinal()] += expired;
        counters[WorkerCounter.FLOW_ACTIVE.ordinal()] = table.size();
        return expired + fullNat.tidy(NAT_TIDY_LOOKUPS);
    }

    /**
     * Applies a flow from a peer (see {@link FlowCommands}). The worker's thread only.
     *
     * @param flow the flow; read during the call only.
     */
    public void onUpsert(final FlowRecord flow)
    {
        commands.onUpsert(flow);
    }

    /**
     * Answers up to {@code maxFlows} live flows from a slot handle on, then where to go on.
     *
     * @param requestId  the id to answer with.
     * @param fromHandle first slot handle to look at.
     * @param maxFlows   most flows to answer with.
     */
    public void onDump(final long requestId, final int fromHandle, final int maxFlows)
    {
        commands.onDump(requestId, fromHandle, maxFlows);
    }

    /**
     * Answers the flow of a key.
     *
     * @param requestId the id to answer with.
     * @param key       the flow; read during the call only.
     */
    public void onLookup(final long requestId, final FlowKey key)
    {
        commands.onLookup(requestId, key);
    }

    /** Writes a full-NAT forward entry's NAT address and port into its record (see {@link FullNatFlows#natOf}). */
    void natOf(final int entry, final FlowRecord into)
    {
        fullNat.natOf(entry, into);
    }

    /** Whether a replicated reverse record describes a reply of the backend to one of this LB's NAT addresses (see {@link FullNatFlows}). */
    boolean isReverseOf(final FlowRecord flow, final Backend backend)
    {
        return fullNat.isReverseOf(flow, backend);
    }

    /** Writes a replicated full-NAT entry's translation (see {@link FullNatFlows#installReplica}). */
    void installReplica(final int entry, final FlowRecord flow)
    {
        fullNat.installReplica(entry, flow);
    }

    FlowTable table()
    {
        return table;
    }

    ServiceSnapshot snapshot()
    {
        return snapshot;
    }

    long nowNs()
    {
        return nowNs;
    }
}
