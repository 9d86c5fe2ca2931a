package io.sluice.bench.sync;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;

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
import io.sluice.sync.ReplicaApplier;
import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncAgent;
import io.sluice.sync.SyncAgentConfig;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.transport.SyncTransport;
import io.sluice.sync.transport.SyncTransportConfig;
import io.sluice.sync.wire.SyncKey;
import io.sluice.sync.wire.SyncMessageReader;
import io.sluice.sync.wire.SyncMessageWriter;

/**
 * Flow-sync throughput and lag, end to end between two sync agents on the loopback interface: a
 * worker's flow-event ring on one side, Aeron between, the other side's worker command ring (drained
 * as a worker would). A development probe with the numbers bench/README.md records.
 * <ul>
 *   <li>{@code cost}: one thread runs the producer, both agents and the draining in turn, so the
 *       figure is the CPU time of the whole path per flow (send and receive), and its reciprocal the
 *       rate one core pair would reach.</li>
 *   <li>{@code lag RATE SECONDS [WARM_UP_SECONDS [shared]]}: each agent on a thread of its own (backing off as the
 *       daemon's does; with {@code shared} both on one thread), the producer paced at RATE flows per second; prints the receiving side's lag percentiles
 *       (flow creation to the reading of its message), second by second and over the seconds after the warm-up.</li>
 *   <li>{@code bulk FLOWS}: a peer restarts and this side sends it a table of FLOWS live flows; prints the
 *       time until the peer's worker has had all of them.</li>
 * </ul>
 * The Aeron directories in {@code /dev/shm} are deleted at exit, also after a failure or SIGINT/SIGTERM;
 * those of a killed run at the next run's start.
 * Run: {@code java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.sluice.bench.sync.SyncThroughputProbe cost [FLOWS] | lag RATE SECONDS [WARM_UP] | bulk [FLOWS]}
 */
public final class SyncThroughputProbe
{
    private static final int TCP = 6;
    /** Flows the cost mode lets be in flight (sent, not yet applied): Aeron's window holds them, so no batch is refused. */
    private static final int IN_FLIGHT = 8192;
    private static final IpAddress VIP = IpAddress.parse("192.0.2.10");
    private static final IpAddress BACKEND = IpAddress.parse("10.0.0.11");
    private static final String SHM = "/dev/shm";
    private static final String DIRECTORY_PREFIX = "sluice-sync-probe-";
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private SyncThroughputProbe()
    {
    }

