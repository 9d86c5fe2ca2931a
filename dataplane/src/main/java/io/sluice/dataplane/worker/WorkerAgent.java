package io.sluice.dataplane.worker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.pipeline.PacketPipeline;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FrameRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.SnapshotPublisher;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dpdk.Eal;
import io.sluice.dpdk.Mbuf;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;

/**
 * One dataplane worker: a busy-polling agent that owns one RX/TX queue pair of a port, its flow
 * table (behind the {@link io.sluice.dataplane.pipeline.FlowTracker} of its {@link PacketPipeline})
 * and its counters. Single writer of all of them; other threads reach it only through its {@link
 * WorkerCommandRing}.
 * <p>
 * Duty cycle: read the clock once; pick up the newest service snapshot; drain a bounded number of
 * commands (frames to inject, flows from a peer, dump and lookup requests); receive a burst; run
 * each packet through the pipeline and sort it into transmit, punt or free; transmit (leftovers
 * freed, never leaked); free in bulk; expire a slice of the flow table when one is due (the whole
 * table once a second, tables over 2M flows more slowly: {@link ExpiryPacer}); publish the counters when
 * {@link #PUBLISH_INTERVAL_NS} has passed since they last were.
 * <p>
 * Duty-cycle accounting reuses the one clock reading of each cycle: a cycle lasts from its start to
 * the next cycle's start (so it includes the idle strategy's pause), and is busy when it did work.
 * The worker counts cycles ({@link WorkerCounter#DUTY_CYCLES}, {@link WorkerCounter#WORK_CYCLES})
 * and busy nanoseconds ({@link WorkerCounter#BUSY_NS}), and, being the only writer, closes a period
 * every {@link #DUTY_PERIOD_NS} of its own clock and publishes that period's busy share
 * ({@link WorkerCounter#BUSY_PPM}) and longest cycle ({@link WorkerCounter#MAX_CYCLE_NS}) as gauges,
 * so readers need no reset protocol and any number of them see the same figures. One cycle in
 * {@link CycleProfile#SAMPLE_EVERY} is also timed stage by stage ({@link CycleProfile}: commands, RX
 * burst, pipeline, TX burst, free, expiry, housekeeping), which says where a packet's time goes beyond the
 * pipeline.
 * <p>
 * Counter invariant, per worker: {@code rx = forwarded + replied + punted + drops}. A packet's
 * outcome is counted once, here, when it is known ({@link PacketPipeline#settle}): forwarded and
 * replied when the NIC accepted the frame, else a {@link DropReason#TX_QUEUE_FULL} drop; punted when
 * the punt ring took it, else a {@link DropReason#PUNT_QUEUE_FULL} drop; dropped by the pipeline's
 * reason. Nothing is counted ahead and undone.
 */
public final class WorkerAgent implements Agent, WorkerCommandRing.WorkerCommandHandler
{
    /** Most commands (injected frames included) taken per duty cycle. */
    public static final int COMMAND_LIMIT = 8;
    /** Length of the periods over which the busy share and the longest duty cycle are measured. */
    public static final long DUTY_PERIOD_NS = 1_000_000_000L;
    private static final double PARTS_PER_MILLION = 1e6;
    /**
     * How often the counters are published, busy or idle: readers (stats, metrics, a generation's
     * confirmation) see them at most this late, and a busy worker does not pay for publishing every
     * counter's cache line in every duty cycle.
     */
    static final long PUBLISH_INTERVAL_NS = 100_000L;
    private static final int KIND_FORWARD = Verdict.FORWARD;
    private static final int KIND_REPLY = Verdict.REPLY;
    private static final int KIND_INJECT = 0;

    private final String roleName;
    private final Eal eal;
    private final Port port;
    private final int queue;
    private final MbufPool pool;
    private final PacketPipeline pipeline;
    private final boolean burstPrefetch;
    private final DataplaneCounters counters;
    private final SnapshotPublisher snapshots;
    private final FrameRing puntRing;
    private final WorkerCommandRing commands;
    private final NanoClock clock;
    private final long portMac;
    private final int burstSize;
    private final ExpiryPacer expiry;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment rxPointers;
    private final MemorySegment txPointers;
    private final MemorySegment freePointers;
    private final int[] txLengths;
    private final int[] txKinds;
    private final Mbuf mbuf = new Mbuf();
    private final PacketBuffer packet = new PacketBuffer();
    private final MemorySegment memory = Mbuf.memory();
    private final CycleProfile profile;

