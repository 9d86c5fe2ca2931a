package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.controlplane.vrrp.VrrpConfig;
import io.sluice.controlplane.vrrp.VrrpFamily;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.VirtualAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code vrrp:} section as the loader reads it, and what it gives the dataplane. */
class VrrpSectionTest
{
    private static final String BASE = """
        dataplane:
          device: net_null0
          workers: 1
        network:
          addresses: [203.0.113.2, 2001:db8:113::2]
        """;

    @TempDir
    Path directory;

    private SluiceConfig load(final String yaml) throws ConfigException
    {
        return ConfigLoader.parse(directory.resolve("lb.yaml"), yaml);
    }

    private List<String> problems(final String yaml)
    {
        return ConfigProblems.of(directory.resolve("lb.yaml"), yaml);
    }

    @Test
    void shouldReadRoutersWithDefaultsAndStartTheirAddressesStandby() throws Exception
    {
        final SluiceConfig config = load(BASE + """
            vrrp:
              notify: /usr/local/bin/vrrp-notify --verbose
              routers:
                - name: v4
                  vrid: 51
                  priority: 150
                  advertInterval: 100ms
                  preemptDelay: 2s
                  addresses: [203.0.113.100, 192.0.2.10]
                - name: v6
                  vrid: 51
                  addresses: [2001:db8:113::100]
                  source: fe80::2
                  unicastPeers: [fe80::4]
            """);

        final VrrpSection vrrp = config.vrrp();
        assertEquals("/usr/local/bin/vrrp-notify --verbose", vrrp.notifyCommand());
        assertEquals(new VrrpConfig("v4", 51, VrrpFamily.IPV4, 150, 10, true, 2_000_000_000L, false,
            List.of(IpAddress.parse("203.0.113.100"), IpAddress.parse("192.0.2.10")), IpAddress.parse("203.0.113.2"), List.of()),
            vrrp.routers().get(0), "the source defaults to the first IPv4 address of network.addresses");
        final VrrpConfig v6 = vrrp.routers().get(1);
        assertEquals(VrrpConfig.DEFAULT_PRIORITY, v6.priority());
        assertEquals(VrrpConfig.DEFAULT_ADVERT_INTERVAL_CS, v6.advertIntervalCs());
        assertEquals(List.of(IpAddress.parse("fe80::4")), v6.unicastPeers());
        assertEquals(List.of(
            new VirtualAddress(IpAddress.parse("203.0.113.100"), 0x0000_5E00_0133L, false),
            new VirtualAddress(IpAddress.parse("192.0.2.10"), 0x0000_5E00_0133L, false),
            new VirtualAddress(IpAddress.parse("2001:db8:113::100"), 0x0000_5E00_0233L, false)),
            config.settings().virtualAddresses(), "the dataplane starts with every virtual address standby");
        assertEquals(vrrp, load(ConfigWriter.write(config, List.of())).vrrp(), "and reads back the same");
        assertNull(load(BASE).vrrp(), "no section, no VRRP");
    }

    @Test
    void shouldMoveAnOwnersAddressesFromTheLocalOnesToTheVirtualOnes() throws Exception
    {
        final SluiceConfig config = load(BASE + """
            vrrp:
              routers:
                - name: owner
                  vrid: 7
                  priority: 255
                  addresses: [203.0.113.2]
            """);

        assertEquals(List.of(IpAddress.parse("2001:db8:113::2")), config.settings().localAddresses());
        assertEquals(List.of(new VirtualAddress(IpAddress.parse("203.0.113.2"), 0x0000_5E00_0107L, false)),
            config.settings().virtualAddresses());
    }

    @Test
    void shouldNameEachBadValue()
    {
        final List<String> problems = problems(BASE + """
            vrrp:
              routers:
                - name: "bad name"
                  vrid: 0
                  priority: 256
                  advertInterval: 105ms
                  addresses: [203.0.113.100]
                - name: nosource
                  vrid: 2
                  addresses: [2001:db8:113::100]
                - name: noaddresses
                  vrid: 3
            """);

        assertEquals(6, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("vrrp.routers[0].name: 'bad name' is not valid: a name of 1 to 32"), problems.get(0));
        assertTrue(problems.get(1).startsWith("vrrp.routers[0].vrid: '0' is not valid: an integer 1..255"), problems.get(1));
        assertTrue(problems.get(2).startsWith("vrrp.routers[0].priority: '256' is not valid"), problems.get(2));
        assertTrue(problems.get(3).startsWith("vrrp.routers[0].advertInterval: '105ms' is not valid: a duration in whole " +
            "centiseconds"), problems.get(3));
        assertTrue(problems.get(4).contains("vrrp.routers[1].source: source is missing: an IPv6 virtual router sends from a " +
            "link-local address"), problems.get(4));
        assertTrue(problems.get(5).contains("vrrp.routers[2].addresses"), problems.get(5));
    }

    @Test
    void shouldRefuseRoutersThatClashWithTheLbsAddressesOrEachOther()
    {
        final List<String> problems = problems(BASE + """
            vrrp:
              routers:
                - name: v4
                  vrid: 51
                  addresses: [203.0.113.2]
                - name: v4b
                  vrid: 51
                  addresses: [203.0.113.101]
            """);

        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("VRID 51 is used twice for IPv4"), problems.get(0));
        assertTrue(problems.get(1).contains("virtual address 203.0.113.2 is one of this LB's own addresses"), problems.get(1));
    }

    @Test
    void shouldSayAVrrpChangeNeedsARestartWhenReloaded() throws Exception
    {
        final SluiceConfig running = load(BASE + """
            vrrp:
              routers:
                - {name: v4, vrid: 51, addresses: [203.0.113.100]}
            """);
        final SluiceConfig next = load(BASE + """
            vrrp:
              routers:
                - {name: v4, vrid: 51, priority: 200, addresses: [203.0.113.100]}
            """);

        assertFalse(running.canReloadTo(next), "a reload that changes VRRP is refused as needing a restart");
        assertTrue(running.canReloadTo(running.withServices(List.of())));
    }
}
