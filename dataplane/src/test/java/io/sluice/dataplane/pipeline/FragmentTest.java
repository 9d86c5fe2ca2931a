package io.sluice.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.TrafficStats;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.dataplane.pipeline.FragmentFixtures.*;
import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * IP fragments by service policy: {@code l3} sends a client's first fragments, later fragments
 * and whole packets to one backend as one flow, in every mode (NAT translating each fragment by
 * what it carries); {@code drop} drops them, counted for the service when one is known.
 */
class FragmentTest
{
    static List<PacketFixture> fixtures()
    {
        return FragmentFixtures.fixtures();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void shouldProduceExpectedVerdictAndBytesWhenFragmentsMeetTheirPolicy(final PacketFixture fixture)
    {
        try (PipelineHarness harness = FragmentFixtures.harness())
        {
            final PipelineHarness.Result result = harness.run(fixture.input());

            assertEquals(Verdict.name(fixture.verdict()), Verdict.name(result.verdict()), "verdict");
            if (fixture.reason() != null)
            {
                assertEquals(1, harness.counters().get(fixture.reason()), "drop counted as " + fixture.reason());
            }
            if (fixture.expected() != null)
            {
                assertEquals(hex(fixture.expected()), hex(result.output()), "output frame");
            }
            harness.assertCountersAddUp();
        }
    }

    @Test
    void shouldKeepOneFlowForFirstLaterAndWholePacketsOfAClientWhenL3()
    {
        assertOneFlowPerClient(false);
        assertOneFlowPerClient(true);
    }

    private static void assertOneFlowPerClient(final boolean ipv6)
    {
        final String client = ipv6 ? CLIENT6 : CLIENT;
        final String vip = ipv6 ? VIP6_L3 : VIP_L3;
        final byte[][] fragments = fragments(ipv6, client, vip, TCP, 64, datagram(TCP, client, vip, CLIENT_PORT, 80));
        final byte[] whole = frame(ipv6, LB_MAC, ROUTER_MAC, ipv6 ?
            ipv6(client, vip, TCP, 64, 0, 0, datagram(TCP, client, vip, 41000, 80)) :
            ipv4(client, vip, TCP, 64, 0, 0, 9, datagram(TCP, client, vip, 41000, 80)));
        try (PipelineHarness harness = FragmentFixtures.harness())
        {
            final byte[] later = harness.run(frame(ipv6, LB_MAC, ROUTER_MAC, fragments[1])).output();
            final byte[] first = harness.run(frame(ipv6, LB_MAC, ROUTER_MAC, fragments[0])).output();
            final byte[] other = harness.run(whole).output();

            final byte[] backendMac = mac(BACKEND_MACS.get(l3Backend(client, vip, TCP)));
            assertArrayEquals(backendMac, Arrays.copyOf(later, 6), "the later fragment, first to arrive, creates the flow");
            assertArrayEquals(backendMac, Arrays.copyOf(first, 6));
            assertArrayEquals(backendMac, Arrays.copyOf(other, 6));
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_NEW));
            assertEquals(2, harness.counters().get(WorkerCounter.FLOW_HITS));
            final FlowKey key = onlyNewFlow(harness);
            assertEquals(0, key.srcPort());
            assertEquals(0, key.dstPort());
            assertEquals(TCP, key.protocol());
        }
    }

    @Test
    void shouldCloseTheClientsFlowWhenAWholeTcpPacketOfAnL3ServiceCarriesFin()
    {
        try (PipelineHarness harness = FragmentFixtures.harness())
        {
            final byte[] fin = frame(false, LB_MAC, ROUTER_MAC,
                ipv4(CLIENT, VIP_L3, TCP, 64, 0, 0, 1, tcp(CLIENT, VIP_L3, 41001, 80, TCP_FIN | TCP_ACK, new byte[0])));
            final byte[] laterFragment = frame(false, LB_MAC, ROUTER_MAC,
                fragments(false, CLIENT, VIP_L3, TCP, 64, datagram(TCP, CLIENT, VIP_L3, CLIENT_PORT, 80))[1]);

            assertEquals(Verdict.FORWARD, harness.run(laterFragment).verdict());
            assertEquals(Verdict.FORWARD, harness.run(fin).verdict());
            assertEquals(Verdict.FORWARD, harness.run(laterFragment).verdict());

            final List<Integer> types = new ArrayList<>();
            harness.events().drain((type, record) -> types.add(type), Integer.MAX_VALUE);
            assertEquals(List.of(FlowEventRing.NEW, FlowEventRing.CLOSE), types, "a fragment carries no flags: one close");
        }
    }

    @Test
    void shouldHashAnL3ServicesPacketWithoutPortsWhenTheBurstHintHasThem()
    {
        final byte[] whole = frame(false, LB_MAC, ROUTER_MAC,
            ipv4(CLIENT, VIP_L3, TCP, 64, 0, 0, 1, datagram(TCP, CLIENT, VIP_L3, portPickingAnotherBackend(CLIENT, VIP_L3, TCP, 80), 80)));
        try (PipelineHarness harness = knowBackends(new PipelineHarness(FragmentFixtures.services(), PREFETCH_FLOW_CAPACITY));
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment copy = arena.allocate(whole.length);
            MemorySegment.copy(whole, 0, copy, ValueLayout.JAVA_BYTE, 0, whole.length);
            harness.pipeline().prefetchFlow(0, copy.address(), whole.length);
            harness.pipeline().prefetchFlowSlots(1);

            final byte[] out = harness.run(whole, 0).output();

            assertArrayEquals(mac(BACKEND_MACS.get(l3Backend(CLIENT, VIP_L3, TCP))), Arrays.copyOf(out, 6));
            assertEquals(0, onlyNewFlow(harness).dstPort());
        }
    }

    @Test
    void shouldSendFragmentsToTheBackendOfAReplicatedL3FlowWhenMaglevWouldPickAnother()
    {
        try (PipelineHarness harness = FragmentFixtures.harness())
        {
            harness.pipeline().begin(harness.snapshot(), macLong(LB_MAC), harness.nowNs());
            final int other = (l3Backend(CLIENT, VIP_L3, TCP) + 1) % BACKENDS.size();
            final IpAddress vip = IpAddress.parse(VIP_L3);
            final IpAddress backend = IpAddress.parse(BACKENDS.get(other));
            final FlowRecord flow = new FlowRecord();
            flow.key().setIpv4(IpAddress.parse(CLIENT).ipv4(), vip.ipv4(), 0, 0, TCP);
            flow.service(vip.hi(), vip.lo(), 80, TCP).backend(backend.hi(), backend.lo(), 80).idleTimeoutNs(TCP_TIMEOUT_NS);

            harness.pipeline().flows().onUpsert(flow);
            final byte[] out = harness.run(frame(false, LB_MAC, ROUTER_MAC,
                fragments(false, CLIENT, VIP_L3, TCP, 64, datagram(TCP, CLIENT, VIP_L3, CLIENT_PORT, 80))[1])).output();

            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_UPSERTS), "the flow of ports 0 is the service's");
            assertArrayEquals(mac(BACKEND_MACS.get(other)), Arrays.copyOf(out, 6));
        }
    }

    @Test
    void shouldRouteAnIcmpErrorQuotingAnL3FlowToTheClientsBackendWhenItsPortsWouldPickAnother()
    {
        final int clientPort = portPickingAnotherBackend(CLIENT, VIP_L3, TCP, 80);
        final byte[] quoted = Arrays.copyOf(
            ipv4(VIP_L3, CLIENT, TCP, 64, 0, 0x4000, 0, tcp(VIP_L3, CLIENT, 80, clientPort, TCP_ACK, new byte[100])), 28);
        final byte[] error = frame(false, LB_MAC, ROUTER_MAC, ipv4("203.0.113.1", VIP_L3, ICMP, 60, 0, 0, 5, icmpv4(3, 4, 1400, quoted)));
        try (PipelineHarness harness = FragmentFixtures.harness())
        {
            final PipelineHarness.Result result = harness.run(error);

            assertEquals(Verdict.FORWARD, result.verdict());
            assertArrayEquals(mac(BACKEND_MACS.get(l3Backend(CLIENT, VIP_L3, TCP))), Arrays.copyOf(result.output(), 6));
        }
    }

    @Test
    void shouldCountDroppedFragmentsForTheirServiceWhenOneServiceIsKnown()
    {
        try (PipelineHarness harness = FragmentFixtures.harness())
        {
            final byte[][] dsr = fragments(false, CLIENT, VIP_DSR, TCP, 64, datagram(TCP, CLIENT, VIP_DSR, CLIENT_PORT, 80));
            final byte[][] dsr6 = fragments(true, CLIENT6, VIP6_DSR, TCP, 64, datagram(TCP, CLIENT6, VIP6_DSR, CLIENT_PORT, 80));
            final byte[][] shared = fragments(false, CLIENT, VIP_SHARED, TCP, 64, datagram(TCP, CLIENT, VIP_SHARED, CLIENT_PORT, 443));
            for (final byte[] fragment : List.of(dsr[0], dsr[1], dsr6[0], dsr6[1], shared[0], shared[1]))
            {
                assertEquals(Verdict.DROP, harness.run(frame(fragment[0] >>> 4 == 6, LB_MAC, ROUTER_MAC, fragment)).verdict());
            }

            assertEquals(6, harness.counters().get(DropReason.FRAGMENT));
            assertEquals(2, fragmentDrops(harness, VIP_DSR, 80, TCP), "first and later fragment");
            assertEquals(2, fragmentDrops(harness, VIP6_DSR, 80, TCP));
            assertEquals(1, fragmentDrops(harness, VIP_SHARED, 443, TCP), "the first fragment, by its port");
            assertEquals(0, fragmentDrops(harness, VIP_SHARED, 80, TCP), "the later one matches neither service");
            harness.assertCountersAddUp();
        }
    }

    private static long fragmentDrops(final PipelineHarness harness, final String vip, final int port, final int protocol)
    {
        final IpAddress address = IpAddress.parse(vip);
        final Service service = harness.snapshot().service(address.hi(), address.lo(), port, protocol);
        return TrafficStats.service(harness.traffic(), service.id(), TrafficStats.DROP_REASONS + DropReason.FRAGMENT.ordinal());
    }

    private static FlowKey onlyNewFlow(final PipelineHarness harness)
    {
        final List<FlowKey> keys = new ArrayList<>();
        harness.events().drain((type, record) -> keys.add(new FlowKey().set(record.key())), Integer.MAX_VALUE);
        assertEquals(1, keys.size(), "one flow event");
        return keys.getFirst();
    }
}
