package io.sluice.dataplane.stats;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.sluice.dataplane.service.ServiceSnapshot;

import static io.sluice.dataplane.packet.Memory.ALL;

/**
 * One worker's per-service and per-backend traffic counters, in its own region of the stats file:
 * the worker is the single writer (plain 8-byte stores, which another process reads whole on
 * x86-64); readers sum the regions of all workers. Indexed by the stable service and backend ids.
 * <pre>
 *   region of one worker, one row = one 8-byte counter
 *   services: MAX_SERVICES x [packets, bytes, new flows, drops, drops by reason..., padding]
 *   backends: MAX_BACKENDS x [packets, bytes, new flows, (unused)]
 * </pre>
 */
public final class TrafficStats
{
    /** Slot of a service's first drops-by-reason counter: the one of {@code DropReason} ordinal 0. */
    public static final int DROP_REASONS = 4;
    /** Counters per service: four, then one per drop reason, rounded up to rows of 32 bytes. */
    public static final int SERVICE_STRIDE = (DROP_REASONS + DropReason.count() + 3) & ~3;
    /** Counters per backend (one spare keeps rows 32-byte aligned). */
    public static final int BACKEND_STRIDE = 4;
    /** Packets forwarded (service, backend). */
    public static final int PACKETS = 0;
    /** Bytes received of the packets forwarded (service, backend). */
    public static final int BYTES = 1;
    /** Flows inserted in the flow table (service, backend). */
    public static final int NEW_FLOWS = 2;
    /** Packets to the service dropped after the VIP matched (service only). */
    public static final int DROPS = 3;
    /**
     * Backend rows only, in the slot services use for {@link #DROPS}: the flows pinned to the
     * backend in the worker's flow table, a gauge the flow table writes (see
     * {@code FlowTable.publishFlowCounts}).
     */
    public static final int ACTIVE_FLOWS = 3;
    /** Bytes of one worker's region. */
    public static final long REGION_LENGTH =
        8L * (ServiceSnapshot.MAX_SERVICES * SERVICE_STRIDE + ServiceSnapshot.MAX_BACKENDS * BACKEND_STRIDE);
    private static final long BACKENDS_OFFSET = 8L * ServiceSnapshot.MAX_SERVICES * SERVICE_STRIDE;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    /** The rows are 8-byte aligned; the unaligned layout skips an alignment check that cannot fail. */
    private static final ValueLayout.OfLong COUNTER = ValueLayout.JAVA_LONG_UNALIGNED;

    private final MemorySegment region;
    private final long base;

    /**
     * @param region this worker's region, {@link #REGION_LENGTH} bytes, zeroed. It is written by
     *               address; this object keeps the segment reachable, so memory of an automatic
     *               arena is not freed while it is in use.
     */
    public TrafficStats(final MemorySegment region)
    {
        if (region.byteSize() < REGION_LENGTH)
        {
            throw new IllegalArgumentException("traffic stats region of " + region.byteSize() + " bytes, need " + REGION_LENGTH);
        }
        this.region = region;
        this.base = region.address();
    }

    /**
     * Counts a forwarded packet.
     *
     * @param serviceId service id.
     * @param backendId backend id.
     * @param bytes     its length as received.
     * @param newFlow   whether it created a flow-table entry.
     */
    public void forwarded(final int serviceId, final int backendId, final int bytes, final boolean newFlow)
    {
        final long service = base + serviceOffset(serviceId);
        final long backend = base + backendOffset(backendId);
        ALL.set(COUNTER, service, ALL.get(COUNTER, service) + 1);
        ALL.set(COUNTER, service + 8, ALL.get(COUNTER, service + 8) + bytes);
        ALL.set(COUNTER, backend, ALL.get(COUNTER, backend) + 1);
        ALL.set(COUNTER, backend + 8, ALL.get(COUNTER, backend + 8) + bytes);
        if (newFlow)
        {
            ALL.set(COUNTER, service + 16, ALL.get(COUNTER, service + 16) + 1);
            ALL.set(COUNTER, backend + 16, ALL.get(COUNTER, backend + 16) + 1);
        }
    }

    /**
     * Counts a packet to a service that was not forwarded (no backend, unresolved next hop, too big, ...),
     * in the service's total and under its reason.
     *
     * @param serviceId service id.
     * @param reason    the {@code DropReason} ordinal ({@code TOO_BIG} for a packet answered with ICMP instead).
     */
    public void serviceDrop(final int serviceId, final int reason)
    {
        final long row = base + serviceOffset(serviceId);
        final long offset = row + 8L * DROPS;
        ALL.set(LONG, offset, ALL.get(LONG, offset) + 1);
        final long byReason = row + 8L * (DROP_REASONS + reason);
        ALL.set(LONG, byReason, ALL.get(LONG, byReason) + 1);
    }

    /** @return offset of a service's row in a region. */
    public static long serviceOffset(final int serviceId)
    {
        return 8L * SERVICE_STRIDE * serviceId;
    }

    /** @return offset of a backend's row in a region. */
    public static long backendOffset(final int backendId)
    {
        return BACKENDS_OFFSET + 8L * BACKEND_STRIDE * backendId;
    }

    /** Zeroes a service's row in a region (control thread, before the id is published). */
    public static void resetService(final MemorySegment region, final int serviceId)
    {
        region.asSlice(serviceOffset(serviceId), 8L * SERVICE_STRIDE).fill((byte)0);
    }

    /** Zeroes a backend's row in a region (control thread, before the id is published). */
    public static void resetBackend(final MemorySegment region, final int backendId)
    {
        region.asSlice(backendOffset(backendId), 8L * BACKEND_STRIDE).fill((byte)0);
    }

    /** @return one counter of a service in one region. */
    public static long service(final MemorySegment region, final int serviceId, final int stat)
    {
        return region.get(LONG, serviceOffset(serviceId) + 8L * stat);
    }

    /** @return one counter of a backend in one region. */
    public static long backend(final MemorySegment region, final int backendId, final int stat)
    {
        return region.get(LONG, backendOffset(backendId) + 8L * stat);
    }
}
