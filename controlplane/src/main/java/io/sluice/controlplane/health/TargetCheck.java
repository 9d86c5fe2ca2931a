package io.sluice.controlplane.health;

import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;

/**
 * The checker's record of one target: its state machine, policy, schedule and latency average.
 * Every field is guarded by the owning {@link HealthChecker}'s lock.
 */
final class TargetCheck
{
    static final String NO_CHECK_YET = "no check yet";

    final HealthTarget target;
    final HealthStateMachine machine;
    HealthPolicy policy;
    InetSocketAddress probeAddress;
    long generation;
    ScheduledFuture<?> nextCheck;
    boolean removed;
    long lastStartNs;
    String lastReason = NO_CHECK_YET;
    private double latencyEwmaNs = Double.NaN;

    TargetCheck(final HealthTarget target, final HealthPolicy policy)
    {
        this.target = target;
        this.machine = new HealthStateMachine(policy.rise(), policy.fall());
        use(policy);
    }

    /**
     * Switches to a policy: a new generation, so results of checks started before are ignored.
     *
     * @param policy the new policy.
     */
    void use(final HealthPolicy policy)
    {
        this.policy = policy;
        this.probeAddress = new InetSocketAddress(target.address(), policy.effectivePort(target.servicePort()));
        generation++;
        cancelNextCheck();
    }

    void cancelNextCheck()
    {
        if (nextCheck != null)
        {
            nextCheck.cancel(false);
            nextCheck = null;
        }
    }

    /**
     * Folds a successful check's latency into the moving average; the first one seeds it.
     *
     * @param latencyNs the latency.
     */
    void recordLatency(final long latencyNs)
    {
        latencyEwmaNs = Double.isNaN(latencyEwmaNs) ? latencyNs :
            HealthChecker.LATENCY_EWMA_ALPHA * latencyNs + (1.0 - HealthChecker.LATENCY_EWMA_ALPHA) * latencyEwmaNs;
    }

    void forgetLatency()
    {
        latencyEwmaNs = Double.NaN;
    }

    long latencyEwmaNs()
    {
        return Double.isNaN(latencyEwmaNs) ? HealthChecker.NO_LATENCY : Math.round(latencyEwmaNs);
    }

    HealthStatus status()
    {
        return new HealthStatus(target, machine.state(), latencyEwmaNs(), lastReason, policy);
    }
}
