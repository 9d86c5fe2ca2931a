package io.sluice.controlplane;

import java.util.Set;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SluiceMainTest
{
    @Test
    void shouldBuildOnlyTheCommandACallRuns()
    {
        final CommandLine call = SluiceMain.commandLine("ctl", "--server", "unix:/run/sluice/sluice.sock", "list", "--json");

        assertEquals(Set.of("ctl", "help"), call.getSubcommands().keySet());
        assertEquals(Set.of("list"), call.getSubcommands().get("ctl").getSubcommands().keySet());
    }

    @Test
    void shouldBuildEveryCommandForTheUsage()
    {
        final CommandLine usage = SluiceMain.commandLine("--help");
        assertEquals(Set.of("run", "stat", "ctl", "help"), usage.getSubcommands().keySet());
        assertEquals(16, usage.getSubcommands().get("ctl").getSubcommands().values().stream().distinct().count());

        final CommandLine ctlUsage = SluiceMain.commandLine("ctl", "--help");
        assertEquals(16, ctlUsage.getSubcommands().get("ctl").getSubcommands().values().stream().distinct().count(),
            "ctl --help lists every subcommand");
        assertTrue(ctlUsage.getSubcommands().get("ctl").getUsageMessage().contains("neighbours"));
    }

    @Test
    void shouldKeepTheSharedOptionsOfCtlForASubcommandAddedAlone()
    {
        final CommandLine call = SluiceMain.commandLine("ctl", "stats", "--server", "127.0.0.1:1", "--timeout", "1s");
        final CommandLine.ParseResult parsed = call.parseArgs("ctl", "stats", "--server", "127.0.0.1:1");
        assertTrue(parsed.subcommand().subcommand().hasMatchedOption("--server"), "--server is inherited by the subcommand");
    }
}
