package io.sluice.controlplane.health;

/**
 * A snapshot of one target's health as the checker last saw it.
 *
 * @param target        the backend of a service.
 * @param state         its state.
 * @param latencyEwmaNs the exponentially weighted moving average of its successful check latencies
 *                      (see {@link HealthChecker#LATENCY_EWMA_ALPHA}), or
 *                      {@link HealthChecker#NO_LATENCY} before the first success.
 * @param lastReason    the reason of the last check, or "no check yet".
 * @param policy        the policy it is checked with.
 */
public record HealthStatus(
    HealthTarget target, BackendHealth state, long latencyEwmaNs, String lastReason, HealthPolicy policy)
{
}
