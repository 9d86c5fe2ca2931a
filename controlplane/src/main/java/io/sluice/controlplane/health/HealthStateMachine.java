package io.sluice.controlplane.health;

/**
 * The rise/fall state machine of one backend: turns a stream of check results into
 * {@link BackendHealth} transitions.
 * <ul>
 *   <li>{@code UNKNOWN} goes {@code UP} after {@code rise} successes in a row and {@code DOWN} after
 *       {@code fall} failures in a row;</li>
 *   <li>{@code UP} goes {@code DOWN} after {@code fall} consecutive failures;</li>
 *   <li>{@code DOWN} goes {@code UP} after {@code rise} consecutive successes;</li>
 *   <li>a success ends the run of failures and a failure ends the run of successes.</li>
 * </ul>
 * Pure and not thread safe: the owner serialises the results of one backend.
 */
public final class HealthStateMachine
{
    private BackendHealth state = BackendHealth.UNKNOWN;
    private int rise;
    private int fall;
    private int successRun;
    private int failureRun;

    /**
     * A machine in {@link BackendHealth#UNKNOWN}.
     *
     * @param rise consecutive successes to go up, 1..100.
     * @param fall consecutive failures to go down, 1..100.
     */
    public HealthStateMachine(final int rise, final int fall)
    {
        setCounts(rise, fall);
    }

    /**
     * Feeds one check result.
     *
     * @param success whether the check succeeded.
     * @return the state after this result; compare with the state before to see a transition.
     */
    public BackendHealth onResult(final boolean success)
    {
        return success ? onSuccess() : onFailure();
    }

    /**
     * Feeds a successful check.
     *
     * @return the state after it.
     */
    public BackendHealth onSuccess()
    {
        failureRun = 0;
        if (successRun < rise)
        {
            successRun++;
        }
        if (state != BackendHealth.UP && successRun >= rise)
        {
            state = BackendHealth.UP;
        }
        return state;
    }

    /**
     * Feeds a failed check.
     *
     * @return the state after it.
     */
    public BackendHealth onFailure()
    {
        successRun = 0;
        if (failureRun < fall)
        {
            failureRun++;
        }
        if (state != BackendHealth.DOWN && failureRun >= fall)
        {
            state = BackendHealth.DOWN;
        }
        return state;
    }

    /**
     * Starts counting afresh with new thresholds, keeping the state: a backend that was down stays
     * down until {@code rise} successes under the new policy, one that was up stays up until
     * {@code fall} failures.
     *
     * @param rise consecutive successes to go up, 1..100.
     * @param fall consecutive failures to go down, 1..100.
     */
    public void restart(final int rise, final int fall)
    {
        setCounts(rise, fall);
        successRun = 0;
        failureRun = 0;
    }

    /**
     * Forgets everything: back to {@link BackendHealth#UNKNOWN} with empty runs (checks disabled).
     */
    public void reset()
    {
        state = BackendHealth.UNKNOWN;
        successRun = 0;
        failureRun = 0;
    }

    /**
     * The current state.
     *
     * @return the state.
     */
    public BackendHealth state()
    {
        return state;
    }

    /**
     * The length of the current run of successes, capped at {@code rise}.
     *
     * @return 0 after a failure.
     */
    public int successRun()
    {
        return successRun;
    }

    /**
     * The length of the current run of failures, capped at {@code fall}.
     *
     * @return 0 after a success.
     */
    public int failureRun()
    {
        return failureRun;
    }

    private void setCounts(final int rise, final int fall)
    {
        if (rise < 1 || rise > HealthPolicy.MAX_COUNT)
        {
            throw new IllegalArgumentException("rise must be 1.." + HealthPolicy.MAX_COUNT + ", not " + rise);
        }
        if (fall < 1 || fall > HealthPolicy.MAX_COUNT)
        {
            throw new IllegalArgumentException("fall must be 1.." + HealthPolicy.MAX_COUNT + ", not " + fall);
        }
        this.rise = rise;
        this.fall = fall;
    }
}
