package io.sluice.dataplane.rss;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.support.SteadyStateAllocation;

import static io.sluice.dataplane.rss.RssSteering.ALL_WORKERS;
import static io.sluice.dataplane.rss.ToeplitzTest.DEFAULT_KEY;
import static io.sluice.dataplane.rss.ToeplitzTest.ipv4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RssSteering}: the worker of a flow from the published Toeplitz vectors through a redirection table, the
 * tuple form chosen by rss_hf, and the ports whose RSS is not usable.
 * <p>
 * The table used: 128 entries, entry i on rx queue i mod 5; queue q polled by worker 4 - q. The vectors' hashes pick
 * entry {@code hash mod 128}: 0x51ccc178 entry 120 (queue 0, worker 4), 0x323e8fc2 entry 66 (queue 1, worker 3),
 * 0xc626b0ea entry 106 (queue 1, worker 3), 0xd718262a entry 42 (queue 2, worker 2), IPv6 0x40207d3d entry 61
 * (queue 1, worker 3), 0x2cc18cd5 entry 85 (queue 0, worker 4).
 */
class RssSteeringTest
{
    /** What Sluice configures, RTE_ETH_RSS_IP | TCP | UDP, as net_null reports it back: 0x3afbc. */
    private static final long SLUICE_HASH_FUNCTIONS = 0x3afbcL;
    private static final int QUEUES = 5;
    private static final int[] RETA = IntStream.range(0, 128).map(i -> i % QUEUES).toArray();
    private static final int[] WORKER_OF_QUEUE = {4, 3, 2, 1, 0};
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;
    private static final int SCTP = 132;

    private final FlowKey key = new FlowKey();

    @Test
    void shouldPickWorkerOfQueueInRetaWhenPortHashesL4()
    {
        final RssSteering steering = steering(SLUICE_HASH_FUNCTIONS);

        assertTrue(steering.computed(), steering.description());
        assertEquals(4, steering.workerOf(vector1(TCP)));
        assertEquals(4, steering.workerOf(vector1(UDP)));
        assertEquals(3, steering.workerOf(vector2(TCP)));
        assertEquals(3, steering.workerOf(vector3(TCP)));
        assertEquals(3, steering.workerOf(vector1(ICMP)));
        assertEquals(2, steering.workerOf(vector2(ICMP)));
        assertEquals(4, steering.workerOf(vector3(ICMP)));
    }

    @Test
    void shouldHashAddressesOnlyWhenPortHashesL3Only()
    {
        final RssSteering steering = steering(RssSteering.RSS_IPV4 | RssSteering.RSS_IPV6);

        assertEquals(3, steering.workerOf(vector1(TCP)));
        assertEquals(2, steering.workerOf(vector2(UDP)));
        assertEquals(4, steering.workerOf(vector3(TCP)));
        assertEquals(2, steering.workerOf(vector2(SCTP)));
    }

    @Test
    void shouldSendToAllWorkersWhenNoHashFunctionCoversTheFlow()
    {
        final RssSteering steering = steering(RssSteering.RSS_NONFRAG_IPV4_TCP | RssSteering.RSS_NONFRAG_IPV4_SCTP);

        assertEquals(4, steering.workerOf(vector1(TCP)));
        assertEquals(ALL_WORKERS, steering.workerOf(vector1(UDP)));
        assertEquals(ALL_WORKERS, steering.workerOf(vector1(ICMP)));
        assertEquals(ALL_WORKERS, steering.workerOf(vector1(SCTP)));
        assertEquals(ALL_WORKERS, steering.workerOf(vector3(TCP)));
    }

    @Test
    void shouldTakeIpv6ExtensionBitsAsTheirPlainFormsWhenPortSetsOnlyThose()
    {
        final RssSteering steering = steering(RssSteering.RSS_IPV6_EX | RssSteering.RSS_IPV6_TCP_EX);

        assertEquals(3, steering.workerOf(vector3(TCP)));
        assertEquals(4, steering.workerOf(vector3(UDP)));
        assertEquals(ALL_WORKERS, steering.workerOf(vector1(TCP)));
    }

    @Test
    void shouldAnswerWorkerZeroWhenPortHasOneRxQueue()
    {
        final RssSteering steering = RssSteering.of(1, 0, null, null, new int[] {0});

        assertFalse(steering.computed());
        assertEquals(0, steering.workerOf(vector1(TCP)));
        assertEquals(0, steering.workerOf(vector3(UDP)));
    }

