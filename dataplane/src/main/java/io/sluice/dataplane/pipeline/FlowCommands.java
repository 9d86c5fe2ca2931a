package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.WorkerCounter;

/**
 * What other threads ask of a worker's flow table, applied on the worker's own thread as it drains
 * its command ring ({@code WorkerCommandRing}): so the table keeps one writer and no reader
 * elsewhere.
 * <ul>
 *   <li>an upsert (a flow from a peer LB) is written unless the table holds the flow live from this
 *       LB's own traffic: a replicated entry never overrides a local one, and never evicts one (it
 *       takes a free or expired slot, or is refused). An earlier copy from a peer is replaced, but a
 *       copy that has closed keeps its shorter timeout. The backend is named by address, never by a
 *       local id, and must belong to the named service here, on the port the service's backends serve
 *       on ({@code ServiceSpec.targetPort()}), else the flow is refused and counted. A record with a NAT
 *       mapping (a full-NAT flow's forward or reverse entry, {@link FlowRecord#hasNatMapping()}) is
 *       refused and counted until full NAT installs it;</li>
 *   <li>a dump answers a slice of the table, by slot handle, on the reply ring, bounded per command so
 *       that one command never holds the worker for long; each flow says whether this LB forwarded
 *       its last packet ({@link FlowRecord#FLAG_LOCAL}). The sync agent sends dumped records as they
 *       are, NAT fields included: a full-NAT flow is to be dumped as its forward entry with its mapping
 *       (laddr, lport), never as its reverse entry, which the receiver derives (a record with
 *       {@link FlowRecord#FLAG_NAT_REVERSE} is skipped by the agent);</li>
 *   <li>a lookup answers one flow.</li>
 * </ul>
 */
final class FlowCommands
{
    /** Most slots one dump command looks at, so that a dump never stalls the worker for long. */
    static final int DUMP_SCAN_LIMIT = 4096;

    private final FlowTracker tracker;
    private final FlowReplyRing replies;
    private final long[] counters;
    private final FlowRecord record = new FlowRecord();

    FlowCommands(final FlowTracker tracker, final FlowReplyRing replies, final long[] counters)
    {
        this.tracker = tracker;
        this.replies = replies;
        this.counters = counters;
    }

    void onUpsert(final FlowRecord flow)
    {
        final ServiceSnapshot snapshot = tracker.snapshot();
        final FlowKey key = flow.key();
        final Service service = snapshot.service(flow.serviceHi(), flow.serviceLo(), flow.servicePort(), flow.serviceProtocol());
        final Backend backend = service == null ? null : backendOf(service, flow.backendHi(), flow.backendLo());
        final long timeoutNs = flow.idleTimeoutNs();
        final boolean reverse = flow.isNatReverse();
        if (backend == null || flow.backendPort() != service.spec().targetPort() || timeoutNs <= 0 ||
            timeoutNs > FlowTable.MAX_IDLE_TIMEOUT_NS || key.protocol() != service.protocol() ||
            flow.hasNatMapping() != (service.mode() == ForwardingMode.FULLNAT) ||
            (reverse ? !tracker.isReverseOf(flow, backend) :
                key.dstHi() != service.vipHi() || key.dstLo() != service.vipLo() || key.dstPort() != service.flowPort()))
        {
            counters[WorkerCounter.FLOW_UPSERTS_REJECTED.ordinal()]++;
            return;
        }
        final FlowTable table = tracker.table();
        final long nowNs = tracker.nowNs();
        final long replicatedNs = nowNs | 1L;
        final long hash = key.hash();
        final int storedId = reverse ? backend.id() + FullNatFlows.REVERSE_ID_OFFSET : backend.id();
        int entry = table.find(key, hash, nowNs);
        if (entry != FlowTable.MISS)
        {
            if (isLocal(table, entry))
            {
                counters[WorkerCounter.FLOW_UPSERTS_KEPT_LOCAL.ordinal()]++;
                return;
            }
            table.backendId(entry, storedId);
            final boolean closed = (table.flags(entry) & FlowTracker.FLAG_CLOSED) != 0;
            table.idleTimeoutNs(entry, closed ? Math.min(timeoutNs, table.idleTimeoutNs(entry)) : timeoutNs);
            table.touch(entry, replicatedNs);
        }
        else
        {
            entry = table.insertWithoutEviction(key, hash, storedId, timeoutNs, replicatedNs);
            if (entry == FlowTable.MISS)
            {
                counters[WorkerCounter.FLOW_UPSERTS_REJECTED.ordinal()]++;
                return;
            }
        }
        if (flow.hasNatMapping())
        {
            tracker.installReplica(entry, flow);
        }
        counters[WorkerCounter.FLOW_UPSERTS.ordinal()]++;
    }

    void onDump(final long requestId, final int fromHandle, final int maxFlows)
    {
        final FlowTable table = tracker.table();
        final long nowNs = tracker.nowNs();
        final int capacity = table.capacity();
        final int end = (int)Math.min(capacity, Math.max(0L, fromHandle) + DUMP_SCAN_LIMIT);
        int handle = Math.max(0, fromHandle);
        int sent = 0;
        while (handle < end && sent < maxFlows)
        {
            if (recordOf(handle, table, nowNs))
            {
                if (!replies.offerDumpRecord(requestId, record))
                {
                    break;
                }
                sent++;
            }
            handle++;
        }
        replies.offerDumpEnd(requestId, handle >= capacity ? FlowReplyRing.END_OF_TABLE : handle);
    }

    void onLookup(final long requestId, final FlowKey key)
    {
        final FlowTable table = tracker.table();
        final int entry = table.find(key, key.hash(), tracker.nowNs());
        final boolean found = entry != FlowTable.MISS && recordOf(entry, table, tracker.nowNs());
        replies.offerLookupReply(requestId, found, record);
    }

    /** Fills {@link #record} from a live entry whose backend this snapshot still has; false otherwise. */
    private boolean recordOf(final int handle, final FlowTable table, final long nowNs)
    {
        if (!table.isLive(handle, nowNs))
        {
            return false;
        }
        final ServiceSnapshot snapshot = tracker.snapshot();
        final Backend backend = snapshot.backendById(table.backendId(handle));
        if (backend == null)
        {
            return false;
        }
        table.readKey(handle, record.key());
        tracker.fill(record, record.key(), snapshot.serviceAt(backend.serviceIndex()), backend, table.idleTimeoutNs(handle));
        tracker.natOf(handle, record);
        record.flags(isLocal(table, handle) ? FlowRecord.FLAG_LOCAL : 0);
        return true;
    }

    /**
     * Whether this LB has forwarded a packet of the flow since a peer last wrote it: the worker's
     * own writes carry an even time, a peer's an odd one (see {@code FlowTracker.begin}).
     */
    private static boolean isLocal(final FlowTable table, final int entry)
    {
        return (table.lastSeenNs(entry) & 1L) == 0;
    }

    private static Backend backendOf(final Service service, final long hi, final long lo)
    {
        for (int i = 0, count = service.backendCount(); i < count; i++)
        {
            final Backend backend = service.backend(i);
            if (backend.addressHi() == hi && backend.addressLo() == lo)
            {
                return backend;
            }
        }
        return null;
    }
}
