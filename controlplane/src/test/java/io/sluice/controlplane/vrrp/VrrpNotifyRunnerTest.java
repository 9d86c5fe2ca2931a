package io.sluice.controlplane.vrrp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dataplane.service.IpAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real hook processes: arguments, exit statuses, a hook that hangs ({@code sleep 60}) killed with
 * its children at a short timeout while the machine keeps advertising, and a full queue.
 */
@Timeout(60)
class VrrpNotifyRunnerTest
{
    private static final VrrpConfig ROUTER = VrrpConfig.of("V4", 51, 255, 100, IpAddress.parse("10.0.0.1"),
        List.of(IpAddress.parse("10.0.0.1")));
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(300);

    @TempDir
    Path dir;

    @Test
    void shouldPassKeepalivedArgumentsWhenStateChanges() throws Exception
    {
        final Path out = dir.resolve("out");
        final Path hook = script("notify.sh", "echo \"$@\" >> " + out);
        try (VrrpNotifyRunner runner = new VrrpNotifyRunner(List.of(hook.toString(), "own-arg"), 5_000_000_000L, 1, 8))
        {
            runner.onStateChange(ROUTER, VrrpState.BACKUP, VrrpState.MASTER);
            runner.onStateChange(ROUTER, VrrpState.MASTER, VrrpState.INITIALIZE);

            await(() -> runner.succeeded() == 2);
            assertEquals(List.of("own-arg INSTANCE V4 MASTER 255", "own-arg INSTANCE V4 STOP 255"), Files.readAllLines(out));
            assertEquals(0, runner.failed() + runner.timedOut() + runner.rejected());
        }
    }

    @Test
    void shouldCountFailuresWhenHookExitsNonZeroOrCannotStart() throws Exception
    {
        final Path failing = script("fail.sh", "exit 3");
        try (VrrpNotifyRunner runner = new VrrpNotifyRunner(List.of(failing.toString()), 5_000_000_000L, 1, 8);
            VrrpNotifyRunner missing = new VrrpNotifyRunner(List.of(dir.resolve("absent").toString()), 5_000_000_000L, 1, 8))
        {
            runner.onStateChange(ROUTER, VrrpState.BACKUP, VrrpState.MASTER);
            missing.onStateChange(ROUTER, VrrpState.BACKUP, VrrpState.MASTER);

            await(() -> runner.failed() == 1 && missing.failed() == 1);
            assertEquals(1, runner.started());
            assertEquals(0, runner.succeeded() + runner.timedOut());
        }
    }

    @Test
    void shouldKeepAdvertisingAndKillTheHookTreeWhenHookHangs() throws Exception
    {
        final Path pidFile = dir.resolve("sleep.pid");
        final Path hook = script("hang.sh", "sleep 60 &\necho $! > " + pidFile + "\nwait");
        final VrrpCounters counters = new VrrpCounters();
        try (VrrpNotifyRunner runner = new VrrpNotifyRunner(List.of(hook.toString()), TIMEOUT_NS, 1, 8))
        {
            final VrrpTransmitter transmitter = new VrrpTransmitter(
                (DirectBuffer buffer, int offset, int length) -> true, address -> VrrpTransmitter.MacResolver.UNKNOWN,
                counters, List.of(runner));
            final VrrpInstance instance = new VrrpInstance(List.of(ROUTER), transmitter, counters);

            final long startNs = System.nanoTime();
            instance.start(0);
            for (int i = 1; i <= 10; i++)
            {
                instance.onTimer(i * ROUTER.advertIntervalNs());
            }
            final long elapsedNs = System.nanoTime() - startNs;

            assertEquals(11, counters.advertsSent());
            assertTrue(elapsedNs < TIMEOUT_NS / 2, "the machine waited " + elapsedNs + " ns for its hook");
            await(() -> Files.exists(pidFile) && runner.timedOut() == 1);
            final long sleepPid = Long.parseLong(Files.readString(pidFile).strip());
            await(() -> ProcessHandle.of(sleepPid).map(p -> !p.isAlive()).orElse(true));
            assertEquals(0, runner.succeeded() + runner.failed());
        }
    }

    @Test
    void shouldDropAndCountHooksWhenQueueIsFull() throws Exception
    {
        final Path hook = script("slow.sh", "sleep 60");
        try (VrrpNotifyRunner runner = new VrrpNotifyRunner(List.of(hook.toString()), 30_000_000_000L, 1, 1))
        {
            runner.onStateChange(ROUTER, VrrpState.INITIALIZE, VrrpState.BACKUP);
            await(() -> runner.started() == 1);
            runner.onStateChange(ROUTER, VrrpState.BACKUP, VrrpState.MASTER);
            runner.onStateChange(ROUTER, VrrpState.MASTER, VrrpState.BACKUP);

            assertEquals(1, runner.rejected());
            assertFalse(runner.timedOut() > 0);
        }
    }

    private Path script(final String name, final String body) throws IOException
    {
        final Path path = dir.resolve(name);
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        return path;
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "condition not met within 20 s");
            Thread.sleep(10);
        }
    }
}
