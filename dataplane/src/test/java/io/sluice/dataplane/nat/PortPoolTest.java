package io.sluice.dataplane.nat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.support.SteadyStateAllocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NAT port pool: every port once, FIFO reuse, reservations honoured, exhaustion counted, no allocation. */
class PortPoolTest
{
    @Test
    void shouldHandOutEveryPortOfItsClassOnceThenCountExhaustion()
    {
        final PortPool pool = new PortPool(2000, 2099, port -> port % 4 == 1);
        final Set<Integer> ports = new HashSet<>();

        for (int i = 0; i < 25; i++)
        {
            final int port = pool.allocate();
            assertEquals(1, port % 4, "only this worker's class: " + port);
            assertTrue(ports.add(port), "never twice: " + port);
        }

        assertEquals(25, pool.capacity());
        assertEquals(0, pool.available());
        assertEquals(PortPool.NO_PORT, pool.allocate());
        assertEquals(PortPool.NO_PORT, pool.allocate());
        assertEquals(2, pool.exhausted());
    }

    @Test
    void shouldGiveAFreedPortBackOnlyAfterEveryOtherFreePort()
    {
        final PortPool pool = new PortPool(3000, 3003, port -> true);
        final int first = pool.allocate();

        assertTrue(pool.free(first));
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            order.add(pool.allocate());
        }

        assertEquals(List.of(3001, 3002, 3003, 3000), order, "FIFO: the freed port waits behind the others");
    }

    @Test
    void shouldPeekAtThePortAllocateTakesNextWithoutTakingIt()
    {
        final PortPool pool = new PortPool(6000, 6003, port -> true);

        assertEquals(6000, pool.peek());
        assertEquals(6000, pool.peek(), "peeking takes nothing");
        assertTrue(pool.reserve(6000));
        assertTrue(pool.reserve(6001));
        assertEquals(6002, pool.peek(), "reserved ports at the front are passed over, as allocate passes them");
        assertEquals(6002, pool.allocate());
        assertEquals(6003, pool.allocate());
        assertEquals(PortPool.NO_PORT, pool.peek(), "none free");
        assertTrue(pool.free(6002));
        assertEquals(6002, pool.peek());
        assertEquals(0, pool.exhausted(), "a peek is no refused allocation");
    }

    @Test
    void shouldNeverHandOutAReservedPortUntilItIsFreed()
    {
        final PortPool pool = new PortPool(4000, 4003, port -> true);

        assertTrue(pool.reserve(4001), "a peer's flow took 4001");
        assertFalse(pool.reserve(4001), "reserved once");
        final List<Integer> handedOut = List.of(pool.allocate(), pool.allocate(), pool.allocate());
        assertEquals(List.of(4000, 4002, 4003), handedOut);
        assertEquals(PortPool.NO_PORT, pool.allocate());

        assertTrue(pool.free(4001), "the peer's flow closed");
        assertEquals(4001, pool.allocate());
    }

    @Test
    void shouldRefuseToFreeOrReserveWhatIsNotItsOwnWithoutChangingAnything()
    {
        final PortPool pool = new PortPool(5000, 5009, port -> port % 2 == 0);
        final int port = pool.allocate();

        assertFalse(pool.free(port + 2), "not in use");
        assertFalse(pool.free(4999), "outside the range");
        assertFalse(pool.reserve(5001), "another worker's class");
        assertFalse(pool.reserve(6000), "outside the range");
        assertTrue(pool.free(port));
        assertFalse(pool.free(port), "freed twice: refused, queued once");
        assertEquals(5, pool.available());

        final Set<Integer> all = new HashSet<>();
        for (int i = 0; i < 5; i++)
        {
            all.add(pool.allocate());
        }
        assertEquals(Set.of(5000, 5002, 5004, 5006, 5008), all, "every port exactly once after the refused calls");
    }

    @Test
    void shouldHandOutTheLongestWaitingFreePortWhenAllocateFreeAndReserveInterleaveRandomly()
    {
        final SplittableRandom random = new SplittableRandom(11);
        final PortPool pool = new PortPool(9000, 9063, port -> port % 3 != 0);
        final ArrayDeque<Integer> waiting = new ArrayDeque<>();
        final Set<Integer> inUse = new HashSet<>();
        for (int port = 9000; port <= 9063; port++)
        {
            if (port % 3 != 0)
            {
                waiting.add(port);
            }
        }

        for (int step = 0; step < 100_000; step++)
        {
            final int port = 8990 + random.nextInt(84);
            switch (random.nextInt(3))
            {
                case 0 ->
                {
                    while (!waiting.isEmpty() && inUse.contains(waiting.peek()))
                    {
                        waiting.poll();
                    }
                    final int expected = waiting.isEmpty() ? PortPool.NO_PORT : waiting.poll();
                    assertEquals(expected, pool.allocate(), "step " + step);
                    inUse.add(expected);
                }
                case 1 ->
                {
                    final boolean held = inUse.remove(port);
                    assertEquals(held, pool.free(port), "free " + port + " at step " + step);
                    if (held && !waiting.contains(port))
                    {
                        waiting.add(port);
                    }
                }
                default ->
                {
                    final boolean free = port % 3 != 0 && port >= 9000 && port <= 9063 && !inUse.contains(port);
                    assertEquals(free, pool.reserve(port), "reserve " + port + " at step " + step);
                    if (free)
                    {
                        inUse.add(port);
                    }
                }
            }
            inUse.remove(PortPool.NO_PORT);
            assertEquals(pool.capacity() - inUse.size(), pool.available());
        }
    }

    @Test
    void shouldRefuseARangeWithoutPortsOrOutsideTheUnprivilegedPorts()
    {
        assertThrows(IllegalArgumentException.class, () -> new PortPool(80, 2000, port -> true));
        assertThrows(IllegalArgumentException.class, () -> new PortPool(2000, 1999, port -> true));
        assertThrows(IllegalArgumentException.class, () -> new PortPool(2000, 70000, port -> true));
        assertThrows(IllegalArgumentException.class, () -> new PortPool(2000, 2010, port -> false));
    }

    @Test
    void shouldAllocateNothingWhenPortsAreTakenAndGivenBack()
    {
        final PortPool pool = new PortPool(PortPool.MIN_PORT, PortPool.MAX_PORT, port -> (port & 1) == 0);
        final int[] held = new int[1000];

        SteadyStateAllocation.assertZero("allocate and free", () -> cycle(pool, held, 50_000));

        assertEquals(pool.capacity(), pool.available());
    }

    private static void cycle(final PortPool pool, final int[] held, final int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < held.length; i += 97)
            {
                held[i] = pool.allocate();
            }
            for (int i = 0; i < held.length; i += 97)
            {
                pool.free(held[i]);
            }
        }
    }
}
