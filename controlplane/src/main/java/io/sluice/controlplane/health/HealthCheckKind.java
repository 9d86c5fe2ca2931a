package io.sluice.controlplane.health;

/**
 * How a service's backends are checked. One kind per service, part of its {@link HealthPolicy}.
 */
public enum HealthCheckKind
{
    /** No checks: every backend stays {@link BackendHealth#UNKNOWN}, which counts as up. */
    NONE,

    /** ICMP (or ICMPv6) echo to the backend address; needs a raw socket, i.e. root or CAP_NET_RAW. */
    ICMP,

    /** A TCP connect to the check port: up when the three-way handshake completes. */
    TCP,

    /** An HTTP/1.1 GET whose response status must equal the expected one. */
    HTTP,

    /** As {@link #HTTP} over TLS, without verifying the backend's certificate (see {@link HttpGetProbe}). */
    HTTPS,

    /** A UDP datagram to the check port whose reply must start with the expected bytes. */
    UDP
}
