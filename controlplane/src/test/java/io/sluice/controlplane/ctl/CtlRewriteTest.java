package io.sluice.controlplane.ctl;

import java.nio.file.Path;
import java.util.List;

import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.controlplane.api.ApiTestDaemon;
import io.sluice.controlplane.api.v1.AddServiceRequest;
import io.sluice.controlplane.api.v1.ClientAddress;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.GetConfigRequest;
import io.sluice.controlplane.api.v1.GetServiceRequest;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.dataplane.service.RewriteOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rewrite options through {@code sluice ctl} and the API, on a real dataplane with a NAT
 * address: {@code --client-address}, {@code --toa-kind} and {@code --mss-clamp} (and {@code
 * client_address}, {@code toa_kind}, {@code mss_clamp} in requests) reach the dataplane, show in the
 * service table and the configuration, change on a running service, and are refused with a message
 * that names the field or the service's reason.
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtlRewriteTest
{
    private static final String CONFIG = """
        dataplane:
          device: %s
          workers: 1
          mac: 02:00:00:00:00:01
          promiscuous: false
          descriptors: { rx: 256, tx: 256 }
          flowTable: { capacity: 16384 }
        network:
          addresses: [203.0.113.2]
          gateway: { ipv4: 203.0.113.1 }
          nat: { addresses: [203.0.113.20] }
        services:
          - { vip: 192.0.2.10, port: 80, mode: dsr, backends: [ { address: 203.0.113.11 } ] }
        stats:
          file: api.stats
        """;
    private static final String WEB = "192.0.2.30:80/tcp";
    private static final ServiceKey WEB_KEY = CtlArguments.serviceKey(WEB);

    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;
    private String server;

    @BeforeAll
    void startDataplane() throws Exception
    {
        daemon = ApiTestDaemon.start(directory, "net_ring88", CONFIG);
    }

    @AfterAll
    void stopDataplane()
    {
        daemon.close();
    }

    @BeforeEach
    void resetModel() throws Exception
    {
        daemon.reset(daemon.plaintext());
        server = daemon.server().listening();
    }

    private CtlRun succeeded(final String... args)
    {
        return CtlRun.succeededOn(server, args);
    }

    private ServiceSettings settings(final ServiceKey key)
    {
        return daemon.client().getService(GetServiceRequest.newBuilder().setKey(key).build()).getSettings();
    }

    private static AddServiceRequest udpService(final ServiceSettings.Builder settings)
    {
        return AddServiceRequest.newBuilder().setKey(ServiceKey.newBuilder().setVip("192.0.2.31").setPort(53)
            .setProtocol(Protocol.PROTOCOL_UDP)).setSettings(settings.setMode(ForwardingMode.FORWARDING_MODE_FULLNAT)).build();
    }

    @Test
    void shouldAddAServiceWithItsRewriteOptionsAndChangeThemWhileItRuns()
    {
        succeeded("add-service", WEB, "--mode", "fullnat", "--client-address", "toa", "--toa-kind", "200", "--mss-clamp", "1400");
        succeeded("add-service", "192.0.2.31:53/udp", "--mode", "fullnat", "--client-address", "proxy-v2");

        assertEquals(ClientAddress.CLIENT_ADDRESS_TOA, settings(WEB_KEY).getClientAddress());
        assertEquals(200, settings(WEB_KEY).getToaKind());
        assertEquals(1400, settings(WEB_KEY).getMssClamp());
        assertEquals(new RewriteOptions(io.sluice.dataplane.service.ClientAddress.TOA, 200, 1400),
            daemon.dataplane().snapshot().serviceAt(1).spec().rewrite(), "the dataplane runs them");
        assertTrue(daemon.dataplane().snapshot().serviceAt(1).insertsToa());
        assertTrue(daemon.dataplane().snapshot().serviceAt(2).prependsProxyV2());
        final List<String> lines = succeeded("list").out().lines().toList();
        assertTrue(lines.stream().anyMatch(line -> line.matches("192\\.0\\.2\\.30:80/tcp +fullnat\\+toa\\+mss1400 +weighted-maglev .*")),
            lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.matches("192\\.0\\.2\\.31:53/udp +fullnat\\+proxy-v2 +weighted-maglev .*")),
            lines.toString());
        final String yaml = daemon.client().getConfig(GetConfigRequest.getDefaultInstance()).getYaml();
        assertTrue(yaml.contains("    mode: fullnat\n    clientAddress: toa\n    toaKind: 200\n    mssClamp: 1400\n"), yaml);

        final CtlRun changed = succeeded("update-service", WEB, "--client-address", "none", "--toa-kind", "0", "--mss-clamp", "0");

        assertTrue(changed.out().endsWith(": changed service 192.0.2.30:80/tcp: clientAddress toa -> none, toaKind 200 -> 254, " +
            "mssClamp 1400 -> 0\n"), changed.out());
        assertEquals(RewriteOptions.NONE, daemon.dataplane().snapshot().serviceAt(1).spec().rewrite(), "in force for the next packets");
    }

    @Test
    void shouldRefuseOptionsThatDoNotFitTheServiceNamingTheFieldOrTheReason()
    {
        assertEquals("settings.client_address: '7' is not valid: a ClientAddress value: CLIENT_ADDRESS_NONE, CLIENT_ADDRESS_TOA (TCP) " +
            "or CLIENT_ADDRESS_PROXY_V2 (UDP)", daemon.rejected(Status.Code.INVALID_ARGUMENT,
            () -> daemon.client().addService(udpService(ServiceSettings.newBuilder().setClientAddressValue(7)))));
        assertEquals("settings.toa_kind: '300' is not valid: a TCP option kind 1..255, or 0 for 254", daemon.rejected(
            Status.Code.INVALID_ARGUMENT, () -> daemon.client().addService(udpService(ServiceSettings.newBuilder().setToaKind(300)))));
        final String toaOnUdp = daemon.rejected(Status.Code.FAILED_PRECONDITION, () -> daemon.client().addService(
            udpService(ServiceSettings.newBuilder().setClientAddress(ClientAddress.CLIENT_ADDRESS_TOA))));
        assertTrue(toaOnUdp.contains("192.0.2.31:53/udp") && toaOnUdp.contains("clientAddress toa is a TCP option: a UDP service takes " +
            "proxy-v2"), toaOnUdp);
        final CtlRun refused = CtlRun.ctlOn(server, "update-service", "192.0.2.10:80", "--mss-clamp", "1400");
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("mssClamp needs mode nat or fullnat: in dsr the backend's SYN-ACK, whose MSS sizes the " +
            "client's segments, does not pass the LB; lower the MSS the backends advertise instead (ip route ... advmss)"), refused.err());
        final CtlRun badName = CtlRun.ctlOn(server, "add-service", WEB, "--mode", "fullnat", "--client-address", "proxy");
        assertTrue(badName.err().contains("'proxy' is not one of none, toa, proxy-v2"), badName.err());
    }
}
