package io.sluice.sync.wire;

import java.util.ArrayList;
import java.util.List;

import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.sync.codec.FlowOp;

/**
 * Keeps copies of everything a reader delivers.
 */
final class RecordingHandler implements SyncMessageHandler
{
    /** One delivery, its envelope copied. */
    record Event(String kind, int senderId, long epoch, long sequence, long sentEpochNanos, int flowCount,
        FlowOp op, FlowRecord flow, boolean flag, long value)
    {
    }

    /** One Maglev digest delivered, with its hello's sender. */
    record Digest(int senderId, long vipHi, long vipLo, int port, int protocol, long maglevSize, long digest)
    {
    }

    final List<Event> events = new ArrayList<>();
    final List<Digest> digests = new ArrayList<>();

    @Override
    public void onPeerEpoch(final SyncEnvelope message, final boolean restarted)
    {
        events.add(event("epoch", message, null, null, restarted, 0));
    }

    @Override
    public void onFlow(final SyncEnvelope batch, final FlowOp op, final FlowRecord flow)
    {
        events.add(event("flow", batch, op, new FlowRecord().set(flow), false, 0));
    }

    @Override
    public void onHello(final SyncEnvelope message, final boolean wantsBulk)
    {
        events.add(event("hello", message, null, null, wantsBulk, 0));
    }

    @Override
    public void onMaglevDigest(
        final SyncEnvelope message, final long vipHi, final long vipLo, final int port, final int protocol,
        final long maglevSize, final long digest)
    {
        digests.add(new Digest(message.senderId(), vipHi, vipLo, port, protocol, maglevSize, digest));
    }

    @Override
    public void onBulkEnd(final SyncEnvelope message, final long flowsSent)
    {
        events.add(event("bulkEnd", message, null, null, false, flowsSent));
    }

    List<Event> of(final String kind)
    {
        return events.stream().filter(e -> e.kind().equals(kind)).toList();
    }

    private static Event event(
        final String kind, final SyncEnvelope m, final FlowOp op, final FlowRecord flow, final boolean flag, final long value)
    {
        return new Event(kind, m.senderId(), m.epoch(), m.sequence(), m.sentEpochNanos(), m.flowCount(), op, flow, flag, value);
    }
}
