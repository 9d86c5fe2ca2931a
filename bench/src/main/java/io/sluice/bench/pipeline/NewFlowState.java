package io.sluice.bench.pipeline;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.nat.PortPool;
import io.sluice.dataplane.service.ForwardingMode;

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;
import static io.sluice.bench.pipeline.PipelineFixture.START_NS;

/**
 * The new-flow case: every packet is a 5-tuple never seen before, so each one misses the flow
 * table, takes its backend from Maglev and is inserted.
 * <p>
 * Each packet is a copy of one template frame whose source address and port are then set to the
 * next client tuple ({@link ClientTuples}, 2^39 of them before they would repeat), checksums
 * patched ({@link TcpSourceRewriter}). The table cannot fill up because the flows expire: the
 * VIP's TCP idle timeout is {@link #TCP_IDLE_TIMEOUT_NS} and the worker's clock advances by
 * {@link #BURST_INTERVAL_NS} per burst ({@link #PACKET_INTERVAL_NS} per packet), so at any moment
 * the flows of the last {@link #LIVE_FLOWS} packets are live (one eighth of the
 * {@link #FLOW_TABLE_CAPACITY}-slot table, one per 8-slot bucket on average) and every older one is
 * expired. Once every slot has been used, each insert takes the first expired slot of its bucket,
 * found from the bucket's header line, as in a long-running worker. A bucket holding eight live
 * flows at once (about one insert in 10^5) has its stalest flow evicted
 * ({@link #MIN_EVICTION_IDLE_NS} is 0), so no insert ever fails.
 * <p>
 * <b>Full NAT</b> ({@link #mode()}): each new flow also takes a port of its backend's pool and
 * inserts a second entry, the reverse one, so the same table holds twice the live entries (one
 * quarter of its slots, two per bucket on average; a bucket of eight live entries, and so an
 * eviction, is likelier than in the other modes: the tear-down prints the count). The pool cannot
 * run dry: it hands its ports out in turn (first in, first out), and a port is taken while its
 * reverse entry is live, that is for {@link #TCP_IDLE_TIMEOUT_NS} after its flow's one packet; with 100 backends a
 * backend's pool of the {@link PortPool#MIN_PORT}..{@link PortPool#MAX_PORT} range (64512 ports)
 * comes round to a port again after about 6.4 million new flows, about 790 s of the simulated clock,
 * when its flow expired long before. So the first port tried is free (its reverse key misses the
 * table): the measured cost is one pool step, one reverse-key lookup and two inserts per flow. An
 * exhausted pool would drop the packet ({@code nat-ports-exhausted}), which the checks refuse.
 * <p>
 * The VIP has {@link PipelineFixture#BACKEND_COUNT} backends unless a subclass ({@link #backendCount()}) says otherwise.
 * <p>
 * Setup runs {@link #SETUP_PACKETS} packets (four times the capacity, well into the steady state)
 * and checks that each was forwarded as the mode's packet and inserted as a new flow; tear-down
 * checks the same of every measured packet, through the counters.
 */
@State(Scope.Thread)
public class NewFlowState implements BurstCase
{
    /** Flow table capacity. */
    public static final int FLOW_TABLE_CAPACITY = 1 << 16;

    /** Flows live at any moment in the steady state. */
    public static final int LIVE_FLOWS = FLOW_TABLE_CAPACITY / 8;

    /** The VIP's TCP idle timeout. */
    public static final long TCP_IDLE_TIMEOUT_NS = 1_000_000_000L;

    /** Simulated time between two packets. */
    public static final long PACKET_INTERVAL_NS = TCP_IDLE_TIMEOUT_NS / LIVE_FLOWS;

    /** Simulated time between two bursts. */
    public static final long BURST_INTERVAL_NS = PACKET_INTERVAL_NS * BURST_SIZE;

    /** An insert into a bucket full of live flows evicts the stalest. */
    public static final long MIN_EVICTION_IDLE_NS = 0;

    /** Packets the setup runs and checks one by one. */
    public static final int SETUP_PACKETS = 4 * FLOW_TABLE_CAPACITY;

    private final ForwardingMode fixedMode;
    private final int natLastPort;
    private PipelineFixture fixture;
    private TcpSourceRewriter rewriter;
    private long template;
    private long nextTuple;
    private long nowNs;
    private long bursts;
    private long evictionsAtMark;

