package io.sluice.sync.wire;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Computes and checks the {@link SyncProtocol#TAG_LENGTH}-byte tag of a message: HMAC-SHA-256 over
 * the message's bytes before the tag, truncated to its first 128 bits. One {@link Mac}, initialised
 * once; one thread.
 * <p>
 * Bytes in a heap buffer go to the MAC where they are; bytes off the heap (an Aeron term buffer) are
 * first copied into a reused array, since {@link Mac} reads arrays. Either way this class allocates
 * nothing of its own; the JDK's {@link Mac#doFinal(byte[], int)} however allocates one 32-byte
 * array per message inside HmacCore and MessageDigest (48 bytes of heap with its header, measured
 * by {@code SyncMessageReaderAllocationTest}).
 */
final class MessageAuthenticator
{
    private static final int DIGEST_LENGTH = 32;

    private final Mac mac;
    private final byte[] digest = new byte[DIGEST_LENGTH];
    private final byte[] scratch;

    /**
     * @param key              the shared key.
     * @param maxMessageLength the longest message this instance will see, tag included.
     */
    MessageAuthenticator(final SyncKey key, final int maxMessageLength)
    {
        mac = key.newMac();
        scratch = new byte[maxMessageLength];
    }

    /**
     * Writes the tag of {@code [offset, offset + length)} at {@code offset + length}.
     *
     * @param buffer the message.
     * @param offset where the message starts.
     * @param length its length without the tag; at most {@code maxMessageLength - TAG_LENGTH}.
     */
    void sign(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        compute(buffer, offset, length);
        buffer.putBytes(offset + length, digest, 0, SyncProtocol.TAG_LENGTH);
    }

    /**
     * Whether a message's tag is right, compared in constant time.
     *
     * @param buffer the message.
     * @param offset where the message starts.
     * @param length its length with the tag, {@code TAG_LENGTH .. maxMessageLength}, within the buffer.
     * @return true when the last {@link SyncProtocol#TAG_LENGTH} bytes are the tag of the rest.
     */
    boolean verify(final DirectBuffer buffer, final int offset, final int length)
    {
        final int bodyLength = length - SyncProtocol.TAG_LENGTH;
        compute(buffer, offset, bodyLength);
        final int tagOffset = offset + bodyLength;
        int difference = 0;
        for (int i = 0; i < SyncProtocol.TAG_LENGTH; i++)
        {
            difference |= digest[i] ^ buffer.getByte(tagOffset + i);
        }
        return difference == 0;
    }

    private void compute(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            mac.update(array, buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            buffer.getBytes(offset, scratch, 0, length);
            mac.update(scratch, 0, length);
        }

        try
        {
            mac.doFinal(digest, 0);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
