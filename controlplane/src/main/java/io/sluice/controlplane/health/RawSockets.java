package io.sluice.controlplane.health;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Whether this process may open raw ICMP sockets, asked of the kernel once per family with
 * {@code socket(2)} through FFM.
 * <p>
 * {@link java.net.InetAddress#isReachable(int)} sends a real ICMP echo only when it can open a raw
 * socket (root or CAP_NET_RAW); otherwise it silently tries a TCP connection to port 7 and counts
 * "connection refused" as reachable. The ICMP check asks here first so that, without the privilege,
 * it fails with a reason instead of quietly checking something else.
 */
final class RawSockets
{
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_ICMPV6 = 58;

    private static volatile Boolean icmp4;
    private static volatile Boolean icmp6;

    private RawSockets()
    {
    }

    /**
     * Whether a raw ICMP (IPv4) or ICMPv6 socket can be opened; the answer is cached.
     *
     * @param ipv6 true for ICMPv6.
     * @return true when the kernel allows it.
     */
    static boolean canOpenIcmp(final boolean ipv6)
    {
        Boolean known = ipv6 ? icmp6 : icmp4;
        if (known == null)
        {
            known = ipv6 ? tryOpen(AF_INET6, IPPROTO_ICMPV6) : tryOpen(AF_INET, IPPROTO_ICMP);
            if (ipv6)
            {
                icmp6 = known;
            }
            else
            {
                icmp4 = known;
            }
        }
        return known;
    }

    private static boolean tryOpen(final int family, final int protocol)
    {
        try
        {
            final int descriptor = (int)function("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT))
                .invokeExact(family, SOCK_RAW, protocol);
            if (descriptor < 0)
            {
                return false;
            }
            function("close", FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(descriptor);
            return true;
        }
        catch (final Throwable ex)
        {
            return false;
        }
    }

    @SuppressWarnings("restricted")
    private static MethodHandle function(final String name, final FunctionDescriptor descriptor)
    {
        final Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(
            () -> new IllegalStateException("the C library has no " + name + "()")), descriptor);
    }
}
