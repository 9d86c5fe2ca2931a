package io.sluice.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * tcpdump on an interface of a lab namespace, its decoded lines collected as they come: tests wait
 * for the line a packet they caused must produce. Runs with {@code -n -S -vv} (numeric, absolute
 * sequence numbers, checksums verified: a TCP line ends its checksum with {@code (correct)} only
 * when tcpdump recomputed it) and in immediate mode, so a line appears as soon as the packet does.
 */
final class PacketCapture implements AutoCloseable
{
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process tcpdump;
    private final List<String> lines = new ArrayList<>();
    private final String description;

    private PacketCapture(final Process tcpdump, final String description)
    {
        this.tcpdump = tcpdump;
        this.description = description;
    }

    /**
     * Starts tcpdump and returns once it is capturing.
     *
     * @param namespace     where the interface is.
     * @param interfaceName the interface.
     * @param filter        a pcap filter, e.g. {@code tcp}.
     * @return the running capture.
     */
    static PacketCapture start(final String namespace, final String interfaceName, final String filter)
    {
        final List<String> command = Commands.namespaced(namespace, "tcpdump", "-i", interfaceName, "-n", "-S", "-vv",
            "-l", "--immediate-mode", filter);
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot start " + String.join(" ", command) + ": " + ex.getMessage(), ex);
        }
        final PacketCapture capture = new PacketCapture(process, String.join(" ", command));
        Thread.ofPlatform().daemon().name("tcpdump-" + namespace).start(capture::collect);
        if (capture.awaitLine(Pattern.compile("listening on " + Pattern.quote(interfaceName)), START_TIMEOUT) == null)
        {
            capture.close();
            throw new IllegalStateException(capture.description + " did not start: " + capture.text());
        }
        return capture;
    }

    private void collect()
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(tcpdump.getInputStream(), StandardCharsets.UTF_8)))
        {
            for (String line = reader.readLine(); line != null; line = reader.readLine())
            {
                synchronized (lines)
                {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        }
        catch (final IOException ex)
        {
            synchronized (lines)
            {
                lines.add("(reading tcpdump failed: " + ex + ")");
                lines.notifyAll();
            }
        }
    }

    /**
     * Waits for a line that contains a match of {@code pattern}, looking at every line since the
     * capture started.
     *
     * @param pattern what to look for.
     * @param timeout how long to wait.
     * @return the first such line, or null when none came in time.
     */
    String awaitLine(final Pattern pattern, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        synchronized (lines)
        {
            int checked = 0;
            while (true)
            {
                for (; checked < lines.size(); checked++)
                {
                    if (pattern.matcher(lines.get(checked)).find())
                    {
                        return lines.get(checked);
                    }
                }
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0 || !tcpdump.isAlive() && checked == lines.size())
                {
                    return null;
                }
                try
                {
                    TimeUnit.NANOSECONDS.timedWait(lines, remainingNs);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    /** @return how many lines it has collected so far: where {@link #linesFrom(int)} starts for what comes next. */
    int lineCount()
    {
        synchronized (lines)
        {
            return lines.size();
        }
    }

    /**
     * @param first the index of the first line wanted, a {@link #lineCount()} taken earlier.
     * @return the lines collected since then.
     */
    List<String> linesFrom(final int first)
    {
        synchronized (lines)
        {
            return List.copyOf(lines.subList(first, lines.size()));
        }
    }

    /** @return every line so far, for failure messages. */
    String text()
    {
        synchronized (lines)
        {
            return description + ":\n" + String.join("\n", lines);
        }
    }

    /** Stops tcpdump. */
    @Override
    public void close()
    {
        tcpdump.destroy();
        try
        {
            if (!tcpdump.waitFor(5, TimeUnit.SECONDS))
            {
                tcpdump.destroyForcibly().waitFor();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            tcpdump.destroyForcibly();
        }
    }
}
