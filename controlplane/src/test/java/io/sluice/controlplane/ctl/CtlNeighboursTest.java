package io.sluice.controlplane.ctl;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.controlplane.api.ApiTestDaemon;
import io.sluice.controlplane.api.v1.GetNeighboursRequest;
import io.sluice.controlplane.api.v1.GetNeighboursResponse;
import io.sluice.controlplane.api.v1.GetStatsRequest;
import io.sluice.controlplane.api.v1.GetStatsResponse;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.Neighbour;

import static io.sluice.controlplane.ctl.CtlRun.ctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The neighbour table through the API ({@code GetNeighbours}, {@code GetStats.neighbours}) and
 * {@code sluice ctl neighbours}, on a real dataplane whose net_ring port answers no ARP request:
 * the base configuration's two backends stay incomplete.
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtlNeighboursTest
{
    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;
    private LoadBalancerGrpc.LoadBalancerBlockingStub client;

    @BeforeAll
    void startDaemon() throws Exception
    {
        daemon = ApiTestDaemon.start(directory, "net_ring45");
        daemon.reset(daemon.plaintext());
        client = daemon.client();
    }

    @AfterAll
    void stopDaemon()
    {
        daemon.close();
    }

    private GetNeighboursResponse askedNeighbours() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        GetNeighboursResponse reply = client.getNeighbours(GetNeighboursRequest.newBuilder().setUnresolvedOnly(true).build());
        while (reply.getCountsOrDefault("requests-sent", 0) < 2 && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(10);
            reply = client.getNeighbours(GetNeighboursRequest.newBuilder().setUnresolvedOnly(true).build());
        }
        return reply;
    }

    @Test
    void shouldListUnresolvedNeighboursWithTheirStateAndAgeWhenNobodyAnswers() throws Exception
    {
        final GetNeighboursResponse reply = askedNeighbours();

        assertEquals(List.of("203.0.113.11", "203.0.113.12"), reply.getNeighboursList().stream().map(Neighbour::getAddress).toList());
        for (final Neighbour neighbour : reply.getNeighboursList())
        {
            assertEquals("incomplete", neighbour.getState());
            assertEquals("", neighbour.getMac());
            assertTrue(neighbour.hasUnresolvedFor() && neighbour.getAttempts() >= 1, neighbour.toString());
        }
        assertEquals(2L, reply.getCountsOrThrow("incomplete"));
        assertEquals(0L, reply.getCountsOrThrow("resolved"));
        assertEquals(4096L, reply.getCountsOrThrow("capacity"));
        assertTrue(reply.getCountsOrThrow("requests-sent") >= 2, reply.toString());
        assertTrue(reply.containsCounts("requests-suppressed"), reply.toString());
    }

    @Test
    void shouldCountNeighboursByStateInTheStatsReply() throws Exception
    {
        askedNeighbours();

        final GetStatsResponse stats = client.getStats(GetStatsRequest.getDefaultInstance());

        assertEquals(2L, stats.getNeighboursOrThrow("incomplete"));
        assertEquals(0L, stats.getNeighboursOrThrow("static"));
        assertTrue(stats.getNeighboursOrThrow("requests-sent") >= 2, stats.toString());
    }

    @Test
    void shouldPrintNeighboursAsATableAndAsJson() throws Exception
    {
        askedNeighbours();
        final String server = daemon.server().listening();

        final CtlRun table = ctl("--server", server, "neighbours", "--unresolved");
        final CtlRun json = ctl("--server", server, "--json", "neighbours");

        assertEquals(0, table.exit(), table.toString());
        final List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).startsWith("NEIGHBOURS  resolved 0  incomplete 2  stale 0  static 0"), lines.get(0));
        assertTrue(lines.get(2).matches("ADDRESS +STATE +MAC +UNRESOLVED +ASKED"), lines.get(2));
        assertTrue(lines.get(3).matches("203\\.0\\.113\\.11 +incomplete +- +[0-9.]+s +[0-9]+"), lines.get(3));
        assertEquals(0, json.exit(), json.toString());
        final GetNeighboursResponse.Builder parsed = GetNeighboursResponse.newBuilder();
        JsonFormat.parser().merge(json.out(), parsed);
        assertTrue(parsed.getNeighboursList().stream().anyMatch(n -> n.getAddress().equals("203.0.113.12")), json.out());
    }
}
