package io.sluice.controlplane.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.worker.DataplaneConfig;
import io.sluice.dataplane.worker.WorkerIdle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest
{
    private static final Path FILE = Path.of("/etc/sluice/lab.yaml");
    private static final String MINIMAL_DATAPLANE = """
        dataplane:
          device: net_null0
          workers: 1
        """;

    @TempDir
    Path directory;

    private static SluiceConfig load(final String yaml) throws ConfigException
    {
        return ConfigLoader.parse(FILE, yaml);
    }

    private static List<String> problems(final String yaml)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> load(yaml));
        final List<String> lines = new ArrayList<>();
        for (final ConfigProblem problem : ex.problems())
        {
            lines.add(problem.toString());
        }
        return lines;
    }

    private static void assertProblems(final String yaml, final String... expected)
    {
        assertEquals(List.of(expected), problems(yaml));
    }

    @Test
    void shouldReadEveryKeyWhenTheFullExampleIsGiven() throws Exception
    {
        final SluiceConfig config = load("""
            dataplane:
              device: "0000:03:00.0"
              cores: [1, 2]
              mainCore: 0
              eal: ["--log-level=notice"]
              mac: 02:00:00:00:00:01
              promiscuous: false
              mbufs: 20000
              burst: 64
              descriptors: { rx: 2048, tx: 512 }
              flowTable: { capacity: 1048576, minEvictionIdle: 2s }
              icmpTooBigRate: 500
            network:
              addresses: [203.0.113.2, 2001:db8:113::2]
              gateway: { ipv4: 203.0.113.1, ipv6: 2001:db8:113::1 }
              mtu: 9000
              tunnel: { sources: [203.0.113.2, 2001:db8:113::2], guePort: 7000, gueVariant: 1, outerTtl: 32 }
              neighbours: [ { address: 203.0.113.11, mac: "02:00:00:00:01:11" } ]
            timeouts: { tcpIdle: 600s, udpIdle: 1m, tcpClosing: 5s, otherIdle: 500ms }
            services:
              - vip: 192.0.2.10
                port: 80
                protocol: tcp
                mode: ipip
                maglevSize: 251
                timeouts: { tcpIdle: 1h }
                backends:
                  - { address: 203.0.113.11, weight: 1 }
                  - { address: 203.0.113.12, weight: 3 }
              - vip: 2001:db8::10
                port: 53
                protocol: udp
                mode: gue
                backends:
                  - { address: 203.0.113.11 }
            stats:
              file: /dev/shm/lab.stats
            """);

        final DataplaneConfig dataplane = config.dataplane().toDataplaneConfig();
        assertEquals("0000:03:00.0", dataplane.device());
        assertEquals(List.of(1, 2), dataplane.workerCpus());
        assertEquals(0x0200_0000_0001L, dataplane.portMac());
        assertFalse(dataplane.promiscuous());
        assertEquals(20000, dataplane.mbufs());
        assertEquals(64, dataplane.burstSize());
        assertEquals(2048, dataplane.rxDescriptors());
        assertEquals(512, dataplane.txDescriptors());
        assertEquals(1 << 20, dataplane.flowTableCapacity());
        assertEquals(TimeUnit.SECONDS.toNanos(2), dataplane.minEvictionIdleNs());
        assertEquals(500, dataplane.icmpTooBigPerSecond());
        assertEquals(List.of("--in-memory", "--no-telemetry", "-l", "0", "-a", "0000:03:00.0", "--log-level=notice"),
            config.dataplane().eal());

        final DataplaneSettings settings = config.settings();
        assertEquals(List.of(IpAddress.parse("203.0.113.2"), IpAddress.parse("2001:db8:113::2")), settings.localAddresses());
        assertEquals(IpAddress.parse("203.0.113.1"), settings.gatewayIpv4());
        assertEquals(IpAddress.parse("2001:db8:113::1"), settings.gatewayIpv6());
        assertEquals(9000, settings.mtu());
        assertEquals(List.of(IpAddress.parse("203.0.113.2")), settings.tunnelSourcesIpv4());
        assertEquals(List.of(IpAddress.parse("2001:db8:113::2")), settings.tunnelSourcesIpv6());
        assertEquals(7000, settings.guePort());
        assertEquals(1, settings.gueVariant());
        assertEquals(32, settings.outerTtl());
        assertEquals(TimeUnit.SECONDS.toNanos(5), settings.tcpClosingTimeoutNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), settings.otherIdleTimeoutNs());
        assertEquals(List.of(new DataplaneSettings.StaticNeighbour(IpAddress.parse("203.0.113.11"), 0x0200_0000_0111L)),
            settings.staticNeighbours());

        final List<ServiceSpec> services = config.serviceSpecs();
        assertEquals(new ServiceSpec(IpAddress.parse("192.0.2.10"), 80, 6, ForwardingMode.IPIP,
            List.of(new ServiceSpec.BackendSpec(IpAddress.parse("203.0.113.11"), 1),
                new ServiceSpec.BackendSpec(IpAddress.parse("203.0.113.12"), 3)),
            251, TimeUnit.HOURS.toNanos(1), TimeUnit.MINUTES.toNanos(1)), services.get(0));
        assertEquals(new ServiceSpec(IpAddress.parse("2001:db8::10"), 53, 17, ForwardingMode.GUE,
            List.of(new ServiceSpec.BackendSpec(IpAddress.parse("203.0.113.11"), 1)),
            65537, TimeUnit.SECONDS.toNanos(600), TimeUnit.MINUTES.toNanos(1)), services.get(1));
        assertEquals(Path.of("/dev/shm/lab.stats"), config.statsFile());
    }

    @Test
    void shouldApplyDefaultsWhenOnlyTheDeviceAndWorkersAreGiven() throws Exception
    {
        final SluiceConfig config = load(MINIMAL_DATAPLANE);

        assertEquals(DataplaneConfig.of("net_null0", List.of(-1)), config.dataplane().toDataplaneConfig());
        assertEquals(List.of("--in-memory", "--no-telemetry", "-l", "0", "--no-pci"), config.dataplane().eal());
        assertEquals(DataplaneSettings.of(List.of(), List.of(), List.of()), config.settings());
        assertEquals(List.of(), config.services());
        assertEquals(Path.of("/dev/shm/sluice-net_null0.stats"), config.statsFile());
    }

    @Test
    void shouldNameFileLineColumnKeyAndValueWhenAWeightIsNegative()
    {
        assertProblems(MINIMAL_DATAPLANE + """
            services:
              - vip: 192.0.2.10
                port: 80
                mode: dsr
                backends:
                  - { address: 203.0.113.11, weight: 1 }
              - vip: 192.0.2.11
                port: 80
                mode: dsr
                backends:
                  - { address: 203.0.113.11, weight: -3 }
            """,
            "/etc/sluice/lab.yaml:14:42: services[1].backends[0].weight: '-3' is not valid: an integer 0..65535");
    }

    @Test
    void shouldRejectUnknownKeysAndSuggestTheClosestWhenAKeyIsMisspelt()
    {
        assertProblems("""
            dataplane:
              device: net_null0
              workers: 1
              flowtable: { capacity: 1024 }
            services:
              - vip: 192.0.2.10
                port: 80
                mode: dsr
                timeouts: { tcpClosing: 5s }
                backends: []
            colour: blue
            """,
            "/etc/sluice/lab.yaml:4:3: dataplane.flowtable: 'flowtable' is not valid: a key of dataplane: device, cores, " +
                "workers, mainCore, eal, mac, promiscuous, mbufs, burst, descriptors, flowTable, icmpTooBigRate, neighbours, " +
                "workerIdle (did you mean 'flowTable'?)",
            "/etc/sluice/lab.yaml:9:17: services[0].timeouts.tcpClosing: 'tcpClosing' is not valid: a key of " +
                "services[].timeouts: tcpIdle, udpIdle",
            "/etc/sluice/lab.yaml:11:1: colour: 'colour' is not valid: a key of the top level: dataplane, network, timeouts, " +
                "services, stats, api, metrics, sync, vrrp");
    }

    @Test
    void shouldRejectAKeyGivenTwiceWhenAMappingRepeatsIt()
    {
        assertProblems("""
            dataplane:
              device: net_null0
              workers: 1
              device: net_null1
            """,
            "/etc/sluice/lab.yaml:4:3: dataplane.device: 'device' is not valid: a key given once (it is first given on line 2)");
    }

    @Test
    void shouldRejectTheSecondServiceWhenTwoHaveTheSameVipPortAndProtocol()
    {
        assertProblems(MINIMAL_DATAPLANE + """
            services:
              - { vip: 192.0.2.10, port: 80, mode: dsr, backends: [] }
              - { vip: 192.0.2.10, port: 80, protocol: udp, mode: dsr, backends: [] }
              - { vip: 192.0.2.10, port: 80, mode: dsr, backends: [] }
            """,
            "/etc/sluice/lab.yaml:7:12: services[2].vip: '192.0.2.10' is not valid: a VIP, port and protocol no other service " +
                "has (services[0] is 192.0.2.10:80/tcp)");
    }

    @Test
    void shouldRefuseAddressesOfClassesThatCannotWorkWhereTheFileGivesThem()
    {
        assertProblems(MINIMAL_DATAPLANE + """
            network:
              addresses: [0.0.0.0]
              gateway: { ipv4: 127.0.0.1 }
              tunnel: { sources: [224.0.0.1] }
            services:
              - vip: 255.255.255.255
                port: 80
                mode: dsr
                backends:
                  - { address: 127.0.0.1 }
                  - { address: "::" }
                  - { address: ff02::1 }
            """,
            "/etc/sluice/lab.yaml:5:15: network.addresses[0]: '0.0.0.0' is not valid: 0.0.0.0 is the unspecified address " +
                "(0.0.0.0): it names no host, it cannot be a LB address",
            "/etc/sluice/lab.yaml:6:20: network.gateway.ipv4: '127.0.0.1' is not valid: 127.0.0.1 is a loopback address " +
                "(127.0.0.0/8): packets to it never leave a host, it cannot be a gateway",
            "/etc/sluice/lab.yaml:7:23: network.tunnel.sources[0]: '224.0.0.1' is not valid: 224.0.0.1 is a multicast address " +
                "(224.0.0.0/4): it names a group, not one host, it cannot be a tunnel source",
            "/etc/sluice/lab.yaml:9:10: services[0].vip: '255.255.255.255' is not valid: 255.255.255.255 is the limited " +
                "broadcast address (255.255.255.255): it reaches every host of a link, it cannot be a VIP",
            "/etc/sluice/lab.yaml:13:20: services[0].backends[0].address: '127.0.0.1' is not valid: 127.0.0.1 is a loopback " +
                "address (127.0.0.0/8): packets to it never leave a host, it cannot be a backend",
            "/etc/sluice/lab.yaml:14:20: services[0].backends[1].address: '::' is not valid: 0:0:0:0:0:0:0:0 is the " +
                "unspecified address (::): it names no host, it cannot be a backend",
            "/etc/sluice/lab.yaml:15:20: services[0].backends[2].address: 'ff02::1' is not valid: ff02:0:0:0:0:0:0:1 is a " +
                "multicast address (ff00::/8): it names a group, not one host, it cannot be a backend");
    }

    @Test
    void shouldRefuseABackendThatIsItsOwnVipAnotherVipOrTheLb()
    {
        final List<String> problems = problems(MINIMAL_DATAPLANE + """
            network:
              addresses: [203.0.113.2]
            services:
              - { vip: 192.0.2.10, port: 80, mode: dsr, backends: [{ address: 192.0.2.10 }] }
              - { vip: 192.0.2.12, port: 80, mode: dsr, backends: [{ address: 203.0.113.2 }] }
            """);
        assertEquals(List.of("/etc/sluice/lab.yaml:7:67: services[0].backends[0].address: '192.0.2.10' is not valid: backend " +
            "192.0.2.10 is the service's own VIP: what the LB forwards there would come back to it",
            "/etc/sluice/lab.yaml:8:67: services[1].backends[0].address: '203.0.113.2' is not valid: backend 203.0.113.2 is " +
            "an address of the LB itself (network.addresses or a tunnel source)"), problems);
        final List<String> loop = problems(MINIMAL_DATAPLANE + """
            services:
              - { vip: 192.0.2.11, port: 80, mode: dsr, backends: [{ address: 192.0.2.12 }] }
              - { vip: 192.0.2.12, port: 80, mode: dsr, backends: [] }
            """);
        assertEquals(1, loop.size(), loop.toString());
        assertTrue(loop.getFirst().contains("backend 192.0.2.12 is the VIP of another service of this LB"), loop.getFirst());
    }

    @Test
    void shouldQuoteOnlyTheStartOfAValueFarTooLong()
    {
        final List<String> problems = problems(MINIMAL_DATAPLANE + "services:\n  - { vip: " + "9".repeat(20_000) +
            ", port: 80, mode: dsr, backends: [] }\n");
        assertEquals(List.of("/etc/sluice/lab.yaml:5:12: services[0].vip: '" + "9".repeat(64) + "... (20000 characters)' is " +
            "not valid: an IPv4 or IPv6 address"), problems);
    }

    @Test
    void shouldRejectABackendListedTwiceWhenInOneService()
    {
        assertProblems(MINIMAL_DATAPLANE + """
            services:
              - vip: 192.0.2.10
                port: 80
                mode: dsr
                backends:
                  - { address: 203.0.113.11 }
                  - { address: 203.0.113.11 }
            """,
            "/etc/sluice/lab.yaml:10:20: services[0].backends[1].address: '203.0.113.11' is not valid: an address not listed " +
                "before in this service (backends[0] has it)");
    }

    @Test
    void shouldAcceptDurationsInEveryUnitAndRejectOthersWhenReadingTimeouts() throws Exception
    {
        final SluiceConfig config = load(MINIMAL_DATAPLANE + "timeouts: { tcpIdle: 1h, udpIdle: 5m, tcpClosing: 30s, otherIdle: 500ms }\n");
        assertEquals(new TimeoutSection(TimeUnit.HOURS.toNanos(1), TimeUnit.MINUTES.toNanos(5), TimeUnit.SECONDS.toNanos(30),
            TimeUnit.MILLISECONDS.toNanos(500)), config.timeouts());

        assertProblems(MINIMAL_DATAPLANE + "timeouts: { tcpIdle: 300, udpIdle: 2d, tcpClosing: 0s, otherIdle: 400h }\n",
            "/etc/sluice/lab.yaml:4:22: timeouts.tcpIdle: '300' is not valid: a duration such as 200us, 500ms, 30s, 5m or 1h, " +
                "from 1ms to 312h",
            "/etc/sluice/lab.yaml:4:36: timeouts.udpIdle: '2d' is not valid: a duration such as 200us, 500ms, 30s, 5m or 1h, " +
                "from 1ms to 312h",
            "/etc/sluice/lab.yaml:4:52: timeouts.tcpClosing: '0s' is not valid: a duration such as 200us, 500ms, 30s, 5m or 1h, " +
                "from 1ms to 312h",
            "/etc/sluice/lab.yaml:4:67: timeouts.otherIdle: '400h' is not valid: a duration such as 200us, 500ms, 30s, 5m or 1h, " +
                "from 1ms to 312h");
    }

    @Test
    void shouldLocateTheBackendWhenTheDataplaneRefusesItsAddressFamily()
    {
        assertProblems(MINIMAL_DATAPLANE + """
            services:
              - vip: 192.0.2.10
                port: 80
                mode: dsr
                backends:
                  - { address: 203.0.113.11 }
                  - { address: 2001:db8::11 }
            """,
            "/etc/sluice/lab.yaml:10:20: services[0].backends[1].address: '2001:db8::11' is not valid: DSR needs backends of " +
                "the VIP's address family, 2001:db8:0:0:0:0:0:11 is not (use GUE to mix IPv4 and IPv6)");
    }

    @Test
    void shouldReadANatServiceWithItsBackendPortAndWriteItBack() throws Exception
    {
        final SluiceConfig config = load(MINIMAL_DATAPLANE + """
            network:
              gateway: { ipv4: 203.0.113.1 }
            services:
              - { vip: 192.0.2.10, port: 80, mode: nat, backendPort: 8080, backends: [ { address: 203.0.113.11 } ] }
            """);
        final ServiceSection service = config.services().get(0);
        assertEquals(ForwardingMode.NAT, service.mode());
        assertEquals(8080, service.backendPort());
        assertEquals(8080, service.toSpec().targetPort());
        assertEquals(FragmentPolicy.DROP, service.fragments());
        assertEquals(config.services(), load(ConfigWriter.write(config, List.of())).services(), "written and read back unchanged");
    }

    @Test
    void shouldReadFragmentsL3AndWriteItBack() throws Exception
    {
        final SluiceConfig config = load(MINIMAL_DATAPLANE + """
            services:
              - { vip: 192.0.2.10, port: 53, protocol: udp, mode: dsr, fragments: l3, backends: [ { address: 203.0.113.11 } ] }
              - { vip: 192.0.2.10, port: 80, mode: dsr, backends: [ { address: 203.0.113.11 } ] }
            """);
        assertEquals(FragmentPolicy.L3, config.services().get(0).fragments());
        assertEquals(FragmentPolicy.L3, config.services().get(0).toSpec().fragments());
        assertEquals(FragmentPolicy.DROP, config.services().get(1).fragments());
        assertEquals(config.services(), load(ConfigWriter.write(config, List.of())).services(), "written and read back unchanged");
    }

    @Test
    void shouldRefuseFragmentsL3WhenAnotherServiceSharesItsVipAndProtocol()
    {
        assertProblems(MINIMAL_DATAPLANE + """
            services:
              - { vip: 192.0.2.10, port: 80, mode: dsr, fragments: l3, backends: [ { address: 203.0.113.11 } ] }
              - { vip: 192.0.2.10, port: 443, mode: dsr, backends: [ { address: 203.0.113.11 } ] }
            """,
            "/etc/sluice/lab.yaml:5:12: services[0].vip: '192.0.2.10' is not valid: fragments l3 matches a fragment after " +
                "the first, which carries no port, by VIP and protocol alone, so it must be the only tcp service of 192.0.2.10; " +
                "192.0.2.10:443/tcp shares them (use fragments: drop, or another VIP)");
        assertProblems(MINIMAL_DATAPLANE + """
            services:
              - { vip: 192.0.2.10, port: 80, mode: dsr, fragments: ip, backends: [ { address: 203.0.113.11 } ] }
            """,
            "/etc/sluice/lab.yaml:5:56: services[0].fragments: 'ip' is not valid: drop or l3");
    }

    @Test
    void shouldRefuseABackendPortOutsideNatAndNatWithoutAGateway()
    {
        assertProblems(MINIMAL_DATAPLANE + """
            services:
              - { vip: 192.0.2.10, port: 80, mode: dsr, backendPort: 8080, backends: [ { address: 203.0.113.11 } ] }
              - { vip: 192.0.2.11, port: 80, mode: nat, backendPort: 0, backends: [ { address: 203.0.113.11 } ] }
            """,
            "/etc/sluice/lab.yaml:5:58: services[0].backendPort: '8080' is not valid: omitted, or the VIP port: only mode nat " +
                "rewrites the port (dsr leaves it as the client sent it)",
            "/etc/sluice/lab.yaml:6:58: services[1].backendPort: '0' is not valid: a port 1..65535 (the port the backends serve on)");
        assertProblems(MINIMAL_DATAPLANE + """
            services:
              - { vip: 192.0.2.10, port: 80, mode: nat, backendPort: 8080, backends: [ { address: 203.0.113.11 } ] }
            """,
            "/etc/sluice/lab.yaml:5:5: services[0]: '192.0.2.10:80/tcp' is not valid: nat sends the backends' replies to the clients " +
                "through the gateway, and no IPv4 gateway is configured");
    }

    @Test
    void shouldReportEveryFaultyServiceWhenTheDataplaneRefusesSeveral()
    {
        assertProblems(MINIMAL_DATAPLANE + """
            network:
              addresses: [192.0.2.20]
            services:
              - { vip: 192.0.2.10, port: 80, mode: ipip, backends: [ { address: 203.0.113.11 } ] }
              - { vip: 192.0.2.20, port: 80, mode: dsr, backends: [] }
            """,
            "/etc/sluice/lab.yaml:7:69: services[0].backends[0].address: '203.0.113.11' is not valid: tunnel to 203.0.113.11 " +
                "needs an IPv4 tunnel source address, none is configured",
            "/etc/sluice/lab.yaml:8:12: services[1].vip: '192.0.2.20' is not valid: VIP 192.0.2.20 is also a local address " +
                "of the LB");
    }

    @Test
    void shouldNameTheMissingKeyWhenARequiredOneIsAbsent()
    {
        assertProblems("""
            dataplane:
              workers: 1
            services:
              - vip: 192.0.2.10
                backends: []
            """,
            "/etc/sluice/lab.yaml:2:3: dataplane.device: is missing: a PCI address such as 0000:03:00.0 or a DPDK vdev such " +
                "as net_af_packet0,iface=eth1",
            "/etc/sluice/lab.yaml:4:5: services[0].port: is missing: a port 1..65535",
            "/etc/sluice/lab.yaml:4:5: services[0].mode: is missing: one of dsr, ipip, gue, nat");
    }

    @Test
    void shouldRefuseWorkersWhenCoresAreGivenToo()
    {
        assertProblems("""
            dataplane:
              device: net_null0
              cores: [1, 1]
            """,
            "/etc/sluice/lab.yaml:3:14: dataplane.cores[1]: '1' is not valid: a CPU not listed before (one worker per core)");
        assertProblems("""
            dataplane:
              device: net_null0
              cores: [1]
              workers: 1
            """,
            "/etc/sluice/lab.yaml:4:12: dataplane.workers: '1' is not valid: omitted when cores is given (cores starts one " +
                "pinned worker per listed CPU)");
    }

    @Test
    void shouldReadTheNeighbourTableSizeAndRequestRateWhenGiven() throws Exception
    {
        final SluiceConfig config = load(MINIMAL_DATAPLANE + "  neighbours: { capacity: 16384, requestRate: 500 }\n");

        assertEquals(16384, config.dataplane().toDataplaneConfig().neighbourCapacity());
        assertEquals(500, config.dataplane().toDataplaneConfig().neighbourRequestsPerSecond());
        assertEquals(4096, load(MINIMAL_DATAPLANE).dataplane().toDataplaneConfig().neighbourCapacity(), "the default");
        assertEquals(100, load(MINIMAL_DATAPLANE).dataplane().toDataplaneConfig().neighbourRequestsPerSecond(), "the default");
    }

    @Test
    void shouldRejectANeighbourTableSizeOrRequestRateOutOfRange()
    {
        assertProblems(MINIMAL_DATAPLANE + "  neighbours: { capacity: 8, requestRate: 0 }\n",
            "/etc/sluice/lab.yaml:4:27: dataplane.neighbours.capacity: '8' is not valid: an integer 16..1048576 " +
                "(next hops: backends on-link, gateways)",
            "/etc/sluice/lab.yaml:4:43: dataplane.neighbours.requestRate: '0' is not valid: an integer 1..100000 " +
                "(ARP / ND requests per second)");
    }

    @Test
    void shouldReadTheWorkerIdleStrategyAndSpinByDefault() throws Exception
    {
        assertEquals(WorkerIdle.SPIN, load(MINIMAL_DATAPLANE).dataplane().toDataplaneConfig().workerIdle(), "the default");
        assertEquals(WorkerIdle.BACKOFF,
            load(MINIMAL_DATAPLANE + "  workerIdle: backoff\n").dataplane().toDataplaneConfig().workerIdle());
        assertEquals(WorkerIdle.SPIN, load(MINIMAL_DATAPLANE + "  workerIdle: spin\n").dataplane().workerIdle());
    }

    @Test
    void shouldRejectAnUnknownWorkerIdleStrategy()
    {
        assertProblems(MINIMAL_DATAPLANE + "  workerIdle: sleep\n",
            "/etc/sluice/lab.yaml:4:15: dataplane.workerIdle: 'sleep' is not valid: spin (dedicated cores) or backoff " +
                "(a host shared with other work)");
    }

    @Test
    void shouldNameTheKeyToRaiseWhenTheNextHopsOutnumberTheNeighbourTable()
    {
        final StringBuilder backends = new StringBuilder();
        for (int i = 1; i <= 17; i++)
        {
            backends.append("      - { address: 203.0.113.").append(i).append(", weight: 1 }\n");
        }
        final List<String> problems = problems(MINIMAL_DATAPLANE + "  neighbours: { capacity: 16 }\n" + """
            services:
              - vip: 192.0.2.10
                port: 80
                mode: dsr
                backends:
            """ + backends);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().contains("the neighbour table holds 16 addresses") &&
            problems.getFirst().contains("this configuration adds 17; raise dataplane.neighbours.capacity"), problems.getFirst());
    }

    @Test
    void shouldStateTheLeastMbufsWhenTooFewAreGiven()
    {
        assertProblems("""
            dataplane:
              device: net_null0
              cores: [1, 2]
              mbufs: 1000
            """,
            "/etc/sluice/lab.yaml:4:10: dataplane.mbufs: '1000' is not valid: auto or an integer from 4992 to 67108864 " +
                "(the least for 2 workers with 1024/1024 descriptors)");
    }

    @Test
    void shouldReportTheSyntaxErrorPositionWhenTheYamlIsMalformed()
    {
        assertProblems("""
            dataplane:
              device: net_null0
               workers: 1
            """,
            "/etc/sluice/lab.yaml:3:11: YAML syntax: mapping values are not allowed here");
    }

    @Test
    void shouldSayTheFileIsEmptyWhenItHoldsNothing()
    {
        assertProblems("# nothing yet\n", "/etc/sluice/lab.yaml: the file is empty: it needs at least a dataplane section");
    }

    @Test
    void shouldReportEveryProblemInFileOrderWhenThereAreMany()
    {
        final List<String> found = problems("""
            dataplane:
              device: "not a device"
              workers: 100
              mac: ff:ff:ff:ff:ff:ff
              burst: 0
            network:
              gateway: { ipv4: 2001:db8::1, ipv6: 192.0.2.1 }
              mtu: 1000
              tunnel: { guePort: 0, gueVariant: 2, outerTtl: 256 }
              neighbours: [ { address: 10.0.0.1, mac: "00:00:00:00:00:00" } ]
            services:
              - { vip: 192.0.2.300, port: 65536, protocol: sctp, mode: tun, maglevSize: 65536, backends: {} }
            """);

        assertEquals(List.of(
            "/etc/sluice/lab.yaml:2:11: dataplane.device: 'not a device' is not valid: a PCI address such as 0000:03:00.0 or a " +
                "DPDK vdev such as net_af_packet0,iface=eth1",
            "/etc/sluice/lab.yaml:3:12: dataplane.workers: '100' is not valid: an integer 1..64 (unpinned workers; list cores " +
                "instead to pin them)",
            "/etc/sluice/lab.yaml:4:8: dataplane.mac: 'ff:ff:ff:ff:ff:ff' is not valid: a unicast MAC address such as " +
                "02:00:00:00:00:01",
            "/etc/sluice/lab.yaml:5:10: dataplane.burst: '0' is not valid: an integer 1..512",
            "/etc/sluice/lab.yaml:7:20: network.gateway.ipv4: '2001:db8::1' is not valid: an IPv4 address",
            "/etc/sluice/lab.yaml:7:39: network.gateway.ipv6: '192.0.2.1' is not valid: an IPv6 address",
            "/etc/sluice/lab.yaml:8:8: network.mtu: '1000' is not valid: an integer 1280..9216",
            "/etc/sluice/lab.yaml:9:22: network.tunnel.guePort: '0' is not valid: a UDP port 1..65535",
            "/etc/sluice/lab.yaml:9:37: network.tunnel.gueVariant: '2' is not valid: 0 (a 4-byte GUE header, what Linux fou in " +
                "gue mode expects) or 1 (IP directly in UDP)",
            "/etc/sluice/lab.yaml:9:50: network.tunnel.outerTtl: '256' is not valid: an integer 1..255",
            "/etc/sluice/lab.yaml:10:43: network.neighbours[0].mac: '00:00:00:00:00:00' is not valid: a unicast MAC address " +
                "such as 02:00:00:00:00:01",
            "/etc/sluice/lab.yaml:12:12: services[0].vip: '192.0.2.300' is not valid: an IPv4 or IPv6 address",
            "/etc/sluice/lab.yaml:12:31: services[0].port: '65536' is not valid: a port 1..65535",
            "/etc/sluice/lab.yaml:12:48: services[0].protocol: 'sctp' is not valid: one of tcp, udp",
            "/etc/sluice/lab.yaml:12:60: services[0].mode: 'tun' is not valid: one of dsr, ipip, gue, nat",
            "/etc/sluice/lab.yaml:12:77: services[0].maglevSize: '65536' is not valid: a prime from 2 to 16777213, e.g. 65537 " +
                "(well above 100 x the backends)",
            "/etc/sluice/lab.yaml:12:94: services[0].backends: '{...}' is not valid: a list of backends " +
                "({ address: ..., weight: ... })"), found);
    }

    @Test
    void shouldResolveARelativeStatsFileAgainstTheConfigDirectoryWhenLoadingAFile() throws Exception
    {
        final Path file = directory.resolve("lab.yaml");
        Files.writeString(file, MINIMAL_DATAPLANE + "stats: { file: counters.stats }\n");

        assertEquals(directory.resolve("counters.stats"), ConfigLoader.load(file).statsFile());
        assertProblems(MINIMAL_DATAPLANE + "stats: { file: /no/such/dir/x.stats }\n",
            "/etc/sluice/lab.yaml:4:16: stats.file: '/no/such/dir/x.stats' is not valid: a file in an existing directory, " +
                "e.g. /dev/shm/sluice.stats");
    }

    @Test
    void shouldSayNoSuchFileWhenTheConfigFileIsMissing()
    {
        final Path missing = directory.resolve("missing.yaml");
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(missing + ": no such file", ex.getMessage());
    }

    @Test
    void shouldAllowReloadOnlyWhenTheDataplaneSectionIsUnchanged() throws Exception
    {
        final SluiceConfig running = load(MINIMAL_DATAPLANE);
        final SluiceConfig withService = load(MINIMAL_DATAPLANE + "services: [ { vip: 192.0.2.10, port: 80, mode: dsr, backends: [] } ]\n");
        final SluiceConfig otherDevice = load(MINIMAL_DATAPLANE.replace("net_null0", "net_null1"));

        assertTrue(running.canReloadTo(withService));
        assertFalse(running.canReloadTo(otherDevice));
        assertEquals(running.dataplane(), load(MINIMAL_DATAPLANE).dataplane());
    }
}
