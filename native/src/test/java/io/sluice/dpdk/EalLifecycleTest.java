package io.sluice.dpdk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EAL start, close and failure in fresh processes: the test JVM's own EAL can start only once and
 * must stay up for the other tests.
 */
@Tag("dpdk")
class EalLifecycleTest
{
    @Test
    void shouldCloseAndRefuseRestartWhenEalWasClosed() throws Exception
    {
        final List<String> lines = runProbe("full-cycle");

        assertEquals("running true", lines.get(0));
        assertEquals("looped 1 1", lines.get(1));
        assertEquals("running false", lines.get(2));
        assertEquals("pool after close: MbufPool.create needs a running DPDK EAL: call Eal.start(...) first", lines.get(3));
        assertTrue(lines.get(4).startsWith("restart: DPDK EAL was already started in this process"), lines.get(4));
    }

    @Test
    void shouldReportDpdkErrorWhenEalArgumentsAreInvalid() throws Exception
    {
        final List<String> lines = runProbe("bad-arguments");

        assertTrue(lines.get(0).startsWith(
            "failed: rte_eal_init failed with arguments [--in-memory, --no-such-eal-flag]: "), lines.get(0));
        assertTrue(lines.get(0).contains("(error -22)"), lines.get(0));
        assertEquals("running false", lines.get(1));
    }

    private static List<String> runProbe(final String mode) throws IOException, InterruptedException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process process = new ProcessBuilder(
            java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            EalLifecycleProbe.class.getName(), mode)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);

        final List<String> lines = new ArrayList<>();
        for (final String line : output.split("\n"))
        {
            final int marker = line.indexOf(EalLifecycleProbe.MARKER);
            if (marker >= 0)
            {
                lines.add(line.substring(marker + EalLifecycleProbe.MARKER.length()));
            }
        }
        return lines;
    }
}
