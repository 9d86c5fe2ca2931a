package io.sluice.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code sluice ctl} in a network namespace that has only a loopback interface, where Netty finds no
 * hardware address for its machine id: the call's standard error holds its own report of the
 * unreachable daemon and nothing from the libraries. Runs the real jar in a child process, in a
 * namespace of its own (needs root and {@code ip}; skipped otherwise), after {@code package}.
 */
class CtlQuietIT
{
    private static final long WAIT_S = 60;

    @TempDir
    Path directory;

    private final String namespace = "sluice-ctlq-" + ProcessHandle.current().pid();

    @BeforeEach
    void addNamespace() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "a network namespace needs root");
        assumeTrue(run("ip", "netns", "add", namespace) == 0, "cannot add network namespace " + namespace);
        assertEquals(0, run("ip", "-n", namespace, "link", "set", "lo", "up"));
    }

    @AfterEach
    void deleteNamespace() throws Exception
    {
        if ("root".equals(System.getProperty("user.name")))
        {
            run("ip", "netns", "delete", namespace);
        }
    }

    @Test
    void shouldPrintOnlyItsOwnErrorWhenNoHardwareAddressExists() throws Exception
    {
        final Path out = directory.resolve("out");
        final Path err = directory.resolve("err");
        final List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-jar", System.getProperty("sluice.jar", "target/sluice.jar"),
            "ctl", "--server", "127.0.0.1:1", "--timeout", "5s", "list"));
        final Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(WAIT_S, TimeUnit.SECONDS), "sluice ctl did not end");
        final String stderr = Files.readString(err, StandardCharsets.UTF_8);

        assertEquals(1, process.exitValue(), stderr);
        assertEquals("", Files.readString(out, StandardCharsets.UTF_8));
        final List<String> lines = stderr.lines().toList();
        assertTrue(lines.getFirst().startsWith("sluice ctl: cannot connect to the daemon's API at 127.0.0.1:1"), stderr);
        assertTrue(lines.stream().allMatch(line -> line.startsWith("sluice ctl: ")), "only the call's own report:\n" + stderr);
    }

    private static int run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(WAIT_S, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        return process.exitValue();
    }
}
