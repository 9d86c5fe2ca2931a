package io.sluice.controlplane.stat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NatExhaustionLogTest
{
    private static final long SECOND = 1_000_000_000L;

    private static StatsSample sample(final long webDrops, final long dnsDrops)
    {
        return new StatsSample(1, 0, 0, 1, 0, List.of(
            new StatsSample.ServiceRow(0, "192.0.2.13:80/tcp", "fullnat", 0, 0, 0, webDrops, Map.of("nat-ports-exhausted", webDrops)),
            new StatsSample.ServiceRow(1, "192.0.2.13:53/udp", "fullnat", 0, 0, 0, dnsDrops, Map.of("nat-ports-exhausted", dnsDrops))),
            List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    @Test
    void shouldSayOncePerIntervalWhichServicesRanOutOfPortsAndNotRepeatOldDrops()
    {
        final List<String> lines = new ArrayList<>();
        final NatExhaustionLog log = new NatExhaustionLog(lines::add, 10 * SECOND);

        assertNull(log.check(sample(5, 0), 0), "drops from before the first look are not reported");
        assertNull(log.check(sample(5, 0), SECOND), "nothing grew");
        final String line = log.check(sample(12, 3), 2 * SECOND);
        assertTrue(line.startsWith("10 new full-NAT flows dropped for want of a free port (nat-ports-exhausted): " +
            "192.0.2.13:80/tcp 7, 192.0.2.13:53/udp 3;"), line);
        assertTrue(line.contains("network.nat.addresses") && line.contains("dataplane.natPorts"), line);
        assertNull(log.check(sample(20, 3), 5 * SECOND), "at most one line per interval");
        final String later = log.check(sample(20, 3), 13 * SECOND);
        assertTrue(later.startsWith("8 new full-NAT flows dropped") && later.contains("192.0.2.13:80/tcp 8;"), later);
        assertEquals(2, lines.size());
    }
}
