package io.sluice.lab;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One persistent HTTP/1.1 connection from inside a lab namespace (normally the client's) to a
 * backend or a VIP, for tests that need real TCP through the lab: each {@link #get(String)} sends
 * a request on the same connection (keep-alive), so the connection can be held open as long as a
 * test likes and its 5-tuple stays the same. The socket is created in the namespace by
 * {@link NetworkNamespace}; reading and writing may then happen on any thread (one at a time).
 * <p>
 * Deliberately small: GET only, responses must carry {@code Content-Length} (the lab's backend
 * servers always do).
 */
public final class LabHttpConnection implements AutoCloseable
{
    private static final int MAX_HEADER_LINE_LENGTH = 8192;

    private final Socket socket;
    private final String host;
    private final InputStream input;
    private final OutputStream output;

    private LabHttpConnection(final Socket socket, final String host) throws IOException
    {
        this.socket = socket;
        this.host = host;
        this.input = new BufferedInputStream(socket.getInputStream());
        this.output = socket.getOutputStream();
    }

    /**
     * A response: status, headers (names in lower case) and body.
     *
     * @param status  the status code, e.g. 200.
     * @param headers header names in lower case mapped to their (last) value.
     * @param body    the body as UTF-8 text.
     */
    public record Response(int status, Map<String, String> headers, String body)
    {
        /**
         * A header's value.
         *
         * @param name the header name, any case.
         * @return its value, or null when absent.
         */
        public String header(final String name)
        {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Connects from a namespace.
     *
     * @param namespace where the socket lives, e.g. {@link LabTopology#CLIENT_NAMESPACE}.
     * @param address   IPv4 or IPv6 literal to connect to (a VIP or a backend's address).
     * @param port      TCP port, e.g. {@link LabTopology#HTTP_PORT}.
     * @param timeout   connect timeout, and read timeout of every later request.
     * @return the connected connection.
     * @throws Exception when the namespace does not exist or the connection fails.
     */
    public static LabHttpConnection open(final String namespace, final String address, final int port, final Duration timeout)
        throws Exception
    {
        final InetAddress target = InetAddress.ofLiteral(address);
        final Socket socket = NetworkNamespace.call(namespace, () ->
        {
            final Socket connected = new Socket();
            try
            {
                connected.setSoTimeout(Math.toIntExact(timeout.toMillis()));
                connected.connect(new InetSocketAddress(target, port), Math.toIntExact(timeout.toMillis()));
                return connected;
            }
            catch (final IOException ex)
            {
                connected.close();
                throw new IOException("cannot connect from " + namespace + " to " + address + " port " + port + ": " + ex, ex);
            }
        });
        try
        {
            return new LabHttpConnection(socket, address.contains(":") ? "[" + address + "]" : address);
        }
        catch (final IOException ex)
        {
            socket.close();
            throw ex;
        }
    }

    /** @return the connection's local (client) address and port. */
    public InetSocketAddress localAddress()
    {
        return (InetSocketAddress)socket.getLocalSocketAddress();
    }

    /**
     * Sends {@code GET path} on this connection and reads the whole response.
     *
     * @param path the request path, e.g. {@code /}.
     * @return the response.
     * @throws IOException when the connection fails, times out or the response is malformed.
     */
    public Response get(final String path) throws IOException
    {
        output.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: keep-alive\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        output.flush();

        final Head head = readHead(input);
        final Map<String, String> headers = head.headers();
        final String length = headers.get("content-length");
        if (length == null)
        {
            throw new IOException("response without Content-Length: " + head.status() + " " + headers);
        }
        final byte[] body = input.readNBytes(Integer.parseInt(length));
        if (body.length != Integer.parseInt(length))
        {
            throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
        }
        return new Response(head.status(), headers, new String(body, StandardCharsets.UTF_8));
    }

    /**
     * A response's status code and headers.
     *
     * @param status  the status code, e.g. 200.
     * @param headers header names in lower case mapped to their (last) value.
     */
    record Head(int status, Map<String, String> headers)
    {
    }

    /**
     * Reads an HTTP/1.x status line and the header lines after it, up to the empty line that ends
     * them: the body is what the stream holds next.
     *
     * @param input the stream.
     * @return the status and headers.
     * @throws IOException when the stream ends first or the status line or a header line is malformed.
     */
    static Head readHead(final InputStream input) throws IOException
    {
        final String statusLine = readLine(input);
        final String[] statusParts = statusLine.split(" ", 3);
        if (statusParts.length < 2 || !statusParts[0].startsWith("HTTP/1.") || !statusParts[1].matches("[0-9]{3}"))
        {
            throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
        }
        final Map<String, String> headers = new HashMap<>();
        for (String line = readLine(input); !line.isEmpty(); line = readLine(input))
        {
            final int colon = line.indexOf(':');
            if (colon < 1)
            {
                throw new IOException("malformed header line: '" + line + "'");
            }
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        return new Head(Integer.parseInt(statusParts[1]), Map.copyOf(headers));
    }

    /**
     * Reads one CRLF- or LF-terminated HTTP header line.
     *
     * @param input the stream.
     * @return the line without its terminator.
     * @throws IOException when the stream ends first or the line is too long.
     */
    static String readLine(final InputStream input) throws IOException
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true)
        {
            final int next = input.read();
            if (next < 0)
            {
                throw new EOFException("connection closed in the middle of a response header");
            }
            if (next == '\n')
            {
                final byte[] bytes = line.toByteArray();
                final int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_HEADER_LINE_LENGTH)
            {
                throw new IOException("response header line longer than " + MAX_HEADER_LINE_LENGTH + " bytes");
            }
            line.write(next);
        }
    }

    /** Closes the connection. */
    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
