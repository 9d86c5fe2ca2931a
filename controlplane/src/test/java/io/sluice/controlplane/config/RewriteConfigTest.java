package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.controlplane.model.ConfigDiff;
import io.sluice.dataplane.service.ClientAddress;
import io.sluice.dataplane.service.RewriteOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-service rewrite keys: {@code clientAddress} (none, toa, proxy-v2), {@code toaKind} and
 * {@code mssClamp}: read and passed to the dataplane, written back by {@link ConfigWriter} into text
 * that loads into an equal configuration, shown in a reload's diff, and refused at the faulty key
 * with a message that says what would be valid.
 */
class RewriteConfigTest
{
    private static final Path FILE = Path.of("/etc/sluice/lab.yaml");
    private static final String NETWORK = """
        dataplane:
          device: net_null0
          workers: 1
        network:
          addresses: [203.0.113.2, 2001:db8:113::2]
          gateway: { ipv4: 203.0.113.1, ipv6: 2001:db8:113::1 }
          nat: { addresses: [203.0.113.20, 2001:db8:113::20] }
        services:
        """;
    private static final String SERVICES = NETWORK + """
          - { vip: 192.0.2.10, port: 80, mode: fullnat, clientAddress: toa, toaKind: 200, mssClamp: 1400, backends: [ { address: 203.0.113.11 } ] }
          - { vip: 192.0.2.10, port: 53, protocol: udp, mode: fullnat, clientAddress: proxy-v2, backends: [ { address: 203.0.113.11 } ] }
          - { vip: 2001:db8::10, port: 80, mode: fullnat, clientAddress: toa, backends: [ { address: 2001:db8:113::11 } ] }
          - { vip: 192.0.2.11, port: 80, mode: nat, mssClamp: 1380, backends: [ { address: 203.0.113.12 } ] }
          - { vip: 192.0.2.12, port: 80, mode: fullnat, backends: [ { address: 203.0.113.13 } ] }
        """;

    private static List<String> problems(final String yaml)
    {
        return ConfigProblems.located(FILE, yaml);
    }

    @Test
    void shouldReadTheRewriteKeysPassThemToTheDataplaneAndWriteThemBack() throws Exception
    {
        final SluiceConfig config = ConfigLoader.parse(FILE, SERVICES);

        assertEquals(new RewriteOptions(ClientAddress.TOA, 200, 1400), config.services().get(0).rewrite());
        assertEquals(new RewriteOptions(ClientAddress.TOA, 200, 1400), config.services().get(0).toSpec().rewrite(), "in the spec");
        assertEquals(new RewriteOptions(ClientAddress.PROXY_V2, 254, 0), config.services().get(1).rewrite());
        assertEquals(new RewriteOptions(ClientAddress.TOA, 254, 0), config.services().get(2).rewrite(), "toaKind defaults to 254");
        assertEquals(new RewriteOptions(ClientAddress.NONE, 254, 1380), config.services().get(3).rewrite());
        assertEquals(RewriteOptions.NONE, config.services().get(4).rewrite(), "none given: none");

        final String written = ConfigWriter.write(config, List.of());
        assertTrue(written.contains("clientAddress: toa\n    toaKind: 200\n    mssClamp: 1400\n"), written);
        assertTrue(written.contains("clientAddress: proxy-v2\n"), written);
        assertEquals(config.services(), ConfigLoader.parse(FILE, written).services(), "written and read back unchanged");
    }

    @Test
    void shouldShowAChangedOptionInTheReloadsDiff() throws Exception
    {
        final SluiceConfig before = ConfigLoader.parse(FILE, SERVICES);
        final SluiceConfig after = ConfigLoader.parse(FILE, SERVICES.replace("toaKind: 200, mssClamp: 1400", "mssClamp: 1360")
            .replace("mode: fullnat, backends: [ { address: 203.0.113.13 } ]", "mode: fullnat, clientAddress: toa, backends: [ { address: 203.0.113.13 } ]"));

        assertEquals("changed service 192.0.2.10:80/tcp: toaKind 200 -> 254, mssClamp 1400 -> 1360; " +
            "changed service 192.0.2.12:80/tcp: clientAddress none -> toa", ConfigDiff.summary(ConfigDiff.between(before, after)));
    }

