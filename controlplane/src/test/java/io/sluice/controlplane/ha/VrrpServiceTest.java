package io.sluice.controlplane.ha;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.controlplane.config.VrrpSection;
import io.sluice.controlplane.model.ControlEvent;
import io.sluice.controlplane.model.EventBus;
import io.sluice.controlplane.model.EventSubscription;
import io.sluice.controlplane.model.HaState;
import io.sluice.controlplane.vrrp.VrrpConfig;
import io.sluice.controlplane.vrrp.VrrpDiscard;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.controlplane.vrrp.VrrpTransmitter;
import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two VRRP services on their own threads, each one's frames punted into the other's relay as two
 * dataplanes on one LAN would: the election, the dataplane switch on each transition, and the
 * hand-over when a master stops (priority 0) or dies (master-down interval).
 */
class VrrpServiceTest
{
    private static final IpAddress VIP = IpAddress.parse("192.0.2.10");
    private static final IpAddress NEXT_HOP = IpAddress.parse("203.0.113.100");
    private static final int INTERVAL_CS = 5;

    private final VrrpService.PuntRelay relayA = new VrrpService.PuntRelay();
    private final VrrpService.PuntRelay relayB = new VrrpService.PuntRelay();
    private final List<Set<IpAddress>> switchesA = new CopyOnWriteArrayList<>();
    private final List<Set<IpAddress>> switchesB = new CopyOnWriteArrayList<>();
    private final EventBus eventsA = new EventBus(Clock.systemUTC());
    private final EventBus eventsB = new EventBus(Clock.systemUTC());
    private volatile boolean linkUp = true;
    private VrrpService a;
    private VrrpService b;

    @AfterEach
    void tearDown()
    {
        if (a != null)
        {
            a.close();
        }
        if (b != null)
        {
            b.close();
        }
    }

    private static VrrpSection section(final String primary, final int priority)
    {
        return new VrrpSection(null, List.of(VrrpConfig.of("v4", 51, priority, INTERVAL_CS, IpAddress.parse(primary),
            List.of(VIP, NEXT_HOP))));
    }

    /** A first, B once A is master: B hears A from its start (a start-up race is not what these tests are about). */
    private void startBoth()
    {
        a = start("203.0.113.2", 200, relayA, relayB, switchesA, eventsA);
        await("A is master", () -> state(a) == VrrpState.MASTER);
        b = start("203.0.113.4", 100, relayB, relayA, switchesB, eventsB);
        await("B is backup", () -> state(b) == VrrpState.BACKUP);
    }

    private VrrpService start(
        final String primary, final int priority, final VrrpService.PuntRelay own, final VrrpService.PuntRelay peer,
        final List<Set<IpAddress>> switches, final EventBus events)
    {
        final VrrpService.FrameOut out = (MemorySegment segment, long offset, int length) ->
        {
            final boolean vrrp = segment.get(ValueLayout.JAVA_BYTE, offset + 12) == 0x08 &&
                segment.get(ValueLayout.JAVA_BYTE, offset + 13) == 0 && segment.get(ValueLayout.JAVA_BYTE, offset + 23) == 112;
            if (linkUp && vrrp)
            {
                peer.onFrame(segment, offset, length);
            }
            return true;
        };
        return VrrpService.start(section(primary, priority), own, out, address -> VrrpTransmitter.MacResolver.UNKNOWN,
            (active, summary) -> switches.add(active), events, Clock.systemUTC());
    }

    private static void await(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting until " + what);
            }
            // Parks rather than spins: a spinning test thread takes one of two cores from the VRRP threads it times.
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static VrrpState state(final VrrpService service)
    {
        return service.routers().getFirst().state();
    }

    @Test
    void shouldSwitchOnlyTheMastersDataplaneWhenAHigherPriorityRuns()
    {
        startBoth();
        await("B has heard A", () -> b.counters().acceptedWithPseudoHeader() > 3);

        assertEquals(List.of(Set.of(VIP, NEXT_HOP)), switchesA, "A's dataplane answers and forwards both addresses");
        assertTrue(switchesB.isEmpty(), "B's dataplane stays standby: " + switchesB);
        assertEquals(0, b.counters().discards(VrrpDiscard.NOT_VRRP));
    }

    @Test
    void shouldPublishEachTransitionAndEachRoleChangeWhenElectedThenStopped()
    {
        final EventSubscription watch = eventsA.subscribe(64);
        startBoth();
        a.close();
        a = null;

        final List<ControlEvent.Detail> details = new ArrayList<>();
        for (EventSubscription.Delivery delivery = watch.poll(); delivery != null; delivery = watch.poll())
        {
            details.add(delivery.event().detail());
        }
        assertEquals(List.of(
            new ControlEvent.VrrpChanged("v4", 51, false, VrrpState.INITIALIZE, VrrpState.BACKUP, HaState.Role.INITIALIZE,
                HaState.Role.BACKUP),
            new ControlEvent.HaChanged(HaState.Role.INITIALIZE, HaState.Role.BACKUP),
            new ControlEvent.VrrpChanged("v4", 51, false, VrrpState.BACKUP, VrrpState.MASTER, HaState.Role.BACKUP,
                HaState.Role.MASTER),
            new ControlEvent.HaChanged(HaState.Role.BACKUP, HaState.Role.MASTER),
            new ControlEvent.VrrpChanged("v4", 51, false, VrrpState.MASTER, VrrpState.INITIALIZE, HaState.Role.MASTER,
                HaState.Role.INITIALIZE),
            new ControlEvent.HaChanged(HaState.Role.MASTER, HaState.Role.INITIALIZE)), details);
    }

    @Test
    void shouldHandOverAtOnceWhenTheMasterStops()
    {
        startBoth();

        final long stopNs = System.nanoTime();
        a.close();
        a = null;
        await("B is master", () -> state(b) == VrrpState.MASTER);
        final long takeoverNs = System.nanoTime() - stopNs;

        assertEquals(List.of(Set.of(VIP, NEXT_HOP)), switchesB);
        assertTrue(takeoverNs < TimeUnit.MILLISECONDS.toNanos(INTERVAL_CS * 10L * 3),
            "priority 0 makes the backup take over after its skew time, not the master-down interval: " +
            TimeUnit.NANOSECONDS.toMillis(takeoverNs) + " ms");
    }

    @Test
    void shouldTakeOverAfterTheMasterDownIntervalWhenTheMasterFallsSilent()
    {
        startBoth();

        final long silentNs = System.nanoTime();
        linkUp = false;
        await("B is master", () -> state(b) == VrrpState.MASTER);
        final long takeoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentNs);

        final long masterDownMs = 3 * INTERVAL_CS * 10L + (256 - 100) * INTERVAL_CS * 10L / 256;
        assertTrue(takeoverMs >= masterDownMs - INTERVAL_CS * 10L && takeoverMs < masterDownMs + 150,
            "takeover after about the master-down interval (" + masterDownMs + " ms): " + takeoverMs + " ms");
        assertEquals(List.of(Set.of(VIP, NEXT_HOP)), switchesB);
    }
}
