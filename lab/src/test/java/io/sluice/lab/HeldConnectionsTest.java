package io.sluice.lab;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HeldConnections} against a local HTTP server whose misbehaviour is known: connections it
 * resets count as broken by a reset, a connection it stops answering for longer than the timeout as
 * broken by a timeout, a pause shorter than that as the connection's longest gap; new connections
 * are counted, and those the server resets are failures. No lab needed.
 */
class HeldConnectionsTest
{
    private static final Duration INTERVAL = Duration.ofMillis(20);
    /** How long a test waits for what it expects before it reads what it has. */
    private static final Duration AWAIT = Duration.ofSeconds(10);

    @Test
    void shouldCountConnectionsAsBrokenByResetWhenTheServerResetsThem() throws Exception
    {
        try (LocalServer server = new LocalServer(index -> index % 2 == 0 ? Behaviour.resetAfter(3) : Behaviour.normal());
            HeldConnections client = HeldConnections.start(settings(server, 10, 0, Duration.ofSeconds(2)), HeldConnections.direct()))
        {
            final HeldConnections.Summary summary = Poll.until(AWAIT, client::summary, seen -> seen.broken() >= 5).value();
            assertEquals(10, summary.held().size(), summary.toString());
            assertEquals(5, summary.broken(), summary.toString());
            assertEquals(5, summary.survived(), summary.toString());
            assertTrue(summary.toString().contains("brokenBy=reset:5"), summary.toString());
            assertTrue(summary.toString().contains("backends=local:10"), summary.toString());
            for (final HeldConnections.Held held : summary.held())
            {
                assertTrue(held.broken() == null ? held.brokenAtMs() == -1 : held.brokenAtMs() > 0, held.toString());
            }
        }
    }

    @Test
    void shouldReportTheLongestGapWhenTheServerPausesAndATimeoutWhenItStallsTooLong() throws Exception
    {
        try (LocalServer server = new LocalServer(index -> switch (index)
        {
            case 0 -> Behaviour.pauseOnce(3, 500);
            case 1 -> Behaviour.pauseOnce(3, 60_000);
            default -> Behaviour.normal();
        });
            HeldConnections client = HeldConnections.start(settings(server, 4, 0, Duration.ofSeconds(1)), HeldConnections.direct()))
        {
            // Until the pause of 500 ms is over (the gap is known when the answer comes) and the stall of a
            // minute has broken its connection by the 1 s timeout.
            final HeldConnections.Summary summary = Poll.until(AWAIT, client::summary,
                seen -> seen.held().get(0).longestGapMs() >= 500 && seen.held().get(1).broken() != null).value();
            client.restartGaps();
            Thread.sleep(200);
            final HeldConnections.Summary later = client.summary();
            assertTrue(later.longestGapMs() < 300, "gaps before restartGaps are forgotten: " + later);
            final HeldConnections.Held paused = summary.held().get(0);
            final HeldConnections.Held stalled = summary.held().get(1);
            assertEquals(null, paused.broken(), paused.toString());
            assertTrue(paused.longestGapMs() >= 500 && paused.longestGapMs() < 900, paused.toString());
            assertEquals("timeout", stalled.broken(), stalled.toString());
            assertTrue(summary.held().get(2).longestGapMs() < 400, summary.held().get(2).toString());
            assertEquals(3, summary.survived(), summary.toString());
            assertEquals(paused.longestGapMs(), summary.longestGapMs(), "the longest gap of the survivors: " + summary);
        }
    }

    @Test
    void shouldCountNewConnectionsAndTheirFailuresWhenTheServerResetsThem() throws Exception
    {
        try (LocalServer server = new LocalServer(index -> index < 2 ? Behaviour.normal() : Behaviour.resetAfter(0));
            HeldConnections client = HeldConnections.start(settings(server, 2, 50, Duration.ofSeconds(1)), HeldConnections.direct()))
        {
            // 50 a second: 40 attempts after some 800 ms, each failing when the server resets it (a few may
            // still be on their way when the summary is read).
            final HeldConnections.Summary summary = Poll.until(AWAIT, client::summary,
                seen -> seen.newAttempts() >= 40 && seen.newFailed() >= seen.newAttempts() - 3).value();
            final long elapsedMs = client.elapsedMs();
            assertTrue(summary.newAttempts() >= 40 && summary.newAttempts() <= 2 + elapsedMs / 20,
                "never more than 50 a second: " + summary.newAttempts() + " in " + elapsedMs + " ms; " + summary);
            assertTrue(summary.newFailed() >= summary.newAttempts() - 3, summary.toString());
            assertTrue(summary.newFailedAtMs().size() == Math.min(50, summary.newFailed()), summary.toString());
            assertEquals(2, summary.survived(), summary.toString());
        }
        try (LocalServer server = new LocalServer(index -> Behaviour.normal());
            HeldConnections client = HeldConnections.start(settings(server, 2, 50, Duration.ofSeconds(1)), HeldConnections.direct()))
        {
            final HeldConnections.Summary summary = Poll.until(AWAIT, client::summary, seen -> seen.newAttempts() >= 20).value();
            assertTrue(summary.newAttempts() >= 20, summary.toString());
            assertEquals(0, summary.newFailed(), summary.toString());
            assertEquals(2, summary.survived(), summary.toString());
        }
    }

