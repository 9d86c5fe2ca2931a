package io.sluice.dataplane.worker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.PcapFile;

import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running dataplane with real threads: two busy-spinning workers on a two-queue net_pcap port
 * (one pcap file per queue), configuration changes applied atomically to both.
 */
@Tag("dpdk")
class DataplaneTest
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final int FRAMES_PER_QUEUE = 2000;

    @TempDir
    Path directory;

    private static ServiceSpec dsr(final String vip, final String... backends)
    {
        final List<ServiceSpec.BackendSpec> specs = new ArrayList<>();
        for (final String backend : backends)
        {
            specs.add(new ServiceSpec.BackendSpec(IpAddress.parse(backend), 1));
        }
        return new ServiceSpec(IpAddress.parse(vip), 80, TCP, ForwardingMode.DSR, specs, 65537,
            TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30));
    }

    private static Map<String, Integer> labels(final StatsFile stats, final int type)
    {
        final Map<String, Integer> ids = new HashMap<>();
        stats.countersReader().forEach((counterId, typeId, key, label) ->
        {
            if (typeId == type)
            {
                ids.put(label, key.getInt(4));
            }
        });
        return ids;
    }

    private static long portCounter(final StatsFile stats, final String label)
    {
        final long[] value = {-1};
        stats.countersReader().forEach((counterId, typeId, key, name) ->
        {
            if (typeId == StatsFile.PORT_COUNTER_TYPE && name.equals(label))
            {
                value[0] = stats.countersReader().getCounterValue(counterId);
            }
        });
        return value[0];
    }

    @Test
    void shouldForwardOnEveryWorkerAndApplyChangesToAllOfThem() throws Exception
    {
        final List<Path> outputs = List.of(directory.resolve("out0.pcap"), directory.resolve("out1.pcap"));
        final StringBuilder device = new StringBuilder("net_pcap60");
        for (int queue = 0; queue < 2; queue++)
        {
            final List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < FRAMES_PER_QUEUE; i++)
            {
                final String client = "198.51." + queue + "." + (i % 250 + 1);
                frames.add(padded(ethernet(LB_MAC, "02:00:00:00:00:fe", ETHERTYPE_IPV4, ipv4(client, "192.0.2.10", TCP, 64, 0, 0x4000, i,
                    tcp(client, "192.0.2.10", 1024 + i, 80, TCP_SYN, new byte[0])))));
            }
            final Path in = directory.resolve("in" + queue + ".pcap");
            PcapFile.write(in, frames);
            device.append(",rx_pcap=").append(in).append(",tx_pcap=").append(outputs.get(queue));
        }
        final DataplaneSettings settings = DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of())
            .withStaticNeighbours(List.of(
                new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.11"), 0x0200_0000_0111L),
                new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.12"), 0x0200_0000_0112L)));
        final DataplaneConfig config = new DataplaneConfig(device.toString(), List.of(-1, -1), macLong(LB_MAC), 8192, 512, 512,
            false, 1 << 14, TimeUnit.SECONDS.toNanos(1), 32, 16, 1000);

        final Path statsPath = directory.resolve("sluice.stats");
        try (StatsFile stats = StatsFile.create(statsPath, 2);
            Dataplane dataplane = Dataplane.start(DpdkTestSupport.eal(), config, settings,
                List.of(dsr("192.0.2.10", "10.0.0.11", "10.0.0.12")), null, stats);
            StatsFile reader = StatsFile.open(statsPath))
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // The workers publish their counters one by one, RX first: wait for the last of those read below.
            while ((dataplane.counter(WorkerCounter.RX_PACKETS) < 2L * FRAMES_PER_QUEUE ||
                dataplane.counter(WorkerCounter.TX_PACKETS) < 2L * FRAMES_PER_QUEUE) && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(2L * FRAMES_PER_QUEUE, dataplane.counter(WorkerCounter.RX_PACKETS));
            assertEquals(2L * FRAMES_PER_QUEUE, dataplane.counter(WorkerCounter.FORWARDED));
            assertEquals(2L * FRAMES_PER_QUEUE, dataplane.counter(WorkerCounter.TX_PACKETS));
            assertEquals(0, dataplane.counter(WorkerCounter.DROPPED));

            final Map<String, Integer> serviceIds = labels(reader, StatsFile.SERVICE_LABEL_TYPE);
            final Map<String, Integer> backendIds = labels(reader, StatsFile.BACKEND_LABEL_TYPE);
            final int service = serviceIds.get("192.0.2.10:80/tcp dsr");
            assertEquals(2L * FRAMES_PER_QUEUE, reader.serviceStat(service, TrafficStats.PACKETS), "service packets, both workers");
            assertEquals(2L * FRAMES_PER_QUEUE, reader.serviceStat(service, TrafficStats.NEW_FLOWS));
            final long toFirst = reader.backendStat(backendIds.get("10.0.0.11"), TrafficStats.PACKETS);
            final long toSecond = reader.backendStat(backendIds.get("10.0.0.12"), TrafficStats.PACKETS);
            assertEquals(2L * FRAMES_PER_QUEUE, toFirst + toSecond, "backend packets add up to the service's");
            assertTrue(toFirst > 0 && toSecond > 0, "both backends served: " + toFirst + " / " + toSecond);
            assertEquals(2L * FRAMES_PER_QUEUE * 60, reader.serviceStat(service, TrafficStats.BYTES), "bytes of 60-byte frames");
            while ((portCounter(reader, "port rx-packets") < 2L * FRAMES_PER_QUEUE || portCounter(reader, "port mbufs") != 8192 ||
                portCounter(reader, "port mbufs-in-use") != 0) && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertEquals(8192, portCounter(reader, "port mbufs"), "the pool's size");
            assertEquals(0, portCounter(reader, "port mbufs-in-use"), "once the port counted every packet: every mbuf back");

            final long generation = dataplane.apply(settings, List.of(dsr("192.0.2.10", "10.0.0.11"), dsr("192.0.2.20", "10.0.0.12")));
            assertEquals(2, generation);
            assertEquals(2L * generation, dataplane.counter(WorkerCounter.GENERATION), "both workers run generation 2");

            final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> dataplane.apply(settings, List.of(dsr("192.0.2.10", "10.0.0.11"), dsr("192.0.2.10", "10.0.0.12"))));
            assertTrue(bad.getMessage().contains("defined twice"), bad.getMessage());
            assertEquals(2, dataplane.snapshot().generation(), "a rejected change leaves the running configuration");
            assertEquals(2, dataplane.snapshot().serviceCount());
            assertTrue(labels(reader, StatsFile.SERVICE_LABEL_TYPE).containsKey("192.0.2.20:80/tcp dsr"), "labels follow the applied config");
        }
        assertEquals(FRAMES_PER_QUEUE, PcapFile.read(outputs.get(0)).size(), "worker 0 forwarded its queue");
        assertEquals(FRAMES_PER_QUEUE, PcapFile.read(outputs.get(1)).size(), "worker 1 forwarded its queue");
    }

    @Test
    void shouldRefuseToRaiseTheMtuAboveWhatThePortsBuffersHoldAndKeepTheRunningConfiguration() throws Exception
    {
        final DataplaneSettings settings = DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of());
        final DataplaneConfig config = new DataplaneConfig("net_ring76", List.of(-1), macLong(LB_MAC), 4096, 256, 256,
            false, 1 << 10, TimeUnit.SECONDS.toNanos(1), 32, 16, 1000);
        try (Dataplane dataplane = Dataplane.start(DpdkTestSupport.eal(), config, settings, List.of(dsr("192.0.2.10", "10.0.0.11"))))
        {
            final IllegalArgumentException raised = assertThrows(IllegalArgumentException.class,
                () -> dataplane.apply(settings.withMtu(9000), List.of(dsr("192.0.2.10", "10.0.0.11"))));
            assertEquals("mtu 9000 is above the 2026 that the port's buffers were sized for when it opened (2048-byte frames): " +
                "restart to raise the mtu", raised.getMessage());
            assertEquals(1, dataplane.snapshot().generation(), "the refused change applied nothing");
            assertEquals(1500, dataplane.snapshot().settings().mtu());

            assertEquals(2, dataplane.apply(settings.withMtu(2026), List.of(dsr("192.0.2.10", "10.0.0.11"))));
            assertEquals(3, dataplane.apply(settings.withMtu(1400), List.of(dsr("192.0.2.10", "10.0.0.11"))), "lowering it is fine");
        }
    }

    @Test
    void shouldForwardAndLeaveTheCoreIdleBetweenPacketsWhenWorkersBackOff() throws Exception
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES_PER_QUEUE; i++)
        {
            final String client = "198.51.0." + (i % 250 + 1);
            frames.add(padded(ethernet(LB_MAC, "02:00:00:00:00:fe", ETHERTYPE_IPV4, ipv4(client, "192.0.2.10", TCP, 64, 0, 0x4000, i,
                tcp(client, "192.0.2.10", 1024 + i, 80, TCP_SYN, new byte[0])))));
        }
        final Path in = directory.resolve("backoff-in.pcap");
        final Path out = directory.resolve("backoff-out.pcap");
        PcapFile.write(in, frames);
        final DataplaneSettings settings = DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of())
            .withStaticNeighbours(List.of(new DataplaneSettings.StaticNeighbour(IpAddress.parse("10.0.0.11"), 0x0200_0000_0111L)));
        final DataplaneConfig config = new DataplaneConfig("net_pcap61,rx_pcap=" + in + ",tx_pcap=" + out, List.of(-1),
            macLong(LB_MAC), 4096, 256, 256, false, 1 << 10, TimeUnit.SECONDS.toNanos(1), 32, 16, 1000)
            .withWorkerIdle(WorkerIdle.BACKOFF);

        try (Dataplane dataplane = Dataplane.start(DpdkTestSupport.eal(), config, settings, List.of(dsr("192.0.2.10", "10.0.0.11"))))
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (dataplane.counter(WorkerCounter.FORWARDED) < FRAMES_PER_QUEUE && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(FRAMES_PER_QUEUE, dataplane.counter(WorkerCounter.FORWARDED), "every frame forwarded");

            final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            final long worker = java.util.Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(info -> info != null && info.getThreadName().startsWith("sluice-worker"))
                .mapToLong(java.lang.management.ThreadInfo::getThreadId).findFirst().orElseThrow();
            final long cpuBefore = threads.getThreadCpuTime(worker);
            final long wallBefore = System.nanoTime();
            Thread.sleep(1000);
            final long cpu = threads.getThreadCpuTime(worker) - cpuBefore;
            final long wall = System.nanoTime() - wallBefore;
            assertTrue(cpu < wall / 4, "an idle backing-off worker used " + cpu / 1_000_000 + " ms of CPU in " +
                wall / 1_000_000 + " ms (a spinning one uses all of it)");
        }
        assertEquals(FRAMES_PER_QUEUE, PcapFile.read(out).size(), "the worker transmitted them");
    }
}
