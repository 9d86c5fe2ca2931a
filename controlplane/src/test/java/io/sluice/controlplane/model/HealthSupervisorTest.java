package io.sluice.controlplane.model;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthChecker;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.controlplane.health.HealthStatus;
import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervisor keeps the checker's targets equal to the model's services with checks on × their
 * backends and sorry backend, with each service's policy, through every kind of change. The checks'
 * interval is an hour, so that the targets are looked at, not probed.
 */
class HealthSupervisorTest
{
    private static final String CONFIG = """
        dataplane: { device: net_null0, workers: 1 }
        network: { addresses: [203.0.113.2] }
        services:
          - vip: 192.0.2.10
            port: 80
            mode: dsr
            sorry: 203.0.113.99
            healthCheck: { kind: tcp, interval: 1h }
            backends:
              - { address: 203.0.113.11, weight: 1 }
              - { address: 203.0.113.12, weight: 1 }
          - vip: 192.0.2.20
            port: 443
            mode: dsr
            backends:
              - { address: 203.0.113.21, weight: 1 }
        """;
    private static final ServiceKey WEB = new ServiceKey(IpAddress.parse("192.0.2.10"), 80, ServiceKey.TCP);
    private static final ServiceKey TLS = new ServiceKey(IpAddress.parse("192.0.2.20"), 443, ServiceKey.TCP);

    private final SluiceConfig config = load(CONFIG);
    private final ControlModel model = new ControlModel(config,
        new RecordingDataplane(config.settings(), ControlModel.initialSpecs(config)), new EventBus(Clock.systemUTC()),
        Clock.systemUTC());
    private final HealthSupervisor supervisor = HealthSupervisor.start(model, HealthChecker::new, 0);

    private static SluiceConfig load(final String text)
    {
        try
        {
            return ConfigLoader.parse(Path.of("/etc/sluice/supervisor.yaml"), text);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** Each target as {@code service backend:port} with the kind and interval of its policy. */
    private Map<String, String> targets()
    {
        final Map<String, String> targets = new TreeMap<>();
        for (final HealthStatus status : supervisor.checker().statuses())
        {
            targets.put(status.target().service() + " " + AddressText.format(IpAddress.of(status.target().address())) + ":" +
                status.target().servicePort(), status.policy().kind() + " " + status.policy().interval());
        }
        return targets;
    }

    @AfterEach
    void stop()
    {
        supervisor.close();
    }

    @Test
    void shouldCheckEveryBackendAndTheSorryBackendOfTheServicesWithChecksOn()
    {
        assertEquals(Map.of("192.0.2.10:80/tcp 203.0.113.11:80", "TCP PT1H", "192.0.2.10:80/tcp 203.0.113.12:80", "TCP PT1H",
            "192.0.2.10:80/tcp 203.0.113.99:80", "TCP PT1H"), targets());
    }

    @Test
    void shouldFollowTheModelWhenBackendsServicesAndPoliciesChange()
    {
        final HealthPolicy https = HealthPolicy.defaults(HealthCheckKind.HTTPS).withTiming(Duration.ofHours(1), Duration.ofSeconds(1));

        model.addBackend(WEB, new ServiceSection.BackendEntry(IpAddress.parse("203.0.113.13"), 1));
        model.removeBackend(WEB, IpAddress.parse("203.0.113.11"));
        model.setHealthPolicy(TLS, https);

        assertEquals(Map.of("192.0.2.10:80/tcp 203.0.113.12:80", "TCP PT1H", "192.0.2.10:80/tcp 203.0.113.13:80", "TCP PT1H",
            "192.0.2.10:80/tcp 203.0.113.99:80", "TCP PT1H", "192.0.2.20:443/tcp 203.0.113.21:443", "HTTPS PT1H"), targets());

        model.setHealthPolicy(WEB, HealthPolicy.defaults(HealthCheckKind.HTTP).withTiming(Duration.ofHours(1), Duration.ofSeconds(1)));
        model.removeService(TLS);

        assertEquals(Map.of("192.0.2.10:80/tcp 203.0.113.12:80", "HTTP PT1H", "192.0.2.10:80/tcp 203.0.113.13:80", "HTTP PT1H",
            "192.0.2.10:80/tcp 203.0.113.99:80", "HTTP PT1H"), targets());

        model.setHealthPolicy(WEB, HealthPolicy.defaults(HealthCheckKind.NONE));

        assertEquals(Map.of(), targets(), "checks off: no targets");
    }

    @Test
    void shouldTakeTheTargetsOfAReloadedConfigurationAndNoneAfterClose()
    {
        model.applyConfig(load(CONFIG.replace("    backends:\n      - { address: 203.0.113.21, weight: 1 }\n",
            "    healthCheck: { kind: icmp, interval: 1h }\n    backends:\n      - { address: 203.0.113.21, weight: 1 }\n")
            .replace("    sorry: 203.0.113.99\n", "")), false, ControlModel.ORIGIN_RELOAD);

        assertEquals(Map.of("192.0.2.10:80/tcp 203.0.113.11:80", "TCP PT1H", "192.0.2.10:80/tcp 203.0.113.12:80", "TCP PT1H",
            "192.0.2.20:443/tcp 203.0.113.21:443", "ICMP PT1H"), targets());

        supervisor.close();
        model.addBackend(WEB, new ServiceSection.BackendEntry(IpAddress.parse("203.0.113.13"), 1));

        assertTrue(supervisor.checker().isClosed());
        assertEquals(Map.of(), targets());
    }

    @Test
    void shouldAllocateNothingInItsPeriodicWorkWhenNoServiceIsByResponseTime()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().threadId();
        for (int i = 0; i < 20_000; i++)
        {
            supervisor.refresh();
        }

        final long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++)
        {
            supervisor.refresh();
        }
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(allocated < 1024, "10,000 periodic refreshes allocated " + allocated + " bytes");
    }
}
