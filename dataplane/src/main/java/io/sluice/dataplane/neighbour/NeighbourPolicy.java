package io.sluice.dataplane.neighbour;

import java.util.concurrent.TimeUnit;

/**
 * How the {@link NeighbourAgent} asks for next hops. An unresolved entry is asked at once, then
 * after {@code retryIntervalNs}, doubling up to {@code maxRetryIntervalNs}; a resolved entry is
 * refreshed after {@code refreshIntervalNs} with {@code probes} requests {@code retryIntervalNs}
 * apart, and becomes stale (old MAC kept, requests backing off as for an unresolved one) when none
 * is answered. Over all entries at most {@code requestsPerSecond} requests leave, spread evenly.
 *
 * @param retryIntervalNs    first interval between requests for an unresolved entry, and between probes.
 * @param maxRetryIntervalNs the longest interval the backoff reaches.
 * @param refreshIntervalNs  age after which a resolved entry is asked again.
 * @param probes             quick requests of a refresh before the entry becomes stale.
 * @param requestsPerSecond  requests per second over all entries.
 */
public record NeighbourPolicy(
    long retryIntervalNs, long maxRetryIntervalNs, long refreshIntervalNs, int probes, int requestsPerSecond)
{
    /** Default first retry interval. */
    public static final long DEFAULT_RETRY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Default longest retry interval. */
    public static final long DEFAULT_MAX_RETRY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(30);
    /** Default refresh age. */
    public static final long DEFAULT_REFRESH_INTERVAL_NS = TimeUnit.SECONDS.toNanos(30);
    /** Default quick requests of a refresh. */
    public static final int DEFAULT_PROBES = 3;
    /** Default cap on requests per second. */
    public static final int DEFAULT_REQUESTS_PER_SECOND = 100;
    /** The highest cap on requests per second. */
    public static final int MAX_REQUESTS_PER_SECOND = 100_000;

    /**
     * Validates the policy.
     *
     * @throws IllegalArgumentException naming the value.
     */
    public NeighbourPolicy
    {
        if (retryIntervalNs <= 0 || maxRetryIntervalNs < retryIntervalNs)
        {
            throw new IllegalArgumentException("neighbour retry interval " + retryIntervalNs + " ns must be positive and at most " +
                "the longest retry interval " + maxRetryIntervalNs + " ns");
        }
        if (refreshIntervalNs <= 0 || probes < 1)
        {
            throw new IllegalArgumentException("neighbour refresh interval " + refreshIntervalNs + " ns and probes " + probes +
                " must be positive");
        }
        if (requestsPerSecond < 1 || requestsPerSecond > MAX_REQUESTS_PER_SECOND)
        {
            throw new IllegalArgumentException("neighbour requests per second " + requestsPerSecond + " is not 1.." +
                MAX_REQUESTS_PER_SECOND);
        }
    }

    /**
     * The defaults with another rate cap.
     *
     * @param requestsPerSecond requests per second over all entries.
     * @return the policy.
     */
    public static NeighbourPolicy of(final int requestsPerSecond)
    {
        return new NeighbourPolicy(DEFAULT_RETRY_INTERVAL_NS, DEFAULT_MAX_RETRY_INTERVAL_NS, DEFAULT_REFRESH_INTERVAL_NS,
            DEFAULT_PROBES, requestsPerSecond);
    }

    /**
     * The interval before the next request of an unresolved or stale entry.
     *
     * @param attempts requests sent so far, at least 1.
     * @return the retry interval doubled per earlier attempt, capped.
     */
    public long backoffNs(final int attempts)
    {
        final int doublings = Math.min(Math.max(attempts - 1, 0), 40);
        final long interval = retryIntervalNs << Math.min(doublings, Long.numberOfLeadingZeros(retryIntervalNs) - 1);
        return Math.min(interval, maxRetryIntervalNs);
    }
}
