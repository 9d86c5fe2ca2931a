package io.sluice.dataplane.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Scheduler;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.dataplane.pipeline.Frames.ethernet;
import static io.sluice.dataplane.pipeline.Frames.ipv4;
import static io.sluice.dataplane.pipeline.Frames.tcp;
import static io.sluice.dataplane.pipeline.Frames.udp;
import static io.sluice.dataplane.pipeline.PipelineHarness.CLIENT_MAC;
import static io.sluice.dataplane.pipeline.PipelineHarness.LB_MAC;
import static io.sluice.dataplane.pipeline.PipelineHarness.TCP_TIMEOUT_NS;
import static io.sluice.dataplane.pipeline.PipelineHarness.UDP_TIMEOUT_NS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schedulers of new flows, through the whole pipeline: a service at 192.0.2.50 with IPIP
 * backends 10.2.0.1.., each packet's backend read from the outer destination of the frame it left as.
 */
final class SchedulerTest
{
    private static final String VIP = "192.0.2.50";
    private static final String[] BACKENDS = {"10.2.0.1", "10.2.0.2", "10.2.0.3"};

    @Test
    void shouldSpreadNewFlowsExactlyByWeightInEveryWindowWhenRoundRobin()
    {
        try (PipelineHarness harness = new PipelineHarness(List.of(service(Scheduler.ROUND_ROBIN, 6, false, 1, 2, 3))))
        {
            for (int window = 0; window < 50; window++)
            {
                final Map<String, Integer> counts = new HashMap<>();
                for (int i = 0; i < 6; i++)
                {
                    counts.merge(backendOf(harness, tcpFrame("198.51.100.7", 20000 + window * 6 + i)), 1, Integer::sum);
                }
                assertEquals(Map.of(BACKENDS[0], 1, BACKENDS[1], 2, BACKENDS[2], 3), counts, "window " + window);
            }
            assertEquals(300, harness.counters().get(WorkerCounter.FLOW_NEW));
            harness.assertCountersAddUp();
        }
    }

    @Test
    void shouldKeepFlowsOnTheirBackendWhenRoundRobinMovesOn()
    {
        try (PipelineHarness harness = new PipelineHarness(List.of(service(Scheduler.ROUND_ROBIN, 6, false, 1, 1, 1))))
        {
            final String first = backendOf(harness, tcpFrame("198.51.100.7", 30000));
            backendOf(harness, tcpFrame("198.51.100.7", 30001));
            for (int i = 0; i < 5; i++)
            {
                assertEquals(first, backendOf(harness, tcpFrame("198.51.100.7", 30000)));
            }
            assertEquals(5, harness.counters().get(WorkerCounter.FLOW_HITS));
        }
    }

