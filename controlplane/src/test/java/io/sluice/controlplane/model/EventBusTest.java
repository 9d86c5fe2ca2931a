package io.sluice.controlplane.model;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The event bus never waits for a subscriber: a full queue drops its oldest event and counts it,
 * and the next delivery says how many were lost.
 */
class EventBusTest
{
    private final EventBus bus = new EventBus(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    private static ControlEvent.GenerationApplied generation(final long generation)
    {
        return new ControlEvent.GenerationApplied(generation, "change " + generation, "api");
    }

    @Test
    void shouldDropTheOldestEventsAndCountThemWhenASubscriberFallsBehind()
    {
        final EventSubscription slow = bus.subscribe(2);
        final EventSubscription fast = bus.subscribe(16);
        for (long g = 1; g <= 5; g++)
        {
            bus.publish(generation(g));
        }

        final EventSubscription.Delivery first = slow.poll();
        assertEquals(3, first.droppedBefore(), "events 1 to 3 were dropped");
        assertEquals(generation(4), first.event().detail());
        assertEquals(4, first.event().sequence());
        assertEquals(0, slow.poll().droppedBefore());
        assertNull(slow.poll());
        assertEquals(3, slow.droppedTotal());
        assertEquals(0, fast.droppedTotal(), "another subscriber keeps everything");
        assertEquals(generation(1), fast.poll().event().detail());
    }

    @Test
    void shouldStopDeliveringWhenClosed()
    {
        final EventSubscription subscription = bus.subscribe(4);
        subscription.close();

        bus.publish(generation(1));

        assertNull(subscription.poll());
        assertEquals(0, bus.subscribers());
        assertEquals(1, bus.published());
    }
}
