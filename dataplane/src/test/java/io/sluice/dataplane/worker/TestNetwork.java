package io.sluice.dataplane.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace joined to the root namespace by a veth pair, built with {@code ip} and
 * {@code ethtool} for one system test and removed after it. The host end stays in the root
 * namespace for a DPDK driver (net_af_packet, net_af_xdp) to bind to; the peer end lives in the
 * namespace with IPv4 and IPv6 addresses, so the namespace's kernel is a real neighbour of the
 * dataplane. Traffic never leaves the pair: the root kernel is told to ignore the host end.
 * <p>
 * Needs root, {@code ip} (iproute2) and {@code ethtool}; names are the caller's, so tests that
 * run side by side do not collide.
 */
final class TestNetwork implements AutoCloseable
{
    private static final long COMMAND_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Pattern ADDRESS = Pattern.compile("\"address\":\"([0-9a-f:]{17})\"");
    private static final Pattern LINK_LAYER_ADDRESS = Pattern.compile("\"lladdr\":\"([0-9a-f:]{17})\"");

    private final String namespace;
    private final String hostInterface;
    private final String peerInterface;

    private TestNetwork(final String namespace, final String hostInterface, final String peerInterface)
    {
        this.namespace = namespace;
        this.hostInterface = hostInterface;
        this.peerInterface = peerInterface;
    }

    /**
     * Builds the namespace and the veth pair, removing what a crashed earlier run left with the
     * same names first.
     *
     * @param namespace     name of the namespace.
     * @param hostInterface veth end that stays in the root namespace (for DPDK).
     * @param peerInterface veth end moved into the namespace.
     * @param peerIpv4      IPv4 address with prefix length for the peer end, e.g. {@code 10.99.0.11/24}.
     * @param peerIpv6      IPv6 address with prefix length for the peer end, configured without DAD.
     * @return the network, both ends up.
     */
    static TestNetwork create(
        final String namespace, final String hostInterface, final String peerInterface, final String peerIpv4,
        final String peerIpv6)
    {
        remove(namespace, hostInterface);
        final TestNetwork network = new TestNetwork(namespace, hostInterface, peerInterface);
        try
        {
            network.build(peerIpv4, peerIpv6);
            return network;
        }
        catch (final RuntimeException ex)
        {
            network.close();
            throw ex;
        }
    }

    private void build(final String peerIpv4, final String peerIpv6)
    {
        run("ip", "netns", "add", namespace);
        // One queue each way (veth defaults to one per CPU): af_xdp binds its XDP socket to rx
        // queue 0 of the host end, a frame arrives on the rx queue numbered like the tx queue the
        // peer hashed it to, and the XDP program passes frames of any other queue to the kernel.
        run("ip", "link", "add", hostInterface, "numtxqueues", "1", "numrxqueues", "1", "type", "veth",
            "peer", "name", peerInterface, "numtxqueues", "1", "numrxqueues", "1", "netns", namespace);
        // The root kernel must not take part on the host end: no IPv6 (no link-local address,
        // router solicitations or MLD reports that DPDK would receive as its own traffic), no
        // ARP, and no forwarding of what arrives there (a ping to a VIP reaches the host end with
        // the veth's MAC as destination and must never be routed anywhere else).
        writeSysctl("net/ipv6/conf/" + hostInterface + "/disable_ipv6", "1");
        writeSysctl("net/ipv4/conf/" + hostInterface + "/forwarding", "0");
        run("ip", "link", "set", "dev", hostInterface, "arp", "off");
        // veth offloads checksums by default: a TCP or UDP frame the namespace sends carries only
        // the pseudo-header sum (CHECKSUM_PARTIAL), which the kernel completes later or never;
        // AF_PACKET and AF_XDP copy the bytes as they are, so DPDK would see wrong checksums and
        // forward them. With tx checksumming off the kernel writes complete checksums; with rx
        // checksumming off nothing marks a received frame as verified, so the kernel checks every
        // checksum the dataplane sends back. GRO off keeps frames wire-sized for AF_PACKET.
        run("ethtool", "-K", hostInterface, "tx", "off", "rx", "off", "gro", "off");
        inNamespace("ethtool", "-K", peerInterface, "tx", "off", "rx", "off", "gro", "off");
        run("ip", "-n", namespace, "address", "add", peerIpv4, "dev", peerInterface);
        run("ip", "-n", namespace, "address", "add", peerIpv6, "dev", peerInterface, "nodad");
        run("ip", "-n", namespace, "link", "set", "dev", "lo", "up");
        run("ip", "-n", namespace, "link", "set", "dev", peerInterface, "up");
        run("ip", "link", "set", "dev", hostInterface, "up");
    }

    /**
     * Deletes a namespace and a root-namespace interface if they exist (deleting either end of a
     * veth pair deletes both).
     *
     * @param namespace     the namespace.
     * @param hostInterface the interface in the root namespace.
     */
    static void remove(final String namespace, final String hostInterface)
    {
        final Path host = Path.of("/sys/class/net", hostInterface);
        if (Files.exists(host))
        {
            try
            {
                run("ip", "link", "delete", "dev", hostInterface);
            }
            catch (final IllegalStateException ex)
            {
                if (Files.exists(host))
                {
                    throw ex;
                }
            }
        }
        if (Files.exists(Path.of("/run/netns", namespace)))
        {
            run("ip", "netns", "delete", namespace);
        }
        awaitGone(host);
    }

