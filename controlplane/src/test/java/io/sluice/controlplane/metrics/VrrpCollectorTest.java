package io.sluice.controlplane.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.junit.jupiter.api.Test;

import io.sluice.controlplane.ha.FakeVrrp;
import io.sluice.controlplane.ha.HaMonitor;
import io.sluice.controlplane.vrrp.VrrpDiscard;
import io.sluice.controlplane.vrrp.VrrpState;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VrrpCollectorTest
{
    private static final Instant START = Instant.parse("2026-12-06T09:00:00Z");

    private final FakeVrrp vrrp = new FakeVrrp();

    private String exposition() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out,
            new VrrpCollector(new HaMonitor(vrrp, null, null, () -> 0, () -> 0, START)).collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldExposeEachRouterStateAndTheReceivedOutcomesWhenVrrpRuns() throws IOException
    {
        vrrp.routers = List.of(FakeVrrp.router("web", 51, VrrpState.MASTER, START, 3, "192.0.2.100"),
            FakeVrrp.router("dns", 52, VrrpState.BACKUP, START, 1, "192.0.2.101"));
        vrrp.counters.onAccepted(true);
        vrrp.counters.onAccepted(false);
        vrrp.counters.onDiscard(VrrpDiscard.TTL);
        vrrp.counters.onAdvertSent();
        vrrp.counters.onSendFailure();
        vrrp.counters.onReplySuppressed();
        vrrp.counters.onReplySuppressed();

        final String text = exposition();

        assertTrue(text.contains("sluice_vrrp_state{router=\"web\"} 2.0\n"), text);
        assertTrue(text.contains("sluice_vrrp_state{router=\"dns\"} 1.0\n"), text);
        assertTrue(text.contains("sluice_vrrp_transitions_total{router=\"web\"} 3.0\n"), text);
        assertTrue(text.contains("sluice_vrrp_received_total{outcome=\"accepted\"} 2.0\n"), text);
        assertTrue(text.contains("sluice_vrrp_received_total{outcome=\"ttl\"} 1.0\n"), text);
        assertTrue(text.contains("sluice_vrrp_received_total{outcome=\"checksum\"} 0.0\n"), text);
        assertTrue(text.contains("sluice_vrrp_adverts_sent_total 1.0\n"), text);
        assertTrue(text.contains("sluice_vrrp_send_failures_total 1.0\n"), text);
        assertTrue(text.contains("sluice_vrrp_replies_suppressed_total 2.0\n"), text);
        assertTrue(text.contains("sluice_ha_role{role=\"mixed\"} 1.0\n"), text);
        assertTrue(text.contains("sluice_ha_role{role=\"master\"} 0.0\n"), text);
    }

    @Test
    void shouldWriteValidExpositionWhenParsedStrictly() throws IOException
    {
        vrrp.routers = List.of(FakeVrrp.router("web", 51, VrrpState.INITIALIZE, START, 0, "192.0.2.100"));

        final Map<String, PrometheusText.Family> families = PrometheusText.parse(exposition());

        assertEquals(0, PrometheusText.value(families, "sluice_vrrp_state", "sluice_vrrp_state", Map.of("router", "web")));
        assertEquals(1, PrometheusText.value(families, "sluice_ha_role", "sluice_ha_role", Map.of("role", "initialize")));
    }

    @Test
    void shouldRefuseWhenTheDaemonRunsNoVrrp()
    {
        assertThrows(IllegalArgumentException.class, () -> new VrrpCollector(HaMonitor.standalone(START)));
    }
}
