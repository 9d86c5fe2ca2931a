package io.sluice.controlplane.vrrp;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two (or more) LBs on a {@link SimulatedLan}: elections, failures and preemption at the exact
 * nanosecond RFC 5798 gives. With 1 s adverts, Master_Down_Interval is 3 s + (256 − priority) / 256 s:
 * 3.21875 s at priority 200, 3.609375 s at priority 100, and Skew_Time 0.609375 s at priority 100.
 */
class VrrpElectionTest
{
    private static final long S = 1_000_000_000L;
    private static final long MDI_200 = 3_218_750_000L;
    private static final long MDI_100 = 3_609_375_000L;
    private static final long SKEW_100 = 609_375_000L;
    private static final IpAddress A = IpAddress.parse("10.0.0.1");
    private static final IpAddress B = IpAddress.parse("10.0.0.2");
    private static final List<IpAddress> VIPS = List.of(IpAddress.parse("192.0.2.10"));

    private final SimulatedLan lan = new SimulatedLan();

    @Test
    void shouldElectHigherPriorityWhenBothStartTogether()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 200));
        final SimulatedLan.Node b = lan.add("b", router(B, 100));
        lan.start(a);
        lan.start(b);

        lan.runUntil(20 * S);

        assertEquals(List.of("0 a BACKUP", MDI_200 + " a MASTER"), lan.transitions(a));
        assertEquals(List.of("0 b BACKUP"), lan.transitions(b));
        assertEquals(1, a.counters.announcementsSent());
        assertTrue(b.counters.acceptedWithPseudoHeader() >= 17);
    }

    @Test
    void shouldElectHigherAddressWhenPrioritiesTie()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 100));
        final SimulatedLan.Node b = lan.add("b", router(B, 100));
        lan.start(a);
        lan.start(b);

        lan.runUntil(20 * S);

        assertEquals(List.of("0 a BACKUP", MDI_100 + " a MASTER", MDI_100 + " a BACKUP"), lan.transitions(a));
        assertEquals(List.of("0 b BACKUP", MDI_100 + " b MASTER"), lan.transitions(b));
    }

    @Test
    void shouldTakeOverMasterDownIntervalAfterLastAdvertWhenMasterFallsSilent()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 200));
        final SimulatedLan.Node b = lan.add("b", router(B, 100));
        lan.start(a);
        lan.start(b);
        lan.runUntil(10_050_000_000L);
        lan.crash(a);

        lan.runUntil(20 * S);

        final long lastAdvert = MDI_200 + 6 * S;
        assertEquals(List.of("0 b BACKUP", (lastAdvert + MDI_100) + " b MASTER"), lan.transitions(b));
    }

    @Test
    void shouldTakeOverAfterSkewTimeWhenMasterSendsPriorityZero()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 200));
        final SimulatedLan.Node b = lan.add("b", router(B, 100));
        lan.start(a);
        lan.start(b);
        lan.runUntil(10_050_000_000L);
        lan.shutdown(a);

        lan.runUntil(20 * S);

        assertEquals(List.of("0 a BACKUP", MDI_200 + " a MASTER", "10050000000 a INITIALIZE"), lan.transitions(a));
        assertEquals(List.of("0 b BACKUP", (10_050_000_000L + SKEW_100) + " b MASTER"), lan.transitions(b));
    }

    @Test
    void shouldPreemptLowerMasterWhenPreemptIsOn()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 100));
        final SimulatedLan.Node b = lan.add("b", router(B, 200));
        lan.start(a);
        lan.runUntil(5 * S);
        lan.start(b);

        lan.runUntil(30 * S);

        assertEquals(List.of("0 a BACKUP", MDI_100 + " a MASTER", (5 * S + MDI_200) + " a BACKUP"), lan.transitions(a));
        assertEquals(List.of("5000000000 b BACKUP", (5 * S + MDI_200) + " b MASTER"), lan.transitions(b));
    }

    @Test
    void shouldStayBackupBehindLowerMasterWhenPreemptIsOff()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 100));
        final SimulatedLan.Node b = lan.add("b", router(B, 200).withPreempt(false, 0));
        lan.start(a);
        lan.runUntil(5 * S);
        lan.start(b);

        lan.runUntil(30 * S);

        assertEquals(List.of("0 a BACKUP", MDI_100 + " a MASTER"), lan.transitions(a));
        assertEquals(List.of("5000000000 b BACKUP"), lan.transitions(b));
    }

    @Test
    void shouldPreemptOnlyAfterTheDelayWhenPreemptDelayIsSet()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 100));
        final SimulatedLan.Node b = lan.add("b", router(B, 200).withPreempt(true, 2 * S));
        lan.start(a);
        lan.runUntil(5 * S);
        lan.start(b);

        lan.runUntil(30 * S);

        final long wouldHavePreempted = 5 * S + MDI_200;
        assertEquals(List.of("5000000000 b BACKUP", (wouldHavePreempted + 2 * S) + " b MASTER"), lan.transitions(b));
        assertEquals(List.of("0 a BACKUP", MDI_100 + " a MASTER", (wouldHavePreempted + 2 * S) + " a BACKUP"),
            lan.transitions(a));
    }

    @Test
    void shouldTakeOverAtMasterDownWhenLowerMasterDiesDuringPreemptDelay()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 100));
        final SimulatedLan.Node b = lan.add("b", router(B, 200).withPreempt(true, 10 * S));
        lan.start(a);
        lan.runUntil(5 * S);
        lan.start(b);
        lan.runUntil(9 * S);
        lan.crash(a);

        lan.runUntil(30 * S);

        final long lastAdvertOfA = MDI_100 + 5 * S;
        assertEquals(List.of("5000000000 b BACKUP", (lastAdvertOfA + MDI_200) + " b MASTER"), lan.transitions(b));
    }

    @Test
    void shouldBecomeMasterAtOnceWhenOwnerStarts()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 100));
        final SimulatedLan.Node b = lan.add("b", router(B, 255));
        lan.start(a);
        lan.runUntil(5 * S);
        lan.start(b);

        lan.runUntil(30 * S);

        assertEquals(List.of("5000000000 b MASTER"), lan.transitions(b));
        assertEquals(List.of("0 a BACKUP", MDI_100 + " a MASTER", "5000000000 a BACKUP"), lan.transitions(a));
    }

    @Test
    void shouldTimeMasterDownFromMastersIntervalWhenIntervalsDiffer()
    {
        final SimulatedLan.Node a = lan.add("a", VrrpConfig.of("v", 51, 200, 20, A, VIPS));
        final SimulatedLan.Node b = lan.add("b", router(B, 100));
        lan.start(a);
        lan.start(b);
        lan.runUntil(5 * S);
        lan.crash(a);

        lan.runUntil(10 * S);

        final long aMaster = 643_750_000L;
        final long lastAdvert = aMaster + 21 * 200_000_000L;
        assertEquals(List.of("0 a BACKUP", aMaster + " a MASTER"), lan.transitions(a));
        assertEquals(List.of("0 b BACKUP", (lastAdvert + 721_875_000L) + " b MASTER"), lan.transitions(b));
        assertEquals(20, b.router().masterAdverIntervalCs());
    }

    @Test
    void shouldElectAndFailOverWhenAdvertsGoToUnicastPeers()
    {
        final SimulatedLan.Node a = lan.add("a", router(A, 200).withUnicastPeers(List.of(B)));
        final SimulatedLan.Node b = lan.add("b", router(B, 100).withUnicastPeers(List.of(A)));
        final SimulatedLan.Node bystander = lan.add("c",
            router(IpAddress.parse("10.0.0.3"), 50).withUnicastPeers(List.of(IpAddress.parse("10.0.0.9"))));
        lan.start(a);
        lan.start(b);
        lan.start(bystander);
        lan.runUntil(10_050_000_000L);
        lan.crash(a);

        lan.runUntil(20 * S);

        assertEquals(List.of("0 b BACKUP", (MDI_200 + 6 * S + MDI_100) + " b MASTER"), lan.transitions(b));
        assertTrue(b.counters.acceptedWithPseudoHeader() > 0);
        assertEquals(0, bystander.counters.acceptedWithPseudoHeader());
        assertTrue(bystander.counters.unresolvedPeers() > 0);
        assertEquals(0, bystander.counters.advertsSent());
    }

    @Test
    void shouldFailOverWhenRoutersAreIpv6()
    {
        final List<IpAddress> vips = List.of(IpAddress.parse("fe80::5efe:51"), IpAddress.parse("2001:db8::10"));
        final SimulatedLan.Node a = lan.add("a", VrrpConfig.of("v6", 51, 200, 100, IpAddress.parse("fe80::1"), vips));
        final SimulatedLan.Node b = lan.add("b", VrrpConfig.of("v6", 51, 100, 100, IpAddress.parse("fe80::2"), vips));
        lan.start(a);
        lan.start(b);
        lan.runUntil(10_050_000_000L);
        lan.crash(a);

        lan.runUntil(20 * S);

        assertEquals(List.of("0 a BACKUP", MDI_200 + " a MASTER"), lan.transitions(a));
        assertEquals(List.of("0 b BACKUP", (MDI_200 + 6 * S + MDI_100) + " b MASTER"), lan.transitions(b));
        assertEquals(2, a.counters.announcementsSent());
        assertTrue(b.counters.acceptedWithPseudoHeader() >= 7);
    }

    private static VrrpConfig router(final IpAddress primary, final int priority)
    {
        return VrrpConfig.of("v", 51, priority, 100, primary, VIPS);
    }
}
