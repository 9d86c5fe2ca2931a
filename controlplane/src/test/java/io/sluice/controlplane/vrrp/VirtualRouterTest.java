package io.sluice.controlplane.vrrp;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One machine driven by hand with a moved clock, its requests recorded.
 */
class VirtualRouterTest
{
    private static final long S = 1_000_000_000L;
    private static final IpAddress PRIMARY = IpAddress.parse("10.0.0.5");
    private static final List<IpAddress> VIPS = List.of(IpAddress.parse("192.0.2.10"), IpAddress.parse("192.0.2.11"));

    private long nowNs;
    private final RecordingActions actions = new RecordingActions(() -> nowNs);
    private final Advertisement advert = new Advertisement();

    @Test
    void shouldAdvertiseAndAnnounceEveryAddressWhenOwnerStarts()
    {
        final VirtualRouter router = new VirtualRouter(VrrpConfig.of("r", 9, 255, 100, PRIMARY, VIPS), actions);

        router.start(nowNs);

        assertEquals(List.of("0 r INITIALIZE -> MASTER", "0 r advert 255", "0 r announce 192.0.2.10",
            "0 r announce 192.0.2.11"), actions.drain());
        assertEquals(S, router.nextDeadlineNs());
    }

    @Test
    void shouldComputeSkewAndMasterDownFromPriorityWhenBackupStarts()
    {
        final VirtualRouter router = new VirtualRouter(VrrpConfig.of("r", 9, 100, 100, PRIMARY, VIPS), actions);
        nowNs = 7;

        router.start(nowNs);

        assertEquals(List.of("7 r INITIALIZE -> BACKUP"), actions.drain());
        assertEquals(609_375_000L, router.skewTimeNs());
        assertEquals(3_609_375_000L, router.masterDownIntervalNs());
        assertEquals(7 + 3_609_375_000L, router.nextDeadlineNs());
    }

    @Test
    void shouldAdvertiseEveryIntervalWhenMaster()
    {
        final VirtualRouter router = master(100);

        nowNs = S - 1;
        assertEquals(0, router.onTimer(nowNs));
        nowNs = S;
        assertEquals(1, router.onTimer(nowNs));

        assertEquals(List.of(S + " r advert 100"), actions.drain());
        assertEquals(2 * S, router.nextDeadlineNs());
    }

    @Test
    void shouldAnswerAtOnceAndAdoptNothingWhenMasterHearsLowerPriority()
    {
        final VirtualRouter router = master(100);
        nowNs = 300_000_000L;

        router.onAdvertisement(nowNs, from("10.0.0.9", 99, 4095));

        assertEquals(List.of("300000000 r advert 100"), actions.drain());
        assertEquals(VrrpState.MASTER, router.state());
        assertEquals(100, router.masterAdverIntervalCs());
        assertEquals(nowNs + S, router.nextDeadlineNs());
    }

    @Test
    void shouldAnswerAtMostOnceAnIntervalWhenMasterIsFloodedWithLowerPriority()
    {
        final VirtualRouter router = master(100);
        nowNs = 300_000_000L;
        for (int i = 0; i < 1000; i++)
        {
            router.onAdvertisement(nowNs + i * 1_000_000L, from("10.0.0.9", 99, 100));
        }

        final List<String> lines = actions.drain();
        assertEquals("300000000 r advert 100", lines.getFirst());
        assertEquals(1, lines.stream().filter(line -> line.endsWith("advert 100")).count(), "one reply in the first interval");
        assertEquals(999, lines.stream().filter(line -> line.endsWith("reply suppressed")).count());
        assertEquals(300_000_000L + S, router.nextDeadlineNs(), "the periodic advert keeps its time");

        nowNs = 300_000_000L + S;
        router.onAdvertisement(nowNs, from("10.0.0.9", 99, 100));
        assertEquals(List.of(nowNs + " r advert 100"), actions.drain(), "one interval after the last reply, it answers again");
        assertEquals(VrrpState.MASTER, router.state());
    }

    @Test
    void shouldStayMasterWhenEqualPriorityComesFromLowerAddress()
    {
        final VirtualRouter router = master(100);

        router.onAdvertisement(nowNs, from("10.0.0.4", 100, 100));

        assertEquals(List.of("0 r advert 100"), actions.drain());
        assertEquals(VrrpState.MASTER, router.state());
    }

    @Test
    void shouldGoBackupWhenEqualPriorityComesFromHigherAddressComparedUnsigned()
    {
        final VirtualRouter router = master(100);
        nowNs = 5;

        router.onAdvertisement(nowNs, from("200.0.0.1", 100, 50));

        assertEquals(List.of("5 r MASTER -> BACKUP"), actions.drain());
        assertEquals(50, router.masterAdverIntervalCs());
        assertEquals(5 + 3 * 500_000_000L + 156 * 500_000_000L / 256, router.nextDeadlineNs());
    }

    @Test
    void shouldAnswerWithAdvertWhenMasterHearsPriorityZero()
    {
        final VirtualRouter router = master(100);
        nowNs = 42;

        router.onAdvertisement(nowNs, from("10.0.0.9", 0, 100));

        assertEquals(List.of("42 r advert 100"), actions.drain());
        assertEquals(42 + S, router.nextDeadlineNs());
    }

