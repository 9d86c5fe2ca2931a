package io.sluice.controlplane;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training run of the CLI's start-up cache makes real {@code ctl list} calls, as a table and as
 * JSON, over TCP and a Unix socket, against the canned API it serves: a training that failed early would load little and make
 * a cache that helps little.
 */
class CtlTrainingTest
{
    @Test
    void shouldListTheCannedServiceAsTableAndJsonWhenTrainingRuns() throws Exception
    {
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final int exit;
        try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8))
        {
            System.setOut(capture);
            exit = CtlTraining.run();
        }
        finally
        {
            System.setOut(stdout);
        }
        final String output = printed.toString(StandardCharsets.UTF_8);

        assertEquals(0, exit, output);
        assertEquals(2, output.split("192.0.2.10:80/tcp  dsr", -1).length - 1, "listed over TCP and over the socket: " + output);
        assertTrue(output.contains("203.0.113.12") && output.contains("66.7%"), output);
        assertTrue(output.contains("\"rx-packets\": \"30\""), output);
    }
}
