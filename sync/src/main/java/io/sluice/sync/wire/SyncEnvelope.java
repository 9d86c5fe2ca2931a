package io.sluice.sync.wire;

/**
 * What every accepted sync message carries besides its content: who sent it, in which epoch, its
 * sequence, when it was sent, and for a {@code FlowBatch} how many flows it holds. A reused holder
 * that {@link SyncMessageReader} fills before it calls the {@link SyncMessageHandler}; valid only
 * during the call.
 */
public final class SyncEnvelope
{
    private int senderId;
    private long epoch;
    private long sequence;
    private long sentEpochNanos;
    private int flowCount;

    void set(final int senderId, final long epoch, final long sequence, final long sentEpochNanos, final int flowCount)
    {
        this.senderId = senderId;
        this.epoch = epoch;
        this.sequence = sequence;
        this.sentEpochNanos = sentEpochNanos;
        this.flowCount = flowCount;
    }

    /** @return the sender's id, an unsigned 32-bit value held in an int. */
    public int senderId()
    {
        return senderId;
    }

    /** @return the sender's epoch, an unsigned 64-bit value held in a long. */
    public long epoch()
    {
        return epoch;
    }

    /** @return the message's sequence number in its epoch, unsigned 64 bits. */
    public long sequence()
    {
        return sequence;
    }

    /** @return when the sender sent the message, nanoseconds since the epoch on its clock. */
    public long sentEpochNanos()
    {
        return sentEpochNanos;
    }

    /** @return flows in the message: its group count for a {@code FlowBatch}, 0 for the others. */
    public int flowCount()
    {
        return flowCount;
    }

    /** {@inheritDoc} */
    @Override
    public String toString()
    {
        return "SyncEnvelope{sender " + Integer.toUnsignedString(senderId) + " epoch " + Long.toUnsignedString(epoch) +
            " sequence " + Long.toUnsignedString(sequence) + " sent " + sentEpochNanos + " flows " + flowCount + "}";
    }
}