    /** The case in IPIP mode. */
    public NewFlowState()
    {
        this(ForwardingMode.IPIP, PortPool.MAX_PORT);
    }

    /**
     * The case in a mode.
     *
     * @param mode        IPIP, NAT or FULLNAT.
     * @param natLastPort the last full-NAT port (the pools hold {@link PortPool#MIN_PORT} to it);
     *                    less than {@link PortPool#MAX_PORT} only to make the pools come round sooner.
     */
    public NewFlowState(final ForwardingMode mode, final int natLastPort)
    {
        this.fixedMode = mode;
        this.natLastPort = natLastPort;
    }

    /** @return the VIP's forwarding mode; a JMH subclass answers its parameter. */
    protected ForwardingMode mode()
    {
        return fixedMode;
    }

    /** @return the VIP's number of backends, {@link PipelineFixture#BACKEND_COUNT} unless a JMH subclass answers its parameter. */
    protected int backendCount()
    {
        return PipelineFixture.BACKEND_COUNT;
    }

    /** Builds the pipeline and the template, and runs and checks the first packets. */
    @Setup(Level.Trial)
    public void setUp()
    {
        fixture = new PipelineFixture(
            mode(), FLOW_TABLE_CAPACITY, TCP_IDLE_TIMEOUT_NS, MIN_EVICTION_IDLE_NS, natLastPort, backendCount());
        template = fixture.allocateFrames(1);
        PipelineFixture.encodeFrame(template, 0);
        rewriter = new TcpSourceRewriter(PipelineFixture.memory(), template);
        nowNs = START_NS;

        fixture.markCounters();
        for (int burst = 0; burst < SETUP_PACKETS / BURST_SIZE; burst++)
        {
            runCheckedBurst();
        }
        fixture.requireCountsSinceMark(SETUP_PACKETS, PipelineFixture.FlowOutcome.NEW_FLOW);
        fixture.markCounters();
        evictionsAtMark = fixture.flowTable().evictions();
        bursts = 0;
    }

    /**
     * Runs a burst and checks each packet: forwarded as the mode's packet of its client tuple.
     *
     * @throws IllegalStateException naming what is wrong.
     */
    public void runCheckedBurst()
    {
        final long firstTuple = nextTuple;
        beginBurst();
        for (int i = 0; i < BURST_SIZE; i++)
        {
            fixture.requireForwarded(processPacket(i), firstTuple + i);
        }
    }

    /** Starts a burst: advances the worker's clock by {@link #BURST_INTERVAL_NS}. */
    public void beginBurst()
    {
        nowNs += BURST_INTERVAL_NS;
        fixture.beginBurst(nowNs);
        for (int i = 0; i < BURST_SIZE; i++)
        {
            receiveOnly(i);
        }
        fixture.prefetch(BURST_SIZE);
        bursts++;
    }

    /**
     * Receives packet {@code index} of the burst (a copy of the template given the next client
     * tuple) and runs it through the pipeline.
     *
     * @param index 0 to {@link PipelineFixture#BURST_SIZE} - 1.
     * @return the verdict.
     */
    public int processPacket(final int index)
    {
        return fixture.process(index);
    }

    /**
     * Receives packet {@code index} of the burst without processing it: the copy and the new source alone.
     *
     * @param index 0 to {@link PipelineFixture#BURST_SIZE} - 1.
     * @return the address of the received frame.
     */
    public long receiveOnly(final int index)
    {
        final long frame = fixture.receive(index, template);
        final long tuple = nextTuple++;
        rewriter.rewrite(PipelineFixture.memory(), frame, ClientTuples.address(tuple), ClientTuples.port(tuple));
        return frame;
    }

    /**
     * Checks that every packet since the setup was forwarded and inserted as a new flow, prints the
     * flow table's eviction count, then frees the memory.
     *
     * @throws IllegalStateException when a counter is off.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            final long packets = bursts * BURST_SIZE;
            fixture.requireCountsSinceMark(packets, PipelineFixture.FlowOutcome.NEW_FLOW);
            if (packets > 0)
            {
                final FlowTable table = fixture.flowTable();
                System.out.println(
                    "newFlow check passed (" + fixture.mode() + ", " + fixture.backendCount() + " backends): " + packets +
                    " packets, all forwarded new flows; flow table " + table.size() + " occupied slots, " + (table.evictions() - evictionsAtMark) + " evictions");
            }
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

    /** @return the number of the next client tuple. */
    public long nextTuple()
    {
        return nextTuple;
    }
}
