package io.sluice.sync;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
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
import io.sluice.dataplane.rss.RssSteering;
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
    private static final IpAddress LADDR = IpAddress.parse("198.51.100.200");
    /** The port's RSS as a NIC reports it: the common 40-byte key, TCP and UDP over IPv4 and IPv6, two queues. */
    private static final RssSteering RSS = RssSteering.of(2, 0x3afbcL,
        HexFormat.of().parseHex("6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa"),
        reta(128), new int[] {0, 1});

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
        return records(worker).stream().map(record -> record.key().toString()).toList();
    }

    private List<FlowRecord> records(final int worker)
    {
        final List<FlowRecord> keys = new ArrayList<>();
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
                keys.add(new FlowRecord().set(record));
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

    private static int[] reta(final int size)
    {
        final int[] reta = new int[size];
        for (int i = 0; i < size; i++)
        {
            reta[i] = i % 2;
        }
        return reta;
    }

    /** The reply's tuple, as the backend sends it: backend:80 to the NAT address and port. */
    private static FlowKey reply(final int lport)
    {
        return new FlowKey().setIpv4(BACKEND.ipv4(), LADDR.ipv4(), 80, lport, TCP);
    }

    /** The first NAT port from 1024 whose reply reaches ({@code same}) or does not reach the client's worker. */
    private static int lportWhoseReplyReaches(final boolean same, final int clientWorker)
    {
        for (int lport = 1024; lport < 65536; lport++)
        {
            if ((RSS.workerOf(reply(lport)) == clientWorker) == same)
            {
                return lport;
            }
        }
        throw new AssertionError("no such port");
    }

    private static void assertReverseOf(final FlowRecord forward, final FlowRecord reverse)
    {
        assertEquals(reply(forward.natPort()).toString(), reverse.key().toString());
        assertTrue(reverse.isNatReverse());
        assertEquals(forward.key().srcHi(), reverse.natHi());
        assertEquals(forward.key().srcLo(), reverse.natLo());
        assertEquals(forward.key().srcPort(), reverse.natPort(), "the client in the NAT fields");
        assertEquals(forward.backendLo(), reverse.backendLo());
        assertEquals(forward.backendPort(), reverse.backendPort());
        assertEquals(forward.serviceLo(), reverse.serviceLo());
        assertEquals(forward.servicePort(), reverse.servicePort());
        assertEquals(forward.idleTimeoutNs(), reverse.idleTimeoutNs());
    }

    @Test
    void shouldQueueANatFlowsForwardRecordToTheClientsWorkerAndItsReverseRecordToTheReplysWorker()
    {
        assertTrue(RSS.computed(), RSS.description());
        final ReplicaApplier applier = new ReplicaApplier(() -> snapshot, workers, RSS::workerOf);
        final FlowRecord flow = flow("198.51.100.7", VIP, 80, BACKEND);
        final int clientWorker = RSS.workerOf(flow.key());
        final int otherWorker = 1 - clientWorker;

        flow.nat(LADDR.hi(), LADDR.lo(), lportWhoseReplyReaches(false, clientWorker));
        assertTrue(applier.apply(flow));
        final List<FlowRecord> forward = records(clientWorker);
        final List<FlowRecord> reverse = records(otherWorker);
        assertEquals(1, forward.size());
        assertTrue(flow.sameAs(forward.getFirst()), "the forward record as the peer sent it");
        assertEquals(1, reverse.size());
        assertReverseOf(flow, reverse.getFirst());

        flow.nat(LADDR.hi(), LADDR.lo(), lportWhoseReplyReaches(true, clientWorker));
        assertTrue(applier.apply(flow));
        final List<FlowRecord> both = records(clientWorker);
        assertEquals(2, both.size(), "two records, even on one worker");
        assertReverseOf(flow, both.get(0));
        assertTrue(flow.sameAs(both.get(1)));
        assertEquals(List.of(), records(otherWorker));

        assertEquals(2, applier.counter(ReplicaCounter.QUEUED));
        assertEquals(2, applier.counter(ReplicaCounter.NAT_REVERSE_QUEUED));
    }

    @Test
    void shouldQueueBothRecordsOfANatFlowToEveryWorkerWhenTheSteeringIsUnknown()
    {
        final ReplicaApplier applier = new ReplicaApplier(() -> snapshot, workers, ReplicaApplier.WorkerSteering.ALL);
        final FlowRecord flow = flow("198.51.100.7", VIP, 80, BACKEND).nat(LADDR.hi(), LADDR.lo(), 20_000);
        assertTrue(applier.apply(flow));
        for (int worker = 0; worker < 2; worker++)
        {
            final List<FlowRecord> records = records(worker);
            assertEquals(2, records.size());
            assertReverseOf(flow, records.get(0));
            assertTrue(flow.sameAs(records.get(1)));
        }
        assertEquals(1, applier.counter(ReplicaCounter.QUEUED));
        assertEquals(1, applier.counter(ReplicaCounter.NAT_REVERSE_QUEUED));
    }

    @Test
    void shouldRefuseANatFlowOnAnAddressThisLbDoesNotOwnAndBothRecordsWhenTheReverseFindsNoRoom()
    {
        final ReplicaApplier applier = new ReplicaApplier(() -> snapshot, workers, key -> key.dstPort() == 80 ? 1 : 0,
            (hi, lo) -> hi == LADDR.hi() && lo == LADDR.lo());
        final IpAddress elsewhere = IpAddress.parse("198.51.100.201");
        assertFalse(applier.apply(flow("198.51.100.7", VIP, 80, BACKEND).nat(elsewhere.hi(), elsewhere.lo(), 20_000)));
        assertEquals(1, applier.counter(ReplicaCounter.NAT_ADDRESS_UNKNOWN));
        assertEquals(List.of(), drained(0));
        assertEquals(List.of(), drained(1));

        final FlowRecord filler = flow("198.51.100.8", VIP, 80, BACKEND);
        while (workers.get(0).upsert(filler))
        {
            assertTrue(workers.get(0).commands().size() > 0);
        }
        assertFalse(applier.apply(flow("198.51.100.7", VIP, 80, BACKEND).nat(LADDR.hi(), LADDR.lo(), 20_000)));
        assertEquals(1, applier.counter(ReplicaCounter.NAT_REVERSE_RING_FULL));
        assertEquals(List.of(), drained(1), "no forward record without its reverse");
        assertEquals(0, applier.counter(ReplicaCounter.QUEUED));
    }

    @Test
    void shouldRefuseAFlowWhoseBackendPortIsNotTheOneThisLbsServiceSendsTo()
    {
        final ServiceSnapshot translated = ServiceSnapshotBuilder.build(
            DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2")), List.of(), List.of())
                .withGateways(IpAddress.parse("10.0.0.1"), null),
            List.of(new ServiceSpec(VIP, 80, TCP, ForwardingMode.NAT, List.of(new ServiceSpec.BackendSpec(BACKEND, 1)),
                MaglevTable.DEFAULT_SIZE, TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30))
                .withTranslation(8080, FragmentPolicy.DROP)),
            new NeighbourTable(64));
        final ReplicaApplier applier = new ReplicaApplier(() -> translated, workers, key -> 0);
        final FlowRecord flow = flow("198.51.100.7", VIP, 80, BACKEND);

        assertFalse(applier.apply(flow));
        assertEquals(1, applier.counter(ReplicaCounter.BACKEND_PORT_DIFFERS));
        assertTrue(applier.apply(flow.backendPort(8080)));
        assertEquals(8080, records(0).getFirst().backendPort());
        assertEquals(1, applier.counter(ReplicaCounter.QUEUED));
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
