package io.sluice.bench.e2e;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sluice bench scaling} refuses a bad option value before it starts anything: before, most
 * were found only when the daemon's configuration was built, after both testpmd runs.
 */
class ScalingBenchOptionsTest
{
    private static String refusal(final String... args)
    {
        final ScalingBench bench = new ScalingBench();
        new CommandLine(bench).parseArgs(args);
        return assertThrows(IllegalArgumentException.class, bench::checkOptions).getMessage();
    }

    private static String[] withJar(final String... args)
    {
        final String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--sluice-jar";
        all[args.length + 1] = E2eBenchOptionsTest.readableJar().toString();
        return all;
    }

    @Test
    void shouldRefuseEachBadValueWithItsName()
    {
        assertTrue(refusal(withJar("--two-cores", "1,1")).contains("two different CPUs"));
        assertTrue(refusal(withJar("--two-cores", "0,1,1")).contains("two different CPUs"));
        assertTrue(refusal(withJar("--main-core", "-1")).contains("CPU -1"));
        assertTrue(refusal(withJar("--one-core", "4096")).contains("CPU 4096"));
        assertTrue(refusal(withJar("--flows-per-queue", "2M")).contains("--flows-per-queue: 2M is not 1..1048576"));
        assertTrue(refusal(withJar("--warmup", "1500ms")).contains("'1500ms' is not whole seconds"));
        assertTrue(refusal(withJar("--duration", "2h")).contains("'2h' is not whole seconds"));
        assertTrue(refusal(withJar("--backends", "0")).contains("--backends: 0"));
        assertTrue(refusal(withJar("--work-dir", "/tmp/a,b")).contains("--work-dir: /tmp/a,b"));
        assertTrue(refusal("--sluice-jar", "/nonexistent/sluice.jar").contains("cannot be read"));
    }

    @Test
    void shouldTakeTheDefaultsAndWholeSecondsInAnyUnit()
    {
        final ScalingBench bench = new ScalingBench();
        new CommandLine(bench).parseArgs(withJar("--warmup", "1m", "--duration", "10", "--two-cores", "0,1", "--one-core", "0"));
        assertDoesNotThrow(bench::checkOptions);
        assertEquals(60, ScalingBench.seconds("1m"));
        assertEquals(10, ScalingBench.seconds("10"));
    }

    @Test
    void shouldExitWithTheUsageStatusWithoutStartingAnything()
    {
        assertEquals(BenchCommand.BAD_OPTION, BenchCommand.execute(new ScalingBench(), withJar("--two-cores", "1,1", "--work-dir",
            "/nonexistent/scaling")));
    }
}
