package io.sluice.controlplane.ctl;

import java.util.concurrent.TimeUnit;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

import io.sluice.controlplane.api.v1.LoadBalancerGrpc;

/**
 * One command's connection to a daemon's API: a channel to {@code --server} with the credentials
 * of {@code --tls}, stubs that carry the bearer token (when one is given) and, for unary calls, the
 * {@code --timeout} deadline. Closing it cancels whatever call is still running.
 */
final class ApiClient implements AutoCloseable
{
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final long CLOSE_WAIT_MS = 1000;

    private final ManagedChannel channel;
    private final Metadata headers;
    private final long deadlineNs;

    private ApiClient(final ManagedChannel channel, final Metadata headers, final long deadlineNs)
    {
        this.channel = channel;
        this.headers = headers;
        this.deadlineNs = deadlineNs;
    }

    /**
     * Opens a channel. Nothing is sent until the first call: an unreachable server shows then.
     *
     * @param server      the daemon's API address.
     * @param credentials plaintext or TLS.
     * @param token       the bearer token, or null for none.
     * @param deadlineNs  how long a unary call may take.
     * @return the client.
     */
    static ApiClient open(final CtlArguments.Endpoint server, final ChannelCredentials credentials, final String token,
        final long deadlineNs)
    {
        final ManagedChannel channel = Grpc.newChannelBuilderForAddress(server.host(), server.port(), credentials)
            .userAgent("sluice-ctl").build();
        final Metadata headers = new Metadata();
        if (token != null)
        {
            headers.put(AUTHORIZATION, "Bearer " + token);
        }
        return new ApiClient(channel, headers, deadlineNs);
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
    }
}
