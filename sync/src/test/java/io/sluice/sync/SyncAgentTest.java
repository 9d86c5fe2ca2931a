package io.sluice.sync;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.ring.WorkerProxy;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;
import io.sluice.sync.transport.SyncTransport;
import io.sluice.sync.transport.SyncTransportConfig;
import io.sluice.sync.wire.SyncKey;
import io.sluice.sync.wire.SyncMessageReader;
import io.sluice.sync.wire.SyncMessageWriter;
import io.sluice.sync.wire.SyncVerdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two sync agents on the loopback interface, each with real rings and Aeron, their "workers" played
 * by threads that hold a flow table as a set of keys: they answer dumps from it and add the flows
 * that arrive as upserts, as a worker's command handling does.
 */
class SyncAgentTest
{
    private static final int TCP = 6;
    private static final IpAddress VIP = IpAddress.parse("192.0.2.10");
    private static final IpAddress BACKEND = IpAddress.parse("10.0.0.11");
    private static final SyncKey KEY = SyncKey.of(bytes(32, 7));

    private final ServiceSnapshot snapshot = ServiceSnapshotBuilder.build(
        DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of()),
        List.of(new ServiceSpec(VIP, 80, TCP, ForwardingMode.DSR, List.of(new ServiceSpec.BackendSpec(BACKEND, 1)),
            MaglevTable.DEFAULT_SIZE, TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30))),
        new NeighbourTable(64));
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception
    {
        running.set(false);
        for (final Thread thread : threads)
        {
            thread.join();
        }
        for (final AutoCloseable closeable : closeables)
        {
            closeable.close();
        }
    }

    private static byte[] bytes(final int length, final int value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    private static FlowRecord flow(final int client, final long createdNs)
    {
        final FlowRecord record = new FlowRecord();
        record.key().setIpv4(0xC6336400 | client, VIP.ipv4(), 40000 + client, 80, TCP);
        return record.service(VIP.hi(), VIP.lo(), 80, TCP).backend(BACKEND.hi(), BACKEND.lo(), 80)
            .idleTimeoutNs(TimeUnit.SECONDS.toNanos(300)).createdNs(createdNs);
    }

    /**
     * A worker whose table is {@code table} (source ports): dumps answer from it (the even clients' flows
     * as forwarded here, the odd ones as a peer's copies), upserts add to it.
     */
    private WorkerProxy worker(final Set<Integer> table)
    {
        return worker(table, client -> flow(client, 0).flags(client % 2 == 0 ? FlowRecord.FLAG_LOCAL : 0), null);
    }

    /**
     * A worker whose dumps describe each client of {@code table} as {@code dumped} says, and whose upserts add the
     * client to the table and, when {@code upserted} is given, a copy of the record to it.
     */
    private WorkerProxy worker(final Set<Integer> table, final IntFunction<FlowRecord> dumped, final List<FlowRecord> upserted)
    {
        final WorkerCommandRing commands = new WorkerCommandRing(WorkerCommandRing.MIN_CAPACITY);
        final FlowReplyRing replies = new FlowReplyRing(1 << 16);
        final Thread thread = Thread.ofPlatform().start(() ->
        {
            final WorkerCommandRing.WorkerCommandHandler handler = new WorkerCommandRing.WorkerCommandHandler()
            {
                @Override
                public void onFrame(final MemorySegment segment, final long offset, final int length)
                {
                }

                @Override
                public void onUpsert(final FlowRecord record)
                {
                    if (upserted != null)
                    {
                        upserted.add(new FlowRecord().set(record));
                    }
                    table.add(record.key().srcPort() - 40000);
                }

                @Override
                public void onDump(final long requestId, final int fromHandle, final int maxFlows)
                {
                    final List<Integer> clients = table.stream().sorted().toList();
                    int handle = fromHandle;
                    int sent = 0;
                    while (handle < clients.size() && sent < maxFlows)
                    {
                        final int client = clients.get(handle);
                        replies.offerDumpRecord(requestId, dumped.apply(client));
                        sent++;
                        handle++;
                    }
                    replies.offerDumpEnd(requestId, handle >= clients.size() ? FlowReplyRing.END_OF_TABLE : handle);
                }

                @Override
                public void onLookup(final long requestId, final FlowKey key)
                {
                }
            };
            while (running.get())
            {
                commands.drain(handler, 64);
                Thread.onSpinWait();
            }
        });
        threads.add(thread);
        return new WorkerProxy(commands, replies);
    }

    private SyncAgent agent(
        final int id, final String listen, final String peer, final FlowEventRing events, final WorkerProxy worker,
        final SyncKey key)
    {
        return agent(id, listen, peer, events, worker, key, TimeUnit.HOURS.toNanos(1));
    }

    private SyncAgent agent(
        final int id, final String listen, final String peer, final FlowEventRing events, final WorkerProxy worker,
        final SyncKey key, final long refreshIntervalNs)
    {
        final SyncTransport transport = new SyncTransport(new SyncTransportConfig(
            "/dev/shm/sluice-agent-test-" + id + "-" + ProcessHandle.current().pid(), listen, List.of(peer), null,
            SyncTransportConfig.DEFAULT_STREAM_ID, SyncTransportConfig.MIN_TERM_LENGTH * 4), (session, source, up) -> { });
        closeables.add(transport);
        final SyncAgentConfig config = new SyncAgentConfig(id, System.currentTimeMillis(), 0,
            TimeUnit.MILLISECONDS.toNanos(50), refreshIntervalNs, 64, TimeUnit.SECONDS.toNanos(2));
        return new SyncAgent(config, transport, List.of(events), List.of(worker),
            new ReplicaApplier(() -> snapshot, List.of(worker), ReplicaApplier.WorkerSteering.ALL),
            new SyncMessageWriter(key), handler -> new SyncMessageReader(key, id, handler), SystemNanoClock.INSTANCE,
            SystemEpochNanoClock.INSTANCE);
    }

    @Test
    void shouldBulkTransferTheTableToAPeerThatStartsAndThenStreamEveryNewFlow()
    {
        final Set<Integer> tableA = ConcurrentHashMap.newKeySet();
        final Set<Integer> tableB = ConcurrentHashMap.newKeySet();
        for (int client = 1; client <= 200; client++)
        {
            tableA.add(client);
        }
        final FlowEventRing eventsA = new FlowEventRing(1 << 16);
        final SyncAgent a = agent(1, "127.0.0.1:47411", "127.0.0.1:47412", eventsA, worker(tableA), KEY);
        final SyncAgent b = agent(2, "127.0.0.1:47412", "127.0.0.1:47411", new FlowEventRing(1 << 16), worker(tableB), KEY);

        run(() -> tableB.size() == 200 && a.counter(SyncCounter.BULKS_COMPLETED) >= 1 && b.counter(SyncCounter.BULKS_RECEIVED) >= 1, a, b);
        assertEquals(tableA, tableB, "every flow of A's table reached B's");

        final long now = System.nanoTime();
        for (int client = 201; client <= 300; client++)
        {
            assertTrue(eventsA.offer(FlowEventRing.NEW, flow(client, now)));
        }
        run(() -> tableB.size() == 300, a, b);
        assertEquals(100, a.counter(SyncCounter.EVENT_FLOWS_SENT));
        assertTrue(a.counter(SyncCounter.EVENTS_DRAINED) == 100);
        assertEquals(100, b.takeLag().getTotalCount(), "the lag of each streamed flow recorded");
        assertEquals(0, b.messages(SyncVerdict.BAD_MAC) + b.messages(SyncVerdict.REPLAYED));
    }

    /**
     * The bulk transfer carries a full-NAT flow's mapping from the sending worker's dump to the receiving
     * workers: the forward record as dumped, and the reverse record (backend:bport to laddr:lport, the client
     * in the NAT fields) the receiver derives.
     */
    @Test
    void shouldCarryTheNatMappingOfEveryFlowThroughTheBulkTransferToTheForwardAndReverseRecords()
    {
        final IpAddress laddr = IpAddress.parse("198.51.100.200");
        final IntFunction<FlowRecord> natFlow = client -> flow(client, 0).nat(laddr.hi(), laddr.lo(), 20_000 + client);
        final Set<Integer> tableA = ConcurrentHashMap.newKeySet();
        for (int client = 1; client <= 50; client++)
        {
            tableA.add(client);
        }
        final List<FlowRecord> upserted = new CopyOnWriteArrayList<>();
        final SyncAgent a = agent(1, "127.0.0.1:47441", "127.0.0.1:47442", new FlowEventRing(1 << 16),
            worker(tableA, natFlow, null), KEY);
        final SyncAgent b = agent(2, "127.0.0.1:47442", "127.0.0.1:47441", new FlowEventRing(1 << 16),
            worker(ConcurrentHashMap.newKeySet(), natFlow, upserted), KEY);

        run(() -> upserted.size() >= 100 && b.counter(SyncCounter.BULKS_RECEIVED) >= 1, a, b);
        assertEquals(100, upserted.size(), "a forward and a reverse record per flow");
        for (int client = 1; client <= 50; client++)
        {
            final FlowRecord forward = natFlow.apply(client);
            final int lport = 20_000 + client;
            final FlowRecord reverse = new FlowRecord().set(forward).nat(forward.key().srcHi(), forward.key().srcLo(),
                forward.key().srcPort()).flags(FlowRecord.FLAG_NAT_REVERSE);
            reverse.key().setIpv4(BACKEND.ipv4(), laddr.ipv4(), 80, lport, TCP);
            assertTrue(upserted.stream().anyMatch(forward::sameAs), "forward of client " + client);
            assertTrue(upserted.stream().anyMatch(reverse::sameAs), "reverse of client " + client);
        }
        assertEquals(50, b.replicas(ReplicaCounter.NAT_REVERSE_QUEUED));
    }

    @Test
    void shouldRefreshOnlyTheFlowsThisLbForwardsAtEachInterval()
    {
        final Set<Integer> tableA = ConcurrentHashMap.newKeySet();
        for (int client = 1; client <= 40; client++)
        {
            tableA.add(client);
        }
        final SyncAgent a = agent(1, "127.0.0.1:47431", "127.0.0.1:47432", new FlowEventRing(1 << 16), worker(tableA), KEY,
            TimeUnit.MILLISECONDS.toNanos(100));
        final SyncAgent b = agent(2, "127.0.0.1:47432", "127.0.0.1:47431", new FlowEventRing(1 << 16),
            worker(ConcurrentHashMap.newKeySet()), KEY);

        run(() -> a.counter(SyncCounter.REFRESHES_STARTED) >= 3 && a.counter(SyncCounter.BULKS_COMPLETED) >= 1, a, b);
        // A walk starts only once the one before has ended: all but the last walk started are complete.
        final long started = a.counter(SyncCounter.REFRESHES_STARTED);
        final long refreshed = a.counter(SyncCounter.REFRESH_FLOWS_SENT);
        assertTrue(refreshed >= 20L * (started - 1) && refreshed <= 20L * started,
            "the 20 local flows of 40 at every walk: " + refreshed + " in " + started + " walks");
        assertEquals(40, a.counter(SyncCounter.BULK_FLOWS_SENT), "the bulk transfer sends them all");
        run(() -> b.counter(SyncCounter.FLOWS_RECEIVED) >= 40 + 20L * (started - 1), a, b);
    }

    @Test
    void shouldHoldBackPressuredBatchesAndDeliverEveryFlowOnceThePeerCatchesUp()
    {
        final Set<Integer> tableB = ConcurrentHashMap.newKeySet();
        final FlowEventRing eventsA = new FlowEventRing(1 << 22);
        final SyncAgent a = agent(1, "127.0.0.1:47421", "127.0.0.1:47422", eventsA, worker(ConcurrentHashMap.newKeySet()), KEY);
        final SyncAgent b = agent(2, "127.0.0.1:47422", "127.0.0.1:47421", new FlowEventRing(1 << 16), worker(tableB), KEY);
        run(() -> a.counter(SyncCounter.BULKS_RECEIVED) >= 1 && b.counter(SyncCounter.BULKS_RECEIVED) >= 1, a, b);

        final long unsentBefore = a.counter(SyncCounter.MESSAGES_UNSENT);
        final int flows = 20_000;
        final long now = System.nanoTime();
        for (int client = 1; client <= flows; client++)
        {
            assertTrue(eventsA.offer(FlowEventRing.NEW, flow(client, now)));
        }
        run(() -> a.counter(SyncCounter.SENDS_DEFERRED) > 0, a);
        try
        {
            run(() -> tableB.size() == flows, a, b);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError("B holds " + tableB.size() + "; A drained " + a.counter(SyncCounter.EVENTS_DRAINED) +
                " sent " + a.counter(SyncCounter.EVENT_FLOWS_SENT) + " deferred " + a.counter(SyncCounter.SENDS_DEFERRED) +
                " unsent " + a.counter(SyncCounter.MESSAGES_UNSENT) + "; B received " + b.counter(SyncCounter.FLOWS_RECEIVED) +
                " queued " + b.replicas(ReplicaCounter.QUEUED) + " ring full " + b.replicas(ReplicaCounter.COMMAND_RING_FULL) +
                " pauses " + b.counter(SyncCounter.RECEIVE_PAUSES) + " accepted " + b.messages(SyncVerdict.ACCEPTED) +
                " replayed " + b.messages(SyncVerdict.REPLAYED) + " malformed " + b.messages(SyncVerdict.MALFORMED), ex);
        }

        assertEquals(flows, a.counter(SyncCounter.EVENT_FLOWS_SENT));
        assertEquals(unsentBefore, a.counter(SyncCounter.MESSAGES_UNSENT), "nothing dropped (a hello before the peer was up is)");
    }

    @Test
    void shouldCountAndApplyNothingFromASenderWithTheWrongKeyOrAReplay()
    {
        final Set<Integer> tableB = ConcurrentHashMap.newKeySet();
        final SyncAgent b = agent(2, "127.0.0.1:47512", "127.0.0.1:47511", new FlowEventRing(1 << 16), worker(tableB), KEY);
        final SyncTransport rogue = new SyncTransport(new SyncTransportConfig(
            "/dev/shm/sluice-agent-test-rogue-" + ProcessHandle.current().pid(), "127.0.0.1:47513", List.of("127.0.0.1:47512"),
            null, SyncTransportConfig.DEFAULT_STREAM_ID, SyncTransportConfig.MIN_TERM_LENGTH), (session, source, up) -> { });
        closeables.add(rogue);
        run(() -> rogue.allPeersConnected(), b, rogue);

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        final SyncMessageWriter forger = new SyncMessageWriter(SyncKey.of(bytes(32, 8)));
        forger.begin(buffer, 0, 9, System.currentTimeMillis(), 1, System.currentTimeMillis() * 1_000_000L);
        forger.add(io.sluice.sync.codec.FlowOp.NEW, flow(1, 0));
        final int forged = forger.finish();
        assertEquals(1, rogue.offer(buffer, 0, forged));

        final SyncMessageWriter insider = new SyncMessageWriter(KEY);
        insider.begin(buffer, 0, 9, System.currentTimeMillis(), 1, System.currentTimeMillis() * 1_000_000L);
        insider.add(io.sluice.sync.codec.FlowOp.NEW, flow(2, 0));
        final int genuine = insider.finish();
        assertEquals(1, rogue.offer(buffer, 0, genuine));
        assertEquals(1, rogue.offer(buffer, 0, genuine), "the same message again");

        run(() -> b.messages(SyncVerdict.BAD_MAC) == 1 && b.messages(SyncVerdict.REPLAYED) == 1 && tableB.contains(2), b, rogue);
        assertEquals(Set.of(2), tableB, "only the genuine flow, once");
    }

    @Test
    void shouldCountAndDropAMessageWhenAPeerSendsItInMoreThanOneFrame()
    {
        final Set<Integer> tableB = ConcurrentHashMap.newKeySet();
        final SyncAgent b = agent(2, "127.0.0.1:47522", "127.0.0.1:47521", new FlowEventRing(1 << 16), worker(tableB), KEY);
        final SyncTransport peer = rawPeer("long", "127.0.0.1:47523", "127.0.0.1:47522");
        run(() -> peer.allPeersConnected(), b, peer);

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        final SyncMessageWriter writer = new SyncMessageWriter(KEY);
        final long epoch = System.currentTimeMillis();
        writer.begin(buffer, 0, 9, epoch, 1, System.currentTimeMillis() * 1_000_000L);
        for (int client = 1; client <= 60; client++)
        {
            assertTrue(writer.add(io.sluice.sync.codec.FlowOp.NEW, flow(client, 0)));
        }
        final int longMessage = writer.finish();
        assertTrue(longMessage > peer.maxMessageLength(), "signed and valid, but longer than one frame");
        assertEquals(1, peer.offer(buffer, 0, longMessage));
        writer.begin(buffer, 0, 9, epoch, 2, System.currentTimeMillis() * 1_000_000L);
        writer.add(io.sluice.sync.codec.FlowOp.NEW, flow(100, 0));
        assertEquals(1, peer.offer(buffer, 0, writer.finish()));

        run(() -> b.messages(SyncVerdict.TOO_LONG) == 1 && tableB.contains(100), b, peer);
        assertEquals(Set.of(100), tableB, "none of the long message's flows, the next message's one");
        assertEquals(1, b.messages(SyncVerdict.ACCEPTED));
    }

    @Test
    void shouldSendEveryBatchInOneFrameWhenTheWriterAllowsLongerMessages()
    {
        final FlowEventRing eventsA = new FlowEventRing(1 << 16);
        final SyncAgent a = agent(1, "127.0.0.1:47531", "127.0.0.1:47532", eventsA, worker(ConcurrentHashMap.newKeySet()), KEY);
        final SyncTransport peer = rawPeer("frames", "127.0.0.1:47532", "127.0.0.1:47531");
        final List<Integer> fragmentFlags = new CopyOnWriteArrayList<>();
        final List<Integer> flowsPerMessage = new CopyOnWriteArrayList<>();
        final SyncMessageReader reader = new SyncMessageReader(KEY, 9, new RecordingFlows(flowsPerMessage));
        final io.aeron.logbuffer.FragmentHandler handler = (buffer, offset, length, header) ->
        {
            fragmentFlags.add(header.flags() & 0xFF);
            reader.read(buffer, offset, length);
        };
        run(() -> peer.peerStreams() > 0 && peer.allPeersConnected(), a, peer);

        final long now = System.nanoTime();
        final int flows = 500;
        for (int client = 1; client <= flows; client++)
        {
            assertTrue(eventsA.offer(FlowEventRing.NEW, flow(client, now)));
        }
        run(() ->
        {
            peer.poll(handler, 16);
            return flowsPerMessage.stream().mapToInt(Integer::intValue).sum() == flows;
        }, a, peer);

        final int frameFlows = io.sluice.sync.wire.SyncProtocol.flowsThatFit(peer.maxMessageLength());
        assertTrue(fragmentFlags.stream().allMatch(flags -> flags == (io.aeron.logbuffer.FrameDescriptor.UNFRAGMENTED & 0xFF)),
            "no message fragmented: " + fragmentFlags);
        assertTrue(flowsPerMessage.stream().allMatch(count -> count <= frameFlows), "at most " + frameFlows + " flows a batch");
        assertEquals(0, reader.rejected());
    }

    /** A transport with no agent: sends what a test writes, receives what an agent sends. */
    private SyncTransport rawPeer(final String name, final String listen, final String peer)
    {
        final SyncTransport transport = new SyncTransport(new SyncTransportConfig(
            "/dev/shm/sluice-agent-test-" + name + "-" + ProcessHandle.current().pid(), listen, List.of(peer),
            null, SyncTransportConfig.DEFAULT_STREAM_ID, SyncTransportConfig.MIN_TERM_LENGTH), (session, source, up) -> { });
        closeables.add(transport);
        return transport;
    }

    /** Records each flow batch's flow count. */
    private static final class RecordingFlows implements io.sluice.sync.wire.SyncMessageHandler
    {
        private final List<Integer> flowsPerMessage;
        private long lastSequence;

        RecordingFlows(final List<Integer> flowsPerMessage)
        {
            this.flowsPerMessage = flowsPerMessage;
        }

        @Override
        public void onPeerEpoch(final io.sluice.sync.wire.SyncEnvelope message, final boolean restarted)
        {
        }

        @Override
        public void onFlow(final io.sluice.sync.wire.SyncEnvelope batch, final io.sluice.sync.codec.FlowOp op, final FlowRecord flow)
        {
            if (batch.sequence() != lastSequence)
            {
                lastSequence = batch.sequence();
                flowsPerMessage.add(batch.flowCount());
            }
        }

        @Override
        public void onHello(final io.sluice.sync.wire.SyncEnvelope message, final boolean wantsBulk)
        {
        }

        @Override
        public void onMaglevDigest(
            final io.sluice.sync.wire.SyncEnvelope message, final long vipHi, final long vipLo, final int port, final int protocol,
            final long maglevSize, final long digest)
        {
        }

        @Override
        public void onBulkEnd(final io.sluice.sync.wire.SyncEnvelope message, final long flowsSent)
        {
        }
    }

    private static void run(final BooleanSupplier done, final Object... agents)
    {
        final List<Object> all = new CopyOnWriteArrayList<>(agents);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean())
        {
            for (final Object agent : all)
            {
                if (agent instanceof SyncAgent syncAgent)
                {
                    syncAgent.doWork();
                }
                else
                {
                    ((SyncTransport)agent).doWork();
                }
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("not reached within 20 s");
            }
        }
    }
}