    /**
     * @param args {@code cost [FLOWS]}, {@code lag RATE SECONDS [WARM_UP_SECONDS]} or {@code bulk [FLOWS]}.
     * @throws Exception when a thread is interrupted.
     */
    public static void main(final String[] args) throws Exception
    {
        final String mode = args.length > 0 ? args[0] : "cost";
        deleteStaleDirectories();
        final String dirA = directory("a");
        final String dirB = directory("b");
        // Deleted however the probe ends: normally, by an exception, or by SIGINT/SIGTERM (the hook);
        // a SIGKILLed run's directories go at the next run's start (deleteStaleDirectories).
        final Thread cleanup = new Thread(() -> deleteDirectories(dirA, dirB), "sync-probe-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try
        {
            run(mode, args, dirA, dirB);
        }
        finally
        {
            deleteDirectories(dirA, dirB);
        }
    }

    private static void run(final String mode, final String[] args, final String dirA, final String dirB) throws Exception
    {
        final SyncKey key = SyncKey.of(filled(32));
        final ServiceSnapshot snapshot = ServiceSnapshotBuilder.build(
            DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of()),
            List.of(new ServiceSpec(VIP, 80, TCP, ForwardingMode.DSR, List.of(new ServiceSpec.BackendSpec(BACKEND, 1)),
                MaglevTable.DEFAULT_SIZE, TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30))),
            new NeighbourTable(64));
        final FlowEventRing events = new FlowEventRing(1 << 22);
        final WorkerCommandRing commandsB = new WorkerCommandRing(1 << 24);
        final WorkerCommandRing commandsA = new WorkerCommandRing(WorkerCommandRing.MIN_CAPACITY);
        final FlowReplyRing repliesA = new FlowReplyRing(1 << 16);
        final WorkerProxy workerA = new WorkerProxy(commandsA, repliesA);
        final java.util.concurrent.atomic.AtomicInteger tableA = new java.util.concurrent.atomic.AtomicInteger();
        final Thread workerThreadA = serve(commandsA, repliesA, new java.util.concurrent.atomic.AtomicLong(), tableA);
        final FlowReplyRing repliesB = new FlowReplyRing(1 << 16);
        final WorkerProxy workerB = new WorkerProxy(commandsB, repliesB);
        final java.util.concurrent.atomic.AtomicLong drained = new java.util.concurrent.atomic.AtomicLong();
        final Thread workerThreadB = serve(commandsB, repliesB, drained, new java.util.concurrent.atomic.AtomicInteger());
        try (SyncTransport transportA = transport(dirA, "127.0.0.1:47711", "127.0.0.1:47712");
            SyncTransport transportB = transport(dirB, "127.0.0.1:47712", "127.0.0.1:47711"))
        {
            final SyncAgent a = agent(1, transportA, events, workerA, snapshot, key);
            final ReplicaApplier applierB = new ReplicaApplier(() -> snapshot, List.of(workerB), ReplicaApplier.WorkerSteering.ALL);
            final SyncAgent b = agent(2, transportB, new FlowEventRing(1 << 16), workerB, snapshot, key, applierB);
            final long connectStart = System.nanoTime();
            while (!transportA.allPeersConnected() || !transportB.allPeersConnected() || a.counter(SyncCounter.HELLOS_RECEIVED) == 0 ||
                a.bulkInProgress() || b.bulkInProgress())
            {
                a.doWork();
                b.doWork();
                if (System.nanoTime() - connectStart > TimeUnit.SECONDS.toNanos(10))
                {
                    throw new IllegalStateException("the agents did not connect: A connected " + transportA.allPeersConnected() +
                        ", B " + transportB.allPeersConnected() + ", hellos A got " + a.counter(SyncCounter.HELLOS_RECEIVED) +
                        ", bulk A " + a.bulkInProgress() + " B " + b.bulkInProgress());
                }
            }
            if ("lag".equals(mode))
            {
                lag(args, a, b, events, drained);
            }
            else if ("bulk".equals(mode))
            {
                bulk(args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000, a, tableA, transportB, workerB, snapshot, key,
                    drained);
            }
            else
            {
                cost(args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000, a, b, events, drained);
            }
            System.out.printf("refused by the receiver: ring full %d, unknown backend %d; messages unsent %d%n",
                applierB.counter(ReplicaCounter.COMMAND_RING_FULL), applierB.counter(ReplicaCounter.BACKEND_UNKNOWN),
                a.counter(SyncCounter.MESSAGES_UNSENT));
        }
        finally
        {
            workerThreadA.interrupt();
            workerThreadB.interrupt();
        }
    }

    private static void cost(
        final int flows, final SyncAgent a, final SyncAgent b, final FlowEventRing events, final java.util.concurrent.atomic.AtomicLong drained)
    {
        final FlowRecord record = flow();
        for (int round = 0; round < 3; round++)
        {
            final long start = System.nanoTime();
            final long cpuStart = THREADS.getCurrentThreadCpuTime();
            final long target = drained.get() + flows;
            int offered = 0;
            while (drained.get() < target)
            {
                while (offered < flows && offered - (drained.get() - (target - flows)) < IN_FLIGHT &&
                    events.offer(FlowEventRing.NEW, record.createdNs(System.nanoTime())))
                {
                    record.key().setIpv4(0xC6336400 | (offered & 0xFF), VIP.ipv4(), 1024 + (offered & 0xFFFF), 80, TCP);
                    offered++;
                }
                a.doWork();
                b.doWork();
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(30))
                {
                    throw new IllegalStateException("stalled: drained " + drained.get() + " of " + target + ", A drained " +
                        a.counter(SyncCounter.EVENTS_DRAINED) + " sent " + a.counter(SyncCounter.EVENT_FLOWS_SENT) + " unsent msgs " +
                        a.counter(SyncCounter.MESSAGES_UNSENT) + ", B received " + b.counter(SyncCounter.FLOWS_RECEIVED) +
                        " accepted " + b.messages(io.sluice.sync.wire.SyncVerdict.ACCEPTED) + " queued " +
                        b.replicas(ReplicaCounter.QUEUED) + " ring full " + b.replicas(ReplicaCounter.COMMAND_RING_FULL));
                }
            }
            final long elapsed = System.nanoTime() - start;
            final long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
            System.out.printf("cost round %d: %d flows in %.3f s: %.0f ns per flow (send and receive on one thread), %.2f M flows/s; " +
                "CPU time of that thread %.0f ns per flow, %.2f M flows/s%n",
                round, flows, elapsed / 1e9, (double)elapsed / flows, flows * 1e3 / elapsed, (double)cpu / flows, flows * 1e3 / cpu);
        }
    }

    private static void lag(
        final String[] args, final SyncAgent a, final SyncAgent b, final FlowEventRing events,
        final java.util.concurrent.atomic.AtomicLong drained) throws InterruptedException
    {
        final long rate = args.length > 1 ? Long.parseLong(args[1]) : 100_000;
        final int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        final int warmUpSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        final boolean shared = args.length > 4 && "shared".equals(args[4]);
        // "shared": both agents on one thread (three busy threads on the two cores instead of four).
        final AgentRunner runnerA = new AgentRunner(backoff(), Throwable::printStackTrace, null,
            shared ? new org.agrona.concurrent.CompositeAgent(a, b) : a);
        final AgentRunner runnerB = shared ? null : new AgentRunner(backoff(), Throwable::printStackTrace, null, b);
        AgentRunner.startOnThread(runnerA);
        if (runnerB != null)
        {
            AgentRunner.startOnThread(runnerB);
        }
        try
        {
            final FlowRecord record = flow();
            final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
            b.takeLag();
            final Histogram total = new Histogram(TimeUnit.HOURS.toNanos(1), 3);
            final long start = System.nanoTime();
            long next = start;
            long nextSecond = start + TimeUnit.SECONDS.toNanos(1);
            int second = 0;
            long sent = 0;
            long lost = 0;
            long appliedAtStart = drained.get();
            while (second < warmUpSeconds + seconds)
            {
                final long now = System.nanoTime();
                while (next - now <= 0)
                {
                    record.key().setIpv4(0xC6336400 | (int)(sent & 0xFF), VIP.ipv4(), 1024 + (int)(sent & 0xFFFF), 80, TCP);
                    if (!events.offer(FlowEventRing.NEW, record.createdNs(System.nanoTime())))
                    {
                        lost++;
                    }
                    sent++;
                    next += intervalNs;
                }
                if (now - nextSecond >= 0)
                {
                    final Histogram interval = b.takeLag();
                    final boolean warm = second >= warmUpSeconds;
                    System.out.printf("  second %d%s: p50 %.1f us, p99 %.1f us, max %.1f us (%d)%n", second, warm ? "" : " (warm-up)",
                        interval.getValueAtPercentile(50) / 1e3, interval.getValueAtPercentile(99) / 1e3,
                        interval.getMaxValue() / 1e3, interval.getTotalCount());
                    if (warm)
                    {
                        total.add(interval);
                    }
                    else
                    {
                        sent = 0;
                        lost = 0;
                        appliedAtStart = drained.get();
                    }
                    second++;
                    nextSecond += TimeUnit.SECONDS.toNanos(1);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
            Thread.sleep(200);
            total.add(b.takeLag());
            System.out.printf("lag at %d flows/s for %d s (after %d s of warm-up): sent %d (ring full %d), applied %d; lag p50 %.1f us, " +
                "p99 %.1f us, p99.9 %.1f us, max %.1f us (%d recorded)%n", rate, seconds, warmUpSeconds, sent, lost,
                drained.get() - appliedAtStart, total.getValueAtPercentile(50) / 1e3, total.getValueAtPercentile(99) / 1e3,
                total.getValueAtPercentile(99.9) / 1e3, total.getMaxValue() / 1e3, total.getTotalCount());
        }
        finally
        {
            runnerA.close();
            if (runnerB != null)
            {
                runnerB.close();
            }
        }
    }

    /**
     * Bulk transfer time: worker A's table holds {@code flows} live flows; B restarts (a new agent, a
     * newer epoch, on B's transport) and A sends them all; timed until B's command ring has had every
     * one (drained by B's worker) and B has the BulkEnd. Each agent on a thread of its own.
     */
    private static void bulk(
        final int flows, final SyncAgent a, final java.util.concurrent.atomic.AtomicInteger tableA, final SyncTransport transportB,
        final WorkerProxy workerB, final ServiceSnapshot snapshot, final SyncKey key,
        final java.util.concurrent.atomic.AtomicLong drained) throws InterruptedException
    {
        tableA.set(flows);
        Thread.sleep(2);
        final SyncAgent restartedB = agent(2, transportB, new FlowEventRing(1 << 16), workerB, snapshot, key);
        final long appliedBefore = drained.get();
        final AgentRunner runnerA = new AgentRunner(backoff(), Throwable::printStackTrace, null, a);
        final AgentRunner runnerB = new AgentRunner(backoff(), Throwable::printStackTrace, null, restartedB);
        final long start = System.nanoTime();
        AgentRunner.startOnThread(runnerA);
        AgentRunner.startOnThread(runnerB);
        try
        {
            while (drained.get() - appliedBefore < flows || restartedB.counter(SyncCounter.BULKS_RECEIVED) == 0)
            {
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(120))
                {
                    throw new IllegalStateException("bulk stalled: applied " + (drained.get() - appliedBefore) + " of " + flows +
                        ", A sent " + a.counter(SyncCounter.BULK_FLOWS_SENT) + ", B received " +
                        restartedB.counter(SyncCounter.FLOWS_RECEIVED));
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
            final long elapsed = System.nanoTime() - start;
            System.out.printf("bulk of %d flows: %.3f s until all applied to the peer's command ring (%.2f M flows/s); " +
                "A sent %d bulk flows in %d batches, deferred %d sends; B ring full %d%n", flows, elapsed / 1e9,
                flows * 1e3 / elapsed, a.counter(SyncCounter.BULK_FLOWS_SENT), a.counter(SyncCounter.BATCHES_SENT),
                a.counter(SyncCounter.SENDS_DEFERRED), restartedB.replicas(ReplicaCounter.COMMAND_RING_FULL));
        }
        finally
        {
            runnerA.close();
            runnerB.close();
        }
    }

    /**
     * Plays a worker on a thread of its own: counts the upserts it drains and answers each dump with the
     * end of its table (the probe's tables hold no flows to walk).
     */
    private static Thread serve(final WorkerCommandRing commands, final FlowReplyRing replies,
        final java.util.concurrent.atomic.AtomicLong upserts, final java.util.concurrent.atomic.AtomicInteger tableSize)
    {
        final FlowRecord live = flow();
        return Thread.ofPlatform().daemon().start(() ->
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
                    upserts.lazySet(upserts.get() + 1);
                }

                @Override
                public void onDump(final long requestId, final int fromHandle, final int maxFlows)
                {
                    final int size = tableSize.get();
                    final int end = (int)Math.min(size, (long)fromHandle + maxFlows);
                    int handle = fromHandle;
                    while (handle < end && replies.offerDumpRecord(requestId, tableFlow(live, handle)))
                    {
                        handle++;
                    }
                    replies.offerDumpEnd(requestId, handle >= size ? FlowReplyRing.END_OF_TABLE : handle);
                }

                @Override
                public void onLookup(final long requestId, final FlowKey key)
                {
                }
            };
            while (!Thread.currentThread().isInterrupted())
            {
                if (commands.drain(handler, 4096) == 0)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                }
            }
        });
    }

    /** The flow in slot {@code handle} of the table worker A plays: a source address of its own. */
    private static FlowRecord tableFlow(final FlowRecord record, final int handle)
    {
        record.key().setIpv4(0xC6000000 | (handle & 0xFFFFFF), VIP.ipv4(), 1024 + (handle >>> 24), 80, TCP);
        return record.createdNs(System.nanoTime());
    }

    /** The idle strategy the daemon's sync thread uses: spin, yield, then park up to 100 us. */
    private static org.agrona.concurrent.IdleStrategy backoff()
    {
        return new org.agrona.concurrent.BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    }

    private static FlowRecord flow()
    {
        final FlowRecord record = new FlowRecord();
        record.key().setIpv4(0xC6336401, VIP.ipv4(), 1024, 80, TCP);
        return record.service(VIP.hi(), VIP.lo(), 80, TCP).backend(BACKEND.hi(), BACKEND.lo(), 80)
            .idleTimeoutNs(TimeUnit.SECONDS.toNanos(300));
    }

    private static SyncTransport transport(final String directory, final String listen, final String peer)
    {
        return new SyncTransport(new SyncTransportConfig(directory, listen, List.of(peer), null, SyncTransportConfig.DEFAULT_STREAM_ID,
            1 << 22), (session, source, up) -> { });
    }

    private static String directory(final String name)
    {
        return SHM + "/" + DIRECTORY_PREFIX + name + "-" + ProcessHandle.current().pid();
    }

    private static void deleteDirectories(final String... directories)
    {
        for (final String directory : directories)
        {
            org.agrona.IoUtil.delete(new java.io.File(directory), true);
        }
    }

    /** Deletes the Aeron directories of earlier probe runs whose process is gone (killed before its hook ran). */
    private static void deleteStaleDirectories()
    {
        final java.io.File[] stale = new java.io.File(SHM).listFiles((dir, name) -> name.startsWith(DIRECTORY_PREFIX));
        for (final java.io.File directory : stale == null ? new java.io.File[0] : stale)
        {
            final String name = directory.getName();
            final long pid;
            try
            {
                pid = Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
            }
            catch (final NumberFormatException ex)
            {
                continue;
            }
            if (ProcessHandle.of(pid).isEmpty())
            {
                org.agrona.IoUtil.delete(directory, true);
            }
        }
    }

    private static SyncAgent agent(
        final int id, final SyncTransport transport, final FlowEventRing events, final WorkerProxy worker,
        final ServiceSnapshot snapshot, final SyncKey key)
    {
        return agent(id, transport, events, worker, snapshot, key,
            new ReplicaApplier(() -> snapshot, List.of(worker), ReplicaApplier.WorkerSteering.ALL));
    }

    private static SyncAgent agent(
        final int id, final SyncTransport transport, final FlowEventRing events, final WorkerProxy worker,
        final ServiceSnapshot snapshot, final SyncKey key, final ReplicaApplier applier)
    {
        final SyncAgentConfig config = new SyncAgentConfig(id, System.currentTimeMillis(), TimeUnit.MICROSECONDS.toNanos(200),
            TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.HOURS.toNanos(1), 64, TimeUnit.SECONDS.toNanos(1));
        return new SyncAgent(config, transport, List.of(events), List.of(worker), applier, new SyncMessageWriter(key),
            handler -> new SyncMessageReader(key, id, handler), SystemNanoClock.INSTANCE, new SystemEpochNanoClock());
    }

    private static byte[] filled(final int length)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)0x5A);
        return bytes;
    }
}
