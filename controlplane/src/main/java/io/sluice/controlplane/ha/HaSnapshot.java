package io.sluice.controlplane.ha;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.sluice.controlplane.model.HaState;
import io.sluice.controlplane.vrrp.VrrpCounters;
import io.sluice.controlplane.vrrp.VrrpDiscard;
import io.sluice.controlplane.vrrp.VrrpNotifyRunner;
import io.sluice.sync.ReplicaCounter;
import io.sluice.sync.SyncCounter;
import io.sluice.sync.SyncStatus;
import io.sluice.sync.transport.TransportCounter;
import io.sluice.sync.wire.SyncVerdict;

/**
 * The high-availability state of a daemon at one moment, as the API and the metrics show it.
 *
 * @param state   the role and since when (the last transition of a virtual router, or the start without VRRP).
 * @param routers the virtual routers in configuration order; empty without VRRP.
 * @param vrrp    the VRRP counters; null without VRRP.
 * @param sync    the flow sync's figures; null without a {@code sync:} section.
 */
public record HaSnapshot(HaState state, List<VrrpService.RouterStatus> routers, Vrrp vrrp, Sync sync)
{
    /**
     * Copies the router list.
     */
    public HaSnapshot
    {
        routers = List.copyOf(routers);
    }

    /**
     * The notify hook's counts.
     *
     * @param started   hooks started.
     * @param succeeded hooks that exited with status 0.
     * @param failed    hooks that exited otherwise or could not start.
     * @param timedOut  hooks killed at their timeout.
     * @param rejected  hooks dropped for a full queue.
     */
    public record Notify(long started, long succeeded, long failed, long timedOut, long rejected)
    {
        /**
         * Reads a runner.
         *
         * @param runner the runner.
         * @return its counts.
         */
        public static Notify of(final VrrpNotifyRunner runner)
        {
            return new Notify(runner.started(), runner.succeeded(), runner.failed(), runner.timedOut(), runner.rejected());
        }
    }

    /**
     * The VRRP counters.
     *
     * @param acceptedWithPseudoHeader    adverts accepted with the RFC 5798 checksum.
     * @param acceptedWithoutPseudoHeader IPv4 adverts accepted with the RFC 9568 checksum.
     * @param discards                    frames discarded, by every reason (0 included).
     * @param advertsSent                 adverts sent.
     * @param announcementsSent           gratuitous ARPs and unsolicited NAs sent.
     * @param sendFailures                frames the dataplane refused.
     * @param unresolvedPeers             unicast adverts skipped for want of the peer's MAC.
     * @param repliesSuppressed           lower-priority adverts a master left unanswered (one reply per advert interval).
     * @param inboundDropped              punted frames dropped for a full ring to the VRRP thread.
     * @param switchFailures              transitions the dataplane did not take.
     * @param hooks                       the notify hook's counts; null without a hook.
     */
    public record Vrrp(
        long acceptedWithPseudoHeader, long acceptedWithoutPseudoHeader, Map<VrrpDiscard, Long> discards, long advertsSent,
        long announcementsSent, long sendFailures, long unresolvedPeers, long repliesSuppressed, long inboundDropped, long switchFailures, Notify hooks)
    {
        /**
         * Reads a running VRRP.
         *
         * @param status the running VRRP.
         * @return its counters now.
         */
        public static Vrrp of(final VrrpStatus status)
        {
            final VrrpCounters counters = status.counters();
            final Map<VrrpDiscard, Long> discards = new EnumMap<>(VrrpDiscard.class);
            for (final VrrpDiscard reason : VrrpDiscard.values())
            {
                discards.put(reason, counters.discards(reason));
            }
            return new Vrrp(counters.acceptedWithPseudoHeader(), counters.acceptedWithoutPseudoHeader(),
                Collections.unmodifiableMap(discards), counters.advertsSent(), counters.announcementsSent(),
                counters.sendFailures(), counters.unresolvedPeers(), counters.repliesSuppressed(), status.inboundDropped(), status.switchFailures(),
                status.notifyRunner() == null ? null : Notify.of(status.notifyRunner()));
        }

        /** @return adverts accepted, in either checksum form. */
        public long accepted()
        {
            return acceptedWithPseudoHeader + acceptedWithoutPseudoHeader;
        }
    }

