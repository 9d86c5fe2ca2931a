package io.sluice.sync.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;

/**
 * The sync channel between load balancers: Aeron over UDP, unicast to each configured peer (or one
 * multicast group), with the media driver embedded and run by the caller's own thread.
 * <p>
 * The driver runs in {@link ThreadingMode#INVOKER} mode and the client with its conductor invoked,
 * so the transport starts no thread: the sync agent's duty cycle calls {@link #doWork()}, which
 * advances the driver (sender, receiver, conductor) and the client conductor, and {@link #poll}
 * for what peers sent. A small host keeps its cores for the workers. Term buffers are sized for
 * the flow rate of one LB ({@link SyncTransportConfig#termLength()}), sparse, in a directory of
 * this LB's own (two LBs on one host must not share one: {@code /dev/shm} is not per namespace).
 * <p>
 * Aeron gives each peer's stream in order, without loss while the peer's image lives, with flow
 * control and retransmission: there is no reliability layer here. What Aeron cannot give (a peer
 * that restarted is a new image; a message from a peer that is not connected is lost) is the sync
 * agent's to handle, by the epoch in every message and the bulk transfer.
 * <p>
 * Not thread safe: one thread, the sync agent's.
 */
public final class SyncTransport implements AutoCloseable
{
    /** Most duty cycles of the embedded driver per {@link #doWork()} while it finds work. */
    public static final int DRIVER_CYCLES_PER_CALL = 8;

    private final SyncTransportConfig config;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker clientInvoker;
    private final List<ExclusivePublication> publications = new ArrayList<>();
    private final Subscription subscription;
    private final long[] counters = new long[TransportCounter.values().length];
    private boolean lastOfferBackPressured;

