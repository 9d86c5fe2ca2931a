package io.sluice.bench.gen;

/**
 * What the load balancer sends on, so what the generator's receive side decodes, and how it names
 * the backend a packet went to.
 */
enum Expect
{
    /** IP in IP (4in4 or 6in6, also 4in6 / 6in4): the backend is the outer destination address. */
    IPIP,
    /** GUE over UDP to the GUE port, variant 0 (4-byte header) or 1 (IP in UDP): the outer destination. */
    GUE,
    /** Direct server return: the frame unchanged but its MACs; the backend is the destination MAC. */
    DSR,
    /** Destination NAT: the backend is the destination address. */
    NAT,
    /** Full NAT: source and destination rewritten; the backend is the destination address. */
    FULLNAT
}
