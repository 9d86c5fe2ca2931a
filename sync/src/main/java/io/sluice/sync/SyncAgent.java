package io.sluice.sync;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

import io.aeron.FragmentAssembler;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.WorkerProxy;
import io.sluice.sync.codec.FlowOp;
import io.sluice.sync.transport.SyncTransport;
import io.sluice.sync.transport.TransportCounter;
import io.sluice.sync.wire.SyncEnvelope;
import io.sluice.sync.wire.SyncMessageHandler;
import io.sluice.sync.wire.SyncMessageReader;
import io.sluice.sync.wire.SyncMessageWriter;
import io.sluice.sync.wire.SyncVerdict;
import org.HdrHistogram.Histogram;
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
 *       transfer until it has had one;</li>
 *   <li>reads what peers sent: checked ({@link SyncMessageReader}: key, freshness, format), then each
 *       flow checked against the snapshot and queued to its worker ({@link ReplicaApplier}).</li>
 * </ol>
 * Nothing here blocks on a peer: a send no peer takes is counted and the flows go with the next
 * bulk transfer that peer asks for. Replication lag, from a flow's creation on the sending worker to
 * its queueing here, is recorded in a histogram (the LBs' clocks must agree; on one host they do).
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
    private final UnsafeBuffer sendBuffer;
    private final FragmentHandler assembler;
    private final FlowEventRing.FlowEventHandler eventHandler = this::onEvent;
    private final TableWalker.FlowSink bulkSink = flow -> addFlow(FlowOp.BULK, flow);
    private final TableWalker.FlowSink refreshSink = flow -> addFlow(FlowOp.REFRESH, flow);
    private final Int2ObjectHashMap<long[]> bulkSentForEpoch = new Int2ObjectHashMap<>();
    private final long[] counts = new long[SyncCounter.values().length];
    private final AtomicLongArray published = new AtomicLongArray(SyncCounter.values().length);
    private final AtomicLongArray publishedVerdicts = new AtomicLongArray(SyncVerdict.values().length);
    private final AtomicLongArray publishedReplicas = new AtomicLongArray(ReplicaCounter.values().length);
    private final AtomicLongArray publishedTransport = new AtomicLongArray(TransportCounter.values().length);
    private final Recorder lag = new Recorder(MAX_LAG_NS, 3);

    private long sequence;
    private boolean batchOpen;
    private long batchStartNs;
    private long nextHelloNs;
    private long nextRefreshNs;
    private boolean bulkReceived;
    private long bulkFlowsAtStart;

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
        this.reader = readerOf.apply(new Handler());
        this.sendBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(writer.maxMessageLength()));
        this.assembler = new FragmentAssembler(this::onMessage);
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
        for (int i = 0; i < eventRings.size(); i++)
        {
            work += eventRings.get(i).drain(eventHandler, EVENTS_PER_RING_PER_CYCLE);
        }
        work += stepWalks(nowNs);
        if (batchOpen && (nowNs - batchStartNs >= config.maxBatchDelayNs()))
        {
            flush();
            work++;
        }
        if (nowNs - nextHelloNs >= 0)
        {
            sendHello();
            nextHelloNs = nowNs + config.helloIntervalNs();
            work++;
        }
        work += transport.poll(assembler, MESSAGES_PER_CYCLE);
        publish();
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
                final long sent = counts[SyncCounter.BULK_FLOWS_SENT.ordinal()] - bulkFlowsAtStart;
                final int length = writer.writeBulkEnd(sendBuffer, 0, config.senderId(), config.epoch(), nextSequence(),
                    epochClock.nanoTime(), sent);
                send(length);
                counts[SyncCounter.BULKS_COMPLETED.ordinal()]++;
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

    private void onEvent(final int type, final FlowRecord record)
    {
        final FlowOp op = SyncMessageWriter.opOf(type);
        counts[SyncCounter.EVENTS_DRAINED.ordinal()]++;
        if (op == null)
        {
            counts[SyncCounter.EVENTS_UNKNOWN.ordinal()]++;
            return;
        }
        // The worker stamps events with its monotonic clock; peers compare wall clocks.
        record.createdNs(epochClock.nanoTime() - (clock.nanoTime() - record.createdNs()));
        addFlow(op, record);
    }

    private boolean addFlow(final FlowOp op, final FlowRecord record)
    {
        if (!batchOpen)
        {
            begin();
        }
        if (!writer.add(op, record))
        {
            flush();
            begin();
            if (!writer.add(op, record))
            {
                counts[SyncCounter.FLOWS_UNENCODABLE.ordinal()]++;
                return true;
            }
        }
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

    private void sendHello()
    {
        flush();
        final int length = writer.writeHello(sendBuffer, 0, config.senderId(), config.epoch(), nextSequence(),
            epochClock.nanoTime(), !bulkReceived);
        send(length);
        counts[SyncCounter.HELLOS_SENT.ordinal()]++;
    }

    private void send(final int length)
    {
        if (transport.offer(sendBuffer, 0, length) == 0)
        {
            counts[SyncCounter.MESSAGES_UNSENT.ordinal()]++;
        }
    }

    private long nextSequence()
    {
        return ++sequence;
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        reader.read(buffer, offset, length);
    }

    private void startBulk(final int peer, final long epoch)
    {
        final long[] sent = bulkSentForEpoch.get(peer);
        if (sent != null && sent[0] == epoch)
        {
            return;
        }
        if (sent == null)
        {
            bulkSentForEpoch.put(peer, new long[] {epoch});
        }
        else
        {
            sent[0] = epoch;
        }
        flush();
        bulk.start();
        bulkFlowsAtStart = counts[SyncCounter.BULK_FLOWS_SENT.ordinal()];
        counts[SyncCounter.BULKS_STARTED.ordinal()]++;
    }

    private void publish()
    {
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
        return bulk.walking();
    }

    /** What the reader accepts, applied. */
    private final class Handler implements SyncMessageHandler
    {
        @Override
        public void onPeerEpoch(final SyncEnvelope message, final boolean restarted)
        {
            counts[restarted ? SyncCounter.PEER_RESTARTS.ordinal() : SyncCounter.PEERS_SEEN.ordinal()]++;
            startBulk(message.senderId(), message.epoch());
        }

        @Override
        public void onFlow(final SyncEnvelope batch, final FlowOp op, final FlowRecord flow)
        {
            counts[SyncCounter.FLOWS_RECEIVED.ordinal()]++;
            if (applier.apply(flow))
            {
                final long lagNs = epochClock.nanoTime() - flow.createdNs();
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
                startBulk(message.senderId(), message.epoch());
            }
        }

        @Override
        public void onBulkEnd(final SyncEnvelope message, final long flowsSent)
        {
            counts[SyncCounter.BULKS_RECEIVED.ordinal()]++;
            bulkReceived = true;
        }
    }
}
