package io.sluice.controlplane.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import io.sluice.controlplane.AddressText;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.config.ApiSection;
import io.sluice.controlplane.model.ControlModel;
import io.sluice.dataplane.service.IpAddress;

/**
 * The gRPC control API of a daemon: Netty on the configured address, plaintext or TLS (mutual when
 * a client CA is configured), serving {@code sluice.v1.LoadBalancer} over the {@link ControlModel}
 * (behind the bearer token when one is configured), {@code grpc.health.v1.Health} (SERVING while
 * the daemon runs) and {@code grpc.reflection.v1.ServerReflection}. Health and reflection stay open
 * without the token: they tell no state, and probes and generic tools need them.
 */
public final class ApiServer implements AutoCloseable
{
    private static final long STOP_GRACE_MS = 2000;

    private final Server server;
    private final HealthStatusManager health;
    private final LoadBalancerService service;
    private final String security;

    private ApiServer(final Server server, final HealthStatusManager health, final LoadBalancerService service, final String security)
    {
        this.server = server;
        this.health = health;
        this.service = service;
        this.security = security;
    }

    /**
     * Opens the API.
     *
     * @param api   where and how.
     * @param model the model the API drives.
     * @return the running server.
     * @throws IOException              when the address cannot be bound or a TLS file cannot be read.
     * @throws IllegalArgumentException when a TLS file is not a usable PEM certificate or key.
     */
    public static ApiServer start(final ApiSection api, final ControlModel model) throws IOException
    {
        final InetSocketAddress address = new InetSocketAddress(
            InetAddress.getByAddress(IpAddress.parse(api.listenHost()).bytes()), api.listenPort());
        final LoadBalancerService service = new LoadBalancerService(model);
        final ServerServiceDefinition definition = api.token() == null ? service.bindService() :
            ServerInterceptors.intercept(service, new BearerTokenInterceptor(api.token()));
        final HealthStatusManager health = new HealthStatusManager();
        final Server server = NettyServerBuilder.forAddress(address, credentials(api))
            .addService(definition)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build();
        server.start();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus(LoadBalancerGrpc.SERVICE_NAME, HealthCheckResponse.ServingStatus.SERVING);
        final String security = !api.tls() ? "plaintext" : api.tlsClientCa() == null ? "TLS" : "mutual TLS";
        return new ApiServer(server, health, service, security);
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
     * The address the server listens on (the port chosen when the configuration said 0).
     *
     * @return the bound address.
     */
    public InetSocketAddress address()
    {
        return (InetSocketAddress)server.getListenSockets().getFirst();
    }

    /**
     * The bound address as people write it.
     *
     * @return e.g. {@code 127.0.0.1:50051} or {@code [::1]:50051}.
     */
    public String listening()
    {
        final InetSocketAddress address = address();
        final IpAddress ip = IpAddress.of(address.getAddress());
        return (ip.ipv6() ? "[" + AddressText.format(ip) + "]" : AddressText.format(ip)) + ":" + address.getPort();
    }

    /**
     * How callers connect.
     *
     * @return {@code plaintext}, {@code TLS} or {@code mutual TLS}.
     */
    public String security()
    {
        return security;
    }

    /**
     * Stops the API: health NOT_SERVING, event watches ended, new calls refused, running calls
     * given a short grace, then cancelled.
     */
    @Override
    public void close()
    {
        health.enterTerminalState();
        service.close();
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
}
