package io.sluice.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The full battery of system tests, run for one forwarding mode (IPIP, see {@link LbIpipSystemTest})
 * on top of the smoke tests every mode gets ({@link LbSmokeTestBase}): long-lived keep-alive
 * connections staying on one backend; one client 5-tuple always on one backend, also across a
 * reload; a drained backend (weight 0) getting no new connection while its established ones keep
 * working. None of these depends on how the LB puts a packet on the LAN (the per-mode bytes are
 * pinned by the dataplane's pcap golden tests and every mode's smoke test here), so one mode
 * carries them.
 */
abstract class LbSystemTestBase extends LbSmokeTestBase
{
    private static final int KEPT_ALIVE_CONNECTIONS = 20;
    private static final int REQUESTS_PER_KEPT_ALIVE_CONNECTION = 50;
    private static final long KEPT_ALIVE_ROUND_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(40);
    private static final int FIRST_FIXED_PORT = 20_001;
    private static final int FIXED_PORTS = 16;
    private static final int ROUNDS_PER_CONFIGURATION = 3;
    private static final int MAX_CONNECTIONS_TO_FIND_BACKENDS = 64;
    private static final int NEW_CONNECTIONS_AFTER_DRAIN = 300;

    @Test
    void shouldAnswerEveryRequestOfAKeptAliveConnectionFromOneBackendWhenManyConnectionsLiveTogether() throws Exception
    {
        final LbConfig.Service service = service();
        final List<LabHttpConnection> connections = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final String[] backendOf = new String[KEPT_ALIVE_CONNECTIONS];
        final long startNs = System.nanoTime();
        try (ExecutorService requests = Executors.newFixedThreadPool(KEPT_ALIVE_CONNECTIONS))
        {
            for (int c = 0; c < KEPT_ALIVE_CONNECTIONS; c++)
            {
                connections.add(LabHttpConnection.open(LabTopology.CLIENT_NAMESPACE, service.vip(), service.port(), TIMEOUT));
            }
            for (int round = 0; round < REQUESTS_PER_KEPT_ALIVE_CONNECTION; round++)
            {
                paceUntil(startNs + round * KEPT_ALIVE_ROUND_INTERVAL_NS);
                final List<Future<LabHttpConnection.Response>> responses = new ArrayList<>();
                for (final LabHttpConnection connection : connections)
                {
                    final String path = "/round-" + round;
                    responses.add(requests.submit(() -> connection.get(path)));
                }
                for (int c = 0; c < KEPT_ALIVE_CONNECTIONS; c++)
                {
                    final LabHttpConnection.Response response = responses.get(c).get();
                    final String backend = response.header("X-Backend");
                    backendOf[c] = backendOf[c] == null ? backend : backendOf[c];
                    if (response.status() != 200 || backend == null || !backend.equals(backendOf[c]))
                    {
                        failures.add("connection " + c + " (port " + connections.get(c).localAddress().getPort() + ") round " + round +
                            ": status " + response.status() + " from " + backend + ", earlier rounds from " + backendOf[c]);
                    }
                    assertClient(service, connections.get(c).localAddress().getPort(), response.header("X-Client"));
                }
            }
        }
        finally
        {
            closeAll(connections);
        }

        assertEquals(List.of(), failures, "every request of a connection answered by the backend of its first");
        final Set<String> backends = new HashSet<>(List.of(backendOf));
        assertTrue(backends.size() > 1, "the " + KEPT_ALIVE_CONNECTIONS + " connections were spread, not all on " + backends);
        System.out.println(service.vip() + ": " + KEPT_ALIVE_CONNECTIONS + " kept-alive connections x " + REQUESTS_PER_KEPT_ALIVE_CONNECTION +
            " requests over " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms, backends per connection " + List.of(backendOf));
    }

    @Test
    void shouldSendOneClientFiveTupleToOneBackendWhenItReconnectsAndTheConfigurationReloads() throws Exception
    {
        final LbConfig.Service service = service();
        final Map<Integer, List<String>> backendsByPort = new HashMap<>();

        connectFromFixedPorts(service, ROUNDS_PER_CONFIGURATION, backendsByPort);
        lb().apply(lb().base().with(LbConfig.Service.of(spareVip(), "dsr", 0, 1, 5)));
        connectFromFixedPorts(service, ROUNDS_PER_CONFIGURATION, backendsByPort);

        final Set<String> backends = new HashSet<>();
        for (final Map.Entry<Integer, List<String>> port : backendsByPort.entrySet())
        {
            final List<String> answers = port.getValue();
            assertEquals(2 * ROUNDS_PER_CONFIGURATION, answers.size());
            assertEquals(1, new HashSet<>(answers).size(),
                "client port " + port.getKey() + " always on one backend, before and after the reload: " + answers);
            backends.add(answers.getFirst());
        }
        assertTrue(backends.size() > 1, "the " + FIXED_PORTS + " client 5-tuples were spread, not all on " + backends);
        System.out.println(service.vip() + ": fixed client ports -> backend " + backendsByPort);
    }

    @Test
    void shouldSendNoNewConnectionToABackendWhenItsWeightBecomesZeroWhileItsEstablishedConnectionsKeepWorking() throws Exception
    {
        final LbConfig.Service service = service();
        final LabBackend drained = heaviestBackend(service);
        final LbConfig.Service drainedService = service.withWeight(drained, 0);
        final List<LabHttpConnection> opened = new ArrayList<>();
        try
        {
            LabHttpConnection onDrained = null;
            LabHttpConnection onOther = null;
            String other = null;
            for (int attempt = 0; attempt < MAX_CONNECTIONS_TO_FIND_BACKENDS && (onDrained == null || onOther == null); attempt++)
            {
                final LabHttpConnection connection = LabHttpConnection.open(LabTopology.CLIENT_NAMESPACE, service.vip(), service.port(), TIMEOUT);
                opened.add(connection);
                final String backend = connection.get("/").header("X-Backend");
                if (onDrained == null && drained.name().equals(backend))
                {
                    onDrained = connection;
                }
                else if (onOther == null && !drained.name().equals(backend))
                {
                    onOther = connection;
                    other = backend;
                }
            }
            assertNotNull(onDrained, "a connection to " + drained.name() + " among " + opened.size());
            assertNotNull(onOther, "a connection to another backend among " + opened.size());

            lb().apply(lb().base().with(drainedService));
            final LbStats afterReload = lb().stats();
            final LbStats.Service serviceStats = afterReload.service(service.vipAddress(), service.port());
            final LbStats.Backend drainedStats = afterReload.backend(serviceStats, service.address(drained));
            assertEquals(0, drainedStats.weight(), "the stats file shows the drained backend's weight");

            assertAnsweredBy(onDrained, drained.name(), "established connection to the drained backend, after the reload");
            assertAnsweredBy(onOther, other, "established connection to another backend, after the reload");

            final VipClient.Batch batch =
                VipClient.concurrently(service.vipAddress(), service.port(), NEW_CONNECTIONS_AFTER_DRAIN, PARALLEL_CLIENTS, TIMEOUT);
            assertNoFailures(batch);
            assertEquals(0, batch.perBackend().getOrDefault(drained.name(), 0), "new connections to the drained " + drained.name());
            WeightedShares.assertProportional(drainedService, batch.perBackend(), "new connections after draining " + drained.name());
            final LbStats afterNewConnections = lb().stats();
            assertEquals(drainedStats.newFlows(), afterNewConnections.backend(afterNewConnections.service(service.vipAddress(), service.port()),
                service.address(drained)).newFlows(), "new flows of the drained backend in the stats file");

            assertAnsweredBy(onDrained, drained.name(), "established connection to the drained backend, after " + NEW_CONNECTIONS_AFTER_DRAIN +
                " new connections");
            assertAnsweredBy(onOther, other, "established connection to another backend, after the new connections");
            final Poll.Outcome<Long> drainedPackets = Poll.until(COUNTERS_TIMEOUT, () ->
            {
                final LbStats now = lb().stats();
                return now.backend(now.service(service.vipAddress(), service.port()), service.address(drained)).packets();
            }, packets -> packets - drainedStats.packets() >= 2 * REQUESTS_ON_ESTABLISHED);
            assertTrue(drainedPackets.met(), "the LB forwards the requests of the established connection to the drained backend: " +
                drainedStats.packets() + " packets after the reload, " + drainedPackets.describe() + " after " + 2 * REQUESTS_ON_ESTABLISHED +
                " more requests");
        }
        finally
        {
            closeAll(opened);
        }
    }

    /** Sends requests on new connections from fixed client ports, closed with a reset; records the backend of each. */
    private static void connectFromFixedPorts(final LbConfig.Service service, final int rounds, final Map<Integer, List<String>> backendsByPort)
        throws Exception
    {
        final InetAddress client = clientAddress(service);
        for (int round = 0; round < rounds; round++)
        {
            final List<VipClient.Answer> answers = NetworkNamespace.call(LabTopology.CLIENT_NAMESPACE, () ->
            {
                final List<VipClient.Answer> roundAnswers = new ArrayList<>();
                for (int port = FIRST_FIXED_PORT; port < FIRST_FIXED_PORT + FIXED_PORTS; port++)
                {
                    roundAnswers.add(VipClient.requestFrom(service.vipAddress(), service.port(), client, port, TIMEOUT));
                }
                return roundAnswers;
            });
            for (final VipClient.Answer answer : answers)
            {
                assertClient(service, answer.localPort(), answer.client());
                backendsByPort.computeIfAbsent(answer.localPort(), port -> new ArrayList<>()).add(answer.backend());
            }
        }
    }

    /** Spreads the rounds of requests over seconds, so the connections are long-lived, not a burst. */
    private static void paceUntil(final long roundStartNs)
    {
        for (long waitNs = roundStartNs - System.nanoTime(); waitNs > 0; waitNs = roundStartNs - System.nanoTime())
        {
            LockSupport.parkNanos(waitNs);
        }
    }

    private static LabBackend heaviestBackend(final LbConfig.Service service)
    {
        LbConfig.Backend heaviest = service.backends().getFirst();
        for (final LbConfig.Backend backend : service.backends())
        {
            heaviest = backend.weight() > heaviest.weight() ? backend : heaviest;
        }
        return heaviest.backend();
    }

    private static void closeAll(final List<LabHttpConnection> connections) throws IOException
    {
        for (final LabHttpConnection connection : connections)
        {
            connection.close();
        }
    }
}
