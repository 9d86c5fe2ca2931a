package io.sluice.bench.pipeline;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;
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
        final PipelineFixture fixture = state.fixture();
        for (int burst = 0; burst < BURSTS; burst++)
        {
            state.beginBurst();
            for (int i = 0; i < BURST_SIZE; i++)
            {
                state.requireExpected(state.processPacket(i), i);
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
        final PipelineFixture fixture = state.fixture();
        final FlowTable table = fixture.flowTable();
        final long evictionsBefore = table.evictions();
        final long tupleBefore = state.nextTuple();
        final int bursts = 4 * NewFlowState.FLOW_TABLE_CAPACITY / BURST_SIZE;
        for (int burst = 0; burst < bursts; burst++)
        {
            state.runCheckedBurst();
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
        final PipelineFixture fixture = state.fixture();
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
        try (PipelineFixture fixture = new PipelineFixture(1 << 10, 1_000_000_000L, 0))
        {
            final long frame = fixture.allocateFrames(1);
            TcpFrameEncoder.encode(
                PipelineFixture.memory(), frame, PipelineFixture.PORT_MAC, PipelineFixture.ROUTER_MAC,
                0x0A00_0001, 40000, PipelineFixture.VIP_ADDRESS + 1, PipelineFixture.VIP_PORT);
            fixture.beginBurst(PipelineFixture.START_NS);
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
        try (PipelineFixture fixture = new PipelineFixture(1 << 10, 1_000_000_000L, 0))
        {
            final long frame = fixture.allocateFrames(1);
            PipelineFixture.encodeFrame(frame, 7);
            fixture.markCounters();
            fixture.beginBurst(PipelineFixture.START_NS);
            fixture.receive(0, frame);
            fixture.requireTunnelled(fixture.process());

            assertDoesNotThrow(() -> fixture.requireCountsSinceMark(1, PipelineFixture.FlowOutcome.NEW_FLOW));
            final IllegalStateException failure = assertThrows(
                IllegalStateException.class, () -> fixture.requireCountsSinceMark(1, PipelineFixture.FlowOutcome.FLOW_HIT));
            assertTrue(failure.getMessage().contains("flow-new = 1 (expected 0)"), failure.getMessage());
        }
    }
}
