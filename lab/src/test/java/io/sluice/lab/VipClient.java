package io.sluice.lab;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * HTTP requests from the lab's client to a VIP, each on a new TCP connection: one GET, the whole
 * response read, then the connection closed. Which backend answered and which client address
 * and port it saw come from the backend servers' {@code X-Backend} and {@code X-Client} headers.
 * <p>
 * A connection either takes an ephemeral port from the client's kernel and closes normally (FIN,
 * the client keeps the 4-tuple in TIME_WAIT, so no later connection reuses it for a minute), or
 * binds a fixed source port and closes with a reset ({@code SO_LINGER} 0): no TIME_WAIT on either
 * side, so the next connection may use the very same 5-tuple at once.
 */
final class VipClient
{
    private static final int EPHEMERAL = 0;

    /**
     * One answered request.
     *
     * @param backend   the backend that answered ({@code X-Backend}).
     * @param client    the client address and port the backend saw ({@code X-Client}).
     * @param localPort the client's source port.
     */
    record Answer(String backend, String client, int localPort)
    {
    }

    /**
     * What a batch of requests gave.
     *
     * @param answers  the answered requests.
     * @param failures a description of every request that failed.
     */
    record Batch(List<Answer> answers, List<String> failures)
    {
        /**
         * How many answers each backend gave.
         *
         * @return backend name to count.
         */
        Map<String, Integer> perBackend()
        {
            final Map<String, Integer> counts = new HashMap<>();
            for (final Answer answer : answers)
            {
                counts.merge(answer.backend(), 1, Integer::sum);
            }
            return counts;
        }
    }

    private VipClient()
    {
    }

    /**
     * Sends one request on a new connection from an ephemeral port. Runs on a thread inside the
     * client's namespace (see {@link NetworkNamespace#call}).
     *
     * @param vip     the VIP.
     * @param port    the VIP port.
     * @param timeout connect and read timeout.
     * @return the answer.
     * @throws IOException when the connection or the request fails.
     */
    static Answer request(final InetAddress vip, final int port, final Duration timeout) throws IOException
    {
        return request(vip, port, null, EPHEMERAL, timeout);
    }

    /**
     * Sends one request on a new connection from a fixed source address and port, closed with a
     * reset. Runs on a thread inside the client's namespace.
     *
     * @param vip       the VIP.
     * @param port      the VIP port.
     * @param source    the client's address (of the VIP's family).
     * @param localPort the source port.
     * @param timeout   connect and read timeout.
     * @return the answer.
     * @throws IOException when the port cannot be bound, or the connection or the request fails.
     */
    static Answer requestFrom(final InetAddress vip, final int port, final InetAddress source, final int localPort, final Duration timeout)
        throws IOException
    {
        if (localPort <= 0 || localPort > 65_535)
        {
            throw new IllegalArgumentException("a fixed source port is 1..65535, not " + localPort);
        }
        return request(vip, port, source, localPort, timeout);
    }

    /**
     * Sends requests from the client namespace on many connections at once, every connection new
     * and from an ephemeral port: {@code parallel} threads in {@code sl-client}, each sending its
     * share one connection after the other. Failures are collected, not thrown, so a test can say
     * how many of the requests failed and why.
     *
     * @param vip         the VIP.
     * @param port        the VIP port.
     * @param connections how many connections (and requests) in all.
     * @param parallel    how many at a time.
     * @param timeout     connect and read timeout of each.
     * @return the answers and failures, {@code connections} in all.
     * @throws Exception when the client namespace cannot be entered.
     */
    static Batch concurrently(final InetAddress vip, final int port, final int connections, final int parallel, final Duration timeout)
        throws Exception
    {
        final List<Answer> answers = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(parallel))
        {
            final List<Future<Batch>> results = new ArrayList<>();
            for (int c = 0; c < parallel; c++)
            {
                final int share = connections / parallel + (c < connections % parallel ? 1 : 0);
                results.add(clients.submit(() -> NetworkNamespace.call(LabTopology.CLIENT_NAMESPACE, () -> sequence(vip, port, share, timeout))));
            }
            for (final Future<Batch> result : results)
            {
                answers.addAll(result.get().answers());
                failures.addAll(result.get().failures());
            }
        }
        return new Batch(List.copyOf(answers), List.copyOf(failures));
    }

    private static Batch sequence(final InetAddress vip, final int port, final int count, final Duration timeout)
    {
        final List<Answer> answers = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            try
            {
                answers.add(request(vip, port, timeout));
            }
            catch (final IOException | RuntimeException ex)
            {
                failures.add(ex.toString());
            }
        }
        return new Batch(answers, failures);
    }

    private static Answer request(final InetAddress vip, final int port, final InetAddress source, final int localPort, final Duration timeout)
        throws IOException
    {
        final int timeoutMs = Math.toIntExact(timeout.toMillis());
        final String host = vip.getHostAddress().contains(":") ? "[" + vip.getHostAddress() + "]" : vip.getHostAddress();
        try (Socket socket = new Socket())
        {
            if (localPort != EPHEMERAL)
            {
                socket.setReuseAddress(true);
                socket.setSoLinger(true, 0);
                socket.bind(new InetSocketAddress(source, localPort));
            }
            socket.setSoTimeout(timeoutMs);
            socket.setTcpNoDelay(true);
            try
            {
                socket.connect(new InetSocketAddress(vip, port), timeoutMs);
                socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                final Map<String, String> headers = readResponse(new BufferedInputStream(socket.getInputStream()));
                return new Answer(headers.get("x-backend"), headers.get("x-client"), socket.getLocalPort());
            }
            catch (final IOException ex)
            {
                throw new IOException("GET http://" + host + ":" + port + "/ from port " + socket.getLocalPort() + ": " + ex, ex);
            }
        }
    }

    /** Reads a 200 response with Content-Length; returns its headers, names in lower case. */
    private static Map<String, String> readResponse(final InputStream input) throws IOException
    {
        final LabHttpConnection.Head head = LabHttpConnection.readHead(input);
        if (head.status() != 200)
        {
            throw new IOException("not a 200 response: " + head.status() + " " + head.headers());
        }
        final Map<String, String> headers = head.headers();
        final String length = headers.get("content-length");
        if (length == null || headers.get("x-backend") == null)
        {
            throw new IOException("response without Content-Length or X-Backend: " + headers);
        }
        final byte[] body = input.readNBytes(Integer.parseInt(length));
        if (body.length != Integer.parseInt(length))
        {
            throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
        }
        final String text = new String(body, StandardCharsets.UTF_8);
        if (!text.equals(headers.get("x-backend") + "\n"))
        {
            throw new IOException("body '" + text.strip() + "' does not name the backend of X-Backend " + headers.get("x-backend"));
        }
        return headers;
    }
}
