package io.sluice.controlplane.model;

import java.time.Instant;

import io.sluice.controlplane.health.BackendHealth;

/**
 * What the health checks last said about one backend of one service.
 *
 * @param health        the state; {@link BackendHealth#UNKNOWN} counts as up.
 * @param lastLatencyNs duration of the last check, or -1 before the first.
 * @param since         when the state last changed, or null while {@link BackendHealth#UNKNOWN}.
 * @param transitions   how many times the state changed since the backend (or its health checks) came.
 */
public record BackendStatus(BackendHealth health, long lastLatencyNs, Instant since, long transitions)
{
    /** A backend no check has judged yet, or whose checks are off. */
    public static final BackendStatus UNKNOWN = new BackendStatus(BackendHealth.UNKNOWN, -1, null, 0);
}
