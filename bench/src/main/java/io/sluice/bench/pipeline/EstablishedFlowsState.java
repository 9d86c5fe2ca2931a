package io.sluice.bench.pipeline;

import java.util.BitSet;
import java.util.SplittableRandom;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.nat.PortPool;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;
import static io.sluice.bench.pipeline.PipelineFixture.START_NS;
import static io.sluice.bench.pipeline.TcpFrameEncoder.FRAME_STRIDE;

/**
 * The many-established-flows case: the flow table holds a number of established flows
 * ({@link #FLOW_COUNT}, 1,000,000, unless a constructor or a subclass ({@link #flowCount()}) says
 * otherwise) and each packet belongs to one of them picked at random, so that once the table is far
 * larger than the caches nearly every lookup misses them.
 * <p>
 * The flow table's capacity is {@link #capacityFor} the flow count (the smallest power of two of at
 * least twice the flows and at least {@link #MIN_FLOW_TABLE_CAPACITY}: at most half full, as an operator
 * would size it) unless a constructor gives it. The VIP has {@link PipelineFixture#BACKEND_COUNT} backends
 * unless a subclass ({@link #backendCount()}) says otherwise.
 * <p>
 * Setup establishes the flows by running one packet of each through the pipeline (client tuples
 * 0, 1, 2, ..., see {@link ClientTuples}). A flow whose bucket is already full of eight flows is
 * forwarded statelessly and left out (the clock does not move, so nothing can be evicted), and the
 * next tuple is tried, until the table holds exactly the flow count. Then it writes a sequence of
 * {@link #SEQUENCE_LENGTH} frames, each of a flow drawn uniformly at random (fixed seed) from the
 * established ones, one after another in memory, and runs the whole sequence once, checking that
 * every frame is forwarded as an IPIP packet of a flow hit. The benchmark receives the sequence's
 * frames in order, a burst at a time, wrapping around at the end: the frames stream in like a NIC's
 * receive ring while the flows they hit are scattered over the table. The clock stays put, so no
 * flow expires. Tear-down checks that every measured packet was forwarded as a flow hit.
 */
@State(Scope.Thread)
public class EstablishedFlowsState implements BurstCase
{
    /** Established flows in the table unless a constructor or a subclass says otherwise. */
    public static final int FLOW_COUNT = 1_000_000;

    /** Flow table capacity of {@link #FLOW_COUNT} flows: about twice the flow count. */
    public static final int FLOW_TABLE_CAPACITY = 1 << 21;

    /** The smallest capacity {@link #capacityFor} gives: that of {@link EstablishedFlowState}'s table. */
    public static final int MIN_FLOW_TABLE_CAPACITY = EstablishedFlowState.FLOW_TABLE_CAPACITY;

    /** Most flows a table of {@link #capacityFor} fits: half of {@code FlowTable.MAX_CAPACITY}. */
    public static final int MAX_FLOW_COUNT = FlowTable.MAX_CAPACITY / 2;

    /** Frames in the precomputed random sequence. */
    public static final int SEQUENCE_LENGTH = 1 << 20;

    /** The VIP's TCP idle timeout. */
    public static final long TCP_IDLE_TIMEOUT_NS = 300_000_000_000L;

    /** How long a flow must be idle before an insert may evict it. */
    public static final long MIN_EVICTION_IDLE_NS = 1_000_000_000L;

    private static final long SEQUENCE_SEED = 0x51CE_BE4C_0001L;
    private static final int DERIVED_CAPACITY = 0;

    private final int fixedFlowCount;
    private final int fixedCapacity;
    private final int sequenceLength;
    private int flowCount;
    private PipelineFixture fixture;
    private long sequence;
    private long burstFrames;
    private int cursor;
    private long bursts;
    private long skippedTuples;
    private long setupNs;
    private int sequenceFlows;

