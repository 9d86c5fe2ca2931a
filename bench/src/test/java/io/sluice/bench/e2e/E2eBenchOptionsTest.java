package io.sluice.bench.e2e;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sluice bench e2e} refuses a bad option value before it starts anything, naming it: before,
 * a bad {@code --steady} duration was read only after the ten-minute run it was meant to time.
 */
class E2eBenchOptionsTest
{
    private static String refusal(final String... args)
    {
        final E2eBench bench = new E2eBench();
        new CommandLine(bench).parseArgs(args);
        return assertThrows(IllegalArgumentException.class, bench::checkOptions).getMessage();
    }

    @Test
    void shouldRefuseEachBadValueWithItsName()
    {
        assertTrue(refusal("--steady", "10x").contains("'10x' is not a duration"), refusal("--steady", "10x"));
        assertTrue(refusal("--steady", "1m", "--sample", "0s").contains("'0s' is not a duration above 0"));
        assertTrue(refusal("--modes", "ipip,dsr").contains("--modes: 'dsr'"));
        assertTrue(refusal("--flows", "1k,1q").contains("'1q' is not a whole count"));
        assertTrue(refusal("--new-flows", "0,101").contains("--new-flows: 101"));
        assertTrue(refusal("--latency-rate", "fast").contains("'fast' is not a whole count"));
        assertTrue(refusal("--runs", "0").contains("--runs: 0"));
        assertTrue(refusal("--backends", "5000").contains("--backends: 5000"));
    }

    @Test
    void shouldTakeTheDefaultsAndASteadyRun()
    {
        final E2eBench bench = new E2eBench();
        new CommandLine(bench).parseArgs("--steady", "10m", "--sample", "5s", "--flows", "1k");
        assertDoesNotThrow(bench::checkOptions);
    }

    @Test
    void shouldExitWithTheUsageStatusWithoutStartingAnything()
    {
        assertEquals(BenchCommand.BAD_OPTION, BenchCommand.execute(new E2eBench(), new String[] {"--steady", "10x",
            "--work-dir", "/nonexistent/e2e"}));
    }
}
