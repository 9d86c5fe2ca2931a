package io.sluice.controlplane.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static io.sluice.controlplane.ctl.CtlRun.ctl;
import static io.sluice.controlplane.ctl.CtlRun.ctlWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every argument of {@code sluice ctl} that converts text, given empty, blank, bracketed, garbage
 * and huge values: each is a usage error (exit code 2) that names the argument and the form
 * expected, repeats at most 64 characters of the value and shows no Java exception. No daemon is
 * needed: a malformed argument stops the command before it connects.
 */
class CtlUsageErrorsTest
{
    private static final String SERVICE = "192.0.2.10:80/tcp";
    private static final String HUGE = "9".repeat(5000);
    private static final List<String> BAD = List.of("", " ", "[", "[::1", "garbage:x", "\t\n", "hex:zz", "99999999999999999999",
        HUGE, "[" + HUGE + "]:80");

    /**
     * A command line with {@code %} where the value goes, and the argument's name as picocli says it.
     */
    private record Case(String name, String... template)
    {
        String[] with(final String value)
        {
            final String[] args = template.clone();
            for (int i = 0; i < args.length; i++)
            {
                args[i] = args[i].equals("%") ? value : args[i];
            }
            return args;
        }
    }

    private static final List<Case> CASES = List.of(
        new Case("VIP:PORT[/tcp|udp]", "add-service", "%", "--mode", "dsr"),
        new Case("VIP:PORT[/tcp|udp]", "update-service", "%", "--mode", "dsr"),
        new Case("VIP:PORT[/tcp|udp]", "remove-service", "%"),
        new Case("VIP:PORT[/tcp|udp]", "add-backend", "%", "203.0.113.11"),
        new Case("VIP:PORT[/tcp|udp]", "remove-backend", "%", "203.0.113.11"),
        new Case("VIP:PORT[/tcp|udp]", "set-weight", "%", "203.0.113.11", "1"),
        new Case("VIP:PORT[/tcp|udp]", "drain", "%", "203.0.113.11"),
        new Case("VIP:PORT[/tcp|udp]", "health", "%", "--kind", "none"),
        new Case("'--service'", "list", "-s", "%"),
        new Case("'--service'", "stats", "--service", "%"),
        new Case("VIP:PORT[/PROTO]", "lookup", "198.51.100.2:40000", "%"),
        new Case("CLIENT_ADDR:PORT", "lookup", "%", SERVICE),
        new Case("W", "set-weight", SERVICE, "203.0.113.11", "%"),
        new Case("'--weight'", "add-backend", SERVICE, "203.0.113.11", "--weight", "%"),
        new Case("'--mode'", "add-service", SERVICE, "--mode", "%"),
        new Case("'--scheduler'", "add-service", SERVICE, "--mode", "dsr", "--scheduler", "%"),
        new Case("'--flag'", "add-service", SERVICE, "--mode", "dsr", "--flag", "%"),
        new Case("'--quorum'", "add-service", SERVICE, "--mode", "dsr", "--quorum", "%"),
        new Case("'--maglev-size'", "update-service", SERVICE, "--maglev-size", "%"),
        new Case("'--tcp-idle'", "update-service", SERVICE, "--tcp-idle", "%"),
        new Case("'--udp-idle'", "update-service", SERVICE, "--udp-idle", "%"),
        new Case("'--kind'", "health", SERVICE, "--kind", "%"),
        new Case("'--port'", "health", SERVICE, "--kind", "tcp", "--port", "%"),
        new Case("'--expect-status'", "health", SERVICE, "--kind", "http", "--expect-status", "%"),
        new Case("'--interval'", "health", SERVICE, "--kind", "tcp", "--interval", "%"),
        new Case("'--timeout'", "health", SERVICE, "--kind", "tcp", "--timeout", "%"),
        new Case("'--rise'", "health", SERVICE, "--kind", "tcp", "--rise", "%"),
        new Case("'--fall'", "health", SERVICE, "--kind", "tcp", "--fall", "%"),
        new Case("'--send'", "health", SERVICE, "--kind", "udp", "--send", "%"),
        new Case("'--expect'", "health", SERVICE, "--kind", "udp", "--expect", "%"),
        new Case("'--kind'", "watch", "--kind", "%"),
        new Case("'--count'", "watch", "--count", "%"),
        new Case("'--timeout'", "--timeout", "%", "ha"),
        new Case("'--server'", "--server", "%", "ha"));

