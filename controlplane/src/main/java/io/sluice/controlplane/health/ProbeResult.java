package io.sluice.controlplane.health;

/**
 * The outcome of one health check.
 *
 * @param success   whether the backend passed.
 * @param latencyNs how long the check took, {@link System#nanoTime()} around the probe itself
 *                  (not the time it waited for a thread); on a timeout, about the timeout.
 * @param reason    a short human reason: "connected", "HTTP 200", "connect refused",
 *                  "timeout after 1000 ms", "HTTP 503, expected 200", ...
 */
public record ProbeResult(boolean success, long latencyNs, String reason)
{
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException on a negative latency or a null reason.
     */
    public ProbeResult
    {
        if (latencyNs < 0)
        {
            throw new IllegalArgumentException("latencyNs must not be negative, not " + latencyNs);
        }
        if (reason == null)
        {
            throw new IllegalArgumentException("reason must not be null");
        }
    }

    /**
     * A passed check.
     *
     * @param latencyNs how long it took.
     * @param reason    what was seen, e.g. "HTTP 200".
     * @return the result.
     */
    public static ProbeResult success(final long latencyNs, final String reason)
    {
        return new ProbeResult(true, latencyNs, reason);
    }

    /**
     * A failed check.
     *
     * @param latencyNs how long it took.
     * @param reason    why it failed, e.g. "connect refused".
     * @return the result.
     */
    public static ProbeResult failure(final long latencyNs, final String reason)
    {
        return new ProbeResult(false, latencyNs, reason);
    }

    /**
     * This result with another latency.
     *
     * @param latencyNs the measured latency.
     * @return a new result.
     */
    public ProbeResult withLatencyNs(final long latencyNs)
    {
        return new ProbeResult(success, latencyNs, reason);
    }
}
