package io.sluice.controlplane.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import io.sluice.controlplane.api.v1.ListServicesRequest;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.config.ApiSection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How callers reach the API: the bearer token (none, wrong, right), TLS and mutual TLS with
 * certificates made by openssl for the test, and the standard services that stay open (gRPC health
 * and server reflection, read through the Java reflection client).
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSecurityTest
{
    private static final String TOKEN = "0123456789abcdef-test-token";

    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;

    @BeforeAll
    void startDataplane() throws Exception
    {
        daemon = ApiTestDaemon.start(directory, "net_ring72");
    }

    @AfterAll
    void stopDataplane()
    {
        daemon.close();
    }

    private static LoadBalancerGrpc.LoadBalancerBlockingStub stub(final ManagedChannel channel, final String authorization)
    {
        final LoadBalancerGrpc.LoadBalancerBlockingStub stub = LoadBalancerGrpc.newBlockingStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS);
        if (authorization == null)
        {
            return stub;
        }
        final Metadata headers = new Metadata();
        headers.put(BearerTokenInterceptor.AUTHORIZATION, authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private void selfSigned(final String name) throws IOException, InterruptedException
    {
        final Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=" + name, "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", directory.resolve(name + ".key").toString(), "-out",
            directory.resolve(name + ".pem").toString()).redirectErrorStream(true).start();
        final String output = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), "openssl: " + output);
    }

    @Test
    void shouldRefuseCallsWithoutTheTokenAndServeThemWithIt() throws Exception
    {
        daemon.reset(daemon.tcp(TOKEN, null, null, null));
        final ManagedChannel channel = daemon.connect(InsecureChannelCredentials.create());

        final StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
            () -> stub(channel, null).listServices(ListServicesRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
        assertTrue(none.getStatus().getDescription().startsWith("this daemon's API needs a bearer token"), none.getMessage());
        final StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
            () -> stub(channel, "Bearer 0123456789abcdef-test-tokeN").listServices(ListServicesRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
        assertEquals("the bearer token is not this daemon's (api.token or api.tokenFile in its configuration)",
            wrong.getStatus().getDescription());
        final StatusRuntimeException scheme = assertThrows(StatusRuntimeException.class,
            () -> stub(channel, TOKEN).listServices(ListServicesRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, scheme.getStatus().getCode(), "the token without 'Bearer '");

        assertEquals(1, stub(channel, "Bearer " + TOKEN).listServices(ListServicesRequest.getDefaultInstance()).getServicesCount());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
            .check(HealthCheckRequest.newBuilder().setService("sluice.v1.LoadBalancer").build()).getStatus(),
            "health stays open without the token");
    }

    @Test
    void shouldServeOverTlsAndRefuseAPlaintextClient() throws Exception
    {
        selfSigned("server");
        daemon.reset(daemon.tcp(null, directory.resolve("server.pem"), directory.resolve("server.key"), null));
        assertEquals("TLS", daemon.server().security());

        final ChannelCredentials tls = TlsChannelCredentials.newBuilder().trustManager(directory.resolve("server.pem").toFile()).build();
        assertEquals(1, stub(daemon.connect(tls), null).listServices(ListServicesRequest.getDefaultInstance()).getServicesCount());
        final StatusRuntimeException plaintext = assertThrows(StatusRuntimeException.class,
            () -> stub(daemon.connect(InsecureChannelCredentials.create()), null).listServices(ListServicesRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, plaintext.getStatus().getCode(), plaintext.getStatus().toString());
    }

    @Test
    void shouldRequireAClientCertificateSignedByTheClientCaForMutualTls() throws Exception
    {
        selfSigned("server");
        selfSigned("client");
        selfSigned("stranger");
        daemon.reset(daemon.tcp(null, directory.resolve("server.pem"), directory.resolve("server.key"),
            directory.resolve("client.pem")));
        assertEquals("mutual TLS", daemon.server().security());

        final ChannelCredentials client = TlsChannelCredentials.newBuilder().trustManager(directory.resolve("server.pem").toFile())
            .keyManager(directory.resolve("client.pem").toFile(), directory.resolve("client.key").toFile()).build();
        assertEquals(1, stub(daemon.connect(client), null).listServices(ListServicesRequest.getDefaultInstance()).getServicesCount());
        final ChannelCredentials anonymous = TlsChannelCredentials.newBuilder()
            .trustManager(directory.resolve("server.pem").toFile()).build();
        assertThrows(StatusRuntimeException.class,
            () -> stub(daemon.connect(anonymous), null).listServices(ListServicesRequest.getDefaultInstance()));
        final ChannelCredentials stranger = TlsChannelCredentials.newBuilder().trustManager(directory.resolve("server.pem").toFile())
            .keyManager(directory.resolve("stranger.pem").toFile(), directory.resolve("stranger.key").toFile()).build();
        assertThrows(StatusRuntimeException.class,
            () -> stub(daemon.connect(stranger), null).listServices(ListServicesRequest.getDefaultInstance()));
    }

    @Test
    void shouldListTheServicesThroughServerReflectionWithoutTheToken() throws Exception
    {
        daemon.reset(daemon.tcp(TOKEN, null, null, null));
        final ManagedChannel channel = daemon.connect(InsecureChannelCredentials.create());
        final LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        final StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(new StreamObserver<>()
            {
                @Override
                public void onNext(final ServerReflectionResponse response)
                {
                    answers.add(response);
                }

                @Override
                public void onError(final Throwable error)
                {
                    answers.add(error);
                }

                @Override
                public void onCompleted()
                {
                }
            });

        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        final Object listed = answers.poll(30, TimeUnit.SECONDS);
        requests.onNext(ServerReflectionRequest.newBuilder().setFileContainingSymbol("sluice.v1.LoadBalancer").build());
        final Object file = answers.poll(30, TimeUnit.SECONDS);
        requests.onCompleted();

        assertTrue(listed instanceof ServerReflectionResponse, String.valueOf(listed));
        final List<String> names = new ArrayList<>();
        for (final ServiceResponse service : ((ServerReflectionResponse)listed).getListServicesResponse().getServiceList())
        {
            names.add(service.getName());
        }
        assertTrue(names.containsAll(List.of("sluice.v1.LoadBalancer", "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection")), names.toString());
        assertNotNull(file);
        assertTrue(file instanceof ServerReflectionResponse reply && reply.getFileDescriptorResponse()
            .getFileDescriptorProtoCount() > 0, String.valueOf(file));
    }
}
