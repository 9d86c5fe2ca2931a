package io.sluice.dataplane.nat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.rss.RssSteering;
import io.sluice.dataplane.support.SteadyStateAllocation;

import static io.sluice.dataplane.nat.NatPortSteeringTest.DEFAULT_KEY;
import static io.sluice.dataplane.nat.NatPortSteeringTest.SLUICE_HASH_FUNCTIONS;
import static io.sluice.dataplane.nat.NatPortSteeringTest.reta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NatPools} and {@link NatPoolRegistry}: each worker hands out only the ports whose replies reach it, NAT
 * addresses are tried in turn, peers' reservations are honoured or refused and counted, pools survive a
 * reconfiguration with their ports in use, removed pools are recycled once drained, caps are enforced, and the
 * packet-path calls allocate nothing.
 */
class NatPoolsTest
{
    private static final NatPoolKey A = NatPoolKey.ipv4(0x0a00_0001, 0x0a00_0101, 80, NatPoolKey.TCP);
    private static final NatPoolKey A2 = NatPoolKey.ipv4(0x0a00_0002, 0x0a00_0101, 80, NatPoolKey.TCP);
    private static final NatPoolKey B = NatPoolKey.ipv4(0x0a00_0001, 0x0a00_0102, 80, NatPoolKey.TCP);
    private static final NatPoolKey C = NatPoolKey.ipv4(0x0a00_0001, 0x0a00_0103, 53, NatPoolKey.UDP);

    @Test
    void shouldGiveEachPortToExactlyTheWorkerItsRepliesReach()
    {
        final RssSteering rss = RssSteering.of(4, SLUICE_HASH_FUNCTIONS, DEFAULT_KEY, reta(128, 4), new int[] {3, 2, 1, 0});
        final NatPoolRegistry registry = new NatPoolRegistry(NatPortSteering.of(rss, 4), 16, 64L << 20);
        final NatPoolLayout layout = registry.update(List.of(List.of(A), List.of(
            NatPoolKey.ipv6(0xfd00L << 48, 1, 0xfd00L << 48, 2, 8443, NatPoolKey.UDP))));
        final FlowKey reply = new FlowKey();

        for (int group = 0; group < 2; group++)
        {
            final Set<Integer> handedOut = new HashSet<>();
            final int pool = layout.pool(group, 0);
            for (int worker = 0; worker < 4; worker++)
            {
                final NatPools pools = new NatPools(worker, layout);
                for (int port = pools.allocate(pool); port != PortPool.NO_PORT; port = pools.allocate(pool))
                {
                    assertTrue(handedOut.add(port), "one owner: " + port);
                    assertEquals(rss.workerOf(layout.key(pool).replyKey(reply, port)), worker, "replies reach " + port);
                }
                assertEquals(1, pools.exhausted(pool));
            }
            assertEquals(PortPool.MAX_PORT - PortPool.MIN_PORT + 1, handedOut.size(), "every port of the range");
        }
    }

    @Test
    void shouldTakeThePortFromTheNextNatAddressWhenOneIsExhausted()
    {
        final NatPoolRegistry registry = registry(1, 3000, 3009);
        final NatPoolLayout layout = registry.update(List.of(List.of(A, A2)));
        final NatPools pools = new NatPools(0, layout);
        final int first = layout.pool(0, 0);
        final int second = layout.pool(0, 1);
        for (int i = 0; i < 10; i++)
        {
            pools.allocate(first);
        }

        final List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            final long mapping = pools.allocateInGroup(0);
            assertEquals(second, NatPools.poolOf(mapping), "the second address");
            ports.add(NatPools.portOf(mapping));
        }

