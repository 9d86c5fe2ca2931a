package io.sluice.bench.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.sluice.bench.report.ReportCharts.Plan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./sluice bench report}: draws the benchmark results as PNG charts. From the end-to-end
 * results ({@code ./sluice bench e2e}): Mpps against active flows with testpmd's ceilings, the
 * paced runs' latency percentiles, the worker's time per packet by stage. From JMH's JSON
 * ({@code ./sluice bench}): ScaleBenchmark's ns per packet against flows and against backends, and
 * the Maglev table's build time. Only charts whose data exists are drawn; the others are named with
 * the reason. Prints the files it wrote; a missing or malformed input named on the command line is
 * an error (exit status 1), a default input that is not there only leaves its charts out.
 */
@Command(name = "sluice bench report", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Draws the end-to-end and JMH benchmark results as PNG charts.")
public final class BenchReport implements Callable<Integer>
{
    /** The end-to-end results read when no {@code --e2e} is given. */
    public static final Path DEFAULT_E2E = Path.of("bench/results/e2e.json");
    /** The JMH results read when no {@code --jmh} is given. */
    public static final Path DEFAULT_JMH = Path.of("bench/results/jmh.json");

    @Option(names = "--e2e", paramLabel = "FILE",
        description = "end-to-end results, repeatable (default bench/results/e2e.json, left out when absent)")
    List<Path> e2e;

    @Option(names = "--jmh", paramLabel = "FILE",
        description = "JMH results, -rf json, repeatable: their scores together (default bench/results/jmh.json, left out when absent)")
    List<Path> jmh;

    @Option(names = "--no-jmh", description = "draw no JMH charts")
    boolean noJmh;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench/results/charts",
        description = "where the PNGs go (default bench/results/charts)")
    Path out;

    @Spec
    CommandSpec spec;

    /**
     * Runs the command, headless.
     *
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new BenchReport()).execute(args));
    }

    @Override
    public Integer call()
    {
        System.setProperty("java.awt.headless", "true");
        final PrintWriter stdout = spec.commandLine().getOut();
        final PrintWriter stderr = spec.commandLine().getErr();
        if (noJmh && jmh != null && !jmh.isEmpty())
        {
            stderr.println("sluice bench report: --no-jmh and --jmh " + jmh.get(0) + " contradict each other: give one");
            return 2;
        }
        try
        {
            final Plan plan = plan();
            plan.skipped().forEach(reason -> stdout.println("skipped " + reason));
            if (plan.charts().isEmpty())
            {
                stderr.println("sluice bench report: nothing to draw");
                return 1;
            }
            // Every chart drawn before any file is written: a chart that cannot be drawn leaves no half-set behind.
            final Map<ChartSpec, byte[]> drawn = new LinkedHashMap<>();
            for (final ChartSpec chart : plan.charts())
            {
                drawn.put(chart, draw(chart));
            }
            Files.createDirectories(out);
            for (final Map.Entry<ChartSpec, byte[]> chart : drawn.entrySet())
            {
                final Path file = out.resolve(chart.getKey().fileName());
                Files.write(file, chart.getValue());
                stdout.println(file);
            }
            for (final String other : ReportCharts.ALL)
            {
                if (drawn.keySet().stream().noneMatch(chart -> chart.fileName().equals(other)) && Files.exists(out.resolve(other)))
                {
                    stdout.println("left from an earlier run, not redrawn: " + out.resolve(other));
                }
            }
            stdout.flush();
            return 0;
        }
        catch (final ReportInputException ex)
        {
            stderr.println("sluice bench report: " + ex.getMessage());
            return 1;
        }
        catch (final IOException ex)
        {
            stderr.println("sluice bench report: cannot write the charts into " + out.toAbsolutePath() + ": " + ex);
            return 1;
        }
    }

    private static byte[] draw(final ChartSpec chart) throws IOException
    {
        try
        {
            return ChartRenderer.render(chart);
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            throw new ReportInputException("cannot draw " + chart.fileName() + ": " + ex.getMessage());
        }
    }

    private Plan plan()
    {
        Plan plan = new Plan(List.of(), List.of());
        if (e2e != null && !e2e.isEmpty())
        {
            final List<E2eResults> runs = new ArrayList<>();
            e2e.forEach(file -> runs.add(E2eResults.read(file)));
            plan = plan.and(ReportCharts.e2e(runs));
        }
        else if (Files.exists(DEFAULT_E2E))
        {
            plan = plan.and(ReportCharts.e2e(List.of(E2eResults.read(DEFAULT_E2E))));
        }
        else
        {
            plan = plan.and(ReportCharts.absent(DEFAULT_E2E, "end-to-end charts", "./sluice bench e2e"));
        }
        if (noJmh)
        {
            return plan;
        }
        if (jmh != null && !jmh.isEmpty())
        {
            return plan.and(ReportCharts.jmh(JmhResults.merge(jmh.stream().map(JmhResults::read).toList())));
        }
        if (Files.exists(DEFAULT_JMH))
        {
            return plan.and(ReportCharts.jmh(JmhResults.read(DEFAULT_JMH)));
        }
        return plan.and(ReportCharts.absent(DEFAULT_JMH, "JMH charts", "./sluice bench"));
    }
}
