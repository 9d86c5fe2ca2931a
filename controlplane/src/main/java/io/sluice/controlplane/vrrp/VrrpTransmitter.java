package io.sluice.controlplane.vrrp;

import java.util.List;
import java.util.function.BooleanSupplier;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.sluice.dataplane.service.IpAddress;

/**
 * The {@link VrrpActions} that turns a machine's requests into frames: advertisements to the VRRP
 * group or to each unicast peer, gratuitous ARPs and unsolicited NAs, written into one reused
 * buffer and handed to a {@link FrameSink} (the dataplane's TX through a worker's command ring);
 * transitions go on to {@link VrrpStateListener}s. Owned by the thread that drives the instance.
 */
public final class VrrpTransmitter implements VrrpActions
{
    /** Where frames leave: the dataplane copies the frame before returning. */
    @FunctionalInterface
    public interface FrameSink
    {
        /**
         * Sends one whole Ethernet frame.
         *
         * @param buffer the frame's buffer, valid only during the call.
         * @param offset where the frame starts.
         * @param length its length.
         * @return false when it could not be queued (counted as a send failure).
         */
        boolean send(DirectBuffer buffer, int offset, int length);
    }

    /** The MAC of a unicast peer, from the dataplane's neighbour table. */
    @FunctionalInterface
    public interface MacResolver
    {
        /** What {@link #macOf} returns for a peer not resolved yet. */
        long UNKNOWN = -1;

        /**
         * @param address a unicast peer.
         * @return its MAC in the low 48 bits, or {@link #UNKNOWN} (the advert to it is then skipped and counted).
         */
        long macOf(IpAddress address);
    }

    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[VrrpFrames.MAX_FRAME_LENGTH]);
    private final FrameSink sink;
    private final MacResolver resolver;
    private final VrrpCounters counters;
    private final List<VrrpStateListener> listeners;
    private final BooleanSupplier readyToPreempt;

    /**
     * A transmitter that always lets its routers preempt.
     *
     * @param sink      where frames go.
     * @param resolver  the MACs of unicast peers.
     * @param counters  counts frames sent, refused and skipped.
     * @param listeners told of every transition, in this order (the dataplane switch first, notify hooks after).
     */
    public VrrpTransmitter(
        final FrameSink sink, final MacResolver resolver, final VrrpCounters counters,
        final List<VrrpStateListener> listeners)
    {
        this(sink, resolver, counters, listeners, () -> true);
    }

    /**
     * @param sink           where frames go.
     * @param resolver       the MACs of unicast peers.
     * @param counters       counts frames sent, refused and skipped.
     * @param listeners      told of every transition, in this order (the dataplane switch first, notify hooks after).
     * @param readyToPreempt whether this LB may preempt a live master now ({@link VrrpActions#readyToPreempt}).
     */
    public VrrpTransmitter(
        final FrameSink sink, final MacResolver resolver, final VrrpCounters counters,
        final List<VrrpStateListener> listeners, final BooleanSupplier readyToPreempt)
    {
        this.sink = sink;
        this.resolver = resolver;
        this.counters = counters;
        this.listeners = List.copyOf(listeners);
        this.readyToPreempt = readyToPreempt;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean readyToPreempt(final VrrpConfig router)
    {
        return readyToPreempt.getAsBoolean();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void sendAdvertisement(final VrrpConfig router, final int priority)
    {
        if (router.unicastPeers().isEmpty())
        {
            final IpAddress group = router.family().ipv6() ? VrrpFrames.IPV6_GROUP : VrrpFrames.IPV4_GROUP;
            send(VrrpFrames.writeAdvertisement(frame, 0, router, priority, group, router.family().groupMac()), true);
            return;
        }
        for (final IpAddress peer : router.unicastPeers())
        {
            final long mac = resolver.macOf(peer);
            if (mac == MacResolver.UNKNOWN)
            {
                counters.onUnresolvedPeer();
                continue;
            }
            send(VrrpFrames.writeAdvertisement(frame, 0, router, priority, peer, mac), true);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void announce(final VrrpConfig router, final IpAddress address)
    {
        final int length = address.ipv6() ?
            VrrpFrames.writeUnsolicitedNa(frame, 0, router.vrid(), router.primaryAddress(), address) :
            VrrpFrames.writeGratuitousArp(frame, 0, router.vrid(), address);
        send(length, false);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onStateChange(final VrrpConfig router, final VrrpState from, final VrrpState to)
    {
        for (final VrrpStateListener listener : listeners)
        {
            listener.onStateChange(router, from, to);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onReplySuppressed(final VrrpConfig router)
    {
        counters.onReplySuppressed();
    }

    private void send(final int length, final boolean advert)
    {
        if (!sink.send(frame, 0, length))
        {
            counters.onSendFailure();
        }
        else if (advert)
        {
            counters.onAdvertSent();
        }
        else
        {
            counters.onAnnouncementSent();
        }
    }
}
