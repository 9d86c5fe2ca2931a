package io.sluice.controlplane.ha;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.controlplane.config.SyncSection;
import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dataplane.worker.Dataplane;
import io.sluice.dataplane.worker.DataplaneConfig;
import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.PcapFile;
import io.sluice.sync.SyncCounter;

import static io.sluice.dataplane.pipeline.Frames.ETHERTYPE_IPV4;
import static io.sluice.dataplane.pipeline.Frames.TCP;
import static io.sluice.dataplane.pipeline.Frames.TCP_SYN;
import static io.sluice.dataplane.pipeline.Frames.ethernet;
import static io.sluice.dataplane.pipeline.Frames.ipv4;
import static io.sluice.dataplane.pipeline.Frames.padded;
import static io.sluice.dataplane.pipeline.Frames.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two load balancers in one JVM, each a real dataplane (its own DPDK port and worker) with flow
 * sync over Aeron on the loopback interface: the flows one forwards reach the other's flow table,
 * pinned to the same backends, through the other's worker.
 */
@Tag("dpdk")
class SyncServiceTest
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final int FLOWS = 50;

    @TempDir
    Path directory;

    private static ServiceSpec vip()
    {
        return new ServiceSpec(IpAddress.parse("192.0.2.10"), 80, TCP, ForwardingMode.DSR,
            List.of(new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.11"), 1), new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.12"), 1),
                new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.13"), 1)),
            MaglevTable.DEFAULT_SIZE, TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30));
    }

    private static DataplaneSettings settings()
    {
        return DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of())
            .withStaticNeighbours(List.of(
                new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.11"), 0x0200_0000_0111L),
                new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.12"), 0x0200_0000_0112L),
                new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.13"), 0x0200_0000_0113L)));
    }

    private static DataplaneConfig config(final String device)
    {
        return new DataplaneConfig(device, List.of(-1), 0x0200_0000_0001L, 4096, 256, 256, false, 1 << 12,
            TimeUnit.SECONDS.toNanos(1), 32, 16, 1000).withFlowEvents(1 << 16).withWorkerIdle(io.sluice.dataplane.worker.WorkerIdle.BACKOFF);
    }

    private SyncSection sync(final int node, final String listen, final String peer, final Path key)
    {
        return new SyncSection(node, key, listen, List.of(peer), null,
            "/dev/shm/sluice-sync-test-" + node + "-" + ProcessHandle.current().pid(), 1 << 18, 1 << 16,
            TimeUnit.SECONDS.toNanos(30), TimeUnit.MICROSECONDS.toNanos(200), directory.resolve("sync-" + node + ".epoch"));
    }

    @Test
    void shouldGiveThePeerEveryFlowThisLbForwardsPinnedToTheSameBackend() throws Exception
    {
        final Path key = directory.resolve("sync.key");
        Files.writeString(key, "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < FLOWS; i++)
        {
            final String client = "198.51.100." + (i + 1);
            frames.add(padded(ethernet(LB_MAC, "02:00:00:00:00:fe", ETHERTYPE_IPV4, ipv4(client, "192.0.2.10", TCP, 64, 0, 0x4000, i,
                tcp(client, "192.0.2.10", 30000 + i, 80, TCP_SYN, new byte[0])))));
        }
        final Path in = directory.resolve("in.pcap");
        PcapFile.write(in, frames);
        final long lastEpoch = System.currentTimeMillis() + TimeUnit.DAYS.toMillis(1);
        Files.writeString(directory.resolve("sync-1.epoch"), lastEpoch + "\n");

        try (Dataplane active = Dataplane.start(DpdkTestSupport.eal(), config("net_pcap72,rx_pcap=" + in + ",tx_pcap=/dev/null"),
                settings(), List.of(vip()));
            Dataplane standby = Dataplane.start(DpdkTestSupport.eal(), config("net_ring73"), settings(), List.of(vip())))
        {
            await(() -> active.counter(WorkerCounter.FORWARDED) == FLOWS);
            try (SyncService standbySync = SyncService.start(sync(2, "127.0.0.1:47612", "127.0.0.1:47611", key), standby);
                SyncService activeSync = SyncService.start(sync(1, "127.0.0.1:47611", "127.0.0.1:47612", key), active))
            {
                // Not FLOW_UPSERTS >= FLOWS: a flow upserted again (by an event and by the bulk walk) counts twice.
                await(() -> held(standby, FLOWS) == FLOWS);
                for (int i = 0; i < FLOWS; i++)
                {
                    final FlowKey flow = new FlowKey().setIpv4(IpAddress.parse("198.51.100." + (i + 1)).ipv4(),
                        IpAddress.parse("192.0.2.10").ipv4(), 30000 + i, 80, TCP);
                    final Dataplane.FlowLocation there = active.lookupFlow(flow);
                    final Dataplane.FlowLocation here = standby.lookupFlow(flow);
                    assertNotNull(there, "forwarded by the active LB");
                    assertNotNull(here, "replicated to the standby");
                    assertEquals(there.backend(), here.backend(), "the same backend for flow " + i);
                }
                // The flows forwarded before sync started also wait as events in the worker's ring, and those
                // are drained as soon as the peer connects: the standby may hold every flow before the
                // bulk transfer (started by its first hello) has been walked to the end.
                awaitOrNot(() -> activeSync.agent().counter(SyncCounter.BULK_FLOWS_SENT) >= FLOWS);
                assertTrue(activeSync.agent().counter(SyncCounter.BULK_FLOWS_SENT) >= FLOWS, "the flows went in a bulk transfer");
                assertEquals(0, standby.counter(WorkerCounter.FLOW_UPSERTS_REJECTED));
                assertEquals(0, activeSync.errors() + standbySync.errors());
                assertEquals(lastEpoch + 1 + "\n", Files.readString(directory.resolve("sync-1.epoch")),
                    "the clock is a day behind the last start: the epoch still grows");
            }
        }
    }

    /**
     * Each LB forwards flows of its own (A the even clients, B the odd ones) and holds the other's
     * copies; then A restarts (an empty table, a new epoch) and takes its bulk transfer from B, then
     * B restarts and takes its from the new A: both end with every flow, on the same backends.
     */
    @Test
    void shouldEndWithIdenticalFlowSetsWhenTwoLbsRestartInTurn() throws Exception
    {
        final Path key = directory.resolve("sync.key");
        Files.writeString(key, "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        final Path inA = directory.resolve("a.pcap");
        final Path inB = directory.resolve("b.pcap");
        PcapFile.write(inA, syns(0));
        PcapFile.write(inB, syns(1));
        final SyncSection syncA = sync(1, "127.0.0.1:47621", "127.0.0.1:47622", key);
        final SyncSection syncB = sync(2, "127.0.0.1:47622", "127.0.0.1:47621", key);

        final List<AutoCloseable> open = new ArrayList<>();
        try
        {
            final Dataplane a = opened(open, Dataplane.start(DpdkTestSupport.eal(),
                config("net_pcap74,rx_pcap=" + inA + ",tx_pcap=/dev/null"), settings(), List.of(vip())));
            final Dataplane b = opened(open, Dataplane.start(DpdkTestSupport.eal(),
                config("net_pcap75,rx_pcap=" + inB + ",tx_pcap=/dev/null"), settings(), List.of(vip())));
            await(() -> a.counter(WorkerCounter.FORWARDED) == FLOWS && b.counter(WorkerCounter.FORWARDED) == FLOWS);
            final SyncService serviceB = opened(open, SyncService.start(syncB, b));
            final SyncService serviceA = opened(open, SyncService.start(syncA, a));
            await(() -> flowsHeld(a) == 2 * FLOWS && flowsHeld(b) == 2 * FLOWS);
            final List<Dataplane.FlowLocation> first = locations(a);
            assertEquals(first, locations(b), "each LB holds its own flows and the other's copies");

            close(open, serviceA);
            close(open, a);
            final Dataplane a2 = opened(open, Dataplane.start(DpdkTestSupport.eal(), config("net_ring76"), settings(), List.of(vip())));
            final SyncService serviceA2 = opened(open, SyncService.start(syncA, a2));
            awaitOrNot(() -> flowsHeld(a2) == 2 * FLOWS);
            assertEquals(2 * FLOWS, flowsHeld(a2), () -> "A2 after its restart: " + diagnose(serviceB, serviceA2));
            assertEquals(first, locations(a2), "the restarted A holds every flow again, its own and B's");

            close(open, serviceB);
            close(open, b);
            final Dataplane b2 = opened(open, Dataplane.start(DpdkTestSupport.eal(), config("net_ring77"), settings(), List.of(vip())));
            final SyncService serviceB2 = opened(open, SyncService.start(syncB, b2));
            awaitOrNot(() -> flowsHeld(b2) == 2 * FLOWS);
            assertEquals(2 * FLOWS, flowsHeld(b2), () -> "B2 after its restart: " + diagnose(serviceA2, serviceB2));
            assertEquals(locations(a2), locations(b2), "after both restarts both LBs hold the same flows on the same backends");
            assertEquals(first, locations(b2));
            assertEquals(0, serviceA2.errors() + serviceB2.errors());
        }
        finally
        {
            for (final AutoCloseable closeable : open.reversed())
            {
                closeable.close();
            }
        }
    }

    private static <T extends AutoCloseable> T opened(final List<AutoCloseable> open, final T closeable)
    {
        open.add(closeable);
        return closeable;
    }

    private static void close(final List<AutoCloseable> open, final AutoCloseable closeable) throws Exception
    {
        open.remove(closeable);
        closeable.close();
    }

    /** SYNs from 50 clients, the even ones (parity 0) or the odd ones (parity 1) of 100. */
    private static List<byte[]> syns(final int parity)
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int i = parity; i < 2 * FLOWS; i += 2)
        {
            final String client = "198.51.100." + (i + 1);
            frames.add(padded(ethernet(LB_MAC, "02:00:00:00:00:fe", ETHERTYPE_IPV4, ipv4(client, "192.0.2.10", TCP, 64, 0, 0x4000, i,
                tcp(client, "192.0.2.10", 30000 + i, 80, TCP_SYN, new byte[0])))));
        }
        return frames;
    }

    private static FlowKey flow(final int client)
    {
        return new FlowKey().setIpv4(IpAddress.parse("198.51.100." + (client + 1)).ipv4(), IpAddress.parse("192.0.2.10").ipv4(),
            30000 + client, 80, TCP);
    }

    /** How many of the first {@code count} clients' flows an LB holds. */
    private static int held(final Dataplane dataplane, final int count)
    {
        int held = 0;
        for (int i = 0; i < count; i++)
        {
            held += dataplane.lookupFlow(flow(i)) == null ? 0 : 1;
        }
        return held;
    }

    private static int flowsHeld(final Dataplane dataplane)
    {
        return held(dataplane, 2 * FLOWS);
    }

    /** The backend of each of the 100 flows (null where the LB holds none). */
    private static List<Dataplane.FlowLocation> locations(final Dataplane dataplane)
    {
        final List<Dataplane.FlowLocation> backends = new ArrayList<>();
        for (int i = 0; i < 2 * FLOWS; i++)
        {
            final Dataplane.FlowLocation location = dataplane.lookupFlow(flow(i));
            backends.add(location == null ? null : new Dataplane.FlowLocation(0, location.backend()));
        }
        return backends;
    }

    private static String diagnose(final SyncService sender, final SyncService receiver)
    {
        final StringBuilder text = new StringBuilder("sender");
        for (final io.sluice.sync.SyncCounter counter : io.sluice.sync.SyncCounter.values())
        {
            text.append(' ').append(counter).append('=').append(sender.agent().counter(counter));
        }
        text.append("; receiver");
        for (final io.sluice.sync.SyncCounter counter : io.sluice.sync.SyncCounter.values())
        {
            text.append(' ').append(counter).append('=').append(receiver.agent().counter(counter));
        }
        for (final io.sluice.sync.ReplicaCounter counter : io.sluice.sync.ReplicaCounter.values())
        {
            text.append(' ').append(counter).append('=').append(receiver.agent().replicas(counter));
        }
        for (final io.sluice.sync.wire.SyncVerdict verdict : io.sluice.sync.wire.SyncVerdict.values())
        {
            text.append(' ').append(verdict).append('=').append(receiver.agent().messages(verdict));
        }
        return text.toString();
    }

    private static void awaitOrNot(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(10);
        }
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("not reached within 20 s");
            }
            Thread.sleep(10);
        }
    }
}
