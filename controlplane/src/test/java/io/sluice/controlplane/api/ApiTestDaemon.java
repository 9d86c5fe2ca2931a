package io.sluice.controlplane.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.config.ApiSection;
import io.sluice.controlplane.config.ConfigException;
import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.ha.HaMonitor;
import io.sluice.controlplane.model.ControlModel;
import io.sluice.controlplane.model.EventBus;
import io.sluice.controlplane.model.RunningDataplane;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.worker.Dataplane;
import io.sluice.dpdk.DpdkTestSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What a daemon runs, in the test JVM: a real {@link Dataplane} with one worker on a {@code net_ring}
 * port, publishing in a real stats file, under a {@link ControlModel}, with (for the API tests) a
 * real {@link ApiServer} on 127.0.0.1 and an ephemeral port, and a client channel to it. The
 * dataplane lives as long as the test class; {@link #reset} puts the base configuration back and
 * starts a fresh model (and server) for each test. Public for the tests of other packages that need
 * a real dataplane under the model (health checks, metrics). The server's socket is {@code api.sock}
 * in the test's directory, never the machine's default.
 */
public final class ApiTestDaemon implements AutoCloseable
{
    /** The configuration the API tests start from: one DSR service with two backends; {@code %s} is the device. */
    public static final String BASE_CONFIG = """
        dataplane:
          device: %s
          workers: 1
          mac: 02:00:00:00:00:01
          promiscuous: false
          descriptors: { rx: 256, tx: 256 }
          flowTable: { capacity: 16384 }
        network:
          addresses: [203.0.113.2]
          tunnel: { sources: [203.0.113.2] }
        services:
          - vip: 192.0.2.10
            port: 80
            mode: dsr
            backends:
              - { address: 203.0.113.11, weight: 1 }
              - { address: 203.0.113.12, weight: 2 }
        stats:
          file: api.stats
        """;

    private final Path directory;
    private final SluiceConfig base;
    private final StatsFile stats;
    private final Dataplane dataplane;
    private ControlModel model;
    private ApiServer server;
    private final List<ManagedChannel> channels = new ArrayList<>();

    private ApiTestDaemon(final Path directory, final SluiceConfig base, final StatsFile stats, final Dataplane dataplane)
    {
        this.directory = directory;
        this.base = base;
        this.stats = stats;
        this.dataplane = dataplane;
    }

    /**
     * Starts the dataplane with {@link #BASE_CONFIG}.
     *
     * @param directory where the configuration and stats file go.
     * @param device    a {@code net_ring} device name no other test of the JVM uses.
     * @return the daemon, without an API until {@link #reset}.
     */
    public static ApiTestDaemon start(final Path directory, final String device) throws IOException, ConfigException
    {
        return start(directory, device, BASE_CONFIG);
    }

    /**
     * Starts the dataplane with a configuration of the caller's.
     *
     * @param directory where the configuration and stats file go.
     * @param device    a {@code net_ring} device name no other test of the JVM uses.
     * @param text      the configuration, {@code %s} standing for the device; one worker, a stats file in the directory.
     * @return the daemon, without a model until {@link #reset}.
     */
    public static ApiTestDaemon start(final Path directory, final String device, final String text)
        throws IOException, ConfigException
    {
        final Path file = Files.writeString(directory.resolve("sluice.yaml"), text.formatted(device));
        final SluiceConfig config = ConfigLoader.load(file);
        final StatsFile stats = StatsFile.create(config.statsFile(), config.dataplane().workers());
        try
        {
            final Dataplane dataplane = Dataplane.start(DpdkTestSupport.eal(), config.dataplane().toDataplaneConfig(),
                config.settings(), ControlModel.initialSpecs(config), null, stats);
            return new ApiTestDaemon(directory, config, stats, dataplane);
        }
        catch (final RuntimeException ex)
        {
            stats.close();
            throw ex;
        }
    }

    /**
     * Puts the base configuration back into the dataplane and starts a new model and API server.
     *
     * @param api how the server listens and authenticates; its port should be 0; null for no server.
     */
    public void reset(final ApiSection api) throws IOException
    {
        reset(api, null);
    }

    /**
     * Like {@link #reset(ApiSection)}, with an HA view of the caller's for {@code GetHaState}.
     *
     * @param api how the server listens and authenticates; null for no server.
     * @param ha  the HA view, or null for a standalone daemon.
     */
    public void reset(final ApiSection api, final HaMonitor ha) throws IOException
    {
        closeApi();
        dataplane.apply(base.settings(), ControlModel.initialSpecs(base));
        model = new ControlModel(base, new RunningDataplane(dataplane), new EventBus(Clock.systemUTC()), Clock.systemUTC());
        server = api == null ? null : ha == null ? ApiServer.start(api, model) : ApiServer.start(api, model, ha);
    }

    /**
     * The API on the socket {@code api.sock} in the test's directory and on 127.0.0.1, any port,
     * in plaintext, without a token ({@code insecure: true}).
     *
     * @return the section.
     */
    public ApiSection plaintext()
    {
        return tcp(null, null, null, null);
    }

    /**
     * The API on the socket {@code api.sock} in the test's directory and on 127.0.0.1, any port;
     * {@code insecure} when neither a token nor a client CA is given.
     *
     * @param token    the bearer token, or null.
     * @param cert     the server's PEM certificate for TLS, or null for plaintext.
     * @param key      its PEM key, or null.
     * @param clientCa the CA of client certificates for mutual TLS, or null.
     * @return the section.
     */
    public ApiSection tcp(final String token, final Path cert, final Path key, final Path clientCa)
    {
        return new ApiSection(socketPath(), null, "127.0.0.1", 0, cert, key, clientCa, token, null, token == null && clientCa == null);
    }

    /**
     * The API on the socket {@code api.sock} in the test's directory only.
     *
     * @param group the group that may connect too, or null for root only.
     * @return the section.
     */
    public ApiSection socketOnly(final String group)
    {
        return new ApiSection(socketPath(), group, null, 0, null, null, null, null, null, false);
    }

    /**
     * Where the test daemon's socket goes.
     *
     * @return {@code api.sock} in the test's directory.
     */
    public Path socketPath()
    {
        return directory.resolve("api.sock");
    }

    /**
     * Opens a channel to the server.
     *
     * @param credentials plaintext or TLS.
     * @return the channel; the daemon closes it with the next reset.
     */
    ManagedChannel connect(final ChannelCredentials credentials)
    {
        final ManagedChannel opened = Grpc.newChannelBuilderForAddress("127.0.0.1", server.address().getPort(), credentials)
            .overrideAuthority("localhost").build();
        channels.add(opened);
        return opened;
    }

    /**
     * A blocking stub over a plaintext channel, with a deadline.
     *
     * @return the stub.
     */
    public LoadBalancerGrpc.LoadBalancerBlockingStub client()
    {
        return LoadBalancerGrpc.newBlockingStub(connect(InsecureChannelCredentials.create())).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /**
     * Makes a call that the daemon must refuse, and checks that the refusal changed nothing: the
     * dataplane runs the same generation and the model holds the same configuration.
     *
     * @param code the status the call must end with.
     * @param call the call.
     * @return the status's description.
     */
    public String rejected(final Status.Code code, final Runnable call)
    {
        final long generation = dataplane.snapshot().generation();
        final String config = model.configYaml();
        final StatusRuntimeException ex = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, ex.getStatus().getCode(), ex.getStatus().toString());
        assertEquals(generation, dataplane.snapshot().generation(), "a rejected call applies nothing");
        assertEquals(config, model.configYaml(), "a rejected call changes nothing");
        return ex.getStatus().getDescription();
    }

    /**
     * The model of the last {@link #reset}.
     */
    public ControlModel model()
    {
        return model;
    }

    /**
     * The running dataplane.
     */
    public Dataplane dataplane()
    {
        return dataplane;
    }

    /**
     * The stats file the dataplane publishes in.
     */
    public StatsFile stats()
    {
        return stats;
    }

    /**
     * The running API server.
     *
     * @return the server of the last {@link #reset}.
     */
    public ApiServer server()
    {
        return server;
    }

    /**
     * @return where the configuration and stats file are.
     */
    public Path directory()
    {
        return directory;
    }

    private void closeApi()
    {
        for (final ManagedChannel channel : channels)
        {
            channel.shutdownNow();
        }
        channels.clear();
        if (server != null)
        {
            server.close();
            server = null;
        }
    }

    /**
     * Stops the server, the dataplane, and closes the stats file.
     */
    @Override
    public void close()
    {
        closeApi();
        dataplane.close();
        stats.close();
    }
}
