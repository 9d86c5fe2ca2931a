package io.sluice.sync;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.ring.WorkerProxy;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaApplierTest
{
    private static final int TCP = 6;
    private static final IpAddress VIP = IpAddress.parse("192.0.2.10");
    private static final IpAddress BACKEND = IpAddress.parse("10.0.0.11");

    private final ServiceSnapshot snapshot = ServiceSnapshotBuilder.build(
        DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of()),
        List.of(new ServiceSpec(VIP, 80, TCP, ForwardingMode.DSR, List.of(new ServiceSpec.BackendSpec(BACKEND, 1),
            new ServiceSpec.BackendSpec(IpAddress.parse("10.0.0.12"), 1)), MaglevTable.DEFAULT_SIZE,
            TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30))),
        new NeighbourTable(64));
    private final List<WorkerCommandRing> rings = List.of(
        new WorkerCommandRing(WorkerCommandRing.MIN_CAPACITY), new WorkerCommandRing(WorkerCommandRing.MIN_CAPACITY));
    private final List<WorkerProxy> workers = rings.stream()
        .map(ring -> new WorkerProxy(ring, new FlowReplyRing(1 << 16))).toList();

    private static FlowRecord flow(final String client, final IpAddress vip, final int vipPort, final IpAddress backend)
    {
        final FlowRecord record = new FlowRecord();
        final IpAddress source = IpAddress.parse(client);
        record.key().setIpv4(source.ipv4(), vip.ipv4(), 40000, vipPort, TCP);
        return record.service(VIP.hi(), VIP.lo(), 80, TCP).backend(backend.hi(), backend.lo(), 80)
            .idleTimeoutNs(TimeUnit.SECONDS.toNanos(300));
    }

    private List<String> drained(final int worker)
    {
        final List<String> keys = new ArrayList<>();
        rings.get(worker).drain(new WorkerCommandRing.WorkerCommandHandler()
        {
            @Override
            public void onFrame(final MemorySegment segment, final long offset, final int length)
            {
                throw new AssertionError("no frame expected");
            }

            @Override
            public void onUpsert(final FlowRecord record)
            {
                keys.add(record.key().toString());
            }

            @Override
            public void onDump(final long requestId, final int fromHandle, final int maxFlows)
            {
                throw new AssertionError("no dump expected");
            }

            @Override
            public void onLookup(final long requestId, final FlowKey key)
            {
                throw new AssertionError("no lookup expected");
            }
        }, 100);
        return keys;
    }

    @Test
    void shouldQueueAFlowToTheWorkerItsPacketsReachOrToEveryWorkerWhenThatIsUnknown()
    {
        final ReplicaApplier steered = new ReplicaApplier(() -> snapshot, workers, key -> 1);
        final FlowRecord flow = flow("198.51.100.7", VIP, 80, BACKEND);
        assertTrue(steered.apply(flow));
        assertEquals(List.of(), drained(0));
        assertEquals(List.of(flow.key().toString()), drained(1));

        final ReplicaApplier everywhere = new ReplicaApplier(() -> snapshot, workers, ReplicaApplier.WorkerSteering.ALL);
        assertTrue(everywhere.apply(flow));
        assertEquals(List.of(flow.key().toString()), drained(0));
        assertEquals(List.of(flow.key().toString()), drained(1));
        assertEquals(1, everywhere.counter(ReplicaCounter.QUEUED));
    }

    @Test
    void shouldQueueAnL3FlowToEveryWorkerAndRefuseItsPortedFormWhenTheServiceHashesAddressesOnly()
    {
        final IpAddress vip = IpAddress.parse("192.0.2.20");
        final ServiceSnapshot l3 = ServiceSnapshotBuilder.build(
            DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of()),
            List.of(ServiceSpec.of(vip, 80, TCP, ForwardingMode.DSR, List.of(new ServiceSpec.BackendSpec(BACKEND, 1)))
                .withTranslation(0, FragmentPolicy.L3)), new NeighbourTable(64));
        final ReplicaApplier applier = new ReplicaApplier(() -> l3, workers, key -> 1);
        final FlowRecord flow = new FlowRecord();
        flow.key().setIpv4(IpAddress.parse("198.51.100.7").ipv4(), vip.ipv4(), 0, 0, TCP);
        flow.service(vip.hi(), vip.lo(), 80, TCP).backend(BACKEND.hi(), BACKEND.lo(), 80).idleTimeoutNs(TimeUnit.SECONDS.toNanos(300));

        assertTrue(applier.apply(flow), "ports 0: the l3 flow of a client address");
        assertEquals(List.of(flow.key().toString()), drained(0), "the NIC may hash its fragments and whole packets apart");
        assertEquals(List.of(flow.key().toString()), drained(1));
        flow.key().setIpv4(IpAddress.parse("198.51.100.7").ipv4(), vip.ipv4(), 40000, 80, TCP);
        assertFalse(applier.apply(flow), "an l3 service keeps no flow with ports");
        assertEquals(1, applier.counter(ReplicaCounter.NOT_TO_SERVICE));
    }

    @Test
    void shouldCountAndQueueNothingForAServiceABackendOrADestinationThisLbDoesNotHave()
    {
        final ReplicaApplier applier = new ReplicaApplier(() -> snapshot, workers, ReplicaApplier.WorkerSteering.ALL);
        final FlowRecord otherService = flow("198.51.100.7", VIP, 80, BACKEND).service(VIP.hi(), VIP.lo(), 443, TCP);
        final FlowRecord otherBackend = flow("198.51.100.7", VIP, 80, IpAddress.parse("10.0.0.99"));
        final FlowRecord otherDestination = flow("198.51.100.7", IpAddress.parse("192.0.2.99"), 80, BACKEND);

        assertFalse(applier.apply(otherService));
        assertFalse(applier.apply(otherBackend));
        assertFalse(applier.apply(otherDestination));

        assertEquals(1, applier.counter(ReplicaCounter.SERVICE_UNKNOWN));
        assertEquals(1, applier.counter(ReplicaCounter.BACKEND_UNKNOWN));
        assertEquals(1, applier.counter(ReplicaCounter.NOT_TO_SERVICE));
        assertEquals(0, applier.counter(ReplicaCounter.QUEUED));
        assertEquals(List.of(), drained(0));
        assertEquals(List.of(), drained(1));
    }

    @Test
    void shouldCountAFullRingAndNeverWaitForIt()
    {
        final ReplicaApplier applier = new ReplicaApplier(() -> snapshot, workers, key -> 0);
        final FlowRecord flow = flow("198.51.100.7", VIP, 80, BACKEND);
        int queued = 0;
        while (applier.apply(flow))
        {
            queued++;
        }
        assertTrue(queued > 100, "the ring took " + queued);
        assertEquals(1, applier.counter(ReplicaCounter.COMMAND_RING_FULL));
        assertEquals(queued, applier.counter(ReplicaCounter.QUEUED));
    }

    /** Two LBs with the same backends build the same Maglev table: a new flow of the peer's should meet the backend this LB would pick. */
    @Test
    void shouldCountWhetherThisLbsMaglevPicksThePeersBackendForANewFlow()
    {
        final ReplicaApplier applier = new ReplicaApplier(() -> snapshot, workers, ReplicaApplier.WorkerSteering.ALL);
        final FlowRecord flow = flow("198.51.100.7", VIP, 80, BACKEND);
        final IpAddress mine = snapshot.service(VIP.hi(), VIP.lo(), 80, TCP).pick(flow.key().hash()).address();
        final IpAddress other = mine.equals(BACKEND) ? IpAddress.parse("10.0.0.12") : BACKEND;

        assertTrue(applier.apply(flow.backend(mine.hi(), mine.lo(), 80), true));
        assertTrue(applier.apply(flow.backend(other.hi(), other.lo(), 80), true));
        assertTrue(applier.apply(flow, false), "a re-pin, refresh or bulk copy is not compared");

        assertEquals(1, applier.counter(ReplicaCounter.PICK_AGREES));
        assertEquals(1, applier.counter(ReplicaCounter.PICK_DIFFERS), "applied all the same: the peer's choice is the flow's backend");
        assertEquals(3, applier.counter(ReplicaCounter.QUEUED));
    }
}
