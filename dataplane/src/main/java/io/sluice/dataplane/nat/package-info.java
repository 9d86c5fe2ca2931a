/**
 * Address translation state for the {@code fullnat} forwarding mode: which worker owns each local (NAT) port
 * ({@link io.sluice.dataplane.nat.NatPortSteering}), the pools per NAT address and backend endpoint kept on the
 * control thread ({@link io.sluice.dataplane.nat.NatPoolRegistry}, {@link io.sluice.dataplane.nat.NatPoolLayout}),
 * and one worker's pools ({@link io.sluice.dataplane.nat.NatPools}, each a {@link io.sluice.dataplane.nat.PortPool}).
 * Single writer per pool (the worker that owns it), no allocation on the packet path.
 */
package io.sluice.dataplane.nat;
