package io.sluice.controlplane.health;

/**
 * Told of every health state transition of every target of a {@link HealthChecker}.
 * <p>
 * Called on the checker's one event thread, in the order the transitions happened, never
 * concurrently and never while the checker holds its lock: a listener may call back into the
 * checker. A slow listener delays later events, not checks. An exception thrown here is logged and
 * does not stop later events. No call starts after {@link HealthChecker#close()} returns.
 */
@FunctionalInterface
public interface HealthListener
{
    /**
     * One transition.
     *
     * @param target    the backend of a service.
     * @param from      the state before.
     * @param to        the state after, never equal to {@code from}.
     * @param reason    the reason of the check that caused it ("connect refused", "HTTP 200"), or
     *                  "health checks disabled" when the policy turned checks off.
     * @param latencyNs how long that check took; 0 when no check caused the transition.
     */
    void onTransition(HealthTarget target, BackendHealth from, BackendHealth to, String reason, long latencyNs);
}