    @Test
    void shouldBalanceFlowCountsByWeightWhenLeastConnections()
    {
        try (PipelineHarness harness = new PipelineHarness(List.of(service(Scheduler.LEAST_CONNECTIONS, 6, false, 1, 1, 2))))
        {
            final Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < 400; i++)
            {
                counts.merge(backendOf(harness, tcpFrame("198.51.100.7", 20000 + i)), 1, Integer::sum);
            }
            assertEquals(Map.of(BACKENDS[0], 100, BACKENDS[1], 100, BACKENDS[2], 200), counts);
            final int[] ids = backendIds(harness);
            assertEquals(100, harness.flows().flowsOf(ids[0]));
            assertEquals(200, harness.flows().flowsOf(ids[2]));
        }
    }

    @Test
    void shouldPreferTheBackendWhoseFlowsEndedWhenLeastConnections()
    {
        try (PipelineHarness harness = new PipelineHarness(List.of(service(Scheduler.LEAST_CONNECTIONS, 6, false, 1, 1, 1))))
        {
            final List<String> picks = new ArrayList<>();
            for (int i = 0; i < 30; i++)
            {
                picks.add(backendOf(harness, tcpFrame("198.51.100.7", 20000 + i)));
            }
            for (int i = 0; i < 30; i++)
            {
                if (picks.get(i).equals(BACKENDS[1]))
                {
                    harness.flows().remove(keyOf(20000 + i), keyOf(20000 + i).hash());
                }
            }
            assertEquals(0, harness.flows().flowsOf(backendIds(harness)[1]));
            for (int i = 0; i < 10; i++)
            {
                assertEquals(BACKENDS[1], backendOf(harness, tcpFrame("198.51.100.7", 21000 + i)), "flow " + i);
            }
        }
    }

    @Test
    void shouldSendEveryFlowOfAClientToOneBackendWhenSourceHash()
    {
        try (PipelineHarness harness = new PipelineHarness(List.of(service(Scheduler.SOURCE_HASH, 6, false, 1, 1, 1))))
        {
            final Set<String> clientsBackends = new HashSet<>();
            for (int client = 1; client <= 20; client++)
            {
                final String address = "198.51.100." + client;
                final String first = backendOf(harness, tcpFrame(address, 40000));
                for (int port = 40001; port < 40020; port++)
                {
                    assertEquals(first, backendOf(harness, tcpFrame(address, port)), address + ":" + port);
                }
                clientsBackends.add(first);
            }
            assertEquals(3, clientsBackends.size(), "20 clients over 3 backends");
        }
    }

    @Test
    void shouldMoveFlowsOfABackendOnlyWhenItsFlowsAreReset()
    {
        try (PipelineHarness harness = new PipelineHarness(List.of(service(Scheduler.MAGLEV, 6, false, 1, 1, 1))))
        {
            final byte[] frame = tcpFrame("198.51.100.7", 50000);
            final String pinned = backendOf(harness, frame);
            final int down = List.of(BACKENDS).indexOf(pinned);

            harness.reconfigure(List.of(serviceWith(down, false)));
            assertEquals(pinned, backendOf(harness, frame), "drained: the flow stays");
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_REHASHED));

            harness.reconfigure(List.of(serviceWith(down, true)));
            final String moved = backendOf(harness, frame);
            assertNotEquals(pinned, moved, "reset: the flow leaves");
            assertEquals(1, harness.counters().get(WorkerCounter.FLOW_REHASHED));
            assertEquals(moved, backendOf(harness, frame), "and stays where it went");
            harness.assertCountersAddUp();
        }
    }

    @Test
    void shouldScheduleEveryPacketAndKeepNoFlowWhenOnePacketScheduling()
    {
        try (PipelineHarness harness = new PipelineHarness(List.of(service(Scheduler.ROUND_ROBIN, 17, true, 1, 1, 1))))
        {
            final byte[] frame = ethernet(LB_MAC, CLIENT_MAC, 0x0800,
                ipv4("198.51.100.7", VIP, 17, 64, 0, 0, 1, udp("198.51.100.7", VIP, 5353, 80, new byte[] {1})));
            final Set<String> seen = new HashSet<>();
            for (int i = 0; i < 3; i++)
            {
                seen.add(backendOf(harness, frame));
            }
            assertEquals(Set.of(BACKENDS), seen);
            assertEquals(0, harness.flows().size());
            assertEquals(0, harness.counters().get(WorkerCounter.FLOW_NEW));
            harness.assertCountersAddUp();
        }
    }

    @Test
    void shouldRefuseOnePacketSchedulingWhenTcpOrLeastConnections()
    {
        final IllegalArgumentException tcp = assertThrows(IllegalArgumentException.class,
            () -> new PipelineHarness(List.of(service(Scheduler.ROUND_ROBIN, 6, true, 1, 1, 1))));
        assertTrue(tcp.getMessage().contains("UDP services only"), tcp.getMessage());
        final IllegalArgumentException leastConnections = assertThrows(IllegalArgumentException.class,
            () -> new PipelineHarness(List.of(service(Scheduler.LEAST_CONNECTIONS, 17, true, 1, 1, 1))));
        assertTrue(leastConnections.getMessage().contains("least connections"), leastConnections.getMessage());
    }

    private static ServiceSpec service(final Scheduler scheduler, final int protocol, final boolean ops, final int... weights)
    {
        final List<ServiceSpec.BackendSpec> backends = new ArrayList<>();
        for (int i = 0; i < weights.length; i++)
        {
            backends.add(new ServiceSpec.BackendSpec(IpAddress.parse(BACKENDS[i]), weights[i]));
        }
        return new ServiceSpec(IpAddress.parse(VIP), 80, protocol, ForwardingMode.IPIP, backends, MaglevTable.DEFAULT_SIZE,
            TCP_TIMEOUT_NS, UDP_TIMEOUT_NS, scheduler, ops);
    }

    private static ServiceSpec serviceWith(final int downIndex, final boolean reset)
    {
        final List<ServiceSpec.BackendSpec> backends = new ArrayList<>();
        for (int i = 0; i < BACKENDS.length; i++)
        {
            backends.add(new ServiceSpec.BackendSpec(IpAddress.parse(BACKENDS[i]), i == downIndex ? 0 : 1, i == downIndex && reset));
        }
        return new ServiceSpec(IpAddress.parse(VIP), 80, 6, ForwardingMode.IPIP, backends, MaglevTable.DEFAULT_SIZE,
            TCP_TIMEOUT_NS, UDP_TIMEOUT_NS);
    }

    private static byte[] tcpFrame(final String client, final int port)
    {
        return ethernet(LB_MAC, CLIENT_MAC, 0x0800,
            ipv4(client, VIP, 6, 64, 0, 0x4000, 1, tcp(client, VIP, port, 80, Frames.TCP_ACK, new byte[0])));
    }

    private static io.sluice.dataplane.flow.FlowKey keyOf(final int port)
    {
        return new io.sluice.dataplane.flow.FlowKey().setIpv4(0xC6336407, 0xC0000232, port, 80, 6);
    }

    private static int[] backendIds(final PipelineHarness harness)
    {
        final int[] ids = new int[BACKENDS.length];
        final var service = harness.snapshot().service(0, io.sluice.dataplane.flow.FlowKey.ipv4MappedLo(0xC0000232), 80, 6);
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = service.backend(i).id();
        }
        return ids;
    }

    /** Runs a frame and returns the outer destination of the IPIP packet it left as. */
    private static String backendOf(final PipelineHarness harness, final byte[] frame)
    {
        final PipelineHarness.Result result = harness.run(frame);
        assertEquals(Verdict.FORWARD, result.verdict());
        final byte[] out = result.output();
        return (out[30] & 0xFF) + "." + (out[31] & 0xFF) + "." + (out[32] & 0xFF) + "." + (out[33] & 0xFF);
    }
}
