package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.flow.NatSlots;
import io.sluice.dataplane.nat.NatPoolKey;
import io.sluice.dataplane.nat.NatPoolLayout;
import io.sluice.dataplane.nat.NatPools;
import io.sluice.dataplane.nat.PortPool;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * The full-NAT flows of one worker's table: a translated flow is two entries, both in this
 * worker's {@link FlowTable}, so each keeps one writer.
 * <pre>
 *   forward  client:cport ─► VIP:vport        its backend, and in {@link NatSlots}: laddr, lport, twin
 *   reverse  backend:bport ─► laddr:lport     its backend, and in {@link NatSlots}: the client, twin
 * </pre>
 * The reverse entry is on this worker because the NAT port is one whose replies the NIC delivers
 * here ({@link io.sluice.dataplane.nat.NatPortSteering}). Its backend id is stored offset by
 * {@link FlowTable#COUNTED_BACKEND_IDS}, outside the ids the table counts and snapshots resolve:
 * a flow counts once for its backend, and dumps, lookups and the scheduler see forward entries only.
 * <p>
 * <b>Which ports are free.</b> The flow table says: a port is taken while a live reverse entry holds
 * it. A new flow takes its backend group's pools' ports in turn, each pool first in first out
 * ({@link NatPools}: a port comes back as late as possible, which keeps a backend's TIME_WAIT from
 * meeting a new SYN), and keeps the first whose reverse key the table does not hold; after
 * {@link #MAX_PROBES} taken ports the flow is dropped as {@link DropReason#NAT_PORTS_EXHAUSTED}. A NAT address
 * that is a virtual address this LB is VRRP backup for is passed over (its replies go to the master): with
 * one such address per LB, ECMP peers each take ports from their own; with none active,
 * {@link DropReason#NAT_ADDRESS_STANDBY}.
 * Nothing has to give a port back when a flow ends (expiry, eviction, removal all free the entry),
 * and a flow a peer replicated holds its port the same way.
 * <p>
 * <b>Lifetime.</b> Both entries have the flow's idle timeout; a packet either way touches both, and a
 * close lowers both to the closing timeout, so twins expire together. A twin's handle is confirmed
 * (its flag and its back reference) before it is touched. Single-threaded: the worker's.
 */
final class FullNatFlows
{
    /** {@link FlowTable#flags} bit of a full-NAT forward entry. */
    static final int FLAG_FORWARD = 4;
    /** {@link FlowTable#flags} bit of a full-NAT reverse entry. */
    static final int FLAG_REVERSE = 8;
    /** Taken ports a new flow tries before it is dropped as exhausted. */
    static final int MAX_PROBES = 64;
    /** What a reverse entry's stored backend id is above the backend's own. */
    static final int REVERSE_ID_OFFSET = FlowTable.COUNTED_BACKEND_IDS;
    /** {@link #open}'s answer when the flow cannot be translated; the drop reason is in the context. */
    static final int FAILED = FlowTable.MISS;

    private final FlowTable table;
    private final NatSlots slots;
    private final int worker;
    private final long[] counters;
    private final FlowKey reverseKey = new FlowKey();
    /** {@link #tidy}'s pool, and the ports it has moved there in a row. */
    private int tidyPool;
    private int tidyRun;
    /** Whether a pool's front may hold a taken port {@link #tidy} has not looked at: a replica came, or the layout changed. */
    private boolean tidyPending;
    /** Pools looked at in a row whose fronts were free: a whole pass of them ends the tidying. */
    private int tidyClean;

    private NatPools pools;
    private NatPoolLayout layout;
    private ServiceSnapshot snapshot;
    private long nowNs;

    /**
     * @param table    the worker's flow table.
     * @param slots    its full-NAT side, or null when full NAT is off (no NAT addresses at start).
     * @param worker   the worker's index (which ports it owns).
     * @param counters the worker's counters.
     */
    FullNatFlows(final FlowTable table, final NatSlots slots, final int worker, final long[] counters)
    {
        if (slots != null && !slots.covers(table))
        {
            throw new IllegalArgumentException("NAT slots of another capacity than the flow table's");
        }
        this.table = table;
        this.slots = slots;
        this.worker = worker;
        this.counters = counters;
    }

    /** The cycle's snapshot and clock; takes up a new pool layout (allocates only then). */
    void begin(final ServiceSnapshot snapshot, final long nowNs)
    {
        this.snapshot = snapshot;
        this.nowNs = nowNs;
        final NatPoolLayout next = snapshot.natLayout();
        if (next != null && next != layout && slots != null)
        {
            if (pools == null)
            {
                pools = new NatPools(worker, next);
            }
            else
            {
                pools.onLayout(next);
            }
            layout = next;
            tidyPending = true;
            tidyClean = 0;
        }
    }

    /**
     * Inserts a new full-NAT flow: a free NAT port of the backend's pools, the forward and the
     * reverse entry, and the translation in {@code ctx}.
     *
     * @param key       the flow (client to VIP), absent from the table.
     * @param hash      its hash.
     * @param timeoutNs its idle timeout.
     * @return the forward entry's handle, or {@link #FAILED} with the drop reason set in {@code ctx}.
     */
    int open(final PacketContext ctx, final FlowKey key, final long hash, final Backend backend, final long timeoutNs)
    {
        final int group = snapshot.natGroup(backend);
        if (pools == null || group < 0)
        {
            ctx.drop(DropReason.NAT_PORTS_EXHAUSTED);
            return FAILED;
        }
        boolean active = false;
        for (int probe = 0; probe < MAX_PROBES; probe++)
        {
            final long mapping = pools.allocateInGroup(group);
            if (mapping == NatPools.NO_MAPPING)
            {
                break;
            }
            final int pool = NatPools.poolOf(mapping);
            final int port = NatPools.portOf(mapping);
            pools.free(pool, port);
            final NatPoolKey poolKey = layout.key(pool);
            if (snapshot.kindOf(poolKey.laddrHi(), poolKey.laddrLo()) != ServiceSnapshot.KIND_NAT)
            {
                continue;
            }
            active = true;
            final long reverseHash = poolKey.replyKey(reverseKey, port).hash();
            if (table.find(reverseKey, reverseHash, nowNs) != FlowTable.MISS)
            {
                continue;
            }
            final int forward = table.insertAfterMiss(key, hash, backend.id(), timeoutNs, nowNs);
            if (forward == FlowTable.MISS)
            {
                ctx.drop(DropReason.NAT_NO_SLOT);
                return FAILED;
            }
            final int reverse = table.insert(reverseKey, reverseHash, backend.id() + REVERSE_ID_OFFSET, timeoutNs, nowNs);
            if (reverse == FlowTable.MISS)
            {
                table.remove(key, hash);
                ctx.drop(DropReason.NAT_NO_SLOT);
                return FAILED;
            }
            table.flags(forward, FLAG_FORWARD);
            table.flags(reverse, FLAG_REVERSE);
            slots.write(forward, poolKey.laddrHi(), poolKey.laddrLo(), port, reverse);
            slots.write(reverse, key.srcHi(), key.srcLo(), key.srcPort(), forward);
            translateForward(ctx, poolKey.laddrHi(), poolKey.laddrLo(), port);
            return forward;
        }
        ctx.drop(active ? DropReason.NAT_PORTS_EXHAUSTED : DropReason.NAT_ADDRESS_STANDBY);
        return FAILED;
    }

    /**
     * Keeps the fronts of this worker's pools free between packets: a port at the front whose reverse
     * key the table holds (a flow of this LB, or one a peer replicated) goes to the back, one table
     * lookup each. After a takeover the new master's pools start with the ports of every flow it took
     * over, in the order the old master handed them out; without this, its first new flows would
     * spend their {@link #MAX_PROBES} on those and be dropped as exhausted. Runs in the worker's duty
     * cycle, a few lookups at a time, moving to the next pool once the front is free (or the whole pool
     * was looked at), and only while there may be work: from a replica's arrival (or a new layout)
     * until a pass over every pool found each front free. This LB's own flows need none of it: a port
     * it hands out goes to the back of its pool.
     *
     * @param budget the most lookups.
     * @return the ports moved to the back (work done).
     */
    int tidy(final int budget)
    {
        if (pools == null || !tidyPending)
        {
            return 0;
        }
        final int count = pools.poolCount();
        int moved = 0;
        for (int look = 0; look < budget && count > 0 && tidyPending; look++)
        {
            if (tidyPool >= count)
            {
                tidyPool = 0;
            }
            final int port = pools.peek(tidyPool);
            final NatPoolKey poolKey = port == PortPool.NO_PORT ? null : layout.key(tidyPool);
            boolean taken = false;
            if (poolKey != null)
            {
                final long reverseHash = poolKey.replyKey(reverseKey, port).hash();
                taken = table.find(reverseKey, reverseHash, nowNs) != FlowTable.MISS;
            }
            if (taken && tidyRun < pools.capacity(tidyPool))
            {
                pools.free(tidyPool, pools.allocate(tidyPool));
                tidyRun++;
                tidyClean = 0;
                moved++;
            }
            else
            {
                tidyPool++;
                tidyRun = 0;
                tidyPending = ++tidyClean < count;
            }
        }
        return moved;
    }

    /**
     * A packet of a full-NAT flow the table holds: its translation into {@code ctx}, and its reverse
     * entry touched.
     *
     * @param entry the forward entry.
     * @return whether the entry is a full-NAT forward entry (else it is to be treated as a new flow).
     */
    boolean onForward(final PacketContext ctx, final int entry)
    {
        if (slots == null || (table.flags(entry) & FLAG_FORWARD) == 0)
        {
            return false;
        }
        translateForward(ctx, slots.peerHi(entry), slots.peerLo(entry), slots.port(entry));
        touchTwin(entry, FLAG_REVERSE);
        return true;
    }

    /**
     * A packet to a NAT address: the reply of the full-NAT flow whose reverse entry it matches, or
     * an ICMP error quoting one of the flow's packets (its key, the quoted packet's swapped, set by
     * the classifier), with the flow's service, backend and client set in {@code ctx}.
     *
     * @return {@link Verdict#CONTINUE}, or a {@link DropReason#NAT_NO_MAPPING} drop.
     */
    int onReply(final PacketContext ctx)
    {
        final FlowKey key = ctx.key;
        final long hash;
        if (ctx.quoted)
        {
            hash = key.hash();
        }
        else
        {
            hash = ctx.ipv6 ?
                key.setIpv6(ctx.srcHi, ctx.srcLo, ctx.dstHi, ctx.dstLo, ctx.srcPort, ctx.dstPort, ctx.protocol).hash() :
                key.setIpv4(ctx.src4, ctx.dst4, ctx.srcPort, ctx.dstPort, ctx.protocol).hash();
        }
        ctx.hash = hash;
        final int entry = slots == null ? FlowTable.MISS : table.findAndTouch(key, hash, nowNs);
        if (entry == FlowTable.MISS || (table.flags(entry) & FLAG_REVERSE) == 0)
        {
            return ctx.drop(DropReason.NAT_NO_MAPPING);
        }
        final Backend backend = snapshot.backendById(table.backendId(entry) - REVERSE_ID_OFFSET);
        final Service service = backend == null ? null : snapshot.serviceAt(backend.serviceIndex());
        if (service == null || service.mode() != ForwardingMode.FULLNAT)
        {
            return ctx.drop(DropReason.NAT_NO_MAPPING);
        }
        ctx.service = service;
        ctx.backend = backend;
        ctx.natHi = slots.peerHi(entry);
        ctx.natLo = slots.peerLo(entry);
        ctx.natPort = slots.port(entry);
        if (!ctx.quoted)
        {
            touchTwin(entry, FLAG_FORWARD);
            counters[WorkerCounter.NAT_REPLIES.ordinal()]++;
        }
        return Verdict.CONTINUE;
    }

    /**
     * An ICMP error about a full-NAT flow's packet to the client: the flow's translation into {@code
     * ctx}; an error refreshes nothing (RFC 5508).
     *
     * @param entry the forward entry the quoted packet belongs to.
     * @return whether it is a full-NAT forward entry.
     */
    boolean onQuotedForward(final PacketContext ctx, final int entry)
    {
        if (slots == null || (table.flags(entry) & FLAG_FORWARD) == 0)
        {
            return false;
        }
        translateForward(ctx, slots.peerHi(entry), slots.peerLo(entry), slots.port(entry));
        return true;
    }

    /**
     * A closing flow: its reverse entry gets the same (lowered) timeout, so the port is taken no
     * longer than the flow.
     *
     * @param entry     the forward entry.
     * @param timeoutNs its new idle timeout.
     */
    void onClose(final int entry, final long timeoutNs)
    {
        if ((table.flags(entry) & FLAG_FORWARD) != 0)
        {
            final int twin = confirmedTwin(entry, FLAG_REVERSE);
            if (twin != FlowTable.MISS)
            {
                table.idleTimeoutNs(twin, Math.min(timeoutNs, table.idleTimeoutNs(twin)));
            }
        }
    }

    /**
     * Writes a full-NAT forward entry's NAT address and port into its flow record (events, dumps);
     * leaves any other entry's record as it is.
     *
     * @param entry  the entry.
     * @param record the record of its flow.
     */
    void natOf(final int entry, final FlowRecord record)
    {
        if (slots != null && entry >= 0 && (table.flags(entry) & FLAG_FORWARD) != 0)
        {
            record.nat(slots.peerHi(entry), slots.peerLo(entry), slots.port(entry));
        }
    }

    /**
     * Whether a replicated reverse record is what this worker can hold: full NAT is on, its key is a
     * reply of the backend's endpoint to one of this LB's NAT addresses (a virtual one too while this
     * LB is its VRRP backup: that is when a peer's flows on it are replicated here).
     *
     * @param flow    the record, flagged {@link FlowRecord#FLAG_NAT_REVERSE}.
     * @param backend its backend, of this LB's service.
     * @return true when it may be installed.
     */
    boolean isReverseOf(final FlowRecord flow, final Backend backend)
    {
        final FlowKey key = flow.key();
        return slots != null && key.srcHi() == backend.addressHi() && key.srcLo() == backend.addressLo() &&
            key.srcPort() == snapshot.serviceAt(backend.serviceIndex()).spec().targetPort() &&
            snapshot.isNatAddress(key.dstHi(), key.dstLo());
    }

    /**
     * Writes the translation of a full-NAT entry a peer replicated, and links it to its twin when this
     * worker holds that too (with several workers the twins of a replicated flow may be on two
     * workers, each entry whole on its own). The port needs no reservation: a live reverse entry is
     * what holds it ({@link #open}).
     *
     * @param entry the entry just written from the record.
     * @param flow  the record: a forward entry with its NAT address and port, or a reverse entry with the client.
     */
    void installReplica(final int entry, final FlowRecord flow)
    {
        tidyPending = true;
        tidyClean = 0;
        final FlowKey key = flow.key();
        final boolean reverse = flow.isNatReverse();
        if (reverse)
        {
            setKey(flow.natHi(), flow.natLo(), flow.serviceHi(), flow.serviceLo(), flow.natPort(), flow.servicePort(), key.protocol());
        }
        else
        {
            setKey(flow.backendHi(), flow.backendLo(), flow.natHi(), flow.natLo(), flow.backendPort(), flow.natPort(), key.protocol());
        }
        final int twin = table.find(reverseKey, reverseKey.hash(), nowNs);
        final int twinFlag = reverse ? FLAG_FORWARD : FLAG_REVERSE;
        final boolean linked = twin != FlowTable.MISS && (table.flags(twin) & twinFlag) != 0;
        table.flags(entry, (table.flags(entry) & ~(FLAG_FORWARD | FLAG_REVERSE)) | (reverse ? FLAG_REVERSE : FLAG_FORWARD));
        slots.write(entry, flow.natHi(), flow.natLo(), flow.natPort(), linked ? twin : -1);
        if (linked)
        {
            slots.twin(twin, entry);
        }
    }

    /** {@link #reverseKey} (used here for the twin's key), in the family of its addresses. */
    private void setKey(
        final long srcHi, final long srcLo, final long dstHi, final long dstLo, final int srcPort, final int dstPort, final int protocol)
    {
        if (FlowKey.isIpv4Mapped(srcHi, srcLo))
        {
            reverseKey.setIpv4((int)srcLo, (int)dstLo, srcPort, dstPort, protocol);
        }
        else
        {
            reverseKey.setIpv6(srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, protocol);
        }
    }

    private static void translateForward(final PacketContext ctx, final long natHi, final long natLo, final int port)
    {
        ctx.natHi = natHi;
        ctx.natLo = natLo;
        ctx.natPort = port;
    }

    private void touchTwin(final int entry, final int twinFlag)
    {
        final int twin = confirmedTwin(entry, twinFlag);
        if (twin != FlowTable.MISS)
        {
            table.touch(twin, nowNs);
        }
    }

    private int confirmedTwin(final int entry, final int twinFlag)
    {
        final int twin = slots.twin(entry);
        if (twin < 0 || twin >= table.capacity() || (table.flags(twin) & twinFlag) == 0 || slots.twin(twin) != entry ||
            !table.isLive(twin, nowNs))
        {
            return FlowTable.MISS;
        }
        return twin;
    }
}
