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

import io.sluice.dataplane.neighbour.NeighbourCounter;
import io.sluice.dataplane.neighbour.NeighbourEntry;
import io.sluice.dataplane.maglev.MaglevTableBuilder;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dpdk.DpdkTestSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The neighbour table of a running dataplane (one worker on a net_ring port) under configuration
 * churn, and its counters in the stats file.
 */
@Tag("dpdk")
class DataplaneNeighbourTest
{
    private static final DataplaneSettings SETTINGS = DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of());

    @TempDir
    Path directory;

    private static ServiceSpec service(final int network, final int backends)
    {
        final List<ServiceSpec.BackendSpec> specs = new ArrayList<>();
        for (int i = 1; i <= backends; i++)
        {
            specs.add(new ServiceSpec.BackendSpec(IpAddress.parse("10." + network + "." + (i >> 8) + "." + (i & 0xFF)), 1));
        }
        return new ServiceSpec(IpAddress.parse("192.0.2.10"), 80, 6, ForwardingMode.DSR, specs, MaglevTableBuilder.nextPrime(backends + 1),
            TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30));
    }

    private static Map<String, Long> neighbourCounters(final StatsFile stats)
    {
        final Map<String, Long> values = new HashMap<>();
        stats.countersReader().forEach((counterId, typeId, key, label) ->
        {
            if (typeId == StatsFile.NEIGHBOUR_COUNTER_TYPE)
            {
                values.put(label, stats.countersReader().getCounterValue(counterId));
            }
        });
        return values;
    }

    @Test
    void shouldAcceptNewBackendsWhenAServiceWithThousandsOfBackendsWasRemoved() throws Exception
    {
        final DataplaneConfig config = DataplaneConfig.of("net_ring44", List.of(-1)).withFlowTableCapacity(1 << 12);
        final Path statsPath = directory.resolve("sluice.stats");
        try (StatsFile stats = StatsFile.create(statsPath, 1);
            Dataplane dataplane = Dataplane.start(DpdkTestSupport.eal(), config, SETTINGS, List.of(), null, stats);
            StatsFile reader = StatsFile.open(statsPath))
        {
            dataplane.apply(SETTINGS, List.of(service(1, 4000)));
            dataplane.apply(SETTINGS, List.of());

            final long generation = dataplane.apply(SETTINGS, List.of(service(2, 200)));

            assertEquals(4, generation);
            assertEquals(200, dataplane.neighbours().size(), "the 4000 slots of the removed service were freed");
            final List<NeighbourEntry> entries = dataplane.neighbourEntries();
            assertEquals(200, entries.size());
            assertTrue(entries.stream().allMatch(entry -> entry.state().equals("incomplete") && !entry.retired()), entries.toString());

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Map<String, Long> counters = neighbourCounters(reader);
            while (counters.getOrDefault("neighbours " + NeighbourCounter.REQUESTS_SENT.label(), 0L) == 0 &&
                System.nanoTime() < deadline)
            {
                Thread.sleep(10);
                counters = neighbourCounters(reader);
            }
            assertEquals(200L, counters.get("neighbours incomplete"), counters.toString());
            assertEquals(4096L, counters.get("neighbours capacity"));
            assertEquals(4000L, counters.get("neighbours reclaimed"));
            assertTrue(counters.get("neighbours requests-sent") > 0, counters.toString());
        }
    }
}
