package io.sluice.controlplane.health;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * TCP connect check, IPv4 or IPv6: up when the three-way handshake completes within the timeout.
 * <p>
 * The connection is closed at once with {@code SO_LINGER 0}, i.e. with a reset: the checker, which
 * closes first, would otherwise keep one TIME_WAIT socket per check for a minute, and at thousands
 * of checks a minute that exhausts ephemeral ports. The backend sees an accept and a reset.
 */
public final class TcpConnectProbe implements HealthProbe
{
    private final Executor executor;

    /**
     * A probe blocking on the given executor (virtual threads suit it: a blocked connect parks).
     *
     * @param executor where each check runs.
     */
    public TcpConnectProbe(final Executor executor)
    {
        this.executor = executor;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public CompletableFuture<ProbeResult> probe(final InetSocketAddress address, final HealthPolicy policy)
    {
        return ProbeRunner.runAsync(executor, policy, (deadlineNs) -> connect(address, deadlineNs));
    }

    /**
     * The socket family for an address.
     *
     * @param address a resolved address.
     * @return INET6 for IPv6 addresses, INET otherwise.
     */
    static ProtocolFamily family(final InetSocketAddress address)
    {
        return address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    private static ProbeResult connect(final InetSocketAddress address, final long deadlineNs) throws IOException
    {
        try (SocketChannel channel = SocketChannel.open(family(address)))
        {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.socket().connect(address, ProbeRunner.remainingMs(deadlineNs));
            return ProbeResult.success(0, "connected");
        }
    }
}
