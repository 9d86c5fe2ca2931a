/**
 * Address translation state for the {@code nat} and {@code fullnat} forwarding modes: the
 * {@link io.sluice.dataplane.nat.PortPool} of local ports one worker hands out for one LB address
 * and backend. Single writer (the worker that owns the pool), no allocation after construction.
 */
package io.sluice.dataplane.nat;
