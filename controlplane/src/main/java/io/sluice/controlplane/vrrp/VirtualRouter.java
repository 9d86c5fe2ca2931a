package io.sluice.controlplane.vrrp;

import io.sluice.dataplane.service.IpAddress;

/**
 * The RFC 5798 §6.4 state machine of one virtual router, pure and deterministic: time comes in
 * as {@code nowNs} arguments, everything it does goes out through {@link VrrpActions}, and it has
 * no thread. The owner calls {@link #start}, then {@link #onAdvertisement} for each advert of this
 * VRID and family and {@link #onTimer} at {@link #nextDeadlineNs()}, then {@link #shutdown}.
 * <p>
 * Timers are kept in nanoseconds: Skew_Time = (256 − Priority) × Master_Adver_Interval / 256 and
 * Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time are computed without rounding to
 * centiseconds (as keepalived does in microseconds). Beyond RFC 5798:
 * <ul>
 *   <li>a master that discards a lower-priority advert sends its own at once (RFC 9568 §6.4.3), at most once per
 *       Advertisement_Interval: the lower-priority adverts of a flood (forged, or a misconfigured peer) beyond that get no
 *       reply of their own, only the periodic adverts, and are counted ({@link VrrpActions#onReplySuppressed});</li>
 *   <li>a backup recomputes Skew_Time from the master's interval too (RFC 9568);</li>
 *   <li>a preempt delay: when the Master_Down_Timer of a backup fires while a lower-priority master is still
 *       advertising (its adverts discarded within the last Master_Down_Interval), the backup holds back for the
 *       delay, then takes over; if that master falls silent meanwhile, it takes over Master_Down_Interval after
 *       its last advert as it would without a delay;</li>
 *   <li>a preemption gate: a backup that would preempt a live lower-priority master (after any delay) first asks
 *       {@link VrrpActions#readyToPreempt} (Sluice: is its flow sync's bulk transfer complete?) and, while the
 *       answer is no, holds and asks again every Advertisement_Interval; a master that falls silent is still
 *       replaced Master_Down_Interval after its last advert.</li>
 * </ul>
 * Not thread safe: one thread drives it.
 */
public final class VirtualRouter
{
    /** What {@link #nextDeadlineNs()} returns when no timer runs. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final int PRIORITY_SHUTDOWN = 0;

    private final VrrpConfig config;
    private final VrrpActions actions;
    private VrrpState state = VrrpState.INITIALIZE;
    private int masterAdverIntervalCs;
    private long masterDownDeadlineNs = NO_DEADLINE;
    private long adverDeadlineNs = NO_DEADLINE;
    private long lastLowerAdvertNs;
    private boolean lowerAdvertHeard;
    private long preemptAtNs = NO_DEADLINE;
    private long lastReplyNs;
    private boolean replied;

    /**
     * A router in {@link VrrpState#INITIALIZE}.
     *
     * @param config  its configuration.
     * @param actions where it sends frames and reports transitions.
     * @throws IllegalArgumentException when the configuration has a problem ({@link VrrpConfigValidator}).
     */
    public VirtualRouter(final VrrpConfig config, final VrrpActions actions)
    {
        VrrpConfigValidator.requireValid(config);
        this.config = config;
        this.actions = actions;
        this.masterAdverIntervalCs = config.advertIntervalCs();
    }

    /**
     * The Startup event (§6.4.1): an owner becomes master at once, announcing its addresses; any
     * other router becomes backup and waits Master_Down_Interval. Ignored unless in Initialize.
     *
     * @param nowNs the time now.
     */
    public void start(final long nowNs)
    {
        if (state != VrrpState.INITIALIZE)
        {
            return;
        }
        if (config.owner())
        {
            becomeMaster(nowNs);
        }
        else
        {
            masterAdverIntervalCs = config.advertIntervalCs();
            enterBackup(nowNs, VrrpState.INITIALIZE);
        }
    }

    /**
     * The Shutdown event: a master sends an advert with priority 0 so that a backup takes over after
     * Skew_Time; either returns to Initialize. Ignored in Initialize.
     *
     * @param nowNs the time now.
     */
    public void shutdown(final long nowNs)
    {
        final VrrpState from = state;
        if (from == VrrpState.INITIALIZE)
        {
            return;
        }
        adverDeadlineNs = NO_DEADLINE;
        masterDownDeadlineNs = NO_DEADLINE;
        clearPreemption();
        if (from == VrrpState.MASTER)
        {
            actions.sendAdvertisement(config, PRIORITY_SHUTDOWN);
        }
        state = VrrpState.INITIALIZE;
        actions.onStateChange(config, from, VrrpState.INITIALIZE);
    }

    /**
     * Fires the timers that are due: a master's Adver_Timer sends an advert; a backup's
     * Master_Down_Timer makes it master (or starts its preempt delay).
     *
     * @param nowNs the time now.
     * @return the number of timers that fired.
     */
    public int onTimer(final long nowNs)
    {
        if (state == VrrpState.MASTER && due(adverDeadlineNs, nowNs))
        {
            actions.sendAdvertisement(config, config.priority());
            adverDeadlineNs = nowNs + config.advertIntervalNs();
            return 1;
        }
        if (state == VrrpState.BACKUP && due(masterDownDeadlineNs, nowNs))
        {
            final boolean lowerMasterAlive = lowerAdvertHeard && nowNs - lastLowerAdvertNs < masterDownIntervalNs();
            if (config.preemptDelayNs() > 0 && lowerMasterAlive && preemptAtNs == NO_DEADLINE)
            {
                preemptAtNs = nowNs + config.preemptDelayNs();
                masterDownDeadlineNs = Math.min(preemptAtNs, lastLowerAdvertNs + masterDownIntervalNs());
            }
            else if (lowerMasterAlive && !actions.readyToPreempt(config))
            {
                preemptAtNs = nowNs;
                masterDownDeadlineNs = Math.min(nowNs + config.advertIntervalNs(), lastLowerAdvertNs + masterDownIntervalNs());
            }
            else
            {
                becomeMaster(nowNs);
            }
            return 1;
        }
        return 0;
    }

