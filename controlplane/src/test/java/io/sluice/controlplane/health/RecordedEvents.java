package io.sluice.controlplane.health;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A listener that records every transition, read back in order with a bounded wait.
 */
final class RecordedEvents implements HealthListener
{
    /** One transition as the listener saw it. */
    record Event(HealthTarget target, BackendHealth from, BackendHealth to, String reason, long latencyNs)
    {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    @Override
    public void onTransition(
        final HealthTarget target, final BackendHealth from, final BackendHealth to, final String reason,
        final long latencyNs)
    {
        events.add(new Event(target, from, to, reason, latencyNs));
    }

    /**
     * The next event, waiting for it a bounded time.
     */
    Event next() throws InterruptedException
    {
        final Event event = events.poll(LoopbackBackends.AWAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "no health event within " + LoopbackBackends.AWAIT_SECONDS + " s");
        return event;
    }

    /**
     * Asserts the next event, all fields but the latency.
     */
    Event expect(final HealthTarget target, final BackendHealth from, final BackendHealth to, final String reason)
        throws InterruptedException
    {
        final Event event = next();
        assertEquals(target + ": " + from + " -> " + to + " (" + reason + ")",
            event.target() + ": " + event.from() + " -> " + event.to() + " (" + event.reason() + ")");
        return event;
    }
}
