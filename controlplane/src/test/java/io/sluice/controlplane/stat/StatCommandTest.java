package io.sluice.controlplane.stat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import io.sluice.controlplane.SluiceMain;
import io.sluice.dataplane.stats.StatsFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatCommandTest
{
    private static final int PID_OFFSET = 16;

    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int sluice(final String... args)
    {
        final CommandLine commandLine = SluiceMain.commandLine(args);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void shouldPrintOnceAndExitZeroWhenTheWriterRuns() throws Exception
    {
        final Path file = directory.resolve("live.stats");
        try (StatsFile ignored = StatsFile.create(file, 1))
        {
            assertEquals(0, sluice("stat", "--once", "--file", file.toString()), err.toString());
        }
        assertTrue(out.toString().startsWith("sluice stat  " + file + "  pid " + ProcessHandle.current().pid() + "  up "),
            out.toString());
        assertTrue(out.toString().contains("(no services)"), out.toString());
    }

    @Test
    void shouldNameTheDeadPidWhenTheWriterIsGone() throws Exception
    {
        final Path file = directory.resolve("stale.stats");
        StatsFile.create(file, 1).close();
        final Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, gone.pid()), PID_OFFSET);
        }

        assertEquals(1, sluice("stat", "--once", "--file", file.toString()));
        assertEquals("sluice stat: " + file + " was written by pid " + gone.pid() + ", which is no longer running: the daemon " +
            "ended without cleaning up (killed or crashed). Delete the file, or start the daemon again (it replaces the file)\n",
            err.toString());
    }

    @Test
    void shouldRefuseAnIntervalWhenItIsNotADuration()
    {
        assertEquals(2, sluice("stat", "--interval", "1", "--file", "x"));
        assertTrue(err.toString().contains("Invalid value for option '--interval': '1' is not a duration such as 200us, 500ms, " +
            "30s, 5m or 1h"), err.toString());
    }
}
