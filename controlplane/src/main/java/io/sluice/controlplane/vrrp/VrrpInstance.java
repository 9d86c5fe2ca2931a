package io.sluice.controlplane.vrrp;

import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;

/**
 * The virtual routers of one interface, keyed by VRID and family, with the checks every received
 * frame passes before it reaches one of them. One thread drives it, as an Aeron agent's duty
 * cycle would: {@link #onFrame} for each punted VRRP frame, {@link #onTimer} when
 * {@link #nextDeadlineNs()} is due.
 */
public final class VrrpInstance
{
    private static final int MAX_VRID = 255;

    private final VirtualRouter[] routersByKey = new VirtualRouter[2 * (MAX_VRID + 1)];
    private final List<VirtualRouter> routers;
    private final VrrpCounters counters;
    private final Advertisement advert = new Advertisement();

    /**
     * Builds a machine per virtual router, each in Initialize.
     *
     * @param configs  the virtual routers: unique names, one per VRID and family.
     * @param actions  where the machines send frames and report transitions.
     * @param counters where received frames are counted (share it with the transmitter).
     * @throws IllegalArgumentException listing every problem of the configurations.
     */
    public VrrpInstance(final List<VrrpConfig> configs, final VrrpActions actions, final VrrpCounters counters)
    {
        final List<String> problems = VrrpConfigValidator.problems(configs, null);
        if (!problems.isEmpty())
        {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        final List<VirtualRouter> all = new ArrayList<>(configs.size());
        for (final VrrpConfig config : configs)
        {
            final VirtualRouter router = new VirtualRouter(config, actions);
            routersByKey[key(config.vrid(), config.family())] = router;
            all.add(router);
        }
        this.routers = List.copyOf(all);
        this.counters = counters;
    }

    /**
     * Starts every virtual router (owners become master, the others backup).
     *
     * @param nowNs the time now.
     */
    public void start(final long nowNs)
    {
        for (final VirtualRouter router : routers)
        {
            router.start(nowNs);
        }
    }

    /**
     * Shuts every virtual router down (masters send priority 0).
     *
     * @param nowNs the time now.
     */
    public void shutdown(final long nowNs)
    {
        for (final VirtualRouter router : routers)
        {
            router.shutdown(nowNs);
        }
    }

    /**
     * Takes one received frame: decodes it, discards it with a counted reason, or hands the advert
     * to its virtual router.
     *
     * @param buffer the frame's buffer, valid only during the call.
     * @param offset where the Ethernet header starts.
     * @param length the frame's length.
     * @param nowNs  the time now.
     * @return null when a virtual router took the advert, else why the frame was discarded.
     */
    public VrrpDiscard onFrame(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        VrrpDiscard discard = AdvertisementDecoder.decode(buffer, offset, length, advert);
        VirtualRouter router = null;
        if (discard == null)
        {
            router = router(advert.vrid(), advert.family());
            if (router == null)
            {
                discard = VrrpDiscard.UNKNOWN_VRID;
            }
            else if (advert.compareSourceTo(router.config().primaryAddress()) == 0)
            {
                discard = VrrpDiscard.OWN_ADVERT;
            }
        }
        if (discard != null)
        {
            counters.onDiscard(discard);
            return discard;
        }
        counters.onAccepted(advert.withPseudoHeader());
        router.onAdvertisement(nowNs, advert);
        return null;
    }

    /**
     * Fires the due timers of every virtual router.
     *
     * @param nowNs the time now.
     * @return the number of timers that fired.
     */
    public int onTimer(final long nowNs)
    {
        int work = 0;
        for (final VirtualRouter router : routers)
        {
            work += router.onTimer(nowNs);
        }
        return work;
    }

    /**
     * When {@link #onTimer} next has work.
     *
     * @return the earliest deadline of any virtual router, or {@link VirtualRouter#NO_DEADLINE}.
     */
    public long nextDeadlineNs()
    {
        long earliest = VirtualRouter.NO_DEADLINE;
        for (final VirtualRouter router : routers)
        {
            final long deadline = router.nextDeadlineNs();
            if (deadline != VirtualRouter.NO_DEADLINE && (earliest == VirtualRouter.NO_DEADLINE || deadline - earliest < 0))
            {
                earliest = deadline;
            }
        }
        return earliest;
    }

    /**
     * The virtual router of a VRID and family.
     *
     * @param vrid   1..255.
     * @param family the family.
     * @return the router, or null when none is configured.
     */
    public VirtualRouter router(final int vrid, final VrrpFamily family)
    {
        return vrid < 1 || vrid > MAX_VRID ? null : routersByKey[key(vrid, family)];
    }

    /** @return every virtual router, in configuration order. */
    public List<VirtualRouter> routers()
    {
        return routers;
    }

    /** @return the counters of received frames. */
    public VrrpCounters counters()
    {
        return counters;
    }

    private static int key(final int vrid, final VrrpFamily family)
    {
        return family.ordinal() * (MAX_VRID + 1) + vrid;
    }
}
