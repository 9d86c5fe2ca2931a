package io.sluice.controlplane.model;

import java.time.Instant;

/**
 * The high-availability role of this daemon and since when it holds it.
 *
 * @param role  the role.
 * @param since since when.
 */
public record HaState(Role role, Instant since)
{
    /**
     * The HA roles: what this daemon does for its VIPs given its {@code vrrp:} and {@code sync:} sections
     * and, with VRRP, the states of its virtual routers.
     */
    public enum Role
    {
        /** Neither VRRP nor flow sync is configured: this daemon serves its VIPs alone. */
        STANDALONE,
        /** Flow sync without VRRP: active-active, every load balancer serves the VIPs and holds its peers' flows. */
        ACTIVE,
        /** Master of every virtual router. */
        MASTER,
        /** Backup of every virtual router: answers for no virtual address. */
        BACKUP,
        /** Master of some virtual routers, backup of the others. */
        MIXED,
        /** A virtual router is in Initialize: VRRP is starting or stopping. */
        INITIALIZE
    }
}
