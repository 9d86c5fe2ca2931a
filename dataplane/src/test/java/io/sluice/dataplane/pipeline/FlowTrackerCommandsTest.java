package io.sluice.dataplane.pipeline;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dataplane.support.SteadyStateAllocation;

import static io.sluice.dataplane.pipeline.FlowTrackerFixtures.*;
import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What other threads ask of a worker's flow table, applied through its flow tracker on the test
 * thread (which stands in for the worker's): upserts of flows from a peer, which never replace a
 * live local flow; dumps by slot handle; lookups. Answers are read from the harness's reply ring.
 */
class FlowTrackerCommandsTest
{
    private static final FlowKey FLOW = key(VIP, 40000, 80, TCP);

    @Test
    void shouldRejectAndInsertNothingWhenTheUpsertDoesNotFitTheConfiguration()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            begin(harness);
            final List<FlowRecord> bad = List.of(
                upsert(FLOW, "192.0.2.99", BACKENDS[0], TCP_IDLE_NS),
                upsert(FLOW, VIP, "10.9.9.9", TCP_IDLE_NS),
                upsert(FLOW, VIP, BACKEND_OTHER, TCP_IDLE_NS),
                upsert(FLOW, VIP, BACKENDS[0], 0),
                upsert(FLOW, VIP, BACKENDS[0], -1),
                upsert(FLOW, VIP, BACKENDS[0], FlowTable.MAX_IDLE_TIMEOUT_NS + 1),
                upsert(key(VIP_OTHER, 40000, 80, TCP), VIP, BACKENDS[0], TCP_IDLE_NS),
                upsert(key(VIP, 40000, 8080, TCP), VIP, BACKENDS[0], TCP_IDLE_NS),
                upsert(key6(40000), VIP, BACKENDS[0], TCP_IDLE_NS));
            for (final FlowRecord flow : bad)
            {
                harness.pipeline().flows().onUpsert(flow);
            }
            final FlowRecord wrongProtocol = upsert(key(VIP, 40000, 80, UDP), VIP, BACKENDS[0], TCP_IDLE_NS);
            harness.pipeline().flows().onUpsert(wrongProtocol.service(wrongProtocol.serviceHi(), wrongProtocol.serviceLo(), 80, TCP));

            assertEquals(bad.size() + 1, harness.counters().get(WorkerCounter.FLOW_UPSERTS_REJECTED));
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_UPSERTS));
            assertEquals(0, harness.flows().size(), "nothing inserted");
        }
    }

    @Test
    void shouldSendTheFlowToTheUpsertedBackendWhenMaglevWouldPickAnother()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            begin(harness);
            final String maglev = maglevPick(harness, FLOW);
            final String other = maglev.equals(BACKENDS[0]) ? BACKENDS[1] : BACKENDS[0];

            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, other, TCP_IDLE_NS));
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_UPSERTS));
            assertEquals(1, harness.flows().size());

            assertEquals(other, forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK)), "the peer's backend, not Maglev's " + maglev);
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_HITS));
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_NEW));
            assertEquals(List.of(), events(harness), "a replicated flow is not echoed back as an event");
        }
    }

    @Test
    void shouldKeepTheLocalBackendWhenAnUpsertNamesAnotherForALiveLocalFlow()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final String local = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_SYN));
            final String other = local.equals(BACKENDS[0]) ? BACKENDS[1] : BACKENDS[0];
            harness.advance(1_000_000);
            begin(harness);

            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, other, TCP_IDLE_NS));
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_UPSERTS_KEPT_LOCAL));
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_UPSERTS));
            assertEquals(local, lookup(harness, FLOW).backendOf());
            assertEquals(local, forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK)));
            assertEquals(1, harness.flows().size());
        }
    }

    @Test
    void shouldReplaceTheFlowWhenAnUpsertFollowsAnEarlierReplicatedCopy()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            begin(harness);
            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, BACKENDS[0], TCP_IDLE_NS));
            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, BACKENDS[2], TimeUnit.SECONDS.toNanos(99)));

            assertEquals(2, harness.counters().get(WorkerCounter.FLOW_UPSERTS));
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_UPSERTS_KEPT_LOCAL));
            assertEquals(1, harness.flows().size());
            final Lookup found = lookup(harness, FLOW);
            assertEquals(BACKENDS[2], found.backendOf());
            assertEquals(TimeUnit.SECONDS.toNanos(99), found.record().idleTimeoutNs());
            assertEquals(BACKENDS[2], forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK)));
        }
    }

    /**
     * A flow first learnt from a peer that this LB then forwards traffic of (after a failover) is a
     * live local flow: a later upsert must not move it to another backend mid-connection.
     */
    @Test
    void shouldKeepTheBackendWhenAnUpsertFollowsLocalTrafficOnAReplicatedFlow()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            begin(harness);
            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, BACKENDS[0], TCP_IDLE_NS));
            harness.advance(1_000_000);
            assertEquals(BACKENDS[0], forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK)), "the failed-over flow, now local");
            harness.advance(1_000_000);
            begin(harness);

            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, BACKENDS[1], TCP_IDLE_NS));
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_UPSERTS_KEPT_LOCAL));
            assertEquals(BACKENDS[0], forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK)));
        }
    }

    @Test
    void shouldReplaceALocalFlowWhenItHasExpired()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final String local = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_SYN));
            final String other = local.equals(BACKENDS[0]) ? BACKENDS[1] : BACKENDS[0];
            harness.advance(TCP_IDLE_NS + 1);
            begin(harness);

            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, other, TCP_IDLE_NS));
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_UPSERTS_KEPT_LOCAL));
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_UPSERTS));
            assertEquals(other, forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK)));
        }
    }

    /**
     * A one-bucket table full of live local flows, idle for longer than the table's minimum eviction
     * idle time but far from their timeout: an upsert must not evict one of them to make room.
     */
    @Test
    void shouldNotEvictALiveLocalFlowWhenAnUpsertFindsItsBucketFull()
    {
        try (PipelineHarness harness = new PipelineHarness(services(), FlowTable.MIN_CAPACITY))
        {
            assertEquals(1, harness.flows().bucketCount());
            final List<Event> local = startFlows(harness, FlowTable.SLOTS_PER_BUCKET);
            assertEquals(FlowTable.SLOTS_PER_BUCKET, harness.flows().size());
            harness.advance(harness.flows().minEvictionIdleNs() + TimeUnit.SECONDS.toNanos(1));
            begin(harness);

            harness.pipeline().flows().onUpsert(upsert(key(VIP, 45000, 80, TCP), VIP, BACKENDS[0], TCP_IDLE_NS));

            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_UPSERTS), "no room without evicting a live local flow");
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_UPSERTS_REJECTED));
            for (final Event event : local)
            {
                assertTrue(lookup(harness, event.record().key()).found(), "still live: " + event.record().key());
            }
        }
    }

    @Test
    void shouldAnswerEveryLiveFlowAndTheEndOfTheTableWhenDumpedInOnePage()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final List<Event> created = startFlows(harness, 20);
            for (int i = 0; i < 5; i++)
            {
                forwardedTo(harness, udpFrame(VIP, 42000 + i, 53));
            }
            harness.advance(UDP_IDLE_NS + 1);
            begin(harness);

            harness.pipeline().flows().onDump(7, 0, 100);
            final Replies replies = Replies.drain(harness);
            assertEquals(20, replies.dumped.size(), "the live TCP flows, not the expired UDP ones");
            assertEquals(List.of(7L), replies.endIds);
            assertEquals(List.of(FlowReplyRing.END_OF_TABLE), replies.nextHandles);
            assertTrue(replies.dumpIds.stream().allMatch(id -> id == 7L));
            for (final Event event : created)
            {
                final FlowRecord expected = new FlowRecord().set(event.record()).createdNs(harness.nowNs())
                    .flags(FlowRecord.FLAG_LOCAL);
                assertEquals(1, replies.dumped.stream().filter(expected::sameAs).count(), expected::toString);
            }
        }
    }

    /** Only flows whose last packet went through this LB are marked local: a peer's copy is not refreshed back to it. */
    @Test
    void shouldMarkADumpedFlowLocalOnceThisLbForwardedItsPacketAndNotWhileItIsOnlyAPeersCopy()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            begin(harness);
            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, BACKENDS[1], TCP_IDLE_NS));
            harness.pipeline().flows().onDump(1, 0, 100);
            final Replies replicated = Replies.drain(harness);
            assertEquals(1, replicated.dumped.size());
            assertEquals(0, replicated.dumped.get(0).flags() & FlowRecord.FLAG_LOCAL, "a peer's copy");

            assertEquals(BACKENDS[1], forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK)));
            harness.pipeline().flows().onDump(2, 0, 100);
            final Replies forwarded = Replies.drain(harness);
            assertEquals(1, forwarded.dumped.size());
            assertEquals(FlowRecord.FLAG_LOCAL, forwarded.dumped.get(0).flags() & FlowRecord.FLAG_LOCAL, "forwarded here since");
        }
    }

    @Test
    void shouldAnswerEachLiveFlowExactlyOnceWhenPagedThroughInSmallPages()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            startFlows(harness, 20);
            forwardedTo(harness, tcp6Frame(40000, TCP_SYN));
            begin(harness);

            final Set<String> seen = new HashSet<>();
            int handle = 0;
            int pages = 0;
            while (handle != FlowReplyRing.END_OF_TABLE)
            {
                harness.pipeline().flows().onDump(100 + pages, handle, 3);
                final Replies page = Replies.drain(harness);
                assertTrue(page.dumped.size() <= 3, "a page holds at most what was asked");
                assertEquals(List.of(100L + pages), page.endIds);
                final int next = page.nextHandles.get(0);
                assertTrue(next == FlowReplyRing.END_OF_TABLE || next > handle, "the dump goes on: " + handle + " -> " + next);
                for (final FlowRecord flow : page.dumped)
                {
                    assertTrue(seen.add(flow.key().toString()), "answered twice: " + flow);
                }
                handle = next;
                pages++;
            }
            assertEquals(21, seen.size());
            assertTrue(pages >= 7, "21 flows in pages of 3");
        }
    }

    @Test
    void shouldStopAPageAtTheScanLimitWhenTheTableIsLargeAndEmpty()
    {
        try (PipelineHarness harness = new PipelineHarness(services(), 1 << 14))
        {
            begin(harness);
            harness.pipeline().flows().onDump(1, 0, 10);
            final Replies first = Replies.drain(harness);
            assertEquals(0, first.dumped.size());
            assertEquals(List.of(FlowCommands.DUMP_SCAN_LIMIT), first.nextHandles, "a page scans a bounded slice");

            harness.pipeline().flows().onDump(2, (1 << 14) - FlowCommands.DUMP_SCAN_LIMIT, 10);
            assertEquals(List.of(FlowReplyRing.END_OF_TABLE), Replies.drain(harness).nextHandles);
        }
    }

    @Test
    void shouldAnswerTheFlowsBackendWhenLookedUpAndNotFoundWhenAbsent()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final String backend = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_SYN));
            forwardedTo(harness, tcp6Frame(40001, TCP_SYN));
            final List<Event> created = events(harness);
            begin(harness);

            final Lookup found = lookup(harness, FLOW);
            assertTrue(found.found());
            assertEquals(backend, found.backendOf());
            assertTrue(new FlowRecord().set(created.get(0).record()).flags(FlowRecord.FLAG_LOCAL).sameAs(found.record()),
                found.record()::toString);

            final Lookup found6 = lookup(harness, key6(40001));
            assertTrue(found6.found());
            assertTrue(new FlowRecord().set(created.get(1).record()).flags(FlowRecord.FLAG_LOCAL).sameAs(found6.record()),
                found6.record()::toString);

            assertEquals(false, lookup(harness, key(VIP, 40002, 80, TCP)).found());
            assertEquals(false, lookup(harness, key(VIP, 40000, 80, UDP)).found());

            harness.advance(TCP_IDLE_NS + 1);
            begin(harness);
            assertEquals(false, lookup(harness, FLOW).found(), "an expired flow is not found");
        }
    }

    @Test
    void shouldAllocateNothingWhenUpsertsDumpsAndLookupsRunInSteadyState()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            startFlows(harness, 8);
            final FlowRecord[] upserts = new FlowRecord[16];
            for (int i = 0; i < upserts.length; i++)
            {
                upserts[i] = upsert(key(VIP, 43000 + i / 2, 80, TCP), VIP, BACKENDS[i % BACKENDS.length], TCP_IDLE_NS);
            }
            final FlowKey[] keys = {FLOW, key(VIP, 43001, 80, TCP), key(VIP, 49999, 80, TCP)};
            final CountingReplies sink = new CountingReplies();
            final FlowTracker flows = harness.pipeline().flows();
            final Runnable window = () ->
            {
                for (int i = 0; i < 2_000; i++)
                {
                    flows.onUpsert(upserts[i & 15]);
                    flows.onLookup(i, keys[i % 3]);
                    flows.onDump(i, 0, 4);
                    harness.replies().drain(sink, 100);
                }
            };
            begin(harness);
            for (int i = 0; i < 20; i++)
            {
                window.run();
            }
            SteadyStateAllocation.assertZero("2,000 upserts, lookups and dumps", window);
            assertTrue(sink.records > 0 && sink.ends > 0 && sink.lookups > 0);
            assertTrue(harness.counters().get(WorkerCounter.FLOW_UPSERTS) > 0);
        }
    }

    private static List<Event> startFlows(final PipelineHarness harness, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            forwardedTo(harness, tcpFrame(VIP, 41000 + i, TCP_SYN));
        }
        final List<Event> events = events(harness);
        assertEquals(count, events.size());
        return events;
    }

    /**
     * A NAT service whose backends serve on another port than the VIP's: its flows are described, in
     * events and lookups, with that port, and a peer takes the description as it is and forwards the
     * flow's next packet to the same backend and port.
     */
    @Test
    void shouldDescribeAFlowByItsBackendPortAndHaveThePeerApplyIt()
    {
        final FlowKey natFlow = key(PipelineHarness.VIP_NAT, 40000, 80, TCP);
        try (PipelineHarness lb = new PipelineHarness(services()); PipelineHarness peer = new PipelineHarness(services()))
        {
            events(lb);
            assertEquals(PipelineHarness.BACKEND_NAT, forwardedTo(lb, tcpFrame(PipelineHarness.VIP_NAT, 40000, TCP_SYN)));
            final List<Event> created = events(lb);
            assertEquals(1, created.size());
            final FlowRecord described = created.getFirst().record();
            assertEquals(PipelineHarness.NAT_TCP_PORT, described.backendPort(), "the backend's port, not the VIP's 80");
            assertEquals(PipelineHarness.NAT_TCP_PORT, lookup(lb, natFlow).record().backendPort());

            begin(peer);
            peer.pipeline().flows().onUpsert(new FlowRecord().set(described).backendPort(80));
            assertEquals(1, peer.counters().get(WorkerCounter.FLOW_UPSERTS_REJECTED), "not the port this LB sends to");
            peer.pipeline().flows().onUpsert(described);
            assertEquals(1, peer.counters().get(WorkerCounter.FLOW_UPSERTS));
            final PipelineHarness.Result next = peer.run(tcpFrame(PipelineHarness.VIP_NAT, 40000, TCP_ACK));
            assertEquals(Verdict.FORWARD, next.verdict());
            final byte[] out = next.output();
            assertEquals(PipelineHarness.BACKEND_NAT, (out[30] & 0xFF) + "." + (out[31] & 0xFF) + "." + (out[32] & 0xFF) + "." +
                (out[33] & 0xFF));
            assertEquals(PipelineHarness.NAT_TCP_PORT, (out[36] & 0xFF) << 8 | out[37] & 0xFF);
            assertEquals(1, peer.counters().get(WorkerCounter.FLOW_HITS), "the peer's copy, not a new flow");
        }
    }

    /** Full NAT installs a NAT flow's forward and reverse entries; until it does, neither is half installed. */
    @Test
    void shouldRejectAndInsertNothingForARecordWithANatMapping()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            begin(harness);
            final IpAddress laddr = IpAddress.parse("198.51.100.200");
            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, BACKENDS[0], TCP_IDLE_NS).nat(laddr.hi(), laddr.lo(), 20_000));
            harness.pipeline().flows().onUpsert(upsert(FLOW, VIP, BACKENDS[0], TCP_IDLE_NS)
                .flags(FlowRecord.FLAG_NAT_REVERSE));

            assertEquals(2, harness.counters().get(WorkerCounter.FLOW_UPSERTS_REJECTED));
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_UPSERTS));
            assertEquals(0, harness.flows().size(), "nothing inserted");
        }
    }

    private static FlowRecord upsert(final FlowKey key, final String vip, final String backend, final long timeoutNs)
    {
        return record(key, vip, key.dstPort(), key.protocol(), backend, timeoutNs, 1);
    }

    private static String maglevPick(final PipelineHarness harness, final FlowKey key)
    {
        final IpAddress vip = IpAddress.parse(VIP);
        final Service service = harness.snapshot().service(vip.hi(), vip.lo(), 80, TCP);
        final Backend backend = service.pick(key.hash());
        return backend.address().toString();
    }

    private record Lookup(boolean found, FlowRecord record)
    {
        String backendOf()
        {
            return IpAddress.ofIpv4((int)record.backendLo()).toString();
        }
    }

    private static int requestIds = 1000;

    private static Lookup lookup(final PipelineHarness harness, final FlowKey key)
    {
        final long id = requestIds++;
        harness.pipeline().flows().onLookup(id, key);
        final Replies replies = Replies.drain(harness);
        assertEquals(List.of(id), replies.lookupIds);
        return new Lookup(replies.found.get(0), replies.lookups.get(0));
    }

    /** Counts replies without keeping them: allocates nothing. */
    private static final class CountingReplies implements FlowReplyRing.FlowReplyHandler
    {
        long lookups;
        long records;
        long ends;

        @Override
        public void onLookupReply(final long requestId, final boolean found, final FlowRecord record)
        {
            lookups++;
        }

        @Override
        public void onDumpRecord(final long requestId, final FlowRecord record)
        {
            records++;
        }

        @Override
        public void onDumpEnd(final long requestId, final int nextHandle)
        {
            ends++;
        }
    }
}