    private int txCount;
    private int freeCount;
    private long lastPublishNs;
    private boolean registered;
    private int cpu = -1;
    private int inFlightIndex;
    private boolean inFlight;
    private boolean inFlightReceived;
    private boolean cycleStarted;
    private boolean lastCycleBusy;
    private long cycleStartNs;
    private long periodStartNs;
    private long periodBusyNs;
    private long periodMaxCycleNs;

    /**
     * @param workerId              number of this worker (names its thread and counters).
     * @param eal                   the running EAL, to register the worker thread with; null in tests that step on a registered thread.
     * @param port                  the port.
     * @param queue                 the RX and TX queue this worker owns.
     * @param pool                  the mbuf pool the port's RX queue fills from.
     * @param portMac               the MAC the LB answers to and sends from: the port's own, or a VRRP virtual MAC.
     * @param pipeline              the pipeline, with this worker's flow tracker and counters.
     * @param snapshots             where the newest service snapshot is found.
     * @param puntRing              frames for the control plane (this worker produces).
     * @param commands              what other threads ask of this worker (this worker consumes).
     * @param clock                 the clock.
     * @param burstSize             most packets per RX burst.
     * @param expiryBucketsPerCycle the fewest flow-table buckets an expiry slice sweeps (slices are paced by time:
     *                              the whole table once a second, see {@link ExpiryPacer}).
     */
    public WorkerAgent(
        final int workerId, final Eal eal, final Port port, final int queue, final MbufPool pool, final long portMac,
        final PacketPipeline pipeline,
        final SnapshotPublisher snapshots, final FrameRing puntRing, final WorkerCommandRing commands, final NanoClock clock,
        final int burstSize, final int expiryBucketsPerCycle)
    {
        if (burstSize < 1 || burstSize > 512)
        {
            throw new IllegalArgumentException("burst size " + burstSize + " is not 1..512");
        }
        this.roleName = "sluice-worker-" + workerId;
        this.eal = eal;
        this.port = port;
        this.queue = queue;
        this.pool = pool;
        this.pipeline = pipeline;
        this.burstPrefetch = pipeline.burstPrefetch();
        this.counters = pipeline.counters();
        this.snapshots = snapshots;
        this.puntRing = puntRing;
        this.commands = commands;
        this.clock = clock;
        this.portMac = portMac;
        this.burstSize = burstSize;
        this.expiry = ExpiryPacer.forTable(pipeline.flowBuckets(), expiryBucketsPerCycle);
        this.profile = new CycleProfile(counters, clock);
        final int pointers = burstSize + COMMAND_LIMIT;
        rxPointers = arena.allocate(ValueLayout.JAVA_LONG, burstSize);
        txPointers = arena.allocate(ValueLayout.JAVA_LONG, pointers);
        freePointers = arena.allocate(ValueLayout.JAVA_LONG, pointers);
        txLengths = new int[pointers];
        txKinds = new int[pointers];
    }

    /**
     * Pins the worker's thread to a CPU when it starts (a dedicated dataplane core).
     *
     * @param cpu the CPU, or -1 to leave the thread unpinned.
     * @return this.
     */
    public WorkerAgent pinTo(final int cpu)
    {
        this.cpu = cpu;
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public void onStart()
    {
        if (eal != null && cpu >= 0)
        {
            eal.pinCurrentThread(cpu);
        }
        if (eal != null && !registered)
        {
            eal.registerCurrentThread();
            registered = true;
        }
    }

    /** {@inheritDoc} */
    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        accountDutyCycle(nowNs);
        profile.begin(nowNs);
        final ServiceSnapshot snapshot = snapshots.current();
        counters.set(WorkerCounter.GENERATION, snapshot.generation());
        txCount = 0;
        freeCount = 0;

        pipeline.begin(snapshot, portMac, nowNs);
        int work = commands.drain(this, COMMAND_LIMIT);
        profile.mark(CycleProfile.COMMANDS);
        final int received = port.rxBurst(queue, rxPointers, burstSize);
        profile.mark(CycleProfile.RX);
        inFlightIndex = -1;
        inFlight = false;
        try
        {
            if (received > 0 && burstPrefetch)
            {
                prefetchFlows(received);
            }
            for (int i = 0; i < received; i++)
            {
                inFlightIndex = i;
                inFlight = true;
                inFlightReceived = false;
                onPacket(rxPointers.getAtIndex(ValueLayout.JAVA_LONG, i), i);
                inFlight = false;
            }
        }
        catch (final RuntimeException ex)
        {
            lastCycleBusy = true;
            recoverBurst(received);
            throw ex;
        }
        finally
        {
            profile.mark(CycleProfile.PIPELINE);
            if (txCount > 0)
            {
                transmit();
            }
            profile.mark(CycleProfile.TX);
            if (freeCount > 0)
            {
                pool.freeBulk(freePointers, freeCount);
            }
            profile.mark(CycleProfile.FREE);
        }
        work += received;
        work += pipeline.expireFlows(expiry.bucketsDue(nowNs));
        profile.mark(CycleProfile.EXPIRY);
        lastCycleBusy = work > 0;

        if (work > 0)
        {
            counters.increment(WorkerCounter.WORK_CYCLES);
        }
        if (nowNs - lastPublishNs >= PUBLISH_INTERVAL_NS)
        {
            counters.set(WorkerCounter.COMMANDS_MALFORMED, commands.malformed());
            counters.publish();
            lastPublishNs = nowNs;
        }
        profile.end(received);
        return work;
    }