    @Test
    void shouldNotCountTheOpeningAsAGapWhenConnectionsOpenSlowly() throws Exception
    {
        final HeldConnections.Connector slow = (target, sourcePort, timeout) ->
        {
            Thread.sleep(10);
            return HeldConnections.direct().connect(target, sourcePort, timeout);
        };
        try (LocalServer server = new LocalServer(index -> Behaviour.normal());
            HeldConnections client = HeldConnections.start(settings(server, 60, 0, Duration.ofSeconds(2)), slow))
        {
            Thread.sleep(300);
            final HeldConnections.Summary summary = client.summary();
            assertEquals(60, summary.survived(), summary.toString());
            assertTrue(summary.longestGapMs() < 300, "opening 60 connections took over 600 ms, but no answer was late: " + summary);
        }
    }

    private static HeldConnections.Settings settings(final LocalServer server, final int held, final double newPerSecond,
        final Duration timeout)
    {
        return new HeldConnections.Settings(List.of(server.address()), held, 0, INTERVAL, newPerSecond, timeout);
    }

    /**
     * What the server does with one connection: answer every request, or after {@code afterRequests}
     * answers reset it ({@code pauseMs} < 0) or wait {@code pauseMs} once before the next answer.
     */
    private record Behaviour(int afterRequests, long pauseMs)
    {
        static Behaviour normal()
        {
            return new Behaviour(Integer.MAX_VALUE, 0);
        }

        static Behaviour resetAfter(final int requests)
        {
            return new Behaviour(requests, -1);
        }

        static Behaviour pauseOnce(final int requests, final long pauseMs)
        {
            return new Behaviour(requests, pauseMs);
        }
    }

    /** An HTTP/1.1 keep-alive server on 127.0.0.1 answering {@code X-Backend: local}; connection {@code i} (in accept order) behaves as told. */
    private static final class LocalServer implements AutoCloseable
    {
        private final ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        private final Map<Integer, Socket> accepted = new ConcurrentHashMap<>();
        private final AtomicInteger count = new AtomicInteger();
        private final IntFunction<Behaviour> behaviours;

        LocalServer(final IntFunction<Behaviour> behaviours) throws IOException
        {
            this.behaviours = behaviours;
            Thread.ofPlatform().daemon().start(this::accept);
        }

        InetSocketAddress address()
        {
            return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
        }

        private void accept()
        {
            try
            {
                while (true)
                {
                    final Socket socket = listener.accept();
                    final int index = count.getAndIncrement();
                    accepted.put(index, socket);
                    Thread.ofPlatform().daemon().start(() -> serve(socket, behaviours.apply(index)));
                }
            }
            catch (final IOException ignored)
            {
                // closed
            }
        }

        private static void serve(final Socket socket, final Behaviour behaviour)
        {
            try (socket)
            {
                final InputStream input = new BufferedInputStream(socket.getInputStream());
                final OutputStream output = socket.getOutputStream();
                for (int answered = 0; ; answered++)
                {
                    if (answered == behaviour.afterRequests() && behaviour.pauseMs() < 0)
                    {
                        socket.setSoLinger(true, 0);
                        return;
                    }
                    for (String line = LabHttpConnection.readLine(input); !line.isEmpty(); line = LabHttpConnection.readLine(input))
                    {
                        // headers are not needed
                    }
                    if (answered == behaviour.afterRequests())
                    {
                        // the pause starts once the request is in, so the client waits at least pauseMs for this answer
                        Thread.sleep(behaviour.pauseMs());
                    }
                    output.write("HTTP/1.1 200 OK\r\nX-Backend: local\r\nContent-Length: 3\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
                    output.flush();
                }
            }
            catch (final IOException | InterruptedException ignored)
            {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException
        {
            listener.close();
            for (final Socket socket : accepted.values())
            {
                socket.close();
            }
        }
    }
}
