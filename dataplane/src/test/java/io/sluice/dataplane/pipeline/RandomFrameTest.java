package io.sluice.dataplane.pipeline;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.stats.WorkerCounter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random and mutated frames: no exception escapes the pipeline, every frame gets a verdict, and the
 * counters still add up. Seeded, so a failure names the seed and frame that broke it.
 */
class RandomFrameTest
{
    private static final long SEED = 0x5_1CE_F00DL;
    private static final int ROUNDS = 200_000;

    @Test
    void shouldCountEveryRandomOrMutatedFrameWithoutThrowing()
    {
        final Random random = new Random(SEED);
        final List<PacketFixture> fixtures = PacketFixtureTest.fixtures();
        try (PipelineHarness harness = new PipelineHarness())
        {
            int transmitted = 0;
            for (int round = 0; round < ROUNDS; round++)
            {
                final byte[] frame = round % 4 == 0 ?
                    randomFrame(random) : mutate(fixtures.get(random.nextInt(fixtures.size())).input(), random);
                try
                {
                    final PipelineHarness.Result result = harness.run(frame);
                    assertTrue(result.verdict() >= Verdict.FORWARD && result.verdict() <= Verdict.DROP);
                    if (Verdict.isTransmit(result.verdict()))
                    {
                        transmitted++;
                        assertTrue(result.output().length >= 14, "a transmitted frame has an Ethernet header");
                    }
                }
                catch (final RuntimeException ex)
                {
                    fail("round " + round + " (seed " + SEED + ") threw on frame " + Frames.hex(frame), ex);
                }
                harness.advance(1_000_000);
            }
            harness.assertCountersAddUp();
            assertEquals(ROUNDS, harness.counters().get(WorkerCounter.RX_PACKETS));
            assertTrue(transmitted > 0, "mutations of valid frames should still forward some");
            assertTrue(harness.counters().dropsByReason() > 0);
        }
    }

    private static byte[] randomFrame(final Random random)
    {
        final byte[] frame = new byte[random.nextInt(1600)];
        random.nextBytes(frame);
        if (frame.length >= 14 && random.nextBoolean())
        {
            final int[] types = {0x0800, 0x86DD, 0x0806, 0x8100};
            final int type = types[random.nextInt(types.length)];
            frame[12] = (byte)(type >>> 8);
            frame[13] = (byte)type;
            System.arraycopy(Frames.mac(PipelineHarness.LB_MAC), 0, frame, 0, 6);
        }
        return frame;
    }

    private static byte[] mutate(final byte[] input, final Random random)
    {
        byte[] frame = input.clone();
        final int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++)
        {
            switch (random.nextInt(4))
            {
                case 0 -> frame = java.util.Arrays.copyOf(frame, random.nextInt(frame.length + 1));
                case 1 -> frame = java.util.Arrays.copyOf(frame, frame.length + random.nextInt(64));
                default ->
                {
                    if (frame.length > 0)
                    {
                        frame[random.nextInt(frame.length)] = (byte)random.nextInt(256);
                    }
                }
            }
        }
        return frame;
    }
}
