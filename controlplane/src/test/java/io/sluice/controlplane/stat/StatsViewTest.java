package io.sluice.controlplane.stat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.neighbour.NeighbourCounter;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.WorkerCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsViewTest
{
    private static final int SERVICE_ID = 3;

    private static void label(final CountersManager manager, final String label, final int type, final int id, final int serviceId,
        final long value)
    {
        manager.newCounter(label, type, key ->
        {
            key.putInt(0, -1);
            key.putInt(4, id);
            key.putInt(8, serviceId);
        }).setRelease(value);
    }

    /** Writes counters the way the dataplane lays them out: two workers, one IPv6 service, two backends. */
    private static StatsFile populated()
    {
        final StatsFile stats = StatsFile.inMemory(2);
        final CountersManager manager = stats.countersManager();
        label(manager, "dataplane errors", StatsFile.GLOBAL_COUNTER_TYPE, 0, 0, 0);
        label(manager, "generation in force", StatsFile.GLOBAL_COUNTER_TYPE, 1, 0, 4);
        label(manager, "port rx-missed", StatsFile.PORT_COUNTER_TYPE, 2, 0, 17);
        label(manager, "[2001:db8:0:0:0:0:0:10]:80/tcp gue", StatsFile.SERVICE_LABEL_TYPE, SERVICE_ID, 0, 0);
        label(manager, "2001:db8:0:0:0:0:0:11", StatsFile.BACKEND_LABEL_TYPE, 7, SERVICE_ID, 1);
        label(manager, "192.0.2.12", StatsFile.BACKEND_LABEL_TYPE, 8, SERVICE_ID, 3);
        for (int worker = 0; worker < 2; worker++)
        {
            final DataplaneCounters counters = new DataplaneCounters(manager, worker);
            counters.add(WorkerCounter.RX_PACKETS, 100 + worker);
            counters.add(WorkerCounter.FORWARDED, 90);
            counters.set(WorkerCounter.GENERATION, 4);
            counters.set(WorkerCounter.FLOW_ACTIVE, 40 + worker);
            counters.set(WorkerCounter.BUSY_PPM, 250_000 * (worker + 1));
            counters.set(WorkerCounter.MAX_CYCLE_NS, worker == 0 ? 12_500 : 3_200_000);
            for (int i = 0; i < 10 + worker; i++)
            {
                counters.dropped(DropReason.NO_VIP);
            }
            counters.publish();
        }
        final TrafficStats first = new TrafficStats(stats.trafficRegion(0));
        final TrafficStats second = new TrafficStats(stats.trafficRegion(1));
        for (int i = 0; i < 30; i++)
        {
            first.forwarded(SERVICE_ID, 7, 100, i < 10);
            second.forwarded(SERVICE_ID, 8, 100, i < 5);
            second.forwarded(SERVICE_ID, 8, 100, false);
        }
        first.serviceDrop(SERVICE_ID, DropReason.NEIGHBOUR_UNRESOLVED.ordinal());
        final FlowTable firstTable = new FlowTable(64, 0);
        firstTable.publishFlowCounts(stats.trafficRegion(0), TrafficStats.backendOffset(0) + 8L * TrafficStats.ACTIVE_FLOWS,
            8L * TrafficStats.BACKEND_STRIDE);
        final FlowTable secondTable = new FlowTable(64, 0);
        secondTable.publishFlowCounts(stats.trafficRegion(1), TrafficStats.backendOffset(0) + 8L * TrafficStats.ACTIVE_FLOWS,
            8L * TrafficStats.BACKEND_STRIDE);
        for (int port = 1; port <= 3; port++)
        {
            final FlowKey key = new FlowKey().setIpv4(0x0A000001, 0xC0000214, port, 80, 6);
            firstTable.insert(key, key.hash(), 7, 1_000_000_000L, 1);
            secondTable.insert(key, key.hash(), port == 1 ? 7 : 8, 1_000_000_000L, 1);
        }
        firstTable.close();
        secondTable.close();
        return stats;
    }

    @Test
    void shouldSumWorkersAndNameIdsWhenReadingAStatsFile()
    {
        try (StatsFile stats = populated())
        {
            final StatsSample sample = StatsSample.read(stats);

            assertEquals(4, sample.generation());
            assertEquals(List.of(new StatsSample.ServiceRow(SERVICE_ID, "[2001:db8:0:0:0:0:0:10]:80/tcp", "gue", 90, 9000, 15, 1,
                Map.of("neighbour-unresolved", 1L))),
                sample.services());
            assertEquals(List.of(new StatsSample.BackendRow(7, SERVICE_ID, "2001:db8:0:0:0:0:0:11", 1, 30, 3000, 10, 4),
                new StatsSample.BackendRow(8, SERVICE_ID, "192.0.2.12", 3, 60, 6000, 5, 2)), sample.backends());
            assertEquals(201, sample.total(WorkerCounter.RX_PACKETS));
            assertEquals(21, sample.total(WorkerCounter.DROPPED));
            assertEquals(Map.of("no-vip", 21L), sample.drops());
            assertEquals(17L, sample.port().get("rx-missed"));
        }
    }

    @Test
    void shouldPrintServicesBackendsWorkersDropsAndPortWhenRenderingOnce()
    {
        try (StatsFile stats = populated())
        {
            final String text = StatsView.render(Path.of("/dev/shm/x.stats"), StatsSample.read(stats), null);
            final List<String> lines = text.lines().toList();

            assertTrue(lines.get(0).startsWith("sluice stat  /dev/shm/x.stats  pid " + ProcessHandle.current().pid()), lines.get(0));
            assertTrue(lines.get(0).contains("workers 2  generation 4  errors 0"), lines.get(0));
            assertEquals(List.of("[2001:db8::10]:80/tcp", "gue", "90", "9000", "15", "1", "-", "-"), columns(lines, "[2001:db8::10]"));
            assertEquals(List.of("2001:db8::11", "1", "30", "3000", "10", "33.3%"), columns(lines, "2001:db8::11"));
            assertEquals(List.of("192.0.2.12", "3", "60", "6000", "5", "66.7%"), columns(lines, "192.0.2.12"));
            assertEquals(List.of("0", "100", "0", "90", "0", "0", "10", "40", "4", "25.0%", "12.5us"), columns(lines, "0 "));
            assertEquals(List.of("1", "101", "0", "90", "0", "0", "11", "41", "4", "50.0%", "3.20ms"), columns(lines, "1 "));
            assertEquals(List.of("all", "201", "0", "180", "0", "0", "21", "81", "37.5%", "3.20ms"), columns(lines, "all "),
                "busy: the mean of the workers; longest cycle: the longest of them");
            assertEquals(List.of("no-vip", "21"), columns(lines, "no-vip"));
            assertTrue(text.contains("PORT  rx-missed 17"), text);
        }
    }

    @Test
    void shouldAlignTheCountersOfAFullNatServiceUnderTheHeaderWhenRendering()
    {
        try (StatsFile stats = StatsFile.inMemory(1))
        {
            label(stats.countersManager(), "192.0.2.10:80/tcp fullnat", StatsFile.SERVICE_LABEL_TYPE, SERVICE_ID, 0, 0);
            label(stats.countersManager(), "203.0.113.11", StatsFile.BACKEND_LABEL_TYPE, 7, SERVICE_ID, 1);
            final TrafficStats traffic = new TrafficStats(stats.trafficRegion(0));
            traffic.forwarded(SERVICE_ID, 7, 1500, true);

            final List<String> lines = StatsView.render(Path.of("x"), StatsSample.read(stats), null).lines().toList();

            assertEquals(List.of("192.0.2.10:80/tcp", "fullnat", "1", "1500", "1", "0", "-", "-"), columns(lines, "192.0.2.10"));
            final String header = lines.stream().filter(line -> line.startsWith("SERVICE")).findFirst().orElseThrow();
            final String service = lines.stream().filter(line -> line.startsWith("192.0.2.10")).findFirst().orElseThrow();
            final String backend = lines.stream().filter(line -> line.startsWith("  203.0.113.11")).findFirst().orElseThrow();
            final int bytesEnd = header.indexOf("BYTES") + "BYTES".length();
            assertEquals(bytesEnd, service.indexOf(" 1500") + 5, "the bytes column ends under BYTES:\n" + header + "\n" + service);
            assertEquals(bytesEnd, backend.indexOf(" 1500") + 5, "the backend's too:\n" + header + "\n" + backend);
        }
    }

    @Test
    void shouldShowWhereAPacketsTimeGoesPerWorkerFromTheSampledCycles()
    {
        try (StatsFile stats = populated())
        {
            final DataplaneCounters counters = new DataplaneCounters(stats.countersManager(), 1);
            counters.add(WorkerCounter.PROFILE_PACKETS, 1_000);
            counters.add(WorkerCounter.PROFILE_COMMANDS_NS, 2_000);
            counters.add(WorkerCounter.PROFILE_RX_NS, 15_000);
            counters.add(WorkerCounter.PROFILE_PIPELINE_NS, 80_500);
            counters.add(WorkerCounter.PROFILE_TX_NS, 30_000);
            counters.add(WorkerCounter.PROFILE_FREE_NS, 1_000);
            counters.add(WorkerCounter.PROFILE_EXPIRY_NS, 3_000);
            counters.add(WorkerCounter.PROFILE_HOUSEKEEPING_NS, 1_000);
            counters.add(WorkerCounter.PROFILE_CYCLE_NS, 140_000);
            counters.add(WorkerCounter.PROFILE_EMPTY_POLLS, 4);
            counters.add(WorkerCounter.PROFILE_EMPTY_POLL_NS, 150);
            counters.publish();

            final List<String> lines = StatsView.render(Path.of("/dev/shm/x.stats"), StatsSample.read(stats), null).lines().toList();

            final int header = lines.indexOf(lines.stream().filter(line -> line.startsWith("PER PACKET")).findFirst().orElseThrow());
            assertEquals("PER PACKET, since the start (one duty cycle in 64 timed)", lines.get(header));
            assertEquals(List.of("WORKER", "PACKETS", "COMMANDS", "RX", "PIPELINE", "TX", "FREE", "EXPIRY", "COUNTERS", "LOOP", "TOTAL",
                "EMPTY-POLL"), List.of(lines.get(header + 1).trim().split("\\s+")));
            assertEquals(List.of("1", "1000", "2.0ns", "15.0ns", "80.5ns", "30.0ns", "1.0ns", "3.0ns", "1.0ns", "7.5ns", "140.0ns", "37.5ns"),
                List.of(lines.get(header + 2).trim().split("\\s+")),
                "each stage over the packets; the loop is the cycle less its stages; worker 0 timed nothing and has no row");
            assertFalse(lines.get(header + 3).startsWith("0 "), "worker 0 has no row");
        }
    }

    @Test
    void shouldShowRatesWhenAPreviousSampleOfTheSameDaemonExists()
    {
        try (StatsFile stats = populated())
        {
            final StatsSample current = StatsSample.read(stats);
            final StatsSample.ServiceRow now = current.services().getFirst();
            final StatsSample earlier = new StatsSample(current.pid(), current.startTimeMs(), current.sampledNs() - 2_000_000_000L,
                current.generation(), 0, List.of(new StatsSample.ServiceRow(now.id(), now.name(), now.mode(), now.packets() - 80,
                now.bytes() - 2_500_000, now.newFlows(), now.drops(), now.dropsByReason())), current.backends(), current.workers(), current.drops(),
                current.port(), current.neighbours(), current.ha());

            final List<String> row = columns(StatsView.render(Path.of("x"), current, earlier).lines().toList(), "[2001:db8::10]");

            assertEquals(List.of("40", "10.00M"), row.subList(6, 8), "80 packets and 20 Mbit in 2 s");
        }
    }

    @Test
    void shouldPickTheUnitThatKeepsADurationShortWhenFormattingTheLongestCycle()
    {
        assertEquals(List.of("850ns", "1.0us", "999.9us", "1.00ms", "2.50s"), List.of(StatsView.duration(850), StatsView.duration(1_000),
            StatsView.duration(999_900), StatsView.duration(1_000_000), StatsView.duration(2_500_000_000L)));
    }

    private static List<String> columns(final List<String> lines, final String start)
    {
        for (final String line : lines)
        {
            if (line.strip().startsWith(start))
            {
                return List.of(line.strip().split("\\s+"));
            }
        }
        throw new AssertionError("no line starts with '" + start + "' in:\n" + String.join("\n", lines));
    }

    @Test
    void shouldShowNeighbourCountersWhenTheDaemonPublishesThem()
    {
        try (StatsFile stats = populated())
        {
            label(stats.countersManager(), "neighbours resolved", StatsFile.NEIGHBOUR_COUNTER_TYPE,
                NeighbourCounter.RESOLVED.ordinal(), 0, 5);
            label(stats.countersManager(), "neighbours incomplete", StatsFile.NEIGHBOUR_COUNTER_TYPE,
                NeighbourCounter.INCOMPLETE.ordinal(), 0, 3000);
            label(stats.countersManager(), "neighbours requests-suppressed", StatsFile.NEIGHBOUR_COUNTER_TYPE,
                NeighbourCounter.REQUESTS_SUPPRESSED.ordinal(), 0, 42);

            final StatsSample sample = StatsSample.read(stats);
            final String text = StatsView.render(Path.of("x"), sample, null);

            assertEquals(Map.of("resolved", 5L, "incomplete", 3000L, "requests-suppressed", 42L), sample.neighbours());
            assertTrue(text.contains("NEIGHBOURS  resolved 5  incomplete 3000  requests-suppressed 42"), text);
        }
    }
}
