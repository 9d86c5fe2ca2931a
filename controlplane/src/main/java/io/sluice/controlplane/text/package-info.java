/**
 * How the control plane writes addresses and service names for people: IPv6 in its shortest form (RFC 5952),
 * IPv4 dotted.
 * The lowest package of the control plane, used by every other one, so it depends on none of them.
 */
package io.sluice.controlplane.text;
