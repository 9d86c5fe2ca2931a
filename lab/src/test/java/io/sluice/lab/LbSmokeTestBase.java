package io.sluice.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.sluice.dataplane.stats.WorkerCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every forwarding mode must show with real TCP through the real daemon in the lab, the smoke
 * test each mode gets: many concurrent connections all answered, from the client's own address and
 * port, and spread by weight; and the daemon's counters agreeing with what the client's kernel sent
 * (service, backends and workers), with the backends' decap counters matching the LB's packets
 * for a tunnel. A subclass per mode registers a {@link LabLoadBalancer} with its configuration
 * and names the service under test; {@link LbSystemTestBase} adds the full battery for the mode
 * that gets it.
 * <p>
 * Each test starts from the class's starting configuration (a test that changes it is undone by
 * a reload before the next one).
 */
@Tag("lab")
@Tag("dpdk")
abstract class LbSmokeTestBase
{
    /** Connect and read timeout of every request. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int CONCURRENT_CONNECTIONS = 600;
    static final int PARALLEL_CLIENTS = 30;
    static final int REQUESTS_ON_ESTABLISHED = 10;
    private static final int COUNTED_CONNECTIONS = 40;
    private static final int COUNTED_KEEP_ALIVE_REQUESTS = 20;
    private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(15);
    static final Duration COUNTERS_TIMEOUT = Duration.ofSeconds(10);

    /** @return the class's load balancer. */
    abstract LabLoadBalancer lb();

    /** @return the service under test, as it is in the starting configuration. */
    abstract LbConfig.Service service();

    /** @return a VIP the lab's backends hold that no service of the starting configuration uses. */
    abstract String spareVip();

    @BeforeEach
    void startFromTheBaseConfiguration() throws IOException
    {
        lb().restoreBase();
    }

    @Test
    void shouldAnswerEveryConnectionAndSpreadThemByWeightWhenManyClientsConnectAtOnce() throws Exception
    {
        final LbConfig.Service service = service();

        final VipClient.Batch batch =
            VipClient.concurrently(service.vipAddress(), service.port(), CONCURRENT_CONNECTIONS, PARALLEL_CLIENTS, TIMEOUT);

        assertNoFailures(batch);
        assertEquals(CONCURRENT_CONNECTIONS, batch.answers().size());
        final Set<Integer> clientPorts = new HashSet<>();
        for (final VipClient.Answer answer : batch.answers())
        {
            assertClient(service, answer.localPort(), answer.client());
            clientPorts.add(answer.localPort());
        }
        assertEquals(CONCURRENT_CONNECTIONS, clientPorts.size(), "every connection a 5-tuple of its own");
        WeightedShares.assertProportional(service, batch.perBackend(), "new connections from " + PARALLEL_CLIENTS + " parallel clients");
    }

