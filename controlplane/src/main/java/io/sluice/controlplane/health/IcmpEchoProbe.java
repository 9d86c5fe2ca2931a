package io.sluice.controlplane.health;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * ICMP echo check (ICMPv6 for IPv6 backends) through {@link InetAddress#isReachable(int)}.
 * <p>
 * On Linux the JDK sends a real echo request from a raw socket when the process may open one (root,
 * as the daemon runs, or CAP_NET_RAW), matching the reply by identifier (the process id) and source
 * address; this was verified with strace on JDK 25 for 127.0.0.1 and ::1. Without that privilege the
 * JDK does not use unprivileged ping sockets but silently falls back to a TCP connect to port 7 and
 * counts "connection refused" as reachable, which is not an ICMP check: this probe therefore asks
 * the kernel first ({@link RawSockets}) and, without the privilege, fails with a reason saying so.
 * <p>
 * {@code isReachable} is a native call that blocks its thread for up to the timeout and, on a
 * virtual thread, pins the carrier: give this probe an executor of platform threads.
 */
public final class IcmpEchoProbe implements HealthProbe
{
    static final String NO_RAW_SOCKET =
        "ICMP echo needs a raw socket (root or CAP_NET_RAW); not checking over TCP port 7 instead";

    private final Executor executor;
    private final Predicate<InetAddress> rawSocketAvailable;

    /**
     * A probe blocking on the given executor.
     *
     * @param executor where each check runs; platform threads (see the class comment).
     */
    public IcmpEchoProbe(final Executor executor)
    {
        this(executor, (address) -> RawSockets.canOpenIcmp(address instanceof Inet6Address));
    }

    IcmpEchoProbe(final Executor executor, final Predicate<InetAddress> rawSocketAvailable)
    {
        this.executor = executor;
        this.rawSocketAvailable = rawSocketAvailable;
    }

    /**
     * {@inheritDoc}
     * <p>
     * The port of {@code address} is ignored.
     */
    @Override
    public CompletableFuture<ProbeResult> probe(final InetSocketAddress address, final HealthPolicy policy)
    {
        return ProbeRunner.runAsync(executor, policy, (deadlineNs) -> echo(address.getAddress(), policy));
    }

    private ProbeResult echo(final InetAddress address, final HealthPolicy policy) throws Exception
    {
        if (!rawSocketAvailable.test(address))
        {
            return ProbeResult.failure(0, NO_RAW_SOCKET);
        }
        if (address.isReachable(policy.timeoutMs()))
        {
            return ProbeResult.success(0, "echo reply");
        }
        return ProbeResult.failure(0, "no echo reply within " + policy.timeoutMs() + " ms");
    }
}
