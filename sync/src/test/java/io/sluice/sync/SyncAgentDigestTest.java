package io.sluice.sync;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.ring.WorkerProxy;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Scheduler;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;
import io.sluice.sync.codec.HelloEncoder;
import io.sluice.sync.transport.SyncTransport;
import io.sluice.sync.transport.SyncTransportConfig;
import io.sluice.sync.wire.MaglevDigestList;
import io.sluice.sync.wire.SyncKey;
import io.sluice.sync.wire.SyncMessageReader;
import io.sluice.sync.wire.SyncMessageWriter;
import io.sluice.sync.wire.SyncProtocol;
import io.sluice.sync.wire.SyncVerdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two sync agents on the loopback interface compare their Maglev tables through the digests their
 * hellos carry: same, different (one warning per service and peer), missing here, not Maglev here.
 */
class SyncAgentDigestTest
{
    private static final int TCP = 6;
    private static final int SIZE = 251;
    private static final SyncKey KEY = SyncKey.of(bytes(32, 7));

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Logger syncLog = Logger.getLogger("sluice.sync");
    private final Handler capture = new Handler()
    {
        @Override
        public void publish(final LogRecord record)
        {
            if (record.getLevel() == Level.WARNING)
            {
                warnings.add(record);
            }
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    };

    @BeforeEach
    void captureWarnings()
    {
        syncLog.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception
    {
        syncLog.removeHandler(capture);
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

    @Test
    void shouldFindEveryServiceTheSameWhenBothLbsHaveTheSameServices()
    {
        final SyncAgent a = agent(1, 47611, 47612, snapshot(3, service -> spec(service, 1)));
        final SyncAgent b = agent(2, 47612, 47611, snapshot(3, service -> spec(service, 1)));

        run(() -> a.digests(DigestCounter.SAME) >= 9 && b.digests(DigestCounter.SAME) >= 9, a, b);
        for (final SyncAgent agent : List.of(a, b))
        {
            assertEquals(0, agent.digests(DigestCounter.DIFFERENT) + agent.digests(DigestCounter.SERVICE_MISSING) +
                agent.digests(DigestCounter.NOT_MAGLEV));
            assertTrue(agent.digests(DigestCounter.SENT) >= 9);
        }
        assertTrue(warnings.isEmpty(), warnings::toString);
    }

    @Test
    void shouldCountOnlyTheServicesWhoseTablesDifferAndWarnOncePerPeerWhenAWeightOrTheBackendSetDiffers()
    {
        final SyncAgent a = agent(1, 47621, 47622, snapshot(4, service -> spec(service, 1)));
        final SyncAgent b = agent(2, 47622, 47621, snapshot(4, service -> switch (service)
        {
            case 1 -> spec(service, 2);
            case 2 -> new ServiceSpec(vip(service), 80, TCP, ForwardingMode.DSR, List.of(
                new ServiceSpec.BackendSpec(IpAddress.parse("10.0.2.1"), 1),
                new ServiceSpec.BackendSpec(IpAddress.parse("10.0.2.9"), 1)), SIZE, ServiceSpec.DEFAULT_TCP_IDLE_TIMEOUT_NS, ServiceSpec.DEFAULT_UDP_IDLE_TIMEOUT_NS);
            default -> spec(service, 1);
        }));

        run(() -> b.digests(DigestCounter.DIFFERENT) >= 10 && a.digests(DigestCounter.DIFFERENT) >= 10, a, b);
        for (final SyncAgent agent : List.of(a, b))
        {
            assertEquals(agent.digests(DigestCounter.SAME), agent.digests(DigestCounter.DIFFERENT),
                "every hello holds the 4 services: 2 the same, 2 different");
        }
        assertEquals(4, warnings.size(), "once per service and peer, not per hello: " + warnings);
        final String logged = warnings.stream().map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters()))
            .toList().toString();
        assertTrue(logged.contains("192.0.2.1:80/tcp") && logged.contains("192.0.2.2:80/tcp") &&
            !logged.contains("192.0.2.0:80/tcp") && !logged.contains("192.0.2.3:80/tcp"), logged);
        assertTrue(logged.contains("weights") && logged.contains("health-down"), logged);
    }

    @Test
    void shouldCountServicesMissingOrNotMaglevHere()
    {
        final SyncAgent a = agent(1, 47631, 47632, snapshot(3, service -> spec(service, 1)));
        final SyncAgent b = agent(2, 47632, 47631, snapshot(2, service -> service == 1 ?
            spec(service, 1).withScheduling(Scheduler.ROUND_ROBIN, false) : spec(service, 1)));

        run(() -> b.digests(DigestCounter.SERVICE_MISSING) >= 3 && a.digests(DigestCounter.SAME) >= 3, a, b);
        assertEquals(b.digests(DigestCounter.SAME), b.digests(DigestCounter.NOT_MAGLEV));
        assertEquals(b.digests(DigestCounter.SAME), b.digests(DigestCounter.SERVICE_MISSING));
        assertEquals(0, b.digests(DigestCounter.DIFFERENT));
        assertEquals(0, a.digests(DigestCounter.DIFFERENT) + a.digests(DigestCounter.SERVICE_MISSING) +
            a.digests(DigestCounter.NOT_MAGLEV), "B sends only its one Maglev service, the same as A's");
    }

    @Test
    void shouldCoverEveryServiceOverSuccessiveHellosWhenAPeerHasMoreThanOnePage()
    {
        final int services = SyncProtocol.MAX_DIGESTS_PER_HELLO * 2 + 6;
        final SyncAgent a = agent(1, 47641, 47642, snapshot(services, service -> spec(service, 1)));
        final SyncAgent b = agent(2, 47642, 47641, snapshot(services, service -> spec(service, 2)));

        run(() -> b.digests(DigestCounter.DIFFERENT) >= services, a, b);
        final long distinct = warnings.stream().filter(r -> r.getParameters()[1].equals("1"))
            .map(r -> r.getParameters()[0]).distinct().count();
        assertEquals(services, distinct, "B warned of each of A's services, all pages of them");
    }

    @Test
    void shouldCountMalformedAndApplyNothingWhenAHelloForgesItsDigestCount()
    {
        final SyncAgent b = agent(2, 47652, 47651, snapshot(2, service -> spec(service, 1)));
        final SyncTransport rogue = new SyncTransport(new SyncTransportConfig(
            "/dev/shm/sluice-digest-test-rogue-" + ProcessHandle.current().pid(), "127.0.0.1:47653", List.of("127.0.0.1:47652"),
            null, SyncTransportConfig.DEFAULT_STREAM_ID, SyncTransportConfig.MIN_TERM_LENGTH), (session, source, up) -> { });
        closeables.add(rogue);
        run(rogue::allPeersConnected, b, rogue);

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        final MaglevDigestList digests = new MaglevDigestList().add(0, vip(0).lo(), 80, TCP, SIZE, 1);
        final int length = new SyncMessageWriter(KEY).writeHello(buffer, 0, 9, System.currentTimeMillis(), 1,
            System.currentTimeMillis() * 1_000_000L, false, digests, 0);
        buffer.putShort(SyncProtocol.HEADER_LENGTH + HelloEncoder.BLOCK_LENGTH + 2, (short)40, ByteOrder.LITTLE_ENDIAN);
        resign(buffer, length);
        assertEquals(1, rogue.offer(buffer, 0, length));

        run(() -> b.messages(SyncVerdict.MALFORMED) == 1, b, rogue);
        assertEquals(0, b.counter(SyncCounter.HELLOS_RECEIVED));
        assertEquals(0, b.digests(DigestCounter.SAME) + b.digests(DigestCounter.DIFFERENT) +
            b.digests(DigestCounter.SERVICE_MISSING) + b.digests(DigestCounter.NOT_MAGLEV));
    }

    private static void resign(final UnsafeBuffer buffer, final int length)
    {
        try
        {
            final javax.crypto.Mac mac = javax.crypto.Mac.getInstance(SyncProtocol.MAC_ALGORITHM);
            mac.init(new javax.crypto.spec.SecretKeySpec(bytes(32, 7), SyncProtocol.MAC_ALGORITHM));
            final byte[] body = new byte[length - SyncProtocol.TAG_LENGTH];
            buffer.getBytes(0, body);
            buffer.putBytes(body.length, mac.doFinal(body), 0, SyncProtocol.TAG_LENGTH);
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static IpAddress vip(final int service)
    {
        return IpAddress.parse("192.0.2." + service);
    }

    /** Service {@code n}: VIP 192.0.2.n port 80, backends 10.0.n.1 and 10.0.n.2, the first of the given weight. */
    private static ServiceSpec spec(final int service, final int firstWeight)
    {
        return new ServiceSpec(vip(service), 80, TCP, ForwardingMode.DSR, List.of(
            new ServiceSpec.BackendSpec(IpAddress.parse("10.0." + service + ".1"), firstWeight),
            new ServiceSpec.BackendSpec(IpAddress.parse("10.0." + service + ".2"), 1)), SIZE, ServiceSpec.DEFAULT_TCP_IDLE_TIMEOUT_NS, ServiceSpec.DEFAULT_UDP_IDLE_TIMEOUT_NS);
    }

    private static ServiceSnapshot snapshot(final int services, final IntFunction<ServiceSpec> specOf)
    {
        final List<ServiceSpec> specs = new ArrayList<>();
        for (int service = 0; service < services; service++)
        {
            specs.add(specOf.apply(service));
        }
        return ServiceSnapshotBuilder.build(DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.254")), List.of(), List.of()),
            specs, new NeighbourTable(1024));
    }

    private static byte[] bytes(final int length, final int value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    /** A worker with an empty flow table: dumps end at once, upserts are dropped. */
    private WorkerProxy worker()
    {
        final WorkerCommandRing commands = new WorkerCommandRing(WorkerCommandRing.MIN_CAPACITY);
        final FlowReplyRing replies = new FlowReplyRing(1 << 16);
        final WorkerCommandRing.WorkerCommandHandler handler = new WorkerCommandRing.WorkerCommandHandler()
        {
            @Override
            public void onFrame(final MemorySegment segment, final long offset, final int length)
            {
            }

            @Override
            public void onUpsert(final FlowRecord record)
            {
            }

            @Override
            public void onDump(final long requestId, final int fromHandle, final int maxFlows)
            {
                replies.offerDumpEnd(requestId, FlowReplyRing.END_OF_TABLE);
            }

            @Override
            public void onLookup(final long requestId, final FlowKey key)
            {
            }
        };
        threads.add(Thread.ofPlatform().start(() ->
        {
            while (running.get())
            {
                commands.drain(handler, 64);
                Thread.onSpinWait();
            }
        }));
        return new WorkerProxy(commands, replies);
    }

    private SyncAgent agent(final int id, final int listenPort, final int peerPort, final ServiceSnapshot snapshot)
    {
        final SyncTransport transport = new SyncTransport(new SyncTransportConfig(
            "/dev/shm/sluice-digest-test-" + id + "-" + ProcessHandle.current().pid(), "127.0.0.1:" + listenPort,
            List.of("127.0.0.1:" + peerPort), null, SyncTransportConfig.DEFAULT_STREAM_ID, SyncTransportConfig.MIN_TERM_LENGTH),
            (session, source, up) -> { });
        closeables.add(transport);
        final WorkerProxy worker = worker();
        final SyncAgentConfig config = new SyncAgentConfig(id, System.currentTimeMillis(), 0,
            TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.HOURS.toNanos(1), 64, TimeUnit.SECONDS.toNanos(2));
        return new SyncAgent(config, transport, List.of(new FlowEventRing(1 << 12)), List.of(worker),
            new ReplicaApplier(() -> snapshot, List.of(worker), ReplicaApplier.WorkerSteering.ALL),
            new SyncMessageWriter(KEY), handler -> new SyncMessageReader(KEY, id, handler), SystemNanoClock.INSTANCE,
            SystemEpochNanoClock.INSTANCE);
    }

    private static void run(final BooleanSupplier done, final Object... agents)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean())
        {
            for (final Object agent : agents)
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
