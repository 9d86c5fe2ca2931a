package io.sluice.bench.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        assertTrue(refusal("--runs", "2").contains("--runs: 2 is not an odd count"), refusal("--runs", "2"));
        assertTrue(refusal("--sluice-jar", "/nonexistent/sluice.jar").contains("--sluice-jar: /nonexistent/sluice.jar cannot be read"));
    }

    @Test
    void shouldTakeTheDefaultsAndASteadyRun()
    {
        final E2eBench bench = new E2eBench();
        new CommandLine(bench).parseArgs("--steady", "10m", "--sample", "5s", "--flows", "1k", "--runs", "3", "--sluice-jar",
            readableJar().toString());
        assertDoesNotThrow(bench::checkOptions);
    }

    /** A file that can be read, standing for the daemon's jar (the option checks only look that it is there). */
    static Path readableJar()
    {
        try
        {
            final Path jar = Files.createTempFile("sluice", ".jar");
            jar.toFile().deleteOnExit();
            return jar;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** A failure during the runs is not a bad option: it keeps its stack trace and picocli's error status. */
    @Test
    void shouldNotTakeAFailureDuringTheRunForABadOption()
    {
        @CommandLine.Command(name = "failing")
        final class Failing implements java.util.concurrent.Callable<Integer>
        {
            @Override
            public Integer call()
            {
                throw new IllegalArgumentException("a counter went back");
            }
        }
        final java.io.PrintStream savedErr = System.err;
        System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try
        {
            assertEquals(1, BenchCommand.execute(new Failing(), new String[0]));
        }
        finally
        {
            System.setErr(savedErr);
        }
    }

    @Test
    void shouldExitWithTheUsageStatusWithoutStartingAnything()
    {
        assertEquals(BenchCommand.BAD_OPTION, BenchCommand.execute(new E2eBench(), new String[] {"--steady", "10x",
            "--work-dir", "/nonexistent/e2e"}));
    }
}
