package io.sluice.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sluice.dataplane.stats.StatsFile;

/**
 * What a long run at the highest rate says of the daemon's steady state: its garbage collections
 * after the warm-up (from its GC log), its resident memory and its mbuf pool's level over time (sampled),
 * and whether every mbuf came back to its pool at stop (its log) and to the generator's (its summary).
 * The readers are static and pure so that they are tested on known text; {@link Builder} collects a run.
 */
public final class SteadyState
{
    /** A pause line of {@code -Xlog:gc:file=F:uptime}: {@code [12.345s][info][gc] GC(3) Pause Young (Normal) ... 1.234ms}. */
    private static final Pattern GC_PAUSE = Pattern.compile("^\\[(\\d+(?:\\.\\d+)?)s\\].*\\bGC\\((\\d+)\\) (Pause .*)$");
    /** The daemon's line at stop (Dataplane.close). */
    private static final Pattern POOL_AT_STOP = Pattern.compile("mbuf pool: (\\d+) of (\\d+) mbufs back in the pool at stop");
    private static final Pattern VM_RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB$", Pattern.MULTILINE);
    private static final Pattern LEAKED = Pattern.compile("\"mbufsLeaked\":(-?\\d+)");

    private SteadyState()
    {
    }

    /**
     * One collection of the daemon's JVM.
     *
     * @param uptimeS the JVM's uptime at the pause, seconds.
     * @param number  its number in the log.
     * @param text    the log's description (kind, heap before and after, duration).
     */
    public record GcPause(double uptimeS, int number, String text)
    {
    }

    /**
     * One sample of the daemon during the run.
     *
     * @param atS        seconds since the measurement began (negative in the warm-up).
     * @param rssKb      its resident set, kB.
     * @param mbufsInUse mbufs out of its pool ({@code port mbufs-in-use}), -1 when not published yet.
     * @param forwarded  packets its workers forwarded so far.
     */
    public record Sample(double atS, long rssKb, long mbufsInUse, long forwarded)
    {
    }

    /**
     * The pauses in a GC log written with {@code -Xlog:gc:file=F:uptime}.
     *
     * @param log the log's text.
     * @return every pause, in order.
     */
    public static List<GcPause> gcPauses(final String log)
    {
        final List<GcPause> pauses = new ArrayList<>();
        for (final String line : log.split("\n"))
        {
            final Matcher matcher = GC_PAUSE.matcher(line.strip());
            if (matcher.matches())
            {
                pauses.add(new GcPause(Double.parseDouble(matcher.group(1)), Integer.parseInt(matcher.group(2)), matcher.group(3)));
            }
        }
        return pauses;
    }

