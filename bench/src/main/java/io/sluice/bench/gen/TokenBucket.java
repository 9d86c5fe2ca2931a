package io.sluice.bench.gen;

/**
 * Paces sending to a rate: tokens accrue at {@code ratePps} per second of {@code nanoTime} up to a
 * depth of {@code catchUpNs} worth of packets (at least one burst), so the packets a stall of the
 * sending thread (descheduled on a shared core) missed are sent as fast as possible afterwards, up
 * to that much, and the rest are not. Tokens are kept in packet-nanoseconds (one packet is 10^9),
 * so any rate up to 10^9 packets per second is exact in integers.
 */
final class TokenBucket
{
    /** The highest rate the bucket can pace. */
    static final long MAX_RATE_PPS = 1_000_000_000L;

    /** The longest catch-up the bucket can hold at any rate. */
    static final long MAX_CATCH_UP_NS = 1_000_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long ratePps;
    private final long depth;
    private long tokens;
    private long lastNs;

    /**
     * @param ratePps   packets per second, 1 to {@link #MAX_RATE_PPS}.
     * @param burst     the largest burst taken at once.
     * @param catchUpNs how much missed sending time is made up after a stall, 0 to {@link #MAX_CATCH_UP_NS}.
     * @param startNs   the clock when pacing starts; the bucket starts empty.
     */
    TokenBucket(final long ratePps, final int burst, final long catchUpNs, final long startNs)
    {
        this.ratePps = ratePps;
        this.depth = Math.max((long)burst * NANOS_PER_SECOND, ratePps * catchUpNs);
        this.lastNs = startNs;
    }

    /**
     * Takes up to {@code max} packets' tokens.
     *
     * @param nowNs the clock.
     * @param max   the most packets wanted.
     * @return packets that may be sent now, 0 to {@code max}.
     */
    int take(final long nowNs, final int max)
    {
        final long elapsedNs = nowNs - lastNs;
        if (elapsedNs > 0)
        {
            lastNs = nowNs;
            tokens = Math.min(depth, tokens + Math.min(elapsedNs, NANOS_PER_SECOND) * ratePps);
        }
        final int granted = (int)Math.min(max, tokens / NANOS_PER_SECOND);
        tokens -= granted * NANOS_PER_SECOND;
        return granted;
    }
}
