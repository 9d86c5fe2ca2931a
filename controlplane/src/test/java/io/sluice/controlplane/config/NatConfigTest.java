package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.worker.DataplaneConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The keys of full NAT: {@code mode: fullnat} with its {@code backendPort}, {@code network.nat.addresses}
 * and {@code dataplane.natPorts}: read, defaulted, passed to the dataplane, refused with the loader's
 * messages at the faulty value, and written back by {@link ConfigWriter} into text that loads into
 * an equal configuration.
 */
class NatConfigTest
{
    private static final Path FILE = Path.of("/etc/sluice/lab.yaml");
    private static final String DATAPLANE = """
        dataplane:
          device: net_null0
          workers: 1
        """;
    private static final String FULLNAT = DATAPLANE + """
          natPorts: { first: 20000, last: 29999 }
        network:
          addresses: [203.0.113.2, 2001:db8:113::2]
          gateway: { ipv4: 203.0.113.1, ipv6: 2001:db8:113::1 }
          nat: { addresses: [203.0.113.20, 2001:db8:113::20, 203.0.113.21] }
        services:
          - { vip: 192.0.2.10, port: 80, mode: fullnat, backendPort: 8080, backends: [ { address: 203.0.113.11 } ] }
          - { vip: 2001:db8::10, port: 443, mode: fullnat, backends: [ { address: 2001:db8:113::11 } ] }
        """;

