package io.sluice.dataplane.ring;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * What every ring of this package does to hand its messages out: it decodes each message in its
 * own {@link MessageHandler#onMessage} and passes it to the handler given for that one drain, which
 * is forgotten when the drain ends so the ring keeps no caller alive.
 *
 * @param <H> the ring's handler type.
 */
abstract class DrainedRing<H> implements MessageHandler
{
    /** The handler of the drain under way; null between drains. */
    H handler;

    /**
     * Reads up to {@code limit} messages into {@link #onMessage}, with {@code drainHandler} as
     * {@link #handler} meanwhile. The consumer thread only.
     *
     * @param ring         the ring to read.
     * @param drainHandler receives the decoded messages.
     * @param limit        most messages to read.
     * @return the number of messages read.
     */
    final int drain(final RingBuffer ring, final H drainHandler, final int limit)
    {
        handler = drainHandler;
        try
        {
            return ring.read(this, limit);
        }
        finally
        {
            handler = null;
        }
    }
}
