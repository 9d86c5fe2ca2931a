package io.sluice.bench.pipeline;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.bench.pipeline.IpipPipelineFixture.BURST_SIZE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the benchmark states the way the JMH methods do, and checks that each case is what it says.
 */
class PipelineStatesTest
{
    private static final int BURSTS = 1000;

    @Test
    void shouldForwardEveryPacketAsFlowHitWhenFlowsAreEstablished()
    {
        final EstablishedFlowState state = new EstablishedFlowState();
        state.setUp();
        final IpipPipelineFixture fixture = state.fixture();
        for (int burst = 0; burst < BURSTS; burst++)
        {
            state.beginBurst();
            for (int i = 0; i < BURST_SIZE; i++)
            {
                fixture.requireTunnelled(state.processPacket(i));
            }
        }

        assertEquals((long)BURSTS * BURST_SIZE, fixture.sinceMark(WorkerCounter.FLOW_HITS));
        assertEquals(0, fixture.sinceMark(WorkerCounter.FLOW_NEW));
        assertEquals(EstablishedFlowState.FLOW_COUNT, fixture.flowTable().size());
        assertDoesNotThrow(state::tearDown);
    }

    @Test
    void shouldInsertEveryPacketAsNewFlowWithoutFallbackWhenRunFarPastTableCapacity()
    {
        final NewFlowState state = new NewFlowState();
        state.setUp();
        final IpipPipelineFixture fixture = state.fixture();
        final FlowTable table = fixture.flowTable();
        final long evictionsBefore = table.evictions();
        final long tupleBefore = state.nextTuple();
        final int bursts = 4 * NewFlowState.FLOW_TABLE_CAPACITY / BURST_SIZE;
        for (int burst = 0; burst < bursts; burst++)
        {
            state.beginBurst();
            for (int i = 0; i < BURST_SIZE; i++)
            {
                fixture.requireTunnelled(state.processPacket(i));
            }
        }

        final long packets = (long)bursts * BURST_SIZE;
        assertEquals(packets, fixture.sinceMark(WorkerCounter.FLOW_NEW));
        assertEquals(0, fixture.sinceMark(WorkerCounter.FLOW_HITS));
        assertEquals(0, fixture.counters().get(WorkerCounter.FLOW_FALLBACK));
        assertEquals(packets, state.nextTuple() - tupleBefore);
        assertEquals(NewFlowState.FLOW_TABLE_CAPACITY, table.size(), "every slot in use: inserts reuse expired slots");
        assertEquals(0, table.insertFailures());
        assertTrue((table.evictions() - evictionsBefore) * 10_000 < packets, "evictions " + (table.evictions() - evictionsBefore));
        assertDoesNotThrow(state::tearDown);
    }

    @Test
    void shouldHitOnlyEstablishedFlowsWhenFlowsAreSpreadOverLargeTable()
    {
        final int flowCount = 1 << 18;
        final int sequenceLength = 1 << 15;
        final EstablishedFlowsState state = new EstablishedFlowsState(flowCount, 2 * flowCount, sequenceLength);
        state.setUp();
        final IpipPipelineFixture fixture = state.fixture();
        assertTrue(fixture.flowTable().byteSize() >= (32L << 20),
            "a table large enough for the burst passes, which the 1M case runs");
        assertEquals(flowCount, fixture.flowTable().size());
        assertTrue(state.skippedTuples() > 0, "at half load some buckets fill up and their extra tuples are left out");

        final int bursts = 2 * sequenceLength / BURST_SIZE;
        for (int burst = 0; burst < bursts; burst++)
        {
            state.beginBurst();
            for (int i = 0; i < BURST_SIZE; i++)
            {
                fixture.requireTunnelled(state.processPacket(i));
            }
        }

        assertEquals((long)bursts * BURST_SIZE, fixture.sinceMark(WorkerCounter.FLOW_HITS));
        assertEquals(flowCount, fixture.flowTable().size());
        assertDoesNotThrow(state::tearDown);
    }

    @Test
    void shouldRejectSizesThatDoNotFitWhenConfiguringManyFlows()
    {
        assertThrows(IllegalArgumentException.class, () -> new EstablishedFlowsState(1 << 14, 1 << 14, 1 << 15));
        assertThrows(IllegalArgumentException.class, () -> new EstablishedFlowsState(1 << 10, 1 << 14, 1000));
    }

    @Test
    void shouldFailTearDownWhenMeasuredPacketsWereNotAllForwarded()
    {
        final EstablishedFlowState state = new EstablishedFlowState();
        state.setUp();
        state.beginBurst();
        state.processPacket(0);

        final IllegalStateException failure = assertThrows(IllegalStateException.class, state::tearDown);
        assertTrue(failure.getMessage().contains("forwarded = 1 (expected 32)"), failure.getMessage());
    }

    @Test
    void shouldRefusePacketToUnknownVipWhenCheckingVerdict()
    {
        try (IpipPipelineFixture fixture = new IpipPipelineFixture(1 << 10, 1_000_000_000L, 0))
        {
            final long frame = fixture.allocateFrames(1);
            TcpFrameEncoder.encode(
                IpipPipelineFixture.memory(), frame, IpipPipelineFixture.PORT_MAC, IpipPipelineFixture.ROUTER_MAC,
                0x0A00_0001, 40000, IpipPipelineFixture.VIP_ADDRESS + 1, IpipPipelineFixture.VIP_PORT);
            fixture.beginBurst(IpipPipelineFixture.START_NS);
            fixture.receive(0, frame);
            final int verdict = fixture.process();

            assertEquals(Verdict.DROP, verdict);
            final IllegalStateException failure = assertThrows(IllegalStateException.class, () -> fixture.requireTunnelled(verdict));
            assertTrue(failure.getMessage().contains("no-vip=1"), failure.getMessage());
        }
    }

    @Test
    void shouldRefuseForwardedPacketWithWrongCountsWhenCheckingOutcome()
    {
        try (IpipPipelineFixture fixture = new IpipPipelineFixture(1 << 10, 1_000_000_000L, 0))
        {
            final long frame = fixture.allocateFrames(1);
            IpipPipelineFixture.encodeFrame(frame, 7);
            fixture.markCounters();
            fixture.beginBurst(IpipPipelineFixture.START_NS);
            fixture.receive(0, frame);
            fixture.requireTunnelled(fixture.process());

            assertDoesNotThrow(() -> fixture.requireCountsSinceMark(1, IpipPipelineFixture.FlowOutcome.NEW_FLOW));
            final IllegalStateException failure = assertThrows(
                IllegalStateException.class, () -> fixture.requireCountsSinceMark(1, IpipPipelineFixture.FlowOutcome.FLOW_HIT));
            assertTrue(failure.getMessage().contains("flow-new = 1 (expected 0)"), failure.getMessage());
        }
    }
}
