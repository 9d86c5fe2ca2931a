package io.sluice.controlplane.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.config.ApiSection;
import io.sluice.controlplane.ha.HaMonitor;
import io.sluice.controlplane.model.ControlModel;
import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.service.IpAddress;

/**
 * The gRPC control API of a daemon, serving {@code sluice.v1.LoadBalancer} over the
 * {@link ControlModel}, {@code grpc.health.v1.Health} (SERVING while the daemon runs) and
 * {@code grpc.reflection.v1.ServerReflection} on two kinds of endpoint:
 * <ul>
 *     <li>always, a Unix domain socket ({@link ApiSocket}): plaintext, no token, its file's
 *     permissions (root, or a configured group) are the gate;</li>
 *     <li>when {@code api.listen} is given, a TCP listener: plaintext or TLS (mutual when a client
 *     CA is configured), the LoadBalancer service behind the bearer token when one is configured.
 *     Health and reflection stay open without the token: they tell no state, and probes and
 *     generic tools need them.</li>
 * </ul>
 */
public final class ApiServer implements AutoCloseable
{
    private static final long STOP_GRACE_MS = 2000;
    /**
     * gRPC sets SO_KEEPALIVE on every channel; Netty's (Server)Bootstrap logs a WARNING for each
     * Unix domain socket channel, which has no such option. Held here so that the level stays set.
     */
    private static final Logger BOOTSTRAP_LOG = quietBootstrapLog();

    private final ApiSocket socket;
    private final EventLoopGroup socketLoop;
    private final Server socketServer;
    private final Server tcpServer;
    private final HealthStatusManager health;
    private final LoadBalancerService service;
    private final String security;

    private ApiServer(final ApiSocket socket, final EventLoopGroup socketLoop, final Server socketServer, final Server tcpServer,
        final HealthStatusManager health, final LoadBalancerService service, final String security)
    {
        this.socket = socket;
        this.socketLoop = socketLoop;
        this.socketServer = socketServer;
        this.tcpServer = tcpServer;
        this.health = health;
        this.service = service;
        this.security = security;
    }

    /**
     * Opens the API of a standalone daemon (no VRRP, no flow sync): the socket, then the TCP listener
     * when one is configured. What was opened is closed again when a later step fails.
     *
     * @param api   where and how.
     * @param model the model the API drives.
     * @return the running server.
     * @throws IOException              when the socket is held by another daemon or is not a socket, an
     *                                  address cannot be bound, or a TLS file cannot be read.
     * @throws IllegalArgumentException when a TLS file is not a usable PEM certificate or key.
     */
    public static ApiServer start(final ApiSection api, final ControlModel model) throws IOException
    {
        return start(api, model, HaMonitor.standalone(model.haState().since()));
    }

