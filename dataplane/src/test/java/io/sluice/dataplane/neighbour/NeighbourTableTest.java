package io.sluice.dataplane.neighbour;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.maglev.MaglevTableBuilder;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeighbourTableTest
{
    private static final long MAC_A = 0x0200_0000_00AAL;
    private static final DataplaneSettings SETTINGS = DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of());

    private static IpAddress address(final int network, final int i)
    {
        return IpAddress.parse("10." + network + "." + (i >> 8) + "." + (i & 0xFF));
    }

    private static ServiceSpec service(final int network, final int backends)
    {
        final List<ServiceSpec.BackendSpec> specs = new ArrayList<>();
        for (int i = 1; i <= backends; i++)
        {
            specs.add(new ServiceSpec.BackendSpec(address(network, i), 1));
        }
        return new ServiceSpec(IpAddress.parse("192.0.2.10"), 80, 6, ForwardingMode.DSR, specs, MaglevTableBuilder.nextPrime(backends + 1),
            TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30));
    }

    private static void learn(final NeighbourTable table, final IpAddress address, final long mac)
    {
        assertTrue(table.learn(address.hi(), address.lo(), address.ipv6(), mac, 1));
    }

    @Test
    void shouldKeepRetiredSlotUntilEveryWorkerRunsTheGenerationThatRetiredIt()
    {
        final NeighbourTable table = new NeighbourTable(16);
        final IpAddress a = IpAddress.parse("10.0.0.11");
        final int slot = table.register(a);
        learn(table, a, MAC_A);
        table.use(slot, false, 5);

        assertEquals(0, table.reclaim(4), "a worker may still run generation 4, whose snapshot points at the slot");
        assertEquals(a, table.address(slot));
        assertEquals(MAC_A, table.mac(slot), "the old snapshot still sends to the right MAC");
        final int other = table.register(IpAddress.parse("10.0.0.12"));
        assertNotEquals(slot, other, "a held slot is not given to another address");

        assertEquals(1, table.reclaim(5));
        assertEquals(-1, table.indexOf(a));
        final int reused = table.register(IpAddress.parse("10.0.0.13"));
        assertEquals(slot, reused, "the freed slot is reused");
        assertEquals(NeighbourTable.UNRESOLVED, table.mac(reused), "the new address does not inherit the old MAC");
    }

    @Test
    void shouldKeepMacWhenRetiredEntryIsUsedAgainBeforeItIsReclaimed()
    {
        final NeighbourTable table = new NeighbourTable(16);
        final IpAddress a = IpAddress.parse("10.0.0.11");
        final int slot = table.register(a);
        learn(table, a, MAC_A);
        table.use(slot, false, 2);
        assertEquals(0, table.count(NeighbourTable.REACHABLE));
        assertEquals(1, table.retired());

        table.use(slot, true, 3);

        assertEquals(0, table.reclaim(10), "in use again: not reclaimable");
        assertEquals(MAC_A, table.mac(slot));
        assertEquals(1, table.count(NeighbourTable.REACHABLE));
        assertEquals(0, table.retired());
    }

    @Test
    void shouldFindEveryAddressWhenTheTableIsFull()
    {
        final NeighbourTable table = new NeighbourTable(NeighbourTable.MAX_CAPACITY >> 6);
        for (int i = 0; i < table.capacity(); i++)
        {
            assertEquals(i, table.register(address(1 + (i >> 16), i & 0xFFFF)));
        }
        for (int i = 0; i < table.capacity(); i++)
        {
            final IpAddress address = address(1 + (i >> 16), i & 0xFFFF);
            assertEquals(i, table.indexOf(address));
            assertEquals(i, table.indexOf(FlowKey.IPV4_MAPPED_HI, address.lo(), false));
        }
        assertThrows(IllegalStateException.class, () -> table.register(IpAddress.parse("192.0.2.1")));
    }

    @Test
    void shouldReuseSlotsOfRemovedServiceOnceEveryWorkerRunsTheGenerationThatRemovedIt()
    {
        final NeighbourTable table = new NeighbourTable(NeighbourTable.DEFAULT_CAPACITY);
        final ServiceSnapshot first = ServiceSnapshotBuilder.build(SETTINGS, List.of(service(1, 4000)), table);
        final ServiceSnapshot removed = ServiceSnapshotBuilder.build(first, SETTINGS, List.of(), table);
        assertEquals(4000, table.retired());

        table.reclaim(first.generation());
        final IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
            () -> ServiceSnapshotBuilder.build(removed, SETTINGS, List.of(service(2, 200)), table));
        assertTrue(full.getMessage().contains("4000 more are held") && full.getMessage().contains("dataplane.neighbours.capacity"),
            full.getMessage());

        table.reclaim(removed.generation());
        final ServiceSnapshot next = ServiceSnapshotBuilder.build(removed, SETTINGS, List.of(service(2, 200)), table);

        assertEquals(200, table.size());
        for (int b = 0; b < 200; b++)
        {
            final Backend backend = next.serviceAt(0).backend(b);
            assertEquals(backend.address(), table.address(backend.neighbourIndex()));
        }
    }
}
