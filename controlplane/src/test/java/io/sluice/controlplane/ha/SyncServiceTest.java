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
                await(() -> standby.counter(WorkerCounter.FLOW_UPSERTS) >= FLOWS);
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
                assertTrue(activeSync.agent().counter(SyncCounter.BULK_FLOWS_SENT) >= FLOWS, "the flows went in a bulk transfer");
                assertEquals(0, standby.counter(WorkerCounter.FLOW_UPSERTS_REJECTED));
                assertEquals(0, activeSync.errors() + standbySync.errors());
                assertEquals(lastEpoch + 1 + "\n", Files.readString(directory.resolve("sync-1.epoch")),
                    "the clock is a day behind the last start: the epoch still grows");
            }
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
