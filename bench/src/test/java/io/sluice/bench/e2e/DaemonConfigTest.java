package io.sluice.bench.e2e;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon's configuration for a point: memif client, pinned worker, static next hops at the generator's MAC. */
class DaemonConfigTest
{
    private static DaemonConfig config(final String mode, final int backends)
    {
        return new DaemonConfig(mode, backends, Path.of("/tmp/e/memif.sock"), "02:00:00:00:00:01", "02:00:00:00:00:02", 1, 0,
            1 << 20, Path.of("/tmp/e/sluice.stats"), Path.of("/tmp/e/api.sock"));
    }

    @Test
    void shouldSendIpipThroughTheGatewayAndNatStraightToEachBackend()
    {
        final String ipip = config("ipip", 100).yaml();
        assertTrue(ipip.contains("  device: \"net_memif0,role=client,socket=/tmp/e/memif.sock,mac=02:00:00:00:00:01\"\n"), ipip);
        assertTrue(ipip.contains("  cores: [1]\n  mainCore: 0\n"), ipip);
        assertEquals(100, ipip.lines().filter(line -> line.startsWith("      - { address: 172.17.0.")).count());
        assertEquals(1, ipip.lines().filter(line -> line.contains("mac: \"02:00:00:00:00:02\"")).count(), "the gateway only");
        assertTrue(ipip.contains("    mode: ipip\n    backends:\n"), ipip);

        final String fullnat = config("fullnat", 300).yaml();
        assertEquals(301, fullnat.lines().filter(line -> line.contains("mac: \"02:00:00:00:00:02\"")).count(), "the gateway and each backend");
        assertTrue(fullnat.contains("  nat: { addresses: [172.16.0.200] }\n"), fullnat);
        assertTrue(fullnat.contains("    mode: fullnat\n    backendPort: 8080\n"), fullnat);
        assertTrue(fullnat.contains("      - { address: 172.17.1.44 }\n"), "backend 300 is 172.17.1.44:\n" + fullnat);
    }

    @Test
    void shouldRefuseAModeItCannotMeasureOrSizesOutOfRange()
    {
        assertThrows(IllegalArgumentException.class, () -> config("dsr", 100));
        assertThrows(IllegalArgumentException.class, () -> config("ipip", 0));
        assertThrows(IllegalArgumentException.class, () -> new DaemonConfig("ipip", 1, Path.of("s"), "m", "g", 1, 0, 1000,
            Path.of("f"), Path.of("a")));
    }
}