    private static boolean accepted(final Case c, final String value)
    {
        final boolean text = c.name().equals("'--send'") || c.name().equals("'--expect'");
        return text && !value.startsWith("hex:");
    }

    @Test
    void shouldNameTheArgumentAndItsFormForEveryMalformedValueWithoutJavaText()
    {
        final List<String> failures = new ArrayList<>();
        for (final Case c : CASES)
        {
            for (final String value : BAD)
            {
                if (accepted(c, value))
                {
                    continue;
                }
                final CtlRun run = ctl(c.with(value));
                final String first = run.err().lines().findFirst().orElse("");
                if (run.exit() != 2 || !first.startsWith("Invalid value for ") || !first.contains(c.name()) ||
                    run.err().contains("java.") || run.err().contains("Exception") || first.length() > 400 ||
                    (value.length() > 64 && !first.contains("... (" + value.length() + " characters)")))
                {
                    failures.add(String.join(" ", c.with(value.length() > 70 ? "HUGE" : value)) + " -> exit " + run.exit() + ": " +
                        (first.length() > 300 ? first.substring(0, 300) + "..." : first));
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void shouldSayWhatAServiceIsWhenItIsEmpty()
    {
        final CtlRun empty = ctl("add-service", "", "--mode", "dsr");

        assertEquals(2, empty.exit(), empty.toString());
        assertTrue(empty.err().startsWith("Invalid value for positional parameter at index 0 (VIP:PORT[/tcp|udp]): '' is not a " +
            "service: VIP:PORT[/tcp|udp], e.g. 192.0.2.10:80/tcp or [2001:db8::10]:443/tcp\n"), empty.err());
        assertFalse(empty.err().contains("IllegalStateException"), empty.err());
    }

    @Test
    void shouldRepeatAtMost64CharactersOfAValue()
    {
        final CtlRun huge = ctl("set-weight", SERVICE, "203.0.113.11", HUGE);

        assertEquals(2, huge.exit(), huge.toString());
        assertTrue(huge.err().startsWith("Invalid value for positional parameter at index 2 (W): '" + "9".repeat(64) + "... (" + HUGE.length() + " characters)' is " +
            "not a whole number 0..999999999\n"), huge.err());
    }

    @Test
    void shouldSayInWordsWhyAFileNamedByAnOptionCannotBeRead()
    {
        final CtlRun directory = ctl("apply", "-f", "");
        final CtlRun tokenFile = ctl("--token-file", "/nonexistent/token", "ha");

        assertEquals(2, directory.exit(), directory.toString());
        assertEquals("sluice ctl: -f '': cannot read it (a directory)\n", directory.err());
        assertEquals(2, tokenFile.exit(), tokenFile.toString());
        assertEquals("sluice ctl: --token-file '/nonexistent/token': cannot read it (no such file)\n", tokenFile.err());
    }

    @Test
    void shouldRefuseAMalformedServerFromTheEnvironmentAsBadUsage()
    {
        final CtlRun bad = ctlWith(Map.of(CtlCommand.SERVER_VARIABLE, "[oops"), "ha");

        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().startsWith("SLUICE_SERVER: '[oops' is not unix:PATH, a socket path starting with / or ., or " +
            "HOST:PORT, e.g. unix:/run/sluice/sluice.sock or lb1.example.net:50051\n"), bad.err());
    }
}