    @Test
    void shouldSendToAllWorkersWhenPortRssIsNotUsable()
    {
        final int[] missingQueue = RETA.clone();
        missingQueue[7] = QUEUES;
        final RssSteering[] unusable = {
            RssSteering.of(QUEUES, 0, DEFAULT_KEY, RETA, WORKER_OF_QUEUE),
            RssSteering.of(QUEUES, SLUICE_HASH_FUNCTIONS, null, RETA, WORKER_OF_QUEUE),
            RssSteering.of(QUEUES, SLUICE_HASH_FUNCTIONS, new byte[16], RETA, WORKER_OF_QUEUE),
            RssSteering.of(QUEUES, SLUICE_HASH_FUNCTIONS, DEFAULT_KEY, new int[0], WORKER_OF_QUEUE),
            RssSteering.of(QUEUES, SLUICE_HASH_FUNCTIONS, DEFAULT_KEY, missingQueue, WORKER_OF_QUEUE),
            RssSteering.of(QUEUES, SLUICE_HASH_FUNCTIONS | 1L << 63, DEFAULT_KEY, RETA, WORKER_OF_QUEUE),
            RssSteering.of(QUEUES, SLUICE_HASH_FUNCTIONS | 1L << 57, DEFAULT_KEY, RETA, WORKER_OF_QUEUE),
            RssSteering.allWorkers("the query failed"),
        };

        for (final RssSteering steering : unusable)
        {
            assertFalse(steering.computed(), steering.description());
            assertTrue(steering.description().startsWith("all workers: "), steering.description());
            assertEquals(ALL_WORKERS, steering.workerOf(vector1(TCP)), steering.description());
            assertEquals(ALL_WORKERS, steering.workerOf(vector3(UDP)), steering.description());
        }
        assertTrue(unusable[4].description().contains("entry 7 names rx queue 5"), unusable[4].description());
    }

    @Test
    void shouldRejectQueueToWorkerMapWhenItDoesNotFitTheQueues()
    {
        assertThrows(IllegalArgumentException.class, () -> RssSteering.of(0, 0, null, null, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> RssSteering.of(2, 0, null, null, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> RssSteering.of(2, 0, null, null, new int[] {0, -1}));
    }

    @Test
    void shouldGiveFlowsToEveryWorkerWhenTheRedirectionTableIsNotAPowerOfTwo()
    {
        final int[] reta = {0, 1, 2};
        final RssSteering steering = RssSteering.of(3, SLUICE_HASH_FUNCTIONS, DEFAULT_KEY, reta, new int[] {0, 1, 2});

        assertEquals(RssSteering.ALL_WORKERS, steering.workerOf(vector1(TCP)), "NICs index by the hash's low bits: not known here");
        assertEquals(RssSteering.ALL_WORKERS, steering.workerOf(vector2(TCP)));
    }

    @Test
    void shouldReportTheTupleFormAndTableItComputesWithWhenAsked()
    {
        final RssSteering steering = steering(RssSteering.RSS_NONFRAG_IPV4_TCP | RssSteering.RSS_IPV6);
        final RssSteering oneQueue = RssSteering.of(1, 0, null, null, new int[] {0});

        assertEquals(RssSteering.FORM_L4, steering.tupleOf(false, TCP));
        assertEquals(RssSteering.FORM_NONE, steering.tupleOf(false, UDP));
        assertEquals(RssSteering.FORM_L3, steering.tupleOf(true, UDP));
        assertEquals(RssSteering.FORM_NONE, oneQueue.tupleOf(false, TCP));
        assertEquals(128, steering.redirectionTableSize());
        assertEquals(0, oneQueue.redirectionTableSize());
        assertEquals(WORKER_OF_QUEUE[RETA[7]], steering.workerOfEntry(7));
        assertEquals(0x51ccc178, steering.toeplitz().hashIpv4(ToeplitzTest.ipv4(66, 9, 149, 187),
            ToeplitzTest.ipv4(161, 142, 100, 80), 2794, 1766));
        assertNull(oneQueue.toeplitz());
    }

    @Test
    void shouldAllocateNothingWhenAnsweringFlows()
    {
        final RssSteering steering = steering(SLUICE_HASH_FUNCTIONS);
        final FlowKey[] flows = new FlowKey[64];
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < flows.length; i++)
        {
            flows[i] = i % 2 == 0 ?
                new FlowKey().setIpv4(random.nextInt(), random.nextInt(), random.nextInt(0x10000), 80, TCP) :
                new FlowKey().setIpv6(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                    random.nextInt(0x10000), 443, UDP);
        }
        final int[] sink = new int[1];

        SteadyStateAllocation.assertZero("100,000 workerOf calls", () ->
        {
            for (int i = 0; i < 100_000; i++)
            {
                sink[0] += steering.workerOf(flows[i & 63]);
            }
        });
    }

    private static RssSteering steering(final long hashFunctions)
    {
        return RssSteering.of(QUEUES, hashFunctions, DEFAULT_KEY, RETA, WORKER_OF_QUEUE);
    }

    private FlowKey vector1(final int protocol)
    {
        return key.setIpv4(ipv4(66, 9, 149, 187), ipv4(161, 142, 100, 80), 2794, 1766, protocol);
    }

    private FlowKey vector2(final int protocol)
    {
        return key.setIpv4(ipv4(199, 92, 111, 2), ipv4(65, 69, 140, 83), 14230, 4739, protocol);
    }

    private FlowKey vector3(final int protocol)
    {
        return key.setIpv6(0x3ffe_2501_0200_1fffL, 0x7L, 0x3ffe_2501_0200_0003L, 0x1L, 2794, 1766, protocol);
    }
}
