package io.sluice.dataplane.flow;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class FlowKeyTest
{
    @Test
    void shouldHashIpv4FieldsAsTheKeyDoes()
    {
        final SplittableRandom random = new SplittableRandom(0x4A54L);
        final FlowKey key = new FlowKey();
        for (int i = 0; i < 100_000; i++)
        {
            final int src = random.nextInt();
            final int dst = random.nextInt();
            final int srcPort = random.nextInt(65536);
            final int dstPort = random.nextInt(65536);
            final int protocol = random.nextInt(256);
            assertEquals(key.setIpv4(src, dst, srcPort, dstPort, protocol).hash(),
                FlowKey.hashIpv4(src, dst, srcPort, dstPort, protocol), "key " + key);
        }
    }

    @Test
    void shouldPinTheHashOfAKnownKey()
    {
        // the flow hash decides the backend on every LB of a pair: a change is a compatibility break
        // 198.51.100.7:40000 -> 192.0.2.20:80 TCP
        final long hash = FlowKey.hashIpv4(0xC633_6407, 0xC000_0214, 40000, 80, 6);
        assertEquals(0xFA31_F761_5BDE_C0FFL, hash);
        assertEquals(0xFA31_F761_5BDE_C0FFL, new FlowKey().setIpv4(0xC633_6407, 0xC000_0214, 40000, 80, 6).hash());
        assertNotEquals(hash, FlowKey.hashIpv4(0xC633_6407, 0xC000_0214, 40001, 80, 6));
    }
}
