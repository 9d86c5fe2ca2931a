import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A lab backend: real HTTP and UDP on the Linux stack of the namespace it is started in, each
 * answer naming the backend, so a test or the demo can see which backend a load-balanced request
 * reached. Run with the JDK's source launcher, nothing to build:
 * <pre>
 *   ip netns exec sl-be1 java lab/backend/BackendServer.java --name be1 [--http-port 80[,8080...]] [--udp-port 53]
 * </pre>
 * <ul>
 *   <li>HTTP on the wildcard address (every VIP on lo and the backend's own addresses, IPv4 and
 *   IPv6), on each port given ({@code --http-port} takes a comma-separated list and may be repeated;
 *   80 when not given): every request, any method and path but the two below, gets {@code 200} with
 *   the body {@code NAME\n}. Every answer has the headers {@code X-Backend: NAME} and
 *   {@code X-Client: ADDRESS:PORT} (the peer the backend saw, so DSR, tunnel and NAT tests can
 *   check which client address reached the backend). HTTP/1.1 keep-alive: a connection stays open
 *   while idle for up to an hour, so tests can hold long-lived ones.</li>
 *   <li>{@code GET /bytes/N}: a body of N bytes ({@value #MAX_DOWNLOAD_LENGTH} at most) from
 *   {@link ByteSequence} seeded by N, generated as it is sent (nothing held in memory), so a client
 *   can check a download byte for byte; {@code 400} for a bad N.</li>
 *   <li>{@code POST /sha256}: reads the request body as it comes and answers the lower-case hex
 *   SHA-256 of it and a newline, with the body's length in {@code X-Body-Length}.</li>
 *   <li>UDP echo: a datagram to port 53 of any address the namespace had at start-up gets back
 *   {@code NAME\n} followed by the datagram's bytes, sent from the address it was sent to (one
 *   socket per address: a wildcard socket would answer a VIP from the LAN address).</li>
 * </ul>
 * Prints {@code NAME ready: ...} once every port listens. Runs until killed (SIGTERM): the kernel closes its sockets,
 * there is no state to save.
 */
public final class BackendServer
{
    private static final int MAX_DATAGRAM_LENGTH = 65_535;
    private static final int HTTP_BACKLOG = 1024;
    private static final String IDLE_CONNECTION_SECONDS = "3600";
    private static final String MAX_IDLE_CONNECTIONS = "100000";
    private static final int DEFAULT_HTTP_PORT = 80;
    private static final long MAX_DOWNLOAD_LENGTH = 1L << 30;
    private static final int CHUNK_LENGTH = 64 * 1024;
    private static final String BYTES_PATH = "/bytes/";
    private static final String SHA256_PATH = "/sha256";

    private final String name;
    private final byte[] body;
    private final List<DatagramChannel> udpChannels = new ArrayList<>();

    private BackendServer(final String name)
    {
        this.name = name;
        this.body = (name + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts the servers and runs until the process is terminated.
     *
     * @param args {@code --name NAME [--http-port PORT[,PORT...]]... [--udp-port PORT]}.
     * @throws IOException when a port cannot be bound.
     */
    public static void main(final String[] args) throws IOException
    {
        String name = null;
        final List<Integer> httpPorts = new ArrayList<>();
        int udpPort = 53;
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if (i + 1 >= args.length)
            {
                throw usage("missing value after " + option);
            }
            final String value = args[++i];
            switch (option)
            {
                case "--name" -> name = value;
                case "--http-port" -> ports(option, value, httpPorts);
                case "--udp-port" -> udpPort = port(option, value);
                default -> throw usage("unknown option " + option);
            }
        }
        if (name == null || name.isBlank())
        {
            throw usage("--name is required");
        }

        // Read once by the JDK's HTTP server when it starts: keep idle keep-alive connections open.
        System.setProperty("sun.net.httpserver.idleInterval", IDLE_CONNECTION_SECONDS);
        System.setProperty("sun.net.httpserver.maxIdleConnections", MAX_IDLE_CONNECTIONS);

        if (httpPorts.isEmpty())
        {
            httpPorts.add(DEFAULT_HTTP_PORT);
        }

        final BackendServer server = new BackendServer(name);
        server.startUdp(udpPort);
        server.startHttp(httpPorts);
        System.out.println(name + " ready: HTTP on port" + (httpPorts.size() > 1 ? "s " : " ") +
            String.join(",", httpPorts.stream().map(String::valueOf).toList()) + ", UDP echo on port " + udpPort + " of " +
            server.udpChannels.size() + " addresses");
    }

    private static void ports(final String option, final String value, final List<Integer> ports)
    {
        for (final String part : value.split(",", -1))
        {
            final int port = port(option, part.strip());
            if (ports.contains(port))
            {
                throw usage(option + " names port " + port + " twice");
            }
            ports.add(port);
        }
    }

    private static int port(final String option, final String value)
    {
        try
        {
            final int port = Integer.parseInt(value);
            if (port < 1 || port > 65_535)
            {
                throw usage(option + " must be between 1 and 65535, not " + value);
            }
            return port;
        }
        catch (final NumberFormatException ex)
        {
            throw usage(option + " must be a number, not '" + value + "'");
        }
    }

    private static IllegalArgumentException usage(final String problem)
    {
        return new IllegalArgumentException(
            problem + " (usage: BackendServer --name NAME [--http-port PORT[,PORT...]]... [--udp-port PORT])");
    }

    /** Binds every port first, so that a port in use fails the start before any server answers. */
    private void startHttp(final List<Integer> ports) throws IOException
    {
        final List<HttpServer> servers = new ArrayList<>();
        for (final int port : ports)
        {
            final HttpServer httpServer = HttpServer.create(new InetSocketAddress(port), HTTP_BACKLOG);
            httpServer.createContext("/", this::answer);
            servers.add(httpServer);
        }
        final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        for (final HttpServer httpServer : servers)
        {
            httpServer.setExecutor(executor);
            httpServer.start();
        }
    }

    private void answer(final HttpExchange exchange) throws IOException
    {
        try (exchange; InputStream request = exchange.getRequestBody(); OutputStream response = exchange.getResponseBody())
        {
            final InetSocketAddress client = exchange.getRemoteAddress();
            exchange.getResponseHeaders().set("X-Backend", name);
            exchange.getResponseHeaders().set("X-Client", addressText(client.getAddress()) + ":" + client.getPort());
            final String path = exchange.getRequestURI().getPath();
            if (path.startsWith(BYTES_PATH))
            {
                request.transferTo(OutputStream.nullOutputStream());
                download(exchange, path.substring(BYTES_PATH.length()), response);
            }
            else if (path.equals(SHA256_PATH) && "POST".equals(exchange.getRequestMethod()))
            {
                digest(exchange, request, response);
            }
            else
            {
                request.transferTo(OutputStream.nullOutputStream());
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                final boolean head = "HEAD".equals(exchange.getRequestMethod());
                exchange.sendResponseHeaders(200, head ? -1 : body.length);
                if (!head)
                {
                    response.write(body);
                }
            }
        }
    }

    private static void download(final HttpExchange exchange, final String lengthText, final OutputStream response)
        throws IOException
    {
        final long length;
        try
        {
            length = Long.parseLong(lengthText);
        }
        catch (final NumberFormatException ex)
        {
            plain(exchange, 400, "not a byte count: '" + lengthText + "'\n", response);
            return;
        }
        if (length < 0 || length > MAX_DOWNLOAD_LENGTH)
        {
            plain(exchange, 400, "byte count " + length + " is not within 0.." + MAX_DOWNLOAD_LENGTH + "\n", response);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(200, head || length == 0 ? -1 : length);
        if (head)
        {
            return;
        }
        final ByteSequence sequence = new ByteSequence(length);
        final byte[] chunk = new byte[CHUNK_LENGTH];
        for (long left = length; left > 0; )
        {
            final int count = (int)Math.min(left, chunk.length);
            sequence.fill(chunk, 0, count);
            response.write(chunk, 0, count);
            left -= count;
        }
    }

    private static void digest(final HttpExchange exchange, final InputStream request, final OutputStream response)
        throws IOException
    {
        final MessageDigest sha256;
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("the JDK has no SHA-256", ex);
        }
        final byte[] chunk = new byte[CHUNK_LENGTH];
        long length = 0;
        for (int count = request.read(chunk); count >= 0; count = request.read(chunk))
        {
            sha256.update(chunk, 0, count);
            length += count;
        }
        exchange.getResponseHeaders().set("X-Body-Length", Long.toString(length));
        plain(exchange, 200, HexFormat.of().formatHex(sha256.digest()) + "\n", response);
    }

    private static void plain(final HttpExchange exchange, final int status, final String text, final OutputStream response)
        throws IOException
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        response.write(bytes);
    }

    /** IPv4 dotted; IPv6 in brackets, compressed as RFC 5952 says ({@code [2001:db8:c::2]}). */
    private static String addressText(final InetAddress address)
    {
        if (!(address instanceof Inet6Address))
        {
            return address.getHostAddress();
        }
        final byte[] bytes = address.getAddress();
        final int[] groups = new int[8];
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0, runStart = -1; i < 8; i++)
        {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
            runStart = groups[i] == 0 ? (runStart < 0 ? i : runStart) : -1;
            if (runStart >= 0 && i - runStart + 1 > bestLength)
            {
                bestStart = runStart;
                bestLength = i - runStart + 1;
            }
        }
        final StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 1 && text.charAt(text.length() - 1) != ':')
            {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.append(']').toString();
    }

    private void startUdp(final int port) throws IOException
    {
        for (final InetAddress address : localAddresses())
        {
            final DatagramChannel channel = DatagramChannel.open(
                address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            channel.bind(new InetSocketAddress(address, port));
            udpChannels.add(channel);
            Thread.ofPlatform().daemon().name("udp-" + address.getHostAddress()).start(() -> echo(channel));
        }
    }

    /** Every address of the namespace but IPv6 link-local ones (which would need a scope). */
    private static List<InetAddress> localAddresses() throws SocketException
    {
        final List<InetAddress> addresses = new ArrayList<>();
        for (final NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces()))
        {
            for (final InetAddress address : Collections.list(networkInterface.getInetAddresses()))
            {
                if (!address.isLinkLocalAddress())
                {
                    addresses.add(address);
                }
            }
        }
        return addresses;
    }

    private void echo(final DatagramChannel channel)
    {
        final ByteBuffer request = ByteBuffer.allocate(MAX_DATAGRAM_LENGTH);
        final ByteBuffer reply = ByteBuffer.allocate(body.length + MAX_DATAGRAM_LENGTH);
        try
        {
            while (true)
            {
                request.clear();
                final SocketAddress sender = channel.receive(request);
                request.flip();
                reply.clear();
                reply.put(body);
                reply.put(request.limit(Math.min(request.limit(), reply.remaining())));
                reply.flip();
                channel.send(reply, sender);
            }
        }
        catch (final IOException ex)
        {
            System.err.println(name + ": UDP echo on " + channel + " stopped: " + ex);
        }
    }

    /**
     * The bytes of {@code GET /bytes/N}: xorshift64 (shifts 13, 7, 17) from a seed made of N, each
     * 64-bit state giving 8 bytes, least significant first. The lab tests hold a copy of these few
     * lines ({@code io.sluice.lab.LabBytes}) and check that both give the same bytes: this file runs
     * by itself, with nothing to share classes with.
     */
    static final class ByteSequence
    {
        private long state;
        private long word;
        private int wordBytesLeft;

        /**
         * The sequence of a download.
         *
         * @param length the download's length, N: the seed.
         */
        ByteSequence(final long length)
        {
            state = length * 0x9E37_79B9_7F4A_7C15L ^ 0x2545_F491_4F6C_DD1DL;
            if (state == 0)
            {
                state = 1;
            }
        }

        /**
         * Writes the next bytes of the sequence.
         *
         * @param bytes  where to.
         * @param offset the first index written.
         * @param count  how many.
         */
        void fill(final byte[] bytes, final int offset, final int count)
        {
            for (int i = offset, end = offset + count; i < end; i++)
            {
                if (wordBytesLeft == 0)
                {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    word = state;
                    wordBytesLeft = 8;
                }
                bytes[i] = (byte)word;
                word >>>= 8;
                wordBytesLeft--;
            }
        }
    }
}
