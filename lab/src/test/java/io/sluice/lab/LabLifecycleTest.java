package io.sluice.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.sluice.lab.LabTopology.BACKENDS;
import static io.sluice.lab.LabTopology.CLIENT_NAMESPACE;
import static io.sluice.lab.LabTopology.HTTP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lab.sh down} removes everything the lab made (namespaces, veths, bridge, decap programs,
 * backend servers, any process left inside a lab namespace, the run directory), twice in a row
 * without complaint; and {@code lab.sh up} works after an earlier {@code up} was killed half-way,
 * whether it died while building the topology or while starting the backends.
 * <p>
 * It takes the lab down and up itself, so it runs first: the lab the other classes share
 * ({@link SharedLab}) then comes up once, after it (in another order it would come up again after
 * it, since {@code down} removes the shared lab's marker).
 */
@Tag("lab")
@Order(1)
class LabLifecycleTest
{
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration GONE_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final String DECAP_PROGRAM_NAME = "\"name\":\"sluice_decap\"";

    private static LabScript lab;

    @BeforeAll
    static void findTheScript()
    {
        lab = LabScript.locate();
    }

    @AfterAll
    static void tearTheLabDown()
    {
        if (lab != null)
        {
            lab.down();
        }
    }

    @Test
    void shouldLeaveNothingBehindWhenTheLabGoesDownTwice() throws Exception
    {
        lab.up();
        final List<Long> backendPids = backendPids();
        assertEquals(BACKENDS.size(), backendPids.size(), "one server per backend");
        assertTrue(Commands.run("bpftool", "-j", "prog", "show").contains(DECAP_PROGRAM_NAME), "decap loaded");
        final Process stray = new ProcessBuilder(Commands.namespaced(CLIENT_NAMESPACE, "sleep", "600")).start();
        final List<Long> processes = new ArrayList<>(backendPids);
        processes.add(stray.pid());

        lab.down();
        assertNothingLeft(processes);

        lab.down();
        assertNothingLeft(processes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"attaching decap to tc ingress of sl-be2/", "backends: starting be2 "})
    void shouldComeUpWhenAnEarlierUpWasKilledHalfWay(final String killPoint) throws Exception
    {
        final Process interrupted = lab.startInOwnSession("up");
        final String output = readUntil(interrupted, killPoint);
        Commands.run("kill", "-KILL", "--", "-" + interrupted.pid());
        assertTrue(interrupted.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the killed up exited");
        assertTrue(Files.exists(Path.of("/run/netns", BACKENDS.get(1).namespace())),
            "the killed up left a partial lab behind:\n" + output);

        lab.up();

        for (final String namespace : LabTopology.NAMESPACES)
        {
            final List<Long> inside = pidsIn(namespace);
            final boolean backend = namespace.startsWith("sl-be");
            assertEquals(backend ? 1 : 0, inside.size(), "processes in " + namespace + ": " + inside);
        }
        assertEquals(BACKENDS.size(), backendPids().size());
        for (final LabBackend backend : BACKENDS)
        {
            try (LabHttpConnection connection = LabHttpConnection.open(CLIENT_NAMESPACE, backend.ipv4(), HTTP_PORT, STEP_TIMEOUT))
            {
                assertEquals(backend.name() + "\n", connection.get("/").body());
            }
        }
    }

    private static void assertNothingLeft(final List<Long> processes)
    {
        assertFalse(Commands.run("ip", "netns", "list").lines().anyMatch(line -> line.startsWith("sl-")),
            "no lab namespace left: " + Commands.run("ip", "netns", "list"));
        assertFalse(Commands.run("ip", "-o", "link", "show").contains(": sl-"), "no lab link in the root namespace");
        assertFalse(Files.exists(lab.runDirectory()), lab.runDirectory() + " removed");
        for (final long pid : processes)
        {
            assertTrue(awaitGone(() -> !isRunning(pid)), "process " + pid + " still running");
        }
        assertTrue(awaitGone(() -> !Commands.run("bpftool", "-j", "prog", "show").contains(DECAP_PROGRAM_NAME)),
            "decap programs unloaded once their interfaces are gone");
    }

    private static boolean awaitGone(final BooleanSupplier gone)
    {
        final long deadlineNs = System.nanoTime() + GONE_TIMEOUT.toNanos();
        while (!gone.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            LockSupport.parkNanos(POLL_INTERVAL_NS);
        }
        return true;
    }

    /** Running, not a zombie waiting for its parent (or init) to reap it. */
    private static boolean isRunning(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static List<Long> backendPids() throws IOException
    {
        final List<Long> pids = new ArrayList<>();
        for (final LabBackend backend : BACKENDS)
        {
            final Path pidFile = lab.runDirectory().resolve(backend.name() + ".pid");
            if (Files.exists(pidFile))
            {
                final long pid = Long.parseLong(Files.readString(pidFile).strip());
                assertTrue(isRunning(pid), backend.name() + " server (pid " + pid + ") running");
                pids.add(pid);
            }
        }
        return pids;
    }

    private static List<Long> pidsIn(final String namespace)
    {
        final List<Long> pids = new ArrayList<>();
        for (final String line : Commands.run("ip", "netns", "pids", namespace).split("\n"))
        {
            if (!line.isBlank() && isRunning(Long.parseLong(line.strip())))
            {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    /** Reads the process's output until a line contains {@code marker}; fails when it ends first. */
    private static String readUntil(final Process process, final String marker) throws InterruptedException
    {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().name("lab-up-output").start(() ->
        {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line = reader.readLine(); line != null; line = reader.readLine())
                {
                    lines.add(line);
                }
            }
            catch (final IOException ex)
            {
                lines.add("(reading the output failed: " + ex + ")");
            }
        });
        final StringBuilder output = new StringBuilder();
        final long deadlineNs = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true)
        {
            final String line = lines.poll(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(line, "lab.sh up never printed '" + marker + "' (alive: " + process.isAlive() + "):\n" + output);
            output.append(line).append('\n');
            if (line.contains(marker))
            {
                return output.toString();
            }
        }
    }
}
