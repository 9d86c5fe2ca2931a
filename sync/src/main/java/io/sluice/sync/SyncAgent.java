package io.sluice.sync;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.WorkerProxy;
import io.sluice.sync.codec.FlowOp;
import io.sluice.sync.transport.SyncTransport;
import io.sluice.sync.transport.TransportCounter;
import io.sluice.sync.wire.MaglevDigestList;
import io.sluice.sync.wire.SyncEnvelope;
import io.sluice.sync.wire.SyncMessageHandler;
import io.sluice.sync.wire.SyncMessageReader;
import io.sluice.sync.wire.SyncMessageWriter;
import io.sluice.sync.wire.SyncProtocol;
import io.sluice.sync.wire.SyncVerdict;
import org.HdrHistogram.Histogram;
import org.agrona.collections.Long2LongHashMap;
import org.HdrHistogram.Recorder;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Replicates this load balancer's flow table to its peers and applies theirs: the one thread of
 * the sync path, off the worker cores.
 * <p>
 * Each duty cycle:
 * <ol>
 *   <li>advances the transport (the embedded Aeron driver and client: {@link SyncTransport#doWork()});</li>
 *   <li>drains the workers' flow-event rings (new flows, re-pins, closes) into a signed batch, sent
 *       when full or {@link SyncAgentConfig#maxBatchDelayNs()} after its first flow;</li>
 *   <li>steps a bulk transfer (every live flow, to a peer that started or restarted) and the
 *       periodic refresh of the flows this LB forwards (so that a long-lived flow's copy on a peer
 *       does not idle out there), both paced;</li>
 *   <li>sends a {@code Hello} every {@link SyncAgentConfig#helloIntervalNs()}, asking for a bulk
 *       transfer until it has had one, and carrying a page of this LB's Maglev table digests, rotating
 *       over its services ({@link MaglevDigestExchange}: a peer compares them with its own tables);</li>
 *   <li>reads what peers sent: checked ({@link SyncMessageReader}: key, freshness, format), then each
 *       flow checked against the snapshot and queued to its worker ({@link ReplicaApplier}).</li>
 * </ol>
 * Nothing here blocks on a peer. A message a peer refuses for back pressure (its window is full) is
 * kept and offered again in the next cycles; meanwhile the agent takes no more events than the open
 * batch holds, so that they wait in the workers' rings, where a full ring counts each event lost.
 * A message no peer takes for another reason (none connected) is counted and its flows go with the
 * next bulk transfer. With several peers, one that is back-pressured while another takes the
 * message misses it (counted by the transport). Replication lag, from a flow's creation on the sending worker to
 * the reading here of the message that carries it (its queueing follows within microseconds), is recorded in a
 * histogram (the LBs' clocks must agree; on one host they do).
 * <p>
 * Every message fits one transport frame: a batch holds at most the flows that fit
 * {@link SyncTransport#maxMessageLength()} (13 at Aeron's default MTU), so Aeron neither fragments nor
 * reassembles, and a fragmented message from a peer is dropped unread and counted
 * ({@link io.sluice.sync.wire.SyncVerdict#TOO_LONG}).
 * <p>
 * Counters are published for other threads after every cycle ({@link #counter}); the agent itself
 * is single-threaded.
 */
public final class SyncAgent implements Agent, SyncStatus
{
    /** Most events drained from each worker's ring per cycle. */
    public static final int EVENTS_PER_RING_PER_CYCLE = 256;
    /** Most messages read per cycle. */
    public static final int MESSAGES_PER_CYCLE = 64;

    private static final long MAX_LAG_NS = 3_600_000_000_000L;
    private static final long CLOCK_READ_MAX_NS = 20_000;
    private static final long VERSION_LOG_INTERVAL_NS = 60_000_000_000L;
    private static final System.Logger LOG = System.getLogger("sluice.sync");

    private final SyncAgentConfig config;
    private final SyncTransport transport;
    private final List<FlowEventRing> eventRings;
    private final ReplicaApplier applier;
    private final TableWalker bulk;
    private final TableWalker refresh;
    private final NanoClock clock;
    private final EpochNanoClock epochClock;
    private final SyncMessageWriter writer;
    private final SyncMessageReader reader;
    private UnsafeBuffer sendBuffer;
    private UnsafeBuffer pendingBuffer;
    private int pendingLength;
    private final int batchFlows;
    private final FragmentHandler fragmentHandler = this::onFragment;
    private final FlowEventRing.FlowEventHandler eventHandler = this::onEvent;
    private final TableWalker.FlowSink bulkSink = flow -> addFlow(FlowOp.BULK, flow);
    private final TableWalker.FlowSink refreshSink = flow -> addFlow(FlowOp.REFRESH, flow);
    private final Int2ObjectHashMap<long[]> bulkDoneForEpoch = new Int2ObjectHashMap<>();
    /** BULK flows received from each sender since its last BulkEnd. */
    private final Long2LongHashMap bulkFlowsReceived = new Long2LongHashMap(0);
    private final long[] counts = new long[SyncCounter.values().length];
    private final AtomicLongArray published = new AtomicLongArray(SyncCounter.values().length);
    private final AtomicLongArray publishedVerdicts = new AtomicLongArray(SyncVerdict.values().length);
    private final AtomicLongArray publishedReplicas = new AtomicLongArray(ReplicaCounter.values().length);
    private final AtomicLongArray publishedTransport = new AtomicLongArray(TransportCounter.values().length);
    private final AtomicLongArray publishedDigests = new AtomicLongArray(DigestCounter.values().length);
    private final MaglevDigestExchange digests;
    private final Recorder lag = new Recorder(MAX_LAG_NS, 3);

    private long sequence;
    private long epochMinusMonotonicNs;
    private boolean clockOffsetRead;
    private long messageReadEpochNs;
    private int versionLogged = -1;
    private long versionLoggedNs;
    private boolean batchOpen;
    private long batchStartNs;
    private long nextHelloNs;
    private long nextRefreshNs;
    private boolean bulkReceived;
    private long bulkFlowsAtStart;
    private boolean bulkEndDue;
    private long bulkEndFlows;
    private int bulkPeer;
    private long bulkEpoch;
    private volatile boolean bulkWalking;

    /**
     * @param config     identity, pacing and intervals.
     * @param transport  the channel to the peers.
     * @param eventRings the workers' flow-event rings, each drained by this agent only.
     * @param workers    the workers' proxies: dumps for bulk and refresh walks.
     * @param applier    queues peers' flows to the workers.
     * @param writer     signs what is sent (the shared key).
     * @param readerOf   makes the reader of what peers send, given the handler this agent gives it.
     * @param clock      monotonic time, for batching and pacing.
     * @param epochClock wall time, for send times and lag.
     */
    public SyncAgent(
        final SyncAgentConfig config, final SyncTransport transport, final List<FlowEventRing> eventRings,
        final List<WorkerProxy> workers, final ReplicaApplier applier, final SyncMessageWriter writer,
        final java.util.function.Function<SyncMessageHandler, SyncMessageReader> readerOf, final NanoClock clock,
        final EpochNanoClock epochClock)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.eventRings = List.copyOf(eventRings);
        this.applier = Objects.requireNonNull(applier, "applier");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = clock;
        this.epochClock = epochClock;
        this.bulk = new TableWalker(workers, config.pageTimeoutNs(), false);
        this.refresh = new TableWalker(workers, config.pageTimeoutNs(), true);
        this.digests = new MaglevDigestExchange(applier::snapshot);
        this.reader = readerOf.apply(new Handler());
        this.batchFlows = Math.min(writer.maxFlowsPerBatch(), SyncProtocol.flowsThatFit(transport.maxMessageLength()));
        if (batchFlows < 1 || writer.maxDigestsPerHello() > SyncProtocol.digestsThatFit(transport.maxMessageLength()))
        {
            throw new IllegalArgumentException("sync messages of " + writer.maxMessageLength() + " bytes at most do not fit " +
                "the transport's frame of " + transport.maxMessageLength() + " bytes of payload");
        }
        this.sendBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(writer.maxMessageLength()));
        this.pendingBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(writer.maxMessageLength()));
        final long now = clock.nanoTime();
        this.nextHelloNs = now;
        this.nextRefreshNs = now + config.refreshIntervalNs();
    }

    @Override
    public String roleName()
    {
        return "sluice-sync-" + config.senderId();
    }

    @Override
    public int doWork()
    {
        int work = transport.doWork();
        final long nowNs = clock.nanoTime();
        updateClockOffset(nowNs);
        if (pendingLength > 0 && !resendPending())
        {
            // Still back-pressured: send nothing else and take no events, which wait in the workers'
            // rings (where a full ring counts each loss); keep reading what peers send.
            work += receive();
            publish();
            return work;
        }
        work += drainEvents();
        if (pendingLength == 0)
        {
            work += stepWalks(nowNs);
        }
        if (pendingLength == 0 && bulkEndDue)
        {
            sendBulkEnd();
        }
        if (batchOpen && (nowNs - batchStartNs >= config.maxBatchDelayNs()))
        {
            flush();
            work++;
        }
        if (pendingLength == 0 && nowNs - nextHelloNs >= 0 && sendHello())
        {
            nextHelloNs = nowNs + config.helloIntervalNs();
            work++;
        }
        work += receive();
        publish();
        return work;
    }

    /**
     * Drains the workers' rings into batches, never more events than the open batch has room for, so
     * that a batch refused for back pressure stops the drain with the rest still in the rings.
     */
    private int drainEvents()
    {
        int work = 0;
        for (int i = 0; i < eventRings.size(); i++)
        {
            int budget = EVENTS_PER_RING_PER_CYCLE;
            while (budget > 0 && pendingLength == 0)
            {
                final int room = batchFlows - (batchOpen ? writer.flowCount() : 0);
                if (room == 0)
                {
                    flush();
                    continue;
                }
                final int drained = eventRings.get(i).drain(eventHandler, Math.min(room, budget));
                if (drained == 0)
                {
                    break;
                }
                budget -= drained;
                work += drained;
            }
        }
        return work;
    }

    private int stepWalks(final long nowNs)
    {
        int work = 0;
        if (bulk.walking())
        {
            work += bulk.step(bulkSink, config.walkFlowsPerCycle());
            if (!bulk.walking())
            {
                flush();
                bulkEndDue = true;
                bulkEndFlows = counts[SyncCounter.BULK_FLOWS_SENT.ordinal()] - bulkFlowsAtStart;
            }
        }
        else if (refresh.walking())
        {
            work += refresh.step(refreshSink, config.walkFlowsPerCycle());
        }
        else if (nowNs - nextRefreshNs >= 0)
        {
            refresh.start();
            nextRefreshNs = nowNs + config.refreshIntervalNs();
            counts[SyncCounter.REFRESHES_STARTED.ordinal()]++;
        }
        return work;
    }

    private void sendBulkEnd()
    {
        flush();
        if (pendingLength > 0)
        {
            return;
        }
        final int length = writer.writeBulkEnd(sendBuffer, 0, config.senderId(), config.epoch(), nextSequence(),
            epochClock.nanoTime(), bulkEndFlows);
        bulkEndDue = false;
        if (send(length))
        {
            final long[] done = bulkDoneForEpoch.get(bulkPeer);
            if (done == null)
            {
                bulkDoneForEpoch.put(bulkPeer, new long[] {bulkEpoch, clock.nanoTime()});
            }
            else
            {
                done[0] = bulkEpoch;
                done[1] = clock.nanoTime();
            }
            counts[SyncCounter.BULKS_COMPLETED.ordinal()]++;
        }
    }

    private void onEvent(final int type, final FlowRecord record)
    {
        final FlowOp op = SyncMessageWriter.opOf(type);
        counts[SyncCounter.EVENTS_DRAINED.ordinal()]++;
        if (op == null)
        {
            counts[SyncCounter.EVENTS_UNKNOWN.ordinal()]++;
            return;
        }
        // The worker stamps events with its monotonic clock; peers compare wall clocks (the two
        // clocks' difference is read once per cycle, not per event).
        record.createdNs(record.createdNs() + epochMinusMonotonicNs);
        addFlow(op, record);
    }

    /**
     * Adds a flow to the open batch, sending the batch first when it is full.
     * <p>
     * No batch is ever open while another waits to be offered again: {@link #send} makes a message
     * pending only just after {@link #flush} closed the batch (or, for a hello or a bulk end, found
     * none open), and a batch is begun only while none is pending. A begun batch takes at least one
     * flow ({@link #batchFlows} is at least 1), so a flow always fits the batch begun for it.
     *
     * A full-NAT flow's reverse entry is skipped, counted: the forward entry carries the mapping.
     *
     * @return false when the flow was not taken because a batch waits to be offered again (back
     *         pressure): a walk offers the flow again at its next step.
     */
    private boolean addFlow(final FlowOp op, final FlowRecord record)
    {
        if (record.isNatReverse())
        {
            counts[SyncCounter.NAT_REVERSE_SKIPPED.ordinal()]++;
            return true;
        }
        if (batchOpen && writer.flowCount() == batchFlows)
        {
            flush();
        }
        if (pendingLength > 0)
        {
            return false;
        }
        if (!batchOpen)
        {
            begin();
        }
        writer.add(op, record);
        final SyncCounter sent = op == FlowOp.BULK ? SyncCounter.BULK_FLOWS_SENT :
            op == FlowOp.REFRESH ? SyncCounter.REFRESH_FLOWS_SENT : SyncCounter.EVENT_FLOWS_SENT;
        counts[sent.ordinal()]++;
        return true;
    }

    private void begin()
    {
        writer.begin(sendBuffer, 0, config.senderId(), config.epoch(), nextSequence(), epochClock.nanoTime());
        batchOpen = true;
        batchStartNs = clock.nanoTime();
    }

    /** Sends the open batch, if one is (never while another batch waits to be offered again: see {@link #addFlow}). */
    private void flush()
    {
        if (!batchOpen)
        {
            return;
        }
        batchOpen = false;
        if (writer.flowCount() == 0)
        {
            return;
        }
        send(writer.finish());
        counts[SyncCounter.BATCHES_SENT.ordinal()]++;
    }

    /** @return whether the hello went out (false when a batch had to wait for back pressure first). */
    private boolean sendHello()
    {
        flush();
        if (pendingLength > 0)
        {
            return false;
        }
        final MaglevDigestList own = digests.own();
        final int length = writer.writeHello(sendBuffer, 0, config.senderId(), config.epoch(), nextSequence(),
            epochClock.nanoTime(), !bulkReceived, own, digests.pageStart());
        send(length);
        digests.onPageSent(Math.min(own.count(), writer.maxDigestsPerHello()));
        counts[SyncCounter.HELLOS_SENT.ordinal()]++;
        return true;
    }

    /**
     * Reads peers' messages one at a time while every worker's ring has room for a whole batch:
     * what cannot be applied now stays in Aeron, which holds the peer back.
     */
    private int receive()
    {
        int received = 0;
        while (received < MESSAGES_PER_CYCLE && applier.hasRoomFor(writer.maxFlowsPerBatch()))
        {
            final int polled = transport.poll(fragmentHandler, 1);
            if (polled == 0)
            {
                break;
            }
            received += polled;
        }
        if (received < MESSAGES_PER_CYCLE && !applier.hasRoomFor(writer.maxFlowsPerBatch()))
        {
            counts[SyncCounter.RECEIVE_PAUSES.ordinal()]++;
        }
        return received;
    }

    /**
     * Sends the message in the send buffer. One that a peer refused for back pressure is kept and
     * offered again at the next cycles (the buffers swap, so that the next batch is built in the
     * other), until a peer takes it or it is refused for another reason.
     *
     * @return true when a peer took it or it waits to be offered again; false when no peer took it (counted).
     */
    private boolean send(final int length)
    {
        if (transport.offer(sendBuffer, 0, length) > 0)
        {
            return true;
        }
        if (transport.lastOfferBackPressured())
        {
            final UnsafeBuffer full = sendBuffer;
            sendBuffer = pendingBuffer;
            pendingBuffer = full;
            pendingLength = length;
            counts[SyncCounter.SENDS_DEFERRED.ordinal()]++;
            return true;
        }
        counts[SyncCounter.MESSAGES_UNSENT.ordinal()]++;
        return false;
    }

    /** @return true when the deferred message went, or was refused for good (counted); false while back pressure lasts. */
    private boolean resendPending()
    {
        if (transport.offer(pendingBuffer, 0, pendingLength) == 0)
        {
            if (transport.lastOfferBackPressured())
            {
                return false;
            }
            counts[SyncCounter.MESSAGES_UNSENT.ordinal()]++;
        }
        pendingLength = 0;
        return true;
    }

    /**
     * Reads the wall clock's lead over the monotonic clock, once per cycle rather than per event. A
     * reading the thread was preempted in the middle of (more than {@link #CLOCK_READ_MAX_NS}) is not
     * taken: the cycle keeps the last good offset, so that a flow's creation time is never put late.
     */
    private void updateClockOffset(final long beforeNs)
    {
        final long epochNs = epochClock.nanoTime();
        final long afterNs = clock.nanoTime();
        if (afterNs - beforeNs <= CLOCK_READ_MAX_NS || !clockOffsetRead)
        {
            epochMinusMonotonicNs = epochNs - afterNs;
            clockOffsetRead = true;
        }
    }

    private long nextSequence()
    {
        return ++sequence;
    }

    /**
     * Reads a message that came in one frame. A message a peer split into fragments (longer than one
     * frame: this version never sends one) is dropped unread and counted once, as too long, so that no
     * peer, nor anyone who can reach the port, makes this agent hold reassembly buffers.
     */
    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte flags = header.flags();
        if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            messageReadEpochNs = epochClock.nanoTime();
            final SyncVerdict verdict = reader.read(buffer, offset, length);
            if (verdict == SyncVerdict.OLD_VERSION || verdict == SyncVerdict.UNKNOWN_VERSION)
            {
                logVersionRefused(verdict);
            }
        }
        else if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) != 0)
        {
            reader.countTooLong();
        }
    }

    /**
     * Says once, and again every minute while it lasts or at once when the version changes, that a
     * peer's messages are refused for their schema version: nothing of that peer is applied (no flow,
     * no NAT mapping) until both load balancers run the same version.
     */
    private void logVersionRefused(final SyncVerdict verdict)
    {
        final int version = reader.lastRefusedVersion();
        final long nowNs = clock.nanoTime();
        if (version != versionLogged || nowNs - versionLoggedNs >= VERSION_LOG_INTERVAL_NS)
        {
            versionLogged = version;
            versionLoggedNs = nowNs;
            LOG.log(System.Logger.Level.WARNING, "sync: refusing messages of schema version {0} ({1}): this load " +
                "balancer speaks version {2} only; both load balancers must run the same sync schema version, so that " +
                "no flow''s NAT mapping is dropped (see sync/README.md)", version, verdict.label(), SyncProtocol.VERSION);
        }
    }

    /**
     * Starts a bulk transfer for a peer's epoch, unless one is under way, or one was completed for
     * that epoch (when asked again by a hello, less than {@link #bulkRetryNs()} ago: the hello may
     * have crossed the BulkEnd), or no peer is connected yet (the peer's hellos ask again until it
     * has one). A peer that still asks long after the BulkEnd went out did not get it: a publication
     * to a restarted peer can take its old image for connected for a while, and a new image joins at
     * the stream's current position, so what was sent before it came up never reaches it.
     *
     * @param asked whether the peer's hello asked for it (else its first message of an epoch).
     */
    private void startBulk(final int peer, final long epoch, final boolean asked)
    {
        final long[] done = bulkDoneForEpoch.get(peer);
        if (bulk.walking() || transport.connectedPeers() == 0)
        {
            return;
        }
        if (done != null && done[0] == epoch)
        {
            if (!asked || clock.nanoTime() - done[1] < bulkRetryNs())
            {
                return;
            }
            counts[SyncCounter.BULKS_RETRIED.ordinal()]++;
        }
        bulkPeer = peer;
        bulkEpoch = epoch;
        flush();
        bulk.start();
        bulkFlowsAtStart = counts[SyncCounter.BULK_FLOWS_SENT.ordinal()];
        counts[SyncCounter.BULKS_STARTED.ordinal()]++;
    }

    /** @return how long after a completed bulk transfer a peer's hello that still asks for one starts it again. */
    private long bulkRetryNs()
    {
        return 4 * config.helloIntervalNs();
    }

    private void publish()
    {
        bulkWalking = bulk.walking();
        for (int i = 0; i < counts.length; i++)
        {
            published.lazySet(i, counts[i]);
        }
        for (final SyncVerdict verdict : SyncVerdict.values())
        {
            publishedVerdicts.lazySet(verdict.ordinal(), reader.count(verdict));
        }
        for (final ReplicaCounter counter : ReplicaCounter.values())
        {
            publishedReplicas.lazySet(counter.ordinal(), applier.counter(counter));
        }
        for (final TransportCounter counter : TransportCounter.values())
        {
            publishedTransport.lazySet(counter.ordinal(), transport.counter(counter));
        }
        for (final DigestCounter counter : DigestCounter.values())
        {
            publishedDigests.lazySet(counter.ordinal(), digests.counter(counter));
        }
    }

    @Override
    public long counter(final SyncCounter counter)
    {
        return published.get(counter.ordinal());
    }

    @Override
    public long messages(final SyncVerdict verdict)
    {
        return publishedVerdicts.get(verdict.ordinal());
    }

    @Override
    public long replicas(final ReplicaCounter counter)
    {
        return publishedReplicas.get(counter.ordinal());
    }

    @Override
    public long digests(final DigestCounter counter)
    {
        return publishedDigests.get(counter.ordinal());
    }

    @Override
    public long transport(final TransportCounter counter)
    {
        return publishedTransport.get(counter.ordinal());
    }

    @Override
    public Histogram takeLag()
    {
        return lag.getIntervalHistogram();
    }

    @Override
    public boolean bulkInProgress()
    {
        return bulkWalking;
    }

    /** What the reader accepts, applied. */
    private final class Handler implements SyncMessageHandler
    {
        @Override
        public void onPeerEpoch(final SyncEnvelope message, final boolean restarted)
        {
            counts[restarted ? SyncCounter.PEER_RESTARTS.ordinal() : SyncCounter.PEERS_SEEN.ordinal()]++;
            startBulk(message.senderId(), message.epoch(), false);
        }

        @Override
        public void onFlow(final SyncEnvelope batch, final FlowOp op, final FlowRecord flow)
        {
            counts[SyncCounter.FLOWS_RECEIVED.ordinal()]++;
            if (op == FlowOp.BULK)
            {
                bulkFlowsReceived.put(batch.senderId(), bulkFlowsReceived.get(batch.senderId()) + 1);
            }
            if (applier.apply(flow, op == FlowOp.NEW))
            {
                final long lagNs = messageReadEpochNs - flow.createdNs();
                if (op != FlowOp.BULK && op != FlowOp.REFRESH && lagNs >= 0 && lagNs < MAX_LAG_NS)
                {
                    lag.recordValue(lagNs);
                }
            }
        }

        @Override
        public void onHello(final SyncEnvelope message, final boolean wantsBulk)
        {
            counts[SyncCounter.HELLOS_RECEIVED.ordinal()]++;
            if (wantsBulk)
            {
                startBulk(message.senderId(), message.epoch(), true);
            }
        }

        @Override
        public void onMaglevDigest(
            final SyncEnvelope message, final long vipHi, final long vipLo, final int port, final int protocol,
            final long maglevSize, final long digest)
        {
            digests.onPeerDigest(message.senderId(), vipHi, vipLo, port, protocol, maglevSize, digest);
        }

        /**
         * A bulk transfer counts as received only when every flow its BulkEnd announces arrived: a
         * batch sent before this LB's image of the sender's stream came up never arrives (a new image
         * joins at the stream's current position), and this LB's hellos then keep asking.
         */
        @Override
        public void onBulkEnd(final SyncEnvelope message, final long flowsSent)
        {
            final long received = bulkFlowsReceived.remove(message.senderId());
            if (received >= flowsSent)
            {
                counts[SyncCounter.BULKS_RECEIVED.ordinal()]++;
                bulkReceived = true;
            }
            else
            {
                counts[SyncCounter.BULKS_INCOMPLETE.ordinal()]++;
            }
        }
    }
}
