package io.sluice.controlplane.ctl;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import com.google.protobuf.Timestamp;

import io.sluice.controlplane.api.v1.ApplyConfigResponse;
import io.sluice.controlplane.api.v1.ChangeResponse;
import io.sluice.controlplane.api.v1.ConfigChange;
import io.sluice.controlplane.api.v1.Event;
import io.sluice.controlplane.api.v1.GenerationApplied;
import io.sluice.controlplane.api.v1.HaTransition;
import io.sluice.controlplane.api.v1.HealthTransition;
import io.sluice.controlplane.api.v1.LookupFlowResponse;
import io.sluice.controlplane.api.v1.NoBackend;
import io.sluice.controlplane.api.v1.QuorumChange;

/**
 * The text {@code sluice ctl} prints for people from the daemon's replies (other than the service
 * tables, {@link ServiceTables}, and the HA state, {@link HaViews}): a change's outcome, the diff of
 * {@code apply}, a flow lookup and one line per event. Times are local, as {@code sluice stat} shows them.
 */
final class CtlViews
{
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter MILLISECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
        .withZone(ZoneId.systemDefault());
    private static final String LABEL = "%-13s%s\n";

    private CtlViews()
    {
    }

    /**
     * A point in time.
     *
     * @param timestamp    the time.
     * @param milliseconds whether to show milliseconds.
     * @return e.g. {@code 2026-11-22 03:22:44} or {@code 2026-11-22 03:22:44.125}.
     */
    static String time(final Timestamp timestamp, final boolean milliseconds)
    {
        final Instant instant = Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
        return (milliseconds ? MILLISECONDS : SECONDS).format(instant);
    }

    /**
     * The outcome of a change.
     *
     * @param change the reply.
     * @return {@code generation N: what changed}, one line.
     */
    static String change(final ChangeResponse change)
    {
        return "generation " + change.getGeneration() + ": " + change.getSummary() + "\n";
    }

    /**
     * The outcome of {@code apply}: one line per difference ({@code +} added, {@code -} removed,
     * {@code ~} changed), one per section that needs a restart ({@code !}), and what happened.
     *
     * @param applied the reply.
     * @param dryRun  whether it was a dry run.
     * @return the lines.
     */
    static String applied(final ApplyConfigResponse applied, final boolean dryRun)
    {
        final StringBuilder out = new StringBuilder(1024);
        for (final ConfigChange change : applied.getChangesList())
        {
            final char mark = switch (change.getKind())
            {
                case CHANGE_KIND_ADDED -> '+';
                case CHANGE_KIND_REMOVED -> '-';
                default -> '~';
            };
            out.append(mark).append(' ').append(change.getSubject())
                .append(change.getDetail().isEmpty() ? "" : ": " + change.getDetail()).append('\n');
        }
        for (final String section : applied.getNotAppliedList())
        {
            out.append("! not applied, needs a restart: ").append(section).append('\n');
        }
        final int count = applied.getChangesCount();
        final String changes = count + (count == 1 ? " change" : " changes");
        if (dryRun)
        {
            out.append("dry run: ").append(count == 0 ? "no change" : changes + ", nothing applied").append("; generation ")
                .append(applied.getGeneration()).append(" stays in force\n");
        }
        else if (applied.getApplied())
        {
            out.append("applied ").append(changes).append(": generation ").append(applied.getGeneration()).append('\n');
        }
        else
        {
            out.append("no change; generation ").append(applied.getGeneration()).append(" stays in force\n");
        }
        return out.toString();
    }

