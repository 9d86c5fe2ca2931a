package io.sluice.sync.transport;

/** What {@link SyncTransport} counts: messages and bytes sent and received, and sends that no peer took, by reason. */
public enum TransportCounter
{
    /** Messages a peer's publication took. */
    MESSAGES_SENT,
    /** Bytes of those. */
    BYTES_SENT,
    /** Messages handed to the receiving handler. */
    MESSAGES_RECEIVED,
    /** Sends to a peer with no connected subscriber (down, not started, unreachable). */
    NOT_CONNECTED,
    /** Sends refused because the peer's window or the term was full. */
    BACK_PRESSURED,
    /** Sends refused for another reason (publication closed, position limit). */
    OFFER_FAILED
}