    /** A namespace is dismantled asynchronously: its veth ends can outlive its name briefly. */
    private static void awaitGone(final Path device)
    {
        final long deadlineNs = System.nanoTime() + COMMAND_TIMEOUT_NS;
        while (Files.exists(device))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException(device + " still exists after its namespace was deleted");
            }
            LockSupport.parkNanos(POLL_INTERVAL_NS);
        }
    }

    /**
     * Routes a destination from the namespace through a gateway on the veth.
     *
     * @param destination address with prefix length, IPv4 or IPv6.
     * @param gateway     next hop on the peer end's subnet.
     */
    void route(final String destination, final String gateway)
    {
        run("ip", "-n", namespace, destination.contains(":") ? "-6" : "-4", "route", "add", destination, "via", gateway,
            "dev", peerInterface);
    }

    /**
     * Sets the MTU of both ends.
     *
     * @param mtu the MTU.
     */
    void mtu(final int mtu)
    {
        run("ip", "link", "set", "dev", hostInterface, "mtu", Integer.toString(mtu));
        run("ip", "-n", namespace, "link", "set", "dev", peerInterface, "mtu", Integer.toString(mtu));
    }

    /** Deletes every learned (non-permanent) neighbour entry of the peer end. */
    void flushNeighbours()
    {
        run("ip", "-n", namespace, "neighbour", "flush", "dev", peerInterface);
        run("ip", "-n", namespace, "-6", "neighbour", "flush", "dev", peerInterface);
    }

    /**
     * The MAC the namespace's kernel has for a neighbour on the peer end.
     *
     * @param address IPv4 or IPv6 address.
     * @return the MAC as {@code aa:bb:cc:dd:ee:ff}, or null when the kernel has none.
     */
    String neighbourMac(final String address)
    {
        final Matcher matcher = LINK_LAYER_ADDRESS.matcher(
            run("ip", "-n", namespace, "-j", "neighbour", "show", "to", address, "dev", peerInterface));
        return matcher.find() ? matcher.group(1) : null;
    }

    /**
     * A counter of the namespace's network stack, as {@code nstat} names them (from
     * /proc/net/snmp, snmp6 and netstat), e.g. {@code IcmpInCsumErrors}.
     *
     * @param name the counter.
     * @return its value since the namespace was created.
     */
    long kernelCounter(final String name)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+(\\d+)")
            .matcher(inNamespace("nstat", "--ignore", "--noupdate", "--zeros", name));
        if (!matcher.find())
        {
            throw new IllegalStateException("the kernel has no counter " + name);
        }
        return Long.parseLong(matcher.group(1));
    }

    /** @return the MAC of the host end, as {@code aa:bb:cc:dd:ee:ff}. */
    String hostMac()
    {
        return macOf(run("ip", "-j", "link", "show", "dev", hostInterface));
    }

    /** @return the MAC of the peer end, as {@code aa:bb:cc:dd:ee:ff}. */
    String peerMac()
    {
        return macOf(run("ip", "-n", namespace, "-j", "link", "show", "dev", peerInterface));
    }

    private static String macOf(final String json)
    {
        final Matcher matcher = ADDRESS.matcher(json);
        if (!matcher.find())
        {
            throw new IllegalStateException("no MAC address in: " + json);
        }
        return matcher.group(1);
    }

    /** @return the interface in the root namespace, for the DPDK driver. */
    String hostInterface()
    {
        return hostInterface;
    }

    /**
     * Starts a command inside the namespace, its error output merged into its output.
     *
     * @param command the command and its arguments.
     * @return the running process.
     */
    Process startInNamespace(final String... command)
    {
        try
        {
            return new ProcessBuilder(namespaced(command)).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot start " + namespaced(command) + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Runs a command inside the namespace to completion.
     *
     * @param command the command and its arguments.
     * @return its output.
     * @throws IllegalStateException with the output when it fails.
     */
    String inNamespace(final String... command)
    {
        return run(namespaced(command).toArray(String[]::new));
    }

    private List<String> namespaced(final String... command)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return full;
    }

    /** Deletes the namespace and the veth pair; does nothing for what is already gone. */
    @Override
    public void close()
    {
        remove(namespace, hostInterface);
    }

    private static void writeSysctl(final String key, final String value)
    {
        try
        {
            Files.writeString(Path.of("/proc/sys", key), value);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot set " + key + " to " + value + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Runs a command to completion.
     *
     * @param command the command and its arguments.
     * @return its output, error output merged in.
     * @throws IllegalStateException naming the command and its output when it fails or hangs.
     */
    static String run(final String... command)
    {
        final List<String> line = List.of(command);
        Path output = null;
        try
        {
            output = Files.createTempFile("sluice-test-network", ".out");
            final Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(COMMAND_TIMEOUT_NS, TimeUnit.NANOSECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", line) + " did not finish");
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0)
            {
                throw new IllegalStateException(
                    String.join(" ", line) + " exited with " + process.exitValue() + ": " + text.strip());
            }
            return text;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot run " + String.join(" ", line) + ": " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", line), ex);
        }
        finally
        {
            deleteQuietly(output);
        }
    }

    private static void deleteQuietly(final Path file)
    {
        if (file != null)
        {
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ignored)
            {
                // a leftover temporary file does not change the test's outcome
            }
        }
    }
}
