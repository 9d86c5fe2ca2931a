package io.sluice.sync.wire;

/**
 * The anti-replay state of one sender, as IPsec keeps it per security association (RFC 4303
 * 3.4.3): the sender's newest epoch, the highest sequence accepted in it, and a 64-bit bitmap of
 * the sequences accepted just below it. A sequence is fresh when it is above the highest, or within
 * the window and not seen; a newer epoch starts the window again. Epochs and sequences compare as
 * unsigned 64-bit values. The caller consults it only for messages whose tag verified.
 */
final class ReplayWindow
{
    /** Sequences the window remembers, the highest included. */
    static final int WINDOW = 64;

    /** Fresh, in the current epoch. */
    static final int FRESH = 0;

    /** Fresh, and from a newer epoch than the current one: the sender restarted. */
    static final int NEW_EPOCH = 1;

    /** From an epoch older than the current one. */
    static final int STALE_EPOCH = 2;

    /** Seen before, or left of the window. */
    static final int REPLAYED = 3;

    private long epoch;
    private long highest;
    private long seen;

    /**
     * A window holding one accepted message.
     *
     * @param epoch    its epoch.
     * @param sequence its sequence.
     */
    ReplayWindow(final long epoch, final long sequence)
    {
        restart(epoch, sequence);
    }

    /**
     * Checks a message and, when it is fresh, records it.
     *
     * @param epoch    the message's epoch.
     * @param sequence the message's sequence.
     * @return {@link #FRESH} or {@link #NEW_EPOCH} (recorded), {@link #STALE_EPOCH} or {@link #REPLAYED}
     *         (nothing changed).
     */
    int accept(final long epoch, final long sequence)
    {
        final int epochOrder = Long.compareUnsigned(epoch, this.epoch);
        if (epochOrder < 0)
        {
            return STALE_EPOCH;
        }
        if (epochOrder > 0)
        {
            restart(epoch, sequence);
            return NEW_EPOCH;
        }
        if (Long.compareUnsigned(sequence, highest) > 0)
        {
            final long ahead = sequence - highest;
            seen = Long.compareUnsigned(ahead, WINDOW) >= 0 ? 1L : (seen << ahead) | 1L;
            highest = sequence;
            return FRESH;
        }
        final long behind = highest - sequence;
        if (Long.compareUnsigned(behind, WINDOW) >= 0 || (seen & (1L << behind)) != 0)
        {
            return REPLAYED;
        }
        seen |= 1L << behind;
        return FRESH;
    }

    /** @return the newest epoch accepted. */
    long epoch()
    {
        return epoch;
    }

    /** @return the highest sequence accepted in the newest epoch. */
    long highestSequence()
    {
        return highest;
    }

    private void restart(final long epoch, final long sequence)
    {
        this.epoch = epoch;
        this.highest = sequence;
        this.seen = 1L;
    }
}
