package io.sluice.controlplane.ctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.sluice.controlplane.api.v1.ApplyConfigRequest;
import io.sluice.controlplane.api.v1.ApplyConfigResponse;
import io.sluice.controlplane.api.v1.GetConfigRequest;
import io.sluice.controlplane.api.v1.GetConfigResponse;

/**
 * {@code sluice ctl get} and {@code sluice ctl apply -f FILE}: the running configuration as YAML,
 * and a whole YAML configuration applied atomically, so that
 * {@code sluice ctl get > f.yaml && sluice ctl apply -f f.yaml} changes nothing.
 */
final class ConfigCommands
{
    /** The {@code -f} value that reads standard input. */
    static final String STDIN = "-";

    private ConfigCommands()
    {
    }

    /**
     * {@code sluice ctl get}: prints the YAML exactly as the daemon returns it. With {@code --json}:
     * the {@code GetConfigResponse}.
     */
    @Command(name = "get", mixinStandardHelpOptions = true,
        description = "Prints the running configuration as YAML, which apply -f (and sluice run --config) accepts.")
    static final class GetCommand extends CtlSubcommand
    {
        @Override
        public Integer call()
        {
            return run((api, output) ->
            {
                final GetConfigResponse config = api.unary().getConfig(GetConfigRequest.getDefaultInstance());
                if (output.json())
                {
                    output.json(config);
                }
                else
                {
                    output.text(config.getYaml());
                }
                return 0;
            });
        }
    }

    /**
     * {@code sluice ctl apply -f FILE [--dry-run]}: sends the file's YAML and prints the changes
     * the daemon found ({@code +} added, {@code -} removed, {@code ~} changed), the sections that
     * need a restart, and the generation. With {@code --json}: the {@code ApplyConfigResponse}.
     */
    @Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Applies a whole YAML configuration atomically (network, timeouts, services): all of it or nothing.",
            "Prints each change (+ added, - removed, ~ changed) and the generation in force."})
    static final class ApplyCommand extends CtlSubcommand
    {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
            description = "the YAML configuration; - reads standard input")
        private String file;

        @Option(names = "--dry-run", description = "only validate and show the changes; change nothing")
        private boolean dryRun;

        @Override
        public Integer call()
        {
            return run((api, output) ->
            {
                final ApplyConfigResponse applied = api.unary().applyConfig(ApplyConfigRequest.newBuilder().setYaml(read())
                    .setDryRun(dryRun).setSourceName(STDIN.equals(file) ? "stdin" : file).build());
                if (output.json())
                {
                    output.json(applied);
                }
                else
                {
                    output.text(CtlViews.applied(applied, dryRun));
                }
                return 0;
            });
        }

        private String read() throws IOException
        {
            try
            {
                return STDIN.equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) :
                    Files.readString(Path.of(file), StandardCharsets.UTF_8);
            }
            catch (final IOException ex)
            {
                throw new IOException("-f " + CtlArguments.quoted(file) + ": cannot read it (" + CtlArguments.fileProblem(ex) + ")", ex);
            }
        }
    }
}
