package io.sluice.controlplane.stat;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.sluice.controlplane.config.ConfigException;
import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.DeviceNames;
import io.sluice.controlplane.config.Durations;
import io.sluice.dataplane.stats.StatsFile;
import io.sluice.dataplane.service.TextExcerpt;

/**
 * {@code sluice stat}: shows the counters of a running daemon from its memory-mapped stats file,
 * refreshing in place like {@code top}, or once with {@code --once}. The file is found from
 * {@code --file}, from {@code --config} (its {@code stats.file} or the default for its device), or
 * as the only {@code /dev/shm/sluice-*.stats}.
 */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = "Shows per-service, per-backend and per-worker counters of a running sluice daemon.")
public final class StatCommand implements Callable<Integer>
{
    private static final String CLEAR_SCREEN = "\033[H\033[2J";
    private static final int EXIT_NO_DAEMON = 1;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "the daemon's stats file")
    private Path file;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "the daemon's configuration, to find its stats file")
    private Path config;

    @Option(names = "--once", description = "print once and exit (for scripts)")
    private boolean once;

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
        description = "time between refreshes, e.g. 500ms, 2s (default ${DEFAULT-VALUE})")
    private long intervalNs;

    @Spec
    private CommandSpec spec;

    /**
     * Converts {@code --interval} text to nanoseconds.
     */
    static final class DurationConverter implements CommandLine.ITypeConverter<Long>
    {
        @Override
        public Long convert(final String value)
        {
            final long ns;
            try
            {
                ns = Durations.parseNs(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.TypeConversionException(ex.getMessage());
            }
            if (ns < TimeUnit.MILLISECONDS.toNanos(100))
            {
                throw new CommandLine.TypeConversionException(TextExcerpt.quoted(value) + " is shorter than 100ms");
            }
            return ns;
        }
    }

    /**
     * Finds the file, then prints once or refreshes until interrupted or the daemon stops.
     *
     * @return 0, or 1 when no running daemon's file is found.
     */
    @Override
    public Integer call() throws InterruptedException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Path path;
        try
        {
            path = statsPath();
        }
        catch (final IllegalStateException ex)
        {
            err.println("sluice stat: " + ex.getMessage());
            return EXIT_NO_DAEMON;
        }
        StatsSample previous = null;
        while (true)
        {
            final StatsSample sample;
            try (StatsFile stats = StatsFile.open(path))
            {
                final String stale = staleness(path, stats);
                if (stale != null)
                {
                    err.println("sluice stat: " + stale);
                    return EXIT_NO_DAEMON;
                }
                sample = StatsSample.read(stats);
            }
            catch (final NoSuchFileException ex)
            {
                err.println("sluice stat: no stats file at " + path + (previous == null ?
                    ": no daemon is running there (start one with: sluice run --config FILE)" : ": the daemon stopped"));
                return EXIT_NO_DAEMON;
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                err.println("sluice stat: cannot read " + path + ": " + ex.getMessage());
                return EXIT_NO_DAEMON;
            }
            final String text = StatsView.render(path, sample, previous);
            out.print(once ? text : CLEAR_SCREEN + text);
            out.flush();
            if (once)
            {
                return 0;
            }
            previous = sample;
            TimeUnit.NANOSECONDS.sleep(intervalNs);
        }
    }

    private static String staleness(final Path path, final StatsFile stats)
    {
        final long pid = stats.pid();
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        {
            return null;
        }
        return path + " was written by pid " + pid + ", which is no longer running: the daemon ended without " +
            "cleaning up (killed or crashed). Delete the file, or start the daemon again (it replaces the file)";
    }

    private Path statsPath()
    {
        if (file != null)
        {
            return file;
        }
        if (config != null)
        {
            try
            {
                return ConfigLoader.load(config).statsFile();
            }
            catch (final ConfigException ex)
            {
                throw new IllegalStateException("cannot find the stats file from " + config + ":" + System.lineSeparator() +
                    ex.getMessage());
            }
        }
        final List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(DeviceNames.DEFAULT_STATS_DIRECTORY), "sluice-*.stats"))
        {
            files.forEach(found::add);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot list " + DeviceNames.DEFAULT_STATS_DIRECTORY + ": " + ex.getMessage());
        }
        if (found.size() == 1)
        {
            return found.getFirst();
        }
        if (found.isEmpty())
        {
            throw new IllegalStateException("no daemon is running: no " + DeviceNames.DEFAULT_STATS_DIRECTORY +
                "/sluice-*.stats file (start one with: sluice run --config FILE; or give --file / --config)");
        }
        throw new IllegalStateException("several daemons' stats files, pick one with --file: " + found);
    }
}
