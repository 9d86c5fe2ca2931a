package io.sluice.controlplane.model;

import java.time.Instant;

/**
 * The high-availability state of this daemon. HA itself comes later: a daemon is standalone.
 *
 * @param role  the state.
 * @param since since when.
 */
public record HaState(Role role, Instant since)
{
    /**
     * The HA states.
     */
    public enum Role
    {
        /** No HA peer is configured: this daemon serves its VIPs alone. */
        STANDALONE
    }
}
