package io.sluice.bench.e2e;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The steady run's readers on text as the JVM, the daemon, /proc and the generator write it, and its verdict. */
class SteadyStateTest
{
    private static final String GC_LOG = """
        [0.006s][info][gc] Using G1
        [1.912s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->6M(256M) 3.102ms
        [2.400s][info][gc] GC(1) Pause Young (Concurrent Start) (Metadata GC Threshold) 30M->7M(256M) 4.001ms
        [2.405s][info][gc] GC(2) Concurrent Mark Cycle
        [282.117s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 150M->8M(256M) 1.515ms
        """;
    private static final String GEN_SUMMARY = "{\"txMpps\":5.2,\"rxMpps\":5.1,\"lossPercent\":0.0019,\"latencyUs\":{\"p50\":1.0," +
        "\"p99\":2.0,\"p99.9\":3.0},\"backends\":[{\"name\":\"a\",\"packets\":1}],\"mbufsInUseAtEnd\":0,\"mbufsLeaked\":0}";

    @Test
    void shouldReadEveryPauseButNotTheConcurrentPhases()
    {
        final List<SteadyState.GcPause> pauses = SteadyState.gcPauses(GC_LOG);

        assertEquals(3, pauses.size(), pauses.toString());
        assertEquals(new SteadyState.GcPause(282.117, 3, "Pause Young (Normal) (G1 Evacuation Pause) 150M->8M(256M) 1.515ms"),
            pauses.get(2));
        assertEquals(1.912, pauses.get(0).uptimeS());
    }

    @Test
    void shouldReadTheLastPoolLineOfTheDaemonsLogAndNullWithout()
    {
        assertArrayEquals(new long[] {16384, 16384}, SteadyState.poolAtStop("""
            2026-12-06 19:01:02.003 INFO  sluice.dataplane: mbuf pool: 4096 of 4096 mbufs back in the pool at stop
            2026-12-06 19:11:02.003 WARNING sluice.dataplane: mbuf pool: 16384 of 16384 mbufs back in the pool at stop
            """));
        assertArrayEquals(new long[] {16380, 16384},
            SteadyState.poolAtStop("mbuf pool: 16380 of 16384 mbufs back in the pool at stop (4 not returned)"));
        assertNull(SteadyState.poolAtStop("killed"));
    }

    @Test
    void shouldReadTheResidentSetAndTheGeneratorsLeak()
    {
        assertEquals(229_376, SteadyState.rssKb("Name:\tjava\nVmHWM:\t  240000 kB\nVmRSS:\t  229376 kB\nRssAnon:\t 1 kB\n"));
        assertEquals(-1, SteadyState.rssKb("Name:\tjava\n"));
        assertEquals(0, SteadyState.generatorLeaked(GEN_SUMMARY));
        assertEquals(-1, SteadyState.generatorLeaked("{}"));
    }

    @Test
    void shouldHoldOnlyWithoutACollectionAfterTheWarmUpAndWithEveryMbufBack()
    {
        final GenResult result = GenResult.parse(GEN_SUMMARY);
        final List<SteadyState.Sample> samples = List.of(new SteadyState.Sample(-1, 100_000, 900, 10),
            new SteadyState.Sample(0.5, 200_000, 1100, 100), new SteadyState.Sample(10.5, 210_000, 1000, 200),
            new SteadyState.Sample(20.5, 205_000, 1200, 300));
        final String stop = "mbuf pool: 16384 of 16384 mbufs back in the pool at stop";

        final SteadyState.Verdict quiet = SteadyState.verdict(20, result, GC_LOG, 300, samples, stop);
        assertTrue(quiet.held(), quiet.lines().toString());
        assertEquals(3, quiet.samples().size(), "the warm-up's sample is left out");
        assertEquals(200_000, quiet.firstRssKb());
        assertEquals(205_000, quiet.lastRssKb());
        assertEquals(210_000, quiet.maxRssKb());
        assertEquals(1000, quiet.minMbufsInUse());
        assertEquals(1200, quiet.maxMbufsInUse());
        assertEquals(3, quiet.allPauses().size());

        final SteadyState.Verdict collected = SteadyState.verdict(20, result, GC_LOG, 30, samples, stop);
        assertEquals(1, collected.pauses().size(), "GC(3) at 282 s is after a warm-up that ended at 30 s");
        assertFalse(collected.held());
        assertTrue(collected.json().contains("\"gcAfterWarmup\":1"), collected.json());

        assertFalse(SteadyState.verdict(20, result, GC_LOG, 300, samples, stop.replace("16384 of", "16000 of")).held(), "a leak");
        assertFalse(SteadyState.verdict(20, result, GC_LOG, 300, samples, "").held(), "no line: not proven");
    }
}
