/**
 * Weighted Maglev consistent hashing: the control plane builds an immutable {@link
 * io.sluice.dataplane.maglev.MaglevTable} per VIP with {@link io.sluice.dataplane.maglev.MaglevTableBuilder}
 * from {@link io.sluice.dataplane.maglev.MaglevBackend}s, and the dataplane looks a flow's backend up in it with
 * one array load. Tables depend only on backend identities and weights, so every load balancer with the same
 * backends picks the same backend for a flow, and a change of one backend moves mostly that backend's share.
 */
package io.sluice.dataplane.maglev;