        assertEquals(List.of(3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009), ports);
        assertEquals(A2.laddrLo(), layout.key(second).laddrLo());
        assertEquals(NatPools.NO_MAPPING, pools.allocateInGroup(0));
        assertEquals(1, pools.mappingsRefused());
        assertTrue(pools.free(first, 3004));
        assertEquals((long)first << 16 | 3004, pools.allocateInGroup(0));
    }

    @Test
    void shouldTakeTurnsAmongTheNatAddressesOfAGroup()
    {
        final NatPoolLayout layout = registry(1, 3000, 3009).update(List.of(List.of(A), List.of(A, A2)));
        final NatPools pools = new NatPools(0, layout);

        final int one = NatPools.poolOf(pools.allocateInGroup(1));
        final int two = NatPools.poolOf(pools.allocateInGroup(1));

        assertNotEquals(one, two);
        assertEquals(layout.pool(0, 0), layout.pool(1, 0), "a pool shared by two groups is one pool");
    }

    @Test
    void shouldRefuseAndCountAReservationOfAPortAnotherWorkerOwnsOrThatIsInUse()
    {
        final NatPoolLayout layout = registry(2, 4000, 4099).update(List.of(List.of(A)));
        final NatPools worker0 = new NatPools(0, layout);
        final int pool = layout.pool(0, 0);

        assertEquals(NatPools.REFUSED_NOT_OWNER, worker0.reserve(pool, 4001), "odd ports are worker 1's");
        assertEquals(NatPools.RESERVED, worker0.reserve(pool, 4002));
        assertEquals(NatPools.REFUSED_IN_USE, worker0.reserve(pool, 4002));
        assertEquals(NatPools.REFUSED_NOT_OWNER, worker0.reserve(pool, 5000), "outside the range");
        assertEquals(NatPools.REFUSED_NOT_OWNER, worker0.reserve(99, 4000), "no such pool");
        assertEquals(3, worker0.reservesRefusedNotOwner());
        assertEquals(1, worker0.reservesRefusedInUse());

        final Set<Integer> handedOut = new HashSet<>();
        for (int port = worker0.allocate(pool); port != PortPool.NO_PORT; port = worker0.allocate(pool))
        {
            handedOut.add(port);
        }
        assertEquals(49, handedOut.size());
        assertFalse(handedOut.contains(4002), "the reserved port is never handed out");
        assertTrue(worker0.free(pool, 4002), "the peer's flow ended");
        assertFalse(worker0.free(pool, 4002), "once");
        assertEquals(1, worker0.freesRefused());
        assertEquals(4002, worker0.allocate(pool));
    }

    @Test
    void shouldKeepThePortsInUseOfAPoolThatSurvivesAReconfiguration()
    {
        final NatPoolRegistry registry = registry(1, 5000, 5009);
        final NatPoolLayout first = registry.update(List.of(List.of(A), List.of(B)));
        final NatPools pools = new NatPools(0, first);
        final int poolA = first.pool(0, 0);
        final int held1 = pools.allocate(poolA);
        final int held2 = pools.allocate(poolA);
        assertEquals(NatPools.RESERVED, pools.reserve(poolA, 5009));

        final NatPoolLayout second = registry.update(List.of(List.of(C), List.of(A)));
        pools.onLayout(second);

        assertEquals(poolA, second.pool(1, 0), "the same handle");
        assertEquals(7, pools.available(poolA));
        final Set<Integer> rest = new HashSet<>();
        for (int port = pools.allocate(poolA); port != PortPool.NO_PORT; port = pools.allocate(poolA))
        {
            rest.add(port);
        }
        assertEquals(7, rest.size());
        assertFalse(rest.contains(held1) || rest.contains(held2) || rest.contains(5009), "held ports stay held: " + rest);
        assertTrue(pools.free(poolA, held1));
    }

    @Test
    void shouldRecycleARemovedPoolOnlyOnceEveryWorkerHoldsNoneOfItsPorts()
    {
        final NatPoolRegistry registry = registry(2, 6000, 6099);
        final NatPoolLayout first = registry.update(List.of(List.of(A, B)));
        final NatPools worker0 = new NatPools(0, first);
        final NatPools worker1 = new NatPools(1, first);
        final int poolB = registry.handleOf(B);
        final int port = worker1.allocate(poolB);

        final NatPoolLayout second = registry.update(List.of(List.of(A)));
        worker0.onLayout(second);
        worker1.onLayout(second);
        assertTrue(second.retired(poolB));
        registry.update(List.of(List.of(A)));
        assertEquals(poolB, registry.handleOf(B), "worker 1 still holds a port of B");

        assertTrue(worker1.free(poolB, port), "a flow frees into a retired pool");
        final NatPoolLayout fourth = registry.update(List.of(List.of(A), List.of(C)));

        assertEquals(-1, registry.handleOf(B));
        assertEquals(poolB, registry.handleOf(C), "the handle is reused");
        assertEquals(2, registry.pools());
        assertSame(C, fourth.key(poolB));
    }

    @Test
    void shouldGiveARetiredPoolBackWithItsPortsInUseWhenItsKeyReturns()
    {
        final NatPoolRegistry registry = registry(1, 7000, 7009);
        final NatPools pools = new NatPools(0, registry.update(List.of(List.of(A))));
        final int poolA = registry.handleOf(A);
        final int held = pools.allocate(poolA);
        pools.onLayout(registry.update(List.of(List.of(B))));

        final NatPoolLayout back = registry.update(List.of(List.of(A)));
        pools.onLayout(back);

        assertEquals(poolA, back.pool(0, 0));
        assertFalse(back.retired(poolA));
        assertTrue(pools.inUse(poolA, held));
        assertEquals(9, pools.available(poolA));
    }

    @Test
    void shouldRefuseAnUpdateOverTheCapsAndKeepThePoolsItHas()
    {
        final NatPortSteering steering = NatPortSteering.of(RssSteering.allWorkers("test"), 2, 8000, 8999, 0.5);
        final NatPoolRegistry registry = new NatPoolRegistry(steering, 2, 64L << 20);
        final NatPools pools = new NatPools(0, registry.update(List.of(List.of(A, B))));
        final int held = pools.allocate(registry.handleOf(A));

        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> registry.update(List.of(List.of(A, B, C))));

        assertTrue(refused.getMessage().startsWith("full NAT needs 3 port pools (1 new"), refused.getMessage());
        assertEquals(2, registry.pools());
        final NatPoolLayout next = registry.update(List.of(List.of(B, A)));
        pools.onLayout(next);
        assertTrue(pools.inUse(next.pool(0, 1), held));
        assertThrows(IllegalArgumentException.class, () -> new NatPoolRegistry(steering, 10, registry.bytesPerPool() - 1));
        final NatPoolRegistry small = new NatPoolRegistry(steering, 10, registry.bytesPerPool() * 2);
        assertThrows(IllegalArgumentException.class, () -> small.update(List.of(List.of(A, B, C))), "over the bytes");
    }

    @Test
    void shouldRefuseAGroupWithoutAddressesOrNamingAPoolTwice()
    {
        final NatPoolRegistry registry = registry(1, 3000, 3009);

        assertThrows(IllegalArgumentException.class, () -> registry.update(List.of(List.of())));
        assertThrows(IllegalArgumentException.class, () -> registry.update(List.of(List.of(A, A))));
        assertThrows(IllegalArgumentException.class, () -> NatPoolKey.ipv4(1, 2, 80, 1), "ICMP has no ports");
        assertEquals(0, registry.pools());
    }

    @Test
    void shouldAllocateNothingWhenAllocatingFreeingAndReserving()
    {
        final RssSteering rss = RssSteering.of(2, SLUICE_HASH_FUNCTIONS, DEFAULT_KEY, reta(128, 2), new int[] {0, 1});
        final NatPoolRegistry registry = new NatPoolRegistry(NatPortSteering.of(rss, 2), 16, 64L << 20);
        final NatPoolLayout layout = registry.update(List.of(List.of(A, A2), List.of(B)));
        final NatPools pools = new NatPools(1, layout);
        final long[] held = new long[512];
        final int poolB = layout.pool(1, 0);
        final int reservable = pools.allocate(poolB);
        pools.free(poolB, reservable);

        SteadyStateAllocation.assertZero("allocate, reserve and free", () ->
        {
            for (int round = 0; round < 200; round++)
            {
                for (int i = 0; i < held.length; i++)
                {
                    held[i] = pools.allocateInGroup(0);
                }
                pools.reserve(poolB, reservable);
                for (final long mapping : held)
                {
                    pools.free(NatPools.poolOf(mapping), NatPools.portOf(mapping));
                }
                pools.free(poolB, reservable);
            }
        });
        assertEquals(0, pools.freesRefused());
        assertEquals(0, pools.reservesRefusedNotOwner() + pools.reservesRefusedInUse());
    }

    private static NatPoolRegistry registry(final int workers, final int firstPort, final int lastPort)
    {
        final NatPortSteering steering = NatPortSteering.of(RssSteering.allWorkers("test"), workers, firstPort, lastPort, 0.5);
        return new NatPoolRegistry(steering, 16, 64L << 20);
    }
}
