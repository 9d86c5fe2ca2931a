package io.sluice.controlplane.api;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.Status;

import io.sluice.controlplane.api.v1.AddBackendRequest;
import io.sluice.controlplane.api.v1.AddServiceRequest;
import io.sluice.controlplane.api.v1.ApplyConfigRequest;
import io.sluice.controlplane.api.v1.BackendConfig;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.HealthPolicy;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.api.v1.SetHealthPolicyRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Addresses that can never carry traffic and values far too long for their field, given through
 * the real gRPC API of a daemon on a {@code net_ring} port: each is refused as INVALID_ARGUMENT (or
 * FAILED_PRECONDITION where it is the running configuration that makes it wrong) with a reason
 * that names the address's class, quotes at most a short prefix of a long value, and changes nothing.
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiInputBoundsTest
{
    private static final ServiceKey WEB = ServiceKey.newBuilder().setVip("192.0.2.10").setPort(80).build();
    private static final String LONG = "1".repeat(20_000);

    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;
    private LoadBalancerGrpc.LoadBalancerBlockingStub client;

    @BeforeAll
    void startDataplane() throws Exception
    {
        daemon = ApiTestDaemon.start(directory, "net_ring74");
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
        client = daemon.client();
    }

    private String rejected(final Status.Code code, final Runnable call)
    {
        return daemon.rejected(code, call);
    }

    private String rejectedBackend(final Status.Code code, final String address)
    {
        return rejected(code, () -> client.addBackend(AddBackendRequest.newBuilder().setKey(WEB)
            .setBackend(BackendConfig.newBuilder().setAddress(address)).build()));
    }

    private String rejectedVip(final String vip)
    {
        return rejected(Status.Code.INVALID_ARGUMENT, () -> client.addService(AddServiceRequest.newBuilder()
            .setKey(ServiceKey.newBuilder().setVip(vip).setPort(80))
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_DSR))
            .addBackends(BackendConfig.newBuilder().setAddress(vip.indexOf(':') >= 0 ? "2001:db8::11" : "203.0.113.11"))
            .build()));
    }

    @Test
    void shouldRefuseBackendsOfEveryClassThatCannotCarryTrafficNamingTheClass()
    {
        assertEquals("service 192.0.2.10:80/tcp backend: 0.0.0.0 is the unspecified address (0.0.0.0): it names no host, " +
            "it cannot be a backend", rejectedBackend(Status.Code.INVALID_ARGUMENT, "0.0.0.0"));
        assertTrue(rejectedBackend(Status.Code.INVALID_ARGUMENT, "255.255.255.255").contains("limited broadcast"));
        assertTrue(rejectedBackend(Status.Code.INVALID_ARGUMENT, "224.0.0.1").contains("a multicast address (224.0.0.0/4)"));
        assertTrue(rejectedBackend(Status.Code.INVALID_ARGUMENT, "127.0.0.1").contains("a loopback address (127.0.0.0/8)"));
        assertTrue(rejectedBackend(Status.Code.INVALID_ARGUMENT, "169.254.1.1").contains("link-local"));
        assertTrue(rejectedBackend(Status.Code.INVALID_ARGUMENT, "240.0.0.1").contains("reserved"));
        assertTrue(rejectedBackend(Status.Code.INVALID_ARGUMENT, "0.1.2.3").contains("this network"));
        assertEquals("service 192.0.2.10:80/tcp backend: '192.0.2.10' is not valid: not the service's own VIP (what the LB " +
            "forwards there would come back to it)", rejectedBackend(Status.Code.INVALID_ARGUMENT, "192.0.2.10"));
        assertEquals("service 192.0.2.10:80/tcp: backend 203.0.113.2 is an address of the LB itself (network.addresses or a " +
            "tunnel source)", rejectedBackend(Status.Code.FAILED_PRECONDITION, "203.0.113.2"));
    }

    @Test
    void shouldRefuseIpv6BackendsOfEveryClassThatCannotCarryTraffic()
    {
        client.addService(AddServiceRequest.newBuilder().setKey(ServiceKey.newBuilder().setVip("2001:db8::10").setPort(80))
            .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_DSR))
            .addBackends(BackendConfig.newBuilder().setAddress("2001:db8::11")).build());
        final ServiceKey web6 = ServiceKey.newBuilder().setVip("2001:db8::10").setPort(80).build();
        for (final String address : new String[]{"::", "::1", "ff02::1", "fe80::1", "::10.0.0.1", "2001:db8::10"})
        {
            final String reason = rejected(Status.Code.INVALID_ARGUMENT, () -> client.addBackend(AddBackendRequest.newBuilder()
                .setKey(web6).setBackend(BackendConfig.newBuilder().setAddress(address)).build()));
            assertTrue(reason.startsWith("service [2001:db8::10]:80/tcp backend: "), reason);
        }
    }

    @Test
    void shouldRefuseVipsThatCannotBeReached()
    {
        assertTrue(rejectedVip("0.0.0.0").contains("0.0.0.0 is the unspecified address (0.0.0.0): it names no host, " +
            "it cannot be a VIP"));
        assertTrue(rejectedVip("255.255.255.255").contains("it cannot be a VIP"));
        assertTrue(rejectedVip("224.0.0.5").contains("multicast"));
        assertTrue(rejectedVip("127.0.0.1").contains("loopback"));
        assertTrue(rejectedVip("::").contains("unspecified"));
        assertTrue(rejectedVip("ff05::2").contains("multicast"));
        assertTrue(rejectedVip("fe80::10").contains("link-local"));
    }

    @Test
    void shouldQuoteOnlyAShortPrefixOfAValueFarTooLong()
    {
        final String backend = rejectedBackend(Status.Code.INVALID_ARGUMENT, LONG);
        assertEquals("backend.address: '" + "1".repeat(64) + "... (20000 characters)' is not valid: an IPv4 or IPv6 address " +
            "literal, e.g. 192.0.2.10 or 2001:db8::10", backend);

        final String vip = rejected(Status.Code.INVALID_ARGUMENT, () -> client.addService(AddServiceRequest.newBuilder()
            .setKey(ServiceKey.newBuilder().setVip(LONG).setPort(80)).build()));
        assertTrue(vip.startsWith("key.vip: '" + "1".repeat(64) + "... (20000 characters)' is not valid"), vip);

        final String path = rejected(Status.Code.INVALID_ARGUMENT, () -> client.setHealthPolicy(SetHealthPolicyRequest.newBuilder()
            .setKey(WEB).setPolicy(HealthPolicy.newBuilder().setKind(HealthCheckKind.HEALTH_CHECK_KIND_HTTP)
                .setHttpPath("/" + "a".repeat(20_000))).build()));
        assertTrue(path.contains("not '/" + "a".repeat(63) + "... (20001 characters)'"), path);
        assertTrue(path.length() < 400, path);

        final String host = rejected(Status.Code.INVALID_ARGUMENT, () -> client.setHealthPolicy(SetHealthPolicyRequest.newBuilder()
            .setKey(WEB).setPolicy(HealthPolicy.newBuilder().setKind(HealthCheckKind.HEALTH_CHECK_KIND_HTTP)
                .setHttpHost("h".repeat(20_000))).build()));
        assertTrue(host.length() < 400, host);
    }

    @Test
    void shouldRefuseASourceNameTooLongOrWithControlCharacters()
    {
        final String yaml = daemon.model().configYaml() + "bogus: 1\n";
        final String longName = rejected(Status.Code.INVALID_ARGUMENT, () -> client.applyConfig(ApplyConfigRequest.newBuilder()
            .setYaml(yaml).setSourceName("/etc/" + "n".repeat(20_000) + ".yaml").build()));
        assertTrue(longName.startsWith("source_name: '/etc/nnn") && longName.contains("... (20010 characters)' is not valid: " +
            "a file name or path of at most 255 characters"), longName);
        final String nul = rejected(Status.Code.INVALID_ARGUMENT, () -> client.applyConfig(ApplyConfigRequest.newBuilder()
            .setYaml(yaml).setSourceName("a\0b.yaml").build()));
        assertEquals("source_name: 'a?b.yaml' is not valid: a file name or path without control characters", nul);
    }

    @Test
    void shouldListOnlyTheFirstProblemsOfAConfigurationWithThousandsOfThem()
    {
        final StringBuilder yaml = new StringBuilder("services:\n");
        for (int i = 0; i < 2000; i++)
        {
            yaml.append("  - { vip: 127.0.0.").append(i % 250 + 1).append(", port: ").append(i + 1)
                .append(", mode: dsr, backends: [] }\n");
        }
        final String message = rejected(Status.Code.INVALID_ARGUMENT, () -> client.applyConfig(ApplyConfigRequest.newBuilder()
            .setYaml(yaml.toString()).build()));
        assertTrue(message.startsWith("2001 problem(s) in the configuration; nothing was applied:\n"), message);
        assertTrue(message.contains("services[0].vip: '127.0.0.1' is not valid: 127.0.0.1 is a loopback address"), message);
        assertTrue(message.endsWith("... and 1981 more problem(s)"), message);
        assertEquals(22, message.split("\n").length, "a summary, 20 problems (the first: no dataplane section), how many more");
    }
}
