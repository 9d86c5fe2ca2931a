package io.sluice.controlplane.ctl;

import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

import io.sluice.controlplane.api.v1.HaState;
import io.sluice.controlplane.api.v1.NotifyHookStats;
import io.sluice.controlplane.api.v1.ReplicationLag;
import io.sluice.controlplane.api.v1.SyncStats;
import io.sluice.controlplane.api.v1.VrrpRouter;
import io.sluice.controlplane.api.v1.VrrpStats;

/**
 * The text of {@code sluice ctl ha}: the role and since when, a table of the virtual routers, the
 * VRRP counters, and the flow sync's figures with its replication lag. Sections the daemon does not
 * run (no VRRP, no sync) are left out; counters by reason list only the reasons that are not 0.
 */
final class HaViews
{
    private static final String LABEL = "%-13s%s\n";
    private static final String VRRP_STATE = "VRRP_ROUTER_STATE_";

    private HaViews()
    {
    }

    /**
     * The HA state.
     *
     * @param state the reply.
     * @return labelled lines, with a table of the virtual routers.
     */
    static String ha(final HaState state)
    {
        final StringBuilder text = new StringBuilder()
            .append(line("role", CtlNames.ha(state.getState())))
            .append(line("since", CtlViews.time(state.getSince(), false)));
        if (state.getRoutersCount() > 0)
        {
            final TextTable routers = new TextTable("ROUTER", ">VRID", "FAMILY", "STATE", ">PRIORITY", ">ADVERT", "SINCE",
                ">TRANSITIONS", "ADDRESSES");
            for (final VrrpRouter router : state.getRoutersList())
            {
                routers.row(router.getName(), router.getVrid(), router.getIpv6() ? "ipv6" : "ipv4",
                    CtlNames.name(router.getState(), VRRP_STATE), router.getPriority(), router.getAdvertIntervalCs() + "cs",
                    CtlViews.time(router.getSince(), false), router.getTransitions(), String.join(", ", router.getAddressesList()));
            }
            text.append('\n').append(routers.render());
        }
        if (state.hasVrrp())
        {
            text.append('\n').append(vrrp(state.getVrrp()));
        }
        if (state.hasSync())
        {
            text.append('\n').append(sync(state.getSync()));
        }
        return text.toString();
    }

    private static String vrrp(final VrrpStats vrrp)
    {
        final long discarded = vrrp.getDiscardsMap().values().stream().mapToLong(Long::longValue).sum();
        final StringBuilder text = new StringBuilder()
            .append(line("adverts", "sent " + vrrp.getAdvertsSent() + ", accepted " +
                (vrrp.getAcceptedWithPseudoHeader() + vrrp.getAcceptedWithoutPseudoHeader()) + ", discarded " + discarded +
                reasons(vrrp.getDiscardsMap()) + (vrrp.getRepliesSuppressed() == 0 ? "" :
                "; replies to lower priorities suppressed " + vrrp.getRepliesSuppressed() + " (one per interval)")))
            .append(line("announced", vrrp.getAnnouncementsSent() + " gratuitous ARP / unsolicited NA"))
            .append(line("failures", "send " + vrrp.getSendFailures() + ", inbound dropped " + vrrp.getInboundDropped() +
                ", dataplane switch " + vrrp.getSwitchFailures() + ", unresolved peers " + vrrp.getUnresolvedPeers()));
        if (vrrp.hasNotify())
        {
            final NotifyHookStats hooks = vrrp.getNotify();
            text.append(line("notify hooks", "started " + hooks.getStarted() + ", succeeded " + hooks.getSucceeded() +
                ", failed " + hooks.getFailed() + ", timed out " + hooks.getTimedOut() + ", rejected " + hooks.getRejected()));
        }
        return text.toString();
    }

    private static String sync(final SyncStats sync)
    {
        final long accepted = sync.getMessagesReceivedOrDefault("accepted", 0);
        final long refused = sync.getMessagesReceivedMap().values().stream().mapToLong(Long::longValue).sum() - accepted;
        final long queued = sync.getReplicatedFlowsOrDefault("queued", 0);
        final long rejected = sync.getReplicatedFlowsMap().values().stream().mapToLong(Long::longValue).sum() - queued;
        return line("sync node", Integer.toUnsignedString(sync.getNodeId()) + ", peers " +
                (sync.getPeersCount() == 0 ? "none" : String.join(", ", sync.getPeersList()))) +
            line("flows sent", "event " + sync.getFlowsSentOrDefault("event", 0) + ", bulk " +
                sync.getFlowsSentOrDefault("bulk", 0) + ", refresh " + sync.getFlowsSentOrDefault("refresh", 0) +
                "; messages unsent " + sync.getMessagesUnsent()) +
            line("received", "messages accepted " + accepted + ", refused " + refused +
                reasons(without(sync.getMessagesReceivedMap(), "accepted")) + "; flows " + sync.getFlowsReceived()) +
            line("applied", "flows queued " + queued + ", rejected " + rejected +
                reasons(without(sync.getReplicatedFlowsMap(), "queued")) + "; maglev picks differ " +
                sync.getMaglevPicksDiffer() + " of " + (sync.getMaglevPicksAgree() + sync.getMaglevPicksDiffer())) +
            line("events", "drained " + sync.getEventsDrained() + ", ring losses " + sync.getRingLosses()) +
            line("bulk", (sync.getBulkInProgress() ? "in progress" : "idle") + "; started " + sync.getBulksStarted() +
                ", completed " + sync.getBulksCompleted() + ", received " + sync.getBulksReceived() + "; peer restarts " +
                sync.getPeerRestarts()) +
            line("lag", lag(sync.getLag()) + " since the start") +
            line("recent lag", lag(sync.getRecentLag()) + " over the last window");
    }

    private static String lag(final ReplicationLag lag)
    {
        if (lag.getCount() == 0)
        {
            return "no flow measured";
        }
        return "p50 " + micros(lag.getP50Us()) + ", p99 " + micros(lag.getP99Us()) + ", p99.9 " + micros(lag.getP999Us()) +
            ", max " + micros(lag.getMaxUs()) + " (" + lag.getCount() + " flows)";
    }

    /**
     * A duration for people.
     *
     * @param us microseconds.
     * @return e.g. {@code 850us}, {@code 12.5ms}, {@code 3.20s}.
     */
    static String micros(final long us)
    {
        if (us < 1_000)
        {
            return us + "us";
        }
        if (us < 1_000_000)
        {
            return String.format(Locale.ROOT, "%.1fms", us / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fs", us / 1e6);
    }

    private static Map<String, Long> without(final Map<String, Long> counts, final String key)
    {
        final Map<String, Long> rest = new TreeMap<>(counts);
        rest.remove(key);
        return rest;
    }

    private static String reasons(final Map<String, Long> counts)
    {
        final StringJoiner joiner = new StringJoiner(", ", " (", ")").setEmptyValue("");
        new TreeMap<>(counts).forEach((reason, count) ->
        {
            if (count != 0)
            {
                joiner.add(reason + " " + count);
            }
        });
        return joiner.toString();
    }

    private static String line(final String label, final String value)
    {
        return String.format(Locale.ROOT, LABEL, label, value);
    }
}
