package io.sluice.dataplane.nat;

import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.rss.RssSteering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NatPortSteering}: the owner of every local port, from the precomputed Toeplitz classes, is the worker that
 * {@link RssSteering#workerOf} (the brute-force definition: hash the whole reply tuple) names for the reply; the
 * port-mask fallback; one worker; and the keys, tables and ranges refused.
 */
class NatPortSteeringTest
{
    /** The Intel / Microsoft verification key. */
    static final byte[] DEFAULT_KEY = HexFormat.of().parseHex(
        "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");
    /** RTE_ETH_RSS_IP | TCP | UDP as Sluice configures it. */
    static final long SLUICE_HASH_FUNCTIONS = 0x3afbcL;
    private static final int[] RETA_SIZES = {64, 128, 512};

    private final FlowKey reply = new FlowKey();

    @Test
    void shouldOwnEachPortOnTheWorkerItsRepliesReachWhenKeysTablesAndPoolsAreRandom()
    {
        final SplittableRandom random = new SplittableRandom(13);
        for (int config = 0; config < 12; config++)
        {
            final int workers = 2 + random.nextInt(7);
            final RssSteering rss = randomRss(random, workers, RETA_SIZES[config % RETA_SIZES.length]);
            final int first = config % 3 == 0 ? PortPool.MIN_PORT : 1024 + random.nextInt(20_000);
            final int last = config % 3 == 0 ? PortPool.MAX_PORT : first + 8192 + random.nextInt(30_000);
            final NatPortSteering steering = NatPortSteering.of(rss, workers, first, last, NatPortSteering.DEFAULT_MIN_SHARE);

            for (int pool = 0; pool < 4; pool++)
            {
                final NatPoolKey key = randomKey(random, pool % 2 == 1, pool < 2 ? NatPoolKey.TCP : NatPoolKey.UDP);
                assertEquals(NatPortSteering.SCHEME_RSS, steering.schemeOf(key));
                final int[] owned = new int[workers];
                for (int port = first; port <= last; port++)
                {
                    final int expected = rss.workerOf(key.replyKey(reply, port));
                    final int owner = steering.ownerOf(key, port);
                    if (owner != expected)
                    {
                        assertEquals(expected, owner, "config " + config + " " + key + " port " + port);
                    }
                    owned[owner]++;
                }
                assertEquals(last - first + 1, IntStream.of(owned).sum(), "every port has exactly one owner");
                assertEquals(owned[1], steering.portsOwned(key, 1));
            }
            assertEquals(NatPortSteering.NO_OWNER, steering.ownerOf(randomKey(random, false, NatPoolKey.TCP), first - 1));
            assertEquals(NatPortSteering.NO_OWNER, steering.ownerOf(randomKey(random, true, NatPoolKey.UDP), last + 1));
        }
    }

    @Test
    void shouldRefuseAKeyWhoseBitsUnderTheDestinationPortSpreadNothing()
    {
        final byte[] key = new byte[40];
        key[0] = (byte)0x6d;
        key[1] = (byte)0x5a;
        final RssSteering rss = RssSteering.of(4, SLUICE_HASH_FUNCTIONS, key, reta(128, 4), new int[] {0, 1, 2, 3});

        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> NatPortSteering.of(rss, 4));

        assertTrue(refused.getMessage().contains("the key's bits under the destination port"), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("the RSS key and redirection table give worker "), refused.getMessage());
    }

    @Test
    void shouldPutTheOwnerInThePortWhenThePortsRssIsNotKnown()
    {
        final NatPortSteering steering = NatPortSteering.of(RssSteering.allWorkers("net_af_packet"), 3);
        final NatPoolKey key = NatPoolKey.ipv4(0x0a000001, 0x0a000102, 80, NatPoolKey.TCP);

        assertEquals(NatPortSteering.SCHEME_PORT_MASK, steering.schemeOf(key));
        for (int port = PortPool.MIN_PORT; port <= PortPool.MAX_PORT; port++)
        {
            assertEquals((port & 3) % 3, steering.ownerOf(key, port), "port " + port);
        }
        assertEquals(32256, steering.portsOwned(key, 0), "masked values 0 and 3");
        assertEquals(16128, steering.portsOwned(key, 2));
        assertTrue(steering.description().contains("rte_flow"), steering.description());
    }

    @Test
    void shouldPutTheOwnerInThePortForAProtocolThePortDoesNotHash()
    {
        final RssSteering rss = RssSteering.of(2, RssSteering.RSS_NONFRAG_IPV4_TCP | RssSteering.RSS_NONFRAG_IPV6_TCP,
            DEFAULT_KEY, reta(128, 2), new int[] {0, 1});
        final NatPortSteering steering = NatPortSteering.of(rss, 2);

        assertEquals(NatPortSteering.SCHEME_RSS, steering.schemeOf(NatPoolKey.ipv4(1, 2, 80, NatPoolKey.TCP)));
        assertEquals(NatPortSteering.SCHEME_PORT_MASK, steering.schemeOf(NatPoolKey.ipv4(1, 2, 53, NatPoolKey.UDP)));
        assertEquals(1, steering.ownerOf(NatPoolKey.ipv4(1, 2, 53, NatPoolKey.UDP), 40_001));
    }

    @Test
    void shouldGiveEveryPortToWorkerZeroWhenThereIsOneWorkerOrOneQueue()
    {
        final NatPoolKey key = NatPoolKey.ipv6(0x2001_0db8L << 32, 1, 0x2001_0db8L << 32, 2, 443, NatPoolKey.UDP);
        final NatPortSteering oneWorker = NatPortSteering.of(RssSteering.allWorkers("net_ring"), 1);
        final NatPortSteering oneQueue = NatPortSteering.of(RssSteering.of(1, 0, null, null, new int[] {0}), 2);

        for (final NatPortSteering steering : new NatPortSteering[] {oneWorker, oneQueue})
        {
            assertEquals(NatPortSteering.SCHEME_SINGLE, steering.schemeOf(key));
            assertEquals(PortPool.MAX_PORT - PortPool.MIN_PORT + 1, steering.portsOwned(key, 0));
            assertEquals(0, steering.ownerOf(key, 33_333));
        }
    }

    @Test
    void shouldRefuseAPoolWhoseRepliesAreHashedByAddressesOnly()
    {
        final RssSteering rss = RssSteering.of(2, RssSteering.RSS_IPV4 | RssSteering.RSS_IPV6, DEFAULT_KEY, reta(128, 2),
            new int[] {0, 1});
        final NatPortSteering steering = NatPortSteering.of(rss, 2);
        final NatPoolKey key = NatPoolKey.ipv4(1, 2, 80, NatPoolKey.TCP);

        assertEquals(NatPortSteering.SCHEME_UNSUPPORTED, steering.schemeOf(key));
        assertNotNull(steering.unsupported(key));
        assertTrue(steering.unsupported(key).contains("NONFRAG_IPV4_TCP"), steering.unsupported(key));
        assertNull(NatPortSteering.of(RssSteering.allWorkers("x"), 2).unsupported(key));
    }

    @Test
    void shouldRefuseARangeOrWorkerCountThatDoesNotFit()
    {
        final RssSteering rss = RssSteering.of(4, SLUICE_HASH_FUNCTIONS, DEFAULT_KEY, reta(128, 4), new int[] {0, 1, 2, 3});

        assertThrows(IllegalArgumentException.class, () -> NatPortSteering.of(rss, 4, 1023, 2000, 0.5));
        assertThrows(IllegalArgumentException.class, () -> NatPortSteering.of(rss, 4, 3000, 2999, 0.5));
        assertThrows(IllegalArgumentException.class, () -> NatPortSteering.of(rss, 4, 2000, 65536, 0.5));
        assertThrows(IllegalArgumentException.class, () -> NatPortSteering.of(rss, 0));
        assertThrows(IllegalArgumentException.class, () -> NatPortSteering.of(rss, 3), "the table names worker 3");
        assertThrows(IllegalArgumentException.class, () -> NatPortSteering.of(rss, 4, 2000, 2000, 0.5),
            "one port cannot give four workers a share");
        assertEquals(40_001, NatPortSteering.of(rss, 4, 40_000, 50_000, 0.5).firstPort() + 1);
    }

    static RssSteering randomRss(final SplittableRandom random, final int workers, final int retaSize)
    {
        final byte[] key = new byte[40 + 12 * random.nextInt(2)];
        random.nextBytes(key);
        final int[] table = IntStream.range(0, retaSize).map(entry -> random.nextInt(workers)).toArray();
        final int[] workerOfQueue = IntStream.range(0, workers).map(queue -> workers - 1 - queue).toArray();
        return RssSteering.of(workers, SLUICE_HASH_FUNCTIONS, key, table, workerOfQueue);
    }

    static NatPoolKey randomKey(final SplittableRandom random, final boolean ipv6, final int protocol)
    {
        return ipv6 ?
            NatPoolKey.ipv6(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                1 + random.nextInt(65535), protocol) :
            NatPoolKey.ipv4(random.nextInt(), random.nextInt(), 1 + random.nextInt(65535), protocol);
    }

    static int[] reta(final int size, final int queues)
    {
        return IntStream.range(0, size).map(entry -> entry % queues).toArray();
    }
}