    /**
     * The flow sync's figures.
     *
     * @param nodeId         this load balancer's node id.
     * @param peers          the configured peers.
     * @param counters       the agent's own counts.
     * @param messages       messages received, by verdict.
     * @param replicas       peers' flows, by outcome.
     * @param transport      the transport's counts.
     * @param bulkInProgress whether a bulk transfer to a peer runs.
     * @param ringLosses     flow events lost for a full worker ring.
     * @param lag            replication lag since the start.
     * @param recentLag      replication lag over the last window.
     */
    public record Sync(
        int nodeId, List<String> peers, Map<SyncCounter, Long> counters, Map<SyncVerdict, Long> messages,
        Map<ReplicaCounter, Long> replicas, Map<TransportCounter, Long> transport, boolean bulkInProgress, long ringLosses,
        SyncLag.Summary lag, SyncLag.Summary recentLag)
    {
        /**
         * Copies the peer list.
         */
        public Sync
        {
            peers = List.copyOf(peers);
        }

        /**
         * Reads a running agent.
         *
         * @param nodeId     this load balancer's node id.
         * @param peers      the configured peers.
         * @param status     the agent.
         * @param ringLosses flow events lost for a full worker ring.
         * @param lag        the agent's lag holder.
         * @return its figures now.
         */
        public static Sync of(
            final int nodeId, final List<String> peers, final SyncStatus status, final long ringLosses, final SyncLag lag)
        {
            final Map<SyncCounter, Long> counters = new EnumMap<>(SyncCounter.class);
            for (final SyncCounter counter : SyncCounter.values())
            {
                counters.put(counter, status.counter(counter));
            }
            final Map<SyncVerdict, Long> messages = new EnumMap<>(SyncVerdict.class);
            for (final SyncVerdict verdict : SyncVerdict.values())
            {
                messages.put(verdict, status.messages(verdict));
            }
            final Map<ReplicaCounter, Long> replicas = new EnumMap<>(ReplicaCounter.class);
            for (final ReplicaCounter counter : ReplicaCounter.values())
            {
                replicas.put(counter, status.replicas(counter));
            }
            final Map<TransportCounter, Long> transport = new EnumMap<>(TransportCounter.class);
            for (final TransportCounter counter : TransportCounter.values())
            {
                transport.put(counter, status.transport(counter));
            }
            return new Sync(nodeId, peers, Collections.unmodifiableMap(counters), Collections.unmodifiableMap(messages),
                Collections.unmodifiableMap(replicas), Collections.unmodifiableMap(transport), status.bulkInProgress(),
                ringLosses, lag.sinceStart(), lag.recent());
        }

        /**
         * @param counter one of the agent's counts.
         * @return its value.
         */
        public long counter(final SyncCounter counter)
        {
            return counters.getOrDefault(counter, 0L);
        }
    }

    /**
     * The role of a daemon from what it runs.
     *
     * @param vrrp    whether VRRP runs.
     * @param sync    whether flow sync runs.
     * @param routers the virtual routers' states (with VRRP).
     * @return standalone without either, active with sync alone, else from the routers' states: initialize
     *         when one is in Initialize, master or backup when all are, mixed otherwise.
     */
    public static HaState.Role roleOf(final boolean vrrp, final boolean sync, final List<VrrpService.RouterStatus> routers)
    {
        if (!vrrp || routers.isEmpty())
        {
            return sync ? HaState.Role.ACTIVE : HaState.Role.STANDALONE;
        }
        int masters = 0;
        for (final VrrpService.RouterStatus router : routers)
        {
            switch (router.state())
            {
                case INITIALIZE ->
                {
                    return HaState.Role.INITIALIZE;
                }
                case MASTER -> masters++;
                case BACKUP ->
                {
                }
            }
        }
        return masters == routers.size() ? HaState.Role.MASTER : masters == 0 ? HaState.Role.BACKUP : HaState.Role.MIXED;
    }
}
