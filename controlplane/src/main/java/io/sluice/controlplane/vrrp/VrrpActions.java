package io.sluice.controlplane.vrrp;

import io.sluice.dataplane.service.IpAddress;

/**
 * What a {@link VirtualRouter} asks of the world. Called on the thread that drives the machine,
 * from inside its {@code onXxx} methods: implementations must not block (a transmitter queues
 * frames, a notify runner hands hooks to its own threads).
 */
public interface VrrpActions
{
    /**
     * Send one advertisement of the router, to the VRRP group or to each unicast peer.
     *
     * @param router   the virtual router.
     * @param priority the priority to advertise: the router's, or 0 when a master gives up.
     */
    void sendAdvertisement(VrrpConfig router, int priority);

    /**
     * Announce that a virtual address now lives at the virtual MAC: a gratuitous ARP request
     * (IPv4) or an unsolicited Neighbor Advertisement (IPv6). Called once per address on becoming master.
     *
     * @param router  the virtual router.
     * @param address one of its virtual addresses.
     */
    void announce(VrrpConfig router, IpAddress address);

    /**
     * The router changed state: on {@link VrrpState#MASTER} answer ARP / ND for the virtual
     * addresses and forward their traffic; on {@link VrrpState#BACKUP} or
     * {@link VrrpState#INITIALIZE} stop both.
     *
     * @param router the virtual router.
     * @param from   the state it left.
     * @param to     the state it entered.
     */
    void onStateChange(VrrpConfig router, VrrpState from, VrrpState to);

    /**
     * A master did not answer a lower-priority advert with one of its own, because it answered one
     * less than an Advertisement_Interval ago: count it.
     *
     * @param router the virtual router.
     */
    void onReplySuppressed(VrrpConfig router);

    /**
     * Whether this LB may take over from a live master of lower priority now (preemption): false
     * while it does not hold the flows that master forwards yet (its flow sync's bulk transfer is
     * not complete), so that it does not reschedule them. Asked only when preempting; a backup whose
     * master fell silent takes over whatever this answers.
     *
     * @param router the virtual router.
     * @return true to preempt now; false to hold and ask again an Advertisement_Interval later.
     */
    default boolean readyToPreempt(final VrrpConfig router)
    {
        return true;
    }
}