    @Test
    void shouldKeepMasterDownTimerWhenPreemptingBackupHearsLowerPriority()
    {
        final VirtualRouter router = backup(100);
        final long deadline = router.nextDeadlineNs();
        nowNs = S;

        router.onAdvertisement(nowNs, from("10.0.0.9", 99, 100));

        assertEquals(deadline, router.nextDeadlineNs());
        assertEquals(List.of(), actions.drain());
    }

    @Test
    void shouldHoldPreemptionWhileNotReadyAndTakeOverOnceReadyOrOnceTheMasterFallsSilent()
    {
        final VirtualRouter router = backup(100);
        actions.ready = false;
        final long interval = S;
        final long down = 3 * S + 156 * S / 256;

        for (nowNs = S; nowNs <= 3 * S; nowNs += S)
        {
            router.onAdvertisement(nowNs, from("10.0.0.9", 99, 100));
            router.onTimer(nowNs);
        }
        assertEquals(VrrpState.BACKUP, router.state(), "a live lower master is not preempted before Master_Down_Interval");
        nowNs = down;
        assertEquals(1, router.onTimer(down), "the Master_Down_Timer fires");
        assertEquals(VrrpState.BACKUP, router.state());
        assertEquals(List.of(down + " r ready? false"), actions.drain().stream().filter(line -> line.startsWith(down + " ")).toList(),
            "it asked, and holds");
        assertEquals(down + interval, router.nextDeadlineNs(), "it asks again an Advertisement_Interval later");

        nowNs = 5 * S;
        router.onAdvertisement(nowNs, from("10.0.0.9", 99, 100));
        actions.ready = true;
        router.onTimer(nowNs);
        assertEquals(VrrpState.MASTER, router.state(), "ready now: it preempts");
        assertEquals("5000000000 r ready? true", actions.drain().getFirst());

        final VirtualRouter silent = backup(100);
        actions.ready = false;
        nowNs = 10 * S;
        silent.onAdvertisement(nowNs, from("10.0.0.9", 99, 100));
        silent.onTimer(nowNs + down);
        assertEquals(VrrpState.MASTER, silent.state(), "a master silent for Master_Down_Interval is replaced, ready or not");
        assertFalse(actions.drain().stream().anyMatch(line -> line.contains("ready?")), "not even asked");
    }

    @Test
    void shouldResetMasterDownTimerWhenNonPreemptingBackupHearsLowerPriority()
    {
        final VirtualRouter router = new VirtualRouter(
            VrrpConfig.of("r", 9, 100, 100, PRIMARY, VIPS).withPreempt(false, 0), actions);
        router.start(nowNs);
        nowNs = S;

        router.onAdvertisement(nowNs, from("10.0.0.9", 99, 100));

        assertEquals(S + 3_609_375_000L, router.nextDeadlineNs());
    }

    @Test
    void shouldSendPriorityZeroAndStopWhenMasterShutsDown()
    {
        final VirtualRouter router = master(100);
        nowNs = 3;

        router.shutdown(nowNs);

        assertEquals(List.of("3 r advert 0", "3 r MASTER -> INITIALIZE"), actions.drain());
        assertEquals(VirtualRouter.NO_DEADLINE, router.nextDeadlineNs());
        router.onAdvertisement(nowNs, from("10.0.0.9", 200, 100));
        assertEquals(0, router.onTimer(Long.MAX_VALUE - 1));
        assertEquals(List.of(), actions.drain());
    }

    @Test
    void shouldFireTimersWhenClockIsNegative()
    {
        nowNs = -10 * S;
        final VirtualRouter router = backup(100);

        nowNs = -10 * S + 3_609_375_000L;
        assertEquals(1, router.onTimer(nowNs));

        assertEquals(VrrpState.MASTER, router.state());
    }

    @Test
    void shouldRefuseConfigurationWhenItHasProblems()
    {
        final VrrpConfig bad = VrrpConfig.of("r", 0, 100, 5000, PRIMARY, VIPS);

        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> new VirtualRouter(bad, actions));

        assertEquals("virtual router r (VRID 0, IPv4): vrid 0 is not valid: an integer 1..255\n" +
            "virtual router r (VRID 0, IPv4): advertInterval 5000 is not valid: an integer 1..4095 centiseconds",
            error.getMessage());
    }

    /** A master since time 0: started as backup one Master_Down_Interval earlier. */
    private VirtualRouter master(final int priority)
    {
        nowNs = -(3 * S + (256 - priority) * S / 256);
        final VirtualRouter router = backup(priority);
        nowNs = 0;
        router.onTimer(nowNs);
        assertEquals(VrrpState.MASTER, router.state());
        actions.drain();
        return router;
    }

    private VirtualRouter backup(final int priority)
    {
        final VirtualRouter router = new VirtualRouter(VrrpConfig.of("r", 9, priority, 100, PRIMARY, VIPS), actions);
        router.start(nowNs);
        actions.drain();
        return router;
    }

    private Advertisement from(final String source, final int priority, final int intervalCs)
    {
        return advert.set(VrrpFamily.IPV4, 9, priority, intervalCs, 2, IpAddress.parse(source), 0x0200_0000_0001L, true);
    }
}
