package io.sluice.controlplane.api;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

import io.sluice.controlplane.api.v1.ListServicesRequest;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API's Unix domain socket: served with mode 0600 (0660 and its group when one is configured),
 * refused to a user who is not its owner or in its group (a client run as {@code nobody} with
 * setpriv), a stale socket replaced, a live one or a file that is no socket left alone, and the
 * socket removed when the API stops.
 */
@Tag("dpdk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSocketTest
{
    private static final int NOBODY = 65534;
    private static final int EXIT_CONNECTED = 0;
    private static final int EXIT_REFUSED = 13;
    private static final String PROBE = """
        import java.net.*;
        import java.nio.channels.SocketChannel;

        class Probe
        {
            public static void main(String[] args) throws Exception
            {
                try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
                {
                    channel.connect(UnixDomainSocketAddress.of(args[0]));
                    System.exit(0);
                }
                catch (java.io.IOException ex)
                {
                    System.out.println(ex);
                    System.exit(ex.getMessage() != null && ex.getMessage().contains("Permission denied") ? 13 : 1);
                }
            }
        }
        """;

    @TempDir
    static Path directory;

    private ApiTestDaemon daemon;

    @BeforeAll
    void startDataplane() throws Exception
    {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        daemon = ApiTestDaemon.start(directory, "net_ring74");
    }

    @AfterAll
    void stopDataplane()
    {
        daemon.close();
    }

    private int listServicesOverTheSocket()
    {
        final EventLoopGroup loop = new EpollEventLoopGroup(1);
        final ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(daemon.socketPath().toString()),
            InsecureChannelCredentials.create()).channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).build();
        try
        {
            return LoadBalancerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listServices(ListServicesRequest.getDefaultInstance()).getServicesCount();
        }
        finally
        {
            channel.shutdownNow();
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    /** Connects to the socket as uid {@code nobody} with the given group; returns the probe's exit code. */
    private static int connectAsNobody(final Path socket, final int group) throws IOException, InterruptedException
    {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv runs the client as another user");
        final Path probes = Files.createTempDirectory("sluice-probe");
        try
        {
            Files.setPosixFilePermissions(probes, PosixFilePermissions.fromString("rwxr-xr-x"));
            final Path source = Files.writeString(probes.resolve("Probe.java"), PROBE);
            Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
            final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            final Process probe = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + group, "--clear-groups",
                java.toString(), source.toString(), socket.toString()).directory(probes.toFile()).redirectErrorStream(true).start();
            final String output = new String(probe.getInputStream().readAllBytes());
            assertTrue(probe.waitFor(60, TimeUnit.SECONDS), output);
            assertTrue(probe.exitValue() == EXIT_CONNECTED || probe.exitValue() == EXIT_REFUSED, "probe: " + output);
            return probe.exitValue();
        }
        finally
        {
            Files.deleteIfExists(probes.resolve("Probe.java"));
            Files.deleteIfExists(probes);
        }
    }

    @Test
    void shouldServeTheSocketToRootOnlyWhenNoGroupIsConfigured() throws Exception
    {
        daemon.reset(daemon.socketOnly(null));
        final PosixFileAttributes socket = Files.readAttributes(daemon.socketPath(), PosixFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);

        assertTrue(socket.isOther(), "a socket");
        assertEquals("rw-------", PosixFilePermissions.toString(socket.permissions()));
        assertEquals(1, listServicesOverTheSocket(), "root calls the API through the socket");
        assertEquals(EXIT_REFUSED, connectAsNobody(daemon.socketPath(), NOBODY), "another user cannot connect");
        assertFalse(daemon.server().tcp(), "no TCP listener without api.listen");
    }

    @Test
    void shouldAnswerAGenericClientThatDialsAUnixTarget() throws Exception
    {
        daemon.reset(daemon.socketOnly(null));
        final ManagedChannel channel = Grpc.newChannelBuilder("unix://" + daemon.socketPath(), InsecureChannelCredentials.create())
            .build();
        try
        {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus());
        }
        finally
        {
            channel.shutdownNow();
        }
    }

    @Test
    void shouldLetTheConfiguredGroupConnect() throws Exception
    {
        daemon.reset(daemon.socketOnly("nogroup"));
        final PosixFileAttributes socket = Files.readAttributes(daemon.socketPath(), PosixFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);

        assertEquals("rw-rw----", PosixFilePermissions.toString(socket.permissions()));
        assertEquals("nogroup", socket.group().getName());
        assertEquals(EXIT_CONNECTED, connectAsNobody(daemon.socketPath(), NOBODY), "a member of the group connects");
    }

    @Test
    void shouldReplaceAStaleSocketAndRemoveItsOwnWhenItStops() throws Exception
    {
        daemon.reset(null);
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            dead.bind(UnixDomainSocketAddress.of(daemon.socketPath()));
        }
        assertTrue(Files.exists(daemon.socketPath(), LinkOption.NOFOLLOW_LINKS), "a socket nobody serves any more");

        daemon.reset(daemon.socketOnly(null));
        assertEquals(1, listServicesOverTheSocket());
        daemon.reset(null);

        assertFalse(Files.exists(daemon.socketPath(), LinkOption.NOFOLLOW_LINKS), "removed when the API stops");
    }

    @Test
    void shouldRefuseASocketAnotherDaemonServesAndAFileThatIsNoSocket() throws Exception
    {
        daemon.reset(daemon.socketOnly(null));

        final IOException live = assertThrows(IOException.class, () -> ApiServer.start(daemon.socketOnly(null), daemon.model()));
        assertEquals("another process serves on the socket " + daemon.socketPath() + " (another sluice daemon holds " +
            daemon.socketPath() + ".lock; give this one its own api.socket)", live.getMessage());
        assertEquals(1, listServicesOverTheSocket(), "the running API keeps its socket");

        daemon.reset(null);
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            other.bind(UnixDomainSocketAddress.of(daemon.socketPath()));
            final IOException foreign = assertThrows(IOException.class, () -> daemon.reset(daemon.socketOnly(null)));
            assertEquals("another process serves on the socket " + daemon.socketPath() + " (is another sluice daemon running? " +
                "give this one its own api.socket)", foreign.getMessage(), "a program that holds no lock but answers there");
        }
        Files.delete(daemon.socketPath());
        Files.writeString(daemon.socketPath(), "not a socket");
        final IOException file = assertThrows(IOException.class, () -> daemon.reset(daemon.socketOnly(null)));
        assertEquals(daemon.socketPath() + " exists and is not a socket; it was left alone (remove it, or set api.socket to " +
            "another path)", file.getMessage());
        assertEquals("not a socket", Files.readString(daemon.socketPath()));
        Files.delete(daemon.socketPath());
    }
}
