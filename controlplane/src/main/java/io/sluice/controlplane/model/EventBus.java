package io.sluice.controlplane.model;

import java.time.Clock;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The control plane's events, published to every subscriber without ever waiting for one: each
 * subscriber has a bounded queue of its own that drops its oldest event when full (and counts
 * it), so a slow watcher loses events rather than slowing the model that publishes them.
 */
public final class EventBus
{
    /** Events a subscriber's queue holds unless it asks otherwise. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final CopyOnWriteArrayList<EventSubscription> subscribers = new CopyOnWriteArrayList<>();

    /**
     * @param clock the clock that stamps events.
     */
    public EventBus(final Clock clock)
    {
        this.clock = clock;
    }

    /**
     * Publishes an event to every subscriber. Never blocks.
     *
     * @param detail what happened.
     * @return the event, with its sequence number and time.
     */
    public ControlEvent publish(final ControlEvent.Detail detail)
    {
        final ControlEvent event;
        synchronized (sequence)
        {
            event = new ControlEvent(sequence.incrementAndGet(), clock.instant(), detail);
            for (final EventSubscription subscriber : subscribers)
            {
                subscriber.offer(event);
            }
        }
        return event;
    }

    /**
     * Subscribes to the events published from now on.
     *
     * @param capacity how many undelivered events the subscription holds before it drops the oldest, at least 1.
     * @return the subscription; close it to unsubscribe.
     */
    public EventSubscription subscribe(final int capacity)
    {
        final EventSubscription subscription = new EventSubscription(capacity, subscribers::remove);
        subscribers.add(subscription);
        return subscription;
    }

    /**
     * The number of events published so far.
     *
     * @return the sequence number of the last event, 0 before the first.
     */
    public long published()
    {
        return sequence.get();
    }

    /**
     * The number of open subscriptions.
     *
     * @return how many subscribers events go to.
     */
    public int subscribers()
    {
        return subscribers.size();
    }
}
