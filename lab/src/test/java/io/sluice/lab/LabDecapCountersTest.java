package io.sluice.lab;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing what {@code lab.sh counters} prints; needs no lab. */
class LabDecapCountersTest
{
    private static final String LINE =
        "be2 decapsulated=7 ipip=1 gue_v0=2 gue_v1=4 outer_ipv4=5 outer_ipv6=2 inner_ipv4=3 inner_ipv6=4 ignored=9 failed=11";

    @Test
    void shouldReadEveryCounterWhenTheLineIsComplete()
    {
        assertEquals(new DecapCounters(7, 1, 2, 4, 5, 2, 3, 4, 9, 11), DecapCounters.parse(LINE));
    }

    @Test
    void shouldReadCountersInAnyOrderAndIgnoreUnknownOnes()
    {
        assertEquals(new DecapCounters(7, 1, 2, 4, 5, 2, 3, 4, 9, 11), DecapCounters.parse(
            "be2 failed=11 ignored=9 inner_ipv6=4 inner_ipv4=3 outer_ipv6=2 outer_ipv4=5 gue_v1=4 gue_v0=2 ipip=1 " +
            "decapsulated=7 later_addition=3\n"));
    }

    @Test
    void shouldSubtractCounterByCounterWhenTakingADelta()
    {
        final DecapCounters earlier = new DecapCounters(1, 1, 0, 0, 1, 0, 1, 0, 2, 0);

        assertEquals(new DecapCounters(6, 0, 2, 4, 4, 2, 2, 4, 7, 11), DecapCounters.parse(LINE).minus(earlier));
    }

    @Test
    void shouldRefuseALineWithoutACounter()
    {
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> DecapCounters.parse(LINE.replace(" failed=11", "")));
        assertTrue(missing.getMessage().contains("without failed"), missing.getMessage());
    }

    @Test
    void shouldRefuseTheLineOfABackendWithoutDecap()
    {
        final IllegalArgumentException notAttached = assertThrows(IllegalArgumentException.class,
            () -> DecapCounters.parse("be1 decap=not-attached"));
        assertTrue(notAttached.getMessage().contains("be1 decap=not-attached"), notAttached.getMessage());
    }

    @Test
    void shouldRefuseWordsThatAreNotKeyValuePairs()
    {
        assertThrows(IllegalArgumentException.class, () -> DecapCounters.parse("be1 decapsulated"));
        assertThrows(IllegalArgumentException.class, () -> DecapCounters.parse(LINE.replace("ipip=1", "ipip=one")));
    }
}
