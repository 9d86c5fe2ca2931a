package io.sluice.controlplane.health;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One kind of health check. A probe is stateless and shared by every backend checked that way.
 */
@FunctionalInterface
public interface HealthProbe
{
    /**
     * Starts one check of one backend and returns at once: the caller (the checker's scheduler
     * thread) never blocks on the network.
     * <p>
     * The future completes normally within about {@link HealthPolicy#timeout()}: every problem,
     * including an exception in the probe itself, is a {@link ProbeResult} with
     * {@code success == false} and a reason, never an exceptional completion.
     *
     * @param address the backend address and the port to probe (ignored by ICMP).
     * @param policy  the service's policy: timeout and the kind-specific fields.
     * @return the result to come.
     */
    CompletableFuture<ProbeResult> probe(InetSocketAddress address, HealthPolicy policy);
}
