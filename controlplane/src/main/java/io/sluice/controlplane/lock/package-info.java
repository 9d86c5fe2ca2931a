/**
 * Lock files that keep a second daemon off a device or an API socket the first one holds. Used by the daemon's
 * wiring and by the API; depends on no other package of the control plane.
 */
package io.sluice.controlplane.lock;