    /** The benchmark's configuration: {@link #FLOW_COUNT} flows, or a subclass's {@link #flowCount()}. */
    public EstablishedFlowsState()
    {
        this(FLOW_COUNT, DERIVED_CAPACITY, SEQUENCE_LENGTH);
    }

    /**
     * A smaller or larger configuration, for tests.
     *
     * @param flowCount         established flows, at most half the capacity.
     * @param flowTableCapacity flow table capacity, a power of two.
     * @param sequenceLength    frames in the random sequence, a power of two and a multiple of the burst size.
     * @throws IllegalArgumentException when the sizes do not fit together.
     */
    public EstablishedFlowsState(final int flowCount, final int flowTableCapacity, final int sequenceLength)
    {
        requireFits(flowCount, flowTableCapacity == DERIVED_CAPACITY ? capacityFor(flowCount) : flowTableCapacity);
        if (Integer.bitCount(sequenceLength) != 1 || sequenceLength < BURST_SIZE)
        {
            throw new IllegalArgumentException(
                "sequence length " + sequenceLength + " must be a power of two of at least " + BURST_SIZE);
        }
        this.fixedFlowCount = flowCount;
        this.fixedCapacity = flowTableCapacity;
        this.sequenceLength = sequenceLength;
    }

    /**
     * The flow table capacity for a flow count: the smallest power of two of at least twice the flows
     * and at least {@link #MIN_FLOW_TABLE_CAPACITY}. 1,000,000 flows get {@link #FLOW_TABLE_CAPACITY}.
     *
     * @param flowCount established flows, 1 to {@link #MAX_FLOW_COUNT}.
     * @return the capacity.
     * @throws IllegalArgumentException when the flow count is out of range.
     */
    public static int capacityFor(final int flowCount)
    {
        if (flowCount < 1 || flowCount > MAX_FLOW_COUNT)
        {
            throw new IllegalArgumentException("flow count " + flowCount + " is not 1.." + MAX_FLOW_COUNT);
        }
        return Math.max(MIN_FLOW_TABLE_CAPACITY, Integer.highestOneBit(2 * flowCount - 1) << 1);
    }

    private static void requireFits(final int flowCount, final int flowTableCapacity)
    {
        if (flowCount < 1 || flowCount > flowTableCapacity / 2)
        {
            throw new IllegalArgumentException(
                "flow count " + flowCount + " must be 1 to half the flow table capacity " + flowTableCapacity);
        }
    }

    /** @return the number of established flows; a JMH subclass answers its parameter. */
    protected int flowCount()
    {
        return fixedFlowCount;
    }

    /** @return the VIP's number of backends; a JMH subclass answers its parameter. */
    protected int backendCount()
    {
        return PipelineFixture.BACKEND_COUNT;
    }

    /** Builds the pipeline, establishes the flows, writes the random sequence and checks it. */
    @Setup(Level.Trial)
    public void setUp()
    {
        final long startNs = System.nanoTime();
        flowCount = flowCount();
        final int capacity = fixedCapacity == DERIVED_CAPACITY ? capacityFor(flowCount) : fixedCapacity;
        requireFits(flowCount, capacity);
        fixture = new PipelineFixture(
            ForwardingMode.IPIP, capacity, TCP_IDLE_TIMEOUT_NS, MIN_EVICTION_IDLE_NS, PortPool.MAX_PORT, backendCount());
        final long[] flows = establishFlows();

        sequence = fixture.allocateFrames(sequenceLength);
        final SplittableRandom random = new SplittableRandom(SEQUENCE_SEED);
        final BitSet drawn = new BitSet(flowCount);
        for (int i = 0; i < sequenceLength; i++)
        {
            final int flow = random.nextInt(flowCount);
            drawn.set(flow);
            PipelineFixture.encodeFrame(sequence + (long)i * FRAME_STRIDE, flows[flow]);
        }
        sequenceFlows = drawn.cardinality();

        fixture.markCounters();
        for (int burst = 0; burst < sequenceLength / BURST_SIZE; burst++)
        {
            beginBurst();
            for (int i = 0; i < BURST_SIZE; i++)
            {
                fixture.requireTunnelled(processPacket(i));
            }
        }
        fixture.requireCountsSinceMark(sequenceLength, PipelineFixture.FlowOutcome.FLOW_HIT);
        fixture.markCounters();
        bursts = 0;
        setupNs = System.nanoTime() - startNs;
        System.out.println(describe());
    }

