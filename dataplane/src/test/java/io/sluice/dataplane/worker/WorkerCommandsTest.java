package io.sluice.dataplane.worker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.ring.DumpPage;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.ring.FrameRing;
import io.sluice.dataplane.ring.LookupResult;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.ring.WorkerProxy;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.service.SnapshotPublisher;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.Mbuf;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;

import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's command ring end to end, wired as {@code Dataplane.createAgents} wires it: a {@link
 * WorkerProxy} over the worker's {@link WorkerCommandRing} and the {@link FlowReplyRing} its flow
 * tracker answers on. The worker runs on a net_ring port and is stepped by the test thread with
 * {@code doWork()} under a clock the test moves; the requests that wait for an answer come from
 * another thread, as gRPC's would.
 */
@Tag("dpdk")
class WorkerCommandsTest
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final String VIP = "192.0.2.10";
    private static final String CLIENT = "198.51.100.7";
    private static final String[] BACKENDS = {"10.0.0.11", "10.0.0.12"};
    private static final long TCP_IDLE_NS = TimeUnit.SECONDS.toNanos(300);
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    private final CachedNanoClock clock = new CachedNanoClock();
    private final ExecutorService requester = Executors.newSingleThreadExecutor();
    private MbufPool pool;
    private Port port;
    private FlowTable flows;
    private StatsFile stats;
    private Arena arena;
    private DataplaneCounters counters;
    private WorkerProxy proxy;
    private WorkerAgent worker;

    @BeforeEach
    void startWorker()
    {
        final NeighbourTable neighbours = new NeighbourTable(8);
        final SnapshotPublisher snapshots = new SnapshotPublisher(ServiceSnapshotBuilder.build(
            DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of()),
            List.of(ServiceSpec.of(IpAddress.parse(VIP), 80, TCP, ForwardingMode.DSR, List.of(
                new ServiceSpec.BackendSpec(IpAddress.parse(BACKENDS[0]), 1),
                new ServiceSpec.BackendSpec(IpAddress.parse(BACKENDS[1]), 1)))), neighbours));
        pool = DpdkTestSupport.newPool(1023);
        port = Port.open("net_ring63", new PortConfig(1, 1, 256, 256, false), pool);
        flows = new FlowTable(1 << 10, TimeUnit.SECONDS.toNanos(1));
        stats = StatsFile.inMemory(1);
        arena = Arena.ofConfined();
        counters = new DataplaneCounters(stats.countersManager(), 0);
        final WorkerCommandRing commands = new WorkerCommandRing(1 << 16);
        final FlowReplyRing replies = new FlowReplyRing(1 << 16);
        proxy = new WorkerProxy(commands, replies);
        worker = new WorkerAgent(0, DpdkTestSupport.eal(), port, 0, pool, macLong(LB_MAC),
            TestPipelines.of(flows, neighbours, counters, replies), snapshots, new FrameRing(1 << 16), commands, clock, 32, 4);
        worker.onStart();
        clock.update(1_000_000_000L);
    }

    @AfterEach
    void stopWorker()
    {
        requester.shutdownNow();
        worker.onClose();
        counters.close();
        arena.close();
        stats.close();
        flows.close();
        port.close();
        pool.close();
    }

    @Test
    void shouldAnswerALookupFromAnotherThreadWhenTheWorkerIsStepped()
    {
        assertTrue(proxy.upsert(flow(40000, BACKENDS[1])));
        step();
        assertEquals(1, counters.get(WorkerCounter.FLOW_UPSERTS));

        final LookupResult found = awaitWhileStepping(() -> proxy.lookup(key(40000), WAIT_NS));
        assertEquals(LookupResult.Outcome.FOUND, found.outcome());
        assertEquals(IpAddress.parse(BACKENDS[1]).lo(), found.flow().backendLo());
        assertEquals(80, found.flow().backendPort());
        assertEquals(TCP_IDLE_NS, found.flow().idleTimeoutNs());
        assertTrue(found.flow().key().sameAs(key(40000)));

        assertEquals(LookupResult.Outcome.NOT_FOUND, awaitWhileStepping(() -> proxy.lookup(key(40001), WAIT_NS)).outcome());

        final DumpPage page = awaitWhileStepping(() -> proxy.dump(0, 10, WAIT_NS));
        assertTrue(page.isLast());
        assertEquals(1, page.flows().size());
        assertTrue(page.flows().get(0).key().sameAs(key(40000)));
        assertEquals(0, proxy.staleReplies());
    }

    @Test
    void shouldSendAnInjectedFrameOutOnThePortWhenTheWorkerDrainsIt()
    {
        final byte[] frame = padded(ethernet("02:00:00:00:00:99", LB_MAC, ETHERTYPE_ARP,
            arp(1, LB_MAC, "10.0.0.2", "00:00:00:00:00:00", "10.0.0.11")));
        final MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        assertTrue(proxy.injectFrame(segment, 0, frame.length));

        step();
        assertEquals(1, counters.get(WorkerCounter.INJECTED));
        assertEquals(0, counters.get(WorkerCounter.INJECT_FAILED));
        assertEquals(1, counters.get(WorkerCounter.TX_PACKETS));
        assertArrayEquals(frame, receiveOne(), "the frame as queued, looped back by net_ring");
    }

    @Test
    void shouldTakeAtMostTheCommandLimitPerDutyCycleWhenMoreAreQueued()
    {
        final int frames = 3;
        final int upserts = 2 * WorkerAgent.COMMAND_LIMIT;
        final MemorySegment segment = arena.allocate(60);
        for (int i = 0; i < frames; i++)
        {
            assertTrue(proxy.injectFrame(segment, 0, 60));
        }
        for (int i = 0; i < upserts; i++)
        {
            assertTrue(proxy.upsert(flow(41000 + i, BACKENDS[i & 1])));
        }

        assertTrue(step() >= WorkerAgent.COMMAND_LIMIT);
        assertEquals(frames, counters.get(WorkerCounter.INJECTED), "commands are taken in order");
        assertEquals(WorkerAgent.COMMAND_LIMIT - frames, counters.get(WorkerCounter.FLOW_UPSERTS));
        step();
        assertEquals(2L * WorkerAgent.COMMAND_LIMIT - frames, counters.get(WorkerCounter.FLOW_UPSERTS));
        step();
        assertEquals(upserts, counters.get(WorkerCounter.FLOW_UPSERTS), "the rest");
        assertEquals(upserts, flows.size());
        step();
        assertEquals(upserts, counters.get(WorkerCounter.FLOW_UPSERTS));
        assertEquals(frames, counters.get(WorkerCounter.INJECTED));
    }

    private int step()
    {
        clock.advance(1_000);
        return worker.doWork();
    }

    /** Runs a blocking request on the requester thread while this thread steps the worker. */
    private <T> T awaitWhileStepping(final Supplier<T> request)
    {
        final CompletableFuture<T> answer = CompletableFuture.supplyAsync(request, requester);
        final long deadlineNs = System.nanoTime() + WAIT_NS;
        while (!answer.isDone() && System.nanoTime() - deadlineNs < 0)
        {
            step();
            Thread.onSpinWait();
        }
        assertTrue(answer.isDone(), "answered while stepped");
        return answer.join();
    }

    private byte[] receiveOne()
    {
        final MemorySegment pointers = arena.allocate(ValueLayout.JAVA_LONG, 4);
        assertEquals(1, port.rxBurst(0, pointers, 4));
        final Mbuf mbuf = new Mbuf().wrap(pointers.getAtIndex(ValueLayout.JAVA_LONG, 0));
        final byte[] bytes = new byte[mbuf.dataLength()];
        MemorySegment.copy(Mbuf.memory(), ValueLayout.JAVA_BYTE, mbuf.dataAddress(), bytes, 0, bytes.length);
        pool.free(mbuf.address());
        return bytes;
    }

    private static FlowKey key(final int clientPort)
    {
        return new FlowKey().setIpv4(IpAddress.parse(CLIENT).ipv4(), IpAddress.parse(VIP).ipv4(), clientPort, 80, TCP);
    }

    private static FlowRecord flow(final int clientPort, final String backend)
    {
        final IpAddress vip = IpAddress.parse(VIP);
        final IpAddress address = IpAddress.parse(backend);
        return new FlowRecord().copyKey(key(clientPort)).service(vip.hi(), vip.lo(), 80, TCP)
            .backend(address.hi(), address.lo(), 80).idleTimeoutNs(TCP_IDLE_NS);
    }
}
