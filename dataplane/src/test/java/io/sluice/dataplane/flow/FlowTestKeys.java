package io.sluice.dataplane.flow;

/**
 * Builds flow keys for the flow table tests, including sets of keys that land in one chosen bucket.
 */
final class FlowTestKeys
{
    static final int TCP = 6;
    static final int UDP = 17;

    private FlowTestKeys()
    {
    }

    static FlowKey ipv4(final int srcAddress, final int srcPort)
    {
        return new FlowKey().setIpv4(srcAddress, 0x0A00_0001, srcPort, 443, TCP);
    }

    static FlowKey ipv6(final long srcLo, final int srcPort)
    {
        return new FlowKey().setIpv6(0x2001_0DB8_0000_0000L, srcLo, 0x2001_0DB8_0000_0001L, 1L, srcPort, 443, TCP);
    }

    /**
     * The bucket a hash selects, computed independently of the table: the low bits of the hash.
     */
    static int bucketOf(final long hash, final int bucketCount)
    {
        return (int)(hash & (bucketCount - 1));
    }

    /**
     * Distinct IPv4 keys (source ports counting up from 1) whose hash selects the given bucket.
     */
    static FlowKey[] keysInBucket(final int bucket, final int bucketCount, final int count)
    {
        final FlowKey[] keys = new FlowKey[count];
        int found = 0;
        for (int srcPort = 1; found < count; srcPort++)
        {
            if (srcPort > 0xFFFF)
            {
                throw new IllegalStateException("not enough ports for " + count + " keys in bucket " + bucket);
            }

            final FlowKey key = ipv4(0xC0A8_0001, srcPort);
            if (bucketOf(key.hash(), bucketCount) == bucket)
            {
                keys[found++] = key;
            }
        }

        return keys;
    }
}
