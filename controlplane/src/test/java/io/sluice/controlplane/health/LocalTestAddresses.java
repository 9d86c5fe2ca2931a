package io.sluice.controlplane.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Addresses of this host that a test makes for servers that stand in for backends: a veth pair
 * whose one end holds them as /32s. A backend cannot be a loopback address (the LB refuses one:
 * packets to 127.0.0.0/8 never leave a host), and these are local all the same, so a health check
 * that connects to them stays on this machine. Needs root; removes what a crashed run left first.
 */
public final class LocalTestAddresses implements AutoCloseable
{
    private final String name;

    private LocalTestAddresses(final String name)
    {
        this.name = name;
    }

    /**
     * Makes the addresses.
     *
     * @param name      the veth end that holds them (its peer is {@code name} with a trailing {@code p}); at most 14 characters.
     * @param addresses IPv4 addresses, e.g. {@code 198.51.100.2}.
     * @return the addresses, to close when done.
     */
    public static LocalTestAddresses create(final String name, final List<String> addresses)
    {
        run(true, "ip", "link", "del", name);
        final LocalTestAddresses made = new LocalTestAddresses(name);
        try
        {
            run(false, "ip", "link", "add", name, "type", "veth", "peer", "name", name + "p");
            for (final String address : addresses)
            {
                run(false, "ip", "address", "add", address + "/32", "dev", name);
            }
            run(false, "ip", "link", "set", "dev", name + "p", "up");
            run(false, "ip", "link", "set", "dev", name, "up");
            return made;
        }
        catch (final RuntimeException ex)
        {
            made.close();
            throw ex;
        }
    }

    /** Deletes the veth pair and its addresses. */
    @Override
    public void close()
    {
        run(true, "ip", "link", "del", name);
    }

    private static void run(final boolean mayFail, final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(20, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            if (process.exitValue() != 0 && !mayFail)
            {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot run " + String.join(" ", command), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
