package io.sluice.controlplane.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import io.sluice.controlplane.ha.HaMonitor;
import io.sluice.controlplane.ha.HaSnapshot;
import io.sluice.controlplane.ha.VrrpService;
import io.sluice.controlplane.model.HaState;
import io.sluice.controlplane.vrrp.VrrpDiscard;

/**
 * The VRRP metrics: each virtual router's state and transitions, adverts sent, adverts received by
 * outcome (accepted, or the reason they were discarded), frames the dataplane refused, and the
 * daemon's overall HA role.
 * <p>
 * Names: {@code sluice_vrrp_state{router}} (0 initialize, 1 backup, 2 master),
 * {@code sluice_vrrp_transitions_total{router}}, {@code sluice_vrrp_adverts_sent_total},
 * {@code sluice_vrrp_announcements_sent_total}, {@code sluice_vrrp_received_total{outcome}},
 * {@code sluice_vrrp_send_failures_total}, {@code sluice_vrrp_inbound_dropped_total},
 * {@code sluice_vrrp_switch_failures_total}, {@code sluice_ha_role{role}} (1 for the current role).
 */
public final class VrrpCollector implements MultiCollector
{
    private static final HaState.Role[] VRRP_ROLES =
        {HaState.Role.MASTER, HaState.Role.BACKUP, HaState.Role.MIXED, HaState.Role.INITIALIZE};

    private final HaMonitor ha;

    /**
     * @param ha the daemon's HA view, with VRRP.
     */
    public VrrpCollector(final HaMonitor ha)
    {
        if (ha == null || ha.vrrp() == null)
        {
            throw new IllegalArgumentException("a VRRP collector needs a daemon that runs VRRP");
        }
        this.ha = ha;
    }

    @Override
    public MetricSnapshots collect()
    {
        final HaSnapshot snapshot = ha.snapshot();
        final MetricFamily state = MetricFamily.gauge("sluice_vrrp_state",
            "State of each virtual router: 0 initialize, 1 backup, 2 master.", null);
        final MetricFamily transitions = MetricFamily.counter("sluice_vrrp_transitions",
            "State transitions of each virtual router since the daemon started.", null);
        for (final VrrpService.RouterStatus router : snapshot.routers())
        {
            final Labels labels = Labels.of("router", router.name());
            state.add(labels, switch (router.state())
            {
                case INITIALIZE -> 0;
                case BACKUP -> 1;
                case MASTER -> 2;
            });
            transitions.add(labels, router.transitions());
        }
        final HaSnapshot.Vrrp vrrp = snapshot.vrrp();
        final MetricFamily received = MetricFamily.counter("sluice_vrrp_received",
            "Frames the VRRP thread read, by outcome: accepted, or why discarded (RFC 5798 section 7.1 checks).", null)
            .add(Labels.of("outcome", "accepted"), vrrp.accepted());
        for (final VrrpDiscard reason : VrrpDiscard.values())
        {
            received.add(Labels.of("outcome", reason.label()), vrrp.discards().getOrDefault(reason, 0L));
        }
        final List<MetricSnapshot> families = new ArrayList<>();
        families.add(state.build());
        families.add(transitions.build());
        families.add(received.build());
        families.add(MetricFamily.counter("sluice_vrrp_adverts_sent", "VRRP advertisements sent.", null)
            .add(Labels.EMPTY, vrrp.advertsSent()).build());
        families.add(MetricFamily.counter("sluice_vrrp_announcements_sent",
            "Gratuitous ARPs and unsolicited neighbour advertisements sent for the virtual addresses.", null)
            .add(Labels.EMPTY, vrrp.announcementsSent()).build());
        families.add(MetricFamily.counter("sluice_vrrp_replies_suppressed",
            "Lower-priority adverts a master left unanswered: it answers one per advertisement interval at most.", null)
            .add(Labels.EMPTY, vrrp.repliesSuppressed()).build());
        families.add(MetricFamily.counter("sluice_vrrp_send_failures",
            "VRRP frames the dataplane refused to send (its ring full).", null)
            .add(Labels.EMPTY, vrrp.sendFailures()).build());
        families.add(MetricFamily.counter("sluice_vrrp_inbound_dropped",
            "Punted frames dropped because the ring to the VRRP thread was full.", null)
            .add(Labels.EMPTY, vrrp.inboundDropped()).build());
        families.add(MetricFamily.counter("sluice_vrrp_switch_failures",
            "Transitions after which the dataplane did not take the new virtual addresses.", null)
            .add(Labels.EMPTY, vrrp.switchFailures()).build());
        final MetricFamily role = MetricFamily.gauge("sluice_ha_role",
            "1 for this daemon's HA role (master, backup, mixed, initialize), 0 for the others.", null);
        for (final HaState.Role each : VRRP_ROLES)
        {
            role.add(Labels.of("role", each.name().toLowerCase(Locale.ROOT)), each == snapshot.state().role() ? 1 : 0);
        }
        families.add(role.build());
        return new MetricSnapshots(families);
    }
}
