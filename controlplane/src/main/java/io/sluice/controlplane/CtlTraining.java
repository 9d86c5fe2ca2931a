package io.sluice.controlplane;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;

import io.sluice.controlplane.api.v1.Backend;
import io.sluice.controlplane.api.v1.BackendStats;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.GetStatsRequest;
import io.sluice.controlplane.api.v1.GetStatsResponse;
import io.sluice.controlplane.api.v1.HealthState;
import io.sluice.controlplane.api.v1.ListServicesRequest;
import io.sluice.controlplane.api.v1.ListServicesResponse;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.Service;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.api.v1.ServiceStats;
import io.sluice.controlplane.api.v1.ServiceStatus;
import io.sluice.controlplane.api.v1.WorkerStats;

/**
 * The training run of the CLI's ahead-of-time cache (JEP 483/514): the launcher runs it once per
 * jar and JDK with {@code -XX:AOTCacheOutput}, and every later {@code sluice ctl} call starts with
 * the classes it loaded already loaded and linked. A cache is only as good as its training, so this
 * makes real calls, as an operator would: it serves a canned daemon API (one service, two
 * backends, their counters) on a loopback port of its own and runs {@code sluice ctl list}, as a
 * table and as JSON, over TCP and over a Unix socket (the default way to a daemon), against it
 * through the whole program ({@link SluiceMain}); no daemon, DPDK or root needed. What the calls print goes to standard output.
 */
public final class CtlTraining
{
    private static final long STOP_WAIT_MS = 5000;

    private CtlTraining()
    {
    }

    /**
     * Serves the canned API, makes the calls, stops.
     *
     * @param args none.
     * @throws IOException          when the loopback port cannot be bound.
     * @throws InterruptedException when interrupted while stopping.
     */
    public static void main(final String[] args) throws IOException, InterruptedException
    {
        System.exit(run());
    }

    /**
     * Serves the canned API and makes the calls.
     *
     * @return 0 when every call succeeded, else the first failed call's exit code.
     * @throws IOException          when the loopback port cannot be bound.
     * @throws InterruptedException when interrupted while stopping.
     */
    static int run() throws IOException, InterruptedException
    {
        final Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            InsecureServerCredentials.create()).addService(new CannedApi()).build().start();
        final Path directory = Files.createTempDirectory("sluice-training");
        final Path socket = directory.resolve("api.sock");
        final EventLoopGroup socketLoop = Epoll.isAvailable() ? new EpollEventLoopGroup(1) : null;
        Server socketServer = null;
        try
        {
            final String address = "127.0.0.1:" + ((InetSocketAddress)server.getListenSockets().getFirst()).getPort();
            final int table = SluiceMain.execute("ctl", "--server", address, "list");
            final int json = SluiceMain.execute("ctl", "--server", address, "--json", "list");
            int local = 0;
            if (socketLoop != null)
            {
                socketServer = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()), InsecureServerCredentials.create())
                    .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(socketLoop).workerEventLoopGroup(socketLoop)
                    .addService(new CannedApi()).build().start();
                local = SluiceMain.execute("ctl", "--server", "unix:" + socket, "list");
            }
            return table != 0 ? table : json != 0 ? json : local;
        }
        finally
        {
            server.shutdownNow().awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
            if (socketServer != null)
            {
                socketServer.shutdownNow().awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
            }
            if (socketLoop != null)
            {
                socketLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        }
    }

    /**
     * The two calls of {@code ctl list}, answered as a daemon with one DSR service would.
     */
    private static final class CannedApi extends LoadBalancerGrpc.LoadBalancerImplBase
    {
        private static final ServiceKey KEY = ServiceKey.newBuilder().setVip("192.0.2.10").setPort(80)
            .setProtocol(Protocol.PROTOCOL_TCP).build();

        @Override
        public void listServices(final ListServicesRequest request, final StreamObserver<ListServicesResponse> reply)
        {
            reply.onNext(ListServicesResponse.newBuilder().setGeneration(1).addServices(Service.newBuilder().setKey(KEY)
                .setSettings(ServiceSettings.newBuilder().setMode(ForwardingMode.FORWARDING_MODE_DSR))
                .addBackends(Backend.newBuilder().setAddress("203.0.113.11").setWeight(1).setEffectiveWeight(1)
                    .setHealth(HealthState.HEALTH_STATE_UP))
                .addBackends(Backend.newBuilder().setAddress("203.0.113.12").setWeight(2).setEffectiveWeight(2)
                    .setHealth(HealthState.HEALTH_STATE_UNKNOWN))
                .setStatus(ServiceStatus.newBuilder().setUp(true).setUpBackends(2))).build());
            reply.onCompleted();
        }

        @Override
        public void getStats(final GetStatsRequest request, final StreamObserver<GetStatsResponse> reply)
        {
            reply.onNext(GetStatsResponse.newBuilder().setGeneration(1)
                .addServices(ServiceStats.newBuilder().setKey(KEY).setPackets(30).setBytes(1800).setNewFlows(3)
                    .addBackends(BackendStats.newBuilder().setAddress("203.0.113.11").setEffectiveWeight(1).setPackets(10)
                        .setBytes(600).setNewFlows(1).setHealth(HealthState.HEALTH_STATE_UP))
                    .addBackends(BackendStats.newBuilder().setAddress("203.0.113.12").setEffectiveWeight(2).setPackets(20)
                        .setBytes(1200).setNewFlows(2).setHealth(HealthState.HEALTH_STATE_UNKNOWN)))
                .addWorkers(WorkerStats.newBuilder().setWorker(0).putCounters("rx-packets", 30).putCounters("forwarded", 30))
                .putDrops("no-vip", 1).putPort("rx-packets", 31).build());
            reply.onCompleted();
        }
    }
}
