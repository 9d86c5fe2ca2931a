package io.sluice.lab;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.sluice.dataplane.stats.DropReason;

import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.NAT_HTTP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full NAT's port pools running dry, reported rather than silent: with {@code dataplane.natPorts}
 * cut to four ports (1024..1027), each backend endpoint takes four connections at once; the
 * connections beyond are refused (the SYN dropped), counted as {@code nat-ports-exhausted}, and the
 * daemon's log says so in one line naming the service and what to do.
 */
@Tag("lab")
@Tag("dpdk")
class LabFullNatExhaustionTest
{
    private static final LbConfig.Service FULLNAT = LbConfig.Service.of("192.0.2.13", "fullnat", 1, 1, 1)
        .withOptions("    backendPort: " + NAT_HTTP_PORT + "\n");
    private static final int PORTS = 4;
    private static final int ATTEMPTS = 20;
    /** Long enough for a SYN retransmitted once (a SYN lost on its way is not a refusal), short enough for 20 attempts. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(1_500);

    @RegisterExtension
    static final LabLoadBalancer LB = new LabLoadBalancer(LbConfig.of(FULLNAT).withNatPorts("{ first: 1024, last: 1027 }"));

    @Test
    void shouldRefuseConnectionsBeyondThePoolsAndSaySoWhenThePortsRunOut() throws Exception
    {
        Thread.sleep(2_000);
        final long before = LB.stats().drops()[DropReason.NAT_PORTS_EXHAUSTED.ordinal()];
        final List<Socket> held = new ArrayList<>();
        int refused = 0;
        try
        {
            for (int i = 0; i < ATTEMPTS; i++)
            {
                final Socket socket = NetworkNamespace.call(CLIENT_NAMESPACE, () ->
                {
                    final Socket s = new Socket();
                    try
                    {
                        s.connect(new InetSocketAddress(FULLNAT.vip(), FULLNAT.port()), (int)CONNECT_TIMEOUT.toMillis());
                        return s;
                    }
                    catch (final java.io.IOException ex)
                    {
                        s.close();
                        return null;
                    }
                });
                if (socket == null)
                {
                    refused++;
                }
                else
                {
                    held.add(socket);
                }
            }
            assertTrue(held.size() <= LabTopology.BACKEND_COUNT * PORTS,
                held.size() + " connections held: no more than four per backend endpoint");
            assertEquals(ATTEMPTS, held.size() + refused);
            assertTrue(refused >= ATTEMPTS - LabTopology.BACKEND_COUNT * PORTS, refused + " refused");
            final int refusedCount = refused;
            final long exhausted = Poll.until(Duration.ofSeconds(5),
                () -> LB.stats().drops()[DropReason.NAT_PORTS_EXHAUSTED.ordinal()] - before, count -> count >= refusedCount).value();
            assertTrue(exhausted >= refused, "every refused connection's SYN counted: " + exhausted + " for " + refused);
            final Poll.Outcome<String> logged = Poll.until(Duration.ofSeconds(5), LB::logTail,
                log -> log.contains("dropped for want of a free port (nat-ports-exhausted): 192.0.2.13:80/tcp"));
            assertTrue(logged.met(), "the daemon's log names the service:\n" + LB.logTail());
            System.out.printf("fullnat with %d ports per backend: %d of %d connections held, %d refused, %d SYNs counted%n",
                PORTS, held.size(), ATTEMPTS, refused, exhausted);
        }
        finally
        {
            for (final Socket socket : held)
            {
                socket.close();
            }
        }
    }
}
