package io.sluice.dataplane.flow;

import static io.sluice.dataplane.flow.FlowSlots.BACKEND_ID_OFFSET;
import static io.sluice.dataplane.flow.FlowSlots.BUCKET_LENGTH;
import static io.sluice.dataplane.flow.FlowSlots.EXPIRY_TICK_OFFSET;
import static io.sluice.dataplane.flow.FlowSlots.HEADER_LENGTH;
import static io.sluice.dataplane.flow.FlowSlots.INT;
import static io.sluice.dataplane.flow.FlowSlots.SLOTS_PER_BUCKET;
import static io.sluice.dataplane.flow.FlowSlots.SLOT_LENGTH;
import static io.sluice.dataplane.flow.FlowSlots.TAG_OFFSET;
import static io.sluice.dataplane.packet.Memory.ALL;

/**
 * The incremental expiry sweep of one {@link FlowTable}: visits buckets from a cursor that rotates over the whole
 * table and frees the slots whose expiry tick has passed, from the bucket headers alone (see the package
 * documentation for the tick's resolution). It runs on the table's thread, through {@link FlowTable#expire}, which
 * keeps the table's size and expiration count.
 */
final class FlowExpirySweep
{
    private final FlowTable table;
    private final long base;
    private final int bucketMask;
    private int cursor;

    FlowExpirySweep(final FlowTable table, final long base, final int bucketMask)
    {
        this.table = table;
        this.base = base;
        this.bucketMask = bucketMask;
    }

    /**
     * Visits up to {@code maxBuckets} buckets (each once at most) from the cursor, frees their expired slots and
     * leaves the cursor after the last bucket visited.
     *
     * @return how many slots were freed.
     */
    int sweep(final int nowTick, final int maxBuckets)
    {
        final int bucketsToVisit = Math.min(maxBuckets, bucketMask + 1);
        int bucket = cursor;
        int freed = 0;
        for (int i = 0; i < bucketsToVisit; i++)
        {
            final long header = (long)bucket * BUCKET_LENGTH;
            for (int way = 0; way < SLOTS_PER_BUCKET; way++)
            {
                final long tagOffset = header + TAG_OFFSET + way * Integer.BYTES;
                if (ALL.get(INT, base + tagOffset) != 0 &&
                    nowTick - ALL.get(INT, base + header + EXPIRY_TICK_OFFSET + way * Integer.BYTES) > 0)
                {
                    table.countFlow(ALL.get(INT, base + header + HEADER_LENGTH + (long)way * SLOT_LENGTH + BACKEND_ID_OFFSET), -1);
                    ALL.set(INT, base + tagOffset, 0);
                    freed++;
                }
            }
            bucket = (bucket + 1) & bucketMask;
        }

        cursor = bucket;
        return freed;
    }
}