    /**
     * The mbufs back in the pool at stop, from the daemon's log.
     *
     * @param log the daemon's log.
     * @return {back, size}, or null when the log does not say (the daemon did not stop cleanly).
     */
    public static long[] poolAtStop(final String log)
    {
        final Matcher matcher = POOL_AT_STOP.matcher(log);
        long[] last = null;
        while (matcher.find())
        {
            last = new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))};
        }
        return last;
    }

    /**
     * A process's resident set.
     *
     * @param status the text of {@code /proc/PID/status}.
     * @return {@code VmRSS} in kB, -1 when absent.
     */
    public static long rssKb(final String status)
    {
        final Matcher matcher = VM_RSS.matcher(status);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /**
     * The generator's leaked mbufs.
     *
     * @param summary its JSON summary.
     * @return {@code mbufsLeaked}, -1 when absent.
     */
    public static long generatorLeaked(final String summary)
    {
        final Matcher matcher = LEAKED.matcher(summary);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /**
     * Samples a running daemon.
     *
     * @param pid   its process.
     * @param stats its stats file.
     * @param atS   seconds since the measurement began.
     * @return the sample; -1 for what could not be read.
     */
    public static Sample sample(final long pid, final Path stats, final double atS)
    {
        long rss = -1;
        try
        {
            rss = rssKb(Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8));
        }
        catch (final IOException ignored)
        {
            // the process is gone: -1
        }
        final long[] values = {-1, 0};
        if (Files.exists(stats))
        {
            try (StatsFile file = StatsFile.open(stats))
            {
                file.countersReader().forEach((counterId, typeId, key, label) ->
                {
                    if (typeId == StatsFile.PORT_COUNTER_TYPE && label.equals("port mbufs-in-use"))
                    {
                        values[0] = file.countersReader().getCounterValue(counterId);
                    }
                });
                values[1] = WorkerProfile.of(file).forwarded();
            }
            catch (final IOException | RuntimeException ignored)
            {
                // not written yet or being replaced: -1
            }
        }
        return new Sample(atS, rss, values[0], values[1]);
    }

    /**
     * The verdict of a run: what it measured and whether the steady state held.
     *
     * @param seconds      the measured time.
     * @param throughput   the generator's result.
     * @param pauses       the daemon's collections after the warm-up.
     * @param allPauses    every collection, the start's included.
     * @param samples      the samples after the warm-up.
     * @param poolAtStop   {back, size} of the daemon's pool at stop, null when unknown.
     * @param genLeaked    the generator's leaked mbufs.
     */
    public record Verdict(double seconds, GenResult throughput, List<GcPause> pauses, List<GcPause> allPauses, List<Sample> samples,
        long[] poolAtStop, long genLeaked)
    {
        /** @return the smallest resident set after the warm-up, kB. */
        public long minRssKb()
        {
            return samples.stream().mapToLong(Sample::rssKb).filter(v -> v >= 0).min().orElse(-1);
        }

        /** @return the largest resident set after the warm-up, kB. */
        public long maxRssKb()
        {
            return samples.stream().mapToLong(Sample::rssKb).max().orElse(-1);
        }

        /** @return the resident set of the first sample after the warm-up, kB. */
        public long firstRssKb()
        {
            return samples.isEmpty() ? -1 : samples.getFirst().rssKb();
        }

        /** @return the resident set of the last sample, kB. */
        public long lastRssKb()
        {
            return samples.isEmpty() ? -1 : samples.getLast().rssKb();
        }

        /** @return the fewest mbufs out of the daemon's pool in a sample after the warm-up. */
        public long minMbufsInUse()
        {
            return samples.stream().mapToLong(Sample::mbufsInUse).filter(v -> v >= 0).min().orElse(-1);
        }

        /** @return the most mbufs out of the daemon's pool in a sample after the warm-up. */
        public long maxMbufsInUse()
        {
            return samples.stream().mapToLong(Sample::mbufsInUse).max().orElse(-1);
        }

        /** @return whether no collection, every mbuf back in both pools. */
        public boolean held()
        {
            return pauses.isEmpty() && poolAtStop != null && poolAtStop[0] == poolAtStop[1] && genLeaked == 0;
        }

        /** @return the lines printed at the end of the run. */
        public List<String> lines()
        {
            final List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "steady state: %.0f s measured, %.3f Mpps back through Sluice, loss %.4f%%",
                seconds, throughput.rxMpps(), throughput.lossPercent()));
            lines.add(String.format(Locale.ROOT, "  GC after the warm-up: %d (%d in all since the daemon started)%s", pauses.size(),
                allPauses.size(), pauses.isEmpty() ? "" : ": " + pauses));
            lines.add(String.format(Locale.ROOT, "  resident memory after the warm-up: first %.1f MiB, last %.1f MiB, min %.1f, max %.1f " +
                "(%d samples)", firstRssKb() / 1024.0, lastRssKb() / 1024.0, minRssKb() / 1024.0, maxRssKb() / 1024.0, samples.size()));
            lines.add(String.format(Locale.ROOT, "  daemon mbufs out of the pool while running: %d..%d; at stop %s", minMbufsInUse(),
                maxMbufsInUse(), poolAtStop == null ? "unknown (no line in its log)" :
                    poolAtStop[0] + " of " + poolAtStop[1] + " back"));
            lines.add("  generator mbufs leaked: " + genLeaked + (held() ? "; the steady state held" : "; the steady state did NOT hold"));
            return lines;
        }

        /** @return the verdict as a JSON object. */
        public String json()
        {
            final StringBuilder json = new StringBuilder(256 + samples.size() * 64).append(String.format(Locale.ROOT,
                "{\"kind\":\"steady\",\"seconds\":%.1f,\"rxMpps\":%.4f,\"lossPercent\":%.6f,\"gcAfterWarmup\":%d,\"gcAll\":%d," +
                    "\"rssFirstKb\":%d,\"rssLastKb\":%d,\"rssMinKb\":%d,\"rssMaxKb\":%d,\"mbufsInUseMin\":%d,\"mbufsInUseMax\":%d," +
                    "\"poolBackAtStop\":%s,\"poolSize\":%s,\"generatorLeaked\":%d,\"held\":%b,\"pauses\":[",
                seconds, throughput.rxMpps(), throughput.lossPercent(), pauses.size(), allPauses.size(), firstRssKb(), lastRssKb(),
                minRssKb(), maxRssKb(), minMbufsInUse(), maxMbufsInUse(), poolAtStop == null ? "null" : poolAtStop[0],
                poolAtStop == null ? "null" : poolAtStop[1], genLeaked, held()));
            for (int i = 0; i < allPauses.size(); i++)
            {
                final GcPause pause = allPauses.get(i);
                json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"uptimeS\":%.3f,\"gc\":%d,\"text\":\"%s\"}",
                    pause.uptimeS(), pause.number(), pause.text().replace("\\", "\\\\").replace("\"", "\\\"")));
            }
            json.append("],\"samples\":[");
            for (int i = 0; i < samples.size(); i++)
            {
                final Sample sample = samples.get(i);
                json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "[%.1f,%d,%d,%d]", sample.atS(), sample.rssKb(),
                    sample.mbufsInUse(), sample.forwarded()));
            }
            return json.append("],\"samplesAre\":[\"atS\",\"rssKb\",\"mbufsInUse\",\"forwarded\"],\"throughput\":")
                .append(throughput.json()).append('}').toString();
        }
    }

    /**
     * The verdict from what a run left.
     *
     * @param seconds         the measured time.
     * @param throughput      the generator's result.
     * @param gcLog           the daemon's GC log.
     * @param warmupEndUptimeS the daemon JVM's uptime when the measurement began.
     * @param samples         every sample (those in the warm-up are left out).
     * @param daemonLog       the daemon's log.
     * @return the verdict.
     */
    public static Verdict verdict(final double seconds, final GenResult throughput, final String gcLog, final double warmupEndUptimeS,
        final List<Sample> samples, final String daemonLog)
    {
        final List<GcPause> all = gcPauses(gcLog);
        return new Verdict(seconds, throughput, all.stream().filter(p -> p.uptimeS() >= warmupEndUptimeS).toList(), all,
            samples.stream().filter(s -> s.atS() >= 0).toList(), poolAtStop(daemonLog), generatorLeaked(throughput.json()));
    }
}
