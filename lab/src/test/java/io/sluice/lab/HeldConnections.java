package io.sluice.lab;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A client that measures what a load-balancer failover does to TCP: it holds many long-lived
 * HTTP/1.1 keep-alive connections, each from its own fixed source port (so the same flows meet the
 * same backends on every run) and each asking for {@code /} every {@link Settings#requestInterval()}
 * on the same connection, and meanwhile opens new short connections at a steady rate.
 * <p>
 * A held connection breaks when the connection is reset, closed, or left without an answer for
 * {@link Settings#answerTimeout()}; for the others it records the longest gap between two answers,
 * which over a failover is the takeover time as the client sees it (TCP's retransmissions
 * included). A new connection fails when it cannot connect or get its answer within the same
 * timeout. The backend of each connection is the {@code X-Backend} header of its answers (the lab's
 * backend servers send their name).
 * <p>
 * The sockets are made by a {@link Connector}: {@link #inNamespace(String)} creates each in a
 * network namespace from this JVM ({@link NetworkNamespace}; reading and writing then happen on this
 * class's own threads), {@link #direct()} in the JVM's own. {@link #main(String[])} runs the client
 * as a process ({@code ip netns exec sl-client java -cp ... io.sluice.lab.HeldConnections ...}),
 * printing the {@link Summary} line on {@code report} from stdin and at the end.
 */
final class HeldConnections implements AutoCloseable
{
    private static final int MAX_FAILURE_TIMES = 50;

    /** Makes a connected socket. */
    @FunctionalInterface
    interface Connector
    {
        /**
         * Connects.
         *
         * @param target     where to.
         * @param sourcePort the local port to bind, 0 for any.
         * @param timeout    the connect timeout.
         * @return the connected socket.
         * @throws Exception when it cannot connect.
         */
        Socket connect(InetSocketAddress target, int sourcePort, Duration timeout) throws Exception;
    }

    /**
     * What to do.
     *
     * @param targets         the VIPs (address and port); held connection {@code i} goes to target {@code i % size}, new ones in turn.
     * @param held            how many connections to hold.
     * @param firstSourcePort the source port of held connection 0, the others following; 0 for ephemeral ports.
     * @param requestInterval how often each held connection asks.
     * @param newPerSecond    new short connections per second, 0 for none.
     * @param answerTimeout   longest time without an answer (from the last one) before a held connection counts as broken; for a new one, to connect and to be answered.
     */
    record Settings(List<InetSocketAddress> targets, int held, int firstSourcePort, Duration requestInterval, double newPerSecond,
        Duration answerTimeout)
    {
        /**
         * Copies the targets.
         */
        Settings
        {
            targets = List.copyOf(targets);
        }
    }

    /**
     * What happened to one held connection.
     *
     * @param sourcePort    its local port.
     * @param target        where it went.
     * @param backend       who answered ({@code X-Backend}), or {@code ?} before any answer.
     * @param answers       answers received.
     * @param broken        why it broke ({@code reset}, {@code eof}, {@code timeout}, or the error), or null while it works.
     * @param brokenAtMs    when it broke, in milliseconds since the start, or -1.
     * @param longestGapMs  the longest time between two answers (or from the last answer to now).
     * @param gapEndMs      when the answer that ended the longest gap came, in milliseconds since the start; -1 before any.
     */
    record Held(int sourcePort, InetSocketAddress target, String backend, int answers, String broken, long brokenAtMs, long longestGapMs,
        long gapEndMs)
    {
    }

    /**
     * The client's results so far.
     *
     * @param held          every held connection.
     * @param newAttempts   new connections started.
     * @param newFailed     new connections that failed.
     * @param newFailedAtMs when the failed ones started, in milliseconds since the start (the first {@value #MAX_FAILURE_TIMES}).
     */
    record Summary(List<Held> held, int newAttempts, int newFailed, List<Long> newFailedAtMs)
    {
        /** @return held connections that still work. */
        int survived()
        {
            return (int)held.stream().filter(connection -> connection.broken() == null).count();
        }

        /** @return held connections that broke. */
        int broken()
        {
            return held.size() - survived();
        }

        /** @return the longest gap between answers among the surviving connections, in milliseconds. */
        long longestGapMs()
        {
            return held.stream().filter(connection -> connection.broken() == null).mapToLong(Held::longestGapMs).max().orElse(0);
        }

        /**
         * A percentile of the surviving connections' longest gaps.
         *
         * @param fraction e.g. 0.5 for the median.
         * @return the gap, in milliseconds; 0 when none survived.
         */
        long gapPercentileMs(final double fraction)
        {
            final long[] gaps = held.stream().filter(connection -> connection.broken() == null).mapToLong(Held::longestGapMs).sorted().toArray();
            return gaps.length == 0 ? 0 : gaps[Math.min(gaps.length - 1, (int)Math.floor(fraction * gaps.length))];
        }

        /**
         * The summary as one line of {@code key=value} pairs, e.g. {@code held=200 survived=200
         * broken=0 longestGapMs=612 gapP50Ms=580 gapP90Ms=600 newAttempts=400 newFailed=3 newFailedAtMs=10211,10260,10310
         * brokenBy=reset:67 backends=be1:70,be2:66,be3:64}.
         */
        @Override
        public String toString()
        {
            final TreeMap<String, Integer> reasons = new TreeMap<>();
            final TreeMap<String, Integer> backends = new TreeMap<>();
            for (final Held connection : held)
            {
                backends.merge(connection.backend(), 1, Integer::sum);
                if (connection.broken() != null)
                {
                    reasons.merge(connection.broken().split(" ", 2)[0], 1, Integer::sum);
                }
            }
            return "held=" + held.size() + " survived=" + survived() + " broken=" + broken() + " longestGapMs=" + longestGapMs() +
                " gapP50Ms=" + gapPercentileMs(0.5) + " gapP90Ms=" + gapPercentileMs(0.9) +
                " newAttempts=" + newAttempts + " newFailed=" + newFailed + " newFailedAtMs=" + join(newFailedAtMs) +
                " brokenBy=" + join(reasons) + " backends=" + join(backends);
        }

        private static String join(final List<Long> values)
        {
            return values.isEmpty() ? "-" : String.join(",", values.stream().map(String::valueOf).toList());
        }

        private static String join(final Map<String, Integer> counts)
        {
            return counts.isEmpty() ? "-" : String.join(",", counts.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList());
        }
    }

    private final Settings settings;
    private final Connector connector;
    private final long startNs = System.nanoTime();
    private final List<Connection> connections = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService newConnections = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory());
    private final AtomicInteger newAttempts = new AtomicInteger();
    private final List<Long> newFailedAtMs = new ArrayList<>();
    private volatile boolean running = true;
    private int newFailed;

    private HeldConnections(final Settings settings, final Connector connector)
    {
        this.settings = settings;
        this.connector = connector;
    }

    /**
     * Opens every held connection (each must connect and get a first answer), then starts asking on
     * each and opening new connections.
     *
     * @param settings  what to do.
     * @param connector how sockets are made.
     * @return the running client; close it to stop.
     * @throws Exception when a held connection cannot be opened or answered (everything opened is closed).
     */
    static HeldConnections start(final Settings settings, final Connector connector) throws Exception
    {
        final HeldConnections client = new HeldConnections(settings, connector);
        try
        {
            for (int i = 0; i < settings.held(); i++)
            {
                final InetSocketAddress target = settings.targets().get(i % settings.targets().size());
                final Socket socket = connector.connect(target, settings.firstSourcePort() == 0 ? 0 : settings.firstSourcePort() + i,
                    settings.answerTimeout());
                final Connection connection = new Connection(socket, target, client.elapsedMs());
                client.connections.add(connection);
                connection.backend = connection.exchange();
                connection.lastAnswerNs = System.nanoTime();
            }
            for (final Connection connection : client.connections)
            {
                client.threads.add(Thread.ofPlatform().daemon().name("held-" + connection.sourcePort).start(() -> client.hold(connection)));
            }
            if (settings.newPerSecond() > 0)
            {
                client.threads.add(Thread.ofPlatform().daemon().name("new-connections").start(client::openNewConnections));
            }
            return client;
        }
        catch (final Exception | Error ex)
        {
            client.close();
            throw ex;
        }
    }

    /**
     * Sockets made in a network namespace of the lab, e.g. {@link LabTopology#CLIENT_NAMESPACE}.
     *
     * @param namespace the namespace.
     * @return the connector.
     */
    static Connector inNamespace(final String namespace)
    {
        return (target, sourcePort, timeout) -> NetworkNamespace.call(namespace, () -> direct().connect(target, sourcePort, timeout));
    }

    /** @return a connector making sockets in this JVM's namespace. */
    static Connector direct()
    {
        return (target, sourcePort, timeout) ->
        {
            final Socket socket = new Socket();
            try
            {
                socket.setReuseAddress(true);
                socket.setTcpNoDelay(true);
                socket.bind(new InetSocketAddress((InetAddress)null, sourcePort));
                socket.connect(target, Math.toIntExact(timeout.toMillis()));
                socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
                return socket;
            }
            catch (final IOException ex)
            {
                socket.close();
                throw ex;
            }
        };
    }

    /** @return milliseconds since the client started, the time base of the summary. */
    long elapsedMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    /**
     * Forgets the gaps so far: from now on each connection's longest gap is the longest since this
     * call (a gap open now counts from its last answer). Call it just before the event to measure,
     * so that a slow start (the JIT warming up the backends) does not count.
     */
    void restartGaps()
    {
        for (final Connection connection : connections)
        {
            connection.forgetGaps();
        }
    }

    /** @return the results so far. */
    Summary summary()
    {
        final long nowNs = System.nanoTime();
        final List<Held> held = new ArrayList<>();
        for (final Connection connection : connections)
        {
            held.add(connection.snapshot(nowNs, startNs));
        }
        synchronized (newFailedAtMs)
        {
            return new Summary(List.copyOf(held), newAttempts.get(), newFailed, List.copyOf(newFailedAtMs));
        }
    }

    /** Stops asking and opening, and closes every connection with a reset (no TIME_WAIT on fixed ports). */
    @Override
    public void close() throws InterruptedException
    {
        running = false;
        for (final Connection connection : connections)
        {
            connection.abort();
        }
        newConnections.shutdownNow();
        for (final Thread thread : threads)
        {
            thread.join(settings.answerTimeout().toMillis() + 1000);
        }
        newConnections.awaitTermination(settings.answerTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    }

    private void hold(final Connection connection)
    {
        final long intervalNs = settings.requestInterval().toNanos();
        long nextNs = connection.restart(System.nanoTime()) + intervalNs;
        while (running)
        {
            LockSupport.parkNanos(nextNs - System.nanoTime());
            nextNs += intervalNs;
            try
            {
                connection.armTimeout(settings.answerTimeout(), System.nanoTime());
                connection.exchange();
                connection.answered(System.nanoTime());
            }
            catch (final Exception ex)
            {
                if (running)
                {
                    connection.broke(reason(ex), elapsedMs());
                    connection.abort();
                }
                return;
            }
            final long nowNs = System.nanoTime();
            if (nextNs - nowNs < 0)
            {
                nextNs = nowNs;
            }
        }
    }

    private void openNewConnections()
    {
        final long intervalNs = (long)(TimeUnit.SECONDS.toNanos(1) / settings.newPerSecond());
        long nextNs = System.nanoTime();
        for (int i = 0; running; i++)
        {
            final InetSocketAddress target = settings.targets().get(i % settings.targets().size());
            final long startedMs = elapsedMs();
            newAttempts.incrementAndGet();
            newConnections.execute(() -> openOne(target, startedMs));
            nextNs += intervalNs;
            LockSupport.parkNanos(nextNs - System.nanoTime());
        }
    }

    private void openOne(final InetSocketAddress target, final long startedMs)
    {
        try (Socket socket = connector.connect(target, 0, settings.answerTimeout()))
        {
            socket.setSoLinger(true, 0);
            new Connection(socket, target, startedMs).exchange();
        }
        catch (final Exception ex)
        {
            if (running)
            {
                synchronized (newFailedAtMs)
                {
                    newFailed++;
                    if (newFailedAtMs.size() < MAX_FAILURE_TIMES)
                    {
                        newFailedAtMs.add(startedMs);
                    }
                }
            }
        }
    }

    private static String reason(final Exception ex)
    {
        final String message = String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT);
        if (ex instanceof SocketTimeoutException)
        {
            return "timeout";
        }
        if (ex instanceof EOFException)
        {
            return "eof";
        }
        if (message.contains("reset") || message.contains("broken pipe"))
        {
            return "reset";
        }
        return "error " + ex;
    }

    /** One held connection: its socket, and what its thread learnt (read by {@link #summary()} under the lock). */
    private static final class Connection
    {
        private final Socket socket;
        private final InetSocketAddress target;
        private final int sourcePort;
        private final InputStream input;
        private final OutputStream output;
        private final byte[] request;
        private String backend = "?";
        private int answers;
        private long lastAnswerNs;
        private long longestGapNs;
        private long gapEndNs;
        private String broken;
        private long brokenAtMs = -1;

        Connection(final Socket socket, final InetSocketAddress target, final long openedAtMs) throws IOException
        {
            this.socket = socket;
            this.target = target;
            this.sourcePort = socket.getLocalPort();
            this.input = new BufferedInputStream(socket.getInputStream());
            this.output = socket.getOutputStream();
            final String host = target.getAddress().getHostAddress();
            this.request = ("GET / HTTP/1.1\r\nHost: " + (host.contains(":") ? "[" + host + "]" : host) +
                "\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        /** Sends one request and reads its answer; returns the backend's name. */
        String exchange() throws IOException
        {
            output.write(request);
            output.flush();
            final String status = LabHttpConnection.readLine(input);
            if (!status.startsWith("HTTP/1.1 200"))
            {
                throw new IOException("unexpected status line '" + status + "'");
            }
            String name = "?";
            int length = -1;
            for (String line = LabHttpConnection.readLine(input); !line.isEmpty(); line = LabHttpConnection.readLine(input))
            {
                final String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("x-backend:"))
                {
                    name = line.substring(line.indexOf(':') + 1).strip();
                }
                else if (lower.startsWith("content-length:"))
                {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
                }
            }
            if (length < 0 || input.readNBytes(length).length != length)
            {
                throw new EOFException("answer without its whole body");
            }
            return name;
        }

        /** The answer must come within the timeout of the last answer: a gap longer than that breaks the connection. */
        synchronized void armTimeout(final Duration timeout, final long nowNs) throws IOException
        {
            socket.setSoTimeout((int)Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeout.toNanos() - (nowNs - lastAnswerNs))));
        }

        /** Gaps count from now: the connections were opened one after the other, their first answers are not a gap. */
        synchronized long restart(final long nowNs)
        {
            lastAnswerNs = nowNs;
            return nowNs;
        }

        synchronized void forgetGaps()
        {
            longestGapNs = 0;
            gapEndNs = 0;
        }

        synchronized void answered(final long nowNs)
        {
            answers++;
            if (nowNs - lastAnswerNs > longestGapNs)
            {
                longestGapNs = nowNs - lastAnswerNs;
                gapEndNs = nowNs;
            }
            lastAnswerNs = nowNs;
        }

        synchronized void broke(final String reason, final long atMs)
        {
            broken = reason;
            brokenAtMs = atMs;
        }

        synchronized Held snapshot(final long nowNs, final long startNs)
        {
            final long gapNs = broken == null ? Math.max(longestGapNs, nowNs - lastAnswerNs) : longestGapNs;
            return new Held(sourcePort, target, backend, answers, broken, brokenAtMs, TimeUnit.NANOSECONDS.toMillis(gapNs),
                gapEndNs == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(gapEndNs - startNs));
        }

        void abort()
        {
            try
            {
                socket.setSoLinger(true, 0);
                socket.close();
            }
            catch (final IOException ignored)
            {
                // closing is all that is left to do with it
            }
        }
    }

    /**
     * Runs the client as a process: {@code HeldConnections ADDRESS:PORT[,ADDRESS:PORT...] HELD
     * FIRST_SOURCE_PORT NEW_PER_SECOND SECONDS} (IPv6 in brackets), requests every 50 ms, 3 s
     * timeout. Prints the summary line for every {@code report} line on stdin, and once more when
     * the time is up or stdin ends, then exits.
     *
     * @param arguments as above.
     * @throws Exception when the held connections cannot be opened.
     */
    public static void main(final String[] arguments) throws Exception
    {
        if (arguments.length != 5)
        {
            System.err.println("usage: HeldConnections ADDRESS:PORT[,ADDRESS:PORT...] HELD FIRST_SOURCE_PORT NEW_PER_SECOND SECONDS");
            System.exit(2);
        }
        final List<InetSocketAddress> targets = new ArrayList<>();
        for (final String target : arguments[0].split(","))
        {
            final int colon = target.lastIndexOf(':');
            targets.add(new InetSocketAddress(InetAddress.ofLiteral(target.substring(0, colon).replace("[", "").replace("]", "")),
                Integer.parseInt(target.substring(colon + 1))));
        }
        final Settings settings = new Settings(targets, Integer.parseInt(arguments[1]), Integer.parseInt(arguments[2]),
            Duration.ofMillis(50), Double.parseDouble(arguments[3]), Duration.ofSeconds(3));
        final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(arguments[4]));
        try (HeldConnections client = start(settings, direct()))
        {
            System.out.println("started " + settings.held() + " held connections");
            final Thread reader = Thread.ofPlatform().daemon().start(() ->
            {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
                {
                    for (String line = in.readLine(); line != null; line = in.readLine())
                    {
                        if ("report".equals(line.strip()))
                        {
                            System.out.println(client.summary());
                        }
                    }
                }
                catch (final IOException ignored)
                {
                    // stdin gone: the end
                }
            });
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(endNs - System.nanoTime())));
            System.out.println(client.summary());
        }
    }
}