    /**
     * Starts the embedded driver, connects the client, adds one publication per peer and the subscription.
     *
     * @param config   where to listen and whom to send to.
     * @param listener told of peers' streams appearing and going (on the calling thread, from {@link #doWork()}).
     * @throws IllegalArgumentException when the driver or the channels cannot be set up (a busy port, a bad address).
     */
    public SyncTransport(final SyncTransportConfig config, final ImageListener listener)
    {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        MediaDriver startedDriver = null;
        Aeron connected = null;
        try
        {
            startedDriver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(config.aeronDirectory())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.INVOKER)
                .publicationTermBufferLength(config.termLength())
                .ipcTermBufferLength(SyncTransportConfig.MIN_TERM_LENGTH)
                .termBufferSparseFile(true));
            connected = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(startedDriver.aeronDirectoryName())
                .useConductorAgentInvoker(true)
                .driverAgentInvoker(startedDriver.sharedAgentInvoker())
                .availableImageHandler(image -> listener.onPeerStream(image.sessionId(), image.sourceIdentity(), true))
                .unavailableImageHandler(image -> listener.onPeerStream(image.sessionId(), image.sourceIdentity(), false)));
            for (final String channel : config.publicationChannels())
            {
                publications.add(connected.addExclusivePublication(channel, config.streamId()));
            }
            this.subscription = connected.addSubscription(config.subscriptionChannel(), config.streamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(connected, startedDriver);
            throw new IllegalArgumentException("sync transport on " + config.subscriptionChannel() + " did not start: " +
                ex.getMessage(), ex);
        }
        this.driver = startedDriver;
        this.aeron = connected;
        this.driverInvoker = startedDriver.sharedAgentInvoker();
        this.clientInvoker = connected.conductorAgentInvoker();
    }

    /**
     * Advances the driver and the client conductor: call it in every duty cycle of the sync agent.
     *
     * @return work done (0 when idle).
     */
    public int doWork()
    {
        // The driver's sender sends at most one datagram (one frame of up to the MTU) per publication per
        // duty cycle, and its receiver reads a bounded number: while it finds work, run it again, so that
        // the transport's rate is not one frame per cycle of the caller.
        int work = 0;
        for (int i = 0; i < DRIVER_CYCLES_PER_CALL; i++)
        {
            final int driverWork = driverInvoker.invoke();
            if (driverWork == 0)
            {
                break;
            }
            work += driverWork;
        }
        return work + clientInvoker.invoke();
    }

    /**
     * Sends one message to every peer. A peer that is not connected, or is back-pressured after
     * Aeron's own retry of an admin action, does not get it: counted, never waited for, so one slow
     * or absent peer cannot stall the others or the workers' rings.
     *
     * @param buffer holds the message.
     * @param offset where it starts.
     * @param length its length, at most {@link #maxMessageLength()}.
     * @return how many peers took it.
     */
    public int offer(final DirectBuffer buffer, final int offset, final int length)
    {
        lastOfferBackPressured = false;
        int sent = 0;
        for (int i = 0; i < publications.size(); i++)
        {
            if (offer(publications.get(i), buffer, offset, length))
            {
                sent++;
            }
        }
        return sent;
    }

    private boolean offer(final ExclusivePublication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        long result = publication.offer(buffer, offset, length);
        if (result == Publication.ADMIN_ACTION)
        {
            result = publication.offer(buffer, offset, length);
        }
        if (result > 0)
        {
            counters[TransportCounter.MESSAGES_SENT.ordinal()]++;
            counters[TransportCounter.BYTES_SENT.ordinal()] += length;
            return true;
        }
        final TransportCounter reason = result == Publication.NOT_CONNECTED ? TransportCounter.NOT_CONNECTED :
            result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION ? TransportCounter.BACK_PRESSURED :
            TransportCounter.OFFER_FAILED;
        lastOfferBackPressured |= reason == TransportCounter.BACK_PRESSURED;
        counters[reason.ordinal()]++;
        return false;
    }

    /**
     * Hands what peers sent to {@code handler}, one message per fragment: messages are kept within
     * one frame ({@link #maxMessageLength()}), so no reassembly is needed.
     *
     * @param handler      called with each message; the buffer is valid during the call only.
     * @param messageLimit most messages to hand over in this call.
     * @return messages handed over.
     */
    public int poll(final FragmentHandler handler, final int messageLimit)
    {
        final int polled = subscription.poll(handler, messageLimit);
        counters[TransportCounter.MESSAGES_RECEIVED.ordinal()] += polled;
        return polled;
    }

    /**
     * @return whether a peer refused the last {@link #offer} for back pressure (its receiver's window
     *         or the term is full): the message may go through if offered again shortly.
     */
    public boolean lastOfferBackPressured()
    {
        return lastOfferBackPressured;
    }

    /** @return whether every peer's publication has a connected subscriber. */
    public boolean allPeersConnected()
    {
        for (int i = 0; i < publications.size(); i++)
        {
            if (!publications.get(i).isConnected())
            {
                return false;
            }
        }
        return true;
    }

    /** @return peers whose publication has a connected subscriber. */
    public int connectedPeers()
    {
        int connected = 0;
        for (int i = 0; i < publications.size(); i++)
        {
            connected += publications.get(i).isConnected() ? 1 : 0;
        }
        return connected;
    }

    /** @return streams from peers the subscription receives now. */
    public int peerStreams()
    {
        return subscription.imageCount();
    }

    /** @return the longest message {@link #offer} sends in one frame (the channel's MTU less Aeron's header). */
    public int maxMessageLength()
    {
        return publications.isEmpty() ? 0 : publications.get(0).maxPayloadLength();
    }

    /**
     * @param counter which count.
     * @return its value since the start.
     */
    public long counter(final TransportCounter counter)
    {
        return counters[counter.ordinal()];
    }

    /** @return the configuration it runs with. */
    public SyncTransportConfig config()
    {
        return config;
    }

    /** Closes the publications, the subscription, the client and the driver, whose directory it deletes. */
    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(publications);
        CloseHelper.quietCloseAll(subscription, aeron, driver);
    }

    /** A peer's stream appearing (a peer started or restarted) or going (it stopped or was cut off). */
    @FunctionalInterface
    public interface ImageListener
    {
        /**
         * @param sessionId the stream's Aeron session: a restarted peer gets a new one.
         * @param source    the sender's address and port, as Aeron reports it.
         * @param available true when the stream appeared, false when it went.
         */
        void onPeerStream(int sessionId, String source, boolean available);
    }
}
