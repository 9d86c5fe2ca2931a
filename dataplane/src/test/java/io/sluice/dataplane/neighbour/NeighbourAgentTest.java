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

import io.sluice.dataplane.pipeline.Frames;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSnapshotBuilder;
import io.sluice.dataplane.worker.FrameRing;
import io.sluice.dataplane.worker.SnapshotPublisher;

import static io.sluice.dataplane.pipeline.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeighbourAgentTest
{
    private static final String LB_MAC = "02:00:00:00:00:01";
    private static final String PEER_MAC = "02:00:00:00:00:22";

    private final NeighbourTable table = new NeighbourTable(16);
    private final FrameRing punts = new FrameRing(1 << 16);
    private final FrameRing injects = new FrameRing(1 << 16);
    private final CachedNanoClock clock = new CachedNanoClock();
    private final Arena arena = Arena.ofConfined();
    private NeighbourAgent agent;

    @BeforeEach
    void setUp()
    {
        final SnapshotPublisher snapshots = new SnapshotPublisher(ServiceSnapshotBuilder.build(
            DataplaneSettings.of(List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("2001:db8::2")), List.of(), List.of()),
            List.of(), table));
        clock.update(1_000_000_000L);
        agent = new NeighbourAgent(table, List.of(punts), injects, snapshots, clock, macLong(LB_MAC),
            NeighbourAgent.DEFAULT_RETRY_INTERVAL_NS, NeighbourAgent.DEFAULT_REFRESH_INTERVAL_NS, null);
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
        injects.drain((segment, offset, length) ->
        {
            final byte[] frame = new byte[length];
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, frame, 0, length);
            frames.add(frame);
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
}
