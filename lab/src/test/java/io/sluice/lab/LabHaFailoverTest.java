package io.sluice.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.sluice.controlplane.api.v1.FlowTableState;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.LookupFlowRequest;
import io.sluice.controlplane.api.v1.LookupFlowResponse;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.lab.LabTopology.BACKENDS;
import static io.sluice.lab.LabTopology.CLIENT_IPV4;
import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.LB2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Active-passive failover between the lab's two load balancers with real daemons and VRRP: both
 * LBs serve a DSR VIP and an IPIP VIP (IPv4) over be1 and be2 and run virtual router 51 (adverts
 * every 100 ms; lb1 priority 200, lb2 100) for the virtual address the router sends the VIPs to
 * ({@code lab.sh via}), so lb1 is master; the client holds 200 keep-alive connections (a request every 50 ms each, fixed source
 * ports) while it opens 20 new connections a second ({@link HeldConnections}). Then both LBs get be3
 * (a SIGHUP reload), so that Maglev alone would now send about a third of the held flows elsewhere;
 * lb1 is killed with SIGKILL, and lb2 becomes master after the master-down interval (about 0.36 s).
 * With sync, lb1 is then started again: it takes its bulk transfer during its 3 s preempt delay,
 * preempts lb2 and forwards every held flow again.
 * <p>
 * With flow sync on, lb2 holds a copy of every one of lb1's flows (checked through lb2's API,
 * {@code LookupFlow} as {@code sluice ctl lookup} asks it, before the kill: each in its flow table,
 * pinned to the backend the client talks to), so every held
 * connection survives; the longest gap between two answers from just before the kill on is the
 * takeover time as the client sees it (TCP's retransmission timer included). With sync off the same
 * scenario breaks exactly the connections lb2's Maglev sends to another backend (counted through
 * lb2's API before the kill); that number is printed (and must not be 0), so the difference is
 * measured. A third run does the same with sync through a {@code nat} VIP (destination NAT to the
 * backends' port 8080, their replies routed to the virtual address by {@code lab.sh nat-route}):
 * every held connection survives there too. A fourth does it through a {@code fullnat} VIP whose NAT
 * address (203.0.113.101) is a second address of virtual router 51 on both LBs: the backends, with no
 * route of their own, reply to it, and whichever LB is master takes the replies; lb2 holds the copies
 * of lb1's forward and reverse entries, so every held connection survives too. Each run prints one
 * line: held, kill and takeover times, the client-measured takeover, survivors, broken, and new
 * connections that failed.
 */
@Tag("lab")
@Tag("dpdk")
@ExtendWith(SharedLab.class)
class LabHaFailoverTest
{
    private static final String DSR_VIP = "192.0.2.10";
    private static final String IPIP_VIP = "192.0.2.11";
    /** Both VIPs, one route of their own on the router: .8 to .15. */
    private static final String VIP_PREFIX = "192.0.2.8/29";
    /** The VRRP virtual address the router sends the VIPs to: whichever LB is master answers ARP for it. */
    private static final String VIRTUAL_ADDRESS = "203.0.113.100";
    private static final int VRID = 51;
    private static final Duration ADVERT_INTERVAL = Duration.ofMillis(100);
    /** lb1, restarted, waits this long as a backup before it preempts: time for its bulk transfer. */
    private static final Duration PREEMPT_DELAY = Duration.ofSeconds(3);
    private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(5);
    private static final int HELD = 200;
    /** Held connections' source ports: below the ephemeral range (32768+), so no other socket holds one; each run its own. */
    private static final int SYNC_ON_FIRST_PORT = 24_000;
    private static final int SYNC_OFF_FIRST_PORT = 24_400;
    private static final Duration REQUEST_INTERVAL = Duration.ofMillis(50);
    private static final double NEW_PER_SECOND = 20;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration STEADY = Duration.ofSeconds(1);
    /** Long enough for the last TCP retransmission that can still beat the 3 s answer timeout, and then the timeout itself. */
    private static final Duration AFTER_TAKEOVER = Duration.ofMillis(4_500);
    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(15);
    private static final long[] RECOVERY_BUCKETS_MS = {500, 1000, 1500, 2000, 3000};

    /** The nat run's VIP: destination NAT to the backends' port 8080, their replies routed to the virtual address. */
    private static final String NAT_VIP = "192.0.2.12";
    private static final int NAT_FIRST_PORT = 24_800;
    /** The fullnat run's VIP: full NAT to the backends' port 8080, from a NAT address that moves with VRRP. */
    private static final String FULLNAT_VIP = "192.0.2.13";
    /** The fullnat run's NAT address: both LBs have it, in virtual router 51, so the backends' replies reach the master. */
    private static final String VIRTUAL_NAT_ADDRESS = "203.0.113.101";
    private static final int FULLNAT_FIRST_PORT = 25_200;

    private final LabScript lab = LabScript.locate();
    private final LabDaemons daemons = new LabDaemons(lab, "LabHaFailoverTest");
    private String testName;
    /** The services of this run: {@code dsr} (a DSR and an IPIP VIP), {@code nat} or {@code fullnat}. */
    private String mode = "dsr";

    @AfterEach
    void stopEverything() throws Exception
    {
        try
        {
            daemons.stopAll();
        }
        finally
        {
            lab.viaOff(VIP_PREFIX);
            lab.natRouteOff();
            ClientTcp.resetBackendSockets();
            ClientTcp.resetClientSockets();
        }
    }

    @Test
    void shouldKeepEveryHeldNatConnectionWhenLb1DiesAndSyncIsOn(final TestInfo info) throws Exception
    {
        testName = info.getTestMethod().orElseThrow().getName();
        mode = "nat";
        lab.natRoute(List.of(VIRTUAL_ADDRESS));
        final Outcome outcome = failOver(true, NAT_FIRST_PORT);
        assertEquals(HELD, outcome.replication().found(), "every held nat flow is on lb2 before the kill: " + outcome);
        assertTrue(outcome.replication().moved() > 0, "without the copies some flows would have moved: " + outcome);
        assertEquals(HELD, outcome.summary().survived(), "every held nat connection survives: " + outcome);
    }

    @Test
    void shouldKeepEveryHeldFullNatConnectionWhenLb1DiesAndSyncIsOn(final TestInfo info) throws Exception
    {
        testName = info.getTestMethod().orElseThrow().getName();
        mode = "fullnat";
        final Outcome outcome = failOver(true, FULLNAT_FIRST_PORT, true);
        assertEquals(HELD, outcome.replication().found(), "every held fullnat flow is on lb2 before the kill: " + outcome);
        assertTrue(outcome.replication().moved() > 0, "without the copies some flows would have moved: " + outcome);
        assertEquals(HELD, outcome.summary().survived(), "every held fullnat connection survives: " + outcome);
        assertEquals(0, outcome.natDrops(), "lb2 found a free port for every new flow and a reverse entry for every reply: " + outcome);
    }

    @Test
    void shouldKeepEveryHeldConnectionWhenLb1DiesAndSyncIsOn(final TestInfo info) throws Exception
    {
        testName = info.getTestMethod().orElseThrow().getName();
        final Outcome outcome = failOver(true, SYNC_ON_FIRST_PORT, true);
        assertEquals(HELD, outcome.replication().found(), "every held flow is on lb2 before the kill: " + outcome);
        assertTrue(outcome.replication().moved() > 0, "without the copies some flows would have moved: " + outcome);
        assertEquals(HELD, outcome.summary().survived(), "every held connection survives: " + outcome);
    }

    @Test
    void shouldBreakTheFlowsMaglevMovesWhenLb1DiesAndSyncIsOff(final TestInfo info) throws Exception
    {
        testName = info.getTestMethod().orElseThrow().getName();
        final Outcome outcome = failOver(false, SYNC_OFF_FIRST_PORT);
        assertEquals(0, outcome.replication().found(), "no flow of lb1 is on lb2 without sync: " + outcome);
        assertTrue(outcome.summary().broken() > 0, "without sync the flows Maglev moves to be3 break: " + outcome);
        assertEquals(outcome.replication().moved(), outcome.summary().broken(), "exactly the flows lb2's Maglev moves break: " + outcome);
    }

    /**
     * Waits until an LB forwards: VRRP made it master (it answers ARP for the virtual address with the
     * virtual MAC and takes the VIPs' traffic): lb2 once lb1's adverts stopped for the master-down
     * interval, a restarted lb1 once its preempt delay is over.
     *
     * @param timeout how long it may take: the takeover's bound, plus the preempt delay for lb1.
     * @return the LB's forwarded packets when it was seen forwarding.
     */
    private static long awaitForwarding(final LabDaemon lb, final Duration timeout)
    {
        final Poll.Outcome<Long> forwarded = Poll.until(timeout, () -> lb.stats().total(WorkerCounter.FORWARDED),
            count -> count > 0);
        assertTrue(forwarded.met(), "no packet forwarded by " + lb + " within " + timeout + ": " + forwarded.describe() +
            "\n" + lb.logTail());
        return forwarded.value();
    }

    /**
     * lb1 starts again, takes its bulk transfer from lb2 while a VRRP backup, then preempts lb2 (its
     * priority is higher) and forwards every held flow again: none breaks. In the DSR run it has a
     * preempt delay of 3 s; in the fullnat run none, and its VRRP holds the preemption until the bulk
     * transfer is complete (the sync's gate; its log says whether it had to wait).
     */
    private void preemptBack(final HeldConnections client, final LabDaemon killed, final LabDaemon lb2, final Path key)
        throws Exception
    {
        LabDaemons.deleteAeronDirectory(killed);
        final long restartAtMs = client.elapsedMs();
        final LabDaemon lb1 = start(LB1, threeBackends(), key, LB2, 200);
        awaitForwarding(lb1, TAKEOVER_TIMEOUT.plus(PREEMPT_DELAY));
        final long preemptedMs = client.elapsedMs() - restartAtMs;
        client.restartGaps();
        Thread.sleep(AFTER_TAKEOVER.toMillis());
        final HeldConnections.Summary after = client.summary();
        final boolean held = lb1.logContains("VRRP holds its preemption until the bulk transfer");
        System.out.println("LabHaFailoverTest: lb1 restarted at " + restartAtMs + " ms, forwarding again (preempted lb2 after " +
            (mode.equals("fullnat") ? "no preempt delay, " + (held ? "having held its preemption for the bulk transfer" :
                "its bulk transfer complete before the master-down timer") : "its " + PREEMPT_DELAY.toMillis() +
            " ms preempt delay") + ") " + preemptedMs + " ms later; survived " + after.survived() +
            " of " + after.held().size() + ", longest gap after the preemption " + after.longestGapMs() + " ms, new connections " +
            "failed " + after.newFailed() + " of " + after.newAttempts() + "\n  lb1: " + lb1.stats().describeWorkers());
        assertEquals(HELD, after.survived(), "every held connection survives lb1's return: " + after);
    }

    private Outcome failOver(final boolean sync, final int firstSourcePort) throws Exception
    {
        return failOver(sync, firstSourcePort, false);
    }

    private Outcome failOver(final boolean sync, final int firstSourcePort, final boolean restartLb1) throws Exception
    {
        final Path key = sync ? LbConfig.Sync.writeKey(lab.runDirectory().resolve("ha-sync.key")) : null;
        lab.via(VIP_PREFIX, VIRTUAL_ADDRESS);
        final LabDaemon lb1 = start(LB1, twoBackends(), key, LB2, 200);
        for (final String vip : vips())
        {
            LabDaemons.awaitAnswer(vip, lb1);
        }
        final LabDaemon lb2 = start(LB2, twoBackends(), key, LB1, 100);
        final HeldConnections.Settings settings = new HeldConnections.Settings(
            vips().stream().map(vip -> new InetSocketAddress(InetAddress.ofLiteral(vip), LbConfig.VIP_PORT)).toList(),
            HELD, firstSourcePort, REQUEST_INTERVAL, NEW_PER_SECOND, ANSWER_TIMEOUT);
        try (HeldConnections client = HeldConnections.start(settings, HeldConnections.inNamespace(CLIENT_NAMESPACE)))
        {
            Thread.sleep(STEADY.toMillis());
            final HeldConnections.Summary before = client.summary();
            assertEquals(HELD, before.survived(), "every held connection works through lb1: " + before);

            for (final LabDaemon daemon : List.of(lb1, lb2))
            {
                daemon.reload(withThreeBackends(daemon.config()));
            }
            final Replication replication = awaitReplication(sync, before);

            assertEquals(0, lb2.stats().total(WorkerCounter.FORWARDED), "lb2, the VRRP backup, forwards nothing while lb1 is master");
            client.restartGaps();
            final long killAtMs = client.elapsedMs();
            lb1.kill9();
            final long goneMs = client.elapsedMs() - killAtMs;
            awaitForwarding(lb2, TAKEOVER_TIMEOUT);
            final long takeoverMs = client.elapsedMs() - killAtMs;
            Thread.sleep(AFTER_TAKEOVER.toMillis());
            final long[] lb2Drops = lb2.stats().drops();
            final Outcome outcome = new Outcome(sync, killAtMs, goneMs, takeoverMs, replication, client.summary(),
                lb2Drops[DropReason.NAT_PORTS_EXHAUSTED.ordinal()] + lb2Drops[DropReason.NAT_NO_MAPPING.ordinal()]);
            System.out.println("LabHaFailoverTest: " + outcome + "\n  lb2: " + lb2.stats().describeWorkers());
            if (sync && restartLb1)
            {
                preemptBack(client, lb1, lb2, key);
            }
            return outcome;
        }
    }

    /**
     * Asks lb2's API ({@code LookupFlow}, what {@code sluice ctl lookup} calls) whether each held flow
     * is in its flow table, pinned to the backend the client talks to; with sync, until all are (or
     * {@link #REPLICATION_TIMEOUT}). Also counts the held flows whose backend lb2's Maglev would not
     * pick for them now (its scheduled backend for a new flow of that 5-tuple): those a takeover
     * without a copy of the flow moves to another backend.
     */
    private Replication awaitReplication(final boolean sync, final HeldConnections.Summary held) throws InterruptedException
    {
        final ManagedChannel channel = Grpc.newChannelBuilder("unix://" + daemons.socket(LB2), InsecureChannelCredentials.create()).build();
        try
        {
            final LoadBalancerGrpc.LoadBalancerBlockingStub api = LoadBalancerGrpc.newBlockingStub(channel);
            final long deadlineNs = System.nanoTime() + REPLICATION_TIMEOUT.toNanos();
            while (true)
            {
                int found = 0;
                int moved = 0;
                for (final HeldConnections.Held connection : held.held())
                {
                    final LookupFlowResponse lookup = api.withDeadlineAfter(5, TimeUnit.SECONDS).lookupFlow(LookupFlowRequest.newBuilder()
                        .setClientAddress(CLIENT_IPV4).setClientPort(connection.sourcePort())
                        .setVip(connection.target().getAddress().getHostAddress()).setVipPort(connection.target().getPort()).build());
                    if (lookup.getFlowTable() == FlowTableState.FLOW_TABLE_STATE_FOUND && !"?".equals(connection.backend()) &&
                        lookup.getPinnedBackend().equals(LabTopology.backend(connection.backend()).ipv4()))
                    {
                        found++;
                    }
                    if ("?".equals(connection.backend()) ||
                        !lookup.getScheduledBackend().equals(LabTopology.backend(connection.backend()).ipv4()))
                    {
                        moved++;
                    }
                }
                if (!sync || found == held.held().size() || System.nanoTime() - deadlineNs > 0)
                {
                    return new Replication(found, moved);
                }
                Thread.sleep(200);
            }
        }
        finally
        {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private LabDaemon start(
        final LabLbHost host, final List<LbConfig.Service> services, final Path key, final LabLbHost peer, final int priority)
        throws IOException, InterruptedException
    {
        final boolean fullNat = mode.equals("fullnat");
        LbConfig config = LbConfig.of(services.toArray(LbConfig.Service[]::new)).on(host)
            .withWorkerIdle("backoff")
            .withSections(daemons.apiSection(host))
            .withVrrp(new LbConfig.Vrrp(null, List.of(new LbConfig.VrrpRouter("v4", VRID, priority, ADVERT_INTERVAL, true,
                priority > 100 && !fullNat ? PREEMPT_DELAY : Duration.ZERO,
                fullNat ? List.of(VIRTUAL_ADDRESS, VIRTUAL_NAT_ADDRESS) : List.of(VIRTUAL_ADDRESS), List.of()))));
        if (fullNat)
        {
            config = config.withNatAddresses(List.of(VIRTUAL_NAT_ADDRESS));
        }
        if (key != null)
        {
            config = config.withSync(LbConfig.Sync.between(host, key, peer));
        }
        return daemons.start(testName + "-" + host.name(), config);
    }

    private List<String> vips()
    {
        return switch (mode)
        {
            case "nat" -> List.of(NAT_VIP);
            case "fullnat" -> List.of(FULLNAT_VIP);
            default -> List.of(DSR_VIP, IPIP_VIP);
        };
    }

    private List<LbConfig.Service> twoBackends()
    {
        return services(2);
    }

    private List<LbConfig.Service> threeBackends()
    {
        return services(3);
    }

    private List<LbConfig.Service> services(final int backends)
    {
        return switch (mode)
        {
            case "nat" -> List.of(translated(NAT_VIP, "nat", backends));
            case "fullnat" -> List.of(translated(FULLNAT_VIP, "fullnat", backends));
            default -> List.of(service(DSR_VIP, "dsr", backends), service(IPIP_VIP, "ipip", backends));
        };
    }

    private LbConfig withThreeBackends(final LbConfig config)
    {
        LbConfig changed = config;
        for (final LbConfig.Service service : threeBackends())
        {
            changed = changed.with(service);
        }
        return changed;
    }

    private static LbConfig.Service translated(final String vip, final String translation, final int backends)
    {
        return service(vip, translation, backends).withOptions("    backendPort: " + LabTopology.NAT_HTTP_PORT + "\n");
    }

    private static LbConfig.Service service(final String vip, final String mode, final int backends)
    {
        final List<LbConfig.Backend> list = new ArrayList<>();
        for (final LabBackend backend : BACKENDS.subList(0, backends))
        {
            list.add(new LbConfig.Backend(backend, backend.ipv4(), 1));
        }
        return new LbConfig.Service(vip, LbConfig.VIP_PORT, mode, List.copyOf(list));
    }

    /**
     * What lb2 had of the held flows before the kill.
     *
     * @param found held flows in lb2's flow table, pinned to the backend the client talks to.
     * @param moved held flows lb2's Maglev would send to another backend than the client's.
     */
    private record Replication(int found, int moved)
    {
    }

    /**
     * One failover run.
     *
     * @param sync       whether flow sync was on.
     * @param killAtMs   when lb1 was killed, in the client's time.
     * @param goneMs     how long after the SIGKILL lb1's process was gone.
     * @param takeoverMs from the kill until lb2 was seen forwarding (its stats file, polled).
     * @param replication what lb2 had of the held flows at the kill.
     * @param summary    the client's results 4.5 s after the takeover.
     * @param natDrops   lb2's drops as {@code nat-ports-exhausted} or {@code nat-no-mapping} by then.
     */
    private record Outcome(boolean sync, long killAtMs, long goneMs, long takeoverMs, Replication replication, HeldConnections.Summary summary,
        long natDrops)
    {
        @Override
        public String toString()
        {
            final List<Long> failedAfterKill = new ArrayList<>();
            for (final long at : summary.newFailedAtMs())
            {
                failedAfterKill.add(at - killAtMs);
            }
            final int[] recovered = new int[RECOVERY_BUCKETS_MS.length + 1];
            for (final HeldConnections.Held held : summary.held())
            {
                if (held.broken() == null && held.gapEndMs() > killAtMs)
                {
                    int bucket = 0;
                    while (bucket < RECOVERY_BUCKETS_MS.length && held.gapEndMs() - killAtMs >= RECOVERY_BUCKETS_MS[bucket])
                    {
                        bucket++;
                    }
                    recovered[bucket]++;
                }
            }
            return "sync " + (sync ? "on" : "off") + ": held " + summary.held().size() + ", replicated to lb2 " + replication.found() +
                ", Maglev on lb2 would move " + replication.moved() +
                ", lb1 killed at " + killAtMs + " ms (gone after " + goneMs + " ms), lb2 (VRRP master now) forwarding " + takeoverMs +
                " ms after the kill, takeover seen by the client " +
                summary.longestGapMs() + " ms (longest gap between answers), survived " + summary.survived() + ", broken " +
                summary.broken() + ", lb2's NAT drops " + natDrops + ", new connections failed " + summary.newFailed() + " of " + summary.newAttempts() +
                " (started at ms relative to the kill: " + failedAfterKill + ")\n  survivors answered again after the kill, by ms " +
                "(<500, <1000, <1500, <2000, <3000, more): " + Arrays.toString(recovered) + "\n  client: " + summary;
        }
    }
}
