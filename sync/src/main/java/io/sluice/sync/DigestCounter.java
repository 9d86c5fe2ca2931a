package io.sluice.sync;

/**
 * What the sync agent counts of Maglev table digests: those it sent in its hellos, and each one a peer
 * sent by how it compares with this LB's table of the same service (VIP, port, protocol).
 */
public enum DigestCounter
{
    /** Digests of this LB's Maglev services sent in hellos. */
    SENT,
    /** A peer's digest equals this LB's: both tables send every slot to the same backend. */
    SAME,
    /**
     * A peer's digest (or table size) differs from this LB's: some new flows would get another backend
     * here than there. Different backends, weights or table size in the two configurations, or a backend
     * drained or health-down on one LB only (legitimate while the two LBs' health checks disagree).
     */
    DIFFERENT,
    /** The peer has a Maglev service this LB does not have. */
    SERVICE_MISSING,
    /** The peer's service is scheduled by Maglev there and by another scheduler here. */
    NOT_MAGLEV
}
