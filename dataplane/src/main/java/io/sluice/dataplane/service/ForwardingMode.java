package io.sluice.dataplane.service;

/**
 * How packets of a service reach its backends.
 */
public enum ForwardingMode
{
    /** Direct server return: only the destination MAC is rewritten; backends hold the VIP on a loopback. */
    DSR,
    /** IP-in-IP: 4in4 or 6in6; the backend family must match the VIP's. */
    IPIP,
    /** Generic UDP Encapsulation to the configured GUE port; any inner/outer family mix. */
    GUE
}
