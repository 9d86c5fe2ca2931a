package io.sluice.controlplane;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.sluice.controlplane.config.ConfigException;
import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.SluiceConfig;

/**
 * {@code sluice run --config FILE}: validates the whole file first (exit 2 with every problem,
 * nothing started), then runs the {@link Daemon} until SIGINT or SIGTERM.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Starts the load balancer with a YAML configuration file and runs until SIGINT or SIGTERM.",
        "SIGHUP re-reads the file and applies its network, timeouts and services."})
final class RunCommand implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration file")
    private Path config;

    @Spec
    private CommandSpec spec;

    /**
     * Loads the configuration and runs the daemon.
     *
     * @return the daemon's exit code, or 2 for a bad configuration.
     */
    @Override
    public Integer call()
    {
        OneLineLogFormat.install();
        final BlockingQueue<String> signals = Signals.install();
        final SluiceConfig loaded;
        try
        {
            loaded = ConfigLoader.load(config);
        }
        catch (final ConfigException ex)
        {
            spec.commandLine().getErr().println(ex.getMessage());
            spec.commandLine().getErr().println("sluice: " + ex.problems().size() + " problem(s) in " + config +
                "; nothing was started");
            spec.commandLine().getErr().flush();
            return Daemon.EXIT_BAD_CONFIG;
        }
        return new Daemon(loaded, signals).run();
    }
}
