package io.sluice.controlplane.health;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.sluice.controlplane.health.BackendHealth.DOWN;
import static io.sluice.controlplane.health.BackendHealth.UNKNOWN;
import static io.sluice.controlplane.health.BackendHealth.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthStateMachineTest
{
    private static final int MAX_COUNT = 4;
    private static final int MAX_LENGTH = 11;

    @Test
    void shouldMatchTheWindowModelWhenFedEverySequenceUpToElevenResults()
    {
        int sequences = 0;
        for (int rise = 1; rise <= MAX_COUNT; rise++)
        {
            for (int fall = 1; fall <= MAX_COUNT; fall++)
            {
                for (int length = 0; length <= MAX_LENGTH; length++)
                {
                    for (int bits = 0; bits < (1 << length); bits++)
                    {
                        assertSameStates(rise, fall, bits, length);
                        sequences++;
                    }
                }
            }
        }
        assertEquals(MAX_COUNT * MAX_COUNT * ((1 << (MAX_LENGTH + 1)) - 1), sequences);
    }

    @Test
    void shouldGoUpAfterRiseSuccessesWhenUnknown()
    {
        final HealthStateMachine machine = new HealthStateMachine(3, 2);
        assertEquals(UNKNOWN, machine.onSuccess());
        assertEquals(UNKNOWN, machine.onSuccess());
        assertEquals(UP, machine.onSuccess());
    }

    @Test
    void shouldGoDownAfterFallFailuresWhenUnknown()
    {
        final HealthStateMachine machine = new HealthStateMachine(3, 2);
        assertEquals(UNKNOWN, machine.onFailure());
        assertEquals(DOWN, machine.onFailure());
    }

    @Test
    void shouldResetTheFailureRunWhenASuccessComes()
    {
        final HealthStateMachine machine = upMachine(1, 3);
        machine.onFailure();
        machine.onFailure();
        assertEquals(UP, machine.onSuccess());
        assertEquals(0, machine.failureRun());
        assertEquals(UP, machine.onFailure());
        assertEquals(UP, machine.onFailure());
        assertEquals(DOWN, machine.onFailure());
    }

    @Test
    void shouldResetTheSuccessRunWhenAFailureComes()
    {
        final HealthStateMachine machine = new HealthStateMachine(3, 1);
        assertEquals(DOWN, machine.onFailure());
        machine.onSuccess();
        machine.onSuccess();
        assertEquals(DOWN, machine.onFailure());
        assertEquals(0, machine.successRun());
        machine.onSuccess();
        machine.onSuccess();
        assertEquals(UP, machine.onSuccess());
    }

    @Test
    void shouldKeepStateButCountAfreshWhenRestarted()
    {
        final HealthStateMachine machine = upMachine(1, 3);
        machine.onFailure();
        machine.onFailure();
        machine.restart(2, 2);
        assertEquals(UP, machine.state());
        assertEquals(0, machine.failureRun());
        assertEquals(UP, machine.onFailure());
        assertEquals(DOWN, machine.onFailure());
        assertEquals(DOWN, machine.onSuccess());
        assertEquals(UP, machine.onSuccess());
    }

    @Test
    void shouldForgetStateWhenReset()
    {
        final HealthStateMachine machine = upMachine(1, 1);
        machine.reset();
        assertEquals(UNKNOWN, machine.state());
        assertEquals(0, machine.successRun());
    }

    @Test
    void shouldRefuseCountsWhenOutOfRange()
    {
        assertEquals("rise must be 1..100, not 0",
            assertThrows(IllegalArgumentException.class, () -> new HealthStateMachine(0, 1)).getMessage());
        assertEquals("fall must be 1..100, not 101",
            assertThrows(IllegalArgumentException.class, () -> new HealthStateMachine(1, 101)).getMessage());
        final HealthStateMachine machine = upMachine(1, 1);
        assertThrows(IllegalArgumentException.class, () -> machine.restart(101, 1));
        assertEquals(UP, machine.state());
    }

    @Test
    void shouldCountOnlyDownAsNotServingWhenAskedForTraffic()
    {
        assertTrue(UNKNOWN.countsAsUp());
        assertTrue(UP.countsAsUp());
        assertFalse(DOWN.countsAsUp());
    }

    private static HealthStateMachine upMachine(final int rise, final int fall)
    {
        final HealthStateMachine machine = new HealthStateMachine(rise, fall);
        for (int i = 0; i < rise; i++)
        {
            machine.onSuccess();
        }
        assertEquals(UP, machine.state());
        return machine;
    }

    /**
     * The machine against an independent model: after each result the state is UP when it was not
     * and the last {@code rise} results are successes, DOWN when it was not and the last
     * {@code fall} results are failures, else unchanged.
     */
    private static void assertSameStates(final int rise, final int fall, final int bits, final int length)
    {
        final HealthStateMachine machine = new HealthStateMachine(rise, fall);
        final List<Boolean> results = new ArrayList<>();
        BackendHealth expected = UNKNOWN;
        for (int i = 0; i < length; i++)
        {
            final boolean success = ((bits >>> i) & 1) == 1;
            results.add(success);
            if (expected != UP && lastAre(results, rise, true))
            {
                expected = UP;
            }
            else if (expected != DOWN && lastAre(results, fall, false))
            {
                expected = DOWN;
            }
            assertEquals(expected, machine.onResult(success),
                "rise " + rise + " fall " + fall + " results " + results);
        }
    }

    private static boolean lastAre(final List<Boolean> results, final int count, final boolean value)
    {
        if (results.size() < count)
        {
            return false;
        }
        for (int i = results.size() - count; i < results.size(); i++)
        {
            if (results.get(i) != value)
            {
                return false;
            }
        }
        return true;
    }
}
