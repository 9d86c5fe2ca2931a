package io.sluice.controlplane.health;

/**
 * The health of one backend of one service, as the checks see it.
 * <p>
 * A backend starts {@link #UNKNOWN} and stays there while checks are disabled. {@code UNKNOWN}
 * counts as up, so adding a service does not blackhole it while its checks warm up: only
 * {@code fall} failures in a row take a backend {@link #DOWN}.
 */
public enum BackendHealth
{
    /** No verdict yet (checks warming up) or checks disabled; counts as up. */
    UNKNOWN,

    /** The last transition was on {@code rise} consecutive successful checks. */
    UP,

    /** The last transition was on {@code fall} consecutive failed checks. */
    DOWN;

    /**
     * Whether new flows may go to a backend in this state: everything but {@link #DOWN}.
     *
     * @return true for {@link #UP} and {@link #UNKNOWN}.
     */
    public boolean countsAsUp()
    {
        return this != DOWN;
    }
}
