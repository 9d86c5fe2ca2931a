package io.sluice.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.dataplane.service.IpAddress;

import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.LB2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LbConfig} renders a configuration the daemon's own loader accepts for either LB host, with
 * that host's DPDK interface, addresses and a stats file of its own, and with flow sync between the
 * two (one key file of mode 0600 for both); the {@code vrrp:} section in the shape the daemon's
 * VRRP reads (not parsed here: the loader does not know it yet). No lab needed.
 */
class LbConfigTest
{
    private static final LbConfig.Service DSR = LbConfig.Service.of("192.0.2.10", "dsr", 1, 1, 0);

    @TempDir
    Path directory;

    @Test
    void shouldRenderEachLbsInterfaceAddressesAndStatsFileWhenPutOnThatHost() throws Exception
    {
        final SluiceConfig lb1 = ConfigLoader.parse(directory.resolve("lb1.yaml"), LbConfig.of(DSR).yaml());
        final SluiceConfig lb2 = ConfigLoader.parse(directory.resolve("lb2.yaml"), LbConfig.of(DSR).on(LB2).withWorkerIdle("backoff").yaml());

        assertEquals("net_af_packet0,iface=sl-lb0", lb1.dataplane().device());
        assertEquals("net_af_packet0,iface=sl-lb2-lan", lb2.dataplane().device());
        assertEquals(List.of(IpAddress.parse(LB2.ipv4()), IpAddress.parse(LB2.ipv6())), lb2.network().addresses());
        assertEquals(List.of(IpAddress.parse(LB2.ipv4()), IpAddress.parse(LB2.ipv6())), lb2.network().tunnelSources());
        assertEquals(List.of(IpAddress.parse(LB1.ipv4()), IpAddress.parse(LB1.ipv6())), lb1.network().addresses());
        assertEquals(LbConfig.STATS_FILE, lb1.statsFile());
        assertNotEquals(lb1.statsFile(), lb2.statsFile());
        assertEquals("BACKOFF", lb2.dataplane().workerIdle().name());
        assertNull(lb1.sync());
    }

    @Test
    void shouldRenderSyncBetweenTheLbsWithOneOwnerOnlyKeyWhenSyncIsOn() throws Exception
    {
        final Path key = LbConfig.Sync.writeKey(directory.resolve("sync.key"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(key).strip().matches("[0-9a-f]{64}"), "32 random bytes in hex");

        final SluiceConfig lb1 = ConfigLoader.parse(directory.resolve("lb1.yaml"),
            LbConfig.of(DSR).withSync(LbConfig.Sync.between(LB1, key, LB2)).yaml());
        final SluiceConfig lb2 = ConfigLoader.parse(directory.resolve("lb2.yaml"),
            LbConfig.of(DSR).on(LB2).withSync(LbConfig.Sync.between(LB2, key, LB1)).yaml());

        assertEquals(1, lb1.sync().nodeId());
        assertEquals(2, lb2.sync().nodeId());
        assertEquals("198.18.0.1:7311", lb1.sync().listen());
        assertEquals(List.of("198.18.0.2:7311"), lb1.sync().peers());
        assertEquals("198.18.0.2:7311", lb2.sync().listen());
        assertEquals(List.of("198.18.0.1:7311"), lb2.sync().peers());
        assertEquals(key, lb2.sync().keyFile());
    }

    @Test
    void shouldRenderTheVrrpSectionInTheDaemonsShapeWhenVrrpIsOn()
    {
        final LbConfig.Vrrp vrrp = new LbConfig.Vrrp(Path.of("/run/notify.sh"), List.of(
            LbConfig.VrrpRouter.of("v4", 51, 150, "203.0.113.100"),
            new LbConfig.VrrpRouter("v6", 52, 100, Duration.ofSeconds(1), false, Duration.ofSeconds(2), List.of("2001:db8:113::100"),
                List.of("203.0.113.5"))));
        final String yaml = LbConfig.of(DSR).withVrrp(vrrp).yaml();
        assertTrue(yaml.endsWith("""
            vrrp:
              notify: /run/notify.sh
              routers:
                - name: v4
                  vrid: 51
                  priority: 150
                  advertInterval: 100ms
                  preempt: true
                  preemptDelay: 0s
                  addresses: [203.0.113.100]
                  unicastPeers: []
                - name: v6
                  vrid: 52
                  priority: 100
                  advertInterval: 1s
                  preempt: false
                  preemptDelay: 2s
                  addresses: [2001:db8:113::100]
                  unicastPeers: [203.0.113.5]
            """), yaml);
        assertTrue(LbConfig.of(DSR).withVrrp(new LbConfig.Vrrp(null, List.of(LbConfig.VrrpRouter.of("v4", 51, 150, "203.0.113.100"))))
            .yaml().contains("vrrp:\n  routers:\n    - name: v4\n"), "no notify line without a script");
    }

    @Test
    void shouldRefuseAVrrpRouterWhenItsPriorityOrIntervalIsOutOfBounds()
    {
        assertThrows(IllegalArgumentException.class, () -> LbConfig.VrrpRouter.of("v4", 51, 0, "203.0.113.100"));
        assertThrows(IllegalArgumentException.class, () -> LbConfig.VrrpRouter.of("v4", 256, 100, "203.0.113.100"));
        assertThrows(IllegalArgumentException.class, () -> new LbConfig.VrrpRouter("v4", 51, 100, Duration.ofMillis(105), true,
            Duration.ZERO, List.of("203.0.113.100"), List.of()));
    }
}
