/**
 * Receive-side scaling computed in software: the {@link io.sluice.dataplane.rss.Toeplitz} hash that NICs use to
 * spread flows over their rx queues, and {@link io.sluice.dataplane.rss.RssSteering}, which tells from a port's key,
 * hash functions and redirection table which worker a flow's packets arrive on, so that a flow replicated from a
 * peer load balancer is handed to that worker (or to all workers where the port's RSS cannot be known).
 */
package io.sluice.dataplane.rss;
