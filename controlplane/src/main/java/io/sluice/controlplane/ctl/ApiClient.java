package io.sluice.controlplane.ctl;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.MetadataUtils;

import io.sluice.controlplane.api.v1.LoadBalancerGrpc;

/**
 * One command's connection to a daemon's API: a channel to {@code --server} (its Unix domain socket,
 * through Netty's epoll transport, or a TCP address) with the credentials of {@code --tls}, stubs that carry the bearer token (when one is given) and, for unary calls, the
 * {@code --timeout} deadline. Closing it cancels whatever call is still running.
 */
final class ApiClient implements AutoCloseable
{
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final long CLOSE_WAIT_MS = 1000;
    /**
     * gRPC sets SO_KEEPALIVE on every channel; Netty's (Server)Bootstrap logs a WARNING for each
     * Unix domain socket channel, which has no such option. Held here so that the level stays set.
     */
    private static final Logger BOOTSTRAP_LOG = quietBootstrapLog();

    private final ManagedChannel channel;
    private final EventLoopGroup socketLoop;
    private final Metadata headers;
    private final long deadlineNs;

    private ApiClient(final ManagedChannel channel, final EventLoopGroup socketLoop, final Metadata headers, final long deadlineNs)
    {
        this.channel = channel;
        this.socketLoop = socketLoop;
        this.headers = headers;
        this.deadlineNs = deadlineNs;
    }

    /**
     * Opens a channel. Nothing is sent until the first call: an unreachable server shows then.
     *
     * @param server      the daemon's API: its socket or its TCP address.
     * @param credentials plaintext or TLS (plaintext for a socket).
     * @param token       the bearer token, or null for none.
     * @param deadlineNs  how long a unary call may take.
     * @return the client.
     */
    static ApiClient open(final CtlArguments.Server server, final ChannelCredentials credentials, final String token,
        final long deadlineNs)
    {
        final Metadata headers = new Metadata();
        if (token != null)
        {
            headers.put(AUTHORIZATION, "Bearer " + token);
        }
        if (server.socket() == null)
        {
            final ManagedChannel channel = Grpc.newChannelBuilderForAddress(server.endpoint().host(), server.endpoint().port(),
                credentials).userAgent("sluice-ctl").build();
            return new ApiClient(channel, null, headers, deadlineNs);
        }
        if (!Epoll.isAvailable())
        {
            throw new IllegalStateException("the epoll transport that reaches a Unix domain socket is not available on this " +
                "machine (Linux on x86-64 or aarch64 is needed; give --server HOST:PORT instead)", Epoll.unavailabilityCause());
        }
        final EventLoopGroup socketLoop = new EpollEventLoopGroup(1);
        final ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(server.socket().toString()),
                credentials)
            .channelType(EpollDomainSocketChannel.class)
            .eventLoopGroup(socketLoop)
            .overrideAuthority("localhost")
            .userAgent("sluice-ctl")
            .build();
        return new ApiClient(channel, socketLoop, headers, deadlineNs);
    }

    /**
     * A stub for one unary call: the token and a deadline from now.
     *
     * @return the stub.
     */
    LoadBalancerGrpc.LoadBalancerBlockingStub unary()
    {
        return streaming().withDeadlineAfter(deadlineNs, TimeUnit.NANOSECONDS);
    }

    /**
     * A stub for a stream that lasts until it is cancelled: the token, no deadline.
     *
     * @return the stub.
     */
    LoadBalancerGrpc.LoadBalancerBlockingStub streaming()
    {
        return LoadBalancerGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /**
     * Closes the channel, cancelling a call still running.
     */
    @Override
    public void close()
    {
        channel.shutdownNow();
        try
        {
            channel.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (socketLoop != null)
        {
            socketLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    private static Logger quietBootstrapLog()
    {
        final Logger log = Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");
        log.setLevel(Level.SEVERE);
        return log;
    }
}
