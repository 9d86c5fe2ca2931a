package io.sluice.controlplane.vrrp;

/**
 * Told of each transition of a virtual router, on the thread that drives it: must not block.
 */
@FunctionalInterface
public interface VrrpStateListener
{
    /**
     * A virtual router changed state.
     *
     * @param router the virtual router.
     * @param from   the state it left.
     * @param to     the state it entered.
     */
    void onStateChange(VrrpConfig router, VrrpState from, VrrpState to);
}
