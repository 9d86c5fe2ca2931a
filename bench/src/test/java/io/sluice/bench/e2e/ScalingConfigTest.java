package io.sluice.bench.e2e;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon's configuration for the scaling runs: a net_pcap port with one replayed file per worker. */
class ScalingConfigTest
{
    private static ScalingConfig config(final List<Integer> cores, final List<Path> pcaps, final int mbufs)
    {
        return new ScalingConfig(cores, 0, pcaps, "02:00:00:00:00:01", "02:00:00:00:00:02", 100, 1 << 16, mbufs,
            Path.of("/tmp/s/sluice.stats"), Path.of("/tmp/s/api.sock"));
    }

    @Test
    void shouldGiveTwoWorkersTheirCoresAndOneReplayedFileEach()
    {
        final ScalingConfig two = config(List.of(0, 1), List.of(Path.of("/tmp/s/q0.pcap"), Path.of("/tmp/s/q1.pcap")),
            ScalingConfig.minimumMbufs(2, 2000));
        assertEquals("net_pcap0,rx_pcap=/tmp/s/q0.pcap,rx_pcap=/tmp/s/q1.pcap,infinite_rx=1", two.device());
        final String yaml = two.yaml();
        assertTrue(yaml.contains("dataplane:\n  device: \"net_pcap0,rx_pcap=/tmp/s/q0.pcap,rx_pcap=/tmp/s/q1.pcap,infinite_rx=1\"\n" +
            "  cores: [0, 1]\n  mainCore: 0\n  mac: \"02:00:00:00:00:01\"\n  workerIdle: spin\n  mbufs: 10832\n"), yaml);
        assertTrue(yaml.contains("    - { address: 172.16.0.1, mac: \"02:00:00:00:00:02\" }\n"), yaml);
        assertTrue(yaml.contains("  - vip: 192.0.2.20\n    port: 80\n    mode: ipip\n    backends:\n"), yaml);
        assertEquals(100, yaml.lines().filter(line -> line.startsWith("      - { address: 172.17.0.")).count());
        assertTrue(yaml.endsWith("stats:\n  file: /tmp/s/sluice.stats\napi:\n  socket: /tmp/s/api.sock\n"), yaml);

        final ScalingConfig one = config(List.of(1), List.of(Path.of("/tmp/s/q0.pcap")), ScalingConfig.minimumMbufs(1, 1000));
        assertTrue(one.yaml().contains("  cores: [1]\n  mainCore: 0\n"), one.yaml());
        assertEquals("net_pcap0,rx_pcap=/tmp/s/q0.pcap,infinite_rx=1", one.device());
    }

    @Test
    void shouldCountAnMbufForEveryFrameTheDeviceHoldsBesidesTheDaemonsOwnFigure()
    {
        assertEquals(2 * (1024 + 1024 + 64 + 256) + 4096, ScalingConfig.minimumMbufs(2, 0));
        assertEquals(2 * (1024 + 1024 + 64 + 256) + 4096 + 2_000_000, ScalingConfig.minimumMbufs(2, 2_000_000));
    }

    @Test
    void shouldRefuseAFileCountUnlikeTheWorkersRepeatedCoresOrAPathTheDeviceStringCannotCarry()
    {
        final Path q0 = Path.of("/tmp/s/q0.pcap");
        final int mbufs = ScalingConfig.minimumMbufs(2, 0);
        assertThrows(IllegalArgumentException.class, () -> config(List.of(0, 1), List.of(q0), mbufs));
        assertThrows(IllegalArgumentException.class, () -> config(List.of(1, 1), List.of(q0, Path.of("/tmp/s/q1.pcap")), mbufs));
        assertThrows(IllegalArgumentException.class, () -> config(List.of(1), List.of(Path.of("/tmp/a,b.pcap")), mbufs));
        assertThrows(IllegalArgumentException.class, () -> config(List.of(1), List.of(q0), 100));
        assertThrows(IllegalArgumentException.class, () -> config(List.of(), List.of(), mbufs));
    }
}
