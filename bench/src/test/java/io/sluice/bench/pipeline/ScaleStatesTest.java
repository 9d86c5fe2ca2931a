package io.sluice.bench.pipeline;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the states of {@link ScaleBenchmark} the way its JMH methods do, with their parameters set as
 * JMH sets them, and checks that each case is what it says: the table holds the flows, every packet
 * hits one of them (or is a new flow), the VIP has the backends, and the packets reach them.
 */
class ScaleStatesTest
{
    private static final int BURSTS = 1000;

    @Test
    void shouldHoldExactlyTheFlowsAndHitOnlyThemWhenFlowCountIsAParameter()
    {
        for (final int flows : new int[] {1, 1000, 100_000})
        {
            final ScaleBenchmark.FlowCount state = new ScaleBenchmark.FlowCount();
            state.flows = flows;
            state.setUp();
            final PipelineFixture fixture = state.fixture();
            final FlowTable table = fixture.flowTable();

            assertEquals(flows, table.size(), "flows in the table");
            assertEquals(EstablishedFlowsState.capacityFor(flows), table.capacity());
            assertEquals(PipelineFixture.BACKEND_COUNT, fixture.backendCount());
            assertTrue(state.sequenceFlows() > 0.99 * Math.min(flows, EstablishedFlowsState.SEQUENCE_LENGTH),
                "the random sequence covers nearly every flow: " + state.sequenceFlows() + " of " + flows);
            runHits(state);
            assertEquals(flows, table.size(), "no flow added or lost");
            assertDoesNotThrow(state::tearDown);
        }
    }

    @Test
    void shouldSizeTableAtMostHalfFullWhenFlowCountGrowsToTenMillion()
    {
        assertEquals(1 << 16, EstablishedFlowsState.capacityFor(1));
        assertEquals(1 << 16, EstablishedFlowsState.capacityFor(1000));
        assertEquals(1 << 18, EstablishedFlowsState.capacityFor(100_000));
        assertEquals(EstablishedFlowsState.FLOW_TABLE_CAPACITY, EstablishedFlowsState.capacityFor(EstablishedFlowsState.FLOW_COUNT));
        final int tenMillion = EstablishedFlowsState.capacityFor(10_000_000);
        assertEquals(1 << 25, tenMillion);
        assertTrue(tenMillion <= FlowTable.MAX_CAPACITY);
        assertEquals(2_415_919_104L, FlowTable.byteSizeFor(tenMillion), "2.25 GiB at 72 bytes a slot");
        assertThrows(IllegalArgumentException.class, () -> EstablishedFlowsState.capacityFor(0));
        assertThrows(IllegalArgumentException.class, () -> EstablishedFlowsState.capacityFor(EstablishedFlowsState.MAX_FLOW_COUNT + 1));
    }

    @Test
    void shouldRefuseFlowCountOutOfRangeWhenSettingUp()
    {
        final ScaleBenchmark.FlowCount state = new ScaleBenchmark.FlowCount();
        state.flows = 0;

        assertThrows(IllegalArgumentException.class, state::setUp);
    }

    @Test
    void shouldSpreadEstablishedFlowsOverEveryBackendWhenBackendCountIsAParameter()
    {
        for (final int backends : new int[] {1, 10})
        {
            final ScaleBenchmark.EstablishedBackendCount state = new ScaleBenchmark.EstablishedBackendCount();
            state.backends = backends;
            state.setUp();
            final PipelineFixture fixture = state.fixture();
            final Service service = fixture.snapshot().serviceAt(0);

            assertEquals(backends, service.backendCount());
            assertEquals(ScaleBenchmark.BACKEND_SCALE_FLOWS, fixture.flowTable().size());
            runHits(state);
            for (int i = 0; i < backends; i++)
            {
                assertTrue(fixture.backendStat(service.backend(i).id(), TrafficStats.PACKETS) > 0, "backend " + i + " has packets");
            }
            assertDoesNotThrow(state::tearDown);
        }
    }

    @Test
    void shouldPickEveryOneOfTenThousandBackendsForNewFlowsWhenBackendCountIsAParameter()
    {
        final ScaleBenchmark.NewFlowBackendCount state = new ScaleBenchmark.NewFlowBackendCount();
        state.backends = 10_000;
        state.setUp();
        final PipelineFixture fixture = state.fixture();
        final Service service = fixture.snapshot().serviceAt(0);
        final MaglevTable maglev = service.maglev();

        assertEquals(ForwardingMode.IPIP, fixture.mode());
        assertEquals(10_000, service.backendCount());
        assertEquals(MaglevTable.DEFAULT_SIZE, maglev.size(), "M = 65537 is still valid for 10,000 backends");
        for (int i = 0; i < service.backendCount(); i++)
        {
            final int slots = maglev.slotCount(i);
            assertTrue(slots == 6 || slots == 7, "backend " + i + " has 6 or 7 slots (M / N = 6.55): " + slots);
        }
        final int bursts = BURSTS;
        for (int burst = 0; burst < bursts; burst++)
        {
            state.runCheckedBurst();
        }

        assertEquals((long)bursts * BURST_SIZE, fixture.sinceMark(WorkerCounter.FLOW_NEW));
        assertEquals(0, fixture.sinceMark(WorkerCounter.FLOW_HITS));
        for (int i = 0; i < service.backendCount(); i++)
        {
            assertTrue(fixture.backendStat(service.backend(i).id(), TrafficStats.NEW_FLOWS) > 0, "backend " + i + " has new flows");
        }
        assertDoesNotThrow(state::tearDown);
    }

    @Test
    void shouldRefuseBackendCountOutOfRangeWhenBuildingFixture()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new PipelineFixture(ForwardingMode.IPIP, 1 << 10, 1_000_000_000L, 0, 65535, 0));
        assertThrows(IllegalArgumentException.class,
            () -> new PipelineFixture(ForwardingMode.IPIP, 1 << 10, 1_000_000_000L, 0, 65535, PipelineFixture.MAX_BACKEND_COUNT + 1));
    }

    private static void runHits(final EstablishedFlowsState state)
    {
        final PipelineFixture fixture = state.fixture();
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
        assertEquals(0, fixture.sinceMark(WorkerCounter.FLOW_FALLBACK));
    }
}
