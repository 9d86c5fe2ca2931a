package io.sluice.bench.gen;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.Eal;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;

import static io.sluice.bench.gen.TrafficFramesTest.GEN_MAC;
import static io.sluice.bench.gen.TrafficFramesTest.config;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole loop in process through a DPDK {@code net_ring} port that loops every sent frame back
 * to its own receive queue, under a clock that moves {@value #STEP_NS} ns per read: a packet is
 * stamped with the cycle's first read and received at the next, so every latency is exactly
 * {@value #STEP_NS} ns.
 */
@Tag("dpdk")
class TrafficLoopTest
{
    private static final long STEP_NS = 1_000;
    private static final int MAX_CYCLES = 1_000_000;

    private final PortConfig portConfig = new PortConfig(1, 1, 1024, 1024, false);
    private Eal eal;
    private MbufPool pool;

    @BeforeEach
    void register()
    {
        eal = DpdkTestSupport.eal();
        eal.registerCurrentThread();
        pool = DpdkTestSupport.newPool(4095);
    }

    @AfterEach
    void unregister()
    {
        pool.close();
        eal.unregisterCurrentThread();
    }

    private static final class SteppingClock implements NanoClock
    {
        private long nowNs = 1_000_000_000L;

        @Override
        public long nanoTime()
        {
            nowNs += STEP_NS;
            return nowNs;
        }
    }

    private GenSummary run(final GenConfig config, final Port txPort, final Port rxPort)
    {
        try (TrafficFrames frames = new TrafficFrames(config, GEN_MAC);
            TrafficLoop loop = new TrafficLoop(config, txPort, rxPort, pool, frames, new SteppingClock()))
        {
            loop.start();
            int cycles = 0;
            while (!loop.isDone() && cycles++ < MAX_CYCLES)
            {
                loop.doWork();
            }
            assertTrue(loop.isDone(), "the loop ends by itself");
            final Histogram latency = LatencyRecorder.newHistogram();
            loop.latency().takeInterval(latency);
            return GenSummary.of(loop, latency, Map.of(), pool.inUseCount(), 0);
        }
    }

    @Test
    void shouldReceiveEverySentPacketWithItsLatencyWhenLoopedBack()
    {
        try (Port port = Port.open("net_ring40", portConfig, pool))
        {
            final GenSummary summary = run(config("--port", "net_ring40", "--expect", "dsr", "--count", "1000", "--warmup", "0",
                "--new-flows", "10", "--flows", "50"), port, port);

            assertEquals(1000, summary.txPackets());
            assertEquals(1000, summary.rxPackets());
            assertEquals(0, summary.lost());
            assertEquals(100, summary.newFlows(), "10% of 1000");
            assertEquals(1000, summary.latency().getTotalCount(), "every packet's latency recorded");
            assertEquals(STEP_NS, summary.latency().getMinValue(), 1);
            assertEquals(STEP_NS, summary.latency().getMaxValue(), 1);
            assertEquals(List.of(new BackendTable.Count("02:00:00:00:00:01", 1000)), summary.backends());
            assertEquals(Map.of(), summary.drops());
            assertEquals(1000L * 70, summary.txBytes());
            assertEquals(summary.txBytes(), summary.rxBytes());
            assertEquals(0, summary.mbufsInUseAtEnd(), "every mbuf back in the pool");
        }
    }

    @Test
    void shouldMeasureOnlyPacketsSentAfterTheWarmUp()
    {
        try (Port port = Port.open("net_ring41", portConfig, pool))
        {
            final GenSummary summary = run(config("--port", "net_ring41", "--expect", "nat", "--count", "500", "--warmup", "20us",
                "--proto", "udp", "--vip", "2001:db8::20", "--size", "200"), port, port);

            assertEquals(500, summary.txPackets());
            assertEquals(500, summary.rxPackets());
            assertEquals(500, summary.latency().getTotalCount());
            assertEquals(List.of(new BackendTable.Count("2001:db8:0:0:0:0:0:20", 500)), summary.backends());
            assertEquals(0, summary.mbufsInUseAtEnd());
        }
    }

    @Test
    void shouldCountEveryPacketLostWhenNothingComesBackOnTheRxPort()
    {
        try (Port txPort = Port.open("net_ring42", portConfig, pool);
            Port rxPort = Port.open("net_ring43", portConfig, pool);
            Arena arena = Arena.ofConfined())
        {
            final GenSummary summary = run(config("--port", "net_ring42", "--rx-port", "net_ring43", "--count", "300",
                "--warmup", "0", "--drain", "50us"), txPort, rxPort);

            assertEquals(300, summary.txPackets());
            assertEquals(0, summary.rxPackets());
            assertEquals(300, summary.lost());
            assertEquals(100.0, summary.lossPercent());
            assertEquals(0, summary.latency().getTotalCount());
            final MemorySegment pointers = arena.allocate(JAVA_LONG, 512);
            final int looped = txPort.rxBurst(0, pointers, 512);
            pool.freeBulk(pointers, looped);
            assertEquals(300, looped, "the sent packets, looped back to the tx port nobody read");
        }
    }

    @Test
    void shouldCountUndecodableFramesByReasonAndNotAsReceived()
    {
        try (Port port = Port.open("net_ring44", portConfig, pool))
        {
            final GenSummary summary = run(config("--port", "net_ring44", "--expect", "ipip", "--count", "64", "--warmup", "0",
                "--drain", "10us"), port, port);

            assertEquals(64, summary.txPackets());
            assertEquals(0, summary.rxPackets());
            assertEquals(Map.of("rx-not-tunnelled", 64L), summary.drops());
            assertEquals(0, summary.mbufsInUseAtEnd());
        }
    }

    @Test
    void shouldReceiveEverySentPacketWhenSendingAndReceivingOnTwoThreads() throws Exception
    {
        try (Port port = Port.open("net_ring46", portConfig, pool))
        {
            final GenConfig config = config("--port", "net_ring46", "--expect", "dsr", "--count", "20000", "--warmup", "0",
                "--new-flows", "50");
            try (TrafficFrames frames = new TrafficFrames(config, GEN_MAC);
                TrafficLoop loop = new TrafficLoop(config, port, port, pool, frames, new SystemNanoClock()))
            {
                loop.start();
                final Thread sender = Thread.ofPlatform().start(() ->
                {
                    eal.registerCurrentThread();
                    while (!loop.isSendingEnded())
                    {
                        loop.doTransmit();
                    }
                    eal.unregisterCurrentThread();
                });
                int cycles = 0;
                while (!loop.isDone() && cycles++ < 50 * MAX_CYCLES)
                {
                    loop.doReceive();
                }
                sender.join();
                final Histogram latency = LatencyRecorder.newHistogram();
                loop.latency().takeInterval(latency);
                final GenSummary summary = GenSummary.of(loop, latency, Map.of(), pool.inUseCount(), 0);

                assertTrue(loop.isDone());
                assertEquals(20_000, summary.txPackets());
                assertEquals(20_000, summary.rxPackets());
                assertEquals(10_000, summary.newFlows(), 500, "half, give or take packets the full ring refused");
                assertEquals(20_000, summary.latency().getTotalCount());
                assertEquals(0, summary.mbufsInUseAtEnd());
            }
        }
    }
}