    private long[] establishFlows()
    {
        final long[] flows = new long[flowCount];
        final long scratch = fixture.allocateFrames(1);
        final FlowTable table = fixture.flowTable();
        int established = 0;
        long tuple = 0;
        fixture.beginBurst(START_NS);
        while (established < flowCount)
        {
            PipelineFixture.encodeFrame(scratch, tuple);
            final long newBefore = fixture.counters().get(WorkerCounter.FLOW_NEW);
            fixture.receive(0, scratch);
            fixture.requireTunnelled(fixture.process());
            if (fixture.counters().get(WorkerCounter.FLOW_NEW) != newBefore)
            {
                flows[established++] = tuple;
            }
            else
            {
                skippedTuples++;
            }
            tuple++;
        }
        if (table.size() != flowCount || table.evictions() != 0)
        {
            throw new IllegalStateException(
                "flow table holds " + table.size() + " flows after " + table.evictions() + " evictions, expected " +
                flowCount + " and none");
        }
        return flows;
    }

    /** Starts a burst: the next {@link PipelineFixture#BURST_SIZE} frames of the sequence. */
    public void beginBurst()
    {
        fixture.beginBurst(START_NS);
        burstFrames = sequence + (long)cursor * FRAME_STRIDE;
        cursor = (cursor + BURST_SIZE) & (sequenceLength - 1);
        for (int i = 0; i < BURST_SIZE; i++)
        {
            fixture.receive(i, burstFrames + (long)i * FRAME_STRIDE);
        }
        fixture.prefetch(BURST_SIZE);
        bursts++;
    }

    /**
     * Receives packet {@code index} of the burst (a copy of its frame in the sequence) and runs it
     * through the pipeline.
     *
     * @param index 0 to {@link PipelineFixture#BURST_SIZE} - 1.
     * @return the verdict.
     */
    public int processPacket(final int index)
    {
        return fixture.process(index);
    }

    /**
     * Checks that every packet since the setup was forwarded as a flow hit, then frees the memory.
     *
     * @throws IllegalStateException when a counter is off.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            fixture.requireCountsSinceMark(bursts * BURST_SIZE, PipelineFixture.FlowOutcome.FLOW_HIT);
        }
        finally
        {
            fixture.close();
        }
    }

    /** @return the pipeline, for tests. */
    public PipelineFixture fixture()
    {
        return fixture;
    }

    /** @return tuples left out of the table because their bucket was full. */
    public long skippedTuples()
    {
        return skippedTuples;
    }

    /** @return the wall time the last setup took, table allocation and checked first pass included. */
    public long setupNs()
    {
        return setupNs;
    }

    /** @return how many distinct flows the frames of the random sequence belong to. */
    public int sequenceFlows()
    {
        return sequenceFlows;
    }

    /**
     * A line for the benchmark's log: flows, table capacity and memory, left-out tuples, setup time.
     *
     * @return the line.
     */
    public String describe()
    {
        final FlowTable table = fixture.flowTable();
        return "established flows: " + table.size() + " in a table of " + table.capacity() + " slots (" +
            (table.byteSize() >> 20) + " MiB), " + fixture.backendCount() + " backends, " + skippedTuples +
            " tuples left out (full buckets), " + sequenceFlows + " distinct flows in the " + sequenceLength +
            "-frame sequence, setup " + setupNs / 1_000_000 + " ms";
    }
}
