package io.sluice.dataplane.neighbour;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.pipeline.Frames;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FrameRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.SnapshotPublisher;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;

import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeighbourAgentTest
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final String PEER_MAC = "02:00:00:00:00:22";

    private static final long MS = 1_000_000L;
    private static final long START_NS = 1_000_000_000L;

    private final NeighbourTable table = new NeighbourTable(16);
    private final FrameRing punts = new FrameRing(1 << 16);
    private final WorkerCommandRing injects = new WorkerCommandRing(1 << 16);
    private final CachedNanoClock clock = new CachedNanoClock();
    private final Arena arena = Arena.ofConfined();
    private NeighbourAgent agent;

    @BeforeEach
    void setUp()
    {
        clock.update(START_NS);
        agent = agentOn(table);
    }

    private NeighbourAgent agentOn(final NeighbourTable neighbours)
    {
        final SnapshotPublisher snapshots = new SnapshotPublisher(ServiceSnapshotBuilder.build(
            DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("2001:db8::2")), List.of(), List.of()),
            List.of(), neighbours));
        return new NeighbourAgent(neighbours, List.of(punts), injects, snapshots, clock, macLong(LB_MAC),
            NeighbourPolicy.of(NeighbourPolicy.DEFAULT_REQUESTS_PER_SECOND), new NeighbourCounters(null, 0), null);
    }

    /** Steps the agent every {@code stepNs} until {@code untilNs} after the start, and returns when requests left (ms since the start). */
    private List<Long> requestTimesMs(final long stepNs, final long untilNs, final long startNs)
    {
        final List<Long> times = new ArrayList<>();
        while (clock.nanoTime() - startNs < untilNs)
        {
            clock.advance(stepNs);
            agent.doWork();
            for (int i = drainInjected().size(); i > 0; i--)
            {
                times.add((clock.nanoTime() - startNs) / MS);
            }
        }
        return times;
    }

    private static int arpTarget(final byte[] frame)
    {
        return ((frame[38] & 0xFF) << 24) | ((frame[39] & 0xFF) << 16) | ((frame[40] & 0xFF) << 8) | (frame[41] & 0xFF);
    }

    @AfterEach
    void tearDown()
    {
        agent.onClose();
        arena.close();
    }

    private List<byte[]> drainInjected()
    {
        final List<byte[]> frames = new ArrayList<>();
        injects.drain(new WorkerCommandRing.WorkerCommandHandler()
        {
            public void onFrame(final MemorySegment segment, final long offset, final int length)
            {
                final byte[] frame = new byte[length];
                MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, frame, 0, length);
                frames.add(frame);
            }

            public void onUpsert(final FlowRecord record)
            {
                throw new AssertionError("the neighbour agent sends frames only");
            }

            public void onDump(final long requestId, final int fromHandle, final int maxFlows)
            {
                throw new AssertionError("the neighbour agent sends frames only");
            }

            public void onLookup(final long requestId, final FlowKey key)
            {
                throw new AssertionError("the neighbour agent sends frames only");
            }
        }, 100);
        return frames;
    }

    private void punt(final byte[] frame)
    {
        final MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        assertTrue(punts.offer(segment, 0, frame.length));
    }

    @Test
    void shouldSendArpRequestForUnresolvedNeighbourAndLearnFromReply()
    {
        final int index = table.register(IpAddress.parse("10.0.0.11"));

        agent.doWork();

        final List<byte[]> sent = drainInjected();
        assertEquals(1, sent.size());
        assertEquals(hex(padded(ethernet("ff:ff:ff:ff:ff:ff", LB_MAC, ETHERTYPE_ARP,
            arp(1, LB_MAC, "10.0.0.2", "00:00:00:00:00:00", "10.0.0.11")))), hex(sent.get(0)));

        punt(padded(ethernet(LB_MAC, PEER_MAC, ETHERTYPE_ARP, arp(2, PEER_MAC, "10.0.0.11", LB_MAC, "10.0.0.2"))));
        agent.doWork();

        assertEquals(macLong(PEER_MAC), table.mac(index));
        assertEquals(1, agent.learned());
    }

    @Test
    void shouldSendNeighbourSolicitationAndLearnFromAdvertisement()
    {
        final int index = table.register(IpAddress.parse("2001:db8::11"));

        agent.doWork();

        final List<byte[]> sent = drainInjected();
        assertEquals(1, sent.size());
        final byte[] expected = ethernet("33:33:ff:00:00:11", LB_MAC, ETHERTYPE_IPV6, ipv6("2001:db8::2", "ff02::1:ff00:11", ICMPV6, 255, 0, 0,
            icmpv6("2001:db8::2", "ff02::1:ff00:11", 135, 0, 0, concat(ip("2001:db8::11"), new byte[]{1, 1}, mac(LB_MAC)))));
        assertEquals(hex(expected), hex(sent.get(0)));

        punt(ethernet(LB_MAC, PEER_MAC, ETHERTYPE_IPV6, ipv6("2001:db8::11", "2001:db8::2", ICMPV6, 255, 0, 0,
            icmpv6("2001:db8::11", "2001:db8::2", 136, 0, 0x60000000, concat(ip("2001:db8::11"), new byte[]{2, 1}, mac(PEER_MAC))))));
        agent.doWork();

        assertEquals(macLong(PEER_MAC), table.mac(index));
    }

    @Test
    void shouldRetryOnlyAfterIntervalAndNeverAskForStaticEntries()
    {
        table.register(IpAddress.parse("10.0.0.11"));
        table.setStatic(IpAddress.parse("10.0.0.12"), macLong(PEER_MAC));

        agent.doWork();
        clock.advance(NeighbourAgent.DEFAULT_RETRY_INTERVAL_NS / 2);
        agent.doWork();
        assertEquals(1, drainInjected().size(), "one request, none for the static entry, no early retry");

        clock.advance(NeighbourAgent.DEFAULT_RETRY_INTERVAL_NS);
        agent.doWork();
        assertEquals(1, drainInjected().size(), "retried after the interval");
    }

    @Test
    void shouldNotLetLearningOverwriteStaticEntryOrLearnUnregisteredAddress()
    {
        final int index = table.setStatic(IpAddress.parse("10.0.0.12"), macLong("02:00:00:00:00:33"));
        punt(padded(ethernet(LB_MAC, PEER_MAC, ETHERTYPE_ARP, arp(2, PEER_MAC, "10.0.0.12", LB_MAC, "10.0.0.2"))));
        punt(padded(ethernet(LB_MAC, PEER_MAC, ETHERTYPE_ARP, arp(2, PEER_MAC, "10.0.0.99", LB_MAC, "10.0.0.2"))));

        agent.doWork();

        assertEquals(macLong("02:00:00:00:00:33"), table.mac(index));
        assertEquals(-1, table.indexOf(IpAddress.parse("10.0.0.99")));
        assertEquals(2, agent.ignored());
    }

    @Test
    void shouldBackOffExponentiallyWhenNeighbourNeverAnswers()
    {
        table.register(IpAddress.parse("10.0.0.11"));
        agent.doWork();
        assertEquals(1, drainInjected().size(), "asked at once");

        final List<Long> times = requestTimesMs(10 * MS, 100_000 * MS, START_NS);

        assertEquals(List.of(500L, 1_500L, 3_500L, 7_500L, 15_500L, 31_500L, 61_500L, 91_500L), times,
            "0.5 s doubling, capped at 30 s");
        final NeighbourEntry entry = agent.entries().getFirst();
        assertEquals("incomplete", entry.state());
        assertEquals(100_000 * MS, entry.unresolvedForNs());
        assertEquals(9, entry.attempts());
    }

    @Test
    void shouldProbeThenKeepTheOldMacAsStaleWhenRefreshIsUnansweredAndResetWhenItAnswers()
    {
        final int index = table.register(IpAddress.parse("10.0.0.11"));
        agent.doWork();
        drainInjected();
        punt(padded(ethernet(LB_MAC, PEER_MAC, ETHERTYPE_ARP, arp(2, PEER_MAC, "10.0.0.11", LB_MAC, "10.0.0.2"))));
        agent.doWork();
        assertEquals("reachable", agent.entries().getFirst().state());

        final List<Long> times = requestTimesMs(10 * MS, 100_000 * MS, START_NS);

        assertEquals(List.of(30_000L, 30_500L, 31_000L, 31_500L, 32_000L, 33_000L, 35_000L, 39_000L, 47_000L, 63_000L, 93_000L),
            times, "refresh at 30 s, three probes 0.5 s apart, then stale with backoff");
        assertEquals("stale", agent.entries().getFirst().state());
        assertEquals(macLong(PEER_MAC), table.mac(index), "the old MAC stays in use");
        assertEquals(68_500 * MS, agent.entries().getFirst().unresolvedForNs(), "stale since the last probe went unanswered");

        punt(padded(ethernet(LB_MAC, PEER_MAC, ETHERTYPE_ARP, arp(2, PEER_MAC, "10.0.0.11", LB_MAC, "10.0.0.2"))));
        agent.doWork();
        assertEquals("reachable", agent.entries().getFirst().state());
        assertEquals(List.of(130_000L), requestTimesMs(10 * MS, 130_400 * MS, START_NS), "next request at the refresh age");
    }

    @Test
    void shouldCapRequestsOverAllNeighboursSpreadThemAndAskEveryNeighbourInTurn()
    {
        final NeighbourTable big = new NeighbourTable(NeighbourTable.DEFAULT_CAPACITY);
        agent.onClose();
        agent = agentOn(big);
        final int neighbours = 3000;
        for (int i = 0; i < neighbours; i++)
        {
            big.register(IpAddress.parse("10.1." + (i >> 8) + "." + (i & 0xFF)));
        }
        final java.util.Set<Integer> asked = new java.util.HashSet<>();
        int sent = 0;
        int mostInOneCycle = 0;
        long firstRoundMs = -1;
        for (long step = 1; step <= 40_000; step++)
        {
            clock.advance(MS);
            agent.doWork();
            final List<byte[]> frames = drainInjected();
            mostInOneCycle = Math.max(mostInOneCycle, frames.size());
            sent += step <= 10_000 ? frames.size() : 0;
            frames.forEach(frame -> asked.add(arpTarget(frame)));
            if (firstRoundMs < 0 && asked.size() == neighbours)
            {
                firstRoundMs = step;
            }
        }

        assertTrue(sent >= 990 && sent <= 1_002, "about 100 requests per second over the first 10 s, not a storm: " + sent);
        assertTrue(mostInOneCycle <= 2, "spread over the duty cycles, at most 20 ms worth at once: " + mostInOneCycle);
        assertTrue(firstRoundMs > 0 && firstRoundMs <= 30_100, "every neighbour asked within one round at the cap: " + firstRoundMs);
        assertTrue(agent.requestsSuppressed() >= neighbours - 100, "due requests that waited are counted: " +
            agent.requestsSuppressed());
    }
}
