package io.sluice.bench.gen;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenBucketTest
{
    @Test
    void shouldGrantTheRateWhenAskedOftenOverASecond()
    {
        final TokenBucket bucket = new TokenBucket(1_500_000, 32, 1_000_000, 0);
        long granted = 0;
        for (long nowNs = 0; nowNs <= 1_000_000_000L; nowNs += 10_000)
        {
            granted += bucket.take(nowNs, 32);
        }

        assertEquals(1_500_000, granted);
    }

    @Test
    void shouldCatchUpAtMostTheCatchUpTimeWhenStalled()
    {
        final TokenBucket bucket = new TokenBucket(1_000_000, 32, 1_000_000, 0);
        long granted = 0;
        for (int call = 0; call < 1000; call++)
        {
            granted += bucket.take(500_000_000L, 32);
        }

        assertEquals(1000, granted, "1 ms of 1 Mpps, not the 0.5 s stalled");
    }

    @Test
    void shouldKeepOnlyABurstWhenNoCatchUp()
    {
        final TokenBucket bucket = new TokenBucket(1_000_000, 32, 0, 0);

        assertEquals(32, bucket.take(500_000_000L, 100));
        assertEquals(0, bucket.take(500_000_000L, 100));
    }

    @Test
    void shouldNeverGrantMoreThanAsked()
    {
        final TokenBucket bucket = new TokenBucket(TokenBucket.MAX_RATE_PPS, 32, TokenBucket.MAX_CATCH_UP_NS, 0);

        assertEquals(32, bucket.take(1_000_000_000L, 32));
        assertEquals(5, bucket.take(1_000_000_000L, 5));
    }
}
