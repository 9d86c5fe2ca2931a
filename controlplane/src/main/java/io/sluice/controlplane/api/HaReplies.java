package io.sluice.controlplane.api;

import java.util.Locale;
import java.util.Map;

import io.sluice.controlplane.api.v1.HaState;
import io.sluice.controlplane.api.v1.NotifyHookStats;
import io.sluice.controlplane.api.v1.ReplicationLag;
import io.sluice.controlplane.api.v1.SyncStats;
import io.sluice.controlplane.api.v1.VrrpRouter;
import io.sluice.controlplane.api.v1.VrrpRouterState;
import io.sluice.controlplane.api.v1.VrrpStats;
import io.sluice.controlplane.ha.HaSnapshot;
import io.sluice.controlplane.ha.SyncLag;
import io.sluice.controlplane.ha.VrrpService;
import io.sluice.controlplane.vrrp.VrrpDiscard;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.wire.SyncVerdict;

/**
 * The {@code HaState} reply from an {@link HaSnapshot}: the role, each virtual router, the VRRP
 * counters and the flow sync's figures, with counters by reason as maps keyed by their labels.
 */
final class HaReplies
{
    private static final long NANOS_PER_MICRO = 1_000;

    private HaReplies()
    {
    }

    /**
     * @param snapshot the HA state.
     * @return its reply.
     */
    static HaState haState(final HaSnapshot snapshot)
    {
        final HaState.Builder reply = HaState.newBuilder().setState(ProtoReplies.haKind(snapshot.state().role()))
            .setSince(ProtoReplies.timestamp(snapshot.state().since()));
        for (final VrrpService.RouterStatus router : snapshot.routers())
        {
            reply.addRouters(router(router));
        }
        if (snapshot.vrrp() != null)
        {
            reply.setVrrp(vrrp(snapshot.vrrp()));
        }
        if (snapshot.sync() != null)
        {
            reply.setSync(sync(snapshot.sync()));
        }
        return reply.build();
    }

    private static VrrpRouter router(final VrrpService.RouterStatus router)
    {
        final VrrpRouter.Builder proto = VrrpRouter.newBuilder().setName(router.name()).setVrid(router.vrid())
            .setIpv6(router.ipv6()).setState(state(router.state())).setPriority(router.priority())
            .setAdvertIntervalCs(router.advertIntervalCs()).setSince(ProtoReplies.timestamp(router.since()))
            .setTransitions(router.transitions());
        for (final IpAddress address : router.addresses())
        {
            proto.addAddresses(ProtoReplies.address(address));
        }
        return proto.build();
    }

    static VrrpRouterState state(final VrrpState state)
    {
        return switch (state)
        {
            case INITIALIZE -> VrrpRouterState.VRRP_ROUTER_STATE_INITIALIZE;
            case BACKUP -> VrrpRouterState.VRRP_ROUTER_STATE_BACKUP;
            case MASTER -> VrrpRouterState.VRRP_ROUTER_STATE_MASTER;
        };
    }

    private static VrrpStats vrrp(final HaSnapshot.Vrrp vrrp)
    {
        final VrrpStats.Builder proto = VrrpStats.newBuilder()
            .setAcceptedWithPseudoHeader(vrrp.acceptedWithPseudoHeader())
            .setAcceptedWithoutPseudoHeader(vrrp.acceptedWithoutPseudoHeader())
            .setAdvertsSent(vrrp.advertsSent()).setAnnouncementsSent(vrrp.announcementsSent())
            .setSendFailures(vrrp.sendFailures()).setUnresolvedPeers(vrrp.unresolvedPeers())
            .setRepliesSuppressed(vrrp.repliesSuppressed())
            .setInboundDropped(vrrp.inboundDropped()).setSwitchFailures(vrrp.switchFailures());
        for (final Map.Entry<VrrpDiscard, Long> discard : vrrp.discards().entrySet())
        {
            proto.putDiscards(discard.getKey().label(), discard.getValue());
        }
        final HaSnapshot.Notify notify = vrrp.hooks();
        if (notify != null)
        {
            proto.setNotify(NotifyHookStats.newBuilder().setStarted(notify.started()).setSucceeded(notify.succeeded())
                .setFailed(notify.failed()).setTimedOut(notify.timedOut()).setRejected(notify.rejected()));
        }
        return proto.build();
    }

    private static SyncStats sync(final HaSnapshot.Sync sync)
    {
        final SyncStats.Builder proto = SyncStats.newBuilder().setNodeId(sync.nodeId()).addAllPeers(sync.peers())
            .putFlowsSent("event", sync.counter(SyncCounter.EVENT_FLOWS_SENT))
            .putFlowsSent("bulk", sync.counter(SyncCounter.BULK_FLOWS_SENT))
            .putFlowsSent("refresh", sync.counter(SyncCounter.REFRESH_FLOWS_SENT))
            .setFlowsReceived(sync.counter(SyncCounter.FLOWS_RECEIVED))
            .setEventsDrained(sync.counter(SyncCounter.EVENTS_DRAINED))
            .setRingLosses(sync.ringLosses())
            .setMessagesUnsent(sync.counter(SyncCounter.MESSAGES_UNSENT))
            .setBulksStarted(sync.counter(SyncCounter.BULKS_STARTED))
            .setBulksCompleted(sync.counter(SyncCounter.BULKS_COMPLETED))
            .setBulksReceived(sync.counter(SyncCounter.BULKS_RECEIVED))
            .setBulkInProgress(sync.bulkInProgress())
            .setPeerRestarts(sync.counter(SyncCounter.PEER_RESTARTS))
            .setMaglevPicksAgree(sync.replicas().getOrDefault(ReplicaCounter.PICK_AGREES, 0L))
            .setMaglevPicksDiffer(sync.replicas().getOrDefault(ReplicaCounter.PICK_DIFFERS, 0L))
            .setLag(lag(sync.lag())).setRecentLag(lag(sync.recentLag()));
        for (final Map.Entry<SyncVerdict, Long> verdict : sync.messages().entrySet())
        {
            proto.putMessagesReceived(verdict.getKey().label(), verdict.getValue());
        }
        for (final Map.Entry<ReplicaCounter, Long> outcome : sync.replicas().entrySet())
        {
            if (outcome.getKey() != ReplicaCounter.PICK_AGREES && outcome.getKey() != ReplicaCounter.PICK_DIFFERS)
            {
                proto.putReplicatedFlows(outcomeLabel(outcome.getKey()), outcome.getValue());
            }
        }
        return proto.build();
    }

    /**
     * @param counter an outcome of peers' flows.
     * @return its label, as the metrics name it: {@code queued}, {@code service-unknown}, ...
     */
    static String outcomeLabel(final ReplicaCounter counter)
    {
        return counter.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static ReplicationLag lag(final SyncLag.Summary lag)
    {
        return ReplicationLag.newBuilder().setCount(lag.count()).setP50Us(lag.p50Ns() / NANOS_PER_MICRO)
            .setP99Us(lag.p99Ns() / NANOS_PER_MICRO).setP999Us(lag.p999Ns() / NANOS_PER_MICRO)
            .setMaxUs(lag.maxNs() / NANOS_PER_MICRO).build();
    }
}