    /**
     * Takes one received advert of this router's VRID and family, already checked by
     * {@link AdvertisementDecoder} (§6.4.2 in Backup, §6.4.3 in Master; ignored in Initialize).
     *
     * @param nowNs  the time now.
     * @param advert the advert.
     */
    public void onAdvertisement(final long nowNs, final Advertisement advert)
    {
        if (state == VrrpState.BACKUP)
        {
            onAdvertisementAsBackup(nowNs, advert);
        }
        else if (state == VrrpState.MASTER)
        {
            onAdvertisementAsMaster(nowNs, advert);
        }
    }

    /**
     * When {@link #onTimer} next has work.
     *
     * @return the earliest running timer's deadline, or {@link #NO_DEADLINE}.
     */
    public long nextDeadlineNs()
    {
        return switch (state)
        {
            case MASTER -> adverDeadlineNs;
            case BACKUP -> masterDownDeadlineNs;
            case INITIALIZE -> NO_DEADLINE;
        };
    }

    /** @return the current state. */
    public VrrpState state()
    {
        return state;
    }

    /** @return the configuration. */
    public VrrpConfig config()
    {
        return config;
    }

    /** @return Master_Adver_Interval: the master's advertised interval as last learned, in centiseconds. */
    public int masterAdverIntervalCs()
    {
        return masterAdverIntervalCs;
    }

    /** @return Skew_Time in nanoseconds, from this router's priority and Master_Adver_Interval. */
    public long skewTimeNs()
    {
        return (VrrpConfig.OWNER_PRIORITY + 1 - config.priority()) * (masterAdverIntervalCs * VrrpConfig.NS_PER_CS) / 256;
    }

    /** @return Master_Down_Interval in nanoseconds: 3 × Master_Adver_Interval + Skew_Time. */
    public long masterDownIntervalNs()
    {
        return 3 * masterAdverIntervalCs * VrrpConfig.NS_PER_CS + skewTimeNs();
    }

    private void onAdvertisementAsBackup(final long nowNs, final Advertisement advert)
    {
        if (advert.priority() == PRIORITY_SHUTDOWN)
        {
            clearPreemption();
            masterDownDeadlineNs = nowNs + skewTimeNs();
        }
        else if (!config.preempt() || advert.priority() >= config.priority())
        {
            clearPreemption();
            adoptMasterInterval(advert);
            masterDownDeadlineNs = nowNs + masterDownIntervalNs();
        }
        else
        {
            lowerAdvertHeard = true;
            lastLowerAdvertNs = nowNs;
            if (preemptAtNs != NO_DEADLINE)
            {
                masterDownDeadlineNs = Math.min(preemptAtNs, nowNs + masterDownIntervalNs());
            }
        }
    }

    private void onAdvertisementAsMaster(final long nowNs, final Advertisement advert)
    {
        final IpAddress primary = config.primaryAddress();
        if (advert.priority() != PRIORITY_SHUTDOWN && (advert.priority() > config.priority() ||
            (advert.priority() == config.priority() && advert.compareSourceTo(primary) > 0)))
        {
            adverDeadlineNs = NO_DEADLINE;
            adoptMasterInterval(advert);
            enterBackup(nowNs, VrrpState.MASTER);
        }
        else if (!replied || nowNs - lastReplyNs >= config.advertIntervalNs())
        {
            replied = true;
            lastReplyNs = nowNs;
            actions.sendAdvertisement(config, config.priority());
            adverDeadlineNs = nowNs + config.advertIntervalNs();
        }
        else
        {
            actions.onReplySuppressed(config);
        }
    }

    private void becomeMaster(final long nowNs)
    {
        final VrrpState from = state;
        masterDownDeadlineNs = NO_DEADLINE;
        clearPreemption();
        replied = false;
        adverDeadlineNs = nowNs + config.advertIntervalNs();
        state = VrrpState.MASTER;
        // The transition is reported before the advert and the announcements (RFC 5798 §6.4.1 lists
        // it last): the dataplane then takes the virtual MAC's traffic before the LAN hears of it.
        actions.onStateChange(config, from, VrrpState.MASTER);
        actions.sendAdvertisement(config, config.priority());
        for (final IpAddress address : config.virtualAddresses())
        {
            actions.announce(config, address);
        }
    }

    private void enterBackup(final long nowNs, final VrrpState from)
    {
        clearPreemption();
        masterDownDeadlineNs = nowNs + masterDownIntervalNs();
        state = VrrpState.BACKUP;
        actions.onStateChange(config, from, VrrpState.BACKUP);
    }

    private void adoptMasterInterval(final Advertisement advert)
    {
        masterAdverIntervalCs = Math.max(1, advert.maxAdvertIntervalCs());
    }

    private void clearPreemption()
    {
        lowerAdvertHeard = false;
        preemptAtNs = NO_DEADLINE;
    }

    private static boolean due(final long deadlineNs, final long nowNs)
    {
        return deadlineNs != NO_DEADLINE && deadlineNs - nowNs <= 0;
    }
}