    @Test
    void shouldCountEverySegmentTheClientSentWhenConnectionsOpenAndClose() throws Exception
    {
        final LbConfig.Service counted = service().withVip(spareVip());
        ClientTcp.resetBackendSockets();
        ClientTcp.resetClientSockets();
        lb().apply(lb().base().with(counted));
        assertStartsAtZero(counted, lb().stats());
        awaitQuietClient();
        final Map<LabBackend, DecapCounters> decapBefore = settledDecapCounters();
        final ClientTcp before = ClientTcp.read();

        final Map<String, Integer> connectionsPerBackend = sendCountedTraffic(counted);

        awaitQuietClient();
        final ClientTcp after = ClientTcp.read();
        final long sent = after.segmentsSince(before);
        final LbStats stats = Poll.until(COUNTERS_TIMEOUT, () -> lb().stats(),
            read -> read.service(counted.vipAddress(), counted.port()).packets() >= sent).value();
        final LbStats.Service service = stats.service(counted.vipAddress(), counted.port());
        final String report = "client sent " + sent + " segments (OutSegs +" + (after.outSegments() - before.outSegments()) +
            ", RetransSegs +" + (after.retransSegments() - before.retransSegments()) + "); service " + service + "; backends " +
            stats.backendsOf(service) + "; " + stats.describeWorkers();
        System.out.println(counted.vip() + ": " + report);

        assertEquals(sent, service.packets(), "packets of the service = segments the client sent: " + report);
        assertEquals(0, service.drops(), "drops of the service: " + report);
        long backendPackets = 0;
        for (final LbStats.Backend backend : stats.backendsOf(service))
        {
            backendPackets += backend.packets();
        }
        assertEquals(service.packets(), backendPackets, "backend packets add up to the service's: " + report);
        assertEquals(COUNTED_CONNECTIONS + 1, service.newFlows(), "one new flow per connection: " + report);
        for (final LbConfig.Backend backend : counted.backends())
        {
            assertEquals((long)connectionsPerBackend.getOrDefault(backend.backend().name(), 0),
                stats.backend(service, InetAddress.ofLiteral(backend.address())).newFlows(),
                "new flows of " + backend.backend().name() + " = connections it answered " + connectionsPerBackend + ": " + report);
        }
        assertBackendsDecapsulated(counted, stats, decapBefore);
        final Poll.Outcome<LbStats> workers = Poll.until(COUNTERS_TIMEOUT, () -> lb().stats(), LbStats::workerCountersAddUp);
        assertTrue(workers.met(), "rx = forwarded + replied + punted + dropped on every worker: " + workers.describe());
        assertTrue(workers.value().total(WorkerCounter.RX_PACKETS) >= sent, workers.value().describeWorkers());
    }

    /** A service just added starts with every counter of it and of its backends at zero. */
    private static void assertStartsAtZero(final LbConfig.Service added, final LbStats stats)
    {
        final LbStats.Service service = stats.service(added.vipAddress(), added.port());
        assertEquals(List.of(0L, 0L, 0L), List.of(service.packets(), service.newFlows(), service.drops()), "a new service starts at zero: " +
            service);
        for (final LbStats.Backend backend : stats.backendsOf(service))
        {
            assertEquals(List.of(0L, 0L), List.of(backend.packets(), backend.newFlows()), "a new backend starts at zero: " + backend);
        }
    }

    /**
     * The backends' decapsulators saw exactly what the LB says it sent each of them: every packet
     * in the service's tunnel (IPIP or GUE variant 0, IPv4 in IPv4), or none at all for DSR.
     */
    private void assertBackendsDecapsulated(final LbConfig.Service counted, final LbStats stats, final Map<LabBackend, DecapCounters> before)
    {
        final LbStats.Service service = stats.service(counted.vipAddress(), counted.port());
        final Map<LabBackend, DecapCounters> expected = new HashMap<>();
        for (final LbConfig.Backend backend : counted.backends())
        {
            final long packets = stats.backend(service, InetAddress.ofLiteral(backend.address())).packets();
            final long ipip = "ipip".equals(counted.mode()) ? packets : 0;
            final long gue = "gue".equals(counted.mode()) ? packets : 0;
            expected.put(backend.backend(), new DecapCounters(ipip + gue, ipip, gue, 0, ipip + gue, 0, ipip + gue, 0, 0, 0));
        }
        final Poll.Outcome<Map<LabBackend, DecapCounters>> decapsulated =
            Poll.until(COUNTERS_TIMEOUT, () -> decapCountersSince(before), expected::equals);
        assertEquals(expected, decapsulated.value(), counted.mode() + ": the backends' decap counters against the LB's packets per backend");
    }

    private Map<LabBackend, DecapCounters> decapCountersSince(final Map<LabBackend, DecapCounters> before)
    {
        final Map<LabBackend, DecapCounters> since = new HashMap<>();
        for (final LabBackend backend : LabTopology.BACKENDS)
        {
            since.put(backend, lb().lab().counters(backend).minus(before.get(backend)));
        }
        return since;
    }