    /**
     * Where a flow goes.
     *
     * @param flow    the client's address and port as asked.
     * @param service the service as asked.
     * @param lookup  the reply.
     * @return labelled lines.
     */
    static String lookup(final String flow, final String service, final LookupFlowResponse lookup)
    {
        final StringBuilder out = new StringBuilder(512);
        out.append(String.format(Locale.ROOT, LABEL, "flow", flow + " -> " + service));
        if (!lookup.getServiceFound())
        {
            out.append(String.format(Locale.ROOT, LABEL, "service", "none: no service has this VIP, port and protocol " +
                "(the packet is dropped as no-vip)"));
            out.append(String.format(Locale.ROOT, LABEL, "generation", lookup.getGeneration()));
            return out.toString();
        }
        out.append(String.format(Locale.ROOT, LABEL, "service", CtlNames.service(lookup.getService())));
        out.append(String.format(Locale.ROOT, LABEL, "flow hash", String.format(Locale.ROOT, "0x%016x", lookup.getFlowHash())));
        out.append(String.format(Locale.ROOT, LABEL, "maglev slot", Integer.toUnsignedString(lookup.getMaglevSlot())));
        out.append(String.format(Locale.ROOT, LABEL, "new flow to", lookup.getScheduledBackend().isEmpty() ?
            "none predicted: no backend takes new flows (dropped as no-backend), or the service's scheduler " +
                "(least-conn, weighted-round-robin, least-response-time) picks per worker" : lookup.getScheduledBackend()));
        out.append(String.format(Locale.ROOT, LABEL, "flow table", switch (lookup.getFlowTable())
        {
            case FLOW_TABLE_STATE_FOUND -> "found on worker " + lookup.getWorker() + ", pinned to " + lookup.getPinnedBackend();
            case FLOW_TABLE_STATE_NOT_FOUND -> "not found: its next packet is scheduled as a new flow";
            default -> "unavailable: this daemon cannot look into its workers' flow tables";
        }));
        out.append(String.format(Locale.ROOT, LABEL, "generation", lookup.getGeneration()));
        return out.toString();
    }

    /**
     * One event in one line.
     *
     * @param event the event.
     * @return {@code TIME #SEQUENCE KIND what happened}, ending in {@code \n}.
     */
    static String event(final Event event)
    {
        final String prefix = time(event.getTime(), true) + (event.getSequence() == 0 ? "" : " #" + event.getSequence()) + " ";
        final String what = switch (event.getKindCase())
        {
            case HEALTH -> health(event.getHealth());
            case GENERATION_APPLIED -> generation(event.getGenerationApplied());
            case QUORUM -> quorum(event.getQuorum());
            case NO_BACKEND -> noBackend(event.getNoBackend());
            case HA -> ha(event.getHa());
            case DROPPED -> "events-dropped " + event.getDropped().getCount() + ": this watch read too slowly and lost them";
            case KIND_NOT_SET -> "unknown event (a newer daemon?)";
        };
        return prefix + what + "\n";
    }

    private static String health(final HealthTransition health)
    {
        final long latencyNs = health.getLatency().getSeconds() * 1_000_000_000L + health.getLatency().getNanos();
        return "health " + CtlNames.service(health.getService()) + " backend " + health.getBackend() + ": " +
            CtlNames.health(health.getOldState()) + " -> " + CtlNames.health(health.getNewState()) + " (" +
            (health.getReason().isEmpty() ? "" : health.getReason() + "; ") +
            String.format(Locale.ROOT, "check %.2fms", latencyNs / 1e6) + ")";
    }

    private static String ha(final HaTransition ha)
    {
        final String role = CtlNames.ha(ha.getOldState()) + " -> " + CtlNames.ha(ha.getNewState());
        if (ha.getRouter().isEmpty())
        {
            return "ha " + role;
        }
        return "vrrp " + ha.getRouter() + " (VRID " + ha.getVrid() + ", " + (ha.getIpv6() ? "ipv6" : "ipv4") + "): " +
            CtlNames.name(ha.getRouterOldState(), "VRRP_ROUTER_STATE_") + " -> " +
            CtlNames.name(ha.getRouterNewState(), "VRRP_ROUTER_STATE_") + " (role " +
            (ha.getOldState() == ha.getNewState() ? CtlNames.ha(ha.getNewState()) : role) + ")";
    }

    private static String generation(final GenerationApplied applied)
    {
        return "generation " + applied.getGeneration() + " applied (" + applied.getOrigin() + "): " + applied.getChange();
    }

    private static String quorum(final QuorumChange quorum)
    {
        return "quorum " + (quorum.getLost() ? "lost " : "regained ") + CtlNames.service(quorum.getService()) + ": " +
            quorum.getUpBackends() + " backends take new flows, quorum " + quorum.getQuorum() +
            (quorum.getSorryActive() ? ", the sorry backend takes them" : "");
    }

    private static String noBackend(final NoBackend none)
    {
        return "no-backend " + CtlNames.service(none.getService()) + ": " + (none.getNoBackend() ?
            "no backend takes new flows, they are dropped (reason no-backend)" : "a backend takes new flows again");
    }
}
