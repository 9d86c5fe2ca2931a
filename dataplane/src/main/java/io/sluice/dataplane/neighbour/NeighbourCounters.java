package io.sluice.dataplane.neighbour;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The values of the {@link NeighbourCounter}s as the control thread keeps them, and their copies in
 * the stats file that other processes read. Single writer: the control thread.
 */
public final class NeighbourCounters
{
    private final long[] values = new long[NeighbourCounter.count()];
    private final AtomicCounter[] published;

    /**
     * @param manager where to publish, or null to keep the values only here.
     * @param typeId  the counters' type id (the stats file's {@code NEIGHBOUR_COUNTER_TYPE}).
     */
    public NeighbourCounters(final CountersManager manager, final int typeId)
    {
        if (manager == null)
        {
            published = null;
            return;
        }
        published = new AtomicCounter[values.length];
        for (int i = 0; i < values.length; i++)
        {
            final int ordinal = i;
            published[i] = manager.newCounter("neighbours " + NeighbourCounter.of(i).label(), typeId, key ->
            {
                key.putInt(0, -1);
                key.putInt(4, ordinal);
            });
        }
    }

    /** @return a value as the control thread sees it. */
    public long get(final NeighbourCounter counter)
    {
        return values[counter.ordinal()];
    }

    void set(final NeighbourCounter counter, final long value)
    {
        values[counter.ordinal()] = value;
    }

    void increment(final NeighbourCounter counter)
    {
        values[counter.ordinal()]++;
    }

    /** Copies every value to its published counter with release semantics; no-op when unpublished. */
    void publish()
    {
        if (published != null)
        {
            for (int i = 0; i < values.length; i++)
            {
                published[i].setRelease(values[i]);
            }
        }
    }

    /** Frees the published counters. */
    public void close()
    {
        if (published != null)
        {
            for (final AtomicCounter counter : published)
            {
                counter.close();
            }
        }
    }
}
