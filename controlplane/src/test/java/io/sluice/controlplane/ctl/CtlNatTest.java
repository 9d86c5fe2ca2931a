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
import io.sluice.controlplane.api.v1.ApplyConfigRequest;
import io.sluice.controlplane.api.v1.ApplyConfigResponse;
import io.sluice.controlplane.api.v1.BackendConfig;
import io.sluice.controlplane.api.v1.ClientAddress;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.GetConfigRequest;
import io.sluice.controlplane.api.v1.GetServiceRequest;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.Service;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.RewriteOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NAT modes through the API and {@code sluice ctl}, on a real dataplane whose network has
 * gateways and NAT addresses: {@code --mode nat|fullnat} with {@code --backend-port},
 * {@code FORWARDING_MODE_FULLNAT} with {@code backend_port} in requests, the modes and backend
 * ports in the service table, refusals with the dataplane's reason, and {@code network.nat} through
 * GetConfig and ApplyConfig. The rewrite options likewise: {@code --client-address}, {@code
 * --toa-kind} and {@code --mss-clamp} (and {@code client_address}, {@code toa_kind}, {@code mss_clamp}
 * in requests) reach the dataplane, show in the service table and the configuration, change on a
 * running service, and are refused with a message that names the field or the service's reason.
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtlNatTest
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
          gateway: { ipv4: 203.0.113.1, ipv6: 2001:db8:113::1 }
          nat: { addresses: [203.0.113.20] }
        services:
          - { vip: 192.0.2.10, port: 80, mode: dsr, backends: [ { address: 203.0.113.11 } ] }
        stats:
          file: api.stats
        """;
    private static final String FULLNAT_WEB = "192.0.2.30:80/tcp";
    private static final ServiceKey FULLNAT_KEY = CtlArguments.serviceKey(FULLNAT_WEB);

    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;
    private String server;

    @BeforeAll
    void startDataplane() throws Exception
    {
        daemon = ApiTestDaemon.start(directory, "net_ring87", CONFIG);
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

    private CtlRun run(final String... args)
    {
        return CtlRun.ctlOn(server, args);
    }

    private CtlRun succeeded(final String... args)
    {
        return CtlRun.succeededOn(server, args);
    }

    private Service service(final ServiceKey key)
    {
        return daemon.client().getService(GetServiceRequest.newBuilder().setKey(key).build());
    }

    @Test
    void shouldAddAFullNatServiceWithItsBackendPortAndListIt()
    {
        final CtlRun added = succeeded("add-service", FULLNAT_WEB, "--mode", "fullnat", "--backend-port", "8080");
        succeeded("add-backend", FULLNAT_WEB, "203.0.113.31");
        succeeded("add-service", "192.0.2.31:53/udp", "--mode", "nat");

        assertTrue(added.out().contains(": added service 192.0.2.30:80/tcp: fullnat, "), added.out());
        assertEquals(ForwardingMode.FORWARDING_MODE_FULLNAT, service(FULLNAT_KEY).getSettings().getMode());
        assertEquals(8080, service(FULLNAT_KEY).getSettings().getBackendPort());
        assertEquals(8080, daemon.dataplane().snapshot().serviceAt(1).spec().targetPort(), "the dataplane sends to 8080");
        final List<String> lines = succeeded("list").out().lines().toList();
        assertTrue(lines.stream().anyMatch(line -> line.matches("192\\.0\\.2\\.30:80/tcp +fullnat +weighted-maglev .*")), lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("  -> 203.0.113.31:8080 ")), lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.matches("192\\.0\\.2\\.31:53/udp +nat +weighted-maglev .*")), lines.toString());
    }

    @Test
    void shouldChangeTheBackendPortOnlyWhenTheModeRewritesIt()
    {
        succeeded("add-service", FULLNAT_WEB, "--mode", "fullnat", "--backend-port", "8080");

        final CtlRun changed = succeeded("update-service", FULLNAT_WEB, "--backend-port", "9090");
        final CtlRun refused = run("update-service", "192.0.2.10:80", "--backend-port", "8080");

        assertTrue(changed.out().endsWith(": changed service 192.0.2.30:80/tcp: backendPort 8080 -> 9090\n"), changed.out());
        assertEquals(9090, service(FULLNAT_KEY).getSettings().getBackendPort());
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("a backend port other than the VIP port needs mode nat or fullnat (dsr leaves the port " +
            "as the client sent it)"), refused.err());
        assertEquals(0, service(CtlArguments.serviceKey("192.0.2.10:80")).getSettings().getBackendPort(), "unchanged");
    }

    @Test
    void shouldAcceptFullNatInARequestAndRefuseAFamilyWithoutANatAddress()
    {
        final ServiceSettings fullnat = ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_FULLNAT)
            .setBackendPort(8443).build();

        daemon.client().addService(AddServiceRequest.newBuilder().setKey(ServiceKey.newBuilder().setVip("192.0.2.32").setPort(443)
            .setProtocol(Protocol.PROTOCOL_TCP)).setSettings(fullnat)
            .addBackends(BackendConfig.newBuilder().setAddress("203.0.113.33")).build());
        final String refusal = daemon.rejected(Status.Code.FAILED_PRECONDITION, () -> daemon.client().addService(
            AddServiceRequest.newBuilder().setKey(ServiceKey.newBuilder().setVip("2001:db8::32").setPort(443)
                .setProtocol(Protocol.PROTOCOL_TCP)).setSettings(fullnat).build()));

        assertEquals(8443, service(CtlArguments.serviceKey("192.0.2.32:443")).getSettings().getBackendPort());
        assertTrue(refusal.contains("fullnat needs a NAT address of the VIP's family (network.nat.addresses), none is configured"),
            refusal);
    }

    @Test
    void shouldRoundTripNetworkNatThroughGetConfigAndApplyConfig()
    {
        final String yaml = daemon.client().getConfig(GetConfigRequest.getDefaultInstance()).getYaml();
        assertTrue(yaml.contains("\n  nat: { addresses: [\"203.0.113.20\"] }\n"), yaml);
        assertTrue(yaml.contains("\n  natPorts: { first: 1024, last: 65535 }\n"), yaml);
        final String edited = yaml.replace("nat: { addresses: [\"203.0.113.20\"] }", "nat: { addresses: [\"203.0.113.21\"] }")
            .replace("natPorts: { first: 1024, last: 65535 }", "natPorts: { first: 2000, last: 65535 }");

        final ApplyConfigResponse applied = daemon.client().applyConfig(ApplyConfigRequest.newBuilder().setYaml(edited).build());

        assertTrue(applied.getApplied(), applied.toString());
        assertEquals("network", applied.getChanges(0).getSubject());
        assertEquals("nat addresses [203.0.113.20] -> [203.0.113.21]", applied.getChanges(0).getDetail());
        assertEquals(List.of(IpAddress.parse("203.0.113.21")), daemon.dataplane().snapshot().settings().natAddresses());
        assertEquals(1, applied.getNotAppliedCount(), applied.toString());
        assertTrue(applied.getNotApplied(0).contains("NAT ports are set at start"), applied.toString());
    }

    private static AddServiceRequest udpService(final ServiceSettings.Builder settings)
    {
        return AddServiceRequest.newBuilder().setKey(ServiceKey.newBuilder().setVip("192.0.2.31").setPort(53)
            .setProtocol(Protocol.PROTOCOL_UDP)).setSettings(settings.setMode(ForwardingMode.FORWARDING_MODE_FULLNAT)).build();
    }

    @Test
    void shouldAddAServiceWithItsRewriteOptionsAndChangeThemWhileItRuns()
    {
        succeeded("add-service", FULLNAT_WEB, "--mode", "fullnat", "--client-address", "toa", "--toa-kind", "200", "--mss-clamp", "1400");
        succeeded("add-service", "192.0.2.31:53/udp", "--mode", "fullnat", "--client-address", "proxy-v2");

        assertEquals(ClientAddress.CLIENT_ADDRESS_TOA, service(FULLNAT_KEY).getSettings().getClientAddress());
        assertEquals(200, service(FULLNAT_KEY).getSettings().getToaKind());
        assertEquals(1400, service(FULLNAT_KEY).getSettings().getMssClamp());
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

        final CtlRun changed = succeeded("update-service", FULLNAT_WEB, "--client-address", "none", "--toa-kind", "0", "--mss-clamp", "0");

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
        final CtlRun badName = CtlRun.ctlOn(server, "add-service", FULLNAT_WEB, "--mode", "fullnat", "--client-address", "proxy");
        assertTrue(badName.err().contains("'proxy' is not one of none, toa, proxy-v2"), badName.err());
    }
}
