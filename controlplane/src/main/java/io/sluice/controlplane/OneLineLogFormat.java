package io.sluice.controlplane;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The daemon's log format: one readable line per record,
 * {@code 2026-11-22 03:08:22.123 INFO  sluice.daemon: message}, followed by the stack trace when a
 * record carries one. {@link #install()} points java.util.logging (and so {@link System.Logger},
 * which the dataplane uses) at standard error with this format.
 */
public final class OneLineLogFormat extends Formatter
{
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
        .withZone(ZoneId.systemDefault());

    /**
     * Replaces the root logger's handlers with one console handler (standard error) using this format.
     */
    public static void install()
    {
        LogManager.getLogManager().reset();
        final Logger root = Logger.getLogger("");
        final Handler handler = new ConsoleHandler();
        handler.setFormatter(new OneLineLogFormat());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
    }

    /**
     * Formats one record.
     *
     * @param record the record.
     * @return one line, plus a stack trace when the record has a throwable.
     */
    @Override
    public String format(final LogRecord record)
    {
        final StringBuilder line = new StringBuilder(128)
            .append(TIME.format(Instant.ofEpochMilli(record.getMillis())))
            .append(' ')
            .append(levelName(record.getLevel()))
            .append(' ')
            .append(record.getLoggerName())
            .append(": ")
            .append(formatMessage(record))
            .append(System.lineSeparator());
        if (record.getThrown() != null)
        {
            final StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static String levelName(final Level level)
    {
        if (level.intValue() >= Level.SEVERE.intValue())
        {
            return "ERROR";
        }
        if (level.intValue() >= Level.WARNING.intValue())
        {
            return "WARN ";
        }
        if (level.intValue() >= Level.INFO.intValue())
        {
            return "INFO ";
        }
        return "DEBUG";
    }
}
