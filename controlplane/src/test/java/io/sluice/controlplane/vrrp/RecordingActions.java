package io.sluice.controlplane.vrrp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import io.sluice.dataplane.service.IpAddress;

/**
 * Records what a machine asks for, as text lines stamped with a clock the test moves.
 */
final class RecordingActions implements VrrpActions
{
    final List<String> lines = new ArrayList<>();
    private final LongSupplier clock;

    RecordingActions()
    {
        this(() -> 0);
    }

    RecordingActions(final LongSupplier clock)
    {
        this.clock = clock;
    }

    @Override
    public void sendAdvertisement(final VrrpConfig router, final int priority)
    {
        lines.add(clock.getAsLong() + " " + router.name() + " advert " + priority);
    }

    @Override
    public void announce(final VrrpConfig router, final IpAddress address)
    {
        lines.add(clock.getAsLong() + " " + router.name() + " announce " + address);
    }

    @Override
    public void onStateChange(final VrrpConfig router, final VrrpState from, final VrrpState to)
    {
        lines.add(clock.getAsLong() + " " + router.name() + " " + from + " -> " + to);
    }

    @Override
    public void onReplySuppressed(final VrrpConfig router)
    {
        lines.add(clock.getAsLong() + " " + router.name() + " reply suppressed");
    }

    /** What {@link #readyToPreempt} answers. */
    boolean ready = true;

    @Override
    public boolean readyToPreempt(final VrrpConfig router)
    {
        lines.add(clock.getAsLong() + " " + router.name() + " ready? " + ready);
        return ready;
    }

    List<String> drain()
    {
        final List<String> copy = List.copyOf(lines);
        lines.clear();
        return copy;
    }
}