    /**
     * Accounts the previous duty cycle, which ended now: its length goes to the busy time when it
     * did work and to the period's longest cycle; a period that has lasted {@link #DUTY_PERIOD_NS}
     * is closed and its figures published as gauges.
     */
    private void accountDutyCycle(final long nowNs)
    {
        counters.increment(WorkerCounter.DUTY_CYCLES);
        if (!cycleStarted)
        {
            cycleStarted = true;
            cycleStartNs = nowNs;
            periodStartNs = nowNs;
            return;
        }
        final long cycleNs = nowNs - cycleStartNs;
        cycleStartNs = nowNs;
        if (lastCycleBusy)
        {
            counters.add(WorkerCounter.BUSY_NS, cycleNs);
            periodBusyNs += cycleNs;
        }
        if (cycleNs > periodMaxCycleNs)
        {
            periodMaxCycleNs = cycleNs;
        }
        final long periodNs = nowNs - periodStartNs;
        if (periodNs >= DUTY_PERIOD_NS)
        {
            counters.set(WorkerCounter.BUSY_PPM, (long)((double)periodBusyNs * PARTS_PER_MILLION / periodNs));
            counters.set(WorkerCounter.MAX_CYCLE_NS, periodMaxCycleNs);
            periodStartNs = nowNs;
            periodBusyNs = 0;
            periodMaxCycleNs = 0;
        }
    }

    /**
     * After the pipeline threw (a defect): the packet being processed, if it was neither queued
     * nor freed, and the rest of the burst are freed and counted as internal errors (received,
     * and not yet settled), so no mbuf leaks and the counters still add up. The agent runner
     * reports the exception.
     */
    private void recoverBurst(final int received)
    {
        if (inFlight)
        {
            if (!inFlightReceived)
            {
                counters.increment(WorkerCounter.RX_PACKETS);
            }
            counters.dropped(DropReason.INTERNAL_ERROR);
            free(rxPointers.getAtIndex(ValueLayout.JAVA_LONG, inFlightIndex));
            inFlight = false;
        }
        for (int i = inFlightIndex + 1; i < received; i++)
        {
            counters.increment(WorkerCounter.RX_PACKETS);
            counters.dropped(DropReason.INTERNAL_ERROR);
            free(rxPointers.getAtIndex(ValueLayout.JAVA_LONG, i));
        }
    }

    /**
     * The pipeline's passes over the burst before processing it, run only with a flow table too
     * large for the caches ({@link PacketPipeline#burstPrefetch()}): the flow hash of every frame
     * (see {@link PacketPipeline#prefetchFlow}), then the loads of the flows' table lines, whose
     * cache misses then overlap.
     */
    private void prefetchFlows(final int received)
    {
        for (int i = 0; i < received; i++)
        {
            mbuf.wrap(rxPointers.getAtIndex(ValueLayout.JAVA_LONG, i));
            final int offset = mbuf.dataOffset();
            pipeline.prefetchFlow(i, mbuf.bufferAddress() + offset, Math.min(mbuf.dataLength(), mbuf.bufferLength() - offset));
        }
        pipeline.prefetchFlowSlots(received);
    }

