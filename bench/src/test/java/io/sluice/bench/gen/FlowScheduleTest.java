package io.sluice.bench.gen;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowScheduleTest
{
    @Test
    void shouldCycleEstablishedFlowsWithSynsOnTheFirstLapOnlyWhenNoNewFlows()
    {
        final FlowSchedule schedule = new FlowSchedule(3, 0, 1000);

        for (int packet = 0; packet < 9; packet++)
        {
            assertEquals(packet % 3, schedule.next());
            assertEquals(packet < 3, schedule.first(), "packet " + packet);
            assertFalse(schedule.opensNewTuple());
        }
    }

    @Test
    void shouldOpenTheShareOfNewTuplesNeverUsedBeforeWhenNewFlowsAreAsked()
    {
        final int flows = 100;
        final FlowSchedule schedule = new FlowSchedule(flows, 125_000, 1_000_000);
        final Set<Long> newTuples = new HashSet<>();
        int established = 0;
        for (int packet = 0; packet < 8000; packet++)
        {
            final long tuple = schedule.next();
            if (schedule.opensNewTuple())
            {
                assertTrue(schedule.first());
                assertTrue(tuple >= flows, "new tuple " + tuple + " is an established flow's");
                assertTrue(newTuples.add(tuple), "tuple " + tuple + " opened twice");
            }
            else
            {
                assertEquals(established++ % flows, tuple);
            }
        }
        assertEquals(1000, newTuples.size(), "12.5% of 8000");
    }

    @Test
    void shouldSendOnlyNewTuplesWhenEveryPacketIsNew()
    {
        final FlowSchedule schedule = new FlowSchedule(10, GenConfig.MILLION, 1_000_000);

        for (long packet = 0; packet < 50; packet++)
        {
            assertEquals(10 + packet, schedule.next());
            assertTrue(schedule.opensNewTuple());
        }
    }

    @Test
    void shouldReuseAndSayItWhenTheClientSpaceRunsOut()
    {
        final FlowSchedule schedule = new FlowSchedule(2, GenConfig.MILLION, 5);

        assertEquals(2, schedule.next());
        assertEquals(3, schedule.next());
        assertEquals(4, schedule.next());
        assertFalse(schedule.reused());
        assertEquals(2, schedule.next());
        assertTrue(schedule.reused());
    }
}