    @Test
    void shouldRefuseACarrierOfTheWrongProtocolOrModeAtItsKey()
    {
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:9:64: services[0].clientAddress: 'proxy' is not valid: one of none, toa (TCP), proxy-v2 (UDP)",
            "/etc/sluice/lab.yaml:10:79: services[1].clientAddress: 'toa' is not valid: clientAddress toa is a TCP option: a UDP " +
                "service takes proxy-v2",
            "/etc/sluice/lab.yaml:11:64: services[2].clientAddress: 'proxy-v2' is not valid: clientAddress proxy-v2 is for UDP " +
                "services: in a TCP stream its header would shift every sequence number of the flow both ways; a TCP service takes toa",
            "/etc/sluice/lab.yaml:12:60: services[3].clientAddress: 'toa' is not valid: clientAddress toa needs mode fullnat (nat " +
                "keeps the client's address as the source, the backends already see it)"),
            problems(NETWORK + """
                  - { vip: 192.0.2.10, port: 80, mode: fullnat, clientAddress: proxy, backends: [ { address: 203.0.113.11 } ] }
                  - { vip: 192.0.2.10, port: 53, protocol: udp, mode: fullnat, clientAddress: toa, backends: [ { address: 203.0.113.11 } ] }
                  - { vip: 192.0.2.11, port: 80, mode: fullnat, clientAddress: proxy-v2, backends: [ { address: 203.0.113.11 } ] }
                  - { vip: 192.0.2.12, port: 80, mode: nat, clientAddress: toa, backends: [ { address: 203.0.113.12 } ] }
                """));
    }

    @Test
    void shouldRefuseAToaKindTcpUsesOrWithoutToaAndAClampWhereItCannotWork()
    {
        assertEquals(List.of(
            "/etc/sluice/lab.yaml:9:78: services[0].toaKind: '8' is not valid: toaKind 8 is TCP's timestamps option: the backend's " +
                "stack would read it as that (254 is what DPVS and toa.ko read, 200 some vendors' modules)",
            "/etc/sluice/lab.yaml:10:58: services[1].toaKind: '200' is not valid: omitted: the kind is that of the TOA option, which " +
                "only clientAddress: toa adds",
            "/etc/sluice/lab.yaml:11:55: services[2].mssClamp: '1400' is not valid: mssClamp needs mode nat or fullnat: in dsr the " +
                "backend's SYN-ACK, whose MSS sizes the client's segments, does not pass the LB; lower the MSS the backends " +
                "advertise instead (ip route ... advmss)",
            "/etc/sluice/lab.yaml:12:55: services[3].mssClamp: '500' is not valid: mssClamp 500 is not 536..9176 (IPv4: from the MSS " +
                "every host accepts to what a 9216-byte MTU leaves)",
            "/etc/sluice/lab.yaml:13:70: services[4].mssClamp: '1400' is not valid: mssClamp is a TCP option's clamp: a UDP service " +
                "has none",
            "/etc/sluice/lab.yaml:14:78: services[5].toaKind: '300' is not valid: a TCP option kind 1..255 that the backends' TOA " +
                "module reads, e.g. 254 or 200"),
            problems(NETWORK + """
                  - { vip: 192.0.2.10, port: 80, mode: fullnat, clientAddress: toa, toaKind: 8, backends: [ { address: 203.0.113.11 } ] }
                  - { vip: 192.0.2.11, port: 80, mode: fullnat, toaKind: 200, backends: [ { address: 203.0.113.11 } ] }
                  - { vip: 192.0.2.12, port: 80, mode: dsr, mssClamp: 1400, backends: [ { address: 203.0.113.11 } ] }
                  - { vip: 192.0.2.13, port: 80, mode: nat, mssClamp: 500, backends: [ { address: 203.0.113.12 } ] }
                  - { vip: 192.0.2.13, port: 53, protocol: udp, mode: nat, mssClamp: 1400, backends: [ { address: 203.0.113.12 } ] }
                  - { vip: 192.0.2.14, port: 80, mode: fullnat, clientAddress: toa, toaKind: 300, backends: [ { address: 203.0.113.11 } ] }
                """));
    }
}
