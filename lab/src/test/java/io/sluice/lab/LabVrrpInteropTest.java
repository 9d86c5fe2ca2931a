package io.sluice.lab;

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
import io.sluice.controlplane.api.v1.GetHaStateRequest;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.VrrpRouterState;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.lab.LabTopology.BACKENDS;
import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.LB2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sluice's VRRP against keepalived (VRRPv3, the reference implementation) on the lab's LAN: the real
 * daemon in sl-lb on its DPDK port, keepalived on sl-lb2's kernel interface, one virtual router (VRID
 * 51, adverts every 100 ms) for the address the router sends a DSR VIP to. Each side is master in
 * turn: a backup stays backup while the master advertises, takes over when the master dies (SIGKILL:
 * after the master-down interval) or stops (SIGTERM: keepalived's priority-0 advert, at once), and a
 * returning master of higher priority preempts. The same over IPv6 (VRID 52, adverts to ff02::12 from
 * link-local sources), Sluice's state read through its API.
 */
@Tag("lab")
@Tag("dpdk")
@ExtendWith(SharedLab.class)
class LabVrrpInteropTest
{
    private static final String VIP = "192.0.2.10";
    private static final String VIP_PREFIX = "192.0.2.8/29";
    private static final String VIRTUAL_ADDRESS = "203.0.113.100";
    private static final int VRID = 51;
    private static final int VRID6 = 52;
    private static final String VIRTUAL_ADDRESS6 = "2001:db8:113::100";
    /** Sluice's IPv6 adverts come from a link-local address (RFC 5798 §5.1.2.1); the DPDK port has no kernel one. */
    private static final String SLUICE_LINK_LOCAL = "fe80::2";
    private static final Duration ADVERT_INTERVAL = Duration.ofMillis(100);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STEADY = Duration.ofSeconds(1);

    private final LabScript lab = LabScript.locate();
    private final LabDaemons daemons = new LabDaemons(lab, "LabVrrpInteropTest");
    private final List<Keepalived> keepaliveds = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception
    {
        try
        {
            for (final Keepalived keepalived : keepaliveds)
            {
                keepalived.close();
            }
            daemons.stopAll();
        }
        finally
        {
            lab.viaOff(VIP_PREFIX);
        }
    }

    @Test
    void shouldHandOverToKeepalivedAndPreemptItAgainWhenSluiceIsTheHigherPriority() throws Exception
    {
        lab.via(VIP_PREFIX, VIRTUAL_ADDRESS);
        final LabDaemon sluice = startSluice(200, "first");
        LabDaemons.awaitAnswer(VIP, sluice);
        final Keepalived keepalived = startKeepalived("ka-backup", 100);

        assertTrue(keepalived.awaitState("V4", "BACKUP", STATE_TIMEOUT), keepalived.transitions() + "\n" + keepalived.log());
        Thread.sleep(STEADY.toMillis());
        assertEquals("BACKUP", keepalived.state("V4"), "keepalived stays backup while Sluice advertises: " +
            keepalived.transitions());

        final long killNs = System.nanoTime();
        sluice.kill9();
        assertTrue(keepalived.awaitState("V4", "MASTER", STATE_TIMEOUT), keepalived.transitions() + "\n" + keepalived.log());
        final long takeoverMs = (System.nanoTime() - killNs) / 1_000_000;

        final LabDaemon again = startSluice(200, "again");
        LabDaemons.awaitAnswer(VIP, again);
        assertTrue(keepalived.awaitState("V4", "BACKUP", STATE_TIMEOUT), "Sluice (200) preempts keepalived (100): " +
            keepalived.transitions());
        System.out.println("LabVrrpInteropTest: Sluice master (200), keepalived backup (100); Sluice SIGKILLed: keepalived master " +
            "after " + takeoverMs + " ms (master-down interval " + masterDownMs(100) + " ms); Sluice restarted: preempted, " +
            "forwarding, keepalived " + keepalived.state("V4") + "; keepalived's transitions " + keepalived.transitions());
        // The time from the kill includes the JVM's exit (which kill9 waits for), keepalived's notify fork and
        // the state file's poll: a second above the master-down interval leaves room for a loaded 2-core host
        // and still fails a keepalived that waited for several advert intervals more.
        assertTrue(takeoverMs < masterDownMs(100) + 1_000, "keepalived takes over after its master-down interval (" +
            masterDownMs(100) + " ms): " + takeoverMs + " ms");
    }

    @Test
    void shouldStayBackupBehindKeepalivedAndTakeOverAtOnceWhenItStops() throws Exception
    {
        lab.via(VIP_PREFIX, VIRTUAL_ADDRESS);
        final Keepalived keepalived = startKeepalived("ka-master", 200);
        assertTrue(keepalived.awaitState("V4", "MASTER", STATE_TIMEOUT), keepalived.transitions() + "\n" + keepalived.log());
        final LabDaemon sluice = startSluice(100, "backup");

        Thread.sleep(2 * STEADY.toMillis());
        assertEquals("MASTER", keepalived.state("V4"), "Sluice (100) does not preempt keepalived (200): " + keepalived.transitions());
        assertEquals(0, sluice.stats().total(WorkerCounter.FORWARDED), "the backup forwards nothing");

        final long stopNs = System.nanoTime();
        keepalived.stop();
        LabDaemons.awaitAnswer(VIP, sluice);
        final long takeoverMs = (System.nanoTime() - stopNs) / 1_000_000;
        final LbStats stats = sluice.stats();
        System.out.println("LabVrrpInteropTest: keepalived master (200), Sluice backup (100) forwarding nothing; keepalived " +
            "stopped (priority-0 advert): Sluice master and answering through " + VIP + " after " + takeoverMs + " ms; Sluice " +
            "dropped " + stats.drops()[DropReason.STANDBY.ordinal()] + " frames as standby meanwhile");
        assertTrue(stats.total(WorkerCounter.FORWARDED) > 0);
    }

    private static long masterDownMs(final int priority)
    {
        return 3 * ADVERT_INTERVAL.toMillis() + (256 - priority) * ADVERT_INTERVAL.toMillis() / 256;
    }

    private Keepalived startKeepalived(final String name, final int priority)
    {
        final Keepalived keepalived = Keepalived.start(lab.runDirectory(), Keepalived.Config.of(name, LB2.namespace(),
            LB2.mgmtInterface(), Keepalived.Instance.multicast("V4", VRID, VIRTUAL_ADDRESS + "/32"))
            .withPriority(priority).withAdvertInterval((int)(ADVERT_INTERVAL.toMillis() / 10)));
        keepaliveds.add(keepalived);
        return keepalived;
    }

    @Test
    void shouldInteroperateOverIpv6BothWays() throws Exception
    {
        final Keepalived master = startKeepalived6("ka6-master", 200);
        assertTrue(master.awaitState("V6", "MASTER", STATE_TIMEOUT), master.transitions() + "\n" + master.log());
        final LabDaemon sluice = startSluice("v6-backup", new LbConfig.VrrpRouter("v6", VRID6, 100, ADVERT_INTERVAL, true,
            Duration.ZERO, List.of(VIRTUAL_ADDRESS6), List.of(), SLUICE_LINK_LOCAL));

        final Poll.Outcome<VrrpRouterState> apiUp = Poll.until(ANSWER_TIMEOUT, this::routerState, state -> true);
        assertTrue(apiUp.met(), "Sluice's API answers: " + apiUp.describe() + "\n" + sluice.logTail());
        Thread.sleep(2 * STEADY.toMillis());
        assertEquals("MASTER", master.state("V6"), "Sluice (100) does not preempt keepalived (200): " + master.transitions());
        assertEquals(VrrpRouterState.VRRP_ROUTER_STATE_BACKUP, routerState(), "Sluice hears keepalived's IPv6 adverts");

        final long stopNs = System.nanoTime();
        master.stop();
        final Poll.Outcome<VrrpRouterState> promoted = Poll.until(STATE_TIMEOUT, this::routerState,
            state -> state == VrrpRouterState.VRRP_ROUTER_STATE_MASTER);
        assertTrue(promoted.met(), "Sluice becomes master when keepalived stops: " + promoted.describe() + "\n" + sluice.logTail());
        final long takeoverMs = (System.nanoTime() - stopNs) / 1_000_000;

        final Keepalived backup = startKeepalived6("ka6-backup", 50);
        assertTrue(backup.awaitState("V6", "BACKUP", STATE_TIMEOUT), backup.transitions() + "\n" + backup.log());
        Thread.sleep(STEADY.toMillis());
        assertEquals("BACKUP", backup.state("V6"), "keepalived (50) hears Sluice's IPv6 adverts and stays backup: " +
            backup.transitions());
        assertEquals(VrrpRouterState.VRRP_ROUTER_STATE_MASTER, routerState());
        System.out.println("LabVrrpInteropTest: IPv6 (VRID " + VRID6 + ", " + VIRTUAL_ADDRESS6 + "): Sluice backup behind " +
            "keepalived (200), master " + takeoverMs + " ms after keepalived stopped; a keepalived of priority 50 stays backup " +
            "behind Sluice: " + backup.transitions());
    }

    private Keepalived startKeepalived6(final String name, final int priority)
    {
        final Keepalived keepalived = Keepalived.start(lab.runDirectory(), Keepalived.Config.of(name, LB2.namespace(),
            LB2.mgmtInterface(), Keepalived.Instance.multicast("V6", VRID6, VIRTUAL_ADDRESS6 + "/128"))
            .withPriority(priority).withAdvertInterval((int)(ADVERT_INTERVAL.toMillis() / 10)));
        keepaliveds.add(keepalived);
        return keepalived;
    }

    private VrrpRouterState routerState() throws Exception
    {
        final ManagedChannel channel = Grpc.newChannelBuilder("unix://" + daemons.socket(LB1), InsecureChannelCredentials.create()).build();
        try
        {
            return LoadBalancerGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .getHaState(GetHaStateRequest.getDefaultInstance()).getRouters(0).getState();
        }
        finally
        {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private LabDaemon startSluice(final int priority, final String run) throws Exception
    {
        return startSluice(run, new LbConfig.VrrpRouter("v4", VRID, priority, ADVERT_INTERVAL, true, Duration.ZERO,
            List.of(VIRTUAL_ADDRESS), List.of()));
    }

    private LabDaemon startSluice(final String run, final LbConfig.VrrpRouter router) throws Exception
    {
        final List<LbConfig.Backend> backends = new ArrayList<>();
        for (final LabBackend backend : BACKENDS)
        {
            backends.add(new LbConfig.Backend(backend, backend.ipv4(), 1));
        }
        final LbConfig config = LbConfig.of(new LbConfig.Service(VIP, LbConfig.VIP_PORT, "dsr", List.copyOf(backends))).on(LB1)
            .withSections(daemons.apiSection(LB1))
            .withVrrp(new LbConfig.Vrrp(null, List.of(router)));
        return daemons.start(run, config);
    }

}
