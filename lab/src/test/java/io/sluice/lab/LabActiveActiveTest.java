package io.sluice.lab;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.LookupFlowRequest;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.lab.LabTopology.BACKENDS;
import static io.sluice.lab.LabTopology.CLIENT_IPV4;
import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.LB2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Active-active: the router spreads two VIPs (DSR and IPIP) over both LBs with ECMP (a multipath
 * route, layer-4 hash), both LBs forward and replicate their flows to each other. 200 held
 * keep-alive connections, spread by the router over both; then lb1 is taken out of the ECMP set
 * (its flows now reach lb2) and put back (they return to lb1): every connection keeps working
 * through both moves. Before that, both LBs' Maglev picks are compared for every held flow through
 * their APIs ({@code LookupFlow}): identical tables are asserted, not assumed.
 */
@Tag("lab")
@Tag("dpdk")
@ExtendWith(SharedLab.class)
class LabActiveActiveTest
{
    private static final String DSR_VIP = "192.0.2.10";
    private static final String IPIP_VIP = "192.0.2.11";
    private static final String VIP_PREFIX = "192.0.2.8/29";
    private static final int HELD = 200;
    private static final int FIRST_SOURCE_PORT = 24_800;
    private static final Duration SETTLE = Duration.ofMillis(4_500);

    private final LabScript lab = LabScript.locate();
    private final LabDaemons daemons = new LabDaemons(lab, "LabActiveActiveTest");

    @AfterEach
    void stopEverything() throws Exception
    {
        try
        {
            daemons.stopAll();
        }
        finally
        {
            lab.ecmpOff(VIP_PREFIX);
        }
    }

    @Test
    void shouldKeepEveryConnectionWhenAnLbLeavesTheEcmpSetAndComesBack() throws Exception
    {
        final Path key = LbConfig.Sync.writeKey(lab.runDirectory().resolve("aa-sync.key"));
        final LabDaemon lb1 = start(LB1, key, LB2);
        final LabDaemon lb2 = start(LB2, key, LB1);
        lab.ecmp(VIP_PREFIX, LB1, LB2);
        LabDaemons.awaitAnswer(DSR_VIP, lb1);
        LabDaemons.awaitAnswer(IPIP_VIP, lb1);
        final HeldConnections.Settings settings = new HeldConnections.Settings(
            List.of(new InetSocketAddress(InetAddress.ofLiteral(DSR_VIP), LbConfig.VIP_PORT),
                new InetSocketAddress(InetAddress.ofLiteral(IPIP_VIP), LbConfig.VIP_PORT)),
            HELD, FIRST_SOURCE_PORT, Duration.ofMillis(50), 20, Duration.ofSeconds(3));
        try (HeldConnections client = HeldConnections.start(settings, HeldConnections.inNamespace(CLIENT_NAMESPACE)))
        {
            Thread.sleep(1_000);
            final HeldConnections.Summary before = client.summary();
            assertEquals(HELD, before.survived(), "every held connection works through both LBs: " + before);
            final long lb1Before = lb1.stats().total(WorkerCounter.FORWARDED);
            final long lb2Before = lb2.stats().total(WorkerCounter.FORWARDED);
            assertTrue(lb1Before > 0 && lb2Before > 0, "the router spreads the flows over both LBs: lb1 forwarded " + lb1Before +
                ", lb2 " + lb2Before);
            final int samePicks = comparePicks(before);

            client.restartGaps();
            lab.ecmp(VIP_PREFIX, LB2);
            Thread.sleep(SETTLE.toMillis());
            final HeldConnections.Summary out = client.summary();
            final long lb1Idle = lb1.stats().total(WorkerCounter.FORWARDED);

            client.restartGaps();
            lab.ecmp(VIP_PREFIX, LB1, LB2);
            Thread.sleep(SETTLE.toMillis());
            final HeldConnections.Summary back = client.summary();
            final long lb1After = lb1.stats().total(WorkerCounter.FORWARDED);

            System.out.println("LabActiveActiveTest: held " + HELD + " over ECMP (lb1 forwarded " + lb1Before + ", lb2 " + lb2Before +
                " packets), Maglev picks identical on both LBs for " + samePicks + " of " + HELD + " held flows; lb1 out of the " +
                "set: survived " + out.survived() + ", broken " + out.broken() + ", longest gap " + out.longestGapMs() + " ms, new " +
                "connections failed " + out.newFailed() + " of " + out.newAttempts() + "; lb1 back: survived " + back.survived() +
                ", broken " + back.broken() + ", longest gap " + back.longestGapMs() + " ms, lb1 forwarded " +
                (lb1After - lb1Idle) + " packets again");
            assertEquals(HELD, samePicks, "both LBs' Maglev tables pick the same backend for every held flow");
            assertEquals(HELD, out.survived(), "every connection survives lb1 leaving the ECMP set: " + out);
            assertEquals(HELD, back.survived(), "every connection survives lb1 coming back: " + back);
            assertTrue(lb1After > lb1Idle, "lb1 forwards again once back in the set");
        }
    }

    /** For every held flow, lb1's and lb2's scheduled backend (what their Maglev tables pick) through their APIs. */
    private int comparePicks(final HeldConnections.Summary held) throws InterruptedException
    {
        final ManagedChannel one = Grpc.newChannelBuilder("unix://" + daemons.socket(LB1), InsecureChannelCredentials.create()).build();
        final ManagedChannel two = Grpc.newChannelBuilder("unix://" + daemons.socket(LB2), InsecureChannelCredentials.create()).build();
        try
        {
            int same = 0;
            for (final HeldConnections.Held connection : held.held())
            {
                final LookupFlowRequest request = LookupFlowRequest.newBuilder().setClientAddress(CLIENT_IPV4)
                    .setClientPort(connection.sourcePort()).setVip(connection.target().getAddress().getHostAddress())
                    .setVipPort(connection.target().getPort()).build();
                final String pick1 = LoadBalancerGrpc.newBlockingStub(one).withDeadlineAfter(5, TimeUnit.SECONDS).lookupFlow(request)
                    .getScheduledBackend();
                final String pick2 = LoadBalancerGrpc.newBlockingStub(two).withDeadlineAfter(5, TimeUnit.SECONDS).lookupFlow(request)
                    .getScheduledBackend();
                same += !pick1.isEmpty() && pick1.equals(pick2) ? 1 : 0;
            }
            return same;
        }
        finally
        {
            one.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            two.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private LabDaemon start(final LabLbHost host, final Path key, final LabLbHost peer) throws Exception
    {
        final LbConfig config = LbConfig.of(service(DSR_VIP, "dsr"), service(IPIP_VIP, "ipip")).on(host)
            .withWorkerIdle("backoff")
            .withSections(daemons.apiSection(host))
            .withSync(LbConfig.Sync.between(host, key, peer));
        return daemons.start(host.name(), config);
    }

    private static LbConfig.Service service(final String vip, final String mode)
    {
        final List<LbConfig.Backend> list = new ArrayList<>();
        for (final LabBackend backend : BACKENDS)
        {
            list.add(new LbConfig.Backend(backend, backend.ipv4(), 1));
        }
        return new LbConfig.Service(vip, LbConfig.VIP_PORT, mode, List.copyOf(list));
    }

}
