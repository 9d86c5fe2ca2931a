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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A lab backend: real HTTP and UDP on the Linux stack of the namespace it is started in, each
 * answer naming the backend, so a test or the demo can see which backend a load-balanced request
 * reached. Run with the JDK's source launcher, nothing to build:
 * <pre>
 *   ip netns exec sl-be1 java lab/backend/BackendServer.java --name be1 [--http-port 80] [--udp-port 53]
 * </pre>
 * <ul>
 *   <li>HTTP on the wildcard address (every VIP on lo and the backend's own addresses, IPv4 and
 *   IPv6): every request, any method and path, gets {@code 200} with the body {@code NAME\n} and the
 *   headers {@code X-Backend: NAME} and {@code X-Client: ADDRESS:PORT} (the peer the backend saw, so
 *   DSR and tunnel tests can check that the client's address survived). HTTP/1.1 keep-alive:
 *   a connection stays open while idle for up to an hour, so tests can hold long-lived ones.</li>
 *   <li>UDP echo: a datagram to port 53 of any address the namespace had at start-up gets back
 *   {@code NAME\n} followed by the datagram's bytes, sent from the address it was sent to (one
 *   socket per address: a wildcard socket would answer a VIP from the LAN address).</li>
 * </ul>
 * Prints {@code ready} once both listen. Runs until killed (SIGTERM): the kernel closes its sockets,
 * there is no state to save.
 */
public final class BackendServer
{
    private static final int MAX_DATAGRAM_LENGTH = 65_535;
    private static final int HTTP_BACKLOG = 1024;
    private static final String IDLE_CONNECTION_SECONDS = "3600";
    private static final String MAX_IDLE_CONNECTIONS = "100000";

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
     * @param args {@code --name NAME [--http-port PORT] [--udp-port PORT]}.
     * @throws IOException when a port cannot be bound.
     */
    public static void main(final String[] args) throws IOException
    {
        String name = null;
        int httpPort = 80;
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
                case "--http-port" -> httpPort = port(option, value);
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

        final BackendServer server = new BackendServer(name);
        server.startUdp(udpPort);
        server.startHttp(httpPort);
        System.out.println(name + " ready: HTTP on port " + httpPort + ", UDP echo on port " + udpPort + " of " +
            server.udpChannels.size() + " addresses");
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
            problem + " (usage: BackendServer --name NAME [--http-port PORT] [--udp-port PORT])");
    }

    private void startHttp(final int port) throws IOException
    {
        final HttpServer httpServer = HttpServer.create(new InetSocketAddress(port), HTTP_BACKLOG);
        httpServer.createContext("/", this::answer);
        httpServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        httpServer.start();
    }

    private void answer(final HttpExchange exchange) throws IOException
    {
        try (exchange; InputStream request = exchange.getRequestBody(); OutputStream response = exchange.getResponseBody())
        {
            request.transferTo(OutputStream.nullOutputStream());
            final InetSocketAddress client = exchange.getRemoteAddress();
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("X-Backend", name);
            exchange.getResponseHeaders().set("X-Client", addressText(client.getAddress()) + ":" + client.getPort());
            final boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head)
            {
                response.write(body);
            }
        }
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
}