    private static List<String> problems(final String yaml)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigLoader.parse(FILE, yaml));
        final List<String> lines = new ArrayList<>();
        for (final ConfigProblem problem : ex.problems())
        {
            lines.add(problem.toString());
        }
        return lines;
    }

    private static IpAddress ip(final String text)
    {
        return IpAddress.parse(text);
    }

    @Test
    void shouldReadFullNatServicesNatAddressesAndPortsWhenGiven() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, FULLNAT);

        final ServiceSection web = config.services().getFirst();
        assertEquals(ForwardingMode.FULLNAT, web.mode());
        assertEquals(8080, web.backendPort());
        assertEquals(8080, web.toSpec().targetPort());
        assertEquals(443, config.services().get(1).toSpec().targetPort(), "no backendPort: the VIP port");
        final List<IpAddress> nat = List.of(ip("203.0.113.20"), ip("2001:db8:113::20"), ip("203.0.113.21"));
        assertEquals(nat, config.network().natAddresses());
        assertEquals(nat, config.settings().natAddresses(), "passed to the dataplane");
        final DataplaneConfig dataplane = config.dataplane().toDataplaneConfig();
        assertEquals(20000, dataplane.natFirstPort());
        assertEquals(29999, dataplane.natLastPort());
    }

    @Test
    void shouldTakeNoNatAddressesAndTheWholePortRangeWhenNotGiven() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, DATAPLANE);

        assertEquals(List.of(), config.settings().natAddresses());
        assertEquals(1024, config.dataplane().toDataplaneConfig().natFirstPort());
        assertEquals(65535, config.dataplane().toDataplaneConfig().natLastPort());
        assertEquals(2000, ConfigLoader.parse(FILE, DATAPLANE + "  natPorts: { first: 2000 }\n").dataplane().natFirstPort());
        assertEquals(65535, ConfigLoader.parse(FILE, DATAPLANE + "  natPorts: { first: 2000 }\n").dataplane().natLastPort());
    }

    @Test
    void shouldLoadWhatTheWriterWritesIntoAnEqualConfigurationWhenFullNatIsUsed() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, FULLNAT);

        final String written = ConfigWriter.write(config, List.of());

        assertEquals(config, ConfigLoader.parse(FILE, written));
        assertEquals(1, written.lines().filter(line -> line.equals(
            "  nat: { addresses: [\"203.0.113.20\", \"2001:db8:113::20\", \"203.0.113.21\"] }")).count(), written);
        assertEquals(1, written.lines().filter(line -> line.equals("  natPorts: { first: 20000, last: 29999 }")).count(), written);
    }

    @Test
    void shouldTakeANatAddressThatIsAVrrpVirtualAddressAndStartItStandby() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, FULLNAT + """
            vrrp:
              routers:
                - { name: v4, vrid: 51, addresses: [203.0.113.100, 203.0.113.21] }
            """);

        final io.sluice.dataplane.service.DataplaneSettings settings = config.settings();
        assertEquals(List.of(ip("203.0.113.20"), ip("2001:db8:113::20"), ip("203.0.113.21")), settings.natAddresses());
        assertEquals(List.of(
            new io.sluice.dataplane.service.VirtualAddress(ip("203.0.113.100"), 0x0000_5E00_0133L, false),
            new io.sluice.dataplane.service.VirtualAddress(ip("203.0.113.21"), 0x0000_5E00_0133L, false)),
            settings.virtualAddresses(), "a NAT address can move with VRRP, so that the peer takes its flows' replies");
    }

    @Test
    void shouldRefuseNatPortsOutsideTheRangeOrReversed()
    {
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:4:22: dataplane.natPorts.first: '80' is not valid: a port 1024..65535 (the lowest full NAT takes)",
            "/etc/sluice/lab.yaml:4:32: dataplane.natPorts.last: '70000' is not valid: a port 1024..65535 (the highest full NAT " +
                "takes)"),
            problems(DATAPLANE + "  natPorts: { first: 80, last: 70000 }\n"));
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:4:35: dataplane.natPorts.last: '29999' is not valid: a port from natPorts.first (30000) to 65535"),
            problems(DATAPLANE + "  natPorts: { first: 30000, last: 29999 }\n"));
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:4:28: dataplane.natPorts.count: 'count' is not valid: a key of dataplane.natPorts: first, last"),
            problems(DATAPLANE + "  natPorts: { first: 3000, count: 10 }\n"));
    }

    @Test
    void shouldRefuseANatAddressThatIsInvalidListedTwiceOrOwn()
    {
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:6:22: network.nat.addresses[0]: '203.0.113.2' is not valid: an address not in network.addresses " +
                "(what the backends send to a NAT address is taken as the reply of a full-NAT flow, not as traffic for the LB)",
            "/etc/sluice/lab.yaml:6:49: network.nat.addresses[2]: '203.0.113.20' is not valid: an address not listed before",
            "/etc/sluice/lab.yaml:6:63: network.nat.addresses[3]: '203.0.113.300' is not valid: an IPv4 or IPv6 address"),
            problems(DATAPLANE + """
                network:
                  addresses: [203.0.113.2]
                  nat: { addresses: [203.0.113.2, 203.0.113.20, 203.0.113.20, 203.0.113.300] }
                """));
    }

    @Test
    void shouldRefuseAFullNatServiceAtTheServiceWhenNoNatAddressOfItsFamilyIsConfigured()
    {
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:8:5: services[0]: '[2001:db8:0:0:0:0:0:10]:443/tcp' is not valid: fullnat needs a NAT address of the VIP's " +
                "family (network.nat.addresses), none is configured"),
            problems(DATAPLANE + """
                network:
                  gateway: { ipv4: 203.0.113.1, ipv6: 2001:db8:113::1 }
                  nat: { addresses: [203.0.113.20] }
                services:
                  - { vip: 2001:db8::10, port: 443, mode: fullnat, backends: [ { address: 2001:db8:113::11 } ] }
                """));
    }

    @Test
    void shouldRefuseABackendPortWhenTheModeKeepsThePort()
    {
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:6:58: services[0].backendPort: '8080' is not valid: omitted, or the VIP port: only modes nat " +
                "and fullnat rewrite the port (gue leaves it as the client sent it)"),
            problems(DATAPLANE + """
                network: { tunnel: { sources: [203.0.113.2] } }
                services:
                  - { vip: 192.0.2.10, port: 80, mode: gue, backendPort: 8080, backends: [ { address: 203.0.113.11 } ] }
                """));
    }
}
