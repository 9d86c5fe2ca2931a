package io.sluice.controlplane.ha;

import java.util.List;

import io.sluice.controlplane.vrrp.VrrpCounters;
import io.sluice.controlplane.vrrp.VrrpNotifyRunner;

/**
 * What VRRP shows of itself to other threads (the API, the metrics): its virtual routers and its
 * counters. {@link VrrpService} is the one that runs; readers see it through this view.
 */
public interface VrrpStatus
{
    /** @return every virtual router's state, in configuration order. */
    List<VrrpService.RouterStatus> routers();

    /** @return the VRRP counters (frames accepted, discarded by reason, sent). */
    VrrpCounters counters();

    /** @return punted frames dropped because the ring to the VRRP thread was full. */
    long inboundDropped();

    /** @return transitions after which the dataplane did not take the new roles. */
    long switchFailures();

    /** @return the notify hooks' runner, or null when no hook is configured. */
    VrrpNotifyRunner notifyRunner();
}
