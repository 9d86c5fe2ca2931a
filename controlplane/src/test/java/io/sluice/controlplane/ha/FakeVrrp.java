package io.sluice.controlplane.ha;

import java.time.Instant;
import java.util.List;

import io.sluice.controlplane.vrrp.VrrpCounters;
import io.sluice.controlplane.vrrp.VrrpNotifyRunner;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.dataplane.service.IpAddress;

/**
 * A VRRP as readers see it, set by hand: routers, real counters, and the two service counts. Public
 * for the tests of the API and the metrics.
 */
public final class FakeVrrp implements VrrpStatus
{
    /** The counters, to count into. */
    public final VrrpCounters counters = new VrrpCounters();
    /** The routers readers see. */
    public volatile List<VrrpService.RouterStatus> routers = List.of();
    /** Punted frames dropped. */
    public long inboundDropped;
    /** Switches the dataplane refused. */
    public long switchFailures;

    /**
     * One IPv4 virtual router.
     *
     * @param name        its name.
     * @param vrid        its VRID.
     * @param state       its state.
     * @param since       since when.
     * @param transitions its transitions.
     * @param address     its one virtual address.
     * @return its status.
     */
    public static VrrpService.RouterStatus router(
        final String name, final int vrid, final VrrpState state, final Instant since, final long transitions, final String address)
    {
        return new VrrpService.RouterStatus(name, vrid, false, 200, 100, List.of(IpAddress.parse(address)), state, since,
            transitions);
    }

    @Override
    public List<VrrpService.RouterStatus> routers()
    {
        return routers;
    }

    @Override
    public VrrpCounters counters()
    {
        return counters;
    }

    @Override
    public long inboundDropped()
    {
        return inboundDropped;
    }

    @Override
    public long switchFailures()
    {
        return switchFailures;
    }

    @Override
    public VrrpNotifyRunner notifyRunner()
    {
        return null;
    }
}
