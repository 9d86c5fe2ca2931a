package io.sluice.dataplane.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.dataplane.pipeline.FlowTrackerFixtures.*;
import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flow events of the flow stage, driven by real frames through the pipeline: every new flow,
 * re-pin and close writes exactly one record, with the tuple, the service, the backend by address
 * and port, the timeout the flow now has and the worker's clock; nothing else writes one.
 */
class FlowTrackerTest
{
    private static final long CLOSING_NS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void shouldEmitOneNewEventWithTheFlowsTupleServiceBackendAndTimeoutWhenATcpSynStartsAFlow()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final String backend = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_SYN));

            final List<Event> events = events(harness);
            assertEquals(1, events.size(), events::toString);
            assertEvent(FlowEventRing.NEW,
                record(key(VIP, 40000, 80, TCP), VIP, 80, TCP, backend, TCP_IDLE_NS, harness.nowNs()), events.get(0));
            assertEquals(FlowKey.IPV4_MAPPED_HI, events.get(0).record().key().srcHi());
            assertEquals(0x0000_FFFF_C633_6407L, events.get(0).record().key().srcLo(), "198.51.100.7 IPv4-mapped");

            harness.advance(1_000);
            assertEquals(backend, forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK)));
            assertEquals(List.of(), events(harness), "an established flow's packet");
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_EVENTS_LOST));
            harness.assertCountersAddUp();
        }
    }

    @Test
    void shouldNameTheBackendAtTheVipPortWhenTheServiceIsDsrIpipOrGue()
    {
        try (PipelineHarness harness = new PipelineHarness())
        {
            assertEquals(Verdict.FORWARD, harness.run(tcpFrame(VIP_DSR, 40001, TCP_SYN)).verdict());
            assertEquals(Verdict.FORWARD, harness.run(tcpFrame(VIP_IPIP, 40002, TCP_SYN)).verdict());
            assertEquals(Verdict.FORWARD, harness.run(tcpFrame(VIP_GUE, 40003, TCP_SYN)).verdict());
            assertEquals(Verdict.FORWARD, harness.run(udpFrame(VIP_GUE, 40004, 53)).verdict());

            final long now = harness.nowNs();
            final List<Event> events = events(harness);
            assertEquals(4, events.size(), events::toString);
            assertEvent(FlowEventRing.NEW, record(key(VIP_DSR, 40001, 80, TCP), VIP_DSR, 80, TCP, BACKEND_DSR, TCP_TIMEOUT_NS, now),
                events.get(0));
            assertEvent(FlowEventRing.NEW, record(key(VIP_IPIP, 40002, 80, TCP), VIP_IPIP, 80, TCP, BACKEND_IPIP, TCP_TIMEOUT_NS, now),
                events.get(1));
            assertEvent(FlowEventRing.NEW, record(key(VIP_GUE, 40003, 80, TCP), VIP_GUE, 80, TCP, BACKEND_GUE, TCP_TIMEOUT_NS, now),
                events.get(2));
            assertEvent(FlowEventRing.NEW, record(key(VIP_GUE, 40004, 53, UDP), VIP_GUE, 53, UDP, BACKEND_GUE, UDP_TIMEOUT_NS, now),
                events.get(3));
        }
    }

    @Test
    void shouldEmitOneNewEventWithTheIpv6TupleWhenAnIpv6FlowStarts()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            assertEquals(IpAddress.parse(BACKEND6).toString(), forwardedTo(harness, tcp6Frame(40000, TCP_SYN)));

            final List<Event> events = events(harness);
            assertEquals(1, events.size(), events::toString);
            assertEvent(FlowEventRing.NEW, record(key6(40000), VIP6, 80, TCP, BACKEND6, TCP6_IDLE_NS, harness.nowNs()), events.get(0));
            assertTrue(events.get(0).record().key().isIpv6());

            forwardedTo(harness, tcp6Frame(40000, TCP_ACK));
            assertEquals(List.of(), events(harness));
        }
    }

    @Test
    void shouldEmitOneNewEventWithTheUdpTimeoutWhenAUdpFlowStarts()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            harness.advance(5_000);
            final String backend = forwardedTo(harness, udpFrame(VIP, 40000, 53));

            final List<Event> events = events(harness);
            assertEquals(1, events.size(), events::toString);
            assertEvent(FlowEventRing.NEW, record(key(VIP, 40000, 53, UDP), VIP, 53, UDP, backend, UDP_IDLE_NS, harness.nowNs()),
                events.get(0));

            assertEquals(backend, forwardedTo(harness, udpFrame(VIP, 40000, 53)));
            assertEquals(List.of(), events(harness));
        }
    }

    @Test
    void shouldEmitOneRepinNamingTheNewBackendWhenTheFlowsBackendLeavesTheService()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final String first = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_SYN));
            assertEquals(1, events(harness).size());

            harness.reconfigure(services(Arrays.stream(BACKENDS).filter(b -> !b.equals(first)).toArray(String[]::new)));
            harness.advance(1_000_000);
            final String moved = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK));
            assertNotEquals(first, moved);

            final List<Event> events = events(harness);
            assertEquals(1, events.size(), events::toString);
            assertEvent(FlowEventRing.REPIN, record(key(VIP, 40000, 80, TCP), VIP, 80, TCP, moved, TCP_IDLE_NS, harness.nowNs()),
                events.get(0));
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_REHASHED));

            assertEquals(moved, forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK)));
            assertEquals(List.of(), events(harness), "the packet after the re-pin");
            harness.assertCountersAddUp();
        }
    }

    @Test
    void shouldEmitOneCloseWithTheClosingTimeoutWhenAnEstablishedFlowSeesAFin()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            assertEquals(CLOSING_NS, harness.snapshot().settings().tcpClosingTimeoutNs());
            final String backend = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_SYN));
            forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK));
            events(harness);

            harness.advance(2_000_000);
            assertEquals(backend, forwardedTo(harness, tcpFrame(VIP, 40000, TCP_FIN | TCP_ACK)));
            final List<Event> events = events(harness);
            assertEquals(1, events.size(), events::toString);
            assertEvent(FlowEventRing.CLOSE, record(key(VIP, 40000, 80, TCP), VIP, 80, TCP, backend, CLOSING_NS, harness.nowNs()),
                events.get(0));

            assertEquals(backend, forwardedTo(harness, tcpFrame(VIP, 40000, TCP_FIN | TCP_ACK)));
            forwardedTo(harness, tcpFrame(VIP, 40000, TCP_ACK));
            assertEquals(List.of(), events(harness), "a second FIN, and the last ACK");
        }
    }

    @Test
    void shouldEmitOneCloseWhenAnEstablishedFlowSeesAnRst()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final String backend = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_SYN));
            events(harness);

            forwardedTo(harness, tcpFrame(VIP, 40000, TCP_RST));
            final List<Event> events = events(harness);
            assertEquals(1, events.size(), events::toString);
            assertEvent(FlowEventRing.CLOSE, record(key(VIP, 40000, 80, TCP), VIP, 80, TCP, backend, CLOSING_NS, harness.nowNs()),
                events.get(0));

            forwardedTo(harness, tcpFrame(VIP, 40000, TCP_RST | TCP_ACK));
            assertEquals(List.of(), events(harness));
        }
    }

    @Test
    void shouldEmitNewThenCloseWhenANewFlowsFirstPacketCarriesSynAndFin()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final String backend = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_SYN | TCP_FIN));

            final List<Event> events = events(harness);
            assertEquals(2, events.size(), events::toString);
            final FlowKey key = key(VIP, 40000, 80, TCP);
            assertEvent(FlowEventRing.NEW, record(key, VIP, 80, TCP, backend, TCP_IDLE_NS, harness.nowNs()), events.get(0));
            assertEvent(FlowEventRing.CLOSE, record(key, VIP, 80, TCP, backend, CLOSING_NS, harness.nowNs()), events.get(1));

            forwardedTo(harness, tcpFrame(VIP, 40000, TCP_FIN));
            assertEquals(List.of(), events(harness));
        }
    }

    /**
     * A service whose TCP idle timeout is already below the closing timeout: its flows close all the
     * same, once, and the event must not lengthen a peer's copy beyond the flow's own timeout.
     */
    @Test
    void shouldEmitOneCloseWhenTheServicesIdleTimeoutIsBelowTheClosingTimeout()
    {
        final long shortNs = TimeUnit.SECONDS.toNanos(5);
        final String vip = "192.0.2.63";
        final ServiceSpec shortLived = new ServiceSpec(IpAddress.parse(vip), 80, TCP, ForwardingMode.IPIP,
            List.of(new ServiceSpec.BackendSpec(IpAddress.parse(BACKENDS[0]), 1)), MaglevTable.DEFAULT_SIZE, shortNs, UDP_IDLE_NS);
        try (PipelineHarness harness = new PipelineHarness(List.of(shortLived)))
        {
            forwardedTo(harness, tcpFrame(vip, 40000, TCP_SYN));
            final List<Event> opened = events(harness);
            assertEquals(1, opened.size(), opened::toString);
            assertEquals(shortNs, opened.get(0).record().idleTimeoutNs());

            forwardedTo(harness, tcpFrame(vip, 40000, TCP_FIN | TCP_ACK));
            forwardedTo(harness, tcpFrame(vip, 40000, TCP_FIN | TCP_ACK));
            final List<Event> closed = events(harness);
            assertEquals(1, closed.size(), "exactly one CLOSE for the first FIN: " + closed);
            assertEquals(FlowEventRing.CLOSE, closed.get(0).type());
            assertTrue(closed.get(0).record().idleTimeoutNs() <= shortNs, closed::toString);
        }
    }

    @Test
    void shouldCountTheLossAndForwardAsUsualWhenTheEventRingIsFull()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final FlowRecord filler = record(key(VIP, 1, 80, TCP), VIP, 80, TCP, BACKENDS[0], TCP_IDLE_NS, 0);
            int offered = 0;
            while (harness.events().offer(FlowEventRing.NEW, filler))
            {
                offered++;
            }
            assertTrue(offered >= harness.events().capacityInEvents());

            final String backend = forwardedTo(harness, tcpFrame(VIP, 40000, TCP_SYN));
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_EVENTS_LOST));
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_NEW), "the flow is tracked all the same");
            assertEquals(backend, forwardedTo(harness, tcpFrame(VIP, 40000, TCP_FIN)));
            assertEquals(2, harness.counters().get(WorkerCounter.FLOW_EVENTS_LOST), "its close is lost too");
            assertEquals(2, harness.counters().get(WorkerCounter.FORWARDED));
            harness.assertCountersAddUp();

            assertEquals(offered, events(harness).size(), "only the filler was written");
            forwardedTo(harness, tcpFrame(VIP, 40001, TCP_SYN));
            assertEquals(1, events(harness).size(), "with room again, events are written");
            assertEquals(2, harness.counters().get(WorkerCounter.FLOW_EVENTS_LOST));
        }
    }

    @Test
    void shouldEmitNothingWhenTheServiceSchedulesEachPacketOnItsOwn()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            for (int i = 0; i < 3; i++)
            {
                forwardedTo(harness, udpFrame(VIP_OPS, 40000, 5353));
            }
            assertEquals(List.of(), events(harness));
            assertEquals(0, harness.flows().size());
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_EVENTS_LOST));
        }
    }

    @Test
    void shouldEmitNothingWhenAnIcmpErrorIsRoutedByTheFlowItQuotes()
    {
        try (PipelineHarness harness = new PipelineHarness(services()))
        {
            final byte[] fragmentationNeeded = fragmentationNeededQuoting(VIP_DSR, 40000);
            assertEquals(Verdict.FORWARD, harness.run(fragmentationNeeded).verdict(), "before the flow exists");
            assertEquals(List.of(), events(harness));
            assertEquals(0, harness.flows().size(), "an ICMP error inserts no flow");

            assertEquals(Verdict.FORWARD, harness.run(tcpFrame(VIP_DSR, 40000, TCP_SYN)).verdict());
            assertEquals(1, events(harness).size());
            assertEquals(Verdict.FORWARD, harness.run(fragmentationNeeded).verdict(), "once it does");
            assertEquals(List.of(), events(harness));
            harness.assertCountersAddUp();
        }
    }

    private static byte[] fragmentationNeededQuoting(final String vip, final int clientPort)
    {
        final byte[] quoted = Arrays.copyOf(
            ipv4(vip, CLIENT, TCP, 64, 0, 0x4000, 0, tcp(vip, CLIENT, 80, clientPort, TCP_ACK, new byte[100])), 28);
        return padded(ethernet(LB_MAC, ROUTER_MAC, ETHERTYPE_IPV4,
            ipv4("203.0.113.1", vip, ICMP, 60, 0, 0, 5, icmpv4(3, 4, 1400, quoted))));
    }

    static void assertEvent(final int type, final FlowRecord expected, final Event actual)
    {
        assertEquals(new Event(type, expected).toString(), actual.toString());
        assertTrue(expected.sameAs(actual.record()), "every field, flags and NAT included");
    }
}