    /**
     * Opens the API with the daemon's HA view, which {@code GetHaState} shows.
     *
     * @param api   where and how.
     * @param model the model the API drives.
     * @param ha    the daemon's VRRP and flow sync, either absent.
     * @return the running server.
     * @throws IOException              when the socket or an address cannot be taken, or a TLS file cannot be read.
     * @throws IllegalArgumentException when a TLS file is not a usable PEM certificate or key.
     */
    public static ApiServer start(final ApiSection api, final ControlModel model, final HaMonitor ha) throws IOException
    {
        if (!Epoll.isAvailable())
        {
            throw new IOException("the epoll transport that serves Unix domain sockets is not available on this machine " +
                "(Linux on x86-64 or aarch64 is needed for api.socket)", Epoll.unavailabilityCause());
        }
        final LoadBalancerService service = new LoadBalancerService(model, ha);
        final HealthStatusManager health = new HealthStatusManager();
        final ApiSocket socket = ApiSocket.prepare(api.socket(), api.socketGroup());
        final EventLoopGroup socketLoop = new EpollEventLoopGroup(1);
        Server socketServer = null;
        try
        {
            socketServer = NettyServerBuilder.forAddress(new DomainSocketAddress(api.socket().toString()),
                    InsecureServerCredentials.create())
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(socketLoop)
                .workerEventLoopGroup(socketLoop)
                .addService(service.bindService())
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build()
                .start();
            socket.restrict();
            final Server tcpServer = api.tcp() ? startTcp(api, service, health) : null;
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, HealthCheckResponse.ServingStatus.SERVING);
            health.setStatus(LoadBalancerGrpc.SERVICE_NAME, HealthCheckResponse.ServingStatus.SERVING);
            final String security = !api.tls() ? "plaintext" : api.tlsClientCa() == null ? "TLS" : "mutual TLS";
            return new ApiServer(socket, socketLoop, socketServer, tcpServer, health, service, security);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (socketServer != null)
            {
                stop(socketServer);
            }
            socketLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            socket.close();
            service.close();
            throw ex;
        }
    }

    private static Server startTcp(final ApiSection api, final LoadBalancerService service, final HealthStatusManager health)
        throws IOException
    {
        final InetSocketAddress address = new InetSocketAddress(
            InetAddress.getByAddress(IpAddress.parse(api.listenHost()).bytes()), api.listenPort());
        final ServerServiceDefinition definition = api.token() == null ? service.bindService() :
            ServerInterceptors.intercept(service, new BearerTokenInterceptor(api.token()));
        return NettyServerBuilder.forAddress(address, credentials(api))
            .addService(definition)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();
    }

    private static ServerCredentials credentials(final ApiSection api) throws IOException
    {
        if (!api.tls())
        {
            return InsecureServerCredentials.create();
        }
        final TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder().keyManager(api.tlsCert().toFile(),
            api.tlsKey().toFile());
        if (api.tlsClientCa() != null)
        {
            tls.trustManager(api.tlsClientCa().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return tls.build();
    }

    /**
     * The path of the Unix domain socket.
     *
     * @return the socket's path.
     */
    public Path socket()
    {
        return socket.path();
    }

    /**
     * The socket's permissions and who they let in, for the log.
     *
     * @return e.g. {@code 0600, only its owner may connect}.
     */
    public String socketAccess()
    {
        return socket.access();
    }

    /**
     * Whether a TCP listener runs.
     *
     * @return true when {@code api.listen} was configured.
     */
    public boolean tcp()
    {
        return tcpServer != null;
    }

    /**
     * The TCP address the server listens on (the port chosen when the configuration said 0).
     *
     * @return the bound address.
     * @throws IllegalStateException when there is no TCP listener.
     */
    public InetSocketAddress address()
    {
        if (tcpServer == null)
        {
            throw new IllegalStateException("no TCP listener (api.listen is not configured)");
        }
        return (InetSocketAddress)tcpServer.getListenSockets().getFirst();
    }

    /**
     * The bound TCP address as people write it.
     *
     * @return e.g. {@code 127.0.0.1:50051} or {@code [::1]:50051}.
     * @throws IllegalStateException when there is no TCP listener.
     */
    public String listening()
    {
        final InetSocketAddress address = address();
        final IpAddress ip = IpAddress.of(address.getAddress());
        return (ip.ipv6() ? "[" + AddressText.format(ip) + "]" : AddressText.format(ip)) + ":" + address.getPort();
    }

    /**
     * How callers connect over TCP.
     *
     * @return {@code plaintext}, {@code TLS} or {@code mutual TLS}.
     */
    public String security()
    {
        return security;
    }

    /**
     * Stops the API: health NOT_SERVING, event watches ended, new calls refused, running calls
     * given a short grace, then cancelled; the socket file removed.
     */
    @Override
    public void close()
    {
        health.enterTerminalState();
        service.close();
        if (tcpServer != null)
        {
            tcpServer.shutdown();
        }
        socketServer.shutdown();
        if (tcpServer != null)
        {
            stop(tcpServer);
        }
        stop(socketServer);
        socketLoop.shutdownGracefully(0, STOP_GRACE_MS, TimeUnit.MILLISECONDS).awaitUninterruptibly(STOP_GRACE_MS);
        socket.close();
    }

    private static void stop(final Server server)
    {
        server.shutdown();
        try
        {
            if (!server.awaitTermination(STOP_GRACE_MS, TimeUnit.MILLISECONDS))
            {
                server.shutdownNow().awaitTermination(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    private static Logger quietBootstrapLog()
    {
        final Logger log = Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");
        log.setLevel(Level.SEVERE);
        return log;
    }
}
