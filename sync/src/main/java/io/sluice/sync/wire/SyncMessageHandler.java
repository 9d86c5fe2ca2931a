package io.sluice.sync.wire;

import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.sync.codec.FlowOp;

/**
 * Receives what {@link SyncMessageReader} accepts, on the reader's thread. Only accepted messages
 * reach it: authentic, fresh, well formed, every flow valid. Every argument is a reused instance,
 * valid only during the call; copy what must outlive it.
 */
public interface SyncMessageHandler
{
    /**
     * A sender began an epoch this reader had not seen from it: called once, before the message's
     * own content. The sender knows nothing of this load balancer's flows yet, so the agent starts
     * a bulk transfer to it.
     *
     * @param message   the message that opened the epoch.
     * @param restarted true when the sender had an older epoch (it restarted), false when this is
     *                  the first message this reader has from it.
     */
    void onPeerEpoch(SyncEnvelope message, boolean restarted);

    /**
     * One flow of a {@code FlowBatch}, in the batch's order.
     *
     * @param batch the batch's envelope.
     * @param op    what happened to the flow; never {@link FlowOp#NULL_VAL} or {@link FlowOp#SBE_UNKNOWN}.
     * @param flow  the flow: tuple, service, backend address and port, idle timeout, creation time,
     *              flags; no NAT mapping (zeros).
     */
    void onFlow(SyncEnvelope batch, FlowOp op, FlowRecord flow);

    /**
     * A {@code Hello}.
     *
     * @param message   its envelope.
     * @param wantsBulk whether the sender asks for a bulk transfer.
     */
    void onHello(SyncEnvelope message, boolean wantsBulk);

    /**
     * One Maglev digest of a {@code Hello}'s page, in the page's order, after {@link #onHello}: the
     * sender's table for the service has that size and {@link io.sluice.dataplane.maglev.MaglevTable#digest()}.
     *
     * @param message    the hello's envelope.
     * @param vipHi      upper 64 bits of the service's VIP (IPv4 as IPv4-mapped).
     * @param vipLo      lower 64 bits of the VIP.
     * @param port       the service port.
     * @param protocol   the service's IP protocol number.
     * @param maglevSize the sender's table size (unsigned 32 bits).
     * @param digest     the sender's table digest.
     */
    void onMaglevDigest(SyncEnvelope message, long vipHi, long vipLo, int port, int protocol, long maglevSize, long digest);

    /**
     * A {@code BulkEnd}: the sender's bulk transfer to its peers is complete.
     *
     * @param message   its envelope.
     * @param flowsSent {@link FlowOp#BULK} flows the sender sent in the transfer (unsigned).
     */
    void onBulkEnd(SyncEnvelope message, long flowsSent);
}
