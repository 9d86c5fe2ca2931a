package io.sluice.dpdk;

/**
 * A port's link as the driver reports it ({@code rte_eth_link_get_nowait}).
 *
 * @param speedMbps       link speed in Mbit/s, 0 when there is none, {@link #SPEED_UNKNOWN} when the
 *                        driver cannot tell (virtual devices often report a nominal 10000).
 * @param up              whether the link is up.
 * @param fullDuplex      whether the link is full duplex.
 * @param autoNegotiation whether the speed and duplex were auto-negotiated.
 */
public record LinkState(int speedMbps, boolean up, boolean fullDuplex, boolean autoNegotiation)
{
    /** {@link #speedMbps()} when the driver does not know the speed. */
    public static final int SPEED_UNKNOWN = -1;
}
