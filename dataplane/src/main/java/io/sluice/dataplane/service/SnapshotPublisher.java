package io.sluice.dataplane.service;


/**
 * Hands service snapshots from the control thread to the workers. The control thread publishes a
 * complete, immutable snapshot; each worker reads the reference once at the top of its duty cycle
 * (one volatile load) and reports the generation it runs, so the control plane can tell when a
 * change is in force everywhere.
 */
public final class SnapshotPublisher
{
    private volatile ServiceSnapshot current;

    /**
     * @param initial the first snapshot.
     */
    public SnapshotPublisher(final ServiceSnapshot initial)
    {
        this.current = initial;
    }

    /**
     * Publishes a newer snapshot.
     *
     * @throws IllegalArgumentException when its generation is not above the current one.
     */
    public void publish(final ServiceSnapshot snapshot)
    {
        if (snapshot.generation() <= current.generation())
        {
            throw new IllegalArgumentException(
                "snapshot generation " + snapshot.generation() + " is not newer than " + current.generation());
        }
        current = snapshot;
    }

    /** @return the newest snapshot. */
    public ServiceSnapshot current()
    {
        return current;
    }
}