    private void onPacket(final long address, final int index)
    {
        mbuf.wrap(address);
        if (mbuf.segmentCount() != 1)
        {
            counters.increment(WorkerCounter.RX_PACKETS);
            counters.add(WorkerCounter.RX_BYTES, mbuf.packetLength());
            counters.dropped(DropReason.MULTI_SEGMENT);
            free(address);
            return;
        }
        packet.wrap(memory, mbuf.bufferAddress(), mbuf.bufferLength(), mbuf.dataOffset(), mbuf.dataLength());
        inFlightReceived = true;
        final int verdict = pipeline.process(packet, burstPrefetch ? index : -1);
        if (verdict == Verdict.FORWARD || verdict == Verdict.REPLY)
        {
            mbuf.dataOffset(packet.dataOffset());
            mbuf.setLength(packet.dataLength());
            queueTransmit(address, verdict, packet.dataLength());
            return;
        }
        if (verdict == Verdict.PUNT && !puntRing.offer(memory, packet.dataStart(), packet.dataLength()))
        {
            counters.dropped(DropReason.PUNT_QUEUE_FULL);
        }
        else
        {
            pipeline.settle(verdict);
        }
        free(address);
    }

    /** Sends one frame queued by the control plane: copied into a fresh mbuf and queued for TX. */
    @Override
    public void onFrame(final MemorySegment segment, final long offset, final int length)
    {
        final long address = pool.alloc();
        if (address == 0)
        {
            counters.increment(WorkerCounter.INJECT_FAILED);
            return;
        }
        mbuf.wrap(address);
        if (length > mbuf.bufferLength() - mbuf.dataOffset())
        {
            counters.increment(WorkerCounter.INJECT_FAILED);
            free(address);
            return;
        }
        MemorySegment.copy(segment, offset, memory, mbuf.dataAddress(), length);
        mbuf.setLength(length);
        queueTransmit(address, KIND_INJECT, length);
    }

    private void queueTransmit(final long address, final int kind, final int length)
    {
        inFlight = false;
        txPointers.setAtIndex(ValueLayout.JAVA_LONG, txCount, address);
        txLengths[txCount] = length;
        txKinds[txCount] = kind;
        txCount++;
    }

    private void free(final long address)
    {
        inFlight = false;
        freePointers.setAtIndex(ValueLayout.JAVA_LONG, freeCount++, address);
    }

    private void transmit()
    {
        final int sent = port.txBurst(queue, txPointers, txCount);
        long bytes = 0;
        for (int i = 0; i < sent; i++)
        {
            bytes += txLengths[i];
            final int kind = txKinds[i];
            if (kind == KIND_INJECT)
            {
                counters.increment(WorkerCounter.INJECTED);
            }
            else
            {
                counters.settle(kind, 0);
            }
        }
        counters.add(WorkerCounter.TX_PACKETS, sent);
        counters.add(WorkerCounter.TX_BYTES, bytes);
        for (int i = sent; i < txCount; i++)
        {
            if (txKinds[i] == KIND_INJECT)
            {
                counters.increment(WorkerCounter.INJECT_FAILED);
            }
            else
            {
                counters.dropped(DropReason.TX_QUEUE_FULL);
            }
            free(txPointers.getAtIndex(ValueLayout.JAVA_LONG, i));
        }
    }

    /** Applies a flow from a peer to this worker's table: see {@code FlowTracker.onUpsert}. */
    @Override
    public void onUpsert(final FlowRecord record)
    {
        pipeline.flows().onUpsert(record);
    }

    /** Answers a slice of this worker's table: see {@code FlowTracker.onDump}. */
    @Override
    public void onDump(final long requestId, final int fromHandle, final int maxFlows)
    {
        pipeline.flows().onDump(requestId, fromHandle, maxFlows);
    }

    /** Answers one flow of this worker's table: see {@code FlowTracker.onLookup}. */
    @Override
    public void onLookup(final long requestId, final FlowKey key)
    {
        pipeline.flows().onLookup(requestId, key);
    }

    /** {@inheritDoc} */
    @Override
    public void onClose()
    {
        counters.publish();
        if (registered)
        {
            eal.unregisterCurrentThread();
            registered = false;
        }
        arena.close();
    }

    /** {@inheritDoc} */
    @Override
    public String roleName()
    {
        return roleName;
    }

    /** @return the ring other threads queue commands for this worker into. */
    public WorkerCommandRing commands()
    {
        return commands;
    }

    /** @return this worker's counters. */
    public DataplaneCounters counters()
    {
        return counters;
    }
}