    /** The backends' decap counters once two readings in a row agree: nothing of earlier tests still on its way. */
    private Map<LabBackend, DecapCounters> settledDecapCounters()
    {
        final List<Map<LabBackend, DecapCounters>> previous = new ArrayList<>(List.of(Map.of()));
        final Poll.Outcome<Map<LabBackend, DecapCounters>> settled = Poll.until(COUNTERS_TIMEOUT, () ->
        {
            final Map<LabBackend, DecapCounters> current = new HashMap<>();
            for (final LabBackend backend : LabTopology.BACKENDS)
            {
                current.put(backend, lb().lab().counters(backend));
            }
            final boolean same = current.equals(previous.getFirst());
            previous.set(0, current);
            return same ? current : null;
        }, current -> current != null);
        assertTrue(settled.met(), "the backends' decap counters kept changing: " + previous.getFirst());
        return settled.value();
    }

    /** New connections one after the other and one kept-alive connection; returns connections per backend. */
    private static Map<String, Integer> sendCountedTraffic(final LbConfig.Service service) throws Exception
    {
        final List<VipClient.Answer> answers = NetworkNamespace.call(LabTopology.CLIENT_NAMESPACE, () ->
        {
            final List<VipClient.Answer> sequence = new ArrayList<>();
            for (int c = 0; c < COUNTED_CONNECTIONS; c++)
            {
                sequence.add(VipClient.request(service.vipAddress(), service.port(), TIMEOUT));
            }
            return sequence;
        });
        final Map<String, Integer> perBackend = new VipClient.Batch(answers, List.of()).perBackend();
        try (LabHttpConnection connection = LabHttpConnection.open(LabTopology.CLIENT_NAMESPACE, service.vip(), service.port(), TIMEOUT))
        {
            final String backend = connection.get("/").header("X-Backend");
            assertAnsweredBy(connection, backend, "counted kept-alive connection", COUNTED_KEEP_ALIVE_REQUESTS - 1);
            perBackend.merge(backend, 1, Integer::sum);
        }
        return perBackend;
    }

    /** Waits until every client socket is closed or in TIME_WAIT: nothing more will leave the client. */
    private static void awaitQuietClient()
    {
        final Poll.Outcome<List<String>> busy = Poll.until(QUIET_TIMEOUT, ClientTcp::busySockets, List::isEmpty);
        assertTrue(busy.met(), "client sockets still open or closing: " + busy.describe());
    }

    static void assertAnsweredBy(final LabHttpConnection connection, final String backend, final String what) throws IOException
    {
        assertAnsweredBy(connection, backend, what, REQUESTS_ON_ESTABLISHED);
    }

    static void assertAnsweredBy(final LabHttpConnection connection, final String backend, final String what, final int requests)
        throws IOException
    {
        for (int r = 0; r < requests; r++)
        {
            final LabHttpConnection.Response response = connection.get("/" + r);
            assertEquals(200, response.status(), what);
            assertEquals(backend, response.header("X-Backend"), what + ", request " + r);
        }
    }

    static void assertNoFailures(final VipClient.Batch batch)
    {
        final List<String> failures = batch.failures();
        assertEquals(0, failures.size(), failures.size() + " of " + (failures.size() + batch.answers().size()) +
            " requests failed, the first: " + failures.subList(0, Math.min(5, failures.size())));
    }

    /** The backend saw the client's own address and port: the LB left the client's packets as they were. */
    static void assertClient(final LbConfig.Service service, final int localPort, final String seen)
    {
        assertNotNull(seen, "X-Client header");
        final int colon = seen.lastIndexOf(':');
        final InetAddress address = InetAddress.ofLiteral(seen.substring(0, colon).replace("[", "").replace("]", ""));
        assertEquals(clientAddress(service), address, "client address the backend saw: " + seen);
        assertEquals(localPort, Integer.parseInt(seen.substring(colon + 1)), "client port the backend saw: " + seen);
    }

    static InetAddress clientAddress(final LbConfig.Service service)
    {
        return InetAddress.ofLiteral(service.vip().contains(":") ? LabTopology.CLIENT_IPV6 : LabTopology.CLIENT_IPV4);
    }
}
