package io.sluice.controlplane.health;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Real backends on loopback for the probe and checker tests, each on a port the OS picks (or, for
 * several HTTP backends on different loopback addresses sharing the port a service checks, a port
 * given). Public for the tests of other packages that check real backends.
 */
public final class LoopbackBackends
{
    static final InetAddress IPV4 = InetAddress.getLoopbackAddress();
    static final InetAddress IPV6 = loopback6();
    static final long AWAIT_SECONDS = 20;

    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    private LoopbackBackends()
    {
    }

    /**
     * An HTTP (or HTTPS) server answering every request with the current status and recording the
     * Host header of each request.
     */
    public static final class HttpBackend implements AutoCloseable
    {
        private final HttpServer server;
        private final BlockingQueue<String> hosts = new LinkedBlockingQueue<>();
        private volatile int status = 200;
        private volatile long delayMs;

        HttpBackend(final InetAddress address, final SSLContext tls) throws IOException
        {
            this(address, 0, tls);
        }

        /**
         * Starts serving.
         *
         * @param address the address to listen on.
         * @param port    the port, 0 for any free one.
         * @param tls     HTTPS with this context, or null for HTTP.
         */
        public HttpBackend(final InetAddress address, final int port, final SSLContext tls) throws IOException
        {
            final InetSocketAddress bind = new InetSocketAddress(address, port);
            if (tls == null)
            {
                server = HttpServer.create(bind, 16);
            }
            else
            {
                final HttpsServer https = HttpsServer.create(bind, 16);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
            }
            server.createContext("/", (exchange) ->
            {
                hosts.add(String.valueOf(exchange.getRequestHeaders().getFirst("Host")));
                pause(delayMs);
                if (status == 302)
                {
                    exchange.getResponseHeaders().add("Location", "/elsewhere");
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        void status(final int status)
        {
            this.status = status;
        }

        /**
         * Makes every answer wait.
         *
         * @param delay how long before answering, ms.
         */
        public void delay(final long delay)
        {
            this.delayMs = delay;
        }

        /**
         * Where it listens.
         *
         * @return the address and port.
         */
        public InetSocketAddress address()
        {
            return server.getAddress();
        }

        String nextHost() throws InterruptedException
        {
            return hosts.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
        }

        String hostsNow()
        {
            return hosts.poll();
        }

        /**
         * Stops listening: connections to its port are refused from now on.
         */
        @Override
        public void close()
        {
            server.stop(0);
        }
    }

    private static void pause(final long delayMs)
    {
        if (delayMs <= 0)
        {
            return;
        }
        try
        {
            Thread.sleep(delayMs);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A TCP server that accepts every connection and closes it at once: what a TCP connect check
     * sees of a serving backend. It can stop and start again on the same address and port.
     */
    public static final class TcpBackend implements AutoCloseable
    {
        private final InetSocketAddress address;
        private ServerSocket server;

        /**
         * Starts serving.
         *
         * @param address the address to listen on.
         * @param port    the port, 0 for any free one.
         */
        public TcpBackend(final InetAddress address, final int port) throws IOException
        {
            server = listen(new InetSocketAddress(address, port));
            this.address = new InetSocketAddress(address, server.getLocalPort());
        }

        /**
         * Where it listens (or listened).
         *
         * @return the address and port.
         */
        public InetSocketAddress address()
        {
            return address;
        }

        /**
         * Starts listening again on the same address and port after {@link #close()}.
         */
        public synchronized void restart() throws IOException
        {
            if (server == null)
            {
                server = listen(address);
            }
        }

        /**
         * Stops listening: connections are refused from now on.
         */
        @Override
        public synchronized void close() throws IOException
        {
            if (server != null)
            {
                server.close();
                server = null;
            }
        }

        private static ServerSocket listen(final InetSocketAddress address) throws IOException
        {
            final ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(address, 50);
            Thread.ofVirtual().name("tcp-backend-" + address).start(() -> acceptAndClose(socket));
            return socket;
        }

        private static void acceptAndClose(final ServerSocket socket)
        {
            try
            {
                while (true)
                {
                    socket.accept().close();
                }
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    /**
     * A TCP server that accepts connections and never sends or reads anything: an HTTP backend that
     * never answers.
     */
    static final class SilentTcpServer implements AutoCloseable
    {
        private final ServerSocket server;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final BlockingQueue<Socket> arrivals = new LinkedBlockingQueue<>();

        SilentTcpServer() throws IOException
        {
            server = new ServerSocket(0, 50, IPV4);
            Thread.ofPlatform().daemon().name("silent-tcp-server").start(this::acceptForever);
        }

        InetSocketAddress address()
        {
            return new InetSocketAddress(IPV4, server.getLocalPort());
        }

        Socket nextConnection() throws InterruptedException
        {
            return arrivals.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
        }

        private void acceptForever()
        {
            try
            {
                while (true)
                {
                    final Socket socket = server.accept();
                    accepted.add(socket);
                    arrivals.add(socket);
                }
            }
            catch (final IOException ex)
            {
                return;
            }
        }

        @Override
        public void close() throws IOException
        {
            server.close();
            for (final Socket socket : accepted)
            {
                socket.close();
            }
        }
    }

    /**
     * A UDP server that answers each datagram with a function of it.
     */
    static final class UdpBackend implements AutoCloseable
    {
        private final DatagramChannel channel;

        UdpBackend(final InetAddress address, final UnaryOperator<byte[]> reply) throws IOException
        {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(address, 0));
            Thread.ofPlatform().daemon().name("udp-backend").start(() -> serve(reply));
        }

        InetSocketAddress address() throws IOException
        {
            return (InetSocketAddress)channel.getLocalAddress();
        }

        private void serve(final UnaryOperator<byte[]> reply)
        {
            final ByteBuffer buffer = ByteBuffer.allocate(65_535);
            try
            {
                while (true)
                {
                    buffer.clear();
                    final InetSocketAddress from = (InetSocketAddress)channel.receive(buffer);
                    buffer.flip();
                    final byte[] request = new byte[buffer.remaining()];
                    buffer.get(request);
                    channel.send(ByteBuffer.wrap(reply.apply(request)), from);
                }
            }
            catch (final IOException ex)
            {
                return;
            }
        }

        @Override
        public void close() throws IOException
        {
            channel.close();
        }
    }

    /**
     * A port nothing listens on: bound by the OS, then released.
     */
    static int closedTcpPort(final InetAddress address) throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, address))
        {
            return socket.getLocalPort();
        }
    }

    /**
     * A UDP port nothing listens on: bound by the OS, then released.
     */
    static int closedUdpPort(final InetAddress address) throws IOException
    {
        try (DatagramChannel channel = DatagramChannel.open())
        {
            channel.bind(new InetSocketAddress(address, 0));
            return ((InetSocketAddress)channel.getLocalAddress()).getPort();
        }
    }

    /**
     * Whether the far end of an accepted connection goes away within the bounded wait: reading
     * (and discarding what it sent) ends with end of stream or a reset rather than a timeout.
     */
    static boolean peerClosed(final Socket socket) throws IOException
    {
        socket.setSoTimeout((int)TimeUnit.SECONDS.toMillis(AWAIT_SECONDS));
        final InputStream in = socket.getInputStream();
        final byte[] discard = new byte[4096];
        try
        {
            while (in.read(discard) >= 0)
            {
                continue;
            }
            return true;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final SocketException ex)
        {
            return true;
        }
    }

    /**
     * A TLS server context with a fresh self-signed EC key for CN=backend.test (no IP in the
     * certificate, so a client that checked host names would refuse it), made by keytool.
     */
    static SSLContext selfSignedServerTls(final Path directory) throws IOException, InterruptedException,
        GeneralSecurityException
    {
        final Path store = directory.resolve("backend.p12");
        final Process keytool = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "backend", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=backend.test", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", store.toString(), "-storepass", new String(STORE_PASSWORD))
            .redirectErrorStream(true)
            .start();
        final String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0)
        {
            throw new IllegalStateException("keytool failed: " + output);
        }
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store))
        {
            keys.load(in, STORE_PASSWORD);
        }
        final KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, STORE_PASSWORD);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    private static InetAddress loopback6()
    {
        try
        {
            return InetAddress.getByName("::1");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
