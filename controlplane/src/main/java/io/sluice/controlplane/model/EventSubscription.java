package io.sluice.controlplane.model;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One subscriber's queue of events: bounded, dropping the oldest event when full. The subscriber
 * takes {@link Delivery deliveries}, each an event and the number of events dropped just before it.
 */
public final class EventSubscription implements AutoCloseable
{
    private final int capacity;
    private final Consumer<EventSubscription> onClose;
    private final ArrayDeque<ControlEvent> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private long droppedSinceDelivery;
    private long droppedTotal;
    private boolean closed;

    /**
     * One event taken from a subscription.
     *
     * @param droppedBefore events dropped since the previous delivery (they were older than this one).
     * @param event         the event.
     */
    public record Delivery(long droppedBefore, ControlEvent event)
    {
    }

    EventSubscription(final int capacity, final Consumer<EventSubscription> onClose)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("an event queue holds at least 1 event, not " + capacity);
        }
        this.capacity = capacity;
        this.onClose = onClose;
    }

    void offer(final ControlEvent event)
    {
        lock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            if (queue.size() == capacity)
            {
                queue.pollFirst();
                droppedSinceDelivery++;
                droppedTotal++;
            }
            queue.addLast(event);
            available.signal();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Takes the oldest undelivered event, waiting up to a timeout for one.
     *
     * @param timeoutNs how long to wait.
     * @return the delivery, or null when none came in time or the subscription is closed.
     * @throws InterruptedException when the waiting thread is interrupted.
     */
    public Delivery take(final long timeoutNs) throws InterruptedException
    {
        lock.lock();
        try
        {
            long remainingNs = timeoutNs;
            while (queue.isEmpty() && !closed)
            {
                if (remainingNs <= 0)
                {
                    return null;
                }
                remainingNs = available.awaitNanos(remainingNs);
            }
            if (closed)
            {
                return null;
            }
            final Delivery delivery = new Delivery(droppedSinceDelivery, queue.pollFirst());
            droppedSinceDelivery = 0;
            return delivery;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Takes the oldest undelivered event if there is one.
     *
     * @return the delivery, or null.
     */
    public Delivery poll()
    {
        try
        {
            return take(0);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The events this subscription dropped because its queue was full.
     *
     * @return the count since it was opened.
     */
    public long droppedTotal()
    {
        lock.lock();
        try
        {
            return droppedTotal;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Whether the subscription is closed.
     *
     * @return true after {@link #close()}.
     */
    public boolean isClosed()
    {
        lock.lock();
        try
        {
            return closed;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Unsubscribes: no more events arrive, a waiting {@link #take} returns null.
     */
    @Override
    public void close()
    {
        lock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;
            queue.clear();
            available.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        onClose.accept(this);
    }

    /**
     * Takes the oldest undelivered event, waiting up to a timeout in any unit for one.
     *
     * @param timeout how long to wait.
     * @param unit    its unit.
     * @return the delivery, or null when none came in time or the subscription is closed.
     * @throws InterruptedException when interrupted.
     */
    public Delivery take(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return take(unit.toNanos(timeout));
    }
}
